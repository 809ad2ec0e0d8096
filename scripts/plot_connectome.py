"""Figures of a shipped or user connectome: glass brain, weight/delay matrices, delay histogram.

Usage::

    python scripts/plot_connectome.py tvb76 --velocity 3 --dt 0.01 --out figures/
"""

from __future__ import annotations

import argparse
from pathlib import Path

import wholebrain as wb
from wholebrain.connectome import plots


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("connectome", nargs="?", default="tvb76", help="atlas name or path")
    parser.add_argument("--velocity", type=float, default=3.0, help="conduction velocity, m/s")
    parser.add_argument("--dt", type=float, default=0.01, help="time step for the floor, ms")
    parser.add_argument("--out", type=Path, default=Path("."), help="output folder")
    args = parser.parse_args(argv)

    con = wb.load_connectome(args.connectome)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = con.name or "connectome"
    plots.plot_glass_brain(con, args.out / f"{stem}_glass.png")
    plots.plot_matrices(con, args.velocity, args.out / f"{stem}_matrices.png")
    plots.plot_delay_histogram(con, args.velocity, args.dt, path=args.out / f"{stem}_delays.png")
    print(f"{con!r}: figures in {args.out}")


if __name__ == "__main__":
    main()
