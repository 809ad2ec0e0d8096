"""Benchmark column models: compile time, run time per simulated second, peak memory.

Each configuration runs in a fresh subprocess (clean Brian2 state, clean C++ project folder,
its own peak-memory count) for 1 column and for N columns built together, on the runtime
(numpy) and C++ standalone backends.

    python scripts/bench_column.py                 # human table
    python scripts/bench_column.py --json          # one JSON object per configuration
    python scripts/bench_column.py --columns 1 8 --backends cpp --sim 2
    python scripts/bench_column.py --models lif_ei izhikevich_stp --columns 1 8 76
    python scripts/bench_column.py --columns 1 --backends cpp --threads 1 2 --load quiet busy

Each model runs at its own integration step (soplata2023: 0.01 ms with the ``dynasim``
scheme, 0.05 ms with ``fast``; the cheap models 0.1 ms) unless ``--dt`` is given.

Targets (issue 21): one full-size column in the fast scheme <= 0.8 s of run time per
simulated second on one thread (a fifth of the dynasim scheme's, measured in the same run),
compile <= 60 s; with a competing low-priority process no more than 1.5x slower than quiet.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile

import benchlib


def one(model: str, n: int, backend: str, threads: str, sim_s: float, condition: str,
        dt_ms: float | None, integration: str, simd: str) -> dict:  # fmt: skip
    """Run one configuration in this process and return its measurements."""
    import wholebrain as wb

    brain = wb.BrainModel.independent(n, model, condition,
                                      **benchlib.overrides(model, integration))  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="wb_bench_") as build:
        row = benchlib.measure(brain, sim_s, backend, threads, build if backend == "cpp" else None,
                               dt_ms, simd)  # fmt: skip
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
    ap.add_argument("--threads", nargs="+", default=["1"], help="numbers or auto")
    ap.add_argument("--integration", nargs="+", default=["dynasim", "fast"],
                    help="soplata2023 schemes to compare")  # fmt: skip
    ap.add_argument("--simd", nargs="+", default=["on", "off"], choices=["on", "off"],
                    help="cpp: SIMD loops over cells (on) or scalar (off)")  # fmt: skip
    ap.add_argument("--load", nargs="+", default=["quiet"], choices=["quiet", "busy"],
                    help="busy: one low-priority busy process beside each run")  # fmt: skip
    ap.add_argument("--sim", type=float, default=2.0, help="simulated seconds (cpp)")
    ap.add_argument(
        "--sim-runtime",
        type=float,
        default=0.02,
        help="simulated seconds for the slow runtime backend",
    )
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one", nargs=7, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        model, n, backend, threads, sim_s, integration, simd = args.one
        threads = threads if threads == "auto" else int(threads)
        print(json.dumps(one(model, int(n), backend, threads, float(sim_s), args.condition,
                             args.dt, integration, simd)))  # fmt: skip
        return 0
    rows = []
    options = ("--condition", args.condition, *(["--dt", str(args.dt)] if args.dt else []))
    for model in args.models:
        schemes = args.integration if model == "soplata2023" else ["-"]
        for backend, n, integration, simd, threads, kind in itertools.product(
            args.backends, args.columns, schemes, args.simd, args.threads, args.load
        ):
            if backend != "cpp" and simd != args.simd[0]:
                continue  # SIMD is a C++ build option
            sim_s = args.sim if backend == "cpp" else args.sim_runtime
            config = [model, str(n), backend, threads, str(sim_s), integration, simd]
            row = benchlib.run_config(__file__, config, options, kind)
            rows.append(row)
            if args.json:
                print(json.dumps(row), flush=True)
    if not args.json:
        benchlib.print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
