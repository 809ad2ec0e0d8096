"""Network-level guarantees of the soplata2023 builder and simulate() (runtime backend)."""

from __future__ import annotations

import numpy as np
import pytest

import wholebrain as wb
from wholebrain.columns.soplata2023 import build_columns, condition

SMALL = {"scale": 0.2}
DURATION = 0.02  # s: 2000 Euler steps


def run_small(seed=3, n=1, explicit=False, record_states=None, **overrides):
    """Run n small columns on the runtime device, optionally with explicit synapses."""
    import brian2 as b2

    b2.device.reinit()
    b2.device.activate()
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.01 * b2.ms
    b2.seed(seed)
    net = build_columns(
        condition("propofol", **{**SMALL, **overrides}),
        n,
        seed=seed,
        explicit=explicit,
        record_states=record_states,
        record_cells=4,
    )
    b2.Network(net.objects).run(DURATION * b2.second)
    return net


def test_column_sums_equal_explicit_synapses():
    """The O(N) column sums give the same trajectories as one synapse per netcon entry."""
    fast = run_small(explicit=False, record_states={"PY": ["v_so"], "TC": ["v"]})
    slow = run_small(explicit=True, record_states={"PY": ["v_so"], "TC": ["v"]})
    np.testing.assert_allclose(fast.proxy_monitor.eeg_py_, slow.proxy_monitor.eeg_py_, rtol=1e-9)
    np.testing.assert_allclose(
        fast.state_monitors["PY"].v_so_, slow.state_monitors["PY"].v_so_, rtol=1e-9
    )
    np.testing.assert_allclose(
        fast.state_monitors["TC"].v_, slow.state_monitors["TC"].v_, rtol=1e-9
    )
    assert fast.synapse_counts == slow.synapse_counts


def test_same_seed_same_result_and_other_seed_differs():
    m = wb.BrainModel.single_column("soplata2023", "propofol", **SMALL)
    a = wb.simulate(m, DURATION, seed=5)
    b = wb.simulate(m, DURATION, seed=5)
    c = wb.simulate(m, DURATION, seed=6)
    np.testing.assert_array_equal(a.eeg_proxy, b.eeg_proxy)
    assert not np.allclose(a.eeg_proxy, c.eeg_proxy)


def test_columns_built_together_are_independent():
    """Without Poisson input the run is deterministic given the initial conditions: column 0
    of a 3-column network equals the single column, and the columns differ."""
    no_input = {"g_ext_dr": 0.0, "g_ext_tc": 0.0, "g_ext_trn": 0.0}
    one = run_small(seed=11, n=1, **no_input)
    three = run_small(seed=11, n=3, **no_input)
    p1, p3 = one.proxy_monitor.eeg_py_, three.proxy_monitor.eeg_py_
    np.testing.assert_allclose(p3[0], p1[0], rtol=1e-12)
    assert not np.allclose(p3[1], p3[0])


def test_proxy_is_the_sum_of_its_two_parts_and_inward_positive():
    res = wb.simulate(wb.BrainModel.single_column("soplata2023", **SMALL), DURATION, seed=2)
    assert res.eeg_proxy.shape == (1, int(DURATION * 10_000))
    assert res.proxy_sfreq == 10_000
    np.testing.assert_allclose(res.eeg_proxy, res.eeg_proxy_parts["py"] + res.eeg_proxy_parts["tc"])
    # excitatory currents at v < 0 mV are inward, i.e. positive in DynaSim's convention
    assert np.all(res.eeg_proxy_parts["tc"] > 0)


def test_result_saves_and_loads_without_loss(tmp_path):
    m = wb.BrainModel.single_column("soplata2023", "wake", **SMALL)
    res = wb.simulate(m, DURATION, seed=4, record_states={"TC": ["v", "ca"]}, record_cells=2)
    path = res.save(tmp_path / "run")
    back = wb.load_result(path)
    np.testing.assert_array_equal(back.eeg_proxy, res.eeg_proxy)
    for pop in res.spikes:
        np.testing.assert_array_equal(back.spikes[pop], res.spikes[pop])
    np.testing.assert_array_equal(back.states["TC.v"], res.states["TC.v"])
    assert back.states["TC.v"].shape == (1, 2, res.eeg_proxy.shape[1])
    assert back.params == res.params and back.seed == 4 and back.backend == "runtime"
    assert back.provenance["condition"] == "wake"
    assert {k: v.tolist() for k, v in back.rates().items()} == {
        k: v.tolist() for k, v in res.rates().items()
    }
    assert not list(tmp_path.glob("*.part"))


def test_load_rejects_foreign_files(tmp_path):
    np.savez(tmp_path / "x.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="not a wholebrain result"):
        wb.load_result(tmp_path / "x.npz")


def test_cortex_only_column_runs_without_thalamus():
    res = wb.simulate(wb.BrainModel.single_column("soplata2023", "cortex_only", **SMALL), DURATION)
    assert set(res.spikes) == {"PY", "PYdr", "IN"}
    np.testing.assert_array_equal(res.eeg_proxy_parts["tc"], 0.0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"duration": -1}, "duration must be > 0"),
        ({"duration": 1e-6}, "shorter than one step"),
        ({"backend": "gpu"}, "unknown backend 'gpu'"),
        ({"record_dt_ms": 0.015}, "must be a positive multiple of dt_ms"),
        ({"threads": 0}, "threads must be a positive integer"),
        ({"duration": "ten"}, "duration must be a number of seconds"),
    ],
)
def test_bad_run_settings_fail_before_building(kwargs, message):
    m = wb.BrainModel.single_column("soplata2023", **SMALL)
    kwargs = {"duration": 0.01, **kwargs}
    with pytest.raises(ValueError, match=message):
        wb.simulate(m, **kwargs)


