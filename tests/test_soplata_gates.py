"""Voltage-driven synaptic gates of the Soplata column, and the fast scheme's step average."""

from __future__ import annotations

import brian2 as b2
import numpy as np
import pytest
from scipy.integrate import quad, solve_ivp

import wholebrain as wb
from wholebrain.columns.soplata2023 import equations, gates
from wholebrain.engine import device

DRIVES = {
    "cortical": lambda v: 1 / (1 + np.exp(-(v - 20) / 2)),
    "thalamic": lambda v: 1 + np.tanh(v / 4),
}


def spike_mv(t_ms, width_ms: float = 0.15):
    """A Gaussian spike from -65 mV peaking at +28 mV at t = 1 ms (IN-like)."""
    return -65 + 93 * np.exp(-(((np.asarray(t_ms) - 1.0) / width_ms) ** 2))


def gate_cell(pop: str, v0_mv: float, v1_mv: float, namespace: dict | None = None,
              midpoint: bool = False):  # fmt: skip
    """One cell holding a population's gates as :func:`gates.step_update` advances them
    (to be built inside a ``device.runtime_device``); ``v_mid`` starts halfway."""
    eqs = "v : volt\nv_prev : volt\nv_mid : volt\ngabaa_tau_mult : 1\n"
    g = b2.NeuronGroup(1, eqs + gates.ode_lines(pop, "V", True), namespace=namespace,
                       name="gate_cell")  # fmt: skip
    g.gabaa_tau_mult, g.v_prev, g.v = 1.0, v0_mv * b2.mV, v1_mv * b2.mV
    g.v_mid = (v0_mv + v1_mv) / 2 * b2.mV
    for name, value in gates.antiderivatives(pop, np.array([v0_mv])).items():
        setattr(g, name, value)
    update = gates.step_update(pop, "v", midpoint)
    g.run_regularly(update, when="groups", order=0.25, name="upd")
    return g


def run_gates(pop: str, dt_ms: float, phase: float, duration_ms: float, width_ms: float,
              midpoint: bool = False):  # fmt: skip
    """The population's gates after ``spike_mv`` shifted by ``phase`` steps, Brian2 code."""
    fine = 0.0005
    t = np.arange(0, duration_ms + 1, fine) - phase * dt_ms
    wave = b2.TimedArray(spike_mv(t, width_ms) * b2.mV, dt=fine * b2.ms)
    with device.runtime_device(dt_ms, seed=1):
        g = gate_cell(pop, -65.0, -65.0, namespace={"wave": wave}, midpoint=midpoint)
        move = "v_prev = v\nv_mid = wave(t + dt/2)\nv = wave(t + dt)"
        g.run_regularly(move, when="start", name="drive")
        b2.Network(g).run(duration_ms * b2.ms)
        return {gate.var: float(getattr(g, gate.var)[0]) for gate in gates.GATES[pop]}


def exact(gate: gates.Gate, phase_ms: float, duration_ms: float, width_ms: float) -> float:
    """The gate's ODE under the continuous spike, solved to 1e-10."""
    rate = float(gate.rate)
    tau = {"2*ms": 2.0, "5*ms*gabaa_tau_mult": 5.0}[gate.tau]
    drive = DRIVES[gate.drive]

    def f(t, s):
        d = rate * drive(spike_mv(t - phase_ms, width_ms))
        return d * (1 - s) - s / tau if gate.saturating else d - s / tau

    sol = solve_ivp(f, (0, duration_ms), [0.0], rtol=1e-10, atol=1e-12, max_step=0.01)
    return float(sol.y[0, -1])


@pytest.mark.parametrize("drive", ["cortical", "thalamic"])
def test_step_average_is_the_drive_integral_along_the_line(drive):
    # one step from v0 to v1: the update equals the exact exponential step with the mean drive
    dt_ms, v0, v1 = 0.025, 12.0, 31.0
    pop = {"cortical": "IN", "thalamic": "TRN"}[drive]
    gate = gates.GATES[pop][0]
    with device.runtime_device(dt_ms, seed=1):
        g = gate_cell(pop, v0, v1)
        setattr(g, gate.var, 0.3)
        b2.Network(g).run(dt_ms * b2.ms)
        got = float(getattr(g, gate.var)[0])
    mean = quad(DRIVES[drive], v0, v1)[0] / (v1 - v0)
    p, tau = float(gate.rate) * mean, 5.0  # both first gates decay with 5 ms
    k = p + 1 / tau if gate.saturating else 1 / tau
    assert got == pytest.approx(p / k + (0.3 - p / k) * np.exp(-k * dt_ms), rel=1e-9)


@pytest.mark.parametrize("pop", ["IN", "TRN"])
def test_equal_potentials_take_the_midpoint_drive(pop):
    # the difference quotient is replaced where v does not move; no 0/0
    with device.runtime_device(0.025, seed=1):
        g = gate_cell(pop, 20.0, 20.0)
        b2.Network(g).run(0.025 * b2.ms)
        got = float(getattr(g, gates.GATES[pop][0].var)[0])
    assert np.isfinite(got) and got > 0


