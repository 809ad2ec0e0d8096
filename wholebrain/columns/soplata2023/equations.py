"""Brian2 equations of the Soplata 2023 cells, one block per mechanism file.

Conventions, as in the DynaSim mechanism files:

* every current is written inward-positive (``I = -g*(v - E)``) and added to ``dv/dt*Cm``;
* rate functions take the voltage in mV (``V = v/mV``) and return 1/ms;
* removable singularities ``a*(V+b)/(1 - exp(-(V+b)/c))`` are written with Brian2's
  ``exprel`` (``a*c/exprel(-(V+b)/c)``), the same function without the 0/0 at ``V = -b``;
* synaptic gating variables (s, x, res) live in the *presynaptic* group, one per cell and
  mechanism (DynaSim keeps them as 1 x N_pre vectors); the postsynaptic current reads the
  weighted sum ``X_<projection>`` over its inputs, provided by the builder;
* every condition-dependent parameter is a per-cell ``(constant)`` so that one compiled
  network serves all conditions, doses and per-region maps.

Sources: ModelDB 2015422 ``dynasim-extended-benita-model/models`` (2023 versions).
"""

from __future__ import annotations

from . import gates

CM = "1*uF/cm**2"


def _depressing(name: str, per_spike: bool) -> str:
    """Short-term depression variable ``res_<name>`` (deprFactor, tauRes of the mech files).

    With ``dep`` = 1 on the steps DynaSim's spike window is open, forward Euler of this ODE
    is exactly ``res <- depr_factor*res``; otherwise recovery ``res += dt*(1-res)/tau_res``.
    """
    if per_spike:
        return f"dres_{name}/dt = (1 - res_{name})/tau_res : 1\n"
    return (
        f"dres_{name}/dt = (1 - res_{name})/tau_res + dep*(-(1 - res_{name})/tau_res"
        f" + (depr_factor*res_{name} - res_{name})/dt) : 1\n"
    )


def _depressed(name: str, per_spike: bool) -> str:
    """A depressing cortical synapse (AMPA, GABA_A): res and the gate it scales."""
    return _depressing(name, per_spike) + f"G_{name} = res_{name}*s_{name} : 1\n"


def _cortical_nmda(name: str, per_spike: bool) -> str:
    """NMDA: the second-order gate s, driven by the sigmoid-driven x (:mod:`.gates`)."""
    second_order = f"ds_{name}/dt = 0.5*x_{name}*(1 - s_{name})/ms - s_{name}/(100*ms) : 1\n"
    return second_order + _depressed(name, per_spike)


def _depression_clock(per_spike: bool) -> str:
    """Per-cell spike window of DynaSim: open while ``t - tspike <= 2*dt``.

    Open on the step after each trigger (``t - tspike = dt``), and at ``2*dt`` when DynaSim's
    floating-point test of that trigger step is true (``tspike_tie``, :mod:`.depression`).
    """
    if per_spike:
        return ""
    return (
        "dep = int(t - tspike < 1.5*dt) + int(abs(t - tspike - 2*dt) < 0.5*dt)*tspike_tie : 1\n"
        "tspike : second\ntspike_tie : 1\nv_stored : volt\n"
    )


