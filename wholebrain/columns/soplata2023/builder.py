"""Build ``n`` Soplata 2023 columns as one set of Brian2 objects.

One NeuronGroup per cell type holds the cells of every column (``region`` and ``cell``
indices per neuron); one Synapses object per (source, target) pair carries all mechanisms
between them. Columns are independent unless coupled later.

How the DynaSim semantics are kept:

* **Euler ordering.** Every input sum a cell reads is a Brian2 ``(summed)`` variable, and
  summed variables are updated in the ``groups`` slot *before* the state updaters (their
  order is ``target.order - 1``), so all right-hand sides see the previous step's state, as
  DynaSim's forward Euler does. Column-level sums live in a ``region`` group (order 0.5,
  summed at -0.5) and the EEG probes in a ``probe`` group (order 0.75, summed at -0.25),
  after the per-cell sums (-1) they depend on and before every state updater (0).
* **All-to-all without N^2 work.** Where a column's netcon is all ones, every target cell
  receives the same sum of presynaptic gates: it is formed once per column and read through
  a linked variable. Where it is ones minus a (partial) identity, the target subtracts the
  gate of the same-index presynaptic cell. Everything else (the PYso->PYdr ring, the
  "nearest" rule) uses explicit synapses. ``explicit=True`` forces explicit synapses
  everywhere, which must give the same trajectories (tested).
* **Spikes.** A spike is an upward crossing of -25 mV, with no reset and no clamp of the
  dynamics (``refractory`` = "while above threshold", no ``unless refractory``).
"""

from __future__ import annotations

from typing import Any

import brian2 as b2
import numpy as np

from .._common import check_structure
from ..base import (
    ColumnNetwork,
    cells,
    connect_long_range,
    proxy_monitor,
    spike_monitors,
    state_monitors,
)
from . import depression, equations, gates, htc, integration
from .connectivity import PROJECTIONS, classify, projection_matrix
from .parameters import Soplata2023Params
from .values import apply_values, column_values

POPULATIONS = ("PY", "IN", "TC", "TRN", "HTC")
THRESHOLD = depression.THRESHOLD
_RES_VARS = tuple(
    f"res_{m}"
    for m in ("ampa_py_dr", "nmda_py_dr", "ampa_py_in", "nmda_py_in", "gabaa_in_py", "gabaa_in_in")
)
#: the structural settings that must be equal in every column of one network
STRUCTURAL = ("scale", "thalamus", "htc", "depression", "connectivity", "integration")


