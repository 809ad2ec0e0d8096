"""izhikevich_stp column: firing patterns, Tsodyks-Markram steady state, network, interface."""

from __future__ import annotations

import gc

import brian2 as b2
import numpy as np
import pytest
from brian2.utils.logger import catch_logs

import wholebrain as wb
from wholebrain.columns.izhikevich_stp import (
    PRESETS,
    build_columns,
    condition,
    set_stp,
    stp_synapses,
)

QUIET = {"n_inh": 0, "p_ee": 0.0, "ext_rate_exc_hz": 0.0, "ext_rate_inh_hz": 0.0}


def runtime(dt_ms: float) -> None:
    """Fresh runtime device with numpy code generation."""
    b2.device.reinit()
    b2.device.activate()
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = dt_ms * b2.ms


def classify(spikes_ms: np.ndarray, steady_from_ms: float = 100.0) -> str:
    """Firing pattern of a spike train under a constant input step at t = 0.

    The rule, on interspike intervals (ISIs):

    * **CH** (chattering): the steady-state ISIs (spikes after ``steady_from_ms``) are
      bimodal, longest / shortest > 5 (short intra-burst and long inter-burst intervals);
    * otherwise the steady state is tonic, and
    * **FS** (fast spiking) if the mean steady ISI is < 20 ms (> 50 Hz);
    * **IB** (intrinsically bursting) if the train starts with a burst: its first two ISIs
      are both < 6 ms;
    * **RS** (regular spiking) otherwise, and only with spike-frequency adaptation: mean
      steady ISI > 1.5 x the first ISI (else "tonic").
    """
    isi = np.diff(spikes_ms)
    steady = np.diff(spikes_ms[spikes_ms > steady_from_ms])
    if isi.size < 3 or steady.size < 2:
        return "silent"
    if steady.max() / steady.min() > 5:
        return "CH"
    if steady.mean() < 20:
        return "FS"
    if isi[0] < 6 and isi[1] < 6:
        return "IB"
    return "RS" if steady.mean() > 1.5 * isi[0] else "tonic"


def test_published_parameter_sets_give_the_four_classic_patterns():
    names = ["RS", "IB", "CH", "FS"]
    runtime(0.05)
    net = build_columns(condition("default", n_exc=4, heterogeneity=0, **QUIET), record_dt_ms=1.0)
    g = net.groups["PY"]
    table = np.array([PRESETS[n] for n in names])
    g.a, g.b = table[:, 0], table[:, 1]
    g.c, g.d = table[:, 2] * b2.mV, table[:, 3] * b2.mV
    g.v = -70 * b2.mV
    g.u = g.b[:] * g.v[:]
    g.i_app = 10 * b2.mV  # Izhikevich (2003), Fig. 2: a step of I = 10
    b2.Network(net.objects).run(0.5 * b2.second)
    mon = net.spike_monitors["PY"]
    found = [classify(np.sort(np.asarray(mon.t[mon.i == k] / b2.ms))) for k in range(4)]
    assert found == names


def steady_state(u_rest: float, tau_d: float, tau_f: float, period: float) -> dict[str, float]:
    """Analytic Tsodyks-Markram steady state under a regular train (Markram et al. 1998):
    u just after a spike, x just before it, and the release u x."""
    ef = np.exp(-period / tau_f) if tau_f > 0 else 0.0
    ed = np.exp(-period / tau_d)
    u = u_rest / (1 - (1 - u_rest) * ef)
    x = (1 - ed) / (1 - (1 - u) * ed)
    return {"u": u, "x_before": x, "release": u * x, "x_after": x * (1 - u)}


