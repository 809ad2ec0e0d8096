"""Lesion studies: the hub of a star matters most; nothing is lost; bad input is named."""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pytest

import wholebrain as wb
from wholebrain.objective import FeatureSpec
from wholebrain.studies.lesion import INTACT, REGION_CORRELATION, lesion_study, region_correlation

needs_cxx = pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")
LABELS = ["rA1", "rA2", "rV1", "lV1"]  # the small brain of test_compiled: same build
HUB = "rA1"
SPEC = FeatureSpec(window_s=2.0)  # 2.5 s of data per run


def star_brain() -> wb.BrainModel:
    """rA1 connected both ways to each of three leaves that are not connected to each other."""
    con = wb.load_connectome("tvb76").subset(LABELS)
    w = np.zeros((4, 4))
    w[0, 1:] = w[1:, 0] = 1.0
    star = dataclasses.replace(con, weights=w, name="star")
    return wb.BrainModel(star, global_coupling=10.0, overrides={"scale": 0.2})


@pytest.fixture(scope="module")
def study(small_brain_build, tmp_path_factory):
    record = tmp_path_factory.mktemp("lesion") / "runs.jsonl"
    result = lesion_study(star_brain(), duration=3.0, transient=0.5, seed=4, features=SPEC,
                          workers=2, build_dir=small_brain_build, record=record,
                          progress=False)  # fmt: skip
    return result, record


@needs_cxx
def test_disconnecting_the_hub_of_a_star_changes_coupling_most(study):
    result, _ = study
    ranking = result.ranking(REGION_CORRELATION)
    assert ranking[0][0] == HUB, result.to_table()
    corr = {r: result.features[r][REGION_CORRELATION] for r in (INTACT, *LABELS)}
    # without the hub the leaves run as independent columns: their correlation drops
    assert corr[HUB] < corr[INTACT] - 0.1, corr
    leaf_changes = [abs(corr[r] - corr[INTACT]) for r in LABELS[1:]]
    assert abs(corr[HUB] - corr[INTACT]) > 2 * max(leaf_changes), corr


@needs_cxx
def test_the_table_holds_every_region_feature_and_group(study, tmp_path):
    result, _ = study
    rows = result.changes()
    n_features = len(result.features[INTACT])
    assert len(rows) == len(LABELS) * n_features
    assert {r["group"] for r in rows} >= {"frontal", "central", "posterior", "all"}
    row = next(r for r in rows if r["region"] == HUB and r["feature"] == REGION_CORRELATION)
    assert row["change"] == pytest.approx(row["lesioned"] - row["intact"])
    csv = result.to_csv(tmp_path / "lesion.csv").read_text().splitlines()
    assert len(csv) == 1 + len(rows) and csv[0].startswith("region,feature,group")
    for path in result.plot(tmp_path):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@needs_cxx
def test_a_study_started_again_reruns_nothing_it_has(study, small_brain_build):
    result, record = study
    again = lesion_study(star_brain(), duration=3.0, transient=0.5, seed=4, features=SPEC,
                         workers=2, build_dir=small_brain_build, record=record,
                         progress=False)  # fmt: skip
    assert again.timings["runs"] == 0
    assert again.features.keys() == result.features.keys()
    for run, feats in result.features.items():  # NaN (no alpha peak) reads back as NaN
        assert again.features[run].keys() == feats.keys()
        np.testing.assert_array_equal(list(again.features[run].values()), list(feats.values()))


def test_region_correlation_of_known_signals():
    t = np.linspace(0, 1, 500)
    x = np.vstack([np.sin(9 * t), np.sin(9 * t), np.cos(31 * t)])
    assert region_correlation(x[:2]) == pytest.approx(1.0)
    assert region_correlation(x, keep=[0, 1]) == pytest.approx(1.0)
    assert np.isnan(region_correlation(x[:1]))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"regions": ["rA1", "nowhere"]}, "regions not in the model: \\['nowhere'\\]"),
        ({"regions": ["rA1", "rA1"]}, "lesioned once"),
        ({"duration": 2.0}, "must cover one 4 s spectral window"),
    ],
)
def test_bad_studies_fail_before_any_run(kwargs, message):
    with pytest.raises(ValueError, match=message):
        lesion_study(star_brain(), **kwargs)


def test_an_uncoupled_brain_cannot_be_lesioned():
    with pytest.raises(ValueError, match="global_coupling is 0"):
        lesion_study(star_brain().replace(global_coupling=0.0))


@needs_cxx
def test_a_dask_scheduler_in_other_processes_gives_the_same_study(study, small_brain_build,
                                                                   tmp_path):  # fmt: skip
    """The scale-out path: runs go to a scheduler address, and a worker in another process
    runs the compiled binary; same seed, same features as the in-process cluster."""
    from distributed import LocalCluster

    result, _ = study
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                      dashboard_address=None) as cluster:  # fmt: skip
        remote = lesion_study(star_brain(), [HUB], duration=3.0, transient=0.5, seed=4,
                              features=SPEC, scheduler=cluster.scheduler_address,
                              build_dir=small_brain_build, record=tmp_path / "runs.jsonl",
                              progress=False)  # fmt: skip
    assert remote.timings["runs"] == 2
    for region in (INTACT, HUB):
        assert remote.features[region] == result.features[region], region
