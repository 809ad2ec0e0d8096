"""Scanning: each point runs once, is scored against every target, and is kept on disk."""

from __future__ import annotations

import json

import pytest

# forward and target are module fixtures shared with the fit tests
from test_fit import (  # noqa: F401
    DURATION,
    SEED,
    SPEC,
    TRANSIENT,
    forward,
    needs_cxx,
    small_brain,
    target,
)

from wholebrain.objective import FeatureSpec
from wholebrain.studies.scan import parse_point, scan

POINTS = [{"propofol_level": 0.0}, {"propofol_level": 0.6}, {"propofol_dose": 0.02}]


@needs_cxx
def test_a_scan_scores_every_point_against_every_target_and_resumes(
    small_brain_build,
    forward,  # noqa: F811
    target,  # noqa: F811
    tmp_path,
):
    """The target is the brain's own EEG at propofol_level 0.6 (test_fit's hidden truth):
    that point must be the closest one to it."""
    history = tmp_path / "scan.jsonl"
    kwargs = dict(features=SPEC, extra_features={"absolute": FeatureSpec(relative=False)},
                  duration=DURATION, transient=TRANSIENT, seed=SEED, history=history,
                  workers=2, forward=forward, build_dir=small_brain_build,
                  progress=False)  # fmt: skip
    raws_dir = tmp_path / "raws"
    res = scan(small_brain(), POINTS, {"truth": target}, raws_dir=raws_dir, **kwargs)
    assert [r["status"] for r in res.records] == ["ok", "ok", "ok"]
    # each point keeps its region rates: the propofol end fires its TC cells more than wake
    rates = [r["rates_hz"] for r in res.records]
    assert all(len(r["PY"]) == len(small_brain().region_labels) for r in rates)
    assert rates[1]["PY"] != rates[0]["PY"]
    assert res.best("truth")["params"] == {"propofol_level": 0.6}, res.to_table()
    d = [r["distances"]["default"]["truth"] for r in res.records]
    assert d[1] < 0.5 * min(d[0], d[2]), res.to_table()
    # both specs are kept apart: the relative and the absolute beta of the same run differ
    feats = res.records[1]["features"]
    assert feats["default"]["beta[frontal]"] != feats["absolute"]["beta[frontal]"]
    assert "propofol_level=0.6" in res.to_table() and "*" in res.to_table()
    assert len(history.read_text().splitlines()) == 1 + len(POINTS)
    # run again with the same history: nothing is simulated, the records are the same
    again = scan(small_brain(), POINTS, {"truth": target}, **kwargs)
    assert again.raws == {} and json.dumps(again.records) == json.dumps(res.records)
    # with the folder of kept EEG, the replayed points get their sensor EEG back
    kept = scan(small_brain(), POINTS, {"truth": target}, raws_dir=raws_dir, **kwargs)
    assert sorted(kept.raws) == [0, 1, 2]
    assert abs(kept.raws[1].get_data() - res.raws[1].get_data()).max() < 1e-12
    with pytest.raises(ValueError, match="another study"):
        scan(small_brain(), POINTS[:2], {"truth": target}, **kwargs)


def test_scan_points_are_checked_before_anything_is_compiled():
    with pytest.raises(ValueError, match="cannot fit 'g_kan'"):
        scan(small_brain(), [{"g_kan": 1.0}], {"t": {}})
    with pytest.raises(ValueError, match="the point .* invalid model"):
        scan(small_brain(), [{"g_h": -1.0}], {"t": {}})
    with pytest.raises(ValueError, match="serves one spec only"):
        scan(small_brain(), [{"g_h": 0.1}], {"t": {}}, extra_features={"a": FeatureSpec()})
    with pytest.raises(ValueError, match="at least one point"):
        scan(small_brain(), [], {"t": {}})
    assert parse_point("propofol_level=0.5, global_coupling=2") == {
        "propofol_level": 0.5, "global_coupling": 2.0}  # fmt: skip
    with pytest.raises(ValueError, match="NAME=VALUE"):
        parse_point("propofol_level")
