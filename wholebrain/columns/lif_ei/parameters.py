"""Parameters and named conditions of the conductance-based LIF E/I column.

The cell is the conductance-based leaky integrate-and-fire neuron of Vogels & Abbott (2005),
J Neurosci 25(46):10786, used in the Brette et al. (2007) COBA benchmark: membrane area
20,000 um^2, C_m = 200 pF (1 uF/cm^2), g_L = 10 nS (0.05 mS/cm^2, tau_m = 20 ms),
E_L = V_reset = -60 mV, V_th = -50 mV, 5 ms refractory period, E_exc = 0 mV,
E_inh = -80 mV. The 80/20 E/I split, sparse random local connectivity and independent
Poisson drive follow Brunel (2000), J Comput Neurosci 8:183. Synapses have the
two-variable (alpha-function) kinetics of the teaching literature (e.g. Dayan & Abbott 2001,
ch. 5): a rise variable ``x`` decays with ``tau_syn`` and drives the conductance ``g``, which
relaxes to ``x`` with the same ``tau_syn``; a spike adds ``e * w`` to ``x`` so that the
conductance peaks at ``w`` after ``tau_syn``.

Units are absolute (nS, pF, pA, mV, ms, Hz). The recurrent weights and the Poisson drive
are this project's choice, set so that one 100-cell column of the ``default`` condition fires
asynchronously at a few Hz (E) and ~10-20 Hz (I); they are not from a paper.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from .._common import coerce, lookup, param, validate
from .._common import describe as _describe

MODEL = "lif_ei"


@dataclass(frozen=True)
class LifEiParams:
    """One LIF E/I column's parameters (frozen; derive variants with :meth:`replace`).

    Connection names read pre -> post: ``p_ei`` is the E->I connection probability.
    """

    # --- structure (must be equal in every column of a network) ----------------------
    n_exc: int = param(80, "1", "excitatory cells per column (population 'PY')", "int>=1")
    n_inh: int = param(20, "1", "inhibitory cells per column (population 'IN')", "int>=0")
    delay_ms: float = param(1.0, "ms", "local synaptic delay, the same for all synapses")
    # --- cell (Vogels & Abbott 2005) ----------------------------------------------------
    area_um2: float = param(20000.0, "um**2", "membrane area (turns currents into densities)", ">0")
    c_m_pf: float = param(200.0, "pF", "membrane capacitance (1 uF/cm^2 x area)", ">0")
    g_leak_ns: float = param(10.0, "nS", "leak conductance (tau_m = C_m/g_L = 20 ms)", ">0")
    e_leak_mv: float = param(-60.0, "mV", "leak reversal (resting) potential", "any")
    v_th_mv: float = param(-50.0, "mV", "spike threshold", "any")
    v_reset_mv: float = param(-60.0, "mV", "reset potential", "any")
    t_ref_ms: float = param(5.0, "ms", "absolute refractory period (v clamped at reset)")
    i_app_pa: float = param(0.0, "pA", "constant applied current, every cell", "any")
    noise_mv: float = param(0.0, "mV", "s.d. of the free membrane's white-noise fluctuation")
    # --- synapses -------------------------------------------------------------------
    e_exc_mv: float = param(0.0, "mV", "excitatory (AMPA-like) reversal potential", "any")
    e_inh_mv: float = param(-80.0, "mV", "inhibitory (GABA_A-like) reversal potential", "any")
    tau_exc_ms: float = param(2.0, "ms", "excitatory rise = decay time constant", ">0")
    tau_inh_ms: float = param(5.0, "ms", "inhibitory rise = decay time constant", ">0")
    p_ee: float = param(0.2, "1", "E->E connection probability (no autapses)", "prob")
    p_ei: float = param(0.2, "1", "E->I connection probability", "prob")
    p_ie: float = param(0.2, "1", "I->E connection probability", "prob")
    p_ii: float = param(0.2, "1", "I->I connection probability (no autapses)", "prob")
    w_ee_ns: float = param(0.5, "nS", "E->E peak conductance")
    w_ei_ns: float = param(1.5, "nS", "E->I peak conductance")
    w_ie_ns: float = param(4.0, "nS", "I->E peak conductance")
    w_ii_ns: float = param(4.0, "nS", "I->I peak conductance")
    # --- external Poisson drive (independent train per cell, excitatory synapse) --------
    ext_rate_exc_hz: float = param(800.0, "Hz", "Poisson rate onto each E cell (all inputs)")
    ext_rate_inh_hz: float = param(800.0, "Hz", "Poisson rate onto each I cell (all inputs)")
    w_ext_ns: float = param(0.6, "nS", "peak conductance of one external input")
    # --- propofol analogy (Soplata et al. 2023 scale GABA_A conductance and decay by 3) --
    gabaa_cond_mult: float = param(1.0, "1", "inhibitory conductance multiplier (propofol 3)")
    gabaa_tau_mult: float = param(
        1.0, "1", "inhibitory time-constant multiplier (propofol 3)", ">0"
    )

    def __post_init__(self) -> None:
        validate(self)
        if self.v_reset_mv >= self.v_th_mv:
            raise ValueError(
                f"parameter v_reset_mv must be below v_th_mv ({self.v_th_mv}), "
                f"got {self.v_reset_mv}"
            )
        object.__setattr__(self, "n_exc", int(self.n_exc))
        object.__setattr__(self, "n_inh", int(self.n_inh))

    @property
    def sizes(self) -> dict[str, int]:
        """Cells per population in one column. 'PY' is the excitatory population and 'IN'
        the inhibitory one: the names :class:`wholebrain.BrainModel` couples by default."""
        return {"PY": self.n_exc, "IN": self.n_inh}

    # Read by wholebrain.simulate to key the C++ project folder by network structure.
    @property
    def scale(self) -> float:
        return self.n_exc / 80

    @property
    def thalamus(self) -> bool:
        return False

    @property
    def depression(self) -> str:
        return "none"

    @property
    def connectivity(self) -> str:
        return "bernoulli"

    def replace(self, **overrides: Any) -> LifEiParams:
        """A copy with parameters overridden by name (floats in documented units or Brian2
        quantities); unknown names raise a ``ValueError`` suggesting close ones."""
        return dataclasses.replace(self, **coerce(MODEL, LifEiParams, overrides))

    def as_dict(self) -> dict[str, Any]:
        """Plain ``{name: value}`` of every parameter (for provenance)."""
        return dataclasses.asdict(self)


#: parameters that change the Brian2 objects and must agree in every column
STRUCTURAL = ("n_exc", "n_inh", "delay_ms")


def describe() -> list[tuple[str, Any, str, str]]:
    """(name, default, unit, description) of every parameter."""
    return _describe(LifEiParams)


# Named conditions. "wake" is "default" under the name the studies use for the awake state:
# the model has no neuromodulatory mechanism to change. "propofol" is an analogy with the
# drug's main synaptic action as Soplata et al. (2023) model it: GABA_A conductance and
# decay time constant each x3 (larger and slower IPSCs), everything else unchanged.
CONDITIONS: dict[str, dict[str, Any]] = {
    "default": {},
    "wake": {},
    "propofol": {"gabaa_cond_mult": 3.0, "gabaa_tau_mult": 3.0},
}


def condition(name: str = "default", **overrides: Any) -> LifEiParams:
    """A named parameter set, optionally with parameters overridden by name.

    Parameters
    ----------
    name : str
        ``"default"`` (asynchronous irregular column), ``"wake"`` (the same) or
        ``"propofol"`` (inhibition x3 in conductance and time constant).
    **overrides
        Any parameter of :class:`LifEiParams` (see :func:`describe`), as a float in the
        documented unit or a Brian2 quantity.
    """
    base = lookup(MODEL, CONDITIONS, name)
    return LifEiParams(**{**base, **coerce(MODEL, LifEiParams, overrides)})
