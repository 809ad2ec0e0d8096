"""Recorded propofol EEG (Purdon et al. 2013): loader, groups, and the README's feature directions.

Tests that need the files skip when ``../shared/reference/eeg_propofol_purdon/`` (or
$WHOLEBRAIN_PURDON_DIR) is absent. Tolerances are generous: each figure is one 30 s window of
one person (see the data's README).
"""

from __future__ import annotations

import numpy as np
import pytest

from wholebrain.analysis import features
from wholebrain.recorded import (
    PURDON_DIR_ENV,
    PURDON_FILES,
    load_purdon,
    purdon_available,
    purdon_dir,
    purdon_groups,
)

needs_files = pytest.mark.skipif(
    not purdon_available(), reason="recorded EEG folder absent (set WHOLEBRAIN_PURDON_DIR)"
)


@pytest.fixture(scope="module")
def feats():
    if not purdon_available():
        pytest.skip("recorded EEG folder absent")
    out = {}
    for state in PURDON_FILES:
        raw = load_purdon(state)
        out[state] = features(raw, groups=purdon_groups(raw))
    return out


# --- loader (no files needed) -------------------------------------------------------------


def test_missing_folder_error_names_the_argument_and_the_env_var(tmp_path, monkeypatch):
    monkeypatch.delenv(PURDON_DIR_ENV, raising=False)
    with pytest.raises(FileNotFoundError, match=rf"path=.*{PURDON_DIR_ENV}"):
        load_purdon("awake", path=tmp_path / "nowhere")
    monkeypatch.setenv(PURDON_DIR_ENV, str(tmp_path / "elsewhere"))
    with pytest.raises(FileNotFoundError, match="elsewhere"):
        load_purdon("awake")


def test_missing_file_in_existing_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=PURDON_FILES["high"]):
        load_purdon("high", path=tmp_path)


def test_availability_needs_the_folder_and_all_three_segments(tmp_path):
    assert not purdon_available(tmp_path / "nowhere")
    names = list(PURDON_FILES.values())
    for name in names[:-1]:
        (tmp_path / name).write_bytes(b"")
    assert not purdon_available(tmp_path)
    (tmp_path / names[-1]).write_bytes(b"")
    assert purdon_available(tmp_path)


def test_unknown_state_is_rejected_with_the_allowed_states():
    with pytest.raises(ValueError, match=r"\['awake', 'high', 'low'\]"):
        load_purdon("deep")


def test_purdon_groups_rejects_channels_without_grid_names():
    with pytest.raises(ValueError, match="groups_by_position"):
        purdon_groups(["Fz", "Cz"])


# --- loader on the files ------------------------------------------------------------------


@needs_files
def test_segments_load_as_64_channel_30_s_raw_in_volts():
    raw = load_purdon("awake")
    assert raw.info["sfreq"] == 250 and len(raw.ch_names) == 64 and raw.n_times == 7500
    # uV -> V: scalp EEG amplitudes are tens of microvolts
    assert 1e-6 < np.std(raw.get_data()) < 1e-3
    assert raw.info["custom_ref_applied"]


@needs_files
def test_channel_names_come_from_the_grid_in_file_order():
    raw = load_purdon("high")
    assert raw.ch_names[41] == "R2C8" and raw.ch_names[52] == "R6C6"  # README's examples
    assert len(set(raw.ch_names)) == 64


@needs_files
def test_grid_groups_are_rows_0_1_frontal_and_7_8_posterior():
    groups = purdon_groups(load_purdon("awake"))
    assert [len(groups[g]) for g in ("frontal", "central", "posterior")] == [8, 48, 8]
    assert all(c[1] in "01" for c in groups["frontal"])
    assert all(c[1] in "78" for c in groups["posterior"])


@needs_files
def test_env_var_overrides_the_default_folder(monkeypatch):
    folder = purdon_dir()
    monkeypatch.setenv(PURDON_DIR_ENV, str(folder))
    assert purdon_dir() == folder
    assert load_purdon("low", montage=False).get_montage() is None


# --- the README's feature directions ------------------------------------------------------


def test_awake_posterior_alpha_peak_is_near_10_hz(feats):
    assert feats["awake"].alpha_peak_hz["posterior"] == pytest.approx(10.25, abs=1.0)


def test_propofol_frontal_alpha_peaks_are_11_to_12_hz(feats):
    assert feats["low"].alpha_peak_hz["frontal"] == pytest.approx(12.0, abs=1.0)
    assert feats["high"].alpha_peak_hz["frontal"] == pytest.approx(11.0, abs=1.0)


def test_alpha_moves_frontal_under_propofol(feats):
    # README: awake about -16 dB, lower level +9, higher level +10.5
    assert feats["awake"].anteriorization_db < -5
    assert feats["low"].anteriorization_db > 5
    assert feats["high"].anteriorization_db > 5
    rise = feats["high"].band_db["frontal"]["alpha"] - feats["awake"].band_db["frontal"]["alpha"]
    assert rise > 10  # README: about +17 dB


def test_frontal_slow_power_rises_with_propofol_level(feats):
    awake, low, high = (feats[s].band_db["frontal"]["slow"] for s in ("awake", "low", "high"))
    assert 0 < low - awake < high - awake  # README: +4.5 dB, +16 dB
    assert high - awake > 10


def test_high_level_coupling_is_peak_max_and_stronger_than_awake(feats):
    high, awake = feats["high"].coupling["frontal"], feats["awake"].coupling["frontal"]
    assert high.state == "peak_max"
    assert abs(high.preferred_phase_deg) < 45
    assert high.mi > 2 * awake.mi  # README: about 0.008 vs 0.003
    assert awake.state == "neither"


def test_high_level_spends_more_windows_in_peak_max_than_awake(feats):
    high, awake = feats["high"].states["all"], feats["awake"].states["all"]
    assert high.fraction("peak_max") > awake.fraction("peak_max") + 0.2
    assert high.fraction("trough_max") < 0.1
