"""How a run is run: its settings, validated once, and which backends this machine has.

Nothing here imports Brian2 unless a setting is given as a Brian2 quantity, so a bad setting
is refused before any network is built or any compiler probed.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

from ..validation import check

BACKENDS = ("runtime", "cpp", "cuda")
#: sampling interval of the EEG proxy and recorded states for a brain with a connectome, ms
#: (uncoupled columns record at the paper's 10 kHz, or every step when that is coarser)
BRAIN_RECORD_DT_MS = 1.0
COLUMN_RECORD_DT_MS = 0.1
#: OpenMP threads of one run unless asked otherwise (parallelism goes across runs first)
DEFAULT_THREADS = 1
#: integration step of a column model that does not name its own (``DEFAULT_DT_MS``), ms
FALLBACK_DT_MS = 0.01


def seconds(value: Any, name: str) -> float:
    """``value`` of the time setting ``name`` (``duration``, ``chunk``) in seconds: a Brian2
    time, or a plain number read as seconds, checked (:mod:`wholebrain.validation`)."""
    return check(name, value)


def backend_status() -> dict[str, str | None]:
    """Which backends this machine can run: ``{name: None}`` when available, else the reason.

    ``runtime`` always works; ``cpp`` needs a C++ compiler; ``cuda`` needs the brian2cuda
    package (which needs brian2 2.10) and an NVIDIA GPU that ``nvidia-smi`` lists.
    """
    return {name: backend_problem(name) for name in BACKENDS}


def backend_problem(backend: str) -> str | None:
    """Why ``backend`` cannot run here (None when it can); probed once per process."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")
    if backend == "runtime":
        return None
    if backend == "cpp":
        cxx = os.environ.get("CXX", "g++")
        return None if shutil.which(cxx) else f"no C++ compiler ({cxx}) on PATH"
    return _cuda_problem()


