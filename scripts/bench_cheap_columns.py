"""Benchmark the cheap column models (lif_ei, izhikevich_stp) at their own integration step.

``bench_column.py`` runs every model at simulate()'s default dt of 0.01 ms, the step of the
Hodgkin-Huxley column; the cheap models are meant to run at ``DEFAULT_DT_MS`` (0.1 ms). This
script measures both models at a chosen dt, as independent columns or as a whole brain on
the first n regions of tvb76 (global coupling 1), each configuration in a fresh subprocess
with a fresh C++ project.

    python scripts/bench_cheap_columns.py                          # 1, 8 columns; 0.1 ms
    python scripts/bench_cheap_columns.py --layout brain --regions 76 --threads 2
    python scripts/bench_cheap_columns.py --json --dt 0.01 0.1

Target (issue 8): a 76-region brain of lif_ei columns faster than real time on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

import benchlib


def model_for(name: str, n: int, layout: str, condition: str):
    import wholebrain as wb

    if layout == "independent":
        return wb.BrainModel.independent(n, name, condition)
    con = wb.load_connectome("tvb76")
    con = con.subset(con.labels[:n])
    return wb.BrainModel(con, column=name, condition=condition, global_coupling=1.0)


def one(name: str, n: int, layout: str, backend: str, threads: int, sim_s: float, dt_ms: float,
        condition: str) -> dict:  # fmt: skip
    """Run one configuration in this process and return its measurements."""
    import wholebrain as wb

    model = model_for(name, n, layout, condition)
    with tempfile.TemporaryDirectory(prefix="wb_bench_cheap_") as build:
        t0 = time.perf_counter()
        res = wb.simulate(
            model, sim_s, seed=1, backend=backend, threads=threads, dt_ms=dt_ms,
            record_dt_ms=1.0, build_dir=build if backend == "cpp" else None,
        )  # fmt: skip
        total = time.perf_counter() - t0
    timings = res.provenance["timings"]
    compile_s = timings.get("compile_s", float("nan")) if backend == "cpp" else 0.0
    run_s = timings["run_s"] if backend == "cpp" else total
    rates = res.rates()
    return {
        "model": name,
        "layout": layout,
        "n_regions": n,
        "backend": backend,
        "threads": threads,
        "dt_ms": dt_ms,
        "sim_s": sim_s,
        "compile_s": round(compile_s, 2),
        "run_s": round(run_s, 3),
        "run_s_per_sim_s": round(run_s / sim_s, 3),
        "peak_rss_mb": round(benchlib.peak_rss_mb(), 1),
        "synapses": int(sum(res.provenance["synapses"].values())),
        "rate_PY_hz": round(float(rates["PY"].mean()), 2),
        "condition": condition,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["lif_ei", "izhikevich_stp"])
    ap.add_argument("--condition", default="default")
    ap.add_argument("--layout", choices=["independent", "brain"], default="independent")
    ap.add_argument("--regions", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--backend", default="cpp", choices=["cpp", "runtime"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--dt", type=float, nargs="+", default=[0.1])
    ap.add_argument("--sim", type=float, default=2.0, help="simulated seconds")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one", nargs=7, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        name, n, layout, backend, threads, sim_s, dt = args.one
        row = one(name, int(n), layout, backend, int(threads), float(sim_s), float(dt),
                  args.condition)  # fmt: skip
        print(json.dumps(row))
        return 0
    rows = []
    for name in args.models:
        for dt in args.dt:
            for n in args.regions:
                config = [name, str(n), args.layout, args.backend, str(args.threads),
                          str(args.sim), str(dt)]  # fmt: skip
                row = benchlib.run_config(__file__, config, ("--condition", args.condition))
                rows.append(row)
                if args.json:
                    print(json.dumps(row), flush=True)
    if not args.json:
        benchlib.print_table(rows, extra=("dt_ms", "layout", "synapses", "rate_PY_hz"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
