"""The depression rule on a synthetic voltage trace gives DynaSim's result.

The reference is an emulation of DynaSim b1aa46d's solver loop (dsWriteDynaSimSolver):
each step k, with t = T(k-1): Euler-update res using the spike buffer from earlier steps;
then test ``v_k >= thr & v_prev < thr`` where v_prev is the last *stored* sample
(every ``downsample`` steps, after the test), writing t into a 2-slot buffer on success.
"""

from __future__ import annotations

import brian2 as b2
import numpy as np
import pytest

from wholebrain.columns.soplata2023 import depression, equations

DT_MS = 0.01
THR = -25.0


def synthetic_trace(n_steps: int, spike_steps: list[int], width_steps: int = 98) -> np.ndarray:
    """-65 mV with rectangular 'spikes' at +20 mV lasting ``width_steps`` steps (PY spikes
    stay above -25 mV for about 1 ms, i.e. ~98 steps)."""
    v = np.full(n_steps + 1, -65.0)
    for s in spike_steps:
        v[s : s + width_steps] = 20.0
    return v


def dynasim_depression_steps(v: np.ndarray, downsample: int, res0: float = 0.8) -> np.ndarray:
    """res after every step, emulating DynaSim's loop; v[k] is the state at step k."""
    res = res0
    buffer = [-1e32, -1e32]
    v_prev = v[0]  # the stored sample at t = 0
    out = np.empty(len(v) - 1)
    for k in range(1, len(v)):
        t = (k - 1) * DT_MS
        window = any((t - ts) < 2.5 * DT_MS for ts in buffer)  # inclusive tie, as ours
        res = 0.9 * res if window else res + DT_MS * (1 - res) / 400.0
        if v[k] >= THR and v_prev < THR:
            buffer = [buffer[1], t]
        if k % downsample == 0:
            v_prev = v[k]
        out[k - 1] = res
    return out


def brian2_depression(v: np.ndarray, per_spike: bool, res0: float = 0.8) -> np.ndarray:
    """res after every step from our Brian2 mechanism, driven by the trace ``v``."""
    b2.device.reinit()
    b2.device.activate()
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"
    dt = DT_MS * b2.ms
    # During step k (t = T(k-1)) the real group's threshold sees the updated v_k and the
    # storage at the start of the step sees v_{k-1}: two views of the same trace.
    now = b2.TimedArray(v[:-1] * b2.mV, dt=dt)  # noqa: F841 (used by name in equations)
    nxt = b2.TimedArray(v[1:] * b2.mV, dt=dt)  # noqa: F841
    text = (
        "v = nxt(t) : volt\nv_now = now(t) : volt\n"
        "tau_res : second (constant)\ndepr_factor : 1 (constant)\n"
        + equations._depressing("x", per_spike)
        + equations._depression_clock(per_spike)
    )
    g = b2.NeuronGroup(
        1,
        text,
        threshold=f"v >= {depression.THRESHOLD}",
        refractory=f"v >= {depression.THRESHOLD}",
        reset=depression.per_spike_reset(["res_x"]) if per_spike else "",
        events=depression.spike_events("v", per_spike),
        method="euler",
        dt=dt,
        name="dep",
    )
    g.tau_res = 400 * b2.ms
    g.depr_factor = 0.9
    g.res_x = res0
    if not per_spike:
        g.tspike = -1 * b2.second
        g.v_stored = v[0] * b2.mV
    depression.attach(g, "v_now", per_spike)
    mon = b2.StateMonitor(g, "res_x", record=0, when="end")
    spikes = b2.SpikeMonitor(g)
    b2.Network(g, mon, spikes).run((len(v) - 1) * dt, namespace={"now": now, "nxt": nxt})
    return np.asarray(mon.res_x[0]), len(spikes.t)


# spikes placed at different phases of the 10-step storage grid
SPIKES = [1003, 2000, 3007, 4009, 5001, 6005]


def depression_counts(res: np.ndarray) -> np.ndarray:
    """Number of steps on which res was multiplied (decreased) after each spike."""
    down = np.flatnonzero(np.diff(np.concatenate([[0.8], res])) < 0)
    return np.array([np.sum((down >= s - 1) & (down < s + 200)) for s in SPIKES])


def test_dynasim_rule_matches_dynasim_loop_with_downsample_10():
    v = synthetic_trace(7000, SPIKES)
    ours, n_spikes = brian2_depression(v, per_spike=False)
    ref = dynasim_depression_steps(v, downsample=10)
    assert n_spikes == len(SPIKES)  # one recorded spike per crossing
    np.testing.assert_array_equal(depression_counts(ours), depression_counts(ref))
    np.testing.assert_allclose(ours, ref, rtol=1e-9)
    counts = depression_counts(ref)
    # re-triggered detection: between 1 and 11 steps per spike, depending on the phase
    assert counts.min() >= 1 and counts.max() <= 11
    assert len(set(counts.tolist())) > 2


def test_dynasim_loop_with_downsample_1_depresses_two_steps_per_spike():
    v = synthetic_trace(7000, SPIKES)
    counts = depression_counts(dynasim_depression_steps(v, downsample=1))
    np.testing.assert_array_equal(counts, 2)  # inclusive tie at 2*dt


def test_per_spike_rule_depresses_once_per_spike():
    v = synthetic_trace(7000, SPIKES)
    ours, n_spikes = brian2_depression(v, per_spike=True)
    assert n_spikes == len(SPIKES)
    np.testing.assert_array_equal(depression_counts(ours), 1)
    # between spikes, recovery towards 1 with tau_res = 400 ms
    k = SPIKES[0] + 500
    expected = ours[k - 1] + DT_MS * (1 - ours[k - 1]) / 400.0
    assert ours[k] == pytest.approx(expected, rel=1e-12)
