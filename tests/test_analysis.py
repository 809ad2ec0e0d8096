"""EEG features on synthetic signals with known answers, and their bad-input errors."""

from __future__ import annotations

import mne
import numpy as np
import pytest

from wholebrain import pac
from wholebrain.analysis import (
    ALPHA_BAND,
    BANDS,
    alpha_peak_frequency,
    anteriorization,
    band_power,
    compute_spectrum,
    features,
    groups_by_position,
    read_eeg,
    to_db,
)

SFREQ = 250.0


def _time(duration_s: float, sfreq: float = SFREQ) -> np.ndarray:
    return np.arange(int(duration_s * sfreq)) / sfreq


def _coupled(kind: str, duration_s: float = 30.0, seed: int = 0) -> np.ndarray:
    """1 Hz slow wave + 10 Hz alpha whose amplitude peaks at slow phase 0 or +-pi, in V."""
    t = _time(duration_s)
    rng = np.random.default_rng(seed)
    # irregular slow wave, 1 +- 0.3 Hz: a strictly periodic one would survive the time-shift
    # surrogates of the coupling test (shifting it only rotates the preferred phase)
    freq = 1.0 + 0.3 * np.convolve(rng.standard_normal(t.size), np.hanning(250), "same") / 9
    slow = np.cos(2 * np.pi * np.cumsum(freq) / SFREQ)  # phase 0 at the maxima of the cosine
    envelope = {"peak": 1 + 0.8 * slow, "trough": 1 - 0.8 * slow, "none": np.ones_like(t)}[kind]
    noise = rng.standard_normal(t.size)
    return 1e-5 * (2 * slow + envelope * np.sin(2 * np.pi * 10.0 * t) + 0.3 * noise)


def _raw(data: np.ndarray, names: list[str]) -> mne.io.RawArray:
    info = mne.create_info(names, SFREQ, ch_types="eeg")
    return mne.io.RawArray(data, info, verbose=False)


# --- spectra, band power, alpha peak -------------------------------------------------------


@pytest.mark.parametrize("method", ["welch", "multitaper"])
def test_alpha_peak_of_10hz_sinusoid_is_10hz(method):
    t = _time(20.0)
    noise = 0.1 * np.random.default_rng(1).standard_normal(t.size)
    x = 1e-5 * (np.sin(2 * np.pi * 10.0 * t) + noise)
    spec = compute_spectrum(x, SFREQ, method=method)
    assert alpha_peak_frequency(spec) == pytest.approx(10.0, abs=0.25)


def test_alpha_peak_is_nan_without_a_peak_in_the_band():
    # 1/f^2 noise: no alpha peak, only estimation ripples (< 1 dB with 4 x 120 s)
    x = np.cumsum(np.random.default_rng(2).standard_normal((4, int(120 * SFREQ))), axis=1)
    assert np.isnan(alpha_peak_frequency(compute_spectrum(x * 1e-6, SFREQ)))


def test_white_noise_band_power_density_is_flat():
    x = np.random.default_rng(3).standard_normal((4, int(120 * SFREQ))) * 1e-5
    power = band_power(compute_spectrum(x, SFREQ))
    density_db = {b: to_db(power[b] / (hi - lo)).mean() for b, (lo, hi) in BANDS.items()}
    # 0.1-1 Hz has only 4 Welch bins, hence the wider tolerance overall
    assert max(density_db.values()) - min(density_db.values()) < 1.5


def test_band_power_of_sinusoid_lands_in_its_band():
    t = _time(20.0)
    x = 1e-5 * np.sin(2 * np.pi * 20.0 * t)  # beta
    power = band_power(compute_spectrum(x, SFREQ))
    assert power["beta"][0] > 100 * max(power[b][0] for b in ("delta", "theta", "alpha"))
    # Parseval: the sinusoid's power a^2/2 is recovered (Hann-window leakage stays in band)
    assert power["beta"][0] == pytest.approx(0.5e-10, rel=0.05)


def test_gamma_is_dropped_below_nyquist_and_kept_above():
    x = np.random.default_rng(4).standard_normal(3000) * 1e-6
    assert "gamma_power[all]" not in features(x, sfreq=150.0).as_dict()
    assert "gamma_power[all]" in features(x, sfreq=SFREQ).as_dict()


