"""The fast-scheme checks of scripts/fidelity_soplata2023.py that go beyond mean +- SD."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fidelity_soplata2023.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("fidelity_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(tc: list[float]) -> list[dict]:
    return [{"rate_PY_hz": 5.0 + 0.1 * k, "rate_TC_hz": r} for k, r in enumerate(tc)]


def test_a_population_active_in_some_seeds_is_split_into_share_and_rate(script):
    checks = {k: (ok, text) for k, ok, text in script.bistable_checks(
        rows([0, 0.7, 0.7, 0.7]), rows([0, 0, 0.8, 0.8]))}  # fmt: skip
    # PY fires in every seed of both schemes: no split for it
    assert set(checks) == {"rate_TC_hz active", "rate_TC_hz when active"}
    assert checks["rate_TC_hz active"][0]  # 3/4 against 2/4: Fisher p = 1
    assert "3/4 seeds against 2/4" in checks["rate_TC_hz active"][1]
    assert checks["rate_TC_hz when active"][0]  # 0.7 against 0.8 Hz: -12.5%
    assert "-12.5%" in checks["rate_TC_hz when active"][1]


def test_the_split_fails_on_a_different_share_or_rate(script):
    share = {k: ok for k, ok, _ in script.bistable_checks(rows([0.7] * 10), rows([0] * 9 + [0.7]))}
    assert not share["rate_TC_hz active"]  # 10/10 against 1/10: p < 0.001
    rate = {k: ok for k, ok, _ in script.bistable_checks(rows([0, 1.2, 1.2]), rows([0, 0.7, 0.7]))}
    assert rate["rate_TC_hz active"] and not rate["rate_TC_hz when active"]  # +71%


def test_populations_that_fire_in_every_seed_get_no_split(script):
    assert script.bistable_checks(rows([0.5, 0.6]), rows([0.4, 0.7])) == []