def pyramidal(per_spike: bool, step_averaged: bool = False) -> str:
    """PYso + PYdr of one pyramidal cell in one group (exact Euler ordering, KNa pool)."""
    return (
        f"""
dv_so/dt = (I_leak_so + I_na_so + I_k_so + I_a + I_ks + I_kna + I_com_so + I_syn_so)/({CM}) : volt
dv_dr/dt = (I_leak_dr + I_nap + I_ar + I_hva + I_kca + I_com_dr + I_ext + I_stim + I_syn_dr)/({CM}) : volt
Vs = v_so/mV : 1
Vd = v_dr/mV : 1
region : integer (constant)
cell : integer (constant)
# iLeak_PYso_JB12
I_leak_so = -g_leak_so*(v_so + 60.95*mV) : amp/meter**2
# iNa_PYso_JB12 (instantaneous m, phi = 4)
minf_na_so = 1/(1 + 4*exp(-(Vs + 53.7)/12)*exprel(-(Vs + 33)/10)) : 1
alpha_h_so = 0.07*exp(-(Vs + 50)/10) : 1
beta_h_so = 1/(1 + exp(-(Vs + 20)/10)) : 1
I_na_so = -g_na_so*minf_na_so**3*h_na*(v_so - 55*mV) : amp/meter**2
dh_na/dt = 4*(alpha_h_so*(1 - h_na) - beta_h_so*h_na)/ms : 1
# iK_PYso_JB12
I_k_so = -g_k_so*n_k**4*(v_so + 100*mV) : amp/meter**2
dn_k/dt = 4*(0.1/exprel(-(Vs + 34)/10)*(1 - n_k) - 0.125*exp(-(Vs + 44)/25)*n_k)/ms : 1
# iA_PYso_JB12
I_a = -g_a*(1/(1 + exp(-(Vs + 50)/20)))**3*h_a*(v_so + 100*mV) : amp/meter**2
dh_a/dt = (1/(1 + exp((Vs + 80)/6)) - h_a)/(15*ms) : 1
# iKS_PYso_JB12
I_ks = -g_ks*m_ks**3*(v_so + 100*mV) : amp/meter**2
dm_ks/dt = (1/(1 + exp(-(Vs + 34)/6.5)) - m_ks)*(exp(-(Vs + 55)/30) + exp((Vs + 55)/30))/(8*ms) : 1
# iNaCurrs_PYso_PYdr_JB12: KNa with its own Na pool and its own copy h_loc of h
I_kna = -g_kna*0.37/(1 + (38.7/na_conc)**3.5)*(v_so + 100*mV) : amp/meter**2
dh_loc/dt = 4*(alpha_h_so*(1 - h_loc) - beta_h_so*h_loc)/ms : 1
ina_loc = 50*minf_na_so**3*h_loc*(Vs - 55) : 1
inap_loc = 0.0686*(1/(1 + exp(-(Vd + 55.7)/7.7)))**3*(Vd - 55) : 1
dna_conc/dt = (-10*(0.00015*ina_loc + 0.00035*inap_loc) - 0.018*(na_conc**3/(na_conc**3 + 3375) - {9.5**3 / (9.5**3 + 15**3)!r}))/ms : 1
# iCOM (fixed axial conductance, optionally varied per cell)
I_com_so = g_com_so*(v_dr - v_so) : amp/meter**2
I_com_dr = g_com_dr*(v_so - v_dr) : amp/meter**2
# iLeak_PYdr_JB12
I_leak_dr = -g_leak_dr*(v_dr + 60.95*mV) : amp/meter**2
# iNaP_PYdr_JB12
I_nap = -g_nap*(1/(1 + exp(-(Vd + 55.7)/7.7)))**3*(v_dr - 55*mV) : amp/meter**2
# iAR_PYdr_JB12
I_ar = -g_ar/(1 + exp((Vd + 75)/4))*(v_dr + 100*mV) : amp/meter**2
# iHVA_PYdr_JB12
I_hva = -g_hva*(1/(1 + exp(-(Vd + 20)/9)))**2*(v_dr - 120*mV) : amp/meter**2
# iKCa_PYdr_JB12 and CaBuffer_PYdr_JB12 (ca_dr in uM; 5 uM/(uA ms) * 3.5e-4 cm^2)
I_kca = -g_kca*ca_dr/(ca_dr + 30)*(v_dr + 100*mV) : amp/meter**2
dca_dr/dt = 0.00175*I_hva/(uA/cm**2)/ms - ca_dr/(150*ms) : 1
# iPoisson_AS22 (s_ext += 1 per event, decay tau_ext)
I_ext = -g_ext*s_ext*v_dr : amp/meter**2
ds_ext/dt = -s_ext/tau_ext : 1
# iAppliedStimBipAS22 (strict inequalities, as DynaSim)
I_stim = stim_amp*stim_dist*int(t > stim_onset and t < stim_offset) : amp/meter**2
# synaptic currents into this cell
I_syn_so = -w_gabaa_in_py*X_gabaa_in_py*(v_so + 70*mV) : amp/meter**2
I_ampa_py_dr = -w_ampa_py_dr*X_ampa_py_dr*v_dr : amp/meter**2
I_ampa_tc_dr = -(w_ampa_tc_dr*X_ampa_tc_dr + w_ampa_htc_dr*X_ampa_htc_dr)*(v_dr - 1*mV) : amp/meter**2
I_syn_dr = I_ampa_py_dr - w_nmda_py_dr*X_nmda_py_dr*v_dr + I_ampa_tc_dr + I_lr : amp/meter**2
# presynaptic gating of PYso's outgoing synapses (driven by v_so)
"""
        + gates.ode_lines("PY", "Vs", step_averaged)
        + _depressed("ampa_py_dr", per_spike)
        + _cortical_nmda("nmda_py_dr", per_spike)
        + _depressed("ampa_py_in", per_spike)
        + _cortical_nmda("nmda_py_in", per_spike)
        + _depression_clock(per_spike)
        + "v_dr_prev : volt\neeg_py_cell : amp/meter**2\neeg_tc_cell : amp/meter**2\n"
        + "eeg_lr_cell : amp/meter**2\neeg_gabaa_cell : amp/meter**2\n"
        + _params(
            "g_leak_so g_na_so g_k_so g_a g_ks g_kna g_com_so g_com_dr g_leak_dr g_nap g_ar "
            "g_hva g_kca g_ext w_gabaa_in_py w_ampa_py_dr w_nmda_py_dr w_ampa_tc_dr w_ampa_htc_dr",
            "siemens/meter**2",
        )
        + _params("stim_amp", "amp/meter**2")
        + _params("stim_onset stim_offset tau_res tau_ext", "second")
        + _params("rate_ext", "Hz")
        + _params("stim_dist depr_factor", "1")
    )


