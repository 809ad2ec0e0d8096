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
from .parameters import PRESETS, STRUCTURAL, IzhikevichStpParams

POPULATIONS = ("PY", "IN", "TC", "TRN")
#: (pre, post, suffix of the parameter names, receptor) of the local projections, draw order
PROJECTIONS = (
    ("PY", "PY", "ee", "exc"),
    ("PY", "IN", "ei", "exc"),
    ("IN", "PY", "ie", "inh"),
    ("IN", "IN", "ii", "inh"),
)
#: projections of the optional thalamic pair (static synapses), drawn after the cortical ones
THALAMIC_PROJECTIONS = (
    ("TC", "TRN", "tc_trn", "exc"),
    ("TRN", "TC", "trn_tc", "inh"),
    ("TRN", "TRN", "trn_trn", "inh"),
    ("TC", "PY", "tc_py", "exc"),
    ("TC", "IN", "tc_in", "exc"),
    ("PY", "TC", "py_tc", "exc"),
    ("PY", "TRN", "py_trn", "exc"),
)
#: recovery of a static synapse: full within one step, so every spike releases w
_TAU_D_STATIC_MS = 1e-6
#: Izhikevich (2003) parameter sets of the thalamic cells: (a, b, c mV, d mV)
_THALAMIC_CELLS = {"TC": PRESETS["TC"], "TRN": PRESETS["LTS"]}
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
    sizes = plist[0].sizes
    present = [pop for pop in POPULATIONS if sizes.get(pop, 0) > 0]

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
    for pop, g in groups.items():
        g.region = np.repeat(np.arange(n_regions), sizes[pop])
        g.cell = np.tile(np.arange(sizes[pop]), n_regions)

    # ---- connectivity: one stream per column, after the per-cell draws (see _cell_values)
    streams = region_streams(seed, n_regions, stream_ids)
    pairs: dict[tuple[str, str], list[tuple[np.ndarray, np.ndarray, int]]] = {}
    for r, (rng, p) in enumerate(zip(streams, plist, strict=True)):
        for pop in groups:
            rng.random(sizes[pop])  # heterogeneity r
            rng.random(sizes[pop])  # initial v
        for pre, post, name, _ in PROJECTIONS + THALAMIC_PROJECTIONS:
            if pre in groups and post in groups:
                prob = getattr(p, f"p_{name}")
                i, j = bernoulli_pairs(rng, sizes[pre], sizes[post], prob, False)
                pairs.setdefault((pre, post), []).append(
                    (i + r * sizes[pre], j + r * sizes[post], r)
                )

    objects: list[Any] = list(groups.values())
    counts: dict[str, int] = {}
    synapses: dict[str, tuple[b2.Synapses, str, np.ndarray, bool]] = {}
    for pre, post, name, receptor in PROJECTIONS + THALAMIC_PROJECTIONS:
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
        synapses[syn.name] = (syn, name, region, receptor == "inh")
        objects.append(syn)

    def values(plist_, seed_, stream_ids_=None):
        out = _cell_values(plist_, sizes, list(groups), seed_, stream_ids_)
        for key, (_, name, region, inhibitory) in synapses.items():
            out[key] = _stp_values(plist_, name, region, inhibitory)
        return out

    apply_values({**groups, **{k: v[0] for k, v in synapses.items()}},
                 values(plist, seed, stream_ids))  # fmt: skip

    # long-range weights: mS/cm^2 x factor = g, dimensionless for C_m = 1 uF/cm^2
    return assemble(
        groups, sizes, n_regions, objects, counts, values, poisson=equations.POISSON,
        long_range=long_range, weight="w_lr", unit="1",
        on_pre="g_e_post += w_lr", factor=1.0,
        record_dt_ms=record_dt_ms, record_states=record_states, record_cells=record_cells,
    )  # fmt: skip


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
    for name, value in stp_values(w, u, tau_d_ms, tau_f_ms).items():
        setattr(syn, name, value)


def stp_values(w: Any, u: Any, tau_d_ms: Any, tau_f_ms: Any) -> dict[str, Any]:
    """The values :func:`set_stp` assigns, by variable name."""
    tau_f = np.where(np.asarray(tau_f_ms, dtype=float) > 0, tau_f_ms, _TAU_F_NONE_MS)
    return {"w": w, "U": u, "tau_d": np.asarray(tau_d_ms, dtype=float) * b2.ms,
            "tau_f": tau_f * b2.ms, "u_syn": 0.0, "x_syn": 1.0}  # fmt: skip


