"""Forward-model timings: BEM + lead field from scratch, from cache, and projection to sensors.

Prints a table, or with ``--json`` one JSON object per measured configuration per line.
Usage: ``python scripts/bench_forward.py [--ico 3] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time

import numpy as np

import wholebrain as wb


def bench(ico: int) -> list[dict]:
    con = wb.load_connectome("tvb76")
    rows = []
    base = {
        "model": "forward-tvb-bem",
        "n_regions": con.n_regions,
        "backend": "mne",
        "threads": os.cpu_count(),
        "ico": ico,
    }
    with tempfile.TemporaryDirectory() as cache:
        for stage in ("scratch", "cache"):
            t0 = time.perf_counter()
            fwd = wb.make_forward(con, ico=ico, cache=cache, verbose="error")
            rows.append(
                {**base, "stage": f"bem+leadfield ({stage})", "run_s": time.perf_counter() - t0}
            )
    data = np.random.default_rng(0).normal(size=(con.n_regions, 60_000))
    t0 = time.perf_counter()
    fwd.to_raw(data, 1000.0)
    rows.append(
        {
            **base,
            "stage": "project 60 s @ 1 kHz -> 65 sensors",
            "run_s": time.perf_counter() - t0,
            "sim_s": 60.0,
        }
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for row in rows:
        row.update(compile_s=0.0, peak_rss_mb=round(peak, 1))
        row.setdefault("sim_s", None)
        row["run_s_per_sim_s"] = row["run_s"] / row["sim_s"] if row["sim_s"] else None
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ico", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = bench(args.ico)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    load = os.getloadavg()[0]
    print(f"{'stage':<40}{'seconds':>10}   (load average {load:.1f}, {os.cpu_count()} cores)")
    for row in rows:
        print(f"{row['stage']:<40}{row['run_s']:>10.2f}")


if __name__ == "__main__":
    main()
