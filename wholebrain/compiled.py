"""One compile, many runs: a brain built and compiled once, run with other values, seeds,
durations, in chunks that can be checkpointed and resumed.

Fitting and lesion studies run the same network structure hundreds of times with other
parameter values, seeds or lesions. :func:`compile_brain` builds the C++ standalone project
once; every run then hands the per-cell values (parameters, initial conditions of the new
seed, long-range weights) to the same binary as Brian2 run arguments, and the seed, the
duration and the start time through the environment, so no code is generated or compiled
again.

Run control
    The Brian2 script runs the network for 0 s; C++ inserted before that run reads
    ``WHOLEBRAIN_DURATION`` and ``WHOLEBRAIN_T0`` and runs the network itself, with a
    progress report when ``WHOLEBRAIN_REPORT_S`` is set. After the run it writes the spike
    queues (spikes in flight on delayed synapses) and the state of every thread's random
    generator next to the arrays Brian2 writes at the end of every run.
Resume
    With ``WHOLEBRAIN_RESUME=<folder of an earlier run>`` the binary reloads every state
    variable of every group and synapse, the spike queues and the random generators from
    that folder before it runs, so a run split into chunks is the same, number for number,
    as one uninterrupted run (:meth:`CompiledBrain.run` with ``checkpoint=``).
Parallel runs
    :meth:`CompiledBrain.prepare` writes one run's inputs and returns a :class:`RunSpec`;
    :func:`execute` runs it in a subprocess (no Brian2 needed, so any process or Dask worker
    that sees the project folder can) and :meth:`CompiledBrain.collect` reads its results.
    Every run has its own results folder.

What a run may change: column parameters (``overrides``, ``region_overrides``,
``condition``, as long as the structure stays: cell counts, thalamus, depression and
connectivity rules), ``global_coupling``, ``g_long_range``, ``disconnected`` and
``cut_edges`` (their synapses get weight 0), the seed and the duration. What it may not: the
regions (``removed``), the connectome, velocity, normalisation, inputs per cell,
senders/receivers, dt and recording; those need a new :func:`compile_brain`. The long-range
synapses (and the random local connectivity of the cheap column models) are drawn once, with
``connectivity_seed``; each run's seed sets initial conditions, cell heterogeneity and input.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import weakref
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import brian2 as b2
import numpy as np

from . import checkpoint as ckpt
from .brain import BrainModel
from .result import SimulationResult
from .simulate import _collect, _default_build_dir, _seconds, check_run_settings, default_dt_ms

#: C++ inserted before the run: seed every thread's generator from $WHOLEBRAIN_SEED exactly
#: as brian2.seed(seed) would (seed + thread index), so the binary need not know the seed
_SEED_FROM_ENV = """
{
    const char* _wb_seed = std::getenv("WHOLEBRAIN_SEED");
    const unsigned long _wb_s = _wb_seed ? std::strtoul(_wb_seed, nullptr, 10) : 0UL;
    for (size_t _i = 0; _i < brian::_random_generators.size(); _i++)
        brian::_random_generators[_i].seed(_wb_s + _i);
}
"""
#: BrainModel fields a rerun may change
RUN_FIELDS = frozenset(
    {"condition", "overrides", "region_overrides", "global_coupling", "g_long_range",
     "disconnected", "cut_edges"}
)  # fmt: skip
#: read-only variables that still hold state between steps
_READ_ONLY_STATE = frozenset({"lastspike", "not_refractory", "lastupdate"})
_PROGRESS_TAG = "WBPROGRESS"
#: every CompiledBrain and every simulate() call bumps this; a compiled brain is usable only
#: while Brian2's (global) standalone device still holds its project
_GENERATION = [0]


#: compiled brains alive in this process; the next build releases their Brian2 objects
_LIVE: weakref.WeakSet[CompiledBrain] = weakref.WeakSet()


def _bump_generation() -> int:
    """Invalidate every earlier compiled brain (call after ``b2.device.reinit()``).

    Their Brian2 objects are released and collected: Brian2 names code objects uniquely
    among the *living* ones, so objects of an earlier build still alive (a brain the caller
    still holds, or garbage not yet collected) would rename this build's code
    (``IN_stateupdater_codeobject_1``) and force a full recompilation.
    """
    for brain in list(_LIVE):
        brain._release()
    gc.collect()
    _GENERATION[0] += 1
    return _GENERATION[0]


@dataclass(frozen=True)
class RunSpec:
    """Everything a process needs to run a compiled brain once (picklable).

    Attributes
    ----------
    project : str
        The compiled C++ project folder (its binary is ``main``).
    argv : tuple of str
        Arguments of the binary after ``--results_dir``.
    env : mapping
        Environment variables of the run (seed, duration, start time, resume folder).
    results_dir : str
        Where this run writes its arrays (unique per run).
    seed : int
    duration_s : float
    t0_s : float
        Simulated time at which the run starts (later chunks of a checkpointed run).
    changes : mapping
        The model fields this run changed (for :meth:`CompiledBrain.collect`).
    total_s : float, optional
        Duration of the whole checkpointed run this chunk belongs to (progress reports).
    """

    project: str
    argv: tuple[str, ...]
    env: Mapping[str, str]
    results_dir: str
    seed: int
    duration_s: float
    t0_s: float = 0.0
    changes: Mapping[str, Any] = field(default_factory=dict)
    total_s: float | None = None


def execute(spec: RunSpec, progress: bool = False) -> float:
    """Run the binary of ``spec.project`` once; return the wall time, s.

    Needs no Brian2 and no device: a Dask worker or another process can call it. The
    binary's output goes to ``<results_dir>/stdout.txt``; with ``progress`` its progress
    lines are printed as simulated/elapsed/remaining time.

    Raises
    ------
    RuntimeError
        When the binary fails, with the last lines it printed.
    """
    binary = Path(spec.project) / "main"
    if not binary.exists():
        raise RuntimeError(f"no compiled binary in {spec.project}; compile_brain() again")
    results = Path(spec.results_dir)
    results.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **spec.env}
    if progress:
        env["WHOLEBRAIN_REPORT_S"] = env.get("WHOLEBRAIN_REPORT_S", "5")
    cmd = [str(binary), "--results_dir", str(results) + os.sep, *spec.argv]
    tail: deque[str] = deque(maxlen=40)
    t0 = time.perf_counter()
    with open(results / "stdout.txt", "w") as log:
        proc = subprocess.Popen(
            cmd, cwd=spec.project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            tail.append(line.rstrip())
            if progress and line.startswith(_PROGRESS_TAG):
                _print_progress(line, spec)
        code = proc.wait()
    wall = time.perf_counter() - t0
    if code != 0:
        shown = "\n".join(tail)
        raise RuntimeError(f"the compiled brain failed (exit {code}) in {spec.project}:\n{shown}")
    return wall


def _print_progress(line: str, spec: RunSpec) -> None:
    try:
        elapsed, completed, start, duration = (float(x) for x in line.split()[1:5])
    except ValueError:
        return
    done = start + completed * duration
    total = spec.total_s if spec.total_s is not None else spec.t0_s + spec.duration_s
    left = elapsed / completed * (total - done) / duration if completed > 0 else float("nan")
    print(
        f"wholebrain: {done:.2f} of {total:g} s simulated, {elapsed:.0f} s elapsed in this "
        f"run, about {left:.0f} s left",
        file=sys.stderr,
        flush=True,
    )


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
        threads: int = 1,
        build_dir: str | os.PathLike | None = None,
        record_states: dict[str, list[str]] | None = None,
        record_cells: int = 1,
        connectivity_seed: int = 0,
        lesions_as_zero: bool = True,
    ) -> None:
        if dt_ms is None:
            dt_ms = default_dt_ms(model)
        if record_dt_ms is None:
            record_dt_ms = 1.0 if model.coupled else max(0.1, dt_ms)
        check_run_settings(duration if duration is not None else 1.0, dt_ms, record_dt_ms,
                           "cpp", threads)  # fmt: skip
        self.duration_s = None if duration is None else _seconds(duration, "duration")
        self.model, self.dt_ms, self.record_dt_ms = model, dt_ms, record_dt_ms
        self.threads = int(threads)
        self.connectivity_seed = int(connectivity_seed)
        self.lesions_as_zero = bool(lesions_as_zero)
        params = model.column_params()
        self.project = Path(build_dir) if build_dir else _default_build_dir(
            model, params, record_dt_ms
        )  # fmt: skip
        self.project.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        b2.device.reinit()
        # main.cpp records the default clock's dt as the process left it (an earlier build or
        # simulation at another dt would change main.cpp and recompile it): start from
        # Brian2's own default every time, set in runtime mode so that no build records it
        b2.set_device("runtime")
        b2.device.activate()
        b2.defaultclock.dt = 0.1 * b2.ms
        self._generation = _bump_generation()
        b2.set_device("cpp_standalone", directory=str(self.project), build_on_run=False)
        # 0 = no OpenMP at all (1 thread would still pay OpenMP's overheads)
        b2.prefs.devices.cpp_standalone.openmp_threads = self.threads if threads > 1 else 0
        b2.defaultclock.dt = dt_ms * b2.ms
        self._net = model.column_model.build(
            params,
            seed=self.connectivity_seed,  # random local connectivity; runs reseed the rest
            record_dt_ms=record_dt_ms,
            record_states=record_states,
            record_cells=record_cells,
            long_range=self._long_range(model),
            stream_ids=list(model.kept_indices),
        )
        network = b2.Network(self._net.objects, name="wb_network")
        self._device = b2.get_device()
        self._device.insert_code("main", _SEED_FROM_ENV)
        self._device.apply_run_args()  # values first, then the run control below
        self._state_vars = _state_variables(network)
        self._device.insert_code("before_network_run", self._control_code(network))
        network.run(0 * b2.second)
        clocks = {obj.clock.name for obj in network.sorted_objects}
        with _stable_main_cpp(clocks):
            b2.device.build(directory=str(self.project), compile=True, run=False,
                            with_output=False)  # fmt: skip
        timers = self._device.timers["compile"]
        self.codegen_s = time.perf_counter() - t0
        self.compile_s = sum(v for v in timers.values() if v is not None)
        self.clock_dts_ms = sorted({float(obj.clock.dt / b2.ms) for obj in network.sorted_objects})
        self.n_runs = 0
        _LIVE.add(self)

    def _release(self) -> None:
        """Drop the Brian2 objects (the device no longer holds this brain's project)."""
        self._net = None
        self._state_vars = []
        self._device = None

    # ------------------------------------------------------------------ building
    def _long_range(self, model: BrainModel) -> list[Any] | None:
        """Long-range synapses; lesioned ones keep weight 0 when ``lesions_as_zero``."""
        if not model.coupled:
            return None
        return model.long_range(self.dt_ms, self.connectivity_seed,
                                lesions_as_zero=self.lesions_as_zero)  # fmt: skip

    def _control_code(self, network: b2.Network) -> str:
        """The C++ of the module docstring's run control and resume."""
        dev = self._device
        restore = []
        for var in self._state_vars:
            path = f'_wb_dir + "{dev.get_array_filename(var)}"'
            ctype = _c_type(var.dtype)
            if var.dynamic:
                name = dev.get_array_name(var, access_data=False)
                restore.append(
                    f"if (!{name}.empty()) _wb_read({path}, reinterpret_cast<char*>(&{name}[0]), "
                    f"{name}.size() * sizeof({ctype}));"
                )
            else:
                name = dev.get_array_name(var)
                restore.append(
                    f"_wb_read({path}, reinterpret_cast<char*>({name}), "
                    f"{int(var.size)} * sizeof({ctype}));"
                )
        pathways = sorted(p.name for obj in network.objects for p in getattr(obj, "_pathways", []))
        # Clock::set_interval sets the step but not t, which the first step of a later chunk
        # reads (e.g. soplata2023's spike window t - tspike): set both, as tick() would
        clocks = sorted({obj.clock.name for obj in network.sorted_objects})  # stable order
        set_clocks = "\n".join(
            f"{c}.timestep[0] = (int64_t)(_wb_t0 / {c}.dt[0] + 0.5); "
            f"{c}.t[0] = {c}.timestep[0] * {c}.dt[0];"
            for c in clocks
        )
        save_q = "\n".join(f"_wb_save_queue(_wb_q, {p});" for p in pathways)
        load_q = "\n".join(f"_wb_load_queue(_wb_q, {p});" for p in pathways)
        return (
            _CONTROL.replace("%RESTORE_ARRAYS%", "\n".join(restore))
            .replace("%SAVE_QUEUES%", save_q)
            .replace("%LOAD_QUEUES%", load_q)
            .replace("%SET_CLOCKS%", set_clocks)
            .replace("%NET%", network.name)
        )

    # ------------------------------------------------------------------ running
    def _check(self, model: BrainModel) -> None:
        for f in ("connectome", "column", "velocity", "normalization", "long_range_inputs",
                  "senders", "receivers", "removed", "labels"):  # fmt: skip
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
        duration_s = check_run_settings(duration, self.dt_ms, self.record_dt_ms, "cpp",
                                        self.threads)  # fmt: skip
        self._check_aligned(duration_s, "duration")
        return duration_s

    def _check_aligned(self, seconds: float, what: str) -> None:
        coarsest = max(self.clock_dts_ms + [self.record_dt_ms])
        steps = seconds * 1000.0 / coarsest
        if abs(steps - round(steps)) > 1e-6 or round(steps) < 1:
            raise ValueError(
                f"{what} {seconds:g} s must be a whole number of {coarsest:g} ms steps "
                "(the coarsest clock of the network)"
            )

    def _usable(self) -> None:
        if self._generation != _GENERATION[0] or b2.get_device() is not self._device:
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
            New values of :data:`RUN_FIELDS` of the model.
        """
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
        params = model.column_params()
        result = _collect(self._net, model, params, spec.duration_s, self.dt_ms,
                          self.record_dt_ms, spec.seed, "cpp")  # fmt: skip
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
            New values of :data:`RUN_FIELDS` of the model.
        """
        duration_s = self._duration(duration)
        if checkpoint is None:
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
        return self._run_checkpointed(int(seed), duration_s, Path(checkpoint), chunk, progress,
                                      changes)  # fmt: skip

    def _run_checkpointed(self, seed, duration_s, folder, chunk, progress, changes):
        chunk_s = min(duration_s, 1.0) if chunk is None else _seconds(chunk, "chunk")
        if chunk_s <= 0:
            raise ValueError(f"chunk must be > 0 seconds, got {chunk_s}")
        self._check_aligned(chunk_s, "chunk")
        model = self.model_for(**changes)
        identity = {
            "model": ckpt.describe_model(model),
            "seed": seed,
            "duration_s": duration_s,
            "chunk_s": chunk_s,
            "dt_ms": self.dt_ms,
            "record_dt_ms": self.record_dt_ms,
            "threads": self.threads,
            "connectivity_seed": self.connectivity_seed,
            "lesions_as_zero": self.lesions_as_zero,
        }
        store = ckpt.Checkpoint.open(folder, identity)
        bounds = ckpt.chunk_bounds(duration_s, chunk_s)
        t_run = time.perf_counter()
        if not store.finished:
            for k in range(store.chunks_done, len(bounds)):
                t0, t1 = bounds[k]
                spec = self.prepare(
                    seed,
                    duration=round(t1 - t0, 12),
                    results_dir=store.scratch(k),
                    t0=t0,
                    resume_from=store.state_dir if k > 0 else None,
                    **changes,
                )
                spec = dataclasses.replace(spec, total_s=duration_s)
                if progress:
                    print(f"wholebrain: chunk {k + 1} of {len(bounds)} ({t0:g}-{t1:g} s)",
                          file=sys.stderr, flush=True)  # fmt: skip
                execute(spec, progress=progress)
                store.commit(k, self.collect(spec), Path(spec.results_dir))
                self.n_runs += 1
            store.finish({"folder": str(folder), "chunk_s": chunk_s, "chunks": len(bounds)})
        result = store.result()
        result.provenance["timings"] = {"run_s": time.perf_counter() - t_run, "compile_s": 0.0}
        return result


@contextlib.contextmanager
def _stable_main_cpp(clock_names: set[str]) -> Iterator[None]:
    """Write main.cpp with its clock initialisations in a fixed order.

    Brian2 emits ``_array_<clock>_timestep[0] = ...; _array_<clock>_t[0] = ...;`` once per
    clock in the iteration order of a set of clocks, which changes from one process to the
    next; main.cpp would then differ (and be recompiled) between identical builds. The lines
    of one run are independent assignments, so sorting each run changes nothing else.
    """
    from brian2.devices.cpp_standalone.device import CPPWriter

    names = "|".join(re.escape(n) for n in sorted(clock_names, key=len, reverse=True))
    line = re.compile(rf"^\s*_array_(?:{names})_(?:timestep|t)\[0\] = [^;]+;\s*$")
    original = CPPWriter.write

    def write(self: Any, filename: str, contents: Any) -> None:
        if filename == "main.cpp" and names:
            contents = str(contents)
            out: list[str] = []
            block: list[str] = []
            for text in contents.split("\n"):
                if line.match(text):
                    block.append(text)
                    continue
                out.extend(sorted(block))
                block = []
                out.append(text)
            out.extend(sorted(block))
            contents = "\n".join(out)
        original(self, filename, contents)

    CPPWriter.write = write
    try:
        yield
    finally:
        CPPWriter.write = original


def _state_variables(network: b2.Network) -> list[Any]:
    """Every array that carries state from one step to the next (not monitors, clocks,
    indices or sizes)."""
    from brian2.groups.group import Group
    from brian2.monitors import EventMonitor, PopulationRateMonitor, StateMonitor

    out, seen = [], set()
    for obj in network.objects:
        monitor = isinstance(obj, StateMonitor | EventMonitor | PopulationRateMonitor)
        if monitor or not isinstance(obj, Group):
            continue
        for name, var in obj.variables.items():
            if not isinstance(var, b2.core.variables.ArrayVariable) or id(var) in seen:
                continue
            if getattr(var.owner, "name", None) != obj.name:  # linked / shared from elsewhere
                continue
            if var.read_only and name not in _READ_ONLY_STATE:
                continue
            if isinstance(var.size, tuple):
                continue
            seen.add(id(var))
            out.append(var)
    # a stable order keeps main.cpp byte-identical between builds (no recompilation)
    return sorted(out, key=lambda var: (var.owner.name, var.name))


def _c_type(dtype: np.dtype) -> str:
    return {
        np.dtype(np.float64): "double",
        np.dtype(np.float32): "float",
        np.dtype(np.int32): "int32_t",
        np.dtype(np.int64): "int64_t",
        np.dtype(np.bool_): "char",
        np.dtype(np.uint64): "uint64_t",
        np.dtype(np.uint32): "uint32_t",
    }[np.dtype(dtype)]


_CONTROL = r"""
{
    // wholebrain run control (wholebrain/compiled.py): duration and start time from the
    // environment, optional resume of a full earlier state, queues and generators saved
    const char* _wb_env_d = std::getenv("WHOLEBRAIN_DURATION");
    const char* _wb_env_t0 = std::getenv("WHOLEBRAIN_T0");
    const char* _wb_env_resume = std::getenv("WHOLEBRAIN_RESUME");
    const char* _wb_env_report = std::getenv("WHOLEBRAIN_REPORT_S");
    if (!_wb_env_d) {
        std::cerr << "wholebrain: WHOLEBRAIN_DURATION is not set" << std::endl;
        std::exit(3);
    }
    struct _WbRng { std::mt19937 gen; double stored_gauss; bool has_stored_gauss; };
    static_assert(sizeof(_WbRng) == sizeof(RandomGenerator), "RandomGenerator layout changed");
    auto _wb_read = [](const std::string& path, char* dest, size_t nbytes) {
        std::ifstream f(path, std::ios::binary | std::ios::ate);
        if (!f) { std::cerr << "wholebrain: cannot read " << path << std::endl; std::exit(4); }
        const size_t size = static_cast<size_t>(f.tellg());
        if (size != nbytes) {
            std::cerr << "wholebrain: " << path << " has " << size << " bytes, expected "
                      << nbytes << std::endl;
            std::exit(4);
        }
        f.seekg(0);
        f.read(dest, nbytes);
    };
    auto _wb_save_queue = [](std::ofstream& q, SynapticPathway& path) {
        q << path.queue.size() << "\n";
        for (size_t th = 0; th < path.queue.size(); th++) {
            auto state = path.queue[th]->_full_state();
            q << state.first << " " << state.second.size() << "\n";
            for (auto& slot : state.second) {
                q << slot.size();
                for (auto s : slot) q << " " << s;
                q << "\n";
            }
        }
    };
    auto _wb_load_queue = [](std::ifstream& q, SynapticPathway& path) {
        size_t nq = 0;
        q >> nq;
        if (!q || nq != path.queue.size()) {
            std::cerr << "wholebrain: the checkpoint was written with another thread count"
                      << std::endl;
            std::exit(4);
        }
        for (size_t th = 0; th < nq; th++) {
            int offset = 0;
            size_t nslots = 0;
            q >> offset >> nslots;
            std::vector< std::vector<int32_t> > slots(nslots);
            for (auto& slot : slots) {
                size_t n = 0;
                q >> n;
                slot.resize(n);
                for (auto& s : slot) q >> s;
            }
            path.queue[th]->_restore_from_full_state(std::make_pair(offset, slots));
        }
    };
    if (_wb_env_resume) {
        const std::string _wb_dir(_wb_env_resume);
        %RESTORE_ARRAYS%
        std::ifstream _wb_q(_wb_dir + "wb_queues.txt");
        if (!_wb_q) {
            std::cerr << "wholebrain: no wb_queues.txt in " << _wb_dir << std::endl;
            std::exit(4);
        }
        %LOAD_QUEUES%
        std::ifstream _wb_r(_wb_dir + "wb_rng.txt");
        size_t _wb_n = 0;
        _wb_r >> _wb_n;
        if (!_wb_r || _wb_n != _random_generators.size()) {
            std::cerr << "wholebrain: the checkpoint was written with another thread count"
                      << std::endl;
            std::exit(4);
        }
        for (size_t _i = 0; _i < _wb_n; _i++) {
            _WbRng* g = reinterpret_cast<_WbRng*>(&_random_generators[_i]);
            _wb_r >> g->gen >> g->stored_gauss >> g->has_stored_gauss;
        }
        if (!_wb_r) {
            std::cerr << "wholebrain: bad wb_rng.txt in " << _wb_dir << std::endl;
            std::exit(4);
        }
    }
    auto _wb_report = [](const double elapsed, const double completed, const double start,
                         const double duration) {
        std::cout << "WBPROGRESS " << elapsed << " " << completed << " " << start << " "
                  << duration << std::endl;
    };
    const double _wb_t0 = std::strtod(_wb_env_t0 ? _wb_env_t0 : "0", nullptr);
    %SET_CLOCKS%
    %NET%.t = _wb_t0;
    %NET%.run(std::strtod(_wb_env_d, nullptr), _wb_env_report ? +_wb_report : NULL,
              _wb_env_report ? std::strtod(_wb_env_report, nullptr) : 10.0);
    {
        std::ofstream _wb_q(results_dir + "wb_queues.txt");
        %SAVE_QUEUES%
        std::ofstream _wb_r(results_dir + "wb_rng.txt");
        _wb_r.precision(17);
        _wb_r << _random_generators.size() << "\n";
        for (size_t _i = 0; _i < _random_generators.size(); _i++) {
            _WbRng* g = reinterpret_cast<_WbRng*>(&_random_generators[_i]);
            _wb_r << g->gen << "\n" << g->stored_gauss << " " << g->has_stored_gauss << "\n";
        }
    }
}
"""


def compile_brain(model: BrainModel, duration: Any = None, **kwargs: Any) -> CompiledBrain:
    """Build and compile ``model``; run it with :meth:`CompiledBrain.run`.

    ``duration`` (s) is only the default of every run; any run may ask for another.
    Keyword arguments as :class:`CompiledBrain`.
    """
    return CompiledBrain(model, duration, **kwargs)


__all__ = ["RUN_FIELDS", "CompiledBrain", "RunSpec", "compile_brain", "execute"]
