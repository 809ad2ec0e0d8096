"""Benchmark column models: compile time, run time per simulated second, peak memory.

Each configuration runs in a fresh subprocess (clean Brian2 state, clean C++ project folder,
its own peak-memory count) for 1 column and for N columns built together, on the runtime
(numpy) and C++ standalone backends.

    python scripts/bench_column.py                 # human table
    python scripts/bench_column.py --json          # one JSON object per configuration
    python scripts/bench_column.py --columns 1 8 --backends cpp --sim 2
    python scripts/bench_column.py --models lif_ei izhikevich_stp --columns 1 8 76

Each model runs at its own integration step (soplata2023 0.01 ms, the cheap models 0.1 ms)
unless ``--dt`` is given.

Targets (issue): <= 7.5 s of run time per simulated second for one full-size column on one
thread, <= 60 s compile, and 8 columns costing <= 8x one column.
"""

from __future__ import annotations

import argparse
import json
import tempfile

import benchlib


def one(model: str, n: int, backend: str, threads: int, sim_s: float, condition: str,
        dt_ms: float | None) -> dict:  # fmt: skip
    """Run one configuration in this process and return its measurements."""
    import wholebrain as wb

    brain = wb.BrainModel.independent(n, model, condition)
    with tempfile.TemporaryDirectory(prefix="wb_bench_") as build:
        row = benchlib.measure(brain, sim_s, backend, threads, build if backend == "cpp" else None,
                               dt_ms)  # fmt: skip
    return {**row, "condition": condition}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", "--model", nargs="+", default=["soplata2023"],
                    help="column models: soplata2023 lif_ei izhikevich_stp")  # fmt: skip
    ap.add_argument("--dt", type=float, default=None,
                    help="integration step, ms (default: each model's own)")  # fmt: skip
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
        print(json.dumps(one(model, int(n), backend, int(threads), float(sim_s), args.condition,
                             args.dt)))  # fmt: skip
        return 0
    rows = []
    options = ("--condition", args.condition, *(["--dt", str(args.dt)] if args.dt else []))
    for model in args.models:
        for backend in args.backends:
            for n in args.columns:
                sim_s = args.sim if backend == "cpp" else args.sim_runtime
                config = [model, str(n), backend, str(args.threads), str(sim_s)]
                row = benchlib.run_config(__file__, config, options)
                rows.append(row)
                if args.json:
                    print(json.dumps(row), flush=True)
    if not args.json:
        benchlib.print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
