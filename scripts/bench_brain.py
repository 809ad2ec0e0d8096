"""Benchmark whole brains of column models on the tvb76 connectome.

For 4, 16 and 76 regions (the first n regions of tvb76; full-size columns) and each backend:
compile time, run time per simulated second, peak memory and synapse count, each
configuration in a fresh subprocess with a fresh C++ project. With ``--rerun`` it also runs the
brain once more through ``wb.compile_brain`` and times a rerun with another global coupling
(no code generation, no compilation: the same binary with new run_args).

    python scripts/bench_brain.py --regions 4 16 76 --backends cpp --threads 2 --sim 1
    python scripts/bench_brain.py --json
    python scripts/bench_brain.py --models lif_ei izhikevich_stp --regions 4 76 --sim 2
    python scripts/bench_brain.py --regions 76 --threads 1 2 auto --load quiet busy
    python scripts/bench_brain.py --regions 76 --simd on off     # SIMD against scalar loops
    python scripts/bench_brain.py --regions 16 --integration fast --threads 1 \
        --brains plain posterior_alpha   # what the HTC alpha generator costs

Each model runs at its own integration step unless ``--dt`` is given.

Targets (issue 21): 76 regions in the fast scheme <= 36 s per simulated second on 2 cores (a
fifth of the dynasim scheme, measured in the same run); with a competing low-priority process
(``--load busy``) no more than 1.5x slower than quiet. Earlier: per-region cost at 76 regions
<= 1.2x that at 4 regions; a 76-region lif_ei brain faster than real time on 2 cores.
"""

from __future__ import annotations

import argparse
import itertools
import json
import tempfile

import benchlib


def brain(n: int, model: str, condition: str, gain: float, integration: str = "",
          kind: str = "plain"):  # fmt: skip
    """The first ``n`` tvb76 regions; ``kind="posterior_alpha"``: wb.posterior_alpha's brain
    (HTC cells in every column, wired in the visual-thalamus regions among them)."""
    import wholebrain as wb

    con = wb.load_connectome("tvb76")
    con = con.subset(con.labels[:n])
    overrides = benchlib.overrides(model, integration)
    if kind == "posterior_alpha":
        return wb.posterior_alpha(con, condition=condition, global_coupling=gain,
                                  overrides=overrides)  # fmt: skip
    return wb.BrainModel(con, column=model, condition=condition, global_coupling=gain,
                         overrides=overrides)  # fmt: skip


def one(model: str, n: int, backend: str, threads: int | str, sim_s: float, integration: str,
        kind: str, simd: str, args) -> dict:  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="wb_bench_brain_") as build:
        build_dir = build if backend != "runtime" else None
        row = benchlib.measure(brain(n, model, args.condition, 1.0, integration, kind), sim_s,
                               backend, threads, build_dir, args.dt, simd)  # fmt: skip
    if args.rerun and backend == "cpp":
        import time

        import wholebrain as wb

        with tempfile.TemporaryDirectory(prefix="wb_bench_rerun_") as build, \
                benchlib.simd_builds(simd):  # fmt: skip
            compiled = wb.compile_brain(brain(n, model, args.condition, 1.0, integration, kind),
                                        sim_s, threads=threads, build_dir=build)  # fmt: skip
            compiled.run(seed=1)
            t0 = time.perf_counter()
            compiled.run(seed=1, global_coupling=2.0)  # a parameter change: no compilation
            row["rerun_compile_s"] = 0.0
            row["rerun_total_s"] = round(time.perf_counter() - t0, 2)
    return {**row, "condition": args.condition, "brain": kind}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", "--model", nargs="+", default=["soplata2023"],
                    help="column models: soplata2023 lif_ei izhikevich_stp")  # fmt: skip
    ap.add_argument("--dt", type=float, default=None,
                    help="integration step, ms (default: each model's own)")  # fmt: skip
    ap.add_argument("--condition", default="propofol")
    ap.add_argument("--regions", type=int, nargs="+", default=[4, 16, 76])
    ap.add_argument("--backends", nargs="+", default=["cpp"])
    ap.add_argument("--threads", nargs="+", default=["2"], help="numbers or auto")
    ap.add_argument("--integration", nargs="+", default=["dynasim", "fast"],
                    help="soplata2023 schemes to compare")  # fmt: skip
    ap.add_argument("--load", nargs="+", default=["quiet"], choices=["quiet", "busy"],
                    help="busy: one low-priority busy process beside each run")  # fmt: skip
    ap.add_argument("--simd", nargs="+", default=["on"], choices=["on", "off"],
                    help="cpp: SIMD loops over cells (on) or scalar (off)")  # fmt: skip
    ap.add_argument("--sim", type=float, default=1.0, help="simulated seconds")
    ap.add_argument("--rerun", action="store_true", help="also time a rerun with another gain")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--brains", nargs="+", default=["plain"],
                    choices=["plain", "posterior_alpha"],
                    help="soplata2023: plain, or wb.posterior_alpha (HTC cells)")  # fmt: skip
    ap.add_argument("--one", nargs=8, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        model, n, backend, threads, sim_s, integration, kind, simd = args.one
        threads = threads if threads == "auto" else int(threads)
        print(json.dumps(one(model, int(n), backend, threads, float(sim_s), integration, kind,
                             simd, args)))  # fmt: skip
        return 0
    options = ("--condition", args.condition, *(["--rerun"] if args.rerun else []),
               *(["--dt", str(args.dt)] if args.dt else []))  # fmt: skip
    rows = []
    for model in args.models:
        schemes = args.integration if model == "soplata2023" else ["-"]
        brains = args.brains if model == "soplata2023" else ["plain"]
        for backend, n, integration, simd, kind_of_brain, threads, kind in itertools.product(
            args.backends, args.regions, schemes, args.simd, brains, args.threads, args.load
        ):
            if backend != "cpp" and simd != args.simd[0]:
                continue  # SIMD is a C++ build option
            config = [model, str(n), backend, threads, str(args.sim), integration, kind_of_brain,
                      simd]  # fmt: skip
            row = benchlib.run_config(__file__, config, options, kind)
            rows.append(row)
            if args.json:
                print(json.dumps(row), flush=True)
    if not args.json:
        benchlib.print_table(rows, extra=("brain", "synapses", "rerun_compile_s", "rerun_total_s"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
