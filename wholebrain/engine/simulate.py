"""``wholebrain.simulate``: run a :class:`~wholebrain.brain.BrainModel` once, on a backend.

Backends
--------
``runtime``
    Brian2's runtime device with numpy code generation: no compiler, slow (tests, tiny runs).
``cpp``
    C++ standalone with OpenMP threads, through :mod:`wholebrain.engine.cpp`: the project
    folder is keyed by the network's structure and the seed, duration and parameter values
    reach the binary at run time, so a second run of the same structure compiles nothing.
    Runs can be checkpointed and resumed (``checkpoint=``).
``cuda``
    brian2cuda on an NVIDIA GPU (:mod:`wholebrain.engine.cuda`); needs brian2 2.10 and a GPU.

:func:`~wholebrain.engine.settings.backend_status` says which backends this machine can run,
and why not. Every call sets up its device, runs, reads the monitors and resets the device
(:mod:`wholebrain.engine.device`), so runs do not leak into each other.
"""

from __future__ import annotations

import os
import time
from typing import Any

from ..brain import BrainModel
from ..result import SimulationResult
from ..validation import check, check_seed
from .checkpoint import check_checkpoint
from .settings import BACKENDS, RunSettings, backend_status  # noqa: F401  (re-exported)


def simulate(
    model: BrainModel,
    duration: Any,
    seed: int = 0,
    backend: str = "runtime",
    *,
    dt_ms: float | None = None,
    record_dt_ms: float | None = None,
    record_states: dict[str, list[str]] | None = None,
    record_cells: int = 1,
    threads: int | str = 1,
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
        See the module docstring; :func:`~wholebrain.engine.settings.backend_status` says
        which this machine runs.
    dt_ms : float, optional
        Integration step (forward Euler), ms; default: the column model's (0.01 for
        soplata2023, as the paper).
    record_dt_ms : float, optional
        Sampling interval of the EEG proxy and state traces, ms. Default: 0.1 (the paper's
        10 kHz) for uncoupled columns, 1.0 (1 kHz) for a brain with a connectome.
    record_states : dict, optional
        ``{population: [variable, ...]}`` recorded for ``record_cells`` cells per column.
    threads : int or "auto"
        OpenMP threads (``cpp`` only); ``"auto"``: the cores idle now
        (:func:`~wholebrain.engine.settings.resolve_threads`).
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
    seed = check_seed(seed)
    check("duration", duration)  # a run needs one (a compiled brain may leave it open)
    settings = RunSettings.for_model(
        model, duration, backend=backend, dt_ms=dt_ms, record_dt_ms=record_dt_ms,
        threads=threads, record_states=record_states, record_cells=record_cells,
    )  # fmt: skip
    if checkpoint is not None and backend != "cpp":
        raise ValueError(f"checkpoints need backend='cpp' (got {backend!r})")
    if chunk is not None and checkpoint is None:
        raise ValueError("chunk is the interval between checkpoints; give checkpoint= too")
    if checkpoint is not None:  # before the compile, not after
        check_checkpoint(checkpoint, settings.duration_s, chunk)
    if backend == "cpp":
        return _simulate_cpp(model, settings, seed, build_dir, checkpoint, chunk, progress)
    if backend == "cuda":
        from .cuda import simulate_cuda

        return simulate_cuda(model, settings, seed, build_dir=build_dir, progress=progress)
    from .runtime import simulate_runtime

    return simulate_runtime(model, settings, seed, progress)


def _simulate_cpp(model, settings, seed, build_dir, checkpoint, chunk, progress):
    """C++ standalone through a compiled brain: the binary is reused for every seed,
    duration and parameter value of the same structure."""
    from . import device
    from .cpp import CompiledBrain

    t0 = time.perf_counter()
    try:
        brain = CompiledBrain(model, settings=settings, build_dir=build_dir,
                              connectivity_seed=seed, lesions_as_zero=False)  # fmt: skip
        result = brain.run(seed, checkpoint=checkpoint, chunk=chunk, progress=progress)
        result.provenance["timings"].update(
            compile_s=brain.compile_s, codegen_s=brain.codegen_s - brain.compile_s,
            total_s=time.perf_counter() - t0,
        )  # fmt: skip
        result.provenance.pop("compiled_once", None)
        return result
    finally:
        device.reset()