def interneuron(per_spike: bool, step_averaged: bool = False) -> str:
    """Fast-spiking IN (Wang-Buzsaki rates with phi = 5 built in)."""
    return (
        f"""
dv/dt = (I_leak + I_na + I_k + I_syn)/({CM}) : volt
V = v/mV : 1
region : integer (constant)
cell : integer (constant)
I_leak = -g_leak_in*(v + 63.8*mV) : amp/meter**2
minf_na = 1/(1 + 4*exp(-(V + 60)/18)*exprel(-(V + 35)/10)) : 1
I_na = -g_na_in*minf_na**3*h_na*(v - 55*mV) : amp/meter**2
dh_na/dt = (0.35*exp(-(V + 58)/20)*(1 - h_na) - 5/(1 + exp(-(V + 28)/10))*h_na)/ms : 1
I_k = -g_k_in*n_k**4*(v + 90*mV) : amp/meter**2
dn_k/dt = (0.5/exprel(-(V + 34)/10)*(1 - n_k) - 0.625*exp(-(V + 44)/80)*n_k)/ms : 1
I_syn = -(w_ampa_py_in*X_ampa_py_in + w_nmda_py_in*X_nmda_py_in)*v - w_gabaa_in_in*X_gabaa_in_in*(v + 70*mV) - (w_ampa_tc_in*X_ampa_tc_in + w_ampa_htc_in*X_ampa_htc_in)*(v - 1*mV) + I_lr : amp/meter**2
"""
        + gates.ode_lines("IN", "V", step_averaged)
        + _depressed("gabaa_in_py", per_spike)
        + _depressed("gabaa_in_in", per_spike)
        + _depression_clock(per_spike)
        + _params(
            "g_leak_in g_na_in g_k_in w_ampa_py_in w_nmda_py_in w_gabaa_in_in w_ampa_tc_in "
            "w_ampa_htc_in",
            "siemens/meter**2",
        )
        + _params("tau_res", "second")
        + _params("depr_factor gabaa_tau_mult", "1")
    )


