"""How many depression steps DynaSim gave each spike, read from its own res trace.

In the published code a spike multiplies ``res`` by ``deprFactor`` on N consecutive 0.01-ms
steps (N = trigger steps + the 2*dt tie). This script recovers N per depression episode of
the reference run (``res`` of PYso->PYdr AMPA, presynaptic cells 1-5, stored every 0.1 ms) by
fitting N depression steps plus recovery (tau_res) to each drop, and prints the histogram,
the mean and E[0.9**N]. It also prints how often DynaSim's 2*dt tie counts as inclusive on
its time grid T = 0:dt:T_end (IEEE doubles, as Octave computes the range).

With ``--runs``, the same is read from res traces of our column (20 cells, 6 s), one run per
``condition:integration:seed[:dt_ms]``, for example ``propofol:fast:8 propofol:fast:8:0.01``.

Usage: ``python scripts/depression_count_dynasim.py [--reference DIR] [--runs SPEC ...]``
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from wholebrain.columns.soplata2023 import depression, fidelity

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "reference" / "dynasim" / "propofol_main"
DT_MS, FACTOR = depression.DYNASIM_DT_MS, 0.9


def histogram_line(counts: np.ndarray) -> str:
    edges = [1, 2, 4, 6, 8, 10, 11, 12]  # N = 1, 2-3, 4-5, 6-7, 8-9, 10, 11
    return (f"{counts.size} episodes, mean N {counts.mean():.2f}, E[0.9^N] "
            f"{np.mean(FACTOR**counts):.3f}, N = 1|2-3|4-5|6-7|8-9|10|11: "
            + "|".join(str(c) for c in np.histogram(counts, edges)[0]))  # fmt: skip


def simulated_counts(spec: str) -> np.ndarray:
    """N per episode in our column's res traces for ``condition:integration:seed[:dt_ms]``."""
    import tempfile

    import wholebrain as wb

    condition, integration, seed, *dt = spec.split(":")
    model = wb.BrainModel.single_column("soplata2023", condition, integration=integration)
    with tempfile.TemporaryDirectory(prefix="wb_counts_") as build:
        res = wb.simulate(model, 6.0, seed=int(seed), backend="cpp", build_dir=build,
                          dt_ms=float(dt[0]) if dt else None,
                          record_states={"PY": ["res_ampa_py_dr"]}, record_cells=20)  # fmt: skip
    trace = res.states["PY.res_ampa_py_dr"][0]
    return np.concatenate([fidelity.depression_counts(cell) for cell in trace])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=DEFAULT)
    ap.add_argument("--runs", nargs="*", default=[], metavar="SPEC",
                    help="condition:integration:seed[:dt_ms] runs of our column")  # fmt: skip
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
    print(f"reference: {histogram_line(counts)}")
    for spec in args.runs:
        print(f"{spec}: {histogram_line(simulated_counts(spec))}", flush=True)


if __name__ == "__main__":
    main()
