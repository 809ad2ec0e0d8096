"""lif_ei column: single-cell analytics, synapse signs, synchronisation, network and interface."""

from __future__ import annotations

import brian2 as b2
import numpy as np
import pytest

import wholebrain as wb
from wholebrain.columns.lif_ei import build_columns, condition, equations

QUIET = {"n_inh": 0, "p_ee": 0.0, "ext_rate_exc_hz": 0.0, "ext_rate_inh_hz": 0.0}


def runtime(dt_ms: float) -> None:
    """Fresh runtime device with numpy code generation."""
    b2.device.reinit()
    b2.device.activate()
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = dt_ms * b2.ms


def analytic_rate(p, i_pa: float) -> float:
    """1/(t_ref + tau_m ln((R I + E_L - V_reset)/(R I + E_L - V_th))), Hz."""
    r_i = i_pa / p.g_leak_ns  # mV (pA / nS)
    tau_m = p.c_m_pf / p.g_leak_ns  # ms
    num = r_i + p.e_leak_mv - p.v_reset_mv
    den = r_i + p.e_leak_mv - p.v_th_mv
    return 1000.0 / (p.t_ref_ms + tau_m * np.log(num / den))


def test_f_i_curve_matches_the_analytic_lif_rate_within_2_percent():
    currents = np.array([110.0, 130.0, 200.0, 400.0, 1000.0])  # pA; rheobase 100 pA
    p = condition("default", n_exc=currents.size, **QUIET)
    runtime(0.01)
    net = build_columns(p, record_dt_ms=1.0)
    g = net.groups["PY"]
    g.i_app = currents * b2.pA
    g.v = p.v_reset_mv * b2.mV
    b2.Network(net.objects).run(0.4 * b2.second)
    mon = net.spike_monitors["PY"]
    for k, current in enumerate(currents):
        t = np.sort(np.asarray(mon.t[mon.i == k] / b2.second))
        assert t.size >= 4
        rate = (t.size - 1) / (t[-1] - t[0])  # from the mean ISI: no window edge effects
        assert rate == pytest.approx(analytic_rate(p, current), rel=0.02)
    assert analytic_rate(p, 1000.0) > 100  # the range reaches into the refractory regime


def test_psp_ordering_excitatory_shunting_inhibitory_at_rest():
    """At rest an excitatory synapse depolarises, an inhibitory one (E_inh = -80 mV)
    hyperpolarises and a shunting one (E_inh = E_L) leaves v at rest, but cuts a coincident
    EPSP."""
    p = condition("default", n_exc=1, **QUIET)
    shunt = p.replace(e_inh_mv=p.e_leak_mv)
    runtime(0.01)
    # columns: 0 E, 1 I, 2 shunting, 3 E + shunting
    net = build_columns([p, p, shunt, shunt], record_states={"PY": ["v"]}, record_dt_ms=0.1)
    g = net.groups["PY"]
    g.v = p.e_leak_mv * b2.mV
    source = b2.SpikeGeneratorGroup(5, np.arange(5), np.full(5, 5.0) * b2.ms)
    exc = b2.Synapses(source, g, on_pre=equations.ON_PRE_EXC)
    exc.connect(i=[0, 3], j=[0, 3])
    inh = b2.Synapses(source, g, on_pre=equations.ON_PRE_INH)
    inh.connect(i=[1, 2, 4], j=[1, 2, 3])
    b2.Network(net.objects, source, exc, inh).run(60 * b2.ms)
    dv = net.state_monitors["PY"].v / b2.mV - p.e_leak_mv  # (4, samples)
    epsp, ipsp, shunting = dv[0].max(), dv[1].min(), np.abs(dv[2]).max()
    assert epsp > 0.2 and ipsp < -0.2
    assert shunting < 1e-9
    assert epsp > shunting > ipsp
    assert dv[3].max() < 0.95 * epsp  # shunting inhibition divides the coincident EPSP


