"""One compile, many runs: reruns of a compiled brain equal fresh simulations, no recompiling."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import wholebrain as wb

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")
DURATION = 0.1


@pytest.fixture(scope="module")
def setup(small_brain_build):
    """Fresh simulations first (they reset Brian2's device), then one compiled brain."""
    build = small_brain_build
    con = wb.load_connectome("tvb76").subset(["rA1", "rA2", "rV1", "lV1"])
    model = wb.BrainModel(con, global_coupling=2.0, overrides={"scale": 0.2})
    fresh = {
        "intact": wb.simulate(model, DURATION, seed=3, backend="cpp", build_dir=build),
        "lesion": wb.simulate(model.disconnect("rA1"), DURATION, seed=3, backend="cpp",
                              build_dir=build),
    }  # fmt: skip
    brain = wb.compile_brain(model, DURATION, build_dir=build, connectivity_seed=3)
    objects = sorted(build.rglob("*.o"))
    mtimes = {p: p.stat().st_mtime_ns for p in objects}
    return brain, fresh, mtimes


def test_rerun_equals_a_fresh_simulation(setup):
    brain, fresh, _ = setup
    np.testing.assert_array_equal(brain.run(seed=3).eeg_proxy, fresh["intact"].eeg_proxy)


def test_lesion_by_zero_weights_equals_the_structural_lesion(setup):
    brain, fresh, _ = setup
    res = brain.run(seed=3, disconnected=("rA1",))
    np.testing.assert_array_equal(res.eeg_proxy, fresh["lesion"].eeg_proxy)
    assert not np.array_equal(res.eeg_proxy, fresh["intact"].eeg_proxy)


def test_parameters_and_seed_change_without_recompiling(setup):
    brain, fresh, mtimes = setup
    a = brain.run(seed=4, global_coupling=0.5)
    b = brain.run(seed=3, overrides={"scale": 0.2, "g_h": 0.4})
    assert b.params[0]["g_h"] == 0.4 and a.provenance["coupling"]["global_coupling"] == 0.5
    assert not np.array_equal(a.eeg_proxy, fresh["intact"].eeg_proxy)
    assert not np.array_equal(b.eeg_proxy, fresh["intact"].eeg_proxy)
    c = brain.run(seed=3, region_overrides={"rV1": {"g_h": 0.4}})  # one region's values
    assert [p["g_h"] for p in c.params] == [0.005, 0.005, 0.4, 0.005]
    assert not np.array_equal(c.eeg_proxy[2], fresh["intact"].eeg_proxy[2])
    assert mtimes and all(p.stat().st_mtime_ns == t for p, t in mtimes.items())  # no recompile


def test_one_compile_runs_any_sequence_of_durations(setup):
    """Short, long, short: Brian2 reads a monitor by the shape its last read gave it; every
    run of a compiled brain must read its own length (issue: the long run failed)."""
    brain, _, _ = setup
    runs = [brain.run(seed=s, duration=d) for s, d in ((1, 0.02), (2, 0.3), (1, 0.02))]
    for res, duration in zip(runs, (0.02, 0.3, 0.02), strict=True):
        assert res.duration_s == duration
        assert res.eeg_proxy.shape == (4, round(duration * res.proxy_sfreq))
        assert all(s["t"].max(initial=0.0) < duration for s in res.spikes.values())
    np.testing.assert_array_equal(runs[0].eeg_proxy, runs[2].eeg_proxy)
    assert runs[1].spikes["PY"].size > runs[0].spikes["PY"].size


def test_structural_changes_are_refused(setup):
    brain, _, _ = setup
    with pytest.raises(ValueError, match="a rerun cannot change \\['velocity'\\]"):
        brain.run(velocity=5.0)
    with pytest.raises(ValueError, match="structural"):
        brain.run(overrides={"scale": 0.4})


def test_a_simulation_in_between_invalidates_the_compiled_brain(setup, tmp_path):
    brain, _, _ = setup
    wb.simulate(wb.BrainModel.single_column(scale=0.2), 0.001)
    with pytest.raises(RuntimeError, match="compile_brain\\(\\) again"):
        brain.run(seed=1)


def test_building_the_same_structure_again_compiles_nothing(setup):
    """Even while an earlier build is still referenced (its Brian2 objects would otherwise
    rename the new build's code objects and force a full recompilation)."""
    brain, fresh, mtimes = setup
    first = wb.compile_brain(brain.model, DURATION, build_dir=brain.project, connectivity_seed=3)
    second = wb.compile_brain(brain.model, DURATION, build_dir=brain.project, connectivity_seed=3)
    assert first.compile_s < 1.0 and second.compile_s < 1.0
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items())
    np.testing.assert_array_equal(second.run(seed=3).eeg_proxy, fresh["intact"].eeg_proxy)
    with pytest.raises(RuntimeError, match="compile_brain\\(\\) again"):
        first.run(seed=3)