def build_columns(
    params: Soplata2023Params | list[Soplata2023Params],
    n_regions: int = 1,
    *,
    seed: int = 0,
    record_dt_ms: float = 0.1,
    record_states: dict[str, list[str]] | None = None,
    record_cells: int = 1,
    explicit: bool = False,
    long_range: list | None = None,
    stream_ids: list[int] | None = None,
) -> ColumnNetwork:
    """Create the Brian2 objects of ``n_regions`` uncoupled columns.

    Parameters
    ----------
    params : Soplata2023Params or list of them
        One set for all columns, or one per column (structural settings must agree).
    n_regions : int
        Number of columns when ``params`` is a single set.
    seed : int
        Seeds the initial conditions (one child stream per region, so region ``r`` of a
        brain gets the same draws as column ``r`` built alone) and the stimulus signs.
    record_dt_ms : float
        Sampling interval of the EEG proxy (and state traces), ms.
    record_states : dict, optional
        ``{population: [variable, ...]}`` to record, for the first ``record_cells`` cells of
        every column.
    explicit : bool
        Use explicit synapses for every projection (slow; for testing the sums).
    long_range : list of LongRangeProjection, optional
        Delayed synapses between columns (:mod:`wholebrain.coupling`). When given (even
        empty), receiving populations get the long-range conductance ``g_lr`` and the EEG
        proxy gains the part ``"lr"`` (long-range current onto PYdr).
    stream_ids : list of int, optional
        Random-stream index of each column (default 0..n-1); a brain with removed regions
        keeps each remaining region's stream.
    """
    plist = list(params) if isinstance(params, list | tuple) else [params] * n_regions
    n_regions = len(plist)
    if n_regions < 1:
        raise ValueError("need at least one column")
    check_structure(plist, STRUCTURAL)
    p0 = plist[0]
    sizes = p0.sizes
    fast = p0.integration == "fast"
    # res changes only at spike events unless DynaSim's window is counted step by step
    stepwise = p0.depression == "dynasim" and not fast
    per_spike = not stepwise
    present = [pop for pop in POPULATIONS if sizes.get(pop, 0) > 0]

    # ---- plan the input sums of every projection ------------------------------------
    extra: dict[str, list[str]] = {pop: [] for pop in present}
    region_vars: list[str] = []
    plans = []
    # the gate each projection sums (the fast scheme keeps one of gates that are equal,
    # gates.shared_gates), and the region variable holding its column sum: projections that
    # sum the same gate of the same population share one
    source: dict[str, str] = {}
    column_sum: dict[str, str] = {}
    sums_by_gate: dict[tuple[str, str], str] = {}
    for proj in PROJECTIONS:
        if proj.post not in present:
            continue
        if proj.pre not in present:  # e.g. TC->PYdr in the cortex-only column
            extra[proj.post].append(f"{proj.target} = 0 : 1")
            continue
        netcon, nf = projection_matrix(proj, sizes, p0.connectivity)
        kind = "sparse" if explicit else classify(netcon)
        plans.append((proj, netcon, nf, kind))
        if kind == "sparse":
            extra[proj.post].append(f"{proj.target} : 1")
            continue
        gate = gates.shared_gates(proj.pre).get(proj.gate, proj.gate) if fast else proj.gate
        source[proj.name] = gate
        column_sum[proj.name] = sums_by_gate.setdefault((proj.pre, gate), f"R_{proj.name}")
        if column_sum[proj.name] == f"R_{proj.name}":
            region_vars.append(f"R_{proj.name}")
        extra[proj.post].append(f"R_{proj.name} : 1 (linked)")
        if kind == "full":
            extra[proj.post].append(f"{proj.target} = R_{proj.name} : 1")
        elif proj.pre == proj.post:
            extra[proj.post].append(f"{proj.target} = R_{proj.name} - {proj.gate} : 1")
        else:
            extra[proj.post].append(f"self_{proj.name} : 1")
            extra[proj.post].append(f"{proj.target} = R_{proj.name} - self_{proj.name} : 1")

    coupled = long_range is not None
    receivers = {lr.receiver for lr in long_range or []}
    for pop in present:
        extra[pop].append(equations.long_range_input(pop, coupled and pop in receivers).strip())

    # ---- neuron groups ------------------------------------------------------------------
    eqs = {
        "PY": equations.pyramidal(per_spike, step_averaged=fast),
        "IN": equations.interneuron(per_spike, step_averaged=fast),
        "TC": equations.thalamocortical(step_averaged=fast),
        "TRN": equations.reticular(step_averaged=fast),
        "HTC": htc.cell(sizes.get("HTC", 0), step_averaged=fast),
    }
    groups: dict[str, b2.NeuronGroup] = {}
    # Explicitly named clocks: auto-named ones ("..._clock_1") change the generated code when
    # an earlier network of the same process is still alive, forcing a full recompile.
    store_clock = depression.storage_clock()
    functions = depression.namespace()  # one Brian2 function object for every group
    record_clock = b2.Clock(record_dt_ms * b2.ms, name="record_clock")
    for pop in present:
        n = sizes[pop] * n_regions
        text = eqs[pop] + "\n".join(extra[pop]) + "\n"
        v = "v_so" if pop == "PY" else "v"
        if fast:  # kept by the state updater: the potential at the start and halfway
            text += f"{v}_prev : volt\n{v}_mid : volt\n"
        if integration.keeps_history(p0.integration, pop):
            text += "\n" + integration.history_declarations(text)
        kwargs: dict[str, Any] = {
            "threshold": f"{v} >= {THRESHOLD}",
            "refractory": f"{v} >= {THRESHOLD}",
            "method": integration.method(p0.integration, pop),
            "namespace": functions,
            "name": pop,
            "order": 0,
        }
        events = (
            {"spike_dr": f"v_dr >= {THRESHOLD} and v_dr_prev < {THRESHOLD}"} if pop == "PY" else {}
        )
        if pop in ("PY", "IN"):
            events.update(depression.spike_events(v, stepwise))
            res = [name for name in _RES_VARS if f"d{name}/dt" in text]
            if p0.depression == "per_spike":
                kwargs["reset"] = depression.per_spike_reset(res)
            elif fast:
                kwargs["reset"] = depression.emulated_reset(v, res, crossing="drawn")
        if events:
            kwargs["events"] = events
        g = b2.NeuronGroup(n, text, **kwargs)
        g.region = np.repeat(np.arange(n_regions), sizes[pop])
        g.cell = np.tile(np.arange(sizes[pop]), n_regions)
        if fast:
            # the gates driven by v, advanced over the step just taken (after the state
            # updater at order 0, which keeps v_prev, and before the thresholds)
            g.run_regularly(
                gates.step_update(pop, v, midpoint=True),
                when="groups",
                order=0.25,
                name=f"{pop}_gates",
            )
        elif pop == "PY":  # the fast scheme's state updater keeps v_dr_prev itself
            g.run_regularly("v_dr_prev = v_dr", when="end", name="PY_prev")
        if pop in ("PY", "IN"):
            depression.attach(g, v, stepwise, store_clock)
        groups[pop] = g

    region = b2.NeuronGroup(
        n_regions,
        "".join(f"{r} : 1\n" for r in region_vars) or "dummy : 1",
        name="region",
        order=0.5,
    )
    objects: list[Any] = [*groups.values(), region]
    # link column sums before any Synapses object captures the groups' variables
    for proj, _netcon, _nf, kind in plans:
        if kind != "sparse":
            post = groups[proj.post]
            index = np.asarray(post.region[:], dtype=np.int64)
            shared = b2.linked_var(region, column_sum[proj.name], index=index)
            setattr(post, f"R_{proj.name}", shared)

    # ---- parameters, weights and initial conditions ----------------------------------------
    def values(plist_, seed_, stream_ids_=None):
        return column_values(plist_, sizes, plans, seed_, stream_ids_)

    apply_values(groups, values(plist, seed, stream_ids))

    # ---- synapses --------------------------------------------------------------------------
    counts: dict[str, int] = {}
    agg: dict[str, list[str]] = {}
    selfs: dict[tuple[str, str], list[str]] = {}
    sparse: dict[tuple[str, str, bytes], tuple[np.ndarray, list[str]]] = {}
    for proj, netcon, _nf, kind in plans:
        if kind == "sparse":
            key = (proj.pre, proj.post, netcon.tobytes())
            sparse.setdefault(key, (netcon, []))[1].append(f"{proj.target}_post = {proj.gate}_pre")
            counts[proj.name] = int(netcon.sum()) * n_regions
            continue
        if column_sum[proj.name] == f"R_{proj.name}":  # the first of those that share it
            agg.setdefault(proj.pre, []).append(f"R_{proj.name}_post = {source[proj.name]}_pre")
        counts[proj.name] = int(netcon.sum()) * n_regions
        if kind == "full_minus_self" and proj.pre != proj.post:
            selfs.setdefault((proj.pre, proj.post), []).append(
                f"self_{proj.name}_post = {source[proj.name]}_pre"
            )
    for pop, lines in agg.items():
        objects.append(_to_region(groups[pop], region, lines, f"{pop}_to_region"))
    for (pre, post), lines in selfs.items():
        n_self = min(sizes[pre], sizes[post])
        s = b2.Synapses(groups[pre], groups[post], _summed(lines), name=f"{pre}_self_{post}")
        i = cells(np.arange(n_self), sizes[pre], n_regions)
        j = cells(np.arange(n_self), sizes[post], n_regions)
        s.connect(i=i, j=j)
        objects.append(s)
    for k, ((pre, post, _), (netcon, lines)) in enumerate(sparse.items()):
        s = b2.Synapses(groups[pre], groups[post], _summed(lines), name=f"{pre}_{post}_{k}")
        ii, jj = np.nonzero(netcon)
        s.connect(i=cells(ii, sizes[pre], n_regions), j=cells(jj, sizes[post], n_regions))
        objects.append(s)

    # EEG proxy of the paper: sum over PYdr of the PYso->PYdr and TC->PYdr AMPA currents,
    # plus the long-range input onto PYdr in a brain. Beside it, two signals that are not
    # part of the proxy: the axial current into PYdr (its cell's current dipole, read by
    # wholebrain.forward) and the GABA_A current onto PYso (for LFP proxies such as
    # Mazzoni et al. 2015's). ``dipole_half`` is the axial current of the column's
    # even-numbered PY cells: with the whole column's it gives two half-columns whose
    # cross-spectrum is the cells' coherent part (wholebrain.dipole.population_signal).
    parts = ("py", "tc", "lr") if coupled else ("py", "tc")
    signals = ("dipole", "gabaa", "dipole_half")
    currents = {"py": "I_ampa_py_dr", "tc": "I_ampa_tc_dr", "lr": "I_lr", "gabaa": "I_syn_so"}
    probe_eqs = "".join(f"eeg_{k} : amp/meter**2\n" for k in (*parts, *signals))
    # The probe and the copies of the cells' currents run on the recording clock: the
    # monitor reads them once per sample, so they are formed once per sample (same slots
    # and orders as on the integration clock, so the same values).
    probe = b2.NeuronGroup(n_regions, probe_eqs, name="probe", order=0.75, clock=record_clock)
    objects.append(probe)
    # I_com_dr depends on the cell's own state only, so the probe reads it directly
    sums = [f"eeg_{k}_post = eeg_{k}_cell_pre" for k in (*parts, "gabaa")]
    sums.append("eeg_dipole_post = I_com_dr_pre")
    eeg = b2.Synapses(
        groups["PY"],
        probe,
        "\n".join(f"{line} : amp/meter**2 (summed)" for line in sums),
        name="PY_to_probe",
    )
    py_region = np.asarray(groups["PY"].region[:])
    eeg.connect(i=np.arange(groups["PY"].N), j=py_region)
    half = b2.Synapses(
        groups["PY"], probe, "eeg_dipole_half_post = I_com_dr_pre : amp/meter**2 (summed)",
        name="PY_half_to_probe",
    )  # fmt: skip
    even = cells(np.arange(0, sizes["PY"], 2), sizes["PY"], n_regions)
    half.connect(i=even, j=py_region[even])
    objects += [eeg, half]
    # Synapses cannot read subexpressions that involve the column sums (linked variables
    # with an index), so each cell's currents are copied once per step, after all sums
    # (-1, -0.5) and before the state updaters (0).
    groups["PY"].run_regularly(
        "\n".join(f"eeg_{k}_cell = {currents[k]}" for k in (*parts, "gabaa")),
        when="groups",
        order=-0.4,
        clock=record_clock,
        name="PY_eeg_cells",
    )

    # ---- long-range synapses between columns (event-driven, delayed) -------------------
    lr_objects, lr_synapses = connect_long_range(
        groups, sizes, long_range, counts, weight="w", unit="siemens/meter**2",
        on_pre="g_lr_post += w", factor=10.0,
    )  # fmt: skip
    objects += lr_objects

    # ---- external Poisson input -----------------------------------------------------
    # Each cell's own 40-Hz train (iPoisson_AS22): at most one event per 0.01-ms step
    # (P(two) ~ 1e-7). A named run_regularly instead of brian2.PoissonInput because its
    # name, and so the generated code, stays the same from build to build, and the rate is a
    # per-cell constant that can differ between regions without recompiling.
    # The fast scheme's longer step draws the exact Poisson count of the step instead.
    draw = "poisson(rate_ext*dt)" if fast else "int(rand() < rate_ext*dt)"
    for pop in ("PY", "TC", "TRN", "HTC"):
        if pop in groups:
            groups[pop].run_regularly(f"s_ext += {draw}", when="synapses", name=f"{pop}_poisson")

    # ---- monitors --------------------------------------------------------------------------
    proxy = proxy_monitor(probe, (*parts, *signals), record_clock)
    spikes = spike_monitors(groups, present)
    spikes["PYdr"] = b2.EventMonitor(groups["PY"], "spike_dr", name="spikes_PYdr")
    states = state_monitors(groups, sizes, n_regions, record_states, record_cells, record_clock)
    objects += [proxy, *spikes.values(), *states.values()]
    return ColumnNetwork(
        n_regions=n_regions,
        sizes=sizes,
        groups=groups,
        objects=objects,
        spike_monitors=spikes,
        proxy_monitor=proxy,
        state_monitors=states,
        synapse_counts=counts,
        proxy_parts=parts,
        signal_parts=signals,
        long_range_synapses=lr_synapses,
        values=values,
    )


def _summed(lines: list[str]) -> str:
    return "\n".join(f"{line} : 1 (summed)" for line in lines)


def _to_region(pre: b2.NeuronGroup, region: b2.NeuronGroup, lines: list[str], name: str):
    s = b2.Synapses(pre, region, _summed(lines), name=name)
    s.connect(i=np.arange(pre.N), j=np.asarray(pre.region[:]))
    return s
