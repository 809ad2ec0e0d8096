"""Benchmark whole brains of column models on the tvb76 connectome.

For 4, 16 and 76 regions (the first n regions of tvb76; full-size columns) and each backend:
compile time, run time per simulated second, peak memory and synapse count, each
configuration in a fresh subprocess with a fresh C++ project. With ``--rerun`` it also runs the
brain once more through ``wb.compile_brain`` and times a rerun with another global coupling
(no code generation, no compilation: the same binary with new run_args).

    python scripts/bench_brain.py --regions 4 16 76 --backends cpp --threads 2 --sim 1
    python scripts/bench_brain.py --json
    python scripts/bench_brain.py --models lif_ei izhikevich_stp --regions 4 76 --sim 2

Each model runs at its own integration step unless ``--dt`` is given.

Targets (issue): 76 regions x 10 s <= 30 min on 2 cores; per-region cost at 76 regions
<= 1.2x that at 4 regions; <= 2 min on one H100 (cuda backend); a 76-region lif_ei brain
faster than real time on 2 cores (issue 8).
"""

from __future__ import annotations

import argparse
import json
import tempfile

import benchlib


def brain(n: int, model: str, condition: str, gain: float):
    import wholebrain as wb

    con = wb.load_connectome("tvb76")
    con = con.subset(con.labels[:n])
    return wb.BrainModel(con, column=model, condition=condition, global_coupling=gain)


def one(model: str, n: int, backend: str, threads: int, sim_s: float, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="wb_bench_brain_") as build:
        build_dir = build if backend != "runtime" else None
        row = benchlib.measure(brain(n, model, args.condition, 1.0), sim_s, backend, threads,
                               build_dir, args.dt)  # fmt: skip
    if args.rerun and backend == "cpp":
        import time

        import wholebrain as wb

        with tempfile.TemporaryDirectory(prefix="wb_bench_rerun_") as build:
            compiled = wb.compile_brain(brain(n, model, args.condition, 1.0), sim_s,
                                        threads=threads, build_dir=build)  # fmt: skip
            compiled.run(seed=1)
            t0 = time.perf_counter()
            compiled.run(seed=1, global_coupling=2.0)  # a parameter change: no compilation
            row["rerun_compile_s"] = 0.0
            row["rerun_total_s"] = round(time.perf_counter() - t0, 2)
    return {**row, "condition": args.condition}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", "--model", nargs="+", default=["soplata2023"],
                    help="column models: soplata2023 lif_ei izhikevich_stp")  # fmt: skip
    ap.add_argument("--dt", type=float, default=None,
                    help="integration step, ms (default: each model's own)")  # fmt: skip
    ap.add_argument("--condition", default="propofol")
    ap.add_argument("--regions", type=int, nargs="+", default=[4, 16, 76])
    ap.add_argument("--backends", nargs="+", default=["cpp"])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--sim", type=float, default=1.0, help="simulated seconds")
    ap.add_argument("--rerun", action="store_true", help="also time a rerun with another gain")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        model, n, backend, threads, sim_s = args.one
        print(json.dumps(one(model, int(n), backend, int(threads), float(sim_s), args)))
        return 0
    options = ("--condition", args.condition, *(["--rerun"] if args.rerun else []),
               *(["--dt", str(args.dt)] if args.dt else []))  # fmt: skip
    rows = []
    for model in args.models:
        for backend in args.backends:
            for n in args.regions:
                config = [model, str(n), backend, str(args.threads), str(args.sim)]
                row = benchlib.run_config(__file__, config, options)
                rows.append(row)
                if args.json:
                    print(json.dumps(row), flush=True)
    if not args.json:
        benchlib.print_table(rows, extra=("synapses", "rerun_compile_s", "rerun_total_s"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