def _traub(V: str, shift: float, k_shift: float) -> str:
    """Traub-type Na/K rates of the AS17 files with u = V - vShift (Na) and V - vShift (K)."""
    u = f"({V} + {shift:g})"
    uk = f"({V} + {k_shift:g})"
    return f"""
dm_na/dt = (1.28/exprel((13 - {u})/4)*(1 - m_na) - 1.4/exprel(({u} - 40)/5)*m_na)/ms : 1
dh_na/dt = (0.128*exp((17 - {u})/18)*(1 - h_na) - 4/(exp((40 - {u})/5) + 1)*h_na)/ms : 1
dn_k/dt = (0.16/exprel((15 - {uk})/5)*(1 - n_k) - 0.5*exp((10 - {uk})/40)*n_k)/ms : 1
"""


def thalamocortical(step_averaged: bool = False) -> str:
    """TC relay cell (Soplata 2017 AS17 mechanisms) with Ca-upregulated H current."""
    return (
        f"""
dv/dt = (I_na + I_k + I_leak + I_kleak + I_t + I_h + I_ext + I_syn)/({CM}) : volt
V = v/mV : 1
region : integer (constant)
cell : integer (constant)
I_na = -g_na_tc*m_na**3*h_na*(v - 50*mV) : amp/meter**2
I_k = -g_k_tc*n_k**4*(v + 100*mV) : amp/meter**2
I_leak = -g_leak_tc*(v + 70*mV) : amp/meter**2
I_kleak = -g_kleak_tc*(v + 100*mV) : amp/meter**2
"""
        + _traub("V", 40.0, 25.0)
        + f"""
# iT_TC_AS17 (Nernst E_T; 96846 as written in the file) and CaBuffer_TC_AS17 (mM)
E_t = {1000 * 8.31441 * (273.15 + 36) / (2 * 96846)!r}*log(2/ca)*mV : volt
I_t = -g_t_tc*(1/(1 + exp(-(V + 59)/6.2)))**2*h_t*(v - E_t) : amp/meter**2
dh_t/dt = (1/(1 + exp((V + 83)/4)) - h_t)*3.73/(30.8 + (211.4 + exp((V + 115.2)/5))/(1 + exp((V + 86)/3.2)))/ms : 1
dca/dt = clip({10 / (2 * 96489)!r}*I_t/(uA/cm**2), 0, inf)/ms + (0.00024 - ca)/(5*ms) : 1
# iH_TC_AS17 (Destexhe-type, Ca-dependent up-regulation)
I_h = -g_h*(o_h + 2*o_l)*(v + 40*mV) : amp/meter**2
h_inf = 1/(1 + exp((V + 75)/5.5)) : 1
tau_s = 20 + 1000/(exp((V + 71.5)/14.2) + exp(-(V + 89)/11.6)) : 1
do_h/dt = (h_inf/tau_s*(1 - o_h - o_l) - (1 - h_inf)/tau_s*o_h)/ms : 1
dp_1/dt = 0.0004*((ca/0.002)**4*(1 - p_1) - p_1)/ms : 1
do_l/dt = 0.001*(p_1/0.007*o_h - o_l)/ms : 1
I_ext = -g_ext*s_ext*v : amp/meter**2
ds_ext/dt = -s_ext/tau_ext : 1
I_syn = -w_gabaa_trn_tc*X_gabaa_trn_tc*(v + 80*mV) - w_gabab_trn_tc*X_gabab_trn_tc*(v + 95*mV) - w_ampa_py_tc*X_ampa_py_tc*(v - 1*mV) + I_lr : amp/meter**2
"""
        + gates.ode_lines("TC", "V", step_averaged)
        + _params(
            "g_na_tc g_k_tc g_leak_tc g_kleak_tc g_t_tc g_h g_ext w_gabaa_trn_tc "
            "w_gabab_trn_tc w_ampa_py_tc",
            "siemens/meter**2",
        )
        + _params("tau_ext", "second")
        + _params("rate_ext", "Hz")
    )


