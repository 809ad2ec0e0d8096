"""Benchmark a fit: one compilation, then N evaluations as Dask tasks.

The target is the sensor EEG of the same brain at a hidden propofol level, so the table also
says how close the fit got. For each worker count: compile time, wall time of the fit,
run time of one evaluation in its worker, evaluations per minute, the recovered level.

    python scripts/bench_fit.py                                   # 4 regions, 20 evaluations
    python scripts/bench_fit.py --workers 1 2 --evaluations 10
    python scripts/bench_fit.py --regions 16 --scale 0.2 --scheduler tcp://host:8786

Scaling: an evaluation's cost grows with the number of regions as a single run does
(``bench_brain.py``); the evaluations of a batch run side by side, so with W workers a fit
of N evaluations takes about ceil(N / W) evaluation times plus the compilation.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import wholebrain as wb
from wholebrain.studies.fit import FitParameter, fit, model_changes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=4, help="first n regions of tvb76")
    ap.add_argument("--scale", type=float, default=1.0, help="column size (1 = the paper's)")
    ap.add_argument("--evaluations", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[2])
    ap.add_argument("--duration", type=float, default=5.0, help="simulated s per evaluation")
    ap.add_argument("--truth", type=float, default=0.6, help="hidden propofol level")
    ap.add_argument("--scheduler", default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    con = wb.load_connectome("tvb76")
    con = con.subset(con.labels[: args.regions])
    model = wb.BrainModel(con, condition="wake", global_coupling=1.0,
                          overrides={"scale": args.scale})  # fmt: skip
    forward = wb.make_forward(con)
    rows = []
    with tempfile.TemporaryDirectory(prefix="wb_bench_fit_") as tmp:
        build = Path(tmp) / "build"
        truth = model.replace(**model_changes(model, {"propofol_level": args.truth}))
        target = forward.to_raw(
            wb.simulate(truth, args.duration, seed=1, backend="cpp", build_dir=build)
        ).crop(tmin=0.5)
        for workers in args.workers:
            # a fresh project per worker count, so that each row pays its own compilation
            t0 = time.perf_counter()
            res = fit(model, [FitParameter("propofol_level", 0.0, 1.0)], target,
                      duration=args.duration, transient=0.5, n_evaluations=args.evaluations,
                      seed=1, workers=workers, scheduler=args.scheduler, forward=forward,
                      build_dir=Path(tmp) / f"build-{workers}", progress=False)  # fmt: skip
            wall = time.perf_counter() - t0
            t = res.timings
            rows.append({
                "n_regions": args.regions, "scale": args.scale, "evaluations": args.evaluations,
                "workers": workers, "sim_s": args.duration, "compile_s": round(t["compile_s"], 1),
                "wall_s": round(wall, 1), "eval_run_s": round(t["run_s_mean"], 1),
                "evals_per_min": round(60 * args.evaluations / (wall - t["compile_s"]), 2),
                "truth": args.truth, "found": round(res.best["propofol_level"], 3),
                "error_pct": round(100 * abs(res.best["propofol_level"] - args.truth)
                                   / args.truth, 1),
            })  # fmt: skip
            if args.json:
                print(json.dumps(rows[-1]), flush=True)
    if not args.json:
        cols = list(rows[0])
        print("  ".join(f"{c:>13}" for c in cols))
        for r in rows:
            print("  ".join(f"{r[c]!s:>13}" for c in cols))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