def _stp_values(plist, name: str, region: np.ndarray, inhibitory: bool) -> dict[str, Any]:
    """Per-synapse STP values of projection ``name`` (synapse ``k`` in column ``region[k]``)."""

    def per_syn(fn):
        return np.array([fn(p) for p in plist], dtype=float)[region]

    # propofol multiplies GABA_A weights; TRN->TC stands for GABA_B and is left alone
    gabaa = inhibitory and name != "trn_tc"
    mult = (lambda p: p.gabaa_cond_mult) if gabaa else (lambda p: 1.0)
    n = region.size
    w = per_syn(lambda p: getattr(p, f"w_{name}") * mult(p))
    if "_" in name:  # a thalamic projection: static synapse, full release at every spike
        v = stp_values(w=w, u=np.ones(n), tau_d_ms=np.full(n, _TAU_D_STATIC_MS),
                       tau_f_ms=np.zeros(n))  # fmt: skip
    else:
        v = stp_values(
            w=w,
            u=per_syn(lambda p: getattr(p, f"u_{name}")),
            tau_d_ms=per_syn(lambda p: getattr(p, f"tau_d_{name}_ms")),
            tau_f_ms=per_syn(lambda p: getattr(p, f"tau_f_{name}_ms")),
        )
    v["u_syn"], v["x_syn"] = np.zeros(n), np.ones(n)  # per synapse: run arguments need arrays
    return v


#: per population: constant input and Poisson rate parameters, inhibitory decay (ms)
_CELL_PARAMS = {
    "PY": ("i_app_exc", "ext_rate_exc_hz", lambda p: p.tau_inh_ms * p.gabaa_tau_mult),
    "IN": ("i_app_inh", "ext_rate_inh_hz", lambda p: p.tau_inh_ms * p.gabaa_tau_mult),
    "TC": ("i_app_tc", "ext_rate_tc_hz", lambda p: p.tau_inh_tc_ms),
    "TRN": ("i_app_trn", "ext_rate_trn_hz", lambda p: p.tau_inh_ms * p.gabaa_tau_mult),
}


def _cell_values(
    plist: list[IzhikevichStpParams],
    sizes: dict[str, int],
    present: list[str],
    seed: int,
    stream_ids: list[int] | None,
) -> dict[str, dict[str, Any]]:
    """Every per-cell value set from the parameters and the seed (``ColumnNetwork.values``):
    constants, Poisson thresholds, and from each column's stream, for each population in
    turn, the heterogeneity ``r`` and the initial potential."""
    streams = region_streams(seed, len(plist), stream_ids)
    drawn: dict[tuple[str, str], list[np.ndarray]] = {}
    for rng, p in zip(streams, plist, strict=True):
        for pop in present:
            n = sizes[pop]
            drawn.setdefault((pop, "r"), []).append(p.heterogeneity * rng.random(n))
            drawn.setdefault((pop, "v"), []).append(-70.0 + 10.0 * rng.random(n))
    out: dict[str, dict[str, Any]] = {}
    for pop in present:
        n = sizes[pop]

        def cell(fn, unit=1.0, n=n):
            return per_cell(plist, n, fn) * unit

        i_app, rate, tau_i = _CELL_PARAMS[pop]
        r = np.concatenate(drawn[(pop, "r")])
        v = np.concatenate(drawn[(pop, "v")])
        if pop == "PY":  # regular spiking, drifting towards chattering as r -> 1
            a, b = np.full(r.size, 0.02), np.full(r.size, 0.2)
            c, d = -65.0 + 15.0 * r**2, 8.0 - 6.0 * r**2
        elif pop == "IN":  # fast spiking, drifting towards low-threshold spiking as r -> 1
            a, b = 0.1 - 0.08 * r, 0.2 + 0.05 * r
            c, d = np.full(r.size, -65.0), np.full(r.size, 2.0)
        else:  # thalamic cells: the published sets, no heterogeneity
            a, b, c, d = (np.full(r.size, x) for x in _THALAMIC_CELLS[pop])
        out[pop] = {
            "a": a, "b": b, "c": c * b2.mV, "d": d * b2.mV, "v": v * b2.mV, "u": b * v * b2.mV,
            "v_peak": cell(lambda p: p.v_peak_mv, b2.mV),
            "e_exc": cell(lambda p: p.e_exc_mv, b2.mV),
            "e_inh": cell(lambda p: p.e_inh_mv, b2.mV),
            "tau_e": cell(lambda p: p.tau_exc_ms, b2.ms),
            "tau_i": cell(tau_i, b2.ms),
            "c_m": cell(lambda p: p.c_m_uf_cm2, b2.ufarad / b2.cm**2),
            "w_x": cell(lambda p: p.w_ext),
            "i_app": cell(lambda p, k=i_app: getattr(p, k), b2.mV),
            **poisson_thresholds(per_cell(plist, n, lambda p, k=rate: getattr(p, k))),
        }  # fmt: skip
    return out