@functools.cache
def _cuda_problem() -> str | None:
    if importlib.util.find_spec("brian2cuda") is None:
        from importlib.metadata import version

        return (
            "the brian2cuda package is not installed (it needs brian2 2.10; this is "
            f"brian2 {version('brian2')})"
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


def default_dt_ms(model: Any) -> float:
    """The integration step a column model was built for, ms: its ``dt_ms_for(params)``
    where the step depends on the parameters (an integration scheme), else ``DEFAULT_DT_MS``."""
    module = model.column_model.module
    pick = getattr(module, "dt_ms_for", None)
    if pick is not None:
        return float(pick(model.column_params()[0]))
    return float(getattr(module, "DEFAULT_DT_MS", FALLBACK_DT_MS))


def default_record_dt_ms(model: Any, dt_ms: float) -> float:
    """Recording interval, ms: 1 kHz for a brain, the paper's 10 kHz for lone columns."""
    return BRAIN_RECORD_DT_MS if model.coupled else max(COLUMN_RECORD_DT_MS, dt_ms)


@dataclass(frozen=True)
class RunSettings:
    """How to run a model, checked once (build :meth:`for_model`).

    Attributes
    ----------
    duration_s : float or None
        Simulated time, s (None: a compiled brain whose runs each give theirs).
    dt_ms : float
        Integration step, ms.
    record_dt_ms : float
        Sampling interval of the EEG proxy and recorded states, ms (a multiple of ``dt_ms``).
    backend : {"runtime", "cpp", "cuda"}
    threads : int
        OpenMP threads of one run (``cpp`` only).
    record_states : dict
        ``{population: (variable, ...)}`` recorded for ``record_cells`` cells per column.
    record_cells : int
    """

    duration_s: float | None
    dt_ms: float
    record_dt_ms: float
    backend: str = "cpp"
    threads: int = DEFAULT_THREADS
    record_states: dict[str, tuple[str, ...]] = field(default_factory=dict)
    record_cells: int = 1

    @classmethod
    def for_model(
        cls,
        model: Any,
        duration: Any,
        *,
        backend: str = "cpp",
        dt_ms: float | None = None,
        record_dt_ms: float | None = None,
        threads: int | str = DEFAULT_THREADS,
        record_states: dict[str, list[str]] | None = None,
        record_cells: int = 1,
    ) -> RunSettings:
        """Settings of a run of ``model``, with the model's defaults, all validated.

        Raises
        ------
        ValueError
            Naming the setting, what it must be and what was given.
        """
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")
        dt = default_dt_ms(model) if dt_ms is None else check("dt_ms", dt_ms)
        rec = default_record_dt_ms(model, dt) if record_dt_ms is None else record_dt_ms
        duration_s = None if duration is None else seconds(duration, "duration")
        if duration_s is not None:
            check_duration(duration_s, dt)
        ratio = check("record_dt_ms", rec) / dt
        if abs(ratio - round(ratio)) > 1e-9:
            raise ValueError(
                f"record_dt_ms={rec} must be a positive multiple of dt_ms={dt} "
                f"(e.g. {dt * max(1, round(ratio)):g})"
            )
        why = backend_problem(backend)
        if why is not None:
            usable = [name for name in BACKENDS if backend_problem(name) is None]
            raise ValueError(
                f"backend {backend!r} is not available on this machine: {why}; "
                f"available here: {', '.join(usable)}"
            )
        threads = resolve_threads(threads)
        states = _record_states(model, record_states)
        record_cells = check("record_cells", record_cells)
        return cls(duration_s, dt, float(rec), backend, threads, states, record_cells)


def idle_cores(sample_s: float = 0.3) -> float:
    """How many of this process's cores were idle over ``sample_s`` seconds (from
    ``/proc/stat``); the core count where that cannot be read."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    cores = cores or 1

    def sample() -> tuple[int, int] | None:
        try:
            with open("/proc/stat") as f:
                fields = [int(x) for x in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        return sum(fields), fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait

    first = sample()
    time.sleep(sample_s)
    second = sample()
    if first is None or second is None or second[0] <= first[0]:
        return float(cores)
    idle_share = (second[1] - first[1]) / (second[0] - first[0])
    return min(float(cores), idle_share * (os.cpu_count() or cores))


def is_auto(threads: Any) -> bool:
    """Whether a thread setting is ``"auto"`` (any case, surrounding spaces allowed)."""
    return isinstance(threads, str) and threads.strip().lower() == "auto"


def resolve_threads(threads: int | str) -> int:
    """OpenMP threads of a run: a number, or ``"auto"``: the cores idle right now.

    Threads of one run meet at every step, so one thread on a core that another process
    also wants stalls all of them (``scripts/bench_brain.py --load quiet busy`` measures it).
    ``"auto"`` therefore counts only the cores that are idle when the run is compiled (at
    least one); a process that starts later still slows such a run.
    """
    if is_auto(threads):
        return max(1, math.floor(idle_cores() + 0.3))
    return check("threads", threads)


def check_duration(duration_s: float, dt_ms: float, name: str = "duration") -> float:
    """A duration in seconds that is a whole number (at least one) of steps of ``dt_ms``.

    Brian2 would silently run ``floor(duration / dt)`` steps, while the result claimed the
    duration asked for.
    """
    if not math.isfinite(duration_s) or duration_s <= 0:
        raise ValueError(f"{name} must be > 0 s, got {duration_s}")
    steps = duration_s * 1000.0 / dt_ms
    if round(steps) < 1:
        raise ValueError(f"{name} {duration_s:g} s is shorter than one step ({dt_ms:g} ms)")
    if abs(steps - round(steps)) > 1e-6 * max(1.0, steps):
        near = round(steps) * dt_ms / 1000.0
        raise ValueError(
            f"{name} {duration_s!r} s is not a whole number of {dt_ms:g} ms steps; "
            f"use e.g. {near:.12g} s"
        )
    return duration_s


def _record_states(model: Any, record_states: Any) -> dict[str, tuple[str, ...]]:
    """``{population: (variable, ...)}``, its populations checked against the model's."""
    if record_states is None:
        return {}
    if not isinstance(record_states, dict):
        raise ValueError(
            "record_states must be a dict {population: [variable, ...]}, e.g. {'PY': ['v']}; "
            f"got {record_states!r}"
        )
    sizes = model.column_params()[0].sizes
    out = {}
    for pop, variables in record_states.items():
        if pop not in sizes:
            raise ValueError(
                f"record_states: {pop!r} is not a population of {model.column}; it has "
                f"{list(sizes)}"
            )
        if isinstance(variables, str):
            variables = [variables]
        out[str(pop)] = tuple(str(v) for v in variables)
    return out
