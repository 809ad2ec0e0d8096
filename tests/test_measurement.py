"""The recording's measurement applied to model and recording alike: sensors, reference,
groups, segment; the mapping of electrodes onto the default head."""

from __future__ import annotations

import mne
import numpy as np
import pytest

from wholebrain import headmodel as hm
from wholebrain.leadfield import map_to_default_head, standard_1005
from wholebrain.measurement import measurement_of
from wholebrain.objective import FeatureSpec, summary_features
from wholebrain.recorded import grid_channel_name
from wholebrain.studies.runner import target_features, target_measurement

SFREQ = 100.0


def _grid_raw(rows=4, cols=5, seconds=8.0, seed=0):
    """Grid-named channels without positions, like the Purdon files."""
    names = [grid_channel_name(r, c) for r in range(rows) for c in range(cols)]
    data = np.random.default_rng(seed).normal(size=(len(names), int(seconds * SFREQ))) * 1e-6
    return mne.io.RawArray(data, mne.create_info(names, SFREQ, "eeg"), verbose=False)


def _named_raw(names, seconds=8.0, seed=1, montage=False):
    data = np.random.default_rng(seed).normal(size=(len(names), int(seconds * SFREQ))) * 1e-6
    raw = mne.io.RawArray(data, mne.create_info(list(names), SFREQ, "eeg"), verbose=False)
    if montage:
        pos = standard_1005()
        raw.set_montage(
            mne.channels.make_dig_montage({n: pos[n.lower()] for n in names}, coord_frame="head"),
            verbose=False,
        )
    return raw


NAMES = ["Fp1", "Fp2", "F3", "F4", "Fz", "C3", "C4", "Cz", "P3", "P4", "Pz", "O1", "O2", "Oz"]


def test_grid_recording_gets_grid_positions_rows_and_a_hjorth_laplacian():
    raw = _grid_raw()
    m = measurement_of(raw)
    assert m.mapping == "purdon-grid" and m.reference == "laplacian"
    assert m.recording_referenced and m.segment_s == pytest.approx(8.0)
    assert set(m.groups["frontal"]) == {grid_channel_name(r, c) for r in (0, 1) for c in range(5)}
    assert set(m.neighbours["R1C1"]) == {"R0C1", "R2C1", "R1C0", "R1C2"}
    assert set(m.neighbours["R0C0"]) == {"R1C0", "R0C1"}  # a corner has two
    out = m.apply(raw).get_data()
    x = raw.get_data()
    i = {n: k for k, n in enumerate(raw.ch_names)}
    expect = x[i["R1C1"]] - np.mean([x[i[n]] for n in m.neighbours["R1C1"]], axis=0)
    np.testing.assert_allclose(out[list(m.ch_names).index("R1C1")], expect, rtol=1e-12)
    # the recording already carries it: left as it is
    np.testing.assert_array_equal(m.apply(raw, recording=True).get_data(), x)


@pytest.mark.parametrize("reference", ["average", "laplacian"])
def test_both_references_remove_any_common_reference_signal(reference):
    """A model and a recording that differ only by their reference electrode's signal (one
    signal added to every channel) are measured identically."""
    raw = _named_raw(NAMES, montage=True)
    m = measurement_of(raw, reference=reference)
    shifted = raw.copy()
    shifted._data = shifted._data + np.sin(np.arange(raw.n_times) / 7.0) * 1e-5
    np.testing.assert_allclose(
        m.apply(shifted).get_data(), m.apply(raw, recording=True).get_data(), atol=1e-18
    )