@pytest.mark.parametrize(
    "u_rest, tau_d, tau_f",
    [
        (0.5, 800.0, 0.0),  # depressing (Tsodyks & Markram 1997)
        (0.05, 125.0, 1200.0),  # facilitating E->I set of the column
    ],
)
def test_regular_train_reaches_the_analytic_tsodyks_markram_steady_state(u_rest, tau_d, tau_f):
    period, n_spikes = 40.0, 120  # ms; 25 Hz
    # u and x are integrated analytically between spikes, so a coarse step loses nothing
    runtime(1.0)
    net = build_columns(condition("default", n_exc=1, **QUIET), record_dt_ms=1.0)
    source = b2.SpikeGeneratorGroup(
        1, np.zeros(n_spikes, int), np.arange(n_spikes) * period * b2.ms
    )
    syn = stp_synapses(source, net.groups["PY"], "exc", "stp_test")
    syn.connect(i=0, j=0)
    set_stp(syn, w=0.0, u=u_rest, tau_d_ms=tau_d, tau_f_ms=tau_f)
    net_ = b2.Network(net.objects, source, syn)
    net_.run(1 * b2.ms)  # just after the first spike: u = U, release = U
    first = {"u": float(syn.u_syn[0]), "release": float(syn.release[0])}
    net_.run(((n_spikes - 1) * period) * b2.ms)  # just after the last spike
    want = steady_state(u_rest, tau_d, tau_f, period)
    assert first == pytest.approx({"u": u_rest, "release": u_rest})
    assert float(syn.u_syn[0]) == pytest.approx(want["u"], rel=0.01)
    assert float(syn.release[0]) == pytest.approx(want["release"], rel=0.01)
    assert float(syn.x_syn[0]) == pytest.approx(want["x_after"], rel=0.01)
    assert want["release"] < 0.5 * u_rest or want["u"] > 2 * u_rest  # really depressed/facil.


def test_release_scales_the_conductance_step():
    """A spike adds w * u * x to g_e (here at rest: w * U)."""
    runtime(0.1)
    net = build_columns(condition("default", n_exc=1, **QUIET), record_dt_ms=1.0)
    g = net.groups["PY"]
    source = b2.SpikeGeneratorGroup(1, [0], [0.0] * b2.ms)
    syn = stp_synapses(source, g, "exc", "stp_step")
    syn.connect(i=0, j=0)
    set_stp(syn, w=0.4, u=0.3, tau_d_ms=500.0, tau_f_ms=0.0)
    b2.Network(net.objects, source, syn).run(0.1 * b2.ms)
    decay = np.exp(-0.1 / 5.0)  # one step of g_e's 5-ms decay may follow the spike
    assert float(g.g_e[0]) == pytest.approx(0.4 * 0.3, rel=0.03)
    assert float(g.g_e[0]) >= 0.4 * 0.3 * decay * (1 - 1e-9)


@pytest.mark.parametrize("name", ["default", "propofol"])
def test_one_second_network_run_stays_finite(name):
    model = wb.BrainModel.single_column("izhikevich_stp", name)
    res = wb.simulate(
        model, 1.0, seed=2, dt_ms=0.1, record_dt_ms=1.0, record_states={"PY": ["v", "u"]}
    )
    assert np.all(np.isfinite(res.eeg_proxy)) and res.eeg_proxy.std() > 0
    v = res.states["PY.v"]  # mV
    assert np.all(np.isfinite(v)) and v.max() < 100 and v.min() > -100
    rates = res.rates(0.2)
    assert 0.5 < rates["PY"][0] < 50 and 1 < rates["IN"][0] < 200
    assert set(res.spikes) == {"PY", "IN"}


def test_heterogeneity_follows_izhikevich_2003():
    runtime(0.1)
    net = build_columns(condition("default"), 2, seed=3)
    e, i = net.groups["PY"], net.groups["IN"]
    c, d = e.c[:] / b2.mV, e.d[:] / b2.mV
    assert np.all((c >= -65) & (c <= -50)) and np.allclose(d, 8 - 6 * ((c + 65) / 15))
    assert np.all((i.a[:] >= 0.02) & (i.a[:] <= 0.1)) and np.allclose(
        i.b[:], 0.2 + (0.1 - i.a[:]) * 0.625
    )
    assert np.unique(c).size == c.size  # per-cell, per-column draws
    same = build_columns(condition("default", heterogeneity=0), 1)
    assert np.all(same.groups["PY"].c[:] == -65 * b2.mV)
    with catch_logs():  # Brian2 warns when objects built but never run are deleted
        del net, same, e, i
        gc.collect()


