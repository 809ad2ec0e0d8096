"""How many depression steps DynaSim gave each spike, read from its own res trace.

In the published code a spike multiplies ``res`` by ``deprFactor`` on N consecutive 0.01-ms
steps (N = trigger steps + the 2*dt tie). This script recovers N per depression episode of
the reference run (``res`` of PYso->PYdr AMPA, presynaptic cells 1-5, stored every 0.1 ms) by
fitting N depression steps plus recovery (tau_res) to each drop, and prints the histogram,
the mean and E[0.9**N]. It also prints how often DynaSim's 2*dt tie counts as inclusive on
its time grid T = 0:dt:T_end (IEEE doubles, as Octave computes the range).

Usage: ``python scripts/depression_count_dynasim.py [--reference DIR]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from wholebrain.columns.soplata2023 import depression, fidelity

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "reference" / "dynasim" / "propofol_main"
DT_MS, FACTOR = depression.DYNASIM_DT_MS, 0.9


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=DEFAULT)
    args = ap.parse_args()
    table = np.loadtxt(args.reference / "res_PYdr_PYso_AMPA_first5.csv", delimiter=",",
                       skiprows=1)  # fmt: skip
    counts = np.concatenate([fidelity.depression_counts(cell) for cell in table[:, 1:].T])
    hist = np.bincount(counts)
    print(f"{counts.size} depression episodes of cells 1-5")
    print("N:     " + " ".join(f"{k:4d}" for k in range(1, hist.size)))
    print("count: " + " ".join(f"{c:4d}" for c in hist[1:]))
    print(f"mean N {counts.mean():.2f} +- {counts.std(ddof=1) / np.sqrt(counts.size):.2f} (SE); "
          f"E[0.9^N] {np.mean(FACTOR**counts):.3f}")  # fmt: skip
    t = np.arange(int(round(table[-1, 0] / DT_MS)) + 1) * DT_MS
    tie = (t[2:] - t[:-2]) <= 2 * DT_MS
    print(f"2*dt tie inclusive on DynaSim's grid: {tie.mean():.1%} of steps")
    # the rule of columns.soplata2023.depression, for crossings uniform over the grid
    rng = np.random.default_rng(0)
    emulated = depression.emulated_counts(rng.uniform(0, table[-1, 0], 200_000))
    print(
        f"N = m + tie for uniform crossings: mean {emulated.mean():.2f}, "
        f"E[0.9^N] {np.mean(FACTOR**emulated):.3f}, N = 1 on {np.mean(emulated == 1):.1%}"
    )
    print(f"max-likelihood inclusive share from the ends of the histogram: "
          f"{hist[-1] / (hist[-1] + hist[1]):.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
