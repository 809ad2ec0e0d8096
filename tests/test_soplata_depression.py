"""The depression rule on a synthetic voltage trace gives DynaSim's result.

The reference is an emulation of DynaSim b1aa46d's solver loop (dsWriteDynaSimSolver):
each step k, with t = T(k-1): Euler-update res using the spike buffer from earlier steps;
then test ``v_k >= thr & v_prev < thr`` where v_prev is the last *stored* sample
(every ``downsample`` steps, after the test), writing t into a 2-slot buffer on success.
Times are Python floats, so the window test ``t - tspike <= 2*dt`` rounds exactly as
DynaSim's IEEE doubles do (T(k) = (k-1)*dt, as Octave computes ``0:dt:T_end``).
"""

from __future__ import annotations

import shutil

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
        window = any((t - ts) <= 2 * DT_MS for ts in buffer)  # DynaSim's test, IEEE rounding
        res = 0.9 * res if window else res + DT_MS * (1 - res) / 400.0
        if v[k] >= THR and v_prev < THR:
            buffer = [buffer[1], t]
        if k % downsample == 0:
            v_prev = v[k]
        out[k - 1] = res
    return out


def brian2_depression(
    v: np.ndarray,
    per_spike: bool,
    res0: float = 0.8,
    emulated: bool = False,
    dt_ms: float = DT_MS,
    crossing: str = "interpolated",
) -> np.ndarray:
    """res after every step from our Brian2 mechanism, driven by the trace ``v`` (sampled at
    ``dt_ms``); ``emulated``: the fast scheme's one-factor reset instead of the window."""
    b2.device.reinit()
    b2.device.activate()
    b2.set_device("runtime")
    b2.prefs.codegen.target = "numpy"
    dt = dt_ms * b2.ms
    stepwise = not (per_spike or emulated)
    # During step k (t = T(k-1)) the real group's threshold sees the updated v_k and the
    # storage at the start of the step sees v_{k-1}: two views of the same trace.
    now = b2.TimedArray(v[:-1] * b2.mV, dt=dt)  # noqa: F841 (used by name in equations)
    nxt = b2.TimedArray(v[1:] * b2.mV, dt=dt)  # noqa: F841
    text = (
        "v = nxt(t) : volt\nv_now = now(t) : volt\nv_prev = now(t) : volt\n"
        "tau_res : second (constant)\ndepr_factor : 1 (constant)\n"
        + equations._depressing("x", not stepwise)
        + equations._depression_clock(not stepwise)
    )
    if per_spike:
        reset = depression.per_spike_reset(["res_x"])
    elif emulated:
        reset = depression.emulated_reset("v", ["res_x"], crossing=crossing)
    else:
        reset = ""
    g = b2.NeuronGroup(
        1,
        text,
        threshold=f"v >= {depression.THRESHOLD}",
        refractory=f"v >= {depression.THRESHOLD}",
        reset=reset,
        events=depression.spike_events("v", stepwise),
        method="euler",
        dt=dt,
        name="dep",
        namespace=depression.namespace(),
    )
    g.tau_res = 400 * b2.ms
    g.depr_factor = 0.9
    g.res_x = res0
    if stepwise:
        g.tspike = -1 * b2.second
        g.v_stored = v[0] * b2.mV
    depression.attach(g, "v_now", stepwise)
    mon = b2.StateMonitor(g, "res_x", record=0, when="end")
    spikes = b2.SpikeMonitor(g)
    b2.Network(g, mon, spikes).run(
        (len(v) - 1) * dt, namespace={"now": now, "nxt": nxt, **depression.namespace()}
    )
    return np.asarray(mon.res_x[0]), len(spikes.t)


# spikes at every phase of the 10-step storage grid, with DynaSim's 2*dt tie both ways
SPIKES = [1003, 2000, 3007, 4009, 5001, 6005, 7002, 8004, 9006, 10008, 11000, 12001, 13009]
N_STEPS = 14000


def depression_counts(res: np.ndarray) -> np.ndarray:
    """Number of steps on which res was multiplied (decreased) after each spike."""
    down = np.flatnonzero(np.diff(np.concatenate([[0.8], res])) < 0)
    return np.array([np.sum((down >= s - 1) & (down < s + 200)) for s in SPIKES])


