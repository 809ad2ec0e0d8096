"""Random initial conditions of the Soplata 2023 column, as the mechanism files specify.

Each entry is ``variable: (base, spread)`` for ``base + spread*U(0, 1)`` per cell (a negative
spread is ``base - |spread|*U``, as for ``res``). Synaptic variables are drawn per
presynaptic cell, separately for each mechanism. One child random stream per region
(``numpy.random.SeedSequence(seed).spawn``) makes region ``r`` of a brain draw exactly what
column ``r`` built alone draws.
"""

from __future__ import annotations

import brian2 as b2
import numpy as np

from . import gates
from .parameters import Soplata2023Params

_V0 = (-68.0, 20.0)  # mV, 2023 files (older versions: 50 mV spread)
_SYN = (0.0, 0.1)
_RES = (0.8, -0.1)

INITIAL: dict[str, dict[str, tuple[float, float]]] = {
    "PY": {
        "v_so": _V0,
        "v_dr": _V0,
        "h_na": (0.7, 0.1),
        "n_k": (0.05, 0.05),
        "h_a": (0.1, 0.1),
        "m_ks": (0.005, 0.001),
        "h_loc": (0.5, 0.1),
        "na_conc": (12.0, 3.0),
        "ca_dr": (0.001, 0.01),
        "s_ampa_py_dr": _SYN,
        "res_ampa_py_dr": _RES,
        "s_nmda_py_dr": _SYN,
        "x_nmda_py_dr": _SYN,
        "res_nmda_py_dr": _RES,
        "s_ampa_py_in": _SYN,
        "res_ampa_py_in": _RES,
        "s_nmda_py_in": _SYN,
        "x_nmda_py_in": _SYN,
        "res_nmda_py_in": _RES,
        "s_ampa_py_tc": _SYN,
        "s_ampa_py_trn": _SYN,
    },
    "IN": {
        "v": _V0,
        "h_na": (0.7, 0.1),
        "n_k": (0.13, 0.01),
        "s_gabaa_in_py": _SYN,
        "res_gabaa_in_py": _RES,
        "s_gabaa_in_in": _SYN,
        "res_gabaa_in_in": _RES,
    },
    "TC": {
        "v": _V0,
        "m_na": (7e-5, 1e-5),
        "h_na": (0.8, 0.1),
        "n_k": (2.5e-4, 1e-5),
        "h_t": (0.01, 0.005),
        "ca": (3e-4, 1e-5),
        "o_h": (0.05, 0.01),
        "p_1": (0.06, 0.01),
        "o_l": (0.55, 0.01),
        "s_ampa_tc_trn": _SYN,
        "s_ampa_tc_dr": _SYN,
        "s_ampa_tc_in": _SYN,
    },
    "TRN": {
        "v": _V0,
        "m_na": (2e-5, 1e-5),
        "h_na": (0.8, 0.1),
        "n_k": (1.5e-4, 1e-4),
        "m_t": (0.01, 0.01),
        "h_t": (0.6, 0.01),
        "s_gabaa_trn_tc": _SYN,
        "r_gabab": _SYN,
        "s_gabab": _SYN,
        "s_gabaa_trn_trn": _SYN,
    },
    # last, so that columns without HTC cells draw exactly what they drew before
    "HTC": {
        "v": _V0,
        "m_na": (0.0, 0.01),
        "h_na": (0.6, 0.2),
        "n_k": (0.05, 0.05),
        "m_h": (0.02, 0.02),
        "p_t": (0.0, 0.01),
        "q_t": (0.05, 0.1),
        "p_ht": (0.0, 0.05),
        "q_ht": (0.2, 0.3),
        "p_l": (0.0, 0.01),
        "q_l": (0.8, 0.2),
        "ca_htc": (5e-5, 1e-5),
        "p_a": (0.0, 0.01),
        "p_n": (0.0, 0.05),
        "s_ampa_htc": _SYN,
    },
}


def region_streams(seed: int, n_regions: int) -> list[np.random.Generator]:
    """One independent generator per region, derived from ``seed``."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(n_regions)]


def draw_initial_values(
    plist: list[Soplata2023Params],
    sizes: dict[str, int],
    seed: int,
    stream_ids: list[int] | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """Initial value of every state variable, and the per-cell random constants.

    ``stream_ids[r]`` is the random stream of column ``r`` (default ``r``). Returns
    ``{population: {variable: array}}`` (voltages in volts as Brian2 quantities); ``PY._com``
    is the per-cell factor of the axial conductance (``g_com_variability``).
    """
    ids = list(range(len(plist))) if stream_ids is None else [int(i) for i in stream_ids]
    if len(ids) != len(plist):
        raise ValueError("need one stream id per column")
    streams = region_streams(seed, max(ids) + 1)
    chunks: dict[tuple[str, str], list[np.ndarray]] = {}
    for rng, p in zip((streams[i] for i in ids), plist, strict=True):
        for pop, table in INITIAL.items():
            if sizes.get(pop, 0) == 0:
                continue
            for var, (base, spread) in table.items():
                chunks.setdefault((pop, var), []).append(base + spread * rng.random(sizes[pop]))
        n_py = sizes["PY"]
        # per-cell constants drawn after the state variables, in a fixed order
        u_com = rng.random(n_py)
        chunks.setdefault(("PY", "_com"), []).append(1 + p.g_com_variability * (2 * u_com - 1))
        dist = 1 - 2 * rng.random(n_py) if p.stim_random else np.ones(n_py)
        chunks.setdefault(("PY", "stim_dist"), []).append(dist)
    out: dict[str, dict[str, np.ndarray]] = {}
    for (pop, var), parts in chunks.items():
        arr = np.concatenate(parts)
        out.setdefault(pop, {})[var] = arr * b2.mV if var.startswith("v") else arr
    for pop, v in (("PY", "v_so"), ("IN", "v"), ("TC", "v"), ("TRN", "v"), ("HTC", "v")):
        if pop not in out:
            continue
        # the fast scheme's crossing interpolation and step-averaged gates
        out[pop][f"{v}_prev"] = out[pop][v]
        out[pop][f"{v}_mid"] = out[pop][v]
        out[pop].update(gates.antiderivatives(pop, np.asarray(out[pop][v] / b2.mV)))
        if pop in ("PY", "IN"):
            out[pop]["tspike"] = np.full(len(out[pop][v]), -1.0) * b2.second  # no spike yet
            out[pop]["v_stored"] = out[pop][v]  # DynaSim's first stored sample is v(0)
    out["PY"]["v_dr_prev"] = out["PY"]["v_dr"]
    if plist[0].integration == "fast":  # drawn all the same, so that every draw stays put
        for pop, table in out.items():
            for var in gates.aliases(pop):
                table.pop(var, None)
    return out
