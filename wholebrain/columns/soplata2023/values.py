"""Every per-cell value a soplata2023 network starts with, computed in numpy.

Parameters (per region, repeated over the region's cells), normalised synaptic weights and
the random initial conditions of :mod:`.initial` are computed here, without Brian2 objects,
so that the same values can either be assigned to freshly built groups or handed to an
already compiled standalone binary as ``run_args`` (one compile, many runs).
"""

from __future__ import annotations

import brian2 as b2
import numpy as np

from .initial import draw_initial_values
from .parameters import Soplata2023Params

_MSC = b2.msiemens / b2.cm**2

#: intrinsic conductances (mS/cm^2) per population, named as in the parameters and equations
_CONDUCTANCES = {
    "PY": "g_leak_so g_na_so g_k_so g_a g_ks g_kna g_leak_dr g_nap g_ar g_hva g_kca",
    "IN": "g_leak_in g_na_in g_k_in",
    "TC": "g_na_tc g_k_tc g_leak_tc g_kleak_tc g_t_tc g_h",
    "TRN": "g_na_trn g_k_trn g_leak_trn g_kleak_trn g_t_trn",
    "HTC": "g_leak_htc g_kleak_htc g_na_htc g_dr_htc g_h_htc g_cat_htc g_caht_htc g_cal_htc "
    "g_ahp_htc g_can_htc",
}
_EXT = {"PY": "g_ext_dr", "TC": "g_ext_tc", "TRN": "g_ext_trn", "HTC": "g_ext_htc"}

Values = dict[str, dict[str, np.ndarray]]


def _per_cell(plist: list[Soplata2023Params], n: int, name: str, scale=None) -> np.ndarray:
    """Per-cell array of a per-region parameter (or of ``scale(p)``)."""
    get = scale or (lambda p: getattr(p, name))
    return np.repeat(np.array([get(p) for p in plist], dtype=float), n)


def column_values(
    plist: list[Soplata2023Params],
    sizes: dict[str, int],
    plans: list,
    seed: int,
    stream_ids: list[int] | None = None,
) -> Values:
    """``{population: {variable: Brian2 quantity array}}`` for every value set at build time."""
    out: Values = {pop: {} for pop, n in sizes.items() if n > 0}
    for pop, values in out.items():
        n = sizes[pop]
        for name in _CONDUCTANCES[pop].split():
            values[name] = _per_cell(plist, n, name) * _MSC
        if pop in _EXT:
            values["g_ext"] = _per_cell(plist, n, _EXT[pop]) * _MSC
            values["tau_ext"] = _per_cell(plist, n, "tau_ext_ms") * b2.ms
            values["rate_ext"] = _per_cell(plist, n, "poisson_rate_hz") * b2.Hz
        if pop in ("PY", "IN"):
            values["tau_res"] = _per_cell(plist, n, "tau_res_ms") * b2.ms
            values["depr_factor"] = _per_cell(plist, n, "depr_factor")
        if pop in ("IN", "TRN"):
            values["gabaa_tau_mult"] = _per_cell(plist, n, "gabaa_tau_mult")
    for proj, _netcon, nf, _kind in plans:

        def conductance(p, proj=proj):  # g (x propofol's GABA_A multiplier, x htc_weight)
            htc = p.htc_weight if "HTC" in (proj.pre, proj.post) else 1.0
            return getattr(p, proj.g) * (p.gabaa_cond_mult if proj.gabaa else 1.0) * htc

        w = _per_cell(plist, sizes[proj.post], proj.g, conductance)
        out[proj.post][f"w_{proj.name}"] = w / nf * _MSC

    initial = draw_initial_values(plist, sizes, seed, stream_ids)
    n_py = sizes["PY"]
    py = out["PY"]
    com = initial["PY"].pop("_com")  # per-cell factor of the axial conductance
    py["g_com_so"] = _per_cell(plist, n_py, "g_com_so") * com * _MSC
    py["g_com_dr"] = _per_cell(plist, n_py, "g_com_dr") * com * _MSC
    py["stim_amp"] = _per_cell(plist, n_py, "stim_amp") * b2.uamp / b2.cm**2
    py["stim_onset"] = _per_cell(plist, n_py, "stim_onset_ms") * b2.ms
    py["stim_offset"] = _per_cell(plist, n_py, "stim_offset_ms") * b2.ms
    for pop, values in initial.items():
        out[pop].update(values)
    return out


#: values that exist only with one depression rule or integration scheme
_OPTIONAL = {"tspike", "v_stored", "v_so_prev", "v_prev", "v_so_mid", "v_mid", "F_cortical",
             "F_thalamic"}  # fmt: skip


def apply_values(groups: dict[str, b2.NeuronGroup], values: Values) -> None:
    """Assign computed values to the groups of a freshly built network."""
    for pop, table in values.items():
        group = groups[pop]
        for name, value in table.items():
            if name in group.variables:
                setattr(group, name, value)
            elif name not in _OPTIONAL:
                raise KeyError(f"{pop} has no variable {name!r}")
