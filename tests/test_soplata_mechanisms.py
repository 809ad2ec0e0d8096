"""Every current and gating rate of the generated Brian2 code equals the model notes' formula.

The network is built at scale 0.2 on the runtime device; each cell is put at a different
fixed voltage, currents are read from Brian2's subexpressions and right-hand sides are
recovered from one forward-Euler step: (x(dt) - x(0))/dt. The reference formulas below are
written from the model notes (shared/docs/soplata2023.md, sections 2 and 4) in their
original, singular form; the voltages avoid the removable singularities.
"""

from __future__ import annotations

import brian2 as b2
import numpy as np
import pytest
from numpy import exp, tanh

from wholebrain.columns.soplata2023 import build_columns, condition

DT = 0.01  # ms
STATE = 0.3  # value every gating variable is set to


@pytest.fixture(scope="module")
def stepped():
    """(before, after) values of every group after one Euler step at fixed voltages."""
    b2.device.reinit()
    b2.device.activate()
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = DT * b2.ms
    net = build_columns(condition("propofol", scale=0.2, g_ext_dr=0, g_ext_tc=0, g_ext_trn=0))
    before, after = {}, {}
    for pop, g in net.groups.items():
        n = g.N
        volts = np.linspace(-91.3, 38.7, n)
        for name in ("v", "v_so", "v_dr"):
            if name in g.variables:
                setattr(g, name, (volts + (0.37 if name == "v_dr" else 0)) * b2.mV)
        for var in g.variables.keys():
            if (
                var.split("_")[0] in ("h", "n", "m", "s", "x", "r", "o", "p")
                and not var.startswith(("s_ext",))
                and not var.endswith("_linked")
            ):
                try:
                    setattr(g, var, STATE)
                except Exception:  # subexpressions / constants
                    pass
        if pop == "PY":
            g.na_conc, g.ca_dr, g.h_loc = 14.0, 2.0, 0.4
        if pop == "TC":
            g.ca = 5e-4
        before[pop] = _snapshot(g)
    b2.Network(net.objects).run(DT * b2.ms)
    for pop, g in net.groups.items():
        after[pop] = _snapshot(g)
    return before, after


def _snapshot(g) -> dict[str, np.ndarray]:
    """Every per-cell state variable and subexpression of a group, as floats."""
    out = {}
    for k in g.variables.keys():
        if k.startswith("_"):
            continue
        try:
            value = np.array(g.state(k, use_units=False)[:], dtype=float)  # a copy, not a view
        except Exception:  # not readable as a per-cell array (clock variables, ...)
            continue
        if value.shape == (g.N,):
            out[k] = value
    return out


def rate(stepped, pop, var):
    before, after = stepped
    return (after[pop][var] - before[pop][var]) / DT, before[pop]


def mv(x):
    return x * 1000.0  # V -> mV


def current(stepped, pop, name):
    """uA/cm^2 from A/m^2."""
    return stepped[0][pop][name] / 0.01


# ---- PYso -------------------------------------------------------------------------
def test_pyso_sodium_potassium_and_kna(stepped):
    b = stepped[0]["PY"]
    V = mv(b["v_so"])
    am = 0.1 * (V + 33) / (1 - exp(-(V + 33) / 10))
    bm = 4 * exp(-(V + 53.7) / 12)
    minf = am / (am + bm)
    np.testing.assert_allclose(
        current(stepped, "PY", "I_na_so"), -50 * minf**3 * STATE * (V - 55), rtol=1e-9
    )
    np.testing.assert_allclose(
        current(stepped, "PY", "I_k_so"), -10.5 * STATE**4 * (V + 100), rtol=1e-9
    )
    w = 0.37 / (1 + (38.7 / 14.0) ** 3.5)
    np.testing.assert_allclose(current(stepped, "PY", "I_kna"), -1.33 * w * (V + 100), rtol=1e-9)
    ma = 1 / (1 + exp(-(V + 50) / 20))
    np.testing.assert_allclose(
        current(stepped, "PY", "I_a"), -1.0 * ma**3 * STATE * (V + 100), rtol=1e-9
    )
    np.testing.assert_allclose(
        current(stepped, "PY", "I_leak_so"), -0.0667 * (V + 60.95), rtol=1e-9
    )

    dh, _ = rate(stepped, "PY", "h_na")
    ah, bh = 0.07 * exp(-(V + 50) / 10), 1 / (1 + exp(-(V + 20) / 10))
    np.testing.assert_allclose(dh, 4 * (ah * (1 - STATE) - bh * STATE), rtol=1e-6, atol=1e-9)
    dhl, _ = rate(stepped, "PY", "h_loc")
    np.testing.assert_allclose(dhl, 4 * (ah * (1 - 0.4) - bh * 0.4), rtol=1e-6, atol=1e-9)
    dn, _ = rate(stepped, "PY", "n_k")
    an = 0.01 * (V + 34) / (1 - exp(-(V + 34) / 10))
    bn = 0.125 * exp(-(V + 44) / 25)
    np.testing.assert_allclose(dn, 4 * (an * (1 - STATE) - bn * STATE), rtol=1e-6, atol=1e-9)
    dha, _ = rate(stepped, "PY", "h_a")
    np.testing.assert_allclose(
        dha, (1 / (1 + exp((V + 80) / 6)) - STATE) / 15, rtol=1e-6, atol=1e-9
    )
    dks, _ = rate(stepped, "PY", "m_ks")
    tau = 8 / (exp(-(V + 55) / 30) + exp((V + 55) / 30))
    np.testing.assert_allclose(
        dks, (1 / (1 + exp(-(V + 34) / 6.5)) - STATE) / tau, rtol=1e-6, atol=1e-9
    )


