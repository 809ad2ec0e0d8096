"""Run a :class:`~wholebrain.brain.BrainModel` with Brian2 and collect a ``SimulationResult``.

Backends
--------
``runtime``
    Brian2's runtime device with numpy code generation: no compiler, slow (tests, tiny runs).
``cpp``
    C++ standalone with OpenMP threads. The project directory is keyed by the network's
    structure, and Brian2 rewrites only files whose content changed, so a second run of the
    same structure with other parameter values or another seed recompiles only ``main.cpp``
    (a few seconds) instead of every code object.

Brian2's device state is global; every call sets up its device, runs, reads the monitors
and resets the device, so runs do not leak into each other.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import time
from pathlib import Path
from typing import Any

import brian2 as b2
import numpy as np

from . import __version__
from .brain import BrainModel
from .result import SPIKE_DTYPE, SimulationResult

# Brian2 replaces sys.excepthook with one that calls *every* uncaught exception, including a
# user's ValueError from our validation, "an unexpected error" of Brian2. Keep the plain one.
b2.prefs.logging.display_brian_error_message = False

BACKENDS = ("runtime", "cpp", "cuda")
_UA_CM2 = 0.01  # 1 uA/cm^2 in A/m^2


def backend_status() -> dict[str, str | None]:
    """Which backends this machine can run: ``{name: None}`` when available, else the reason.

    ``runtime`` always works; ``cpp`` needs a C++ compiler; ``cuda`` needs the brian2cuda
    package (which needs brian2 2.10) and an NVIDIA GPU that ``nvidia-smi`` lists.
    """
    status: dict[str, str | None] = {"runtime": None}
    cxx = os.environ.get("CXX", "g++")
    status["cpp"] = None if shutil.which(cxx) else f"no C++ compiler ({cxx}) on PATH"
    status["cuda"] = _cuda_status()
    return status


def _cuda_status() -> str | None:
    import importlib.util
    import subprocess

    if importlib.util.find_spec("brian2cuda") is None:
        return (
            f"the brian2cuda package is not installed (it needs brian2 2.10; this is "
            f"brian2 {b2.__version__})"
        )
    if shutil.which("nvcc") is None:
        return "no CUDA compiler (nvcc) on PATH"
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return "no NVIDIA driver (nvidia-smi not found)"
    try:
        out = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"nvidia-smi failed: {err}"
    if out.returncode != 0 or "GPU" not in out.stdout:
        return "no NVIDIA GPU visible (nvidia-smi -L lists none)"
    return None


def cache_dir() -> Path:
    """Root of wholebrain's caches (``$WHOLEBRAIN_CACHE`` or ``~/.cache/wholebrain``)."""
    return Path(os.environ.get("WHOLEBRAIN_CACHE", Path.home() / ".cache" / "wholebrain"))


def _seconds(value: Any, name: str) -> float:
    if hasattr(value, "dim"):
        try:
            return float(value / b2.second)
        except b2.DimensionMismatchError:
            raise ValueError(f"{name} must be a time, got {value!r}") from None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number of seconds, got {value!r}") from None


def check_run_settings(
    duration: Any, dt_ms: float, record_dt_ms: float, backend: str, threads: int
) -> float:
    """Validate run settings before anything is built; return the duration in seconds."""
    duration_s = _seconds(duration, "duration")
    if not np.isfinite(duration_s) or duration_s <= 0:
        raise ValueError(f"duration must be > 0 seconds, got {duration_s}")
    if not dt_ms > 0:
        raise ValueError(f"dt_ms must be > 0, got {dt_ms}")
    if duration_s * 1000 < dt_ms:
        raise ValueError(f"duration {duration_s} s is shorter than one step ({dt_ms} ms)")
    ratio = record_dt_ms / dt_ms
    if record_dt_ms <= 0 or abs(ratio - round(ratio)) > 1e-9:
        raise ValueError(
            f"record_dt_ms={record_dt_ms} must be a positive multiple of dt_ms={dt_ms} "
            f"(e.g. {dt_ms * max(1, round(ratio)):g})"
        )
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")
    status = backend_status()
    if status[backend] is not None:
        usable = [name for name, why in status.items() if why is None]
        raise ValueError(
            f"backend {backend!r} is not available on this machine: {status[backend]}; "
            f"available here: {', '.join(usable)}"
        )
    if int(threads) != threads or threads < 1:
        raise ValueError(f"threads must be a positive integer, got {threads!r}")
    return duration_s


