"""The global coupling chosen before a study: the largest gain that keeps region rates in range."""

from __future__ import annotations

import numpy as np
import pytest
from test_fit import needs_cxx, small_brain

from wholebrain.studies.coupling_gain import _judge, choose_coupling


def _record(level, gain, py, tc, status="ok"):
    return {"level": level, "gain": gain, "status": status,
            "rates_hz": {"PY": list(py), "TC": list(tc)}}  # fmt: skip


def test_the_rule_takes_the_largest_gain_below_the_first_failure_and_floors_silent_cells():
    ref = _record(0.0, 0.0, [10, 20], [0.0, 0.2])
    records = [
        ref,
        _record(0.0, 0.5, [12, 22], [0.9, 0.0]),  # TC under the 1 Hz floor: ratio 1
        _record(0.0, 1.0, [9, 24], [1.2, 0.1]),  # PY 24/20 = x1.2 above the range: passes
        _record(0.0, 2.0, [5, 20], [0.1, 0.1]),  # PY 10/5 = x2 below the range: fails
        _record(0.0, 4.0, [15, 18], [0.5, 0.5]),  # passes, but above a failure
    ]
    choice = _judge(records, [0.5, 1.0, 2.0, 4.0], tolerance=1.25, floor_hz=1.0)
    assert choice.gain == 1.0
    assert choice.records[1]["ratio"]["TC"] == pytest.approx(1.0)
    assert choice.records[2]["ratio"]["PY"] == pytest.approx(1.2)
    assert choice.records[3]["passed"] is False and choice.records[4]["passed"] is True
    assert "fails" in choice.to_table() and "1.20" in choice.to_table()
    # regions that trade places inside the range (a bistable column in a short window) pass
    records[2] = _record(0.0, 1.0, [20, 10], [0, 0])
    assert _judge(records, [0.5, 1.0, 2.0, 4.0], 1.25, 1.0).records[2]["ratio"]["PY"] == 1.0
    # leaving the range upwards fails like downwards; a failed run fails its gain
    records[2] = _record(0.0, 1.0, [30, 30], [0, 0])
    assert _judge(records, [0.5, 1.0, 2.0, 4.0], 1.25, 1.0).gain == 0.5
    records[1] = _record(0.0, 0.5, [], [], status="nan")
    assert _judge(records, [0.5, 1.0, 2.0, 4.0], 1.25, 1.0).gain == 0.0


def test_quantiles_judge_the_bulk_of_the_regions_not_one_bistable_outlier():
    rng = np.random.default_rng(0)
    ref_py = rng.uniform(10, 20, 76)
    coupled = rng.uniform(10.5, 19.5, 76)
    coupled[7] = 40.0  # one region in an up state the uncoupled run did not catch
    records = [_record(1.0, 0.0, ref_py, np.zeros(76)), _record(1.0, 1.0, coupled, np.zeros(76))]
    assert _judge(records, [1.0], 1.25, 1.0).gain == 0.0  # extremes: 40/max(ref) fails
    choice = _judge(records, [1.0], 1.25, 1.0, quantile=0.05)
    assert choice.gain == 1.0 and choice.records[1]["ratio"]["PY"] < 1.05
    assert "quantiles 0.05-0.95" in choice.to_table()
    # a shift of the whole brain still fails at the quantiles
    records[1] = _record(1.0, 1.0, coupled * 1.6, np.zeros(76))
    choice = _judge(records, [1.0], 1.25, 1.0, quantile=0.05)
    assert choice.gain == 0.0 and choice.records[1]["ratio"]["PY"] > 1.25


def test_bad_settings_are_refused_before_anything_runs():
    with pytest.raises(ValueError, match="positive"):
        choose_coupling(small_brain(), gains=(0.0, 1.0))
    with pytest.raises(ValueError, match="factor"):
        choose_coupling(small_brain(), tolerance=0.5)
    with pytest.raises(ValueError, match="propofol_level"):
        choose_coupling(small_brain(), levels=())
    with pytest.raises(ValueError, match="quantile"):
        choose_coupling(small_brain(), quantile=0.5)


@needs_cxx
def test_real_runs_strong_coupling_moves_rates_out_of_range_and_the_journal_replays(
    small_brain_build, tmp_path
):
    """Four regions at scale 0.2: a modest gain keeps the rates, a huge one does not."""
    journal = tmp_path / "coupling.jsonl"
    kwargs = dict(gains=(0.5, 400.0), levels=(0.0,), duration=0.8, transient=0.3, seed=3,
                  record=journal, workers=2, build_dir=small_brain_build,
                  progress=False)  # fmt: skip
    choice = choose_coupling(small_brain(), **kwargs)
    by_gain = {r["gain"]: r for r in choice.records}
    assert set(by_gain) == {0.0, 0.5, 400.0}
    assert all(r["status"] == "ok" for r in choice.records), choice.to_table()
    assert by_gain[0.5]["passed"], choice.to_table()
    assert not by_gain[400.0]["passed"], choice.to_table()
    assert choice.gain == 0.5
    py0, py_strong = (np.asarray(by_gain[g]["rates_hz"]["PY"]) for g in (0.0, 400.0))
    assert not np.allclose(py0, py_strong)
    again = choose_coupling(small_brain(), **kwargs)  # replayed: nothing runs
    assert again.gain == choice.gain and again.records == choice.records