def reticular(step_averaged: bool = False) -> str:
    """TRN cell (AS17 mechanisms)."""
    return (
        f"""
dv/dt = (I_na + I_k + I_leak + I_kleak + I_t + I_ext + I_syn)/({CM}) : volt
V = v/mV : 1
region : integer (constant)
cell : integer (constant)
I_na = -g_na_trn*m_na**3*h_na*(v - 50*mV) : amp/meter**2
I_k = -g_k_trn*n_k**4*(v + 100*mV) : amp/meter**2
I_leak = -g_leak_trn*(v + 90*mV) : amp/meter**2
I_kleak = -g_kleak_trn*(v + 95*mV) : amp/meter**2
"""
        + _traub("V", 55.0, 55.0)
        + """
# iT_TRN_AS17
I_t = -g_t_trn*m_t**2*h_t*(v - 120*mV) : amp/meter**2
dm_t/dt = (1/(1 + exp(-(V + 54)/7.4)) - m_t)*6.81/(3 + 1/(exp((V + 29)/10) + exp(-(V + 104)/15)))/ms : 1
dh_t/dt = (1/(1 + exp((V + 82)/5)) - h_t)*3.73/(85 + 1/(exp((V + 50)/4) + exp(-(V + 409)/50)))/ms : 1
I_ext = -g_ext*s_ext*v : amp/meter**2
ds_ext/dt = -s_ext/tau_ext : 1
I_syn = -w_gabaa_trn_trn*X_gabaa_trn_trn*(v + 80*mV) - (w_ampa_tc_trn*X_ampa_tc_trn + w_ampa_htc_trn*X_ampa_htc_trn + w_ampa_py_trn*X_ampa_py_trn)*(v - 1*mV) + I_lr : amp/meter**2
# presynaptic gating of TRN's outgoing synapses (thalamic GABA_A, GABA_B)
dr_gabab/dt = (0.5*2*(1 + tanh(V/4))*(1 - r_gabab) - 0.0012*r_gabab)/ms : 1
ds_gabab/dt = (0.18*r_gabab - 0.034*s_gabab)/ms : 1
G_gabab_trn_tc = s_gabab**4/(s_gabab**4 + 100) : 1
"""
        + gates.ode_lines("TRN", "V", step_averaged)
        + _params(
            "g_na_trn g_k_trn g_leak_trn g_kleak_trn g_t_trn g_ext w_gabaa_trn_trn w_ampa_tc_trn "
            "w_ampa_py_trn w_ampa_htc_trn",
            "siemens/meter**2",
        )
        + _params("tau_ext", "second")
        + _params("rate_ext", "Hz")
        + _params("gabaa_tau_mult", "1")
    )


#: long-range AMPA-like input: reversal 0 mV, decay 2 ms as the cortical AMPA synapses
TAU_LONG_RANGE = "2*ms"


def long_range_input(pop: str, receives: bool) -> str:
    """Equations of the long-range input current ``I_lr`` of a population.

    Receiving populations get a conductance ``g_lr`` that each long-range spike increments by
    its synapse's weight; on pyramidal cells it acts on the dendrite (PYdr), where the
    thalamocortical and corticocortical AMPA synapses of the column are.
    """
    if not receives:
        return "I_lr = 0*amp/meter**2 : amp/meter**2\n"
    v = "v_dr" if pop == "PY" else "v"
    return (
        f"dg_lr/dt = -g_lr/({TAU_LONG_RANGE}) : siemens/meter**2\nI_lr = -g_lr*{v} : amp/meter**2\n"
    )


def _params(names: str, unit: str) -> str:
    return "".join(f"{n} : {unit} (constant)\n" for n in names.split())