def test_fit_features_use_the_same_channels_groups_reference_and_segment_on_both_sides():
    """target_features measures the recording as the measurement says; the model side
    (StudyRunner.sensor_raw) applies the same: equal data give equal features even when the
    model's run is longer and its EEG has another reference and extra channels."""
    rec = _named_raw(NAMES, seconds=30.0, montage=True)
    m = target_measurement(rec, None, None, 11.0, 1.0)
    assert m.segment_s == pytest.approx(10.0) and m.reference == "average"
    spec = FeatureSpec(alpha_peak=False)
    target, groups = target_features(rec, None, spec, m)
    assert groups == {g: list(c) for g, c in m.groups.items()}
    extra = mne.io.RawArray(np.zeros((1, rec.n_times)), mne.create_info(["X9"], SFREQ, "eeg"),
                            verbose=False)  # fmt: skip
    model = rec.copy().add_channels([extra], force_update_info=True)
    model._data[:-1] = model._data[:-1] + 3e-6  # another reference
    got = summary_features(m.apply(model), groups, spec)
    assert got.keys() == target.keys()
    for k in target:
        assert got[k] == pytest.approx(target[k], abs=1e-9), k
    # False: no measurement (the model keeps its sensors); features as a dict: none either
    assert target_measurement(rec, None, False, 11.0, 1.0) is None
    assert target_measurement({"alpha_power[all]": 1.0}, None, None, 11.0, 1.0) is None


def test_positions_come_from_the_montage_or_from_10_05_names():
    assert measurement_of(_named_raw(NAMES, montage=True)).mapping == "montage"
    m = measurement_of(_named_raw(NAMES))
    assert m.mapping == "10-05 names"
    np.testing.assert_allclose(m.positions_m[0], standard_1005()["fp1"])
    assert set(m.groups) == {"frontal", "central", "posterior"}
    assert "Fp1" in m.groups["frontal"] and "O1" in m.groups["posterior"]


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: measurement_of(_named_raw(["A1x", "B2y", "C3z", "D4w"])), "no channel positions"),
        (lambda: measurement_of(_named_raw(NAMES), groups={"frontal": ["Fp9"]}), "lacks"),
        (lambda: measurement_of(_named_raw(NAMES), reference="mastoids"), "reference must be"),
        (lambda: measurement_of(_named_raw(NAMES), segment_s=60.0), "segment_s"),
        (lambda: measurement_of(_named_raw(NAMES[:2])), "at least 3"),
        (lambda: measurement_of(_named_raw(NAMES)).apply(_named_raw(NAMES[:5])), "not in the data"),
        (lambda: measurement_of(_named_raw(NAMES)).apply(_named_raw(NAMES, 2.0)), "shorter"),
        (lambda: measurement_of(_named_raw(NAMES)).with_segment(0), "positive"),
        (lambda: target_measurement({"a": 1.0}, None, True, 5.0, 1.0), "recording itself"),
    ],
)
def test_bad_measurement_input_is_one_line(make, match):
    with pytest.raises(ValueError, match=match) as err:
        make()
    assert "\n" not in str(err.value)


def test_10_05_positions_of_tvb_electrodes_land_near_tvb_data_own():
    """The registration onto the default head: MNE's 10-05 positions of the electrodes
    tvb-data's cap shares with it land a median of under 1 cm from tvb-data's own
    (projected onto the same scalp), and no more than 3 cm."""
    names, own = hm.read_tvb_sensors()
    std = standard_1005()
    keep = [i for i, n in enumerate(names) if n.lower() in std]
    assert len(keep) >= 60
    mapped = map_to_default_head(np.array([std[names[i].lower()] for i in keep]))
    scalp = hm.default_head_surfaces(3)["outer_skin"]
    proj = hm.place_sensors_on_scalp([names[i] for i in keep], own[keep], scalp)
    dist = np.linalg.norm(mapped - proj, axis=1)
    assert np.median(dist) < 10.0 and dist.max() < 30.0
    with pytest.raises(ValueError, match="at least 4"):
        map_to_default_head(np.zeros((2, 3)))


def test_a_recording_read_lazily_from_a_file_is_measured_like_the_loaded_one(tmp_path):
    raw = _named_raw(NAMES)
    raw.save(tmp_path / "rec_raw.fif", verbose=False)
    lazy = mne.io.read_raw_fif(tmp_path / "rec_raw.fif", preload=False, verbose=False)
    m = measurement_of(lazy)
    np.testing.assert_allclose(
        m.apply(lazy, recording=True).get_data(),
        m.apply(raw, recording=True).get_data(),
        atol=1e-12,  # FIF keeps float32 samples
    )
