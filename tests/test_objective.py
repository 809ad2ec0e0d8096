"""Summary features and the feature distance of fits and lesion studies."""

from __future__ import annotations

import mne
import numpy as np
import pytest

from wholebrain import recorded
from wholebrain.objective import ALPHA_PEAK, FeatureSpec, distance, summary_features

GROUPS = {"frontal": ["a", "b"], "central": ["c"], "posterior": ["d", "e"]}


def noise_raw(sfreq=200.0, seconds=20.0, alpha_front=1.0, seed=0) -> mne.io.RawArray:
    """Pink-ish noise on five channels; an 10 Hz rhythm on the frontal two."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(sfreq * seconds)) / sfreq
    data = np.cumsum(rng.normal(size=(5, t.size)), axis=1) * 1e-7
    data -= data.mean(axis=1, keepdims=True)
    data += rng.normal(size=data.shape) * 2e-6
    data[:2] += alpha_front * 5e-6 * np.sin(2 * np.pi * 10.0 * t)
    info = mne.create_info(["a", "b", "c", "d", "e"], sfreq, "eeg")
    return mne.io.RawArray(data, info, verbose=False)


def test_relative_features_ignore_the_overall_eeg_scale():
    """A model's EEG amplitude rests on an assumed dipole moment; relative features do not."""
    raw = noise_raw()
    scaled = mne.io.RawArray(raw.get_data() * 37.0, raw.info, verbose=False)
    a, b = summary_features(raw, GROUPS), summary_features(scaled, GROUPS)
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == pytest.approx(b[k], abs=1e-9), k
    absolute = FeatureSpec(relative=False)
    c, d = summary_features(raw, GROUPS, absolute), summary_features(scaled, GROUPS, absolute)
    assert d["alpha[frontal]"] - c["alpha[frontal]"] == pytest.approx(20 * np.log10(37.0))


def test_features_see_a_frontal_alpha_rhythm():
    f = summary_features(noise_raw(alpha_front=1.0), GROUPS)
    g = summary_features(noise_raw(alpha_front=0.0), GROUPS)
    assert f[ALPHA_PEAK] == pytest.approx(10.0, abs=0.5) and np.isnan(g[ALPHA_PEAK])
    assert f["alpha_front_minus_post"] > g["alpha_front_minus_post"] + 6.0
    assert f["alpha[frontal]"] > g["alpha[frontal]"] + 6.0


def test_distance_is_zero_for_equal_features_and_grows_with_the_difference():
    spec = FeatureSpec()
    a = summary_features(noise_raw(), GROUPS, spec)
    assert distance(a, a, spec) == 0.0
    b = {k: v + (3.0 if k.startswith("slow") else 0.0) for k, v in a.items()}
    c = {k: v + (6.0 if k.startswith("slow") else 0.0) for k, v in a.items()}
    assert 0 < distance(b, a, spec) < distance(c, a, spec)
    n = len(a)
    assert distance(b, a, spec) == pytest.approx(np.sqrt(3 / n))  # 3 slow features of 1 unit


def test_a_missing_alpha_peak_costs_the_penalty_and_nan_features_give_nan():
    spec = FeatureSpec(missing_peak_penalty=2.0)
    a = summary_features(noise_raw(), GROUPS, spec)
    no_peak = {**a, ALPHA_PEAK: np.nan}
    assert distance(no_peak, a, spec) == pytest.approx(2.0 / np.sqrt(len(a)))
    assert np.isnan(distance({**a, "slow[frontal]": np.nan}, a, spec))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"groups": {"frontal": ["a"], "posterior": ["d"]}}, "channel groups ['central']"),
        ({"sfreq_override": 50.0}, "beta band"),
        ({"seconds": 3.0}, "Welch window of 4.0 s is longer than the data"),
    ],
)
def test_bad_data_give_one_line_errors(kwargs, message):
    sfreq = kwargs.pop("sfreq_override", 200.0)
    raw = noise_raw(sfreq=sfreq, seconds=kwargs.pop("seconds", 20.0))
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")) as exc:
        summary_features(raw, kwargs.get("groups", GROUPS))
    assert "\n" not in str(exc.value)


def test_bad_feature_specs_are_refused():
    with pytest.raises(ValueError, match="unknown bands"):
        FeatureSpec(bands=("alfa",))
    with pytest.raises(ValueError, match="db_scale must be > 0"):
        FeatureSpec(db_scale=0.0)


@pytest.mark.skipif(not recorded.purdon_available(), reason="recorded EEG not present")
def test_recorded_propofol_changes_in_the_summary_features():
    """Higher propofol level vs awake, the changes the paper describes: relative slow power
    up, frontal alpha up, alpha moves to the front."""
    feats = {}
    for state in ("awake", "high"):
        raw = recorded.load_purdon(state)
        feats[state] = summary_features(raw, recorded.purdon_groups(raw))
    awake, high = feats["awake"], feats["high"]
    assert high["slow[frontal]"] > awake["slow[frontal]"]
    assert high["alpha[frontal]"] > awake["alpha[frontal]"]
    assert high["alpha_front_minus_post"] > awake["alpha_front_minus_post"]
