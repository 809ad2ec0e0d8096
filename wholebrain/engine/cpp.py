"""The ``cpp`` backend: one compile, many runs.

Fitting and lesion studies run the same network structure hundreds of times with other
parameter values, seeds or lesions. :func:`compile_brain` builds the C++ standalone project
once; every run then hands the per-cell values (parameters, initial conditions of the new
seed, long-range weights) to the same binary as Brian2 run arguments, and the seed, the
duration and the start time through the environment (:mod:`~wholebrain.engine.control`), so
no code is generated or compiled again.

Parallel runs
    :meth:`CompiledBrain.prepare` writes one run's inputs and returns a
    :class:`~wholebrain.engine.execute.RunSpec`; :func:`~wholebrain.engine.execute.execute`
    runs it in a subprocess (no Brian2 needed, so any process or Dask worker that sees the
    project folder can) and :meth:`CompiledBrain.collect` reads its results. Every run has
    its own results folder.

What a run may change: the model's :data:`~wholebrain.brain.RUN_FIELDS` (column parameters
through ``overrides``, ``region_overrides`` and ``condition``, as long as the column model's
structural parameters stay; ``global_coupling``, ``g_long_range``; ``disconnected`` and
``cut_edges``, whose synapses get weight 0), the seed and the duration. What it may not: the
:data:`~wholebrain.brain.STRUCTURAL_FIELDS` (regions, connectome, velocity, normalisation,
inputs per cell, senders/receivers), dt and recording; those need a new
:func:`compile_brain`. The long-range synapses (and the random local connectivity of the
cheap column models) are drawn once, with ``connectivity_seed``; each run's seed sets
initial conditions, cell heterogeneity and input.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import brian2 as b2
import numpy as np

from ..brain import RUN_FIELDS, STRUCTURAL_FIELDS, BrainModel
from ..result import SimulationResult
from ..validation import check_seed
from . import control, device, vectorize
from .checkpoint import run_checkpointed
from .collect import collect
from .execute import RunSpec, execute
from .network import build_network
from .settings import RunSettings, check_duration, seconds


class CompiledBrain:
    """A compiled standalone network of ``model``; see the module docstring.

    Build it with :func:`compile_brain`. It holds Brian2's (global) device: running
    :func:`wholebrain.simulate` or another :func:`compile_brain` in the same process
    invalidates it (``run`` then says so).
    """

    def __init__(
        self,
        model: BrainModel,
        duration: float | None = None,
        *,
        dt_ms: float | None = None,
        record_dt_ms: float | None = None,
        threads: int | str = 1,
        build_dir: str | os.PathLike | None = None,
        record_states: dict[str, list[str]] | None = None,
        record_cells: int = 1,
        connectivity_seed: int = 0,
        lesions_as_zero: bool = True,
        settings: RunSettings | None = None,
    ) -> None:
        if settings is None:
            settings = RunSettings.for_model(
                model, duration, backend="cpp", dt_ms=dt_ms, record_dt_ms=record_dt_ms,
                threads=threads, record_states=record_states, record_cells=record_cells,
            )  # fmt: skip
        self.settings = settings
        self.model = model
        self.duration_s = settings.duration_s
        self.dt_ms, self.record_dt_ms = settings.dt_ms, settings.record_dt_ms
        self.threads = settings.threads
        self.connectivity_seed = check_seed(connectivity_seed, "connectivity_seed")
        self.lesions_as_zero = bool(lesions_as_zero)
        params = model.column_params()
        self.project = Path(build_dir) if build_dir else device.default_project(
            model, params, self.record_dt_ms, simd=vectorize.enabled()
        )  # fmt: skip
        t0 = time.perf_counter()
        with device.project_lock(self.project):
            network = self._build(model, params, settings)
        timers = self._device.timers["compile"]
        self.codegen_s = time.perf_counter() - t0
        self.compile_s = sum(v for v in timers.values() if v is not None)
        self.clock_dts_ms = sorted({float(obj.clock.dt / b2.ms) for obj in network.sorted_objects})
        # Brian2 reads a 2-D monitor array from disk by the shape it last had (the first
        # read fixes it): every run's reading starts again from the shape before any run
        self._shapes_2d = {var: var.size for var in self._device.dynamic_arrays_2d}
        self.n_runs = 0
        device.register(self)

    def _build(self, model: BrainModel, params: list[Any], settings: RunSettings) -> b2.Network:
        """Generate the project's code and compile it (under :func:`device.project_lock`)."""
        self._generation = device.standalone_device("cpp_standalone", str(self.project),
                                                    self.dt_ms)  # fmt: skip
        # 0 = no OpenMP at all (1 thread would still pay OpenMP's overheads); the templates
        # read it while generating code, so it holds from building to compiling
        openmp = self.threads if self.threads > 1 else 0
        with device.preferences(devices__cpp_standalone__openmp_threads=openmp):
            # the connectivity seed draws the random local connectivity; runs reseed the rest
            self._net = build_network(model, params, settings, self.connectivity_seed,
                                      self._long_range(model))  # fmt: skip
            network = b2.Network(self._net.objects, name="wb_network")
            self._device = b2.get_device()
            self._device.insert_code("main", control.SEED_FROM_ENV)
            self._device.apply_run_args()  # values first, then the run control
            self._state_vars = control.state_variables(network)
            self._device.insert_code(
                "before_network_run", control.control_code(self._device, network, self._state_vars)
            )
            network.run(0 * b2.second)
            clocks = {obj.clock.name for obj in network.sorted_objects}
            with device.stable_main_cpp(clocks), vectorize.simd_loops(self._device):
                b2.device.build(directory=str(self.project), compile=True, run=False,
                                with_output=False)  # fmt: skip
        return network

    def _release(self) -> None:
        """Drop the Brian2 objects (the device no longer holds this brain's project)."""
        self._net = None
        self._state_vars = []
        self._shapes_2d = {}
        self._device = None

    def _long_range(self, model: BrainModel) -> list[Any] | None:
        """Long-range synapses; lesioned ones keep weight 0 when ``lesions_as_zero``."""
        if not model.coupled:
            return None
        return model.long_range(self.dt_ms, self.connectivity_seed,
                                lesions_as_zero=self.lesions_as_zero)  # fmt: skip

    # ------------------------------------------------------------------ checks
    def _check(self, model: BrainModel) -> None:
        for f in sorted(STRUCTURAL_FIELDS):
            if getattr(model, f) != getattr(self.model, f):
                raise ValueError(
                    f"{f} changes the compiled network's structure; compile_brain() again "
                    f"(a rerun may change: {', '.join(sorted(RUN_FIELDS))})"
                )
        if not self.lesions_as_zero:
            for f in ("disconnected", "cut_edges"):
                if getattr(model, f) != getattr(self.model, f):
                    raise ValueError(
                        f"{f} changes this compiled network's synapses; build it with "
                        "lesions_as_zero=True to lesion by zero weights"
                    )
        new, old = model.column_params()[0], self.model.column_params()[0]
        structural = self.model.column_model.module.STRUCTURAL
        if any(getattr(new, k) != getattr(old, k) for k in structural):
            raise ValueError(
                f"{', '.join(structural)} are structural parameters of {self.model.column}; "
                "compile_brain() again"
            )

    def _duration(self, duration: Any) -> float:
        if duration is None:
            if self.duration_s is None:
                raise ValueError("give a duration (compile_brain was given none)")
            return self.duration_s
        duration_s = check_duration(seconds(duration, "duration"), self.dt_ms)
        self.check_aligned(duration_s, "duration")
        return duration_s

    def check_aligned(self, seconds_: float, what: str) -> None:
        """``seconds_`` must be a whole number of steps of the network's coarsest clock."""
        coarsest = max(self.clock_dts_ms + [self.record_dt_ms])
        steps = seconds_ * 1000.0 / coarsest
        if abs(steps - round(steps)) > 1e-6 or round(steps) < 1:
            raise ValueError(
                f"{what} {seconds_:g} s must be a whole number of {coarsest:g} ms steps "
                "(the coarsest clock of the network)"
            )

    def _usable(self) -> None:
        if self._generation != device.generation() or b2.get_device() is not self._device:
            raise RuntimeError(
                "Brian2's device was reset by another simulation or compile; compile_brain() again"
            )

    def model_for(self, **changes: Any) -> BrainModel:
        """The model a run with ``changes`` simulates (validated against the structure)."""
        unknown = sorted(set(changes) - RUN_FIELDS)
        if unknown:
            raise ValueError(f"a rerun cannot change {unknown}; it may change {sorted(RUN_FIELDS)}")
        model = self.model.replace(**changes) if changes else self.model
        self._check(model)
        return model

    # ------------------------------------------------------------------ running
    def prepare(
        self,
        seed: int = 0,
        *,
        duration: Any = None,
        results_dir: str | os.PathLike | None = None,
        t0: float = 0.0,
        resume_from: str | os.PathLike | None = None,
        **changes: Any,
    ) -> RunSpec:
        """Write the inputs of one run and describe it (see the module docstring).

        Parameters
        ----------
        seed : int
            Seeds initial conditions and the Poisson input of this run.
        duration : float or Quantity, optional
            Simulated time, s (default: the one given to :func:`compile_brain`).
        results_dir : path, optional
            Folder of this run's outputs (default: a new folder under the project).
        t0 : float
            Simulated time at which the run starts, s (a later chunk).
        resume_from : path, optional
            Results folder of the run this one continues (its full state is reloaded).
        **changes
            New values of :data:`~wholebrain.brain.RUN_FIELDS` of the model.
        """
        seed = check_seed(seed)
        self._usable()
        model = self.model_for(**changes)
        duration_s = self._duration(duration)
        if results_dir is None:
            runs = self.project / "runs"
            runs.mkdir(exist_ok=True)
            results_dir = tempfile.mkdtemp(prefix="run-", dir=runs)
        env = {
            "WHOLEBRAIN_SEED": str(int(seed)),
            "WHOLEBRAIN_DURATION": repr(float(duration_s)),
            "WHOLEBRAIN_T0": repr(float(t0)),
        }
        argv: list[str] = []
        if resume_from is not None:
            env["WHOLEBRAIN_RESUME"] = str(Path(resume_from).resolve()) + os.sep
        else:
            argv = self._run_args(model, int(seed))
        return RunSpec(
            project=str(self.project),
            argv=tuple(argv),
            env=env,
            results_dir=str(Path(results_dir).resolve()),
            seed=int(seed),
            duration_s=duration_s,
            t0_s=float(t0),
            changes=dict(changes),
        )

    def _run_args(self, model: BrainModel, seed: int) -> list[str]:
        """``group.var=<file or value>`` for every per-cell value of this run."""
        params = model.column_params()
        values = self._net.values(params, seed, list(model.kept_indices))
        args: dict[str, Any] = {}
        by_name = {getattr(obj, "name", None): obj for obj in self._net.objects}
        for key, table in values.items():  # populations and (named) synapses
            target = self._net.groups[key] if key in self._net.groups else by_name[key]
            for name, value in table.items():
                if name in target.variables:
                    args[f"{target.name}.{name}"] = (target.variables[name], value)
        weight, factor = self._net.long_range_weight  # mS/cm^2 -> the variable's base unit
        for lr, syn in zip(self._long_range(model) or [], self._net.long_range_synapses,
                           strict=True):  # fmt: skip
            if syn is not None:
                args[f"{syn.name}.{weight}"] = (syn.variables[weight], lr.weight * factor)
        static = self.project / "static_arrays"
        out = []
        for name, (var, value) in args.items():
            arr = np.asarray(value, dtype=var.dtype)
            if hasattr(value, "dim"):
                arr = np.asarray(value / b2.get_unit(value.dim), dtype=var.dtype)
            if arr.size == 1:
                out.append(f"{name}={arr.item()!r}")
                continue
            digest = hashlib.md5(arr.tobytes()).hexdigest()
            path = static / f"init_{name}_{digest}.dat"
            if not path.exists():  # same content, same name: concurrent writers agree
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                arr.tofile(tmp)
                os.replace(tmp, path)
            out.append(f"{name}={path}")
        return out

    def collect(self, spec: RunSpec) -> SimulationResult:
        """Read the results of a run described by ``spec`` (after :func:`execute`)."""
        self._usable()
        model = self.model_for(**spec.changes)
        dev = self._device
        dev.results_dir = str(spec.results_dir) + os.sep
        dev.has_been_run = True
        for var in list(dev.array_cache):
            if not (var.read_only and var.constant):
                dev.array_cache[var] = None
        for var, shape in self._shapes_2d.items():
            var.size = shape
        result = collect(self._net, model, model.column_params(), self.settings,
                         spec.duration_s, spec.seed)  # fmt: skip
        result.provenance["synapses"] = self._net.synapse_counts
        result.provenance["build_dir"] = str(self.project)
        result.provenance["t0_s"] = spec.t0_s
        return result

    def run(
        self,
        seed: int = 0,
        *,
        duration: Any = None,
        checkpoint: str | os.PathLike | None = None,
        chunk: float | None = None,
        progress: bool = False,
        **changes: Any,
    ) -> SimulationResult:
        """Run the compiled network with another seed, duration and/or changed fields.

        Parameters
        ----------
        seed : int
            Seeds initial conditions and the Poisson input of this run.
        duration : float or Quantity, optional
            Simulated time, s (default: the one given to :func:`compile_brain`).
        checkpoint : path, optional
            Folder that keeps the run's full state after every ``chunk``. If it holds the
            checkpoint of the same run (a run that was killed), the run resumes from its last
            chunk; if it holds a finished run, that result is returned.
        chunk : float, optional
            Simulated seconds between checkpoints (default: 1 s or the duration).
        progress : bool
            Print simulated, elapsed and remaining time every few seconds.
        **changes
            New values of :data:`~wholebrain.brain.RUN_FIELDS` of the model.
        """
        seed = check_seed(seed)
        duration_s = self._duration(duration)
        if checkpoint is not None:
            return run_checkpointed(self, seed, duration_s, Path(checkpoint), chunk,
                                    progress, changes)  # fmt: skip
        spec = self.prepare(seed, duration=duration_s, **changes)
        try:
            wall = execute(spec, progress=progress)
            result = self.collect(spec)
        finally:
            shutil.rmtree(spec.results_dir, ignore_errors=True)
        self.n_runs += 1
        result.provenance["timings"] = {"run_s": wall, "compile_s": 0.0}
        result.provenance["compiled_once"] = {"compile_s": self.compile_s, "run": self.n_runs}
        return result


def compile_brain(model: BrainModel, duration: Any = None, **kwargs: Any) -> CompiledBrain:
    """Build and compile ``model``; run it with :meth:`CompiledBrain.run`.

    ``duration`` (s) is only the default of every run; any run may ask for another.
    Keyword arguments as :class:`CompiledBrain`.
    """
    return CompiledBrain(model, duration, **kwargs)
