"""What every column model shares: the network container, long-range synapses, outputs.

The model protocol
    Every column model is a subpackage of :mod:`wholebrain.columns` providing

    * ``STRUCTURAL``: the parameter names that change the network's structure (not per
      region);
    * ``DEFAULT_DT_MS`` (integration step, ms) and ``DEFAULT_SENDERS`` /
      ``DEFAULT_RECEIVERS`` (populations that send and receive long-range input in a brain);
    * optionally ``dt_ms_for(params) -> float``, where the step depends on the parameters
      (the Soplata column's ``integration`` scheme);
    * optionally ``BRAIN_DEFAULTS``: parameter values a model of more than one region uses
      unless its overrides say otherwise (the Soplata column's fast integration);
    * ``CONDITIONS`` (names of its parameter sets) and ``condition(name, **overrides) ->
      params``, a frozen dataclass with ``replace(**overrides)``, ``as_dict()`` and ``sizes``
      (cells per column and population);
    * optionally ``DOSE_PARAMETERS``: the parameters that a propofol dose surrogate sets
      together (``propofol_dose`` in :mod:`wholebrain.studies.parameters`);
    * ``build_columns(params_or_list, n_regions=1, *, seed, record_dt_ms, record_states,
      record_cells, long_range, stream_ids) -> ColumnNetwork``, creating all columns in one
      set of Brian2 objects, with the long-range synapses of :func:`connect_long_range`.

    No model imports another; what they share is here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import brian2 as b2
import numpy as np


@dataclass
class ColumnNetwork:
    """The Brian2 objects of ``n_regions`` columns, and what to read back after a run."""

    n_regions: int
    sizes: dict[str, int]
    groups: dict[str, b2.NeuronGroup]
    objects: list[Any]
    spike_monitors: dict[str, Any]
    proxy_monitor: b2.StateMonitor
    state_monitors: dict[str, b2.StateMonitor] = field(default_factory=dict)
    synapse_counts: dict[str, int] = field(default_factory=dict)
    #: proxy parts: the probe monitor records ``eeg_<part>`` (A/m^2) for each
    proxy_parts: tuple[str, ...] = ("py", "tc")
    #: other region signals the probe monitor records as ``eeg_<name>`` (A/m^2), kept out
    #: of the proxy's sum (soplata2023: ``"dipole"``, the axial current into PYdr, and
    #: ``"gabaa"``, the GABA_A current onto PYso)
    signal_parts: tuple[str, ...] = ()
    #: spike monitor key -> the population whose cells it counts (PYdr spikes are PY cells)
    spike_sources: dict[str, str] = field(default_factory=lambda: {"PYdr": "PY"})
    #: the Synapses object of each long-range projection (None where it had no synapses)
    long_range_synapses: list[Any] = field(default_factory=list)
    #: ``values(params_list, seed, stream_ids)`` -> every value set at build time from the
    #: parameters and the seed ({population or synapse name: {variable: array}}), for
    #: reruns of a compiled network
    values: Any = None
    #: (variable of a long-range synapse holding its weight, factor from mS/cm^2 to the
    #: variable's value in its base unit)
    long_range_weight: tuple[str, float] = ("w", 10.0)


def cells(local: np.ndarray, n_per_region: int, n_regions: int) -> np.ndarray:
    """Global indices of local cell indices repeated in every column."""
    local = np.asarray(local, dtype=np.int64)
    return (np.arange(n_regions)[:, None] * n_per_region + local[None, :]).ravel()


def connect_long_range(
    groups: dict[str, b2.NeuronGroup],
    sizes: dict[str, int],
    long_range: list[Any] | None,
    counts: dict[str, int],
    *,
    weight: str,
    unit: str,
    on_pre: str,
    factor: float,
) -> tuple[list[Any], list[Any]]:
    """The event-driven, delayed long-range synapses of a brain.

    Parameters
    ----------
    groups, sizes
        The network's populations and cells per column.
    long_range : list of LongRangeProjection, optional
        What :func:`wholebrain.coupling.draw_long_range` drew (None for lone columns).
    counts : dict
        Synapse counts of the network; gets ``long_range_<sender>_<receiver>``.
    weight, unit : str
        The weight variable of each synapse and its Brian2 unit (``"siemens/meter**2"``,
        ``"1"``).
    on_pre : str
        What a presynaptic spike does to its target.
    factor : float
        From a projection's weight (mS/cm^2) to the variable's value in its base unit.

    Returns
    -------
    objects, per_projection
        The Synapses objects, and per projection its object (None where it has no synapses;
        Brian2 cannot prepare a delayed pathway without synapses).
    """
    objects: list[Any] = []
    per_projection: list[Any] = []
    for lr in long_range or []:
        counts[f"long_range_{lr.sender}_{lr.receiver}"] = lr.n_synapses
        if lr.n_synapses == 0:
            per_projection.append(None)
            continue
        pre_n, post_n = sizes[lr.sender], sizes[lr.receiver]
        syn = b2.Synapses(
            groups[lr.sender],
            groups[lr.receiver],
            f"{weight} : {unit} (constant)",
            on_pre=on_pre,
            name=f"LR_{lr.sender}_{lr.receiver}",
        )
        syn.connect(i=lr.pre_region * pre_n + lr.pre, j=lr.post_region * post_n + lr.post)
        dim = syn.variables[weight].dim
        setattr(syn, weight, b2.Quantity(np.asarray(lr.weight, float) * factor, dim=dim))
        syn.delay = lr.delay_ms * b2.ms
        objects.append(syn)
        per_projection.append(syn)
    return objects, per_projection


def proxy_monitor(probe: b2.NeuronGroup, parts: tuple[str, ...], clock: b2.Clock) -> Any:
    """The monitor of the EEG probe's ``eeg_<part>`` variables, on the recording clock."""
    return b2.StateMonitor(
        probe,
        [f"eeg_{k}" for k in parts],
        record=True,
        clock=clock,
        when="groups",
        order=-0.1,
        name="proxy_monitor",
    )