def test_sodium_pool_of_the_kna_current(stepped):
    b = stepped[0]["PY"]
    Vs, Vd = mv(b["v_so"]), mv(b["v_dr"])
    am = 0.1 * (Vs + 33) / (1 - exp(-(Vs + 33) / 10))
    minf = am / (am + 4 * exp(-(Vs + 53.7) / 12))
    ina = 50 * minf**3 * 0.4 * (Vs - 55)
    inap = 0.0686 * (1 / (1 + exp(-(Vd + 55.7) / 7.7))) ** 3 * (Vd - 55)
    pump = 0.018 * (14.0**3 / (14.0**3 + 15**3) - 9.5**3 / (9.5**3 + 15**3))
    dna, _ = rate(stepped, "PY", "na_conc")
    np.testing.assert_allclose(dna, -0.01 * 1000 * (1.5e-4 * ina + 3.5e-4 * inap) - pump, rtol=1e-6)


def test_pydr_currents_and_calcium(stepped):
    b = stepped[0]["PY"]
    V = mv(b["v_dr"])
    np.testing.assert_allclose(current(stepped, "PY", "I_leak_dr"), -0.005 * (V + 60.95), rtol=1e-9)
    np.testing.assert_allclose(
        current(stepped, "PY", "I_nap"),
        -0.0686 * (1 / (1 + exp(-(V + 55.7) / 7.7))) ** 3 * (V - 55),
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        current(stepped, "PY", "I_ar"), -0.0257 / (1 + exp((V + 75) / 4)) * (V + 100), rtol=1e-9
    )
    ihva = -0.43 * (1 / (1 + exp(-(V + 20) / 9))) ** 2 * (V - 120)
    np.testing.assert_allclose(current(stepped, "PY", "I_hva"), ihva, rtol=1e-9)
    np.testing.assert_allclose(
        current(stepped, "PY", "I_kca"), -0.57 * 2 / 32 * (V + 100), rtol=1e-9
    )
    dca, _ = rate(stepped, "PY", "ca_dr")
    np.testing.assert_allclose(dca, 5 * 3.5e-4 * ihva - 2.0 / 150, rtol=1e-6)
    Vs = mv(b["v_so"])
    np.testing.assert_allclose(current(stepped, "PY", "I_com_dr"), 5.0 * (Vs - V), rtol=1e-9)
    np.testing.assert_allclose(current(stepped, "PY", "I_com_so"), 11.667 * (V - Vs), rtol=1e-9)


def test_interneuron(stepped):
    V = mv(stepped[0]["IN"]["v"])
    am = 0.5 * (V + 35) / (1 - exp(-(V + 35) / 10))
    minf = am / (am + 20 * exp(-(V + 60) / 18))
    np.testing.assert_allclose(
        current(stepped, "IN", "I_na"), -35 * minf**3 * STATE * (V - 55), rtol=1e-9
    )
    dh, _ = rate(stepped, "IN", "h_na")
    ah, bh = 0.35 * exp(-(V + 58) / 20), 5 / (1 + exp(-(V + 28) / 10))
    np.testing.assert_allclose(dh, ah * (1 - STATE) - bh * STATE, rtol=1e-6, atol=1e-9)
    dn, _ = rate(stepped, "IN", "n_k")
    an = 0.05 * (V + 34) / (1 - exp(-(V + 34) / 10))
    np.testing.assert_allclose(
        dn, an * (1 - STATE) - 0.625 * exp(-(V + 44) / 80) * STATE, rtol=1e-6, atol=1e-9
    )


