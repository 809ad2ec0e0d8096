"""The ``cuda`` backend: the same Brian2 network generated as CUDA by brian2cuda.

brian2cuda (1.0b1) needs brian2 2.10.1 and an NVIDIA GPU; :func:`wholebrain.simulate.
backend_status` says whether this machine has both. The network is the one the column
model builds for every backend, so the statistics match the ``cpp`` backend; the random
numbers come from cuRAND, so single spikes do not.

CUDA 13's Thrust needs C++17 (``-std=c++17`` for nvcc and for the host compiler);
brian2cuda picks the GPU's compute capability itself. Each call generates and compiles its
project (about 20 s on an H100); the project folder is keyed by the network's structure like
the ``cpp`` backend's, so unchanged code objects are not recompiled.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import brian2 as b2

from .brain import BrainModel
from .result import SimulationResult
from .simulate import _collect, _default_build_dir, _reset_device

#: compiler flags brian2cuda needs with CUDA 13 (see the module docstring)
NVCC_FLAGS = ["-w", "-use_fast_math", "-std=c++17"]


def simulate_cuda(
    model: BrainModel,
    duration_s: float,
    seed: int,
    *,
    dt_ms: float,
    record_dt_ms: float,
    record_states: dict[str, list[str]] | None = None,
    record_cells: int = 1,
    build_dir: str | os.PathLike | None = None,
    progress: bool = False,
) -> SimulationResult:
    """Run ``model`` on the GPU; arguments as :func:`wholebrain.simulate` (validated there)."""
    import brian2cuda  # noqa: F401  (registers the cuda_standalone device)

    from .compiled import _bump_generation

    params = model.column_params()
    long_range = model.long_range(dt_ms, seed) if model.coupled else None
    if build_dir is None:
        default = _default_build_dir(model, params, record_dt_ms)
        project = default.with_name(default.name + "-cuda")
    else:
        project = Path(build_dir)
    b2.device.reinit()
    b2.device.activate()
    _bump_generation()
    t0 = time.perf_counter()
    try:
        b2.set_device("cuda_standalone", directory=str(project), build_on_run=False)
        b2.prefs.devices.cuda_standalone.cuda_backend.extra_compile_args_nvcc = list(NVCC_FLAGS)
        gcc = list(b2.prefs.codegen.cpp.extra_compile_args_gcc)
        if "-std=c++17" not in gcc:
            b2.prefs.codegen.cpp.extra_compile_args_gcc = [*gcc, "-std=c++17"]
        b2.defaultclock.dt = dt_ms * b2.ms
        b2.seed(seed)
        net = model.column_model.build(
            params,
            seed=seed,
            record_dt_ms=record_dt_ms,
            record_states=record_states,
            record_cells=record_cells,
            long_range=long_range,
            stream_ids=list(model.kept_indices),
        )
        network = b2.Network(net.objects)
        report = "text" if progress else None
        network.run(duration_s * b2.second, report=report, report_period=10 * b2.second)
        b2.device.build(directory=str(project), compile=True, run=True, with_output=progress)
        timers: dict[str, Any] = b2.device.timers
        compile_s = sum(v for v in timers.get("compile", {}).values() if v is not None)
        result = _collect(net, model, params, duration_s, dt_ms, record_dt_ms, seed, "cuda")
        result.provenance["timings"] = {
            "compile_s": compile_s,
            "run_s": timers.get("run_binary"),
            "total_s": time.perf_counter() - t0,
        }
        result.provenance["synapses"] = net.synapse_counts
        result.provenance["build_dir"] = str(project)
        return result
    finally:
        _reset_device()
