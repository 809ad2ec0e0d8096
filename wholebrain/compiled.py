"""One compile, many runs: a brain built and compiled once, rerun with other values.

Fitting and lesion studies run the same network structure hundreds of times with other
parameter values, seeds or lesions. :func:`compile_brain` builds the C++ standalone project
once; :meth:`CompiledBrain.run` then hands every per-cell value (parameters, initial
conditions of the new seed, long-range weights) to the same binary through Brian2's
``run_args`` and passes the seed of the random input through the environment, so no code is
generated or compiled again.

What a rerun may change: column parameters (``overrides``, ``region_overrides``,
``condition``, as long as the structure stays: cell counts, thalamus, depression and
connectivity rules), ``global_coupling``, ``g_long_range``, ``disconnected`` and
``cut_edges`` (their synapses get weight 0), and the seed. What it may not: the regions
(``removed``), the connectome, velocity, normalisation, inputs per cell, senders/receivers,
duration, dt and recording; those need a new :func:`compile_brain`. The long-range synapses
are drawn once, with ``connectivity_seed``; each run's seed sets initial conditions and input.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import brian2 as b2

from .brain import BrainModel
from .result import SimulationResult
from .simulate import _collect, _default_build_dir, check_run_settings

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


class CompiledBrain:
    """A compiled standalone network of ``model``; see the module docstring.

    Build it with :func:`compile_brain`. It holds Brian2's (global) device: running
    :func:`wholebrain.simulate` in the same process invalidates it (``run`` then says so).
    """

    def __init__(
        self,
        model: BrainModel,
        duration: float,
        *,
        dt_ms: float = 0.01,
        record_dt_ms: float | None = None,
        threads: int = 1,
        build_dir: str | os.PathLike | None = None,
        record_states: dict[str, list[str]] | None = None,
        record_cells: int = 1,
        connectivity_seed: int = 0,
    ) -> None:
        if record_dt_ms is None:
            record_dt_ms = 1.0 if model.coupled else 0.1
        self.duration_s = check_run_settings(duration, dt_ms, record_dt_ms, "cpp", threads)
        self.model, self.dt_ms, self.record_dt_ms = model, dt_ms, record_dt_ms
        self.connectivity_seed = int(connectivity_seed)
        params = model.column_params()
        self.project = Path(build_dir) if build_dir else _default_build_dir(
            model, params, record_dt_ms
        )  # fmt: skip
        t0 = time.perf_counter()
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("cpp_standalone", directory=str(self.project), build_on_run=False)
        b2.prefs.devices.cpp_standalone.openmp_threads = int(threads) if threads > 1 else 0
        b2.defaultclock.dt = dt_ms * b2.ms
        self._net = model.column_model.build(
            params,
            seed=0,
            record_dt_ms=record_dt_ms,
            record_states=record_states,
            record_cells=record_cells,
            long_range=self._long_range(model),
            stream_ids=list(model.kept_indices),
        )
        b2.device.insert_code("main", _SEED_FROM_ENV)
        b2.Network(self._net.objects).run(self.duration_s * b2.second)
        b2.device.build(directory=str(self.project), compile=True, run=False)
        self._device = b2.get_device()
        self.compile_s = time.perf_counter() - t0
        self.n_runs = 0

    def _long_range(self, model: BrainModel) -> list[Any] | None:
        """Long-range synapses of the intact model; lesioned ones keep weight 0."""
        if not model.coupled:
            return None
        return model.long_range(self.dt_ms, self.connectivity_seed, lesions_as_zero=True)

    def _check(self, model: BrainModel) -> None:
        for f in ("connectome", "column", "velocity", "normalization", "long_range_inputs",
                  "senders", "receivers", "removed", "labels"):  # fmt: skip
            if getattr(model, f) != getattr(self.model, f):
                raise ValueError(
                    f"{f} changes the compiled network's structure; compile_brain() again "
                    f"(a rerun may change: {', '.join(sorted(RUN_FIELDS))})"
                )
        new, old = model.column_params()[0], self.model.column_params()[0]
        if new.sizes != old.sizes or any(
            getattr(new, k) != getattr(old, k) for k in ("depression", "connectivity")
        ):
            raise ValueError(
                "population sizes, thalamus, depression and connectivity rules are "
                "structural; compile_brain() again"
            )

    def run(self, seed: int = 0, **changes: Any) -> SimulationResult:
        """Run the compiled network with another seed and/or changed fields.

        Parameters
        ----------
        seed : int
            Seeds initial conditions and the Poisson input of this run.
        **changes
            New values of :data:`RUN_FIELDS` of the model.
        """
        unknown = sorted(set(changes) - RUN_FIELDS)
        if unknown:
            raise ValueError(f"a rerun cannot change {unknown}; it may change {sorted(RUN_FIELDS)}")
        if b2.get_device() is not self._device:
            raise RuntimeError(
                "Brian2's device was reset by another simulation; compile_brain() again"
            )
        model = self.model.replace(**changes) if changes else self.model
        self._check(model)
        params = model.column_params()
        net = self._net
        values = net.values(params, int(seed), list(model.kept_indices))
        run_args = {}
        for pop, table in values.items():
            group = net.groups[pop]
            for name, value in table.items():
                if name in group.variables:
                    run_args[getattr(group, name)] = value
        for lr, syn in zip(self._long_range(model) or [], net.long_range_synapses, strict=True):
            if syn is not None:
                run_args[syn.w] = lr.weight * b2.msiemens / b2.cm**2
        t0 = time.perf_counter()
        self._device.run_environment_variables["WHOLEBRAIN_SEED"] = str(int(seed))
        self._device.run(str(self.project), with_output=False, run_args=run_args)
        run_s = time.perf_counter() - t0
        self.n_runs += 1
        result = _collect(net, model, params, self.duration_s, self.dt_ms, self.record_dt_ms,
                          int(seed), "cpp")  # fmt: skip
        result.provenance["timings"] = {"run_s": run_s, "compile_s": 0.0}
        result.provenance["compiled_once"] = {"compile_s": self.compile_s, "run": self.n_runs}
        result.provenance["synapses"] = net.synapse_counts
        return result


def compile_brain(model: BrainModel, duration: float, **kwargs: Any) -> CompiledBrain:
    """Build and compile ``model`` for ``duration`` seconds; rerun it with
    :meth:`CompiledBrain.run`. Keyword arguments as :class:`CompiledBrain`."""
    return CompiledBrain(model, duration, **kwargs)
