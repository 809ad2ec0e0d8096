"""The monitors of a built network -> :class:`~wholebrain.result.SimulationResult`."""

from __future__ import annotations

import platform
from typing import Any

import brian2 as b2
import numpy as np
from brian2.units.fundamentalunits import DIMENSIONLESS

from .._version import __version__
from ..result import SPIKE_DTYPE, SimulationResult

_UA_CM2 = 0.01  # 1 uA/cm^2 in A/m^2

#: recorded states are returned in the units neuroscientists read: SI dimension -> factor
_STATE_UNITS = (
    (b2.volt, 1e3),  # mV
    (b2.second, 1e3),  # ms
    (b2.amp / b2.meter**2, 1e2),  # uA/cm^2
    (b2.siemens / b2.meter**2, 1e-1),  # mS/cm^2
    (b2.mole / b2.meter**3, 1.0),  # mM
)


def in_model_units(values: Any) -> np.ndarray:
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


class SimulationDiverged(RuntimeError):
    """A run whose state turned NaN/inf or whose cells fired at every step: numerical
    blow-up, never data."""


#: a population whose cells spike on more than this share of all steps has blown up
_EVERY_STEP = 0.5


def check_diverged(result: SimulationResult, model: Any, settings: Any) -> None:
    """Raise :class:`SimulationDiverged` when ``result`` shows numerical blow-up.

    Two signs: NaN or inf in the EEG proxy or a recorded state, and a population whose cells
    spike on more than half of all integration steps (forward Euler overflowing, the classic
    failure of Izhikevich networks with strong recurrent weights).
    """
    hint = getattr(model.column_model.module, "DIVERGENCE_HINT", "the synaptic weights")
    fix = f"lower dt_ms (now {settings.dt_ms:g} ms) or {hint}"
    for name, values in [("the EEG proxy", result.eeg_proxy), *result.states.items()]:
        bad = ~np.isfinite(np.asarray(values, float))
        if bad.any():
            first = np.flatnonzero(bad.reshape(-1, bad.shape[-1]).any(axis=0))[0]
            t = first / result.proxy_sfreq
            raise SimulationDiverged(
                f"the simulation diverged: {name} is NaN/inf from t = {t:.4g} s on; {fix}"
            )
    steps = result.duration_s * 1000.0 / settings.dt_ms
    for pop, spikes in result.spikes.items():
        n = result.sizes[result.spike_sources.get(pop, pop)] * len(result.region_labels)
        share = spikes.size / max(1.0, n * steps)
        if share > _EVERY_STEP:
            raise SimulationDiverged(
                f"the simulation diverged: {pop} cells spiked on {share:.0%} of all steps "
                f"(every cell at every step is {1000.0 / settings.dt_ms:g} Hz); {fix}"
            )


def collect(
    net: Any, model: Any, params: list[Any], settings: Any, duration_s: float, seed: int
) -> SimulationResult:
    """Read spikes, the EEG proxy and recorded states of ``net`` after a run.

    Parameters
    ----------
    net : ColumnNetwork
        The built network (:mod:`wholebrain.columns.base`).
    model : BrainModel
        What ran (labels and provenance).
    params : list
        Column parameters per region.
    settings : RunSettings
        How it ran (steps, recording, backend).
    duration_s, seed
        Of this run (a compiled brain's runs differ in both).
    """
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
    unit = b2.amp / b2.meter**2
    parts, signals = (
        {k: np.asarray(getattr(pm, f"eeg_{k}")[:] / unit) / _UA_CM2 for k in names}
        for names in (net.proxy_parts, net.signal_parts)
    )
    states = {}
    for pop, mon in net.state_monitors.items():
        for var in mon.record_variables:
            values = in_model_units(getattr(mon, var)[:])
            states[f"{pop}.{var}"] = values.reshape(net.n_regions, -1, values.shape[-1])
    result = SimulationResult(
        region_labels=model.region_labels,
        eeg_proxy=sum(parts.values()),
        eeg_proxy_parts=parts,
        signals=signals,
        proxy_sfreq=1000.0 / settings.record_dt_ms,
        spikes=spikes,
        sizes=sizes,
        spike_sources=sources,
        duration_s=duration_s,
        dt_ms=settings.dt_ms,
        seed=seed,
        backend=settings.backend,
        params=[p.as_dict() for p in params],
        states=states,
        provenance=provenance(model),
    )
    check_diverged(result, model, settings)
    return result


def provenance(model: Any) -> dict[str, Any]:
    """Versions, the column model and every coupling and lesion setting of ``model``."""
    return {
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
    }