# --- anteriorization and groups ---------------------------------------------------------------


def test_anteriorization_is_frontal_minus_posterior_alpha_in_db():
    t = _time(20.0)
    rng = np.random.default_rng(5)
    alpha = np.sin(2 * np.pi * 10.0 * t)
    # frontal alpha 10x the amplitude of posterior alpha -> +20 dB
    data = 1e-6 * np.vstack([10 * alpha, 10 * alpha, alpha, alpha])
    data += 1e-8 * rng.standard_normal(data.shape)
    spec = compute_spectrum(data, SFREQ)
    spec = type(spec)(spec.freqs, spec.psd, ("F1", "F2", "O1", "O2"), spec.method)
    groups = {"frontal": ["F1", "F2"], "posterior": ["O1", "O2"]}
    assert anteriorization(spec, groups) == pytest.approx(20.0, abs=0.5)
    assert anteriorization(spec, groups, band=ALPHA_BAND) > 0


def test_groups_by_position_puts_fp1_frontal_and_o1_posterior():
    # approximate 10-20 positions, m (x right, y anterior, z up)
    pos = {
        "Fp1": (-0.03, 0.08, 0.03),
        "Fp2": (0.03, 0.08, 0.03),
        "Fz": (0, 0.06, 0.07),
        "C3": (-0.06, 0, 0.07),
        "Cz": (0, 0, 0.09),
        "C4": (0.06, 0, 0.07),
        "Pz": (0, -0.06, 0.07),
        "O1": (-0.03, -0.08, 0.03),
        "O2": (0.03, -0.08, 0.03),
    }
    names = list(pos)
    raw = _raw(np.zeros((9, 100)), names)
    montage = mne.channels.make_dig_montage(
        {k: np.array(v) for k, v in pos.items()}, coord_frame="head"
    )
    raw.set_montage(montage)
    groups = groups_by_position(raw.info)
    assert "Fp1" in groups["frontal"] and "O1" in groups["posterior"]
    assert sorted(sum(groups.values(), [])) == sorted(names)


def test_features_of_raw_and_array_agree():
    data = np.vstack([_coupled("peak"), _coupled("none", seed=1)])
    raw = _raw(data, ["A", "B"])
    a, b = features(raw), features(data, sfreq=SFREQ)
    assert a.band_db["all"] == pytest.approx(b.band_db["all"])
    assert a.coupling["all"].mi == pytest.approx(b.coupling["all"].mi)


def test_features_table_has_one_row_per_feature_and_group():
    data = np.vstack([_coupled("peak"), _coupled("trough", seed=1)])
    f = features(_raw(data, ["F1", "O1"]), groups={"frontal": ["F1"], "posterior": ["O1"]})
    rows = f.to_rows()
    assert {r["group"] for r in rows} == {"all", "frontal", "posterior"}
    assert f.as_dict()["pac_state[frontal]"] == "peak_max"
    assert f.as_dict()["pac_state[posterior]"] == "trough_max"
    table = f.to_table()
    assert table.splitlines()[0].split() == ["feature", "unit", "all", "frontal", "posterior"]
    assert "alpha_front_minus_post" in table


# --- phase-amplitude coupling -------------------------------------------------------------------


def test_alpha_at_slow_peak_is_peak_max_and_at_trough_is_trough_max():
    peak = pac.coupling(_coupled("peak"), SFREQ)
    trough = pac.coupling(_coupled("trough"), SFREQ)
    assert peak.state == "peak_max" and abs(peak.preferred_phase_deg) < 30
    assert trough.state == "trough_max" and abs(trough.preferred_phase_deg) > 150
    assert peak.p_value < 0.05 and trough.p_value < 0.05


def test_modulated_alpha_has_larger_mi_than_unmodulated():
    coupled = pac.coupling(_coupled("peak"), SFREQ).mi
    flat = pac.coupling(_coupled("none"), SFREQ)
    assert coupled > 10 * flat.mi
    assert flat.state == "neither"


