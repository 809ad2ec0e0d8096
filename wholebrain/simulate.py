"""Run a :class:`~wholebrain.brain.BrainModel` with Brian2 and collect a ``SimulationResult``.

Backends
--------
``runtime``
    Brian2's runtime device with numpy code generation: no compiler, slow (tests, tiny runs).
``cpp``
    C++ standalone with OpenMP threads, through :mod:`wholebrain.compiled`: the project
    folder is keyed by the network's structure and the seed, duration and parameter values
    reach the binary at run time, so a second run of the same structure compiles nothing.
    Runs can be checkpointed and resumed (``checkpoint=``).
``cuda``
    brian2cuda on an NVIDIA GPU (:mod:`wholebrain.gpu`); needs brian2 2.10 and a GPU.

:func:`backend_status` says which backends this machine can run, and why not.

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
from brian2.units.fundamentalunits import DIMENSIONLESS

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


def default_dt_ms(model: BrainModel) -> float:
    """The integration step a column model was built for (its ``DEFAULT_DT_MS``), ms."""
    return float(getattr(model.column_model.module, "DEFAULT_DT_MS", 0.01))


def simulate(
    model: BrainModel,
    duration: float | b2.Quantity,
    seed: int = 0,
    backend: str = "runtime",
    *,
    dt_ms: float | None = None,
    record_dt_ms: float | None = None,
    record_states: dict[str, list[str]] | None = None,
    record_cells: int = 1,
    threads: int = 1,
    build_dir: str | os.PathLike | None = None,
    checkpoint: str | os.PathLike | None = None,
    chunk: float | None = None,
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
        Fixes every random draw: initial conditions, Poisson input, long-range sources.
    backend : {"runtime", "cpp", "cuda"}
        See the module docstring; :func:`backend_status` says which this machine runs.
    dt_ms : float, optional
        Integration step (forward Euler), ms; default: the column model's (0.01 for
        soplata2023, as the paper).
    record_dt_ms : float, optional
        Sampling interval of the EEG proxy and state traces, ms. Default: 0.1 (the paper's
        10 kHz) for uncoupled columns, 1.0 (1 kHz) for a brain with a connectome.
    record_states : dict, optional
        ``{population: [variable, ...]}`` recorded for ``record_cells`` cells per column.
    threads : int
        OpenMP threads (``cpp`` only).
    build_dir : path, optional
        C++ project directory (default: a per-structure folder in the cache).
    checkpoint : path, optional
        ``cpp`` only: keep the full state in this folder after every ``chunk`` of simulated
        time; calling again with the same folder after a crash or kill resumes from the last
        chunk and gives the same result as an uninterrupted run.
    chunk : float, optional
        Simulated seconds between checkpoints (default 1).
    progress : bool
        Print simulated, elapsed and remaining time while it runs.
    """
    if dt_ms is None:
        dt_ms = default_dt_ms(model)
    if record_dt_ms is None:
        record_dt_ms = 1.0 if model.coupled else max(0.1, dt_ms)
    duration_s = check_run_settings(duration, dt_ms, record_dt_ms, backend, threads)
    if checkpoint is not None and backend != "cpp":
        raise ValueError(f"checkpoints need backend='cpp' (got {backend!r})")
    if chunk is not None and checkpoint is None:
        raise ValueError("chunk is the interval between checkpoints; give checkpoint= too")
    seed = int(seed)
    if backend == "cpp":
        return _simulate_standalone(
            model, duration_s, seed, dt_ms=dt_ms, record_dt_ms=record_dt_ms,
            record_states=record_states, record_cells=record_cells, threads=threads,
            build_dir=build_dir, checkpoint=checkpoint, chunk=chunk, progress=progress,
        )  # fmt: skip
    if backend == "cuda":
        from .gpu import simulate_cuda

        return simulate_cuda(
            model, duration_s, seed, dt_ms=dt_ms, record_dt_ms=record_dt_ms,
            record_states=record_states, record_cells=record_cells, build_dir=build_dir,
            progress=progress,
        )  # fmt: skip
    return _simulate_runtime(model, duration_s, seed, dt_ms, record_dt_ms, record_states,
                             record_cells, progress)  # fmt: skip


def _simulate_standalone(model, duration_s, seed, *, checkpoint, chunk, progress, **build):
    """C++ standalone through a compiled brain: the binary is reused for every seed,
    duration and parameter value of the same structure."""
    from .compiled import compile_brain

    t0 = time.perf_counter()
    try:
        brain = compile_brain(model, duration_s, connectivity_seed=seed, lesions_as_zero=False,
                              **build)  # fmt: skip
        result = brain.run(seed, checkpoint=checkpoint, chunk=chunk, progress=progress)
        result.provenance["timings"].update(
            compile_s=brain.compile_s, codegen_s=brain.codegen_s - brain.compile_s,
            total_s=time.perf_counter() - t0,
        )  # fmt: skip
        result.provenance.pop("compiled_once", None)
        return result
    finally:
        _reset_device()


def _simulate_runtime(model, duration_s, seed, dt_ms, record_dt_ms, record_states,
                      record_cells, progress):  # fmt: skip
    from .compiled import _bump_generation

    params = model.column_params()
    long_range = model.long_range(dt_ms, seed) if model.coupled else None
    b2.device.reinit()
    b2.device.activate()
    _bump_generation()
    t0 = time.perf_counter()
    try:
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
        result = _collect(net, model, params, duration_s, dt_ms, record_dt_ms, seed, "runtime")
        result.provenance["timings"] = {"total_s": time.perf_counter() - t0}
        result.provenance["synapses"] = net.synapse_counts
        return result
    finally:
        _reset_device()


def _reset_device() -> None:
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


#: recorded states are returned in the units neuroscientists read: SI dimension -> factor
_STATE_UNITS = (
    (b2.volt, 1e3),  # mV
    (b2.second, 1e3),  # ms
    (b2.amp / b2.meter**2, 1e2),  # uA/cm^2
    (b2.siemens / b2.meter**2, 1e-1),  # mS/cm^2
    (b2.mole / b2.meter**3, 1.0),  # mM
)


def _in_model_units(values: Any) -> np.ndarray:
    """``values`` (a Brian2 quantity or array) as a plain array in mV, ms, uA/cm^2, mS/cm^2
    or mM according to its dimension; dimensionless values as they are."""
    dim = getattr(values, "dim", None)
    arr = np.asarray(values)
    if dim is None or dim is DIMENSIONLESS:
        return arr
    for unit, factor in _STATE_UNITS:
        if dim == unit.dim:
            return arr * factor
    return arr  # another dimension: SI


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
            values = _in_model_units(getattr(mon, var)[:])
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
