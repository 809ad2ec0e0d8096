"""Equations of the conductance-based LIF E/I column, as Brian2 strings.

Membrane (Vogels & Abbott 2005; Brunel 2000 for the E/I network)::

    C_m dv/dt = g_L (E_L - v) + g_e (E_exc - v) + g_i (E_inh - v) + I_app [+ noise]
    v >= V_th  ->  spike, v = V_reset, clamped for t_ref

Synapses, two variables per receptor type with one time constant (alpha function)::

    dx/dt = -x / tau_syn            a presynaptic spike adds e * w to x
    dg/dt = (x - g) / tau_syn       so g(t) = w (t/tau) exp(1 - t/tau) peaks at w after tau

Noise (optional): ``sigma sqrt(2/tau_m) xi`` gives the free membrane a voltage s.d. of
``sigma``; it is left out of the equations when no column uses it, so that noise-free
networks draw no Gaussian numbers.
"""

from __future__ import annotations

import math

from .._common import POISSON_EQUATIONS, poisson_drive

#: factor that makes an alpha-function conductance peak at the synaptic weight
E_ALPHA = math.e

_NEURON = """
dv/dt = (g_leak*(e_leak - v) + g_e*(e_exc - v) + g_i*(e_inh - v) + i_app)/c_m{noise} : volt (unless refractory)
dg_e/dt = (x_e - g_e)/tau_e : siemens
dx_e/dt = -x_e/tau_e : siemens
dg_i/dt = (x_i - g_i)/tau_i : siemens
dx_i/dt = -x_i/tau_i : siemens
i_exc = g_e*(e_exc - v) : amp
i_inh = g_i*(e_inh - v) : amp
j_ampa = i_exc/area : amp/meter**2
c_m : farad (constant)
g_leak : siemens (constant)
e_leak : volt (constant)
v_th : volt (constant)
v_reset : volt (constant)
t_ref : second (constant)
i_app : amp (constant)
e_exc : volt (constant)
e_inh : volt (constant)
tau_e : second (constant)
tau_i : second (constant)
area : meter**2 (constant)
w_e : siemens (constant)
w_i : siemens (constant)
w_x : siemens (constant)
region : integer (constant)
cell : integer (constant)
"""
_NOISE = " + sigma*sqrt(2*g_leak/c_m)*xi"

#: spike of an excitatory / inhibitory presynaptic cell: weights are per receiving cell and
#: already include E_ALPHA (w_e = e * w_ee on E cells, e * w_ei on I cells)
ON_PRE_EXC = "x_e_post += w_e_post"
ON_PRE_INH = "x_i_post += w_i_post"
#: each cell's independent Poisson drive, coincident events kept (rate*dt is ~0.1 at
#: dt = 0.1 ms and 1 kHz, where one Bernoulli draw per step would lose ~5% of them)
POISSON = poisson_drive("x_e", "w_x")


def neuron(noise: bool) -> str:
    """Equations of every LIF cell (E and I differ only in their constants)."""
    text = _NEURON.format(noise=_NOISE if noise else "") + POISSON_EQUATIONS
    if noise:
        text += "sigma : volt (constant)\n"
    return text