def test_mi_of_uniform_distribution_is_zero_and_of_one_bin_is_one():
    assert pac.modulation_index(np.ones(12)) == pytest.approx(0.0)
    one_bin = np.r_[1.0, np.zeros(11)]
    assert pac.modulation_index(one_bin) == pytest.approx(1.0)


def test_state_score_counts_windows_of_each_state():
    score = pac.state_score(_coupled("peak"), SFREQ)
    assert len(score.states) == 29  # 30 s, 2 s windows every 1 s, as the authors
    # windows whose 2 s hold an unlucky slow cycle fall to "neither", never to the wrong state
    assert score.fractions["peak_max"] > 0.65 and score.fractions["trough_max"] == 0
    assert sum(score.fractions.values()) == pytest.approx(1.0)


def test_state_score_follows_a_switch_from_trough_to_peak_max():
    x = np.r_[_coupled("trough", 15.0), _coupled("peak", 15.0, seed=1)]
    score = pac.state_score(x, SFREQ)
    first, last = score.states[:13], score.states[-13:]
    assert first.count("trough_max") >= 8 and "peak_max" not in first
    assert last.count("peak_max") >= 8 and "trough_max" not in last


def test_state_score_of_white_noise_is_mostly_neither():
    x = np.random.default_rng(6).standard_normal(int(60 * SFREQ))
    assert pac.state_score(x, SFREQ).fractions["neither"] > 0.6


# --- bad input -----------------------------------------------------------------------------------


def test_nan_data_is_rejected_naming_the_channel():
    x = np.random.default_rng(7).standard_normal((2, 2000))
    x[1, 10] = np.nan
    with pytest.raises(ValueError, match=r"NaN.*ch1.*interpolate"):
        features(x, SFREQ)


def test_sampling_rate_too_low_for_a_band_is_rejected():
    x = np.random.default_rng(8).standard_normal(3000)
    with pytest.raises(ValueError, match="Nyquist"):
        features(x, sfreq=20.0)  # alpha (8-14 Hz) needs more than 28 Hz
    with pytest.raises(ValueError, match=r"gamma.*Nyquist"):
        features(x, sfreq=100.0, bands={"gamma": (30.0, 80.0)})
    with pytest.raises(ValueError, match="Nyquist"):
        pac.coupling(x, 20.0)


def test_array_without_sfreq_is_rejected():
    with pytest.raises(ValueError, match="sfreq"):
        features(np.zeros(1000))


def test_missing_channel_groups_are_rejected():
    x = np.random.default_rng(9).standard_normal((2, 2500)) * 1e-6
    spec = compute_spectrum(x, SFREQ)
    with pytest.raises(ValueError, match=r"'frontal' and 'posterior'.*missing \['posterior'\]"):
        anteriorization(spec, {"frontal": ["ch0"]})
    with pytest.raises(ValueError, match=r"not in the data: \['Fz'\]"):
        features(x, SFREQ, groups={"frontal": ["Fz"]})
    with pytest.raises(ValueError, match="empty"):
        features(x, SFREQ, groups={"frontal": []})


def test_unreadable_eeg_files_are_rejected_with_the_formats_mne_reads(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        read_eeg(tmp_path / "missing.fif")
    bad = tmp_path / "notes.xyz"
    bad.write_text("not EEG")
    with pytest.raises(ValueError, match=r"MNE cannot read 'notes.xyz'.*FIF, EDF"):
        read_eeg(bad)
    corrupt = tmp_path / "broken_raw.fif"
    corrupt.write_bytes(b"\x00" * 64)
    with pytest.raises(ValueError, match="MNE cannot read 'broken_raw.fif'"):
        read_eeg(corrupt)


def test_read_eeg_reads_a_fif_file(tmp_path):
    raw = _raw(np.random.default_rng(10).standard_normal((2, 1000)) * 1e-6, ["Fz", "Oz"])
    raw.save(tmp_path / "x_raw.fif", verbose=False)
    back = read_eeg(tmp_path / "x_raw.fif")
    assert back.ch_names == ["Fz", "Oz"]
    np.testing.assert_allclose(back.get_data(), raw.get_data(), rtol=1e-6)
