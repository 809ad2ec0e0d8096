"""The regime scores of soplata2023.regimes on spike trains whose regime is known."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from wholebrain.columns.soplata2023 import regimes

WINDOWS = 4


def spikes(times: np.ndarray) -> dict[str, np.ndarray]:
    times = np.sort(times)
    return {"t": times, "i": np.zeros(times.size, int), "region": np.zeros(times.size, int)}


def run(py: np.ndarray, tc: np.ndarray) -> SimpleNamespace:
    return SimpleNamespace(duration_s=float(WINDOWS), spikes={"PY": spikes(py), "TC": spikes(tc)})


def poisson(rate_hz: float, rng: np.random.Generator, t0=0.0, t1=float(WINDOWS)) -> np.ndarray:
    return np.sort(rng.uniform(t0, t1, rng.poisson(rate_hz * (t1 - t0))))


def up_states(rng: np.random.Generator, rate_hz: float) -> np.ndarray:
    """Spikes only inside 200-ms UP states once a second: synchronous cortex."""
    return np.concatenate([poisson(rate_hz, rng, k + 0.4, k + 0.6) for k in range(WINDOWS)])


def test_each_window_state_gets_its_score():
    rng = np.random.default_rng(1)
    asynchronous_py = poisson(600.0, rng)  # 100 cells at 6 Hz, independent
    busy_tc = poisson(300.0, rng)  # 20 cells at 15 Hz
    cases = {
        # thalamic alpha under an asynchronous cortex: the trough-max state
        "continuous": run(asynchronous_py, busy_tc),
        # thalamus and cortex both firing only in UP states: slow-wave interrupted
        "interrupted": run(up_states(rng, 3000.0), up_states(rng, 1500.0)),
        # thalamus silent while the cortex stays asynchronous
        "silent": run(asynchronous_py, np.array([])),
    }
    expect = {  # (classify_windows label, trough_max_like, thalamus_silent)
        "continuous": ("continuous", True, False),
        "interrupted": ("interrupted", False, False),
        "silent": ("other", False, True),
    }
    for name, res in cases.items():
        label, tmax, silent = expect[name]
        assert regimes.classify_windows(res) == [label] * WINDOWS, name
        assert regimes.trough_max_like(res).tolist() == [tmax] * WINDOWS, name
        assert regimes.thalamus_silent(res).tolist() == [silent] * WINDOWS, name


def test_windows_between_the_regimes_margins_count_by_the_interrupted_thresholds():
    """A busy thalamus under a cortex with synchrony between the continuous margin (0.7)
    and the interrupted threshold (0.9) is "other" for the classifier, trough-max-like here;
    above 0.9 it is neither."""
    rng = np.random.default_rng(2)
    busy_tc = poisson(300.0, rng)
    per_bin = int(round(1.0 / regimes.BIN_S))

    def py_with_cv(cv: float) -> np.ndarray:
        # two bin rates alternating: counts a, b with (b - a) / (a + b) = cv gives that CV
        a, b = 10 * (1 - cv), 10 * (1 + cv)
        counts = np.tile([a, b], WINDOWS * per_bin // 2).round().astype(int)
        return np.concatenate([np.full(c, (k + 0.5) * regimes.BIN_S) for k, c in enumerate(counts)])

    between, above = run(py_with_cv(0.8), busy_tc), run(py_with_cv(1.0), busy_tc)
    assert np.allclose(regimes.window_measures(between)["cv"], 0.8)
    assert regimes.classify_windows(between) == ["other"] * WINDOWS
    assert regimes.trough_max_like(between).all()
    assert not regimes.trough_max_like(above).any()
    assert not regimes.thalamus_silent(above).any()