def _traub(V, shift):
    u = V + shift
    am = 0.32 * (13 - u) / (exp((13 - u) / 4) - 1)
    bm = 0.28 * (u - 40) / (exp((u - 40) / 5) - 1)
    ah = 0.128 * exp((17 - u) / 18)
    bh = 4 / (exp((40 - u) / 5) + 1)
    return am, bm, ah, bh


@pytest.mark.parametrize("pop, na_shift, k_shift", [("TC", 40, 25), ("TRN", 55, 55)])
def test_thalamic_sodium_potassium(stepped, pop, na_shift, k_shift):
    V = mv(stepped[0][pop]["v"])
    am, bm, ah, bh = _traub(V, na_shift)
    for var, (a, b) in {"m_na": (am, bm), "h_na": (ah, bh)}.items():
        d, _ = rate(stepped, pop, var)
        np.testing.assert_allclose(d, a * (1 - STATE) - b * STATE, rtol=1e-6, atol=1e-9)
    u = V + k_shift
    an = 0.032 * (15 - u) / (exp((15 - u) / 5) - 1)
    bn = 0.5 * exp((10 - u) / 40)
    d, _ = rate(stepped, pop, "n_k")
    np.testing.assert_allclose(d, an * (1 - STATE) - bn * STATE, rtol=1e-6, atol=1e-9)


def test_tc_t_current_calcium_and_h_current(stepped):
    V = mv(stepped[0]["TC"]["v"])
    ca = 5e-4
    et = 1000 * 8.31441 * (273.15 + 36) / (2 * 96846) * np.log(2 / ca)
    it = -2 * (1 / (1 + exp(-(V + 59) / 6.2))) ** 2 * STATE * (V - et)
    np.testing.assert_allclose(current(stepped, "TC", "I_t"), it, rtol=1e-9)
    dht, _ = rate(stepped, "TC", "h_t")
    tau = (30.8 + (211.4 + exp((V + 115.2) / 5)) / (1 + exp((V + 86) / 3.2))) / 3.73
    np.testing.assert_allclose(
        dht, (1 / (1 + exp((V + 83) / 4)) - STATE) / tau, rtol=1e-6, atol=1e-9
    )
    dca, _ = rate(stepped, "TC", "ca")
    A = 10 / (2 * 96489)
    np.testing.assert_allclose(
        dca, np.maximum(A * it, 0) + (2.4e-4 - ca) / 5, rtol=1e-6, atol=1e-12
    )
    np.testing.assert_allclose(
        current(stepped, "TC", "I_h"), -0.005 * (STATE + 2 * STATE) * (V + 40), rtol=1e-9
    )
    hinf = 1 / (1 + exp((V + 75) / 5.5))
    ts = 20 + 1000 / (exp((V + 71.5) / 14.2) + exp(-(V + 89) / 11.6))
    do, _ = rate(stepped, "TC", "o_h")
    np.testing.assert_allclose(
        do, hinf / ts * (1 - 2 * STATE) - (1 - hinf) / ts * STATE, rtol=1e-6, atol=1e-12
    )
    dp, _ = rate(stepped, "TC", "p_1")
    np.testing.assert_allclose(dp, 4e-4 * (ca / 0.002) ** 4 * (1 - STATE) - 4e-4 * STATE, rtol=1e-6)
    dl, _ = rate(stepped, "TC", "o_l")
    np.testing.assert_allclose(dl, 1e-3 * (STATE / 0.007) * STATE - 1e-3 * STATE, rtol=1e-6)
    np.testing.assert_allclose(current(stepped, "TC", "I_kleak"), -0.0172 * (V + 100), rtol=1e-9)