def test_dynasim_rule_matches_dynasim_loop_with_downsample_10():
    v = synthetic_trace(N_STEPS, SPIKES)
    ours, n_spikes = brian2_depression(v, per_spike=False)
    ref = dynasim_depression_steps(v, downsample=10)
    assert n_spikes == len(SPIKES)  # one recorded spike per crossing
    np.testing.assert_array_equal(depression_counts(ours), depression_counts(ref))
    np.testing.assert_allclose(ours, ref, rtol=1e-9)
    counts = depression_counts(ref)
    # re-triggered detection: between 1 and 11 steps per spike, depending on the phase
    assert counts.min() >= 1 and counts.max() <= 11
    assert len(set(counts.tolist())) > 2
    # the tie at 2*dt went both ways among these spikes (else this test proves less)
    trigger_phase = 10 - (np.array(SPIKES) - 1) % 10  # m = 1..10 trigger steps
    extra = counts - trigger_phase
    assert set(extra.tolist()) == {0, 1}


def test_tie_of_dynasim_grid_is_decided_by_ieee_doubles():
    steps = np.arange(200_000)
    ties = depression.dynasim_ties(steps)
    # Octave's 0:dt:T_end holds T(i) = i*dt
    np.testing.assert_array_equal(ties, ((steps + 2) * 0.01 - steps * 0.01) <= 2 * 0.01)
    assert 0.6 < ties.mean() < 0.9  # both outcomes are common (76% inclusive)


def ramp_trace(n_steps: int, crossings_ms: list[float], dt_ms: float) -> np.ndarray:
    """-65 mV with trapezoid spikes: linear up through -25 mV at ``crossings_ms`` (slope
    200 mV/ms, as a fast Na upstroke), 1 ms at +20 mV, linear down."""
    t = np.arange(n_steps + 1) * dt_ms
    v = np.full_like(t, -65.0)
    for c in crossings_ms:
        up = np.clip(-25.0 + 200.0 * (t - c), -65.0, 20.0)
        down = np.clip(20.0 - 200.0 * (t - c - 1.2), -65.0, 20.0)
        v = np.maximum(v, np.minimum(up, down))
    return v


# crossings at many phases of the 0.1-ms storage grid, away from its 0.01-ms boundaries
CROSSINGS_MS = [10.0 + 13.0 * k + 0.0037 + 0.0131 * k for k in range(14)]


@pytest.mark.parametrize("dt_ms", [0.05, 0.025])
def test_emulated_reset_gives_dynasim_counts_at_a_longer_step(dt_ms):
    n_fine = int(round(200.0 / DT_MS))
    ref = dynasim_depression_steps(ramp_trace(n_fine, CROSSINGS_MS, DT_MS), downsample=10)
    fine_counts = []
    for c in CROSSINGS_MS:
        k0 = int(c / DT_MS)
        seg = ref[k0 - 5 : k0 + 40]
        fine_counts.append(int(np.sum(np.diff(np.concatenate([[ref[k0 - 6]], seg])) < 0)))
    np.testing.assert_array_equal(fine_counts, depression.emulated_counts(CROSSINGS_MS))
    assert len(set(fine_counts)) > 4  # the phases give different N

    n = int(round(200.0 / dt_ms))
    ours, n_spikes = brian2_depression(
        ramp_trace(n, CROSSINGS_MS, dt_ms), per_spike=False, emulated=True, dt_ms=dt_ms
    )
    assert n_spikes == len(CROSSINGS_MS)
    for c, expected in zip(CROSSINGS_MS, fine_counts, strict=True):
        k = int(c / dt_ms)  # the coarse step that crosses ends at (k + 1)*dt
        before, after = ours[k - 1], ours[k]
        recovered = before + dt_ms * (1 - before) / 400.0
        assert after == pytest.approx(recovered * 0.9**expected, rel=1e-9) or after == (
            pytest.approx(before * 0.9**expected, rel=1e-9)
        )


