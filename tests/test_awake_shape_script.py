"""scripts/awake_shape.py: the shape measure, the summary and bad input."""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("awake_shape", SCRIPTS / "awake_shape.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shape_of_a_power_law_and_of_an_added_alpha_rhythm(script):
    fs, n = 250.0, 60 * 250
    rng = np.random.default_rng(2)
    brown = np.cumsum(rng.standard_normal(n))
    brown -= np.linspace(brown[0], brown[-1], n)
    s = script.shape(brown, fs)
    assert abs(s["exponent"] - 2.0) < 0.3
    assert s["beta_minus_delta"] < -12.0  # 1/f^2 on the 0.5-Hz bins: -13.9 dB
    t = np.arange(n) / fs
    alpha = script.shape(brown + 20 * np.sin(2 * np.pi * 10 * t), fs)
    assert alpha["alpha_minus_delta"] > s["alpha_minus_delta"] + 10.0
    assert abs(alpha["beta_minus_delta"] - s["beta_minus_delta"]) < 1.0


def test_summary_averages_over_seeds_and_the_table_shows_the_recording(script):
    runs = [{"value": v, "seed": s, **{k: v * 10 + s for k in script.RATES},
             **{f"{sig}_{k}": v + s for sig in script.SIGNALS for k in script.SHAPE}}
            for v in (0.1, 0.3) for s in (1, 2)]  # fmt: skip
    rows = script.summarise(runs, [0.1, 0.3])
    assert rows[1]["PY"] == pytest.approx(4.5) and rows[1]["PY_sd"] == pytest.approx(0.5)
    assert rows[0]["coherent_exponent"] == pytest.approx(1.6)
    args = argparse.Namespace(seeds=[1, 2], duration=12.0, level=0.0, param="g_kna")
    text = script.table(rows, {k: -1.0 for k in script.SHAPE}, args)
    assert "recorded" in text and "g_kna" in text and "1.60 (0.50)" in text


def test_a_bad_parameter_is_one_line_before_any_run():
    proc = subprocess.run([sys.executable, str(SCRIPTS / "awake_shape.py"), "--param",
                           "g_knaa"], capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 2
    assert "not a numeric parameter" in proc.stderr and "Traceback" not in proc.stderr
