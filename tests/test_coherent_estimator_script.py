"""scripts/coherent_estimator.py: synthetic cells of known coherence, the truth it scores
against, and its verdict on the rule for undetected bands."""

from __future__ import annotations

import importlib.util
import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import signal

from wholebrain.dipole import population_signal

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location(
        "coherent_estimator", SCRIPTS / "coherent_estimator.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def errors(script):
    """Two 8-s columns per family, a region of 10^6 cells."""
    return script.evaluate(8.0, reps=2, cells=1e6, seed=3)


def test_synthetic_halves_share_the_prescribed_coherent_part(script):
    """The halves' means have the cross-spectrum S_c = kappa / (1 - kappa) (unit own
    spectrum) and each mean the power S_c + 1 / n_half: measured over 5-40 Hz on 60 s,
    within 10 %."""
    kappa = 0.02
    whole, half = script.synthetic_column(lambda f: np.full_like(f, kappa), 60_000,
                                          np.random.default_rng(0))  # fmt: skip
    n = script.MODEL_CELLS
    a, b = half / (n // 2), (whole - half) / (n - n // 2)
    f, s_ab = signal.csd(a, b, script.FS, nperseg=1000)
    s_a = signal.welch(a, script.FS, nperseg=1000)[1]
    band = (f >= 5) & (f <= 40)
    s_c = kappa / (1 - kappa)
    np.testing.assert_allclose(s_ab.real[band].mean(), s_c, rtol=0.1)
    np.testing.assert_allclose(s_a[band].mean(), s_c + 2 / n, rtol=0.1)


def test_the_column_reference_is_off_by_the_own_part_it_keeps(script, errors):
    """The column mean times N has N^2 (S_c + S_o / n) where the region has
    N^2 S_c + N S_o: for kappa = 1e-5 and N = 1e6 that is 10 log10(1e10 / 1.1e7) = 29.6 dB
    too much; the oracle filter is within the Welch scatter (under 4 dB RMS)."""
    s_c = 1e-5 / (1 - 1e-5)
    expect = 10 * np.log10(1e12 * (s_c + 1 / script.MODEL_CELLS) / (1e12 * s_c + 1e6))
    assert errors["column"]["flat 1e-5"][0] == pytest.approx(expect, abs=1.5)
    assert all(errors["oracle"][fam][0] < 4.0 for fam in script.FAMILIES)


def test_the_first_setting_is_the_librarys_default(script):
    params = inspect.signature(population_signal).parameters
    default = tuple(params[p].default for p in ("window_s", "smooth_hz", "undetected"))
    assert script.SETTINGS[0] == default
    assert script.SETTINGS[1] == (*default[:2], "zero")


def test_the_midpoint_rule_beats_setting_undetected_bands_to_zero(script, errors):
    """Mean RMS error of the region spectrum over the families (session 24, 16 columns per
    family: 9.6 against 22.1 dB in 8-s runs): at least 5 dB lower with two columns."""
    default, zero = (script.label(*s) for s in script.SETTINGS[:2])
    mean = {k: np.mean([errors[k][f][0] for f in script.FAMILIES]) for k in (default, zero)}
    assert mean[default] < mean[zero] - 5.0


def test_the_detection_limit_falls_with_run_length_and_smoothing(script):
    short, long = script.detection_limit(8.0, 1.0, 2.0), script.detection_limit(32.0, 1.0, 2.0)
    assert long < short
    assert script.detection_limit(32.0, 1.0, 24.0) < long
    # far above the 1/N that doubles a region's power for N = 1e6
    assert long > 1e-4


def test_bad_input_is_a_one_line_error():
    out = subprocess.run([sys.executable, str(SCRIPTS / "coherent_estimator.py"), "--lengths",
                          "4"], capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 2
    assert "--lengths must be at least 8 s" in out.stderr
    assert "Traceback" not in out.stderr