def spike_monitors(groups: dict[str, b2.NeuronGroup], populations: list[str]) -> dict[str, Any]:
    """A spike monitor per population, named for it (stable names, stable code)."""
    return {
        pop: b2.SpikeMonitor(groups[pop], record=True, name=f"spikes_{pop}") for pop in populations
    }


def state_monitors(
    groups: dict[str, b2.NeuronGroup],
    sizes: dict[str, int],
    n_regions: int,
    record_states: dict[str, Any] | None,
    record_cells: int,
    clock: b2.Clock,
) -> dict[str, b2.StateMonitor]:
    """Monitors of ``record_states`` (``{population: [variable, ...]}``) for the first
    ``record_cells`` cells of every column, on the recording clock."""
    states = {}
    for pop, variables in (record_states or {}).items():
        if pop not in groups:
            raise ValueError(f"cannot record states of {pop!r}: populations are {list(groups)}")
        known = sorted(k for k in groups[pop].variables if not k.startswith("_"))
        unknown = [v for v in variables if v not in groups[pop].variables]
        if unknown:
            raise ValueError(
                f"cannot record {unknown} of {pop!r}: not variables of that population; it has "
                f"{known[:30]}{' ...' if len(known) > 30 else ''}"
            )
        idx = cells(np.arange(min(record_cells, sizes[pop])), sizes[pop], n_regions)
        states[pop] = b2.StateMonitor(
            groups[pop],
            list(variables),
            record=idx,
            clock=clock,
            when="groups",
            order=-0.1,
            name=f"states_{pop}",
        )
    return states


def attach_outputs(
    groups: dict[str, b2.NeuronGroup],
    sizes: dict[str, int],
    n_regions: int,
    *,
    proxy_pop: str,
    proxy_parts: dict[str, str],
    record_dt_ms: float,
    record_states: dict[str, list[str]] | None,
    record_cells: int,
) -> tuple[list[Any], b2.StateMonitor, dict[str, Any], dict[str, b2.StateMonitor]]:
    """EEG probe, spike monitors and state monitors.

    ``proxy_parts`` maps a part name to a per-cell current density of ``proxy_pop``
    (amp/meter**2, inward-positive); the probe sums it over the cells of each column.
    The probe runs on the recording clock, so the sum is formed once per sample rather than
    once per integration step (Brian2 runs a summed variable on its target's clock).

    Returns ``(objects, proxy_monitor, spike_monitors, state_monitors)``.
    """
    # Named clock: an auto-named one changes the generated code from build to build.
    record_clock = b2.Clock(record_dt_ms * b2.ms, name="record_clock")
    probe = b2.NeuronGroup(
        n_regions,
        "".join(f"eeg_{k} : amp/meter**2\n" for k in proxy_parts),
        name="probe",
        clock=record_clock,
        order=0.75,
    )
    source = groups[proxy_pop]
    eeg = b2.Synapses(
        source,
        probe,
        "\n".join(
            f"eeg_{k}_post = {expr}_pre : amp/meter**2 (summed)" for k, expr in proxy_parts.items()
        ),
        name=f"{proxy_pop}_to_probe",
    )
    eeg.connect(i=np.arange(source.N), j=np.asarray(source.region[:]))
    proxy = proxy_monitor(probe, tuple(proxy_parts), record_clock)
    spikes = spike_monitors(groups, list(groups))
    states = state_monitors(groups, sizes, n_regions, record_states, record_cells, record_clock)
    objects = [probe, eeg, proxy, *spikes.values(), *states.values()]
    return objects, proxy, spikes, states


def assemble(
    groups: dict[str, b2.NeuronGroup],
    sizes: dict[str, int],
    n_regions: int,
    objects: list[Any],
    counts: dict[str, int],
    values: Any,
    *,
    poisson: str,
    long_range: list[Any] | None,
    weight: str,
    unit: str,
    on_pre: str,
    factor: float,
    record_dt_ms: float,
    record_states: dict[str, list[str]] | None,
    record_cells: int,
) -> ColumnNetwork:
    """The common end of a point-neuron column builder: every population's Poisson drive
    (``poisson``, abstract code), the long-range synapses (:func:`connect_long_range`), the
    EEG probe of the PY cells' ``j_ampa`` and the monitors (:func:`attach_outputs`)."""
    for pop, g in groups.items():
        g.run_regularly(poisson, when="synapses", name=f"{pop}_poisson")
    lr_objects, lr_synapses = connect_long_range(
        groups, sizes, long_range, counts, weight=weight, unit=unit, on_pre=on_pre,
        factor=factor,
    )  # fmt: skip
    outputs, proxy, spikes, states = attach_outputs(
        groups,
        sizes,
        n_regions,
        proxy_pop="PY",
        proxy_parts={"ampa": "j_ampa"},
        record_dt_ms=record_dt_ms,
        record_states=record_states,
        record_cells=record_cells,
    )
    return ColumnNetwork(
        n_regions=n_regions,
        sizes=dict(sizes),
        groups=groups,
        objects=[*objects, *lr_objects, *outputs],
        spike_monitors=spikes,
        proxy_monitor=proxy,
        state_monitors=states,
        synapse_counts=counts,
        proxy_parts=("ampa",),
        spike_sources={},
        long_range_synapses=lr_synapses,
        values=values,
        long_range_weight=(weight, factor),
    )
