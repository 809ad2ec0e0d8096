"""Build ``n`` LIF E/I columns as one set of Brian2 objects.

One NeuronGroup per population ('PY' excitatory, 'IN' inhibitory) holds the cells of every
column (``region`` and ``cell`` indices per neuron); one Synapses object per (source,
target) pair holds the local synapses of all columns, drawn within each column only. The
weights live on the receiving cell (one value per projection and column), so the synapses
carry no per-synapse state.

EEG proxy: the excitatory synaptic current ``g_e (E_exc - v)`` of every E cell
(inward-positive: positive while v < E_exc), divided by the membrane area ``area_um2`` to give
a current density, summed over the E cells of the column. It includes the local E->E,
the Poisson and (in a brain) the long-range inputs, which all act through ``g_e``.
"""

from __future__ import annotations

from typing import Any

import brian2 as b2
import numpy as np

from .._common import (
    apply_values,
    bernoulli_pairs,
    check_structure,
    per_cell,
    poisson_thresholds,
    region_streams,
)
from ..base import ColumnNetwork, assemble
from . import equations
from .parameters import STRUCTURAL, LifEiParams

POPULATIONS = ("PY", "IN")
#: (pre, post, probability parameter, receptor) of the local projections, in draw order
PROJECTIONS = (
    ("PY", "PY", "p_ee", "exc"),
    ("PY", "IN", "p_ei", "exc"),
    ("IN", "PY", "p_ie", "inh"),
    ("IN", "IN", "p_ii", "inh"),
)


