"""The ``cuda`` backend: the same Brian2 network generated as CUDA by brian2cuda.

brian2cuda (1.0b1) needs brian2 2.10.1 and an NVIDIA GPU;
:func:`wholebrain.engine.settings.backend_status` says whether this machine has both. The
network is the one the column model builds for every backend, so the statistics match the
``cpp`` backend; the random numbers come from cuRAND, so single spikes do not.

CUDA 13's Thrust needs C++17 (``-std=c++17`` for nvcc and for the host compiler; both set
for this build only); brian2cuda picks the GPU's compute capability itself. Each call
generates and compiles its project (about 20 s on an H100); the project folder is keyed by
the network's structure like the ``cpp`` backend's, so unchanged code objects are not
recompiled.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import brian2 as b2

from ..brain import BrainModel
from ..result import SimulationResult
from . import device
from .collect import collect
from .network import build_network
from .settings import RunSettings

#: compiler flags brian2cuda needs with CUDA 13 (see the module docstring)
NVCC_FLAGS = ["-w", "-use_fast_math", "-std=c++17"]


def simulate_cuda(
    model: BrainModel,
    settings: RunSettings,
    seed: int,
    *,
    build_dir: str | os.PathLike | None = None,
    progress: bool = False,
) -> SimulationResult:
    """Run ``model`` on the GPU as ``settings`` say (validated by :func:`wholebrain.simulate`)."""
    import brian2cuda  # noqa: F401  (registers the cuda_standalone device)

    params = model.column_params()
    long_range = model.long_range(settings.dt_ms, seed) if model.coupled else None
    if build_dir is None:
        default = device.default_project(model, params, settings.record_dt_ms)
        project = default.with_name(default.name + "-cuda")
    else:
        project = Path(build_dir)
    gcc = list(b2.prefs.codegen.cpp.extra_compile_args_gcc)
    prefs = {
        "devices__cuda_standalone__cuda_backend__extra_compile_args_nvcc": list(NVCC_FLAGS),
        "codegen__cpp__extra_compile_args_gcc": gcc + ["-std=c++17"] * ("-std=c++17" not in gcc),
    }
    t0 = time.perf_counter()
    try:
        with device.preferences(**prefs), device.project_lock(project):
            device.standalone_device("cuda_standalone", str(project), settings.dt_ms)
            b2.seed(seed)
            net = build_network(model, params, settings, seed, long_range)
            network = b2.Network(net.objects)
            report = "text" if progress else None
            network.run(settings.duration_s * b2.second, report=report,
                        report_period=10 * b2.second)  # fmt: skip
            b2.device.build(directory=str(project), compile=True, run=True, with_output=progress)
        timers: dict[str, Any] = b2.device.timers
        compile_s = sum(v for v in timers.get("compile", {}).values() if v is not None)
        result = collect(net, model, params, settings, settings.duration_s, seed)
        result.provenance["timings"] = {
            "compile_s": compile_s,
            "run_s": timers.get("run_binary"),
            "total_s": time.perf_counter() - t0,
        }
        result.provenance["synapses"] = net.synapse_counts
        result.provenance["build_dir"] = str(project)
        return result
    finally:
        device.reset()
