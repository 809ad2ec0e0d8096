"""High-threshold bursting thalamocortical (HTC) cells: the awake posterior alpha generator.

Awake, eyes-closed occipital alpha is generated in the visual thalamus (LGN, pulvinar) by a
subset of thalamocortical cells that burst at the alpha frequency at *depolarized*
potentials (about -56 mV), through a high-threshold T-type Ca current, and that are kept in
phase by gap junctions (Hughes et al. 2004, Neuron 42:253; Lőrincz et al. 2009, Neuron
63:683). Vijayan & Kopell (2012, PNAS 109:18553) modelled these cells; Vijayan et al. (2013,
J Neurosci 33:11070) showed that propofol, by hyperpolarising them, removes the posterior
alpha while the frontal thalamus of Ching et al. (2010) makes the frontal one.

The cell here is the HTC cell of Li, Henriquez & Fröhlich (2017, PLoS Comput Biol
13:e1005797, S1/S2 Tables), a descendant of those models with every current tabulated:

* leak 0.01 mS/cm^2 at -70 mV and K-leak ``g_kleak_htc`` at -90 mV, the acetylcholine
  axis. Its ends are the source model's own: 0 in Li et al.'s alpha state (high ACh, the
  ``wake`` condition) and 0.035 in their delta state (low ACh, the ``propofol`` condition),
  so one ``propofol_level`` moves it with the TC cells' ``g_kleak_tc`` (0.001 -> 0.0172,
  the Soplata runs'). The TC cells' 0.0172 lies between Li et al.'s spindle (0.01) and
  delta states: with it, the column's excitation kept the HTC cells bursting under propofol;
* Na and delayed-rectifier K of Bazhenov et al. (2002), shifted by -30 mV, the K gate
  slowed by 0.25;
* Ih of Huguenard & McCormick (1992) (0.01 mS/cm^2, -43 mV);
* low-threshold T (Huguenard & McCormick 1992, shift -3 mV, 2.1 mS/cm^2) and the
  high-threshold T, the same kinetics shifted by +25 mV (3.0 mS/cm^2); Q10 factors at 36 C
  (3.55^1.2 = 4.57 for activation, 3^1.2 = 3.74 for inactivation);
* L-type Ca (Inoue & Strowbridge 2008, 0.5), Ca-activated non-selective cation current
  (0.5, +10 mV) and the Ca-activated K AHP of Destexhe et al. (1994) (0.3, -90 mV, n = 2,
  alpha = 48 /ms/mM^2, beta = 0.09 /ms);
* a submembrane Ca pool 0.5 um deep, 10-ms removal to 50 nM, Nernst reversal against
  2 mM outside (the T-, HT- and L-type currents fill it);
* gap junctions between the HTC cells of a column, ``I = (g_gap_htc/N) * sum_j (v_j - v)``
  over its N cells: ``g_gap_htc`` is one cell's summed coupling conductance. Li et al.
  coupled each HTC cell to about 3.6 others with 10 nS on 2.9e-4 cm^2, i.e. 0.12 mS/cm^2.

Differences from the sources, chosen and stated: the cells' outgoing synapses reuse the
column's thalamic AMPA gate (Soplata's AS17 kinetics, as the column's TC cells), their
inputs are the column's PYso->TC AMPA and TRN->TC GABA_A gates, and their Poisson drive is
the column's 40-Hz, 2-ms train with its own conductance ``g_ext_htc``. Propofol acts on
them through the K-leak and the TRN GABA_A synapses of the column; the Ih reduction of
Vijayan et al. (2013) is not applied, because at -55 mV this Ih carries under 0.01
uA/cm^2 (its activation there is 0.03) and cannot silence the cell.

Everything is in the column's conventions (:mod:`.equations`): inward-positive currents,
rates with the voltage in mV, per-cell constants.
"""

from __future__ import annotations

from . import gates

_CM = "1*uF/cm**2"
_FARADAY = 96489.0
#: Ca pool depth (um): influx in mM/ms per uA/cm^2 of inward Ca current is 10/(2 F d)
_SHELL_UM = 0.5


