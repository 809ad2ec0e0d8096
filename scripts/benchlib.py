"""Shared plumbing of the benchmark scripts: one configuration per fresh subprocess, peak
memory of the process and of the standalone binary it runs, and the table/JSON output
(fields of shared/docs/design.md: model, n_regions, backend, threads, sim_s, compile_s, run_s,
run_s_per_sim_s, peak_rss_mb)."""

from __future__ import annotations

import contextlib
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

#: what a competing process runs: one busy core at the lowest priority, as a user's other
#: work would (nice does not shield us from another session's process on these machines)
BUSY = [sys.executable, "-c", "while True: pass"]


def overrides(model: str, integration: str) -> dict[str, Any]:
    """Column overrides of a benchmark configuration (``integration`` is soplata2023's)."""
    return {"integration": integration} if model == "soplata2023" and integration else {}


@contextlib.contextmanager
def load(kind: str) -> Iterator[None]:
    """``"quiet"``: nothing else; ``"busy"``: one low-priority busy process beside the run."""
    if kind == "quiet":
        yield
        return
    if kind != "busy":
        raise ValueError(f"load must be quiet or busy, got {kind!r}")
    proc = subprocess.Popen(["nice", "-n", "19", *BUSY])
    try:
        time.sleep(0.5)
        yield
    finally:
        proc.kill()
        proc.wait()


def simd_builds(simd: str) -> contextlib.AbstractContextManager:
    """C++ builds with SIMD loops over cells (``"on"``, the default) or scalar (``"off"``)."""
    from wholebrain.engine import vectorize

    if simd not in ("on", "off"):
        raise ValueError(f"simd must be on or off, got {simd!r}")
    return vectorize.simd_builds(simd == "on")


def peak_rss_mb() -> float:
    """Peak resident memory of this process or its children (the C++ binary), MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def measure(
    model, sim_s: float, backend: str, threads: int | str, build_dir: str | None,
    dt_ms: float | None = None, simd: str = "on",
) -> dict:  # fmt: skip
    """Simulate ``model`` (at its column model's own step unless ``dt_ms``) and return the
    standard measurements. ``simd="off"``: C++ loops as Brian2 generates them (scalar)."""
    import wholebrain as wb
    from wholebrain.engine.settings import resolve_threads

    used = resolve_threads(threads)  # "auto": the cores idle now
    label = f"auto:{used}" if isinstance(threads, str) else str(used)
    t0 = time.perf_counter()
    with simd_builds(simd):
        res = wb.simulate(model, sim_s, seed=1, backend=backend, threads=used,
                          build_dir=build_dir, dt_ms=dt_ms)  # fmt: skip
    total = time.perf_counter() - t0
    timings = res.provenance["timings"]
    params = model.column_params()[0]
    if backend == "runtime":  # code generation happens inside the run; no separate compile
        compile_s, run_s = 0.0, total
    else:
        compile_s, run_s = timings.get("compile_s", float("nan")), timings["run_s"]
    return {
        "model": model.column,
        "n_regions": model.n_regions,
        "backend": backend,
        "integration": getattr(params, "integration", "-"),
        "simd": simd if backend == "cpp" else "-",
        "threads": label,
        "dt_ms": res.dt_ms,
        "sim_s": sim_s,
        "compile_s": round(compile_s, 2),
        "run_s": round(run_s, 3),
        "run_s_per_sim_s": round(run_s / sim_s, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "cells": model.n_regions * sum(res.sizes.values()),
        "synapses": int(sum(res.provenance["synapses"].values())),
        "rate_PY_hz": round(float(res.rates()["PY"].mean()), 2),
        "total_s": round(total, 2),
    }


def run_config(
    script: str, one: list[str], options: tuple[str, ...] = (), load_kind: str = "quiet"
) -> dict[str, Any]:
    """Run ``script OPTIONS --one ONE...`` in a fresh interpreter (beside a competing process
    if ``load_kind`` is ``"busy"``); parse its last JSON line."""
    cmd = [sys.executable, script, *options, "--one", *one]
    with load(load_kind):
        out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-3000:])
        raise SystemExit(out.returncode)
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "load": load_kind}


def print_table(rows: list[dict[str, Any]], extra: tuple[str, ...] = ()) -> None:
    """Human-readable table of measured configurations."""
    cols = ["model", "integration", "simd", "n_regions", "backend", "threads", "load", "dt_ms",
            "sim_s", "compile_s", "run_s", "run_s_per_sim_s", "per_region", "peak_rss_mb",
            *extra]  # fmt: skip
    print("  ".join(f"{c:>11}" for c in cols))
    for r in rows:
        r = {**r, "per_region": round(r["run_s_per_sim_s"] / r["n_regions"], 3)}
        print("  ".join(f"{r.get(c, ''):>11}" for c in cols))
