"""Build ``n`` Izhikevich/STP columns as one set of Brian2 objects.

One NeuronGroup per population ('PY' regular-spiking excitatory, 'IN' fast-spiking
inhibitory) holds the cells of every column (``region`` and ``cell`` indices); one Synapses
object per (source, target) pair holds the local Tsodyks-Markram synapses of all columns,
drawn within each column. Weights and STP constants are per synapse, so a column's values
may differ from another's without changing the generated code.

EEG proxy: the excitatory synaptic current density ``C_m g_e (E_exc - v)/ms`` of every E cell
(inward-positive), summed over the E cells of a column; it includes local E->E, Poisson and
(in a brain) long-range input.
"""

from __future__ import annotations

from typing import Any

import brian2 as b2
import numpy as np

from ..lif_ei.common import (
    attach_outputs,
    bernoulli_pairs,
    check_structure,
    per_cell,
    region_streams,
    set_poisson_rate,
)
from ..soplata2023 import ColumnNetwork
from . import equations
from .parameters import STRUCTURAL, IzhikevichStpParams

POPULATIONS = ("PY", "IN")
#: (pre, post, suffix of the parameter names, receptor) of the local projections, draw order
PROJECTIONS = (
    ("PY", "PY", "ee", "exc"),
    ("PY", "IN", "ei", "exc"),
    ("IN", "PY", "ie", "inh"),
    ("IN", "IN", "ii", "inh"),
)
#: stand-in for tau_f = 0 ("no facilitation"): u decays to 0 within any step, so u = U at
#: every spike, without a division by zero in the analytic decay
_TAU_F_NONE_MS = 1e-6