def cell(n_cells: int, step_averaged: bool = False) -> str:
    """Equations of the HTC cells of a column of ``n_cells`` HTC cells.

    The gap-junction sum ``X_gap_htc`` holds every cell's potential at the start of the
    step. Under the fast scheme (``step_averaged``) the cell's own term is taken out of it
    with ``v_prev``, the same start-of-step value, so that within the step's substeps a cell
    is coupled to the others only, not to its own earlier potential.
    """
    if step_averaged:
        gap = f"X_gap_htc - v_prev/mV - {n_cells - 1}*V"
    else:
        gap = f"X_gap_htc - {n_cells}*V"
    nernst = 1000 * 8.31441 * (273.15 + 36) / (2 * _FARADAY)
    influx = 10 / (2 * _FARADAY * _SHELL_UM)
    return (
        f"""
dv/dt = (I_leak + I_kleak + I_na + I_dr + I_h + I_t + I_ht + I_l + I_ahp + I_can + I_ext + I_syn + I_gap)/({_CM}) : volt
V = v/mV : 1
region : integer (constant)
cell : integer (constant)
I_leak = -g_leak_htc*(v + 70*mV) : amp/meter**2
I_kleak = -g_kleak_htc*(v + 90*mV) : amp/meter**2
# Na and K of Bazhenov et al. (2002), V_sh = -30 mV, K slowed by phi = 0.25
I_na = -g_na_htc*m_na**3*h_na*(v - 50*mV) : amp/meter**2
dm_na/dt = (1.28/exprel(-(V + 17)/4)*(1 - m_na) - 1.4/exprel((V - 10)/5)*m_na)/ms : 1
dh_na/dt = (0.128*exp(-(V + 13)/18)*(1 - h_na) - 4/(1 + exp(-(V - 10)/5))*h_na)/ms : 1
I_dr = -g_dr_htc*n_k**4*(v + 90*mV) : amp/meter**2
dn_k/dt = 0.25*(0.16/exprel(-(V + 15)/5)*(1 - n_k) - 0.5*exp(-(V + 20)/40)*n_k)/ms : 1
# Ih (Huguenard & McCormick 1992)
I_h = -g_h_htc*m_h*(v + 43*mV) : amp/meter**2
dm_h/dt = (1/(1 + exp((V + 75)/5.5)) - m_h)*(exp(-0.086*V - 14.59) + exp(0.0701*V - 1.87))/ms : 1
# Ca currents and pool
E_ca = {nernst!r}*log(2/ca_htc)*mV : volt
I_t = -g_cat_htc*p_t**2*q_t*(v - E_ca) : amp/meter**2
dp_t/dt = 4.57*(1/(1 + exp(-(V + 62)/6.2)) - p_t)/(0.612 + 1/(exp(-(V + 135)/16.7) + exp((V + 19.8)/18.2)))/ms : 1
dq_t/dt = 3.74*(1/(1 + exp((V + 86)/4)) - q_t)/(int(V >= -83)*(exp(-(V + 25)/10.5) + 28) + int(V < -83)*exp((V + 470)/66.6))/ms : 1
I_ht = -g_caht_htc*p_ht**2*q_ht*(v - E_ca) : amp/meter**2
dp_ht/dt = 4.57*(1/(1 + exp(-(V + 34)/6.2)) - p_ht)/(0.612 + 1/(exp(-(V + 107)/16.7) + exp((V - 8.2)/18.2)))/ms : 1
dq_ht/dt = 3.74*(1/(1 + exp((V + 58)/4)) - q_ht)/(int(V >= -55)*(exp(-(V - 3)/10.5) + 28) + int(V < -55)*exp((V + 442)/66.6))/ms : 1
I_l = -g_cal_htc*p_l**2*q_l*(v - E_ca) : amp/meter**2
dp_l/dt = 4.57*(1/(1 + exp(-(V + 10)/4)) - p_l)/(0.4 + 0.7/(exp(-(V + 5)/15) + exp((V + 5)/15)))/ms : 1
dq_l/dt = 3.74*(1/(1 + exp((V + 25)/2)) - q_l)/(300 + 100/(exp((V + 40)/9.5) + exp(-(V + 40)/9.5)))/ms : 1
dca_htc/dt = clip({influx!r}*(I_t + I_ht + I_l)/(uA/cm**2), 0, inf)/ms + (0.00005 - ca_htc)/(10*ms) : 1
I_ahp = -g_ahp_htc*p_a**2*(v + 90*mV) : amp/meter**2
dp_a/dt = (48*ca_htc**2 - (48*ca_htc**2 + 0.09)*p_a)/ms : 1
I_can = -g_can_htc*ca_htc/(ca_htc + 0.2)*p_n*(v - 10*mV) : amp/meter**2
dp_n/dt = (1/(1 + exp(-(V + 43)/5.2)) - p_n)/(1.6 + 2.7/(exp(-(V + 55)/15) + exp((V + 55)/15)))/ms : 1
# inputs: the column's Poisson train, PYso AMPA, TRN GABA_A, and the gap junctions
I_ext = -g_ext*s_ext*v : amp/meter**2
ds_ext/dt = -s_ext/tau_ext : 1
I_syn = -w_gabaa_trn_htc*X_gabaa_trn_htc*(v + 80*mV) - w_ampa_py_htc*X_ampa_py_htc*(v - 1*mV) + I_lr : amp/meter**2
I_gap = w_gap_htc*({gap})*mV : amp/meter**2
"""
        + gates.ode_lines("HTC", "V", step_averaged)
        + "".join(
            f"{name} : siemens/meter**2 (constant)\n"
            for name in (
                "g_leak_htc g_kleak_htc g_na_htc g_dr_htc g_h_htc g_cat_htc g_caht_htc "
                "g_cal_htc g_ahp_htc g_can_htc g_ext w_gabaa_trn_htc w_ampa_py_htc w_gap_htc"
            ).split()
        )
        + "tau_ext : second (constant)\nrate_ext : Hz (constant)\n"
    )
