"""Equations of the Izhikevich/STP column, as Brian2 strings.

Cell (Izhikevich 2003), in mV and ms with dimensionless coefficients; only the explicit
``/ms`` and ``mV`` factors carry units, so nothing is multiplied by an area conductance
(mixing mS/cm^2 into this equation is what makes such ports overflow)::

    dv/dt = 0.04 v^2 + 5 v + 140 - u + I_syn + I_app        [mV/ms]
    du/dt = a (b v - u)
    v >= v_peak  ->  v = c, u = u + d

``I_syn = g_e (E_exc - v) + g_i (E_inh - v)`` with dimensionless, exponentially decaying
``g``. The current density of the EEG proxy is ``C_m g_e (E_exc - v) / ms``
(1 mV/ms -> 1 uA/cm^2 at C_m = 1 uF/cm^2).

Short-term plasticity (Tsodyks & Markram 1997; Markram et al. 1998), per synapse and
event-driven: Brian2 integrates the ``(event-driven)`` equations analytically from the last
spike to this one before the ``on_pre`` statements run (as in its STP examples).
"""

from __future__ import annotations

from .._common import POISSON_EQUATIONS, poisson_drive

NEURON = (
    POISSON_EQUATIONS
    + """
dv/dt = (0.04*v**2/mV + 5*v + 140*mV - u + i_syn + i_app)/ms : volt
du/dt = a*(b*v - u)/ms : volt
dg_e/dt = -g_e/tau_e : 1
dg_i/dt = -g_i/tau_i : 1
i_syn = g_e*(e_exc - v) + g_i*(e_inh - v) : volt
j_ampa = c_m*g_e*(e_exc - v)/ms : amp/meter**2
a : 1 (constant)
b : 1 (constant)
c : volt (constant)
d : volt (constant)
v_peak : volt (constant)
i_app : volt (constant)
e_exc : volt (constant)
e_inh : volt (constant)
tau_e : second (constant)
tau_i : second (constant)
c_m : farad/meter**2 (constant)
w_x : 1 (constant)
region : integer (constant)
cell : integer (constant)
"""
)
THRESHOLD = "v >= v_peak"
RESET = "v = c\nu += d"

#: one Tsodyks-Markram synapse; ``release`` keeps the last spike's u x for inspection
STP_SYNAPSE = """
w : 1 (constant)
U : 1 (constant)
tau_d : second (constant)
tau_f : second (constant)
du_syn/dt = -u_syn/tau_f : 1 (event-driven)
dx_syn/dt = (1 - x_syn)/tau_d : 1 (event-driven)
release : 1
"""
_STP_ON_PRE = """
u_syn += U*(1 - u_syn)
release = u_syn*x_syn
x_syn -= release
{target}_post += w*release
"""

#: each cell's independent Poisson drive (coincident events kept)
POISSON = poisson_drive("g_e", "w_x")


def stp_on_pre(target: str) -> str:
    """The presynaptic-spike statements of a Tsodyks-Markram synapse onto conductance
    ``target`` (``"g_e"`` or ``"g_i"``)."""
    return _STP_ON_PRE.format(target=target)