def build_columns(
    params: IzhikevichStpParams | list[IzhikevichStpParams],
    n_regions: int = 1,
    *,
    seed: int = 0,
    record_dt_ms: float = 0.1,
    record_states: dict[str, list[str]] | None = None,
    record_cells: int = 1,
    long_range: list | None = None,
    stream_ids: list[int] | None = None,
    **ignored: Any,
) -> ColumnNetwork:
    """Create the Brian2 objects of ``n_regions`` Izhikevich/STP columns.

    Parameters
    ----------
    params : IzhikevichStpParams or list of them
        One set for all columns, or one per column (``n_exc`` and ``n_inh`` must agree).
    n_regions : int
        Number of columns when ``params`` is a single set.
    seed : int
        Seeds the per-cell heterogeneity, initial states and connectivity, one child stream
        per column. Poisson input uses Brian2's ``seed``.
    record_dt_ms : float
        Sampling interval of the EEG proxy and state traces, ms.
    record_states : dict, optional
        ``{population: [variable, ...]}`` to record for the first ``record_cells`` cells of
        every column.
    long_range : list of LongRangeProjection, optional
        Delayed synapses between columns (:mod:`wholebrain.coupling`); a weight of
        x mS/cm^2 adds x to the receiving cell's dimensionless ``g_e`` (C_m = 1 uF/cm^2).
    stream_ids : list of int, optional
        Random-stream index of each column (default 0..n-1).
    **ignored
        Options of other column models; accepted and unused.

    Notes
    -----
    The Poisson drive is tabulated for ``brian2.defaultclock.dt`` at build time (see
    :func:`~wholebrain.columns.lif_ei.common.set_poisson_rate`): set dt before building,
    as :func:`wholebrain.simulate` does.

    Returns
    -------
    ColumnNetwork
        With ``proxy_parts = ("ampa",)`` and no extra spike sources.
    """
    plist = list(params) if isinstance(params, list | tuple) else [params] * n_regions
    n_regions = len(plist)
    if n_regions < 1:
        raise ValueError("need at least one column")
    check_structure(plist, STRUCTURAL)
    sizes = plist[0].sizes
    present = [pop for pop in POPULATIONS if sizes[pop] > 0]

    groups: dict[str, b2.NeuronGroup] = {}
    for pop in present:
        groups[pop] = b2.NeuronGroup(
            sizes[pop] * n_regions,
            equations.NEURON,
            threshold=equations.THRESHOLD,
            reset=equations.RESET,
            method="euler",
            name=pop,
        )
    _set_constants(groups, plist, sizes)

    # ---- random draws: one stream per column, fixed order --------------------------
    streams = region_streams(seed, n_regions, stream_ids)
    drawn: dict[tuple[str, str], list[np.ndarray]] = {}
    pairs: dict[tuple[str, str], list[tuple[np.ndarray, np.ndarray, int]]] = {}
    for r, (rng, p) in enumerate(zip(streams, plist, strict=True)):
        for pop in POPULATIONS:
            if pop in groups:
                n = sizes[pop]
                drawn.setdefault((pop, "r"), []).append(p.heterogeneity * rng.random(n))
                drawn.setdefault((pop, "v"), []).append(-70.0 + 10.0 * rng.random(n))
        for pre, post, name, _ in PROJECTIONS:
            if pre in groups and post in groups:
                prob = getattr(p, f"p_{name}")
                i, j = bernoulli_pairs(rng, sizes[pre], sizes[post], prob, False)
                pairs.setdefault((pre, post), []).append(
                    (i + r * sizes[pre], j + r * sizes[post], r)
                )
    for pop, g in groups.items():
        r = np.concatenate(drawn[(pop, "r")])
        if pop == "PY":  # regular spiking, drifting towards chattering as r -> 1
            g.a, g.b = 0.02, 0.2
            g.c = (-65.0 + 15.0 * r**2) * b2.mV
            g.d = (8.0 - 6.0 * r**2) * b2.mV
        else:  # fast spiking, drifting towards low-threshold spiking as r -> 1
            g.a = 0.1 - 0.08 * r
            g.b = 0.2 + 0.05 * r
            g.c = -65.0 * b2.mV
            g.d = 2.0 * b2.mV
        g.v = np.concatenate(drawn[(pop, "v")]) * b2.mV
        g.u = g.b[:] * g.v[:]

    objects: list[Any] = list(groups.values())
    counts: dict[str, int] = {}
    for pre, post, name, receptor in PROJECTIONS:
        if (pre, post) not in pairs:
            continue
        chunks = pairs[(pre, post)]
        i = np.concatenate([c[0] for c in chunks])
        j = np.concatenate([c[1] for c in chunks])
        region = np.concatenate([np.full(c[0].size, c[2]) for c in chunks])
        counts[f"{pre}_{post}"] = int(i.size)
        if i.size == 0:  # e.g. p = 0; Brian2 cannot prepare a pathway without synapses
            continue
        syn = stp_synapses(groups[pre], groups[post], receptor, f"{pre}_{post}")
        syn.connect(i=i, j=j)
        _set_stp(syn, plist, name, region, inhibitory=receptor == "inh")
        objects.append(syn)

    for pop, g in groups.items():
        g.run_regularly(equations.POISSON, when="synapses", name=f"{pop}_poisson")

    for lr in long_range or []:
        counts[f"long_range_{lr.sender}_{lr.receiver}"] = lr.n_synapses
        if lr.n_synapses == 0:  # Brian2 cannot prepare a delayed pathway without synapses
            continue
        pre_n, post_n = sizes[lr.sender], sizes[lr.receiver]
        syn = b2.Synapses(
            groups[lr.sender],
            groups[lr.receiver],
            "w_lr : 1 (constant)",
            on_pre="g_e_post += w_lr",
            name=f"LR_{lr.sender}_{lr.receiver}",
        )
        syn.connect(i=lr.pre_region * pre_n + lr.pre, j=lr.post_region * post_n + lr.post)
        syn.w_lr = lr.weight  # mS/cm^2 -> g for C_m = 1 uF/cm^2
        syn.delay = lr.delay_ms * b2.ms
        objects.append(syn)

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
        objects=objects + outputs,
        spike_monitors=spikes,
        proxy_monitor=proxy,
        state_monitors=states,
        synapse_counts=counts,
        proxy_parts=("ampa",),
        spike_sources={},
    )


