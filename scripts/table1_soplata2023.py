"""Table 1 of Soplata et al. 2023: the share of trough-max over the dose surrogate x.

The authors set PYso->PYdr and TC->PYdr AMPA and the Poisson drive of PYdr, TC and TRN all to
x (mS/cm^2) on the propofol condition, ran 100 seeds of 30 s per x, and counted the seconds
of trough-max in the time-resolved comodulograms (2-s windows, 1-s steps) of the two AMPA
currents onto PYdr that their run scripts plot (``table1/*_anes_stats_*.m`` in
``asoplata/soplata-2023-thalcort-code``; the count itself is in the spreadsheets, "Tmax
seconds"). This script runs a few seeds per x and scores every run three ways:

- ``continuous``: the share of 1-s windows that the regime classifier
  (:mod:`wholebrain.columns.soplata2023.regimes`) calls continuous (spike-based);
- ``tmax_proxy``: the share of 2-s windows (1-s steps) scored trough-max by
  :func:`wholebrain.pac.state_score` on the paper's EEG proxy (both AMPA currents);
- ``tmax_tc``: the same on the TC->PYdr AMPA current alone;
- ``tmax_phase``: the proxy's windows whose preferred slow phase lies in the trough sector,
  without the surrogate significance test (closer to reading comodulograms by eye).
- ``tmax_like``: the share of 1-s windows in which the thalamus fires throughout (TC
  spikes in at least half of the 50-ms bins) while the cortex is not in UP/DOWN states (PY
  synchrony CV below 0.9): the state the paper reads trough-max in
  (:func:`~wholebrain.columns.soplata2023.regimes.trough_max_like`). It uses the regime
  classifier's outer thresholds instead of its inner margins, so windows between the two
  regimes' margins count by which side of the interrupted regime's thresholds they lie on.
  It is the score to read beside the authors' trough-max share.

Beside them, what the windows that are not continuous are (shares of all windows):
``interrupted`` (the classifier's slow-wave-interrupted regime) and ``thalamus_off`` (TC
spikes in fewer than half of the 50-ms bins while the cortex is not in UP/DOWN states: the
thalamus falls silent on its own, and with it the alpha that trough-max is read from).

The table gives mean +- SD over seeds beside the authors' mean +- SD, and says whether each
score falls monotonically over x and lies within the authors' mean +- 1 SD at every x.

Usage::

    python scripts/table1_soplata2023.py [--doses 0.002 0.004 ...] [--seeds 1 2]
        [--duration 15] [--integration dynasim fast] [--jobs 2] [--out DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

#: authors' table1/stats_combined.csv: trough-max share (%), mean and SD over 100 seeds
AUTHORS = {
    0.002: (83.70, 9.81), 0.003: (83.26, 16.74), 0.004: (70.37, 25.87),
    0.005: (44.39, 30.94), 0.006: (32.03, 34.22), 0.007: (15.61, 23.60),
    0.008: (6.97, 15.61), 0.009: (4.15, 11.35), 0.010: (1.29, 3.26), 0.012: (0.65, 3.27),
}  # fmt: skip
SCORES = ("continuous", "tmax_like", "tmax_proxy", "tmax_tc", "tmax_phase")
#: what the windows that are not continuous are (no authors' value to check them against)
BREAKDOWN = ("interrupted", "thalamus_off")
TRANSIENT_S = 1.0


def run(job: tuple[str, float, int, float, str]) -> str:
    """One column at dose x; the result file (reused when present)."""
    integration, x, seed, duration, out = job
    path = Path(out) / f"{integration}-x{x:.3f}-seed{seed}.npz"
    if path.exists():
        return str(path)
    import wholebrain as wb
    from wholebrain.columns.soplata2023 import DOSE_PARAMETERS

    overrides = {**dict.fromkeys(DOSE_PARAMETERS, x), "integration": integration}
    col = wb.BrainModel.single_column("soplata2023", "propofol", **overrides)
    # one build folder per worker process: a worker's later doses reuse its binary
    build = Path(out) / f"build-{integration}-{os.getpid()}"
    res = wb.simulate(col, duration=duration, seed=seed, backend="cpp", build_dir=build)
    res.save(path)
    return str(path)


def score(path: str) -> dict[str, float]:
    import wholebrain as wb
    from wholebrain.columns.soplata2023 import regimes
    from wholebrain.pac import state_score

    res = wb.load_result(path)
    labels = np.array(regimes.classify_windows(res)[int(TRANSIENT_S) :])
    first = int(TRANSIENT_S)
    off = regimes.thalamus_silent(res)[first:]
    out = {
        "continuous": 100.0 * float(np.mean(labels == "continuous")),
        "tmax_like": 100.0 * float(np.mean(regimes.trough_max_like(res)[first:])),
        "interrupted": 100.0 * float(np.mean(labels == "interrupted")),
        "thalamus_off": 100.0 * float(np.mean(off)),
    }
    n0 = int(TRANSIENT_S * res.proxy_sfreq)
    step = max(1, int(res.proxy_sfreq // 250))  # 250 Hz is plenty for 0.5-14 Hz coupling
    proxy, tc = res.eeg_proxy[0], res.eeg_proxy_parts["tc"][0]
    for name, x, p in (("tmax_proxy", proxy, None), ("tmax_tc", tc, None),
                       ("tmax_phase", proxy, 1.0)):  # fmt: skip
        sig = x[n0:][::step]
        sig = sig - np.polyval(np.polyfit(np.arange(sig.size), sig, 1), np.arange(sig.size))
        kw = {} if p is None else {"p_threshold": p}
        states = state_score(sig, res.proxy_sfreq / step, seed=res.seed, **kw).states
        out[name] = 100.0 * float(np.mean([s == "trough_max" for s in states]))
    return out


def summarise(scores: dict[tuple[str, float], list[dict[str, float]]]) -> dict:
    table: dict = {}
    for (integration, x), runs in sorted(scores.items()):
        row = {"x": x, "authors": AUTHORS.get(round(x, 3)), "n": len(runs)}
        for s in (*SCORES, *BREAKDOWN):
            vals = [r[s] for r in runs]
            row[s] = (float(np.mean(vals)), float(np.std(vals, ddof=1)) if len(vals) > 1 else 0.0)
        table.setdefault(integration, []).append(row)
    checks = {}
    for integration, rows in table.items():
        runs = {r["x"]: scores[(integration, r["x"])] for r in rows}
        for s in SCORES:
            means = np.array([r[s][0] for r in rows])
            # standard error of each dose's mean; a rise between neighbouring doses smaller
            # than the standard error of their difference is seed noise, not a trend
            se = np.array([r[s][1] / np.sqrt(r["n"]) for r in rows])
            rises = np.diff(means)
            inside = [
                abs(r[s][0] - r["authors"][0]) <= r["authors"][1] for r in rows if r["authors"]
            ]
            x_all = [x for x, rs in runs.items() for _ in rs]
            v_all = [run[s] for rs in runs.values() for run in rs]
            rho, p = spearmanr(x_all, v_all) if np.ptp(v_all) > 0 else (np.nan, np.nan)
            checks[f"{integration} {s}"] = {
                "monotone": bool(np.all(rises <= 1e-9)),
                "monotone_within_se": bool(np.all(rises <= np.hypot(se[1:], se[:-1]) + 1e-9)),
                "spearman_rho": float(rho),
                "spearman_p": float(p),
                "within_1sd": f"{sum(inside)}/{len(inside)}",
            }
    return {"table": table, "checks": checks}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--doses", type=float, nargs="+",
                    default=[0.002, 0.004, 0.006, 0.008, 0.010, 0.012])  # fmt: skip
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--duration", type=float, default=15.0, help="simulated s per run")
    ap.add_argument("--integration", nargs="+", default=["dynasim"])
    ap.add_argument("--jobs", type=int, default=2, help="runs side by side, 1 thread each")
    ap.add_argument("--out", default=None, help="folder of the runs (reused)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="table1-")
    Path(out).mkdir(parents=True, exist_ok=True)
    jobs = [(i, x, s, args.duration, out) for i in args.integration for x in args.doses
            for s in args.seeds]  # fmt: skip
    with ProcessPoolExecutor(args.jobs) as pool:
        paths = list(pool.map(run, jobs))
        results = list(pool.map(score, paths))
    scores: dict[tuple[str, float], list[dict[str, float]]] = {}
    for (integration, x, *_), r in zip(jobs, results, strict=True):
        scores.setdefault((integration, x), []).append(r)
    summary = summarise(scores)
    if args.json:
        print(json.dumps({"settings": vars(args) | {"out": out}, **summary}))
        return
    print(f"{len(args.seeds)} seeds x {args.duration:g} s per dose ({TRANSIENT_S:g} s dropped); "
          "share of windows, %, mean +- SD over seeds")  # fmt: skip
    for integration, rows in summary["table"].items():
        print(f"\n{integration}")
        names = (*SCORES, *BREAKDOWN)
        print(f"{'x':>6}{'authors':>16}" + "".join(f"{s:>16}" for s in names))
        for r in rows:
            a = f"{r['authors'][0]:.1f} +- {r['authors'][1]:.1f}" if r["authors"] else "-"
            cells = "".join(f"{r[s][0]:>9.1f} +- {r[s][1]:<4.1f}" for s in names)
            print(f"{r['x']:>6.3f}{a:>16}{cells}")
    for name, c in summary["checks"].items():
        print(f"{name}: monotone {c['monotone']} (within 1 SE: {c['monotone_within_se']}; "
              f"Spearman rho {c['spearman_rho']:.2f}, p {c['spearman_p']:.1e}), "
              f"within the authors' 1 SD at {c['within_1sd']}")  # fmt: skip


if __name__ == "__main__":
    main()