def phase_lags(t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
    """For each spike of cell 0 (after the first), the distance to the nearest spike of
    cell 1, as a fraction of cell 0's current period."""
    out = []
    for a, b in zip(t0[:-1], t0[1:], strict=True):
        period = b - a
        out.append(np.min(np.abs(t1 - b)) / period)
    return np.array(out)


def test_two_coupled_excitatory_cells_started_out_of_phase_synchronise():
    """Pulse-like excitation (tau_syn 0.5 ms, no delay) pulls two identical tonically firing
    cells into synchrony, as for pulse-coupled integrate-and-fire oscillators (Mirollo &
    Strogatz 1990). With the default 2-ms synapses the same pair locks out of phase instead,
    the known desynchronising effect of slow excitation (van Vreeswijk, Abbott & Ermentrout
    1994), so the test uses fast synapses."""
    quiet = {k: v for k, v in QUIET.items() if k != "p_ee"}
    p = condition(
        "default", n_exc=2, p_ee=1.0, w_ee_ns=3.0, tau_exc_ms=0.5, delay_ms=0.0,
        i_app_pa=150.0, **quiet,
    )  # fmt: skip
    runtime(0.05)
    net = build_columns(p, record_dt_ms=1.0)
    g = net.groups["PY"]
    g.v = [p.v_reset_mv, -53.0] * b2.mV  # about 0.4 of a cycle apart
    b2.Network(net.objects).run(0.6 * b2.second)
    mon = net.spike_monitors["PY"]
    t0 = np.sort(np.asarray(mon.t[mon.i == 0] / b2.ms))
    t1 = np.sort(np.asarray(mon.t[mon.i == 1] / b2.ms))
    lags = phase_lags(t0, t1)
    assert lags[0] > 0.3
    assert np.all(np.diff(lags[:8]) < 0)  # the phase difference shrinks cycle by cycle
    assert lags[-5:].max() < 0.02


def test_poisson_drive_delivers_its_rate_including_coincident_events():
    """Mean conductance of the alpha-synapse drive = rate x e w tau_syn. At 4 kHz and
    dt = 0.1 ms (0.4 events per step) one Bernoulli draw per step would lose 18%."""
    rate, w, tau = 4000.0, 0.6, 2.0  # Hz, nS, ms
    p = condition("default", n_exc=200, n_inh=0, p_ee=0.0, v_th_mv=1000.0,
                  ext_rate_exc_hz=rate, w_ext_ns=w, tau_exc_ms=tau)  # fmt: skip
    runtime(0.1)
    net = build_columns(p, record_states={"PY": ["g_e"]}, record_cells=200, record_dt_ms=1.0)
    b2.Network(net.objects).run(0.2 * b2.second)
    g_e = net.state_monitors["PY"].g_e[:, 50:] / b2.nS  # after 50 ms
    assert g_e.mean() == pytest.approx(rate * 1e-3 * np.e * w * tau, rel=0.03)


def test_single_column_end_to_end_rates_proxy_save_and_load(tmp_path):
    model = wb.BrainModel.single_column("lif_ei", "default")
    res = wb.simulate(model, 0.2, seed=1, backend="runtime")
    rates = res.rates(0.05)
    assert 1 < rates["PY"][0] < 40 and 2 < rates["IN"][0] < 80
    assert set(res.eeg_proxy_parts) == {"ampa"} and res.eeg_proxy.shape == (1, 2000)
    assert np.all(np.isfinite(res.eeg_proxy)) and res.eeg_proxy.std() > 0
    # excitatory current below E_exc is inward (positive); g_e starts at 0
    assert np.all(res.eeg_proxy >= 0) and np.all(res.eeg_proxy[:, 100:] > 0)
    back = wb.load_result(res.save(tmp_path / "lif"))
    np.testing.assert_array_equal(back.eeg_proxy, res.eeg_proxy)
    np.testing.assert_array_equal(back.spikes["PY"], res.spikes["PY"])
    assert back.params == res.params and back.provenance["column"] == "lif_ei"


def test_columns_built_together_draw_what_they_draw_alone():
    """Without Poisson input a run is deterministic: column 0 of three equals one column."""
    p = condition("default", ext_rate_exc_hz=0, ext_rate_inh_hz=0, i_app_pa=120.0)

    def proxy(n):
        runtime(0.1)
        net = build_columns(p, n, seed=4, record_dt_ms=1.0)
        b2.Network(net.objects).run(50 * b2.ms)
        return np.asarray(net.proxy_monitor.eeg_ampa_), net.synapse_counts

    one, c1 = proxy(1)
    three, c3 = proxy(3)
    np.testing.assert_allclose(three[0], one[0], rtol=1e-12)
    assert not np.allclose(three[1], three[0])
    assert c3["PY_PY"] > 2 * c1["PY_PY"]


def test_registered_and_named_conditions():
    assert {"lif_ei", "izhikevich_stp"} <= set(wb.columns.available())
    col = wb.columns.get("lif_ei")
    assert set(col.conditions) >= {"default", "wake", "propofol"}
    pro, base = condition("propofol"), condition("default")
    assert pro.gabaa_cond_mult == 3 and pro.gabaa_tau_mult == 3 and base.gabaa_cond_mult == 1
    assert base.sizes == {"PY": 80, "IN": 20}
    assert base.as_dict()["w_ee_ns"] == base.w_ee_ns
    assert base.replace(tau_exc_ms=3 * b2.ms).tau_exc_ms == pytest.approx(3.0)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"tau_exc_ms": -1.0}, "parameter tau_exc_ms must be > 0"),
        ({"t_ref_ms": -2.0}, "parameter t_ref_ms must be >= 0"),
        ({"p_ei": 1.5}, r"parameter p_ei must be a probability in \[0, 1\]"),
        ({"n_exc": 2.5}, "parameter n_exc must be an integer >= 1"),
        ({"w_ee_ns": 1.0 * b2.mV}, r"parameter w_ee_ns needs units of nS"),
        ({"tau_exc_ms": 2 * b2.nS}, "parameter tau_exc_ms needs units of ms"),
        ({"v_reset_mv": -40.0}, "v_reset_mv must be below v_th_mv"),
        ({"tau_ex_ms": 2.0}, "unknown lif_ei parameter 'tau_ex_ms'.*tau_exc_ms"),
    ],
)
def test_bad_parameters_raise_one_line_errors_naming_them(override, message):
    with pytest.raises(ValueError, match=message):
        wb.BrainModel.single_column("lif_ei", "default", **override)


def test_unknown_condition_and_structural_mismatch():
    with pytest.raises(ValueError, match="unknown lif_ei condition 'propfol'.*propofol"):
        condition("propfol")
    with pytest.raises(ValueError, match="'n_exc' differs between columns"):
        build_columns([condition(n_exc=10), condition(n_exc=20)])