def test_registered_and_named_conditions():
    col = wb.columns.get("izhikevich_stp")
    assert set(col.conditions) >= {"default", "wake", "propofol"}
    p = condition("propofol")
    assert p.gabaa_cond_mult == 3 and p.gabaa_tau_mult == 3
    assert p.sizes == {"PY": 80, "IN": 20}
    assert p.replace(tau_d_ee_ms=1 * b2.second).tau_d_ee_ms == pytest.approx(1000.0)


@pytest.mark.parametrize(
    "override, message",
    [
        ({"tau_d_ee_ms": -5.0}, "parameter tau_d_ee_ms must be > 0"),
        ({"tau_f_ei_ms": -1.0}, "parameter tau_f_ei_ms must be >= 0"),
        ({"u_ee": 1.2}, r"parameter u_ee must be a probability in \[0, 1\]"),
        ({"p_ii": -0.1}, r"parameter p_ii must be a probability"),
        ({"i_app_exc": 3 * b2.nS}, r"parameter i_app_exc needs units of mV/ms"),
        ({"w_ee": 0.1 * b2.mV}, r"parameter w_ee takes no units|needs units of 1"),
        ({"tau_exc": 5.0}, "unknown izhikevich_stp parameter 'tau_exc'.*tau_exc_ms"),
        ({"tau_inh_tc_ms": 0.0}, "parameter tau_inh_tc_ms must be > 0"),
        ({"p_trn_tc": 2.0}, r"parameter p_trn_tc must be a probability"),
        ({"n_tc": 10}, "the thalamic pair needs both n_tc and n_trn > 0"),
        ({"n_trn": 2.5}, "parameter n_trn must be an integer >= 0"),
    ],
)
def test_bad_parameters_raise_one_line_errors_naming_them(override, message):
    with pytest.raises(ValueError, match=message):
        wb.BrainModel.single_column("izhikevich_stp", "default", **override)


def test_the_thalamic_pair_makes_an_alpha_rhythm():
    """TRN inhibition and TC rebound ring at alpha: the column's EEG proxy peaks in 7-14 Hz
    with the pair (runtime, 4 s, seed 3; scripts/alpha_izhikevich.py measures 8.5-10 Hz for
    seeds 1, 3, 4, 5 on cpp)."""
    from scipy.signal import welch

    res = wb.simulate(wb.BrainModel.single_column("izhikevich_stp", "alpha"), 4.0, seed=3,
                      backend="runtime", record_dt_ms=1.0)  # fmt: skip
    assert set(res.spikes) == {"PY", "IN", "TC", "TRN"}
    rates = res.rates(0.5)
    assert rates["TC"][0] > 0.1 and rates["TRN"][0] > 1.0  # the loop runs
    x = res.eeg_proxy[0, 500:]
    f, p = welch(x - x.mean(), fs=res.proxy_sfreq, nperseg=2000)
    band = (f > 2) & (f < 40)
    assert 7.0 <= f[band][np.argmax(p[band])] <= 14.0
    assert np.all(np.isfinite(res.eeg_proxy))


def test_the_default_column_has_no_thalamus():
    assert set(condition("default").sizes) == {"PY", "IN"}
    assert condition("alpha").sizes == {"PY": 80, "IN": 20, "TC": 20, "TRN": 20}
    assert condition("alpha").thalamus and not condition("default").thalamus


def test_a_numerical_blow_up_stops_with_an_error_naming_dt_and_the_weights():
    """Strong TRN->TC and TC->TRN weights make forward Euler at 0.1 ms overflow (every cell
    spikes every step): an error, never a result that looks like data."""
    from wholebrain.engine.collect import SimulationDiverged

    blown = wb.BrainModel.single_column("izhikevich_stp", "alpha", w_trn_tc=50.0, w_tc_trn=50.0)
    with pytest.raises(SimulationDiverged, match="dt_ms .*0.1 ms.*w_trn_tc and w_tc_trn"):
        wb.simulate(blown, 0.2, seed=1)
    calm = wb.simulate(wb.BrainModel.single_column("izhikevich_stp", "alpha"), 0.2, seed=1)
    assert 0 < calm.rates()["TRN"].mean() < 500