def build_columns(
    params: LifEiParams | list[LifEiParams],
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
    """Create the Brian2 objects of ``n_regions`` LIF E/I columns.

    Parameters
    ----------
    params : LifEiParams or list of them
        One set for all columns, or one per column (``n_exc``, ``n_inh`` and ``delay_ms``
        must agree).
    n_regions : int
        Number of columns when ``params`` is a single set.
    seed : int
        Seeds the initial membrane potentials and the connectivity, one child stream per
        column. Poisson input and noise use Brian2's ``seed``.
    record_dt_ms : float
        Sampling interval of the EEG proxy and state traces, ms.
    record_states : dict, optional
        ``{population: [variable, ...]}`` to record for the first ``record_cells`` cells of
        every column.
    long_range : list of LongRangeProjection, optional
        Delayed synapses between columns (:mod:`wholebrain.coupling`); each adds its weight
        (mS/cm^2, times the membrane area) to the receiving cell's excitatory conductance.
    stream_ids : list of int, optional
        Random-stream index of each column (default 0..n-1).
    **ignored
        Options of other column models (e.g. ``explicit``); accepted and unused.

    Notes
    -----
    The Poisson drive is tabulated for ``brian2.defaultclock.dt`` at build time (see
    :func:`~wholebrain.columns._common.poisson_thresholds`): set dt before building,
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
    p0 = plist[0]
    sizes = p0.sizes
    present = [pop for pop in POPULATIONS if sizes[pop] > 0]
    noise = any(p.noise_mv > 0 for p in plist)

    groups: dict[str, b2.NeuronGroup] = {}
    for pop in present:
        groups[pop] = b2.NeuronGroup(
            sizes[pop] * n_regions,
            equations.neuron(noise),
            threshold="v > v_th",
            reset="v = v_reset",
            refractory="t_ref",
            method="euler",
            name=pop,
        )
    for pop, g in groups.items():
        g.region = np.repeat(np.arange(n_regions), sizes[pop])
        g.cell = np.tile(np.arange(sizes[pop]), n_regions)

    def values(plist_, seed_, stream_ids_=None):
        return _values(plist_, sizes, list(groups), noise, seed_, stream_ids_)

    apply_values(groups, values(plist, seed, stream_ids))

    # ---- connectivity: one stream per column, after the initial potentials -------------
    streams = region_streams(seed, n_regions, stream_ids)
    pairs: dict[tuple[str, str], list[tuple[np.ndarray, np.ndarray]]] = {}
    for r, (rng, p) in enumerate(zip(streams, plist, strict=True)):
        for pop in groups:  # skip the draws of the initial potentials (see _values)
            rng.random(sizes[pop])
        for pre, post, prob, _ in PROJECTIONS:
            if pre in groups and post in groups:
                i, j = bernoulli_pairs(rng, sizes[pre], sizes[post], getattr(p, prob), False)
                pairs.setdefault((pre, post), []).append((i + r * sizes[pre], j + r * sizes[post]))

    objects: list[Any] = list(groups.values())
    counts: dict[str, int] = {}
    delay = p0.delay_ms * b2.ms
    for pre, post, _, receptor in PROJECTIONS:
        if (pre, post) not in pairs:
            continue
        i = np.concatenate([c[0] for c in pairs[(pre, post)]])
        j = np.concatenate([c[1] for c in pairs[(pre, post)]])
        counts[f"{pre}_{post}"] = int(i.size)
        if i.size == 0:  # e.g. p = 0; Brian2 cannot prepare a pathway without synapses
            continue
        on_pre = equations.ON_PRE_EXC if receptor == "exc" else equations.ON_PRE_INH
        syn = b2.Synapses(
            groups[pre],
            groups[post],
            on_pre=on_pre,
            delay=delay if p0.delay_ms > 0 else None,
            name=f"{pre}_{post}",
        )
        syn.connect(i=i, j=j)
        objects.append(syn)

    # long-range weights: mS/cm^2 times factor = the variable in its base unit (siemens/meter**2)
    return assemble(
        groups, sizes, n_regions, objects, counts, values, poisson=equations.POISSON,
        long_range=long_range, weight="w_lr", unit="siemens/meter**2",
        on_pre=f"x_e_post += {equations.E_ALPHA!r}*w_lr*area_post", factor=10.0,
        record_dt_ms=record_dt_ms, record_states=record_states, record_cells=record_cells,
    )  # fmt: skip


def _values(
    plist: list[LifEiParams],
    sizes: dict[str, int],
    present: list[str],
    noise: bool,
    seed: int,
    stream_ids: list[int] | None,
) -> dict[str, dict[str, Any]]:
    """Every per-cell value set from the parameters and the seed (``ColumnNetwork.values``):
    constants in Brian2 units, Poisson thresholds, and initial potentials drawn first from
    each column's stream (uniform between reset and threshold)."""
    if not noise and any(p.noise_mv > 0 for p in plist):
        raise ValueError(
            "noise_mv > 0 adds a noise term to the equations: build (compile) the network with "
            "noise_mv > 0 to run it with noise"
        )
    e = equations.E_ALPHA
    streams = region_streams(seed, len(plist), stream_ids)
    v0: dict[str, list[np.ndarray]] = {pop: [] for pop in present}
    for rng, p in zip(streams, plist, strict=True):
        for pop in present:
            v0[pop].append(p.v_reset_mv + (p.v_th_mv - p.v_reset_mv) * rng.random(sizes[pop]))
    out: dict[str, dict[str, Any]] = {}
    for pop in present:
        n = sizes[pop]

        def cell(fn, unit, n=n):
            return per_cell(plist, n, fn) * unit

        # excitatory cells: E->E, I->E weights and their own drive; inhibitory: E->I, I->I
        w_e, w_i, rate = (
            ("w_ee_ns", "w_ie_ns", "ext_rate_exc_hz")
            if pop == "PY"
            else ("w_ei_ns", "w_ii_ns", "ext_rate_inh_hz")
        )
        values = {
            "c_m": cell(lambda p: p.c_m_pf, b2.pF),
            "g_leak": cell(lambda p: p.g_leak_ns, b2.nS),
            "e_leak": cell(lambda p: p.e_leak_mv, b2.mV),
            "v_th": cell(lambda p: p.v_th_mv, b2.mV),
            "v_reset": cell(lambda p: p.v_reset_mv, b2.mV),
            "t_ref": cell(lambda p: p.t_ref_ms, b2.ms),
            "i_app": cell(lambda p: p.i_app_pa, b2.pA),
            "e_exc": cell(lambda p: p.e_exc_mv, b2.mV),
            "e_inh": cell(lambda p: p.e_inh_mv, b2.mV),
            "tau_e": cell(lambda p: p.tau_exc_ms, b2.ms),
            "tau_i": cell(lambda p: p.tau_inh_ms * p.gabaa_tau_mult, b2.ms),
            "area": cell(lambda p: p.area_um2, b2.um**2),
            "w_x": cell(lambda p: e * p.w_ext_ns, b2.nS),
            "w_e": cell(lambda p, w=w_e: e * getattr(p, w), b2.nS),
            "w_i": cell(lambda p, w=w_i: e * getattr(p, w) * p.gabaa_cond_mult, b2.nS),
            **poisson_thresholds(per_cell(plist, n, lambda p, r=rate: getattr(p, r))),
            "v": np.concatenate(v0[pop]) * b2.mV,
        }
        if noise:
            values["sigma"] = cell(lambda p: p.noise_mv, b2.mV)
        out[pop] = values
    return out
