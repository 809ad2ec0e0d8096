"""scripts/coherent_shape.py: the region-spectrum summary and its bad input."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


@pytest.fixture(scope="module")
def script():
    sys.path.insert(0, str(SCRIPTS))  # it imports its sibling eeg_vs_recording
    try:
        spec = importlib.util.spec_from_file_location(
            "coherent_shape", SCRIPTS / "coherent_shape.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(SCRIPTS))
    return module


def test_region_shape_reads_the_exponent_and_beta_delta_of_power_law_signals(script):
    """Integrated white noise has a 1/f^2 spectrum: exponent 2, and beta (13-30 Hz) against
    delta (1-4 Hz) 10 log10 of the ratio of the band integrals of 1/f^2."""
    fs, n = 500.0, 30 * 500
    rng = np.random.default_rng(0)
    white = rng.standard_normal((3, n))
    brown = np.cumsum(white, axis=1)
    brown -= np.linspace(brown[:, :1], brown[:, -1:], n, axis=1)[..., 0]  # no drift
    ex, bd = script.region_shape(brown, fs, [0, 2])
    assert abs(ex - 2.0) < 0.3
    expected = 10 * np.log10((1 / 13 - 1 / 30) / (1 / 1 - 1 / 4))
    assert abs(bd - expected) < 2.0
    ex_white, bd_white = script.region_shape(white, fs, [1])
    assert abs(ex_white) < 0.3 and abs(bd_white - 10 * np.log10(17 / 3)) < 1.0


def test_a_folder_without_runs_is_a_one_line_error(tmp_path):
    out = subprocess.run([sys.executable, str(SCRIPTS / "coherent_shape.py"), str(tmp_path)],
                         capture_output=True, text=True)  # fmt: skip
    assert out.returncode == 2
    assert "no runs of eeg_vs_recording.py here" in out.stderr
    assert "Traceback" not in out.stderr
