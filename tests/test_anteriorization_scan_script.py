"""scripts/anteriorization_scan.py: moved ends of the axis and the shape checks at the fits."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import mne
import numpy as np
import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"
EXP, BD = "exponent[frontal]", "beta_minus_delta[frontal]"


@pytest.fixture(scope="module")
def script():
    sys.path.insert(0, str(SCRIPTS))  # it imports its siblings when it runs
    spec = importlib.util.spec_from_file_location("anteriorization_scan", SCRIPTS /
                                                  "anteriorization_scan.py")  # fmt: skip
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(SCRIPTS))


def test_a_point_carries_the_moved_wake_end_along_the_level(script):
    p0 = script.level_point(0.0, {}, {"g_kna": 0.3})
    p1 = script.level_point(1.0, {}, {"g_kna": 0.3})
    assert p0 == {"propofol_level": 0.0, "g_kna": pytest.approx(0.3)}
    assert p1["g_kna"] == pytest.approx(1.33)  # the propofol value
    assert script.level_point(0.5, {}) == {"propofol_level": 0.5}


def test_shape_features_read_a_power_law_frontal_group(script):
    """Integrated white noise: exponent 2, and beta - delta that of 1/f^2 on the Welch bins
    (0.5 Hz apart for 2-s windows) that the band powers average."""
    fs, n = 250.0, 60 * 250
    rng = np.random.default_rng(1)
    brown = np.cumsum(rng.standard_normal((4, n)), axis=1) * 1e-6
    brown -= np.linspace(brown[:, 0], brown[:, -1], n, axis=1)  # no drift
    info = mne.create_info(["F1", "F2", "O1", "O2"], fs, "eeg")
    raw = mne.io.RawArray(brown, info, verbose="error")
    f = script.shape_features(raw, {"frontal": ["F1", "F2"]}, window_s=2.0)
    assert abs(f[EXP] - 2.0) < 0.3

    def band(lo, hi):
        bins = np.arange(lo, hi + 1e-9, 0.5)
        return np.mean(bins**-2.0) * (hi - lo)

    expected = 10 * np.log10(band(13, 30) / band(1, 4))
    assert abs(f[BD] - expected) < 1.0


def test_shape_checks_compare_the_fits_with_the_segments(script):
    rec = {"awake": {EXP: 1.1, BD: -10.0}, "high": {EXP: 2.3, BD: -12.0}}
    model = [{EXP: 0.8, BD: -7.0}, {EXP: 0.2, BD: -1.0}, {EXP: 1.5, BD: -19.0}]
    checks = script.shape_checks([0.0, 0.2, 1.0], model, rec, {"awake": 0, "high": 2})
    assert [c["ok"] for c in checks["checks"]] == [True, True, True, False]
    assert checks["checks"][1]["model"] == pytest.approx(0.7)
    # the awake fit at the flat level misses the exponent and beta - delta
    worse = script.shape_checks([0.0, 0.2, 1.0], model, rec, {"awake": 1, "high": 2})
    assert [c["ok"] for c in worse["checks"]] == [False, True, False, False]
    assert "level 0.2" in worse["text"]
