"""Parameters and named conditions of the Izhikevich E/I column with short-term plasticity.

Cells: Izhikevich (2003), IEEE Trans Neural Netw 14(6):1569, in its own units (v, u in mV,
t in ms, dimensionless a, b; c, d in mV). Excitatory cells are regular spiking with the
paper's heterogeneity (a = 0.02, b = 0.2, c = -65 + 15 r^2, d = 8 - 6 r^2, r ~ U(0, h));
inhibitory cells are fast spiking (a = 0.1 - 0.08 r, b = 0.2 + 0.05 r, c = -65, d = 2; the
paper's a = 0.02 + 0.08 r, b = 0.25 - 0.05 r with r -> 1 - r, so that r = 0 is FS). With
``heterogeneity`` h = 1 the spread is the paper's; h = 0 gives identical RS and FS cells.

Synapses: conductance-based, ``I_syn = g (E_rev - v)`` with dimensionless ``g``. Because the
Izhikevich equation is dv/dt [mV/ms] = ... + I, ``g = 1`` is a conductance equal to the
membrane capacitance per ms, i.e. 1 mS/cm^2 for C_m = 1 uF/cm^2. Conductances decay
exponentially. Tsodyks-Markram short-term plasticity on every local synapse (Tsodyks &
Markram 1997, PNAS 94:719; Markram, Wang & Tsodyks 1998, PNAS 95:5323): at each presynaptic
spike u <- u + U (1 - u), release r = u x, x <- x - r, g_post += w r; between spikes u decays
to 0 with tau_f and x recovers to 1 with tau_d. The four (U, tau_d, tau_f) sets are the
E->E depressing, E->I facilitating, I->E and I->I values of Maass, Natschlaeger & Markram
(2002), Neural Comput 14:2531, taken from Markram et al. (1998) and Gupta et al. (2000).
``tau_f = 0`` means no facilitation (u = U at every spike).

Recurrent weights and Poisson drive are this project's choice for a 100-cell column that
fires at a few Hz (E) and tens of Hz (I) in the ``default`` condition; not from a paper.

Thalamic pair (optional, ``n_tc`` and ``n_trn`` > 0; the ``alpha`` condition): relay cells
'TC' with Izhikevich's thalamo-cortical parameters (rebound bursts after inhibition) and
reticular cells 'TRN' with his low-threshold-spiking ones. TRN inhibits TC through a slow
conductance (decay ``tau_inh_tc_ms``, GABA_B-like), TC excites TRN, and the loop of
inhibition and rebound rings at alpha frequencies (the mechanism of thalamic spindles and
alpha, e.g. Destexhe & Sejnowski 2003). TC drives the column's E and I cells; E cells feed
back onto TC and TRN. Thalamic synapses are static (full release at every spike). Weights,
probabilities and drives are this project's choice, tuned so that TRN fires only when TC
does (no drive of its own) and the inhibition outlasts ~100 ms. With seeds 1, 3, 4 and 5,
4 s runs (``scripts/alpha_izhikevich.py``): the EEG proxy and the TC population rate both
peak at 8.5-10 Hz, and 7-14 Hz holds 47-53 % of the proxy's 2-40 Hz power; without the pair
the E/I column has a weaker rhythm of its own (peaks 7.5-12.5 Hz, 38-42 %). Not from a paper.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .._common import coerce, lookup, param, validate
from .._common import describe as _describe

MODEL = "izhikevich_stp"

#: (a, b, c [mV], d [mV]) of the firing patterns of Izhikevich (2003), Fig. 2
PRESETS: dict[str, tuple[float, float, float, float]] = {
    "RS": (0.02, 0.2, -65.0, 8.0),  # regular spiking
    "IB": (0.02, 0.2, -55.0, 4.0),  # intrinsically bursting
    "CH": (0.02, 0.2, -50.0, 2.0),  # chattering
    "FS": (0.1, 0.2, -65.0, 2.0),  # fast spiking
    "LTS": (0.02, 0.25, -65.0, 2.0),  # low-threshold spiking
    "TC": (0.02, 0.25, -65.0, 0.05),  # thalamo-cortical
    "RZ": (0.1, 0.26, -65.0, 2.0),  # resonator
}


@dataclass(frozen=True)
class IzhikevichStpParams:
    """One Izhikevich/STP column's parameters (frozen; derive variants with :meth:`replace`).

    Connection names read pre -> post: ``w_ei`` is the E->I weight.
    """

    # --- structure ----------------------------------------------------------------
    n_exc: int = param(80, "1", "excitatory (RS) cells per column (population 'PY')", "int>=1")
    n_inh: int = param(20, "1", "inhibitory (FS) cells per column (population 'IN')", "int>=0")
    # --- cells (Izhikevich 2003) ------------------------------------------------------
    heterogeneity: float = param(1.0, "1", "spread h of r ~ U(0, h) (1: the paper's)", "prob")
    v_peak_mv: float = param(30.0, "mV", "spike cut-off (reset to c)", "any")
    i_app_exc: float = param(0.0, "mV/ms", "constant input I onto E cells", "any")
    i_app_inh: float = param(0.0, "mV/ms", "constant input I onto I cells", "any")
    c_m_uf_cm2: float = param(1.0, "uF/cm**2", "capacitance turning I (mV/ms) into uA/cm^2", ">0")
    # --- synapses -------------------------------------------------------------------
    e_exc_mv: float = param(0.0, "mV", "excitatory reversal potential", "any")
    e_inh_mv: float = param(-80.0, "mV", "inhibitory reversal potential", "any")
    tau_exc_ms: float = param(5.0, "ms", "excitatory conductance decay", ">0")
    tau_inh_ms: float = param(6.0, "ms", "inhibitory conductance decay", ">0")
    p_ee: float = param(0.2, "1", "E->E connection probability (no autapses)", "prob")
    p_ei: float = param(0.2, "1", "E->I connection probability", "prob")
    p_ie: float = param(0.2, "1", "I->E connection probability", "prob")
    p_ii: float = param(0.2, "1", "I->I connection probability (no autapses)", "prob")
    w_ee: float = param(0.1, "1", "E->E weight: g added at full release (u x = 1)")
    w_ei: float = param(0.2, "1", "E->I weight (facilitating: releases little at low rates)")
    w_ie: float = param(0.3, "1", "I->E weight")
    w_ii: float = param(0.3, "1", "I->I weight")
    # --- Tsodyks-Markram STP (Maass et al. 2002 table) -------------------------------------
    u_ee: float = param(0.5, "1", "E->E utilisation U (depressing)", "prob")
    tau_d_ee_ms: float = param(1100.0, "ms", "E->E recovery time constant", ">0")
    tau_f_ee_ms: float = param(50.0, "ms", "E->E facilitation time constant (0: none)")
    u_ei: float = param(0.05, "1", "E->I utilisation U (facilitating)", "prob")
    tau_d_ei_ms: float = param(125.0, "ms", "E->I recovery time constant", ">0")
    tau_f_ei_ms: float = param(1200.0, "ms", "E->I facilitation time constant")
    u_ie: float = param(0.25, "1", "I->E utilisation U", "prob")
    tau_d_ie_ms: float = param(700.0, "ms", "I->E recovery time constant", ">0")
    tau_f_ie_ms: float = param(20.0, "ms", "I->E facilitation time constant")
    u_ii: float = param(0.32, "1", "I->I utilisation U", "prob")
    tau_d_ii_ms: float = param(144.0, "ms", "I->I recovery time constant", ">0")
    tau_f_ii_ms: float = param(60.0, "ms", "I->I facilitation time constant")
    # --- external Poisson drive (independent train per cell, excitatory) ------------------
    ext_rate_exc_hz: float = param(600.0, "Hz", "Poisson rate onto each E cell (all inputs)")
    ext_rate_inh_hz: float = param(400.0, "Hz", "Poisson rate onto each I cell (all inputs)")
    w_ext: float = param(0.02, "1", "conductance g added by one external event")
    # --- propofol analogy (Soplata et al. 2023: GABA_A conductance and decay x3) -------
    gabaa_cond_mult: float = param(1.0, "1", "inhibitory weight multiplier (propofol 3)")
    gabaa_tau_mult: float = param(1.0, "1", "inhibitory decay multiplier (propofol 3)", ">0")
    # --- optional thalamic pair (structure: n_tc, n_trn) -----------------------------
    n_tc: int = param(0, "1", "thalamic relay cells per column (population 'TC'; 0: none)",
                      "int>=0")  # fmt: skip
    n_trn: int = param(0, "1", "reticular cells per column (population 'TRN')", "int>=0")
    p_tc_trn: float = param(0.5, "1", "TC->TRN connection probability", "prob")
    p_trn_tc: float = param(0.5, "1", "TRN->TC connection probability", "prob")
    p_trn_trn: float = param(0.2, "1", "TRN->TRN connection probability", "prob")
    p_tc_py: float = param(0.3, "1", "TC->E connection probability", "prob")
    p_tc_in: float = param(0.1, "1", "TC->I connection probability", "prob")
    p_py_tc: float = param(0.1, "1", "E->TC connection probability", "prob")
    p_py_trn: float = param(0.1, "1", "E->TRN connection probability", "prob")
    w_tc_trn: float = param(0.05, "1", "TC->TRN weight (g per spike)")
    w_trn_tc: float = param(0.3, "1", "TRN->TC weight onto the slow inhibitory conductance")
    w_trn_trn: float = param(0.05, "1", "TRN->TRN weight")
    w_tc_py: float = param(0.2, "1", "TC->E weight")
    w_tc_in: float = param(0.1, "1", "TC->I weight")
    w_py_tc: float = param(0.005, "1", "E->TC weight")
    w_py_trn: float = param(0.005, "1", "E->TRN weight")
    tau_inh_tc_ms: float = param(100.0, "ms", "decay of TRN->TC inhibition (GABA_B-like)", ">0")
    ext_rate_tc_hz: float = param(2500.0, "Hz", "Poisson rate onto each TC cell")
    ext_rate_trn_hz: float = param(0.0, "Hz", "Poisson rate onto each TRN cell")
    i_app_tc: float = param(0.0, "mV/ms", "constant input I onto TC cells", "any")
    i_app_trn: float = param(0.0, "mV/ms", "constant input I onto TRN cells", "any")

    def __post_init__(self) -> None:
        validate(self)
        object.__setattr__(self, "n_exc", int(self.n_exc))
        object.__setattr__(self, "n_inh", int(self.n_inh))
        object.__setattr__(self, "n_tc", int(self.n_tc))
        object.__setattr__(self, "n_trn", int(self.n_trn))
        if (self.n_tc > 0) != (self.n_trn > 0):
            raise ValueError(
                f"the thalamic pair needs both n_tc and n_trn > 0 (or both 0), got "
                f"n_tc={self.n_tc}, n_trn={self.n_trn}"
            )

    @property
    def sizes(self) -> dict[str, int]:
        """Cells per population in one column ('PY' excitatory RS, 'IN' inhibitory FS, and
        with the thalamic pair 'TC' relay and 'TRN' reticular)."""
        sizes = {"PY": self.n_exc, "IN": self.n_inh}
        if self.n_tc > 0:
            sizes.update(TC=self.n_tc, TRN=self.n_trn)
        return sizes

    # Read by wholebrain.simulate to key the C++ project folder by network structure.
    @property
    def scale(self) -> float:
        return self.n_exc / 80

    @property
    def thalamus(self) -> bool:
        return self.n_tc > 0

    @property
    def depression(self) -> str:
        return "tsodyks_markram"

    @property
    def connectivity(self) -> str:
        return "bernoulli"

    def replace(self, **overrides: Any) -> IzhikevichStpParams:
        """A copy with parameters overridden by name (floats in documented units or Brian2
        quantities); unknown names raise a ``ValueError`` suggesting close ones."""
        return dataclasses.replace(self, **coerce(MODEL, IzhikevichStpParams, overrides))

    def as_dict(self) -> dict[str, Any]:
        """Plain ``{name: value}`` of every parameter (for provenance)."""
        return dataclasses.asdict(self)


STRUCTURAL = ("n_exc", "n_inh", "n_tc", "n_trn")


def describe() -> list[tuple[str, Any, str, str]]:
    """(name, default, unit, description) of every parameter."""
    return _describe(IzhikevichStpParams)


# "wake" is "default" under the name studies use for the awake state (the model has no
# neuromodulatory mechanism); "propofol" is the analogy with the drug's GABA_A action as
# Soplata et al. (2023) model it: inhibitory conductance and decay time constant each x3.
CONDITIONS: dict[str, dict[str, Any]] = {
    "default": {},
    "wake": {},
    "propofol": {"gabaa_cond_mult": 3.0, "gabaa_tau_mult": 3.0},
    "alpha": {"n_tc": 20, "n_trn": 20},
}


def condition(name: str = "default", **overrides: Any) -> IzhikevichStpParams:
    """A named parameter set, optionally with parameters overridden by name.

    Parameters
    ----------
    name : str
        ``"default"``, ``"wake"`` (the same), ``"propofol"`` (inhibition x3 in weight
        and decay time constant) or ``"alpha"`` (the default column with a thalamic pair of
        20 TC and 20 TRN cells).
    **overrides
        Any parameter of :class:`IzhikevichStpParams` (see :func:`describe`), as a float in
        the documented unit or a Brian2 quantity.
    """
    base = lookup(MODEL, CONDITIONS, name)
    return IzhikevichStpParams(**{**base, **coerce(MODEL, IzhikevichStpParams, overrides)})