def test_trn_t_current(stepped):
    V = mv(stepped[0]["TRN"]["v"])
    np.testing.assert_allclose(
        current(stepped, "TRN", "I_t"), -3 * STATE**2 * STATE * (V - 120), rtol=1e-9
    )
    dm, _ = rate(stepped, "TRN", "m_t")
    taum = (3 + 1 / (exp((V + 29) / 10) + exp(-(V + 104) / 15))) / 6.81
    np.testing.assert_allclose(
        dm, (1 / (1 + exp(-(V + 54) / 7.4)) - STATE) / taum, rtol=1e-6, atol=1e-9
    )
    dh, _ = rate(stepped, "TRN", "h_t")
    tauh = (85 + 1 / (exp((V + 50) / 4) + exp(-(V + 409) / 50))) / 3.73
    np.testing.assert_allclose(
        dh, (1 / (1 + exp((V + 82) / 5)) - STATE) / tauh, rtol=1e-6, atol=1e-9
    )


def test_synaptic_gating_kinetics(stepped):
    Vs = mv(stepped[0]["PY"]["v_so"])
    f = 1 / (1 + exp(-(Vs - 20) / 2))  # +20 mV cortical sigmoid, no (1 - s) saturation
    d, _ = rate(stepped, "PY", "s_ampa_py_dr")
    np.testing.assert_allclose(d, 3.48 * f - STATE / 2, rtol=1e-6, atol=1e-9)
    d, _ = rate(stepped, "PY", "s_nmda_py_in")
    np.testing.assert_allclose(d, 0.5 * STATE * (1 - STATE) - STATE / 100, rtol=1e-6, atol=1e-12)
    d, _ = rate(stepped, "PY", "s_ampa_py_tc")
    np.testing.assert_allclose(
        d, 5 * (1 + tanh(Vs / 4)) * (1 - STATE) - STATE / 2, rtol=1e-6, atol=1e-9
    )
    Vi = mv(stepped[0]["IN"]["v"])
    fi = 1 / (1 + exp(-(Vi - 20) / 2))
    d, _ = rate(stepped, "IN", "s_gabaa_in_py")
    np.testing.assert_allclose(d, fi - STATE / (5 * 3), rtol=1e-6, atol=1e-9)  # propofol tau x3
    Vr = mv(stepped[0]["TRN"]["v"])
    d, _ = rate(stepped, "TRN", "s_gabaa_trn_tc")
    np.testing.assert_allclose(
        d, 2 * (1 + tanh(Vr / 4)) * (1 - STATE) - STATE / 15, rtol=1e-6, atol=1e-9
    )
    d, _ = rate(stepped, "TRN", "r_gabab")
    np.testing.assert_allclose(
        d, (1 + tanh(Vr / 4)) * (1 - STATE) - 0.0012 * STATE, rtol=1e-6, atol=1e-9
    )
    d, _ = rate(stepped, "TRN", "s_gabab")
    np.testing.assert_allclose(d, 0.18 * STATE - 0.034 * STATE, rtol=1e-6)


def test_synaptic_currents_use_normalised_weights(stepped):
    """At scale 0.2 (PY 20, others 4) every projection is all-to-all (minus self)."""
    b, a = stepped
    # the sums a cell read during the step were formed from the state before the step
    py_gate = b["PY"]["res_ampa_py_in"] * b["PY"]["s_ampa_py_in"]
    np.testing.assert_allclose(
        a["IN"]["X_ampa_py_in"], py_gate.sum() - py_gate[:4]
    )  # no PYso j->IN j
    in_gate = b["IN"]["res_gabaa_in_in"] * b["IN"]["s_gabaa_in_in"]
    # IN->IN: the column sum, minus the cell's own gate (no autapse)
    np.testing.assert_allclose(a["IN"]["R_gabaa_in_in"], in_gate.sum(), rtol=1e-12)
    np.testing.assert_allclose(
        b["IN"]["X_gabaa_in_in"] + a["IN"]["R_gabaa_in_in"] - b["IN"]["R_gabaa_in_in"],
        in_gate.sum() - in_gate,
        rtol=1e-12,
    )
    tc_gate = b["TC"]["s_ampa_tc_dr"]
    np.testing.assert_allclose(a["PY"]["X_ampa_tc_dr"], tc_gate.sum(), rtol=1e-12)
    w = 1.0 / 20  # g_ampa_py_in / NF at scale 0.2, mS/cm^2
    np.testing.assert_allclose(b["IN"]["w_ampa_py_in"] / 10, w, rtol=1e-12)  # S/m^2 -> mS/cm^2
    w_gaba = 0.1 * 3 / 4  # propofol x3, NF 4
    np.testing.assert_allclose(b["PY"]["w_gabaa_in_py"] / 10, w_gaba, rtol=1e-12)
