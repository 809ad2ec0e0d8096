"""Benchmark the soplata2023 column: compile time, run time per simulated second, peak memory.

Each configuration runs in a fresh subprocess (clean Brian2 state, clean C++ project folder,
its own peak-memory count) for 1 column and for N columns built together, on the runtime
(numpy) and C++ standalone backends.

    python scripts/bench_column.py                 # human table
    python scripts/bench_column.py --json          # one JSON object per configuration
    python scripts/bench_column.py --columns 1 8 --backends cpp --sim 2

Targets (issue): <= 7.5 s of run time per simulated second for one full-size column on one
thread, <= 60 s compile, and 8 columns costing <= 8x one column.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time


def one(model: str, n: int, backend: str, threads: int, sim_s: float, condition: str) -> dict:
    """Run one configuration in this process and return its measurements."""
    import wholebrain as wb

    brain = wb.BrainModel.independent(n, model, condition)
    with tempfile.TemporaryDirectory(prefix="wb_bench_") as build:
        t0 = time.perf_counter()
        res = wb.simulate(
            brain,
            sim_s,
            seed=1,
            backend=backend,
            threads=threads,
            build_dir=build if backend == "cpp" else None,
        )
        total = time.perf_counter() - t0
    timings = res.provenance["timings"]
    if backend == "cpp":
        compile_s, run_s = timings.get("compile_s", float("nan")), timings["run_s"]
    else:  # runtime: code generation happens inside the run; no separate compile
        compile_s, run_s = 0.0, total
    rss = (
        max(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        )
        / 1024
    )
    return {
        "model": model,
        "condition": condition,
        "n_regions": n,
        "backend": backend,
        "threads": threads,
        "sim_s": sim_s,
        "compile_s": round(compile_s, 2),
        "run_s": round(run_s, 3),
        "run_s_per_sim_s": round(run_s / sim_s, 3),
        "peak_rss_mb": round(rss, 1),
        "cells": n * sum(res.sizes.values()),
        "rates_hz": {k: round(float(v.mean()), 2) for k, v in res.rates().items()},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="soplata2023")
    ap.add_argument("--condition", default="propofol")
    ap.add_argument("--columns", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--backends", nargs="+", default=["cpp", "runtime"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--sim", type=float, default=2.0, help="simulated seconds (cpp)")
    ap.add_argument(
        "--sim-runtime",
        type=float,
        default=0.02,
        help="simulated seconds for the slow runtime backend",
    )
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        model, n, backend, threads, sim_s = args.one
        print(json.dumps(one(model, int(n), backend, int(threads), float(sim_s), args.condition)))
        return 0
    rows = []
    for backend in args.backends:
        for n in args.columns:
            sim_s = args.sim if backend == "cpp" else args.sim_runtime
            cmd = [
                sys.executable,
                __file__,
                "--condition",
                args.condition,
                "--one",
                args.model,
                str(n),
                backend,
                str(args.threads),
                str(sim_s),
            ]
            out = subprocess.run(cmd, capture_output=True, text=True)
            if out.returncode != 0:
                print(out.stderr[-2000:], file=sys.stderr)
                return out.returncode
            row = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(row)
            if args.json:
                print(json.dumps(row), flush=True)
    if args.json:
        return 0
    print(
        f"{'model':<12}{'cols':>5}{'backend':>9}{'thr':>4}{'sim s':>7}{'compile s':>11}"
        f"{'run s':>9}{'run s/sim s':>13}{'per col':>9}{'peak MB':>9}"
    )
    for r in rows:
        print(
            f"{r['model']:<12}{r['n_regions']:>5}{r['backend']:>9}{r['threads']:>4}"
            f"{r['sim_s']:>7g}{r['compile_s']:>11.1f}{r['run_s']:>9.2f}"
            f"{r['run_s_per_sim_s']:>13.2f}{r['run_s_per_sim_s'] / r['n_regions']:>9.2f}"
            f"{r['peak_rss_mb']:>9.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