def stp_synapses(source: b2.Group, target: b2.NeuronGroup, receptor: str, name: str) -> b2.Synapses:
    """Unconnected Tsodyks-Markram synapses onto ``g_e`` (``receptor="exc"``) or ``g_i``.

    Per-synapse constants ``w``, ``U``, ``tau_d``, ``tau_f`` must be set after ``connect``;
    ``u_syn`` starts at 0 and ``x_syn`` at 1 (a rested synapse).
    """
    target_var = {"exc": "g_e", "inh": "g_i"}[receptor]
    syn = b2.Synapses(
        source,
        target,
        equations.STP_SYNAPSE,
        on_pre=equations.stp_on_pre(target_var),
        name=name,
    )
    return syn


def set_stp(syn: b2.Synapses, w: Any, u: Any, tau_d_ms: Any, tau_f_ms: Any) -> None:
    """Set the constants of connected STP synapses (scalars or per-synapse arrays) and rest
    them (u = 0, x = 1). ``tau_f_ms = 0`` means no facilitation."""
    tau_f = np.where(np.asarray(tau_f_ms, dtype=float) > 0, tau_f_ms, _TAU_F_NONE_MS)
    syn.w = w
    syn.U = u
    syn.tau_d = np.asarray(tau_d_ms, dtype=float) * b2.ms
    syn.tau_f = tau_f * b2.ms
    syn.u_syn = 0.0
    syn.x_syn = 1.0


def _set_stp(syn, plist, name: str, region: np.ndarray, inhibitory: bool) -> None:
    def per_syn(fn):
        return np.array([fn(p) for p in plist], dtype=float)[region]

    mult = (lambda p: p.gabaa_cond_mult) if inhibitory else (lambda p: 1.0)
    set_stp(
        syn,
        w=per_syn(lambda p: getattr(p, f"w_{name}") * mult(p)),
        u=per_syn(lambda p: getattr(p, f"u_{name}")),
        tau_d_ms=per_syn(lambda p: getattr(p, f"tau_d_{name}_ms")),
        tau_f_ms=per_syn(lambda p: getattr(p, f"tau_f_{name}_ms")),
    )


def _set_constants(
    groups: dict[str, b2.NeuronGroup], plist: list[IzhikevichStpParams], sizes: dict[str, int]
) -> None:
    """Per-cell constants from each column's parameters, in Brian2 units."""
    for pop, g in groups.items():
        n = sizes[pop]
        g.region = np.repeat(np.arange(len(plist)), n)
        g.cell = np.tile(np.arange(n), len(plist))

        def cell(fn, unit=1.0, n=n):
            return per_cell(plist, n, fn) * unit

        g.v_peak = cell(lambda p: p.v_peak_mv, b2.mV)
        g.e_exc = cell(lambda p: p.e_exc_mv, b2.mV)
        g.e_inh = cell(lambda p: p.e_inh_mv, b2.mV)
        g.tau_e = cell(lambda p: p.tau_exc_ms, b2.ms)
        g.tau_i = cell(lambda p: p.tau_inh_ms * p.gabaa_tau_mult, b2.ms)
        g.c_m = cell(lambda p: p.c_m_uf_cm2, b2.ufarad / b2.cm**2)
        g.w_x = cell(lambda p: p.w_ext)
        if pop == "PY":
            g.i_app = cell(lambda p: p.i_app_exc, b2.mV)
            set_poisson_rate(g, per_cell(plist, n, lambda p: p.ext_rate_exc_hz))
        else:
            g.i_app = cell(lambda p: p.i_app_inh, b2.mV)
            set_poisson_rate(g, per_cell(plist, n, lambda p: p.ext_rate_inh_hz))