def test_rates_window_is_checked():
    res = wb.simulate(wb.BrainModel.single_column("soplata2023", **SMALL), 0.005)
    with pytest.raises(ValueError, match="rate window"):
        res.rates(0.0, 1.0)


#: every active conductance, synapse and input of the pyramidal cells off: two passive
#: compartments coupled by the axial conductance
_PASSIVE = {
    **{g: 0.0 for g in ("g_na_so", "g_k_so", "g_a", "g_ks", "g_kna", "g_nap", "g_ar")},
    **{g: 0.0 for g in ("g_hva", "g_kca", "g_ext_dr", "g_ampa_py_dr", "g_nmda_py_dr")},
    "g_gabaa_in_py": 0.0,
    "thalamus": False,
}


def test_dipole_signal_is_the_axial_current_of_a_known_injected_current():
    """A current injected into the dendrite of passive cells: the recorded dipole signal is
    the axial current into the dendrite, g_com_dr*(v_so - v_dr), summed over the cells, and
    it follows the forward-Euler solution of the two-compartment circuit driven by that
    current from each cell's initial state. Depolarising the dendrite drives current down
    it (into the soma), so the signal turns negative: a moment into the cortex."""
    import brian2 as b2

    stim = 2.0  # uA/cm^2 on PYdr, from the first step on
    p = condition("cortex_only", scale=0.2, stim_amp=stim, stim_offset_ms=1e3, **_PASSIVE)
    b2.device.reinit()
    b2.device.activate()
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"
    b2.defaultclock.dt = 0.01 * b2.ms
    n_py = p.sizes["PY"]
    net = build_columns(p, 1, seed=4, record_states={"PY": ["v_so", "v_dr"]}, record_cells=n_py)
    b2.Network(net.objects).run(0.02 * b2.second)
    mon = net.state_monitors["PY"]
    vs, vd = mon.v_so_ * 1e3, mon.v_dr_ * 1e3  # mV, (cells, samples) on the 0.1-ms grid
    dip = net.proxy_monitor.eeg_dipole_[0] * 100.0  # A/m^2 -> uA/cm^2
    np.testing.assert_allclose(dip, (p.g_com_dr * (vs - vd)).sum(0), rtol=1e-9, atol=1e-9)
    half = net.proxy_monitor.eeg_dipole_half_[0] * 100.0  # the even-numbered cells
    np.testing.assert_allclose(half, (p.g_com_dr * (vs - vd))[0::2].sum(0), rtol=1e-9, atol=1e-9)
    # forward Euler of C dx/dt = -gL (x - E) + gc (other - x) + I, per compartment (mV, ms)
    e_l, dt = -60.95, 0.01
    x, y = vs[:, 0].copy(), vd[:, 0].copy()
    expect = [p.g_com_dr * (x - y).sum()]
    for step in range(1, dip.size * 10):
        i_dr = stim if step > 1 else 0.0  # strict t > onset: the pulse starts after step 0
        x, y = (
            x + dt * (-p.g_leak_so * (x - e_l) + p.g_com_so * (y - x)),
            y + dt * (-p.g_leak_dr * (y - e_l) + p.g_com_dr * (x - y) + i_dr),
        )
        if step % 10 == 0:
            expect.append(p.g_com_dr * (x - y).sum())
    np.testing.assert_allclose(dip, expect, rtol=1e-6, atol=1e-6)
    # with the pulse on, the axial current approaches its steady state, which carries the
    # share of the injected current that the soma's leak takes
    g_s, g_d = p.g_leak_so * 0.015, p.g_leak_dr * 0.035  # leak conductances (mS/cm^2 x mm^2)
    g_c = p.g_com_dr * 0.035
    steady = -stim * 0.035 * g_s / (g_s + g_d + g_s * g_d / g_c) / 0.035 * n_py
    assert dip[-1] < 0 and steady < 0
    assert abs(dip[-1] - steady) < abs(dip[0] - steady)


@pytest.mark.parametrize("integration", ["dynasim", "fast"])
def test_the_eeg_probe_formed_once_per_sample_records_what_every_step_would(integration):
    """The probe and the copies of the cells' currents run on the recording clock only; a
    run that records every integration step holds the same samples at those times."""
    col = wb.BrainModel.single_column("soplata2023", "propofol", integration=integration,
                                      **SMALL)  # fmt: skip
    dt_ms = 0.05 if integration == "fast" else 0.01
    coarse = wb.simulate(col, DURATION, seed=5, record_dt_ms=0.1)
    fine = wb.simulate(col, DURATION, seed=5, record_dt_ms=dt_ms)
    step = int(round(0.1 / dt_ms))
    assert coarse.eeg_proxy.shape[1] == fine.eeg_proxy[:, ::step].shape[1]
    assert np.abs(coarse.eeg_proxy).max() > 0
    np.testing.assert_array_equal(coarse.eeg_proxy, fine.eeg_proxy[:, ::step])
    for name, signal in coarse.signals.items():
        assert np.abs(signal).max() > 0, name
        np.testing.assert_array_equal(signal, fine.signals[name][:, ::step], err_msg=name)