def simulate(
    model: BrainModel,
    duration: float | b2.Quantity,
    seed: int = 0,
    backend: str = "runtime",
    *,
    dt_ms: float = 0.01,
    record_dt_ms: float | None = None,
    record_states: dict[str, list[str]] | None = None,
    record_cells: int = 1,
    threads: int = 1,
    build_dir: str | os.PathLike | None = None,
    progress: bool = False,
) -> SimulationResult:
    """Simulate ``model`` for ``duration`` seconds.

    Parameters
    ----------
    model : BrainModel
        What to simulate.
    duration : float or Quantity
        Simulated time, s.
    seed : int
        Fixes every random draw: initial conditions, Poisson input, stimulus signs.
    backend : {"runtime", "cpp"}
        See the module docstring.
    dt_ms : float
        Integration step (forward Euler), ms. The paper uses 0.01.
    record_dt_ms : float, optional
        Sampling interval of the EEG proxy and state traces, ms. Default: 0.1 (the paper's
        10 kHz) for uncoupled columns, 1.0 (1 kHz) for a brain with a connectome.
    record_states : dict, optional
        ``{population: [variable, ...]}`` recorded for ``record_cells`` cells per column.
    threads : int
        OpenMP threads (``cpp`` only).
    build_dir : path, optional
        C++ project directory (default: a per-structure folder in the cache).
    progress : bool
        Print Brian2's progress report.
    """
    if record_dt_ms is None:
        record_dt_ms = 1.0 if model.coupled else 0.1
    duration_s = check_run_settings(duration, dt_ms, record_dt_ms, backend, threads)
    params = model.column_params()
    long_range = model.long_range(dt_ms, int(seed)) if model.coupled else None
    seed = int(seed)
    timings: dict[str, float] = {}
    b2.device.reinit()
    b2.device.activate()
    t0 = time.perf_counter()
    project = None
    try:
        if backend == "cpp":
            project = (
                Path(build_dir) if build_dir else _default_build_dir(model, params, record_dt_ms)
            )
            b2.set_device("cpp_standalone", directory=str(project), build_on_run=False)
            # 0 = no OpenMP at all (1 thread would still pay OpenMP's overheads)
            b2.prefs.devices.cpp_standalone.openmp_threads = int(threads) if threads > 1 else 0
        else:
            b2.set_device("runtime")
            b2.prefs.codegen.target = "numpy"
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
        if backend == "cpp":
            b2.device.build(directory=str(project), compile=True, run=True, with_output=progress)
            timings.update(_standalone_timings())
        timings["total_s"] = time.perf_counter() - t0
        result = _collect(net, model, params, duration_s, dt_ms, record_dt_ms, seed, backend)
        result.provenance["timings"] = timings
        result.provenance["synapses"] = net.synapse_counts
        if project is not None:
            result.provenance["build_dir"] = str(project)
        return result
    finally:
        b2.device.reinit()
        b2.set_device("runtime")
        b2.device.activate()


def _default_build_dir(model: BrainModel, params: list[Any], record_dt_ms: float) -> Path:
    """A project folder per network structure, so reruns recompile only what changed."""
    p0 = params[0]
    key = json.dumps(
        {
            "column": model.column,
            "n": model.n_regions,
            "coupling": [model.coupled, model.senders, model.receivers],
            # each column model names the parameters that change its network's structure
            "structure": {k: getattr(p0, k) for k in model.column_model.module.STRUCTURAL},
            "record_dt_ms": record_dt_ms,
            "version": __version__,
            "brian2": b2.__version__,
        },
        sort_keys=True,
    )
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return cache_dir() / "standalone" / f"{model.column}-{model.n_regions}-{digest}"


def _standalone_timings() -> dict[str, float]:
    """Compile ('make clean' + 'make') and binary run times of the last standalone build, s."""
    timers = b2.device.timers
    return {
        "compile_s": sum(v for v in timers["compile"].values() if v is not None),
        "run_s": timers["run_binary"],
    }


def _collect(net, model, params, duration_s, dt_ms, record_dt_ms, seed, backend):
    sizes = dict(net.sizes)
    sources = dict(net.spike_sources)
    spikes = {}
    for pop, mon in net.spike_monitors.items():
        n = sizes[sources.get(pop, pop)]
        i = np.asarray(mon.i[:], dtype=np.int64)
        arr = np.empty(i.size, dtype=SPIKE_DTYPE)
        arr["region"] = i // n
        arr["cell"] = i % n
        arr["t"] = np.asarray(mon.t[:] / b2.second)
        spikes[pop] = arr
    pm = net.proxy_monitor
    parts = {
        part: np.asarray(getattr(pm, f"eeg_{part}")[:] / (b2.amp / b2.meter**2)) / _UA_CM2
        for part in net.proxy_parts
    }
    states = {}
    for pop, mon in net.state_monitors.items():
        for var in mon.record_variables:
            values = np.asarray(getattr(mon, var)[:])
            if var.startswith("v"):
                values = values * 1000.0  # V -> mV
            states[f"{pop}.{var}"] = values.reshape(net.n_regions, -1, values.shape[-1])
    return SimulationResult(
        region_labels=model.region_labels,
        eeg_proxy=sum(parts.values()),
        eeg_proxy_parts=parts,
        proxy_sfreq=1000.0 / record_dt_ms,
        spikes=spikes,
        sizes=sizes,
        spike_sources=sources,
        duration_s=duration_s,
        dt_ms=dt_ms,
        seed=seed,
        backend=backend,
        params=[p.as_dict() for p in params],
        states=states,
        provenance={
            "wholebrain": __version__,
            "brian2": b2.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "column": model.column,
            "condition": model.condition,
            "overrides": dict(model.overrides),
            "region_overrides": {k: dict(v) for k, v in model.region_overrides.items()},
            "coupling": {
                "connectome": model.connectome.name if model.connectome is not None else None,
                "global_coupling": model.global_coupling,
                "velocity_m_s": model.velocity,
                "normalization": model.normalization,
                "long_range_inputs": model.long_range_inputs,
                "senders": list(model.senders),
                "receivers": list(model.receivers),
                "g_long_range": model.g_long_range,
                "disconnected": list(model.disconnected),
                "removed": list(model.removed),
                "cut_edges": [list(e) for e in model.cut_edges],
            },
        },
    )