def test_dynasim_loop_with_downsample_1_depresses_one_step_plus_the_tie():
    v = synthetic_trace(N_STEPS, SPIKES)
    counts = depression_counts(dynasim_depression_steps(v, downsample=1))
    # one trigger step (at T(s-1)), plus the 2*dt step where DynaSim's tie holds there
    ties = depression.dynasim_ties(np.array(SPIKES) - 1)
    np.testing.assert_array_equal(counts, 1 + ties)


def test_per_spike_rule_depresses_once_per_spike():
    v = synthetic_trace(N_STEPS, SPIKES)
    ours, n_spikes = brian2_depression(v, per_spike=True)
    assert n_spikes == len(SPIKES)
    np.testing.assert_array_equal(depression_counts(ours), 1)
    # between spikes, recovery towards 1 with tau_res = 400 ms
    k = SPIKES[0] + 500
    expected = ours[k - 1] + DT_MS * (1 - ours[k - 1]) / 400.0
    assert ours[k] == pytest.approx(expected, rel=1e-12)


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")
def test_compiled_tie_agrees_with_ieee_doubles(tmp_path):
    """The generated C++ runs with -ffast-math, which would fold the tie to 'true'; the
    function is compiled without it and must give numpy's answer on every step."""
    from wholebrain.engine import device

    n = 50_000
    steps = np.concatenate([np.arange(n), 123_456_789 + np.arange(n)])  # also ~20 min in
    device.standalone_device("cpp_standalone", str(tmp_path), DT_MS)
    try:
        g = b2.NeuronGroup(2 * n, "tie : 1\nstep : 1 (constant)", name="ties",
                           namespace=depression.namespace())  # fmt: skip
        g.step = steps
        g.run_regularly("tie = dynasim_tie(step, dt)", name="ties_code")
        mon = b2.StateMonitor(g, "tie", record=True, when="end")
        b2.Network(g, mon).run(1 * b2.defaultclock.dt)
        b2.device.build(directory=str(tmp_path), run=True, compile=True)
        got = np.asarray(mon.tie[:, 0]).astype(bool)
    finally:
        device.reset()
    for part in (slice(0, n), slice(n, 2 * n)):
        expected = depression.dynasim_ties(steps[part])
        np.testing.assert_array_equal(got[part], expected)
        assert 0 < expected.mean() < 1


@pytest.mark.parametrize("dt_ms", [0.025, 0.05])
def test_drawn_crossing_gives_dynasims_count_distribution_at_a_coarse_step(dt_ms):
    # the fast scheme's rule: the coarse step that crossed fixes the phase to within that
    # step, a uniform draw places the crossing inside it. Each spike's N is one that a
    # crossing inside its step can give, and over spikes at random times N has the
    # distribution of DynaSim's loop for uniform phases.
    from scipy.stats import chi2_contingency

    rng = np.random.default_rng(7)
    crossings = 5.0 + 3.0 * np.arange(300) + rng.uniform(0, 0.1, 300)
    n = int(round((crossings[-1] + 5.0) / dt_ms))
    b2.seed(11)
    ours, n_spikes = brian2_depression(
        ramp_trace(n, list(crossings), dt_ms), per_spike=False, emulated=True, dt_ms=dt_ms,
        crossing="drawn",
    )  # fmt: skip
    assert n_spikes == len(crossings)
    counts = []
    for c in crossings:
        k = int(c / dt_ms)  # the coarse step that crosses ends at (k + 1)*dt
        recovered = ours[k - 1] + dt_ms * (1 - ours[k - 1]) / 400.0
        counts.append(int(round(np.log(ours[k] / recovered) / np.log(0.9))))
        possible = depression.emulated_counts(k * dt_ms + dt_ms * np.linspace(0.001, 0.999, 50))
        assert counts[-1] in set(possible.tolist()), (c, counts[-1])
    uniform = depression.emulated_counts(rng.uniform(0, 1000, 20_000))
    edges = [1, 2, 4, 6, 8, 10, 11, 12]
    table = np.array([np.histogram(counts, edges)[0], np.histogram(uniform, edges)[0]])
    assert chi2_contingency(table).pvalue > 0.01, table
    assert abs(np.mean(counts) - uniform.mean()) < 0.4