@pytest.mark.parametrize(("pop", "dt_ms", "midpoint"),
                         [("IN", 0.025, False), ("TC", 0.025, False), ("IN", 0.05, True),
                          ("TC", 0.05, True)])  # fmt: skip
def test_a_spike_opens_the_gate_alike_at_every_phase_of_the_step(pop, dt_ms, midpoint):
    # the charge a spike injects must not depend on where the 0.025-ms samples fall on its
    # peak. For a narrow spike (0.07 ms), where a drive sampled once per step depends
    # strongly on the phase, the step average varies by under 3%. A spike of 0.15 ms stays
    # within 3% of the exact solution at every phase. The fast scheme's 0.05-ms step does
    # as well with the potential's midpoint.
    duration, phases = 3.0, np.linspace(0, 0.8, 5)
    gate = gates.GATES[pop][0]
    for width, tol in ((0.15, 0.03), (0.07, 0.15)):
        ratio = [
            run_gates(pop, dt_ms, ph, duration, width, midpoint)[gate.var]
            / exact(gate, ph * dt_ms, duration, width)
            for ph in phases
        ]
        assert np.ptp(ratio) < 0.03, (width, ratio)
        assert np.all(np.abs(np.subtract(ratio, 1)) < tol), (width, ratio)


@pytest.mark.parametrize("pop", ["PY", "TC"])
def test_the_carried_antiderivative_is_the_one_at_the_last_potential(pop):
    """Each step reuses the antiderivative the step before ended with: after a spike it
    equals the antiderivative at the present potential, as if computed afresh."""
    fine = 0.0005
    wave = b2.TimedArray(spike_mv(np.arange(0, 3, fine)) * b2.mV, dt=fine * b2.ms)
    with device.runtime_device(0.025, seed=1):
        g = gate_cell(pop, -65.0, -65.0, namespace={"wave": wave})
        g.run_regularly("v_prev = v\nv = wave(t + dt)", when="start", name="drive")
        b2.Network(g).run(1.05 * b2.ms)  # near the peak
        v_mv = np.asarray(g.v / b2.mV)
        carried = {name: float(getattr(g, name)[0]) for name in gates.antiderivatives(pop, v_mv)}
    assert v_mv[0] > 0  # on the spike, where both drives vary
    fresh = gates.antiderivatives(pop, v_mv)
    assert set(carried) == ({"F_cortical", "F_thalamic"} if pop == "PY" else {"F_thalamic"})
    for name, value in carried.items():
        assert value == pytest.approx(float(fresh[name][0]), rel=1e-12)


def test_dynasim_scheme_keeps_the_mechanism_files_odes():
    text = equations.interneuron(per_spike=False)
    assert (
        "ds_gabaa_in_py/dt = 1*1/(1 + exp(-(V - 20)/2))/ms - s_gabaa_in_py/(5*ms*gabaa_tau_mult)"
        in text
    )
    thal = equations.reticular()
    assert "ds_gabaa_trn_tc/dt = 2*(1 + tanh(V/4))*(1 - s_gabaa_trn_tc)/ms" in thal
    fast = equations.interneuron(per_spike=True, step_averaged=True)
    assert "ds_gabaa_in_py/dt" not in fast and "s_gabaa_in_py : 1" in fast


def test_equal_gates_converge_and_the_fast_scheme_keeps_one_with_one_column_sum():
    """TC's three AMPA gates obey one ODE: integrated apart (DynaSim's scheme) from initial
    values that differ they converge within milliseconds; the fast scheme keeps one
    variable, and every population reads the same column sum of it."""
    rep = gates.shared_gates("TC")
    assert set(rep.values()) == {"s_ampa_tc_trn"} and gates.aliases("HTC") == set()
    record = {"TC": ["s_ampa_tc_in", "s_ampa_tc_trn"]}
    apart = wb.simulate(wb.BrainModel.single_column(scale=0.2), 0.03, seed=3,
                        backend="runtime", record_dt_ms=0.1, record_states=record,
                        record_cells=100)  # fmt: skip
    gap = np.abs(apart.states["TC.s_ampa_tc_in"] - apart.states["TC.s_ampa_tc_trn"]).max(axis=1)
    assert gap[0, 0] > 1e-3 and gap[0, -1] < 1e-6 * gap[0, 0]  # exp(-30 ms/2 ms) or faster
    record |= {"IN": ["X_ampa_tc_in"], "TRN": ["X_ampa_tc_trn"], "PY": ["X_ampa_tc_dr"]}
    one = wb.simulate(wb.BrainModel.independent(2, scale=0.2), 0.01, seed=3, backend="runtime",
                      record_dt_ms=0.05, record_states=record, record_cells=100)  # fmt: skip
    s = one.states["TC.s_ampa_tc_in"]  # (regions, cells, samples)
    np.testing.assert_array_equal(s, one.states["TC.s_ampa_tc_trn"])
    total = s.sum(axis=1)
    assert total.max() > 0
    for key in ("IN.X_ampa_tc_in", "TRN.X_ampa_tc_trn", "PY.X_ampa_tc_dr"):
        x = one.states[key]
        np.testing.assert_allclose(x, np.repeat(total[:, None, :], x.shape[1], axis=1),
                                   rtol=1e-12, atol=0)  # fmt: skip
