"""Aperiodic exponent and peaks (FOOOF) on signals whose 1/f exponent and peak are known."""

from __future__ import annotations

import numpy as np
import pytest

from wholebrain.aperiodic import aperiodic_features, parameterize, parameterize_groups

SFREQ, SECONDS = 250.0, 60.0


def one_over_f(chi: float, seed: int, n_channels: int = 3) -> np.ndarray:
    """Gaussian noise whose power falls as 1/f**chi (V), shaped in the frequency domain."""
    rng = np.random.default_rng(seed)
    n = int(SFREQ * SECONDS)
    freqs = np.fft.rfftfreq(n, 1 / SFREQ)
    amp = np.zeros_like(freqs)
    amp[1:] = freqs[1:] ** (-chi / 2)
    shape = (n_channels, freqs.size)
    spec = amp * (rng.normal(size=shape) + 1j * rng.normal(size=shape))
    x = np.fft.irfft(spec, n=n, axis=-1)
    return 1e-5 * x / x.std()


def with_alpha(x: np.ndarray, freq: float, seed: int, rel: float = 0.6) -> np.ndarray:
    """``x`` plus a narrow-band oscillation at ``freq`` (a noisy sine, 1 Hz wide)."""
    rng = np.random.default_rng(seed)
    t = np.arange(x.shape[-1]) / SFREQ
    phase = 2 * np.pi * freq * t + np.cumsum(rng.normal(0, 0.05, x.shape), axis=-1)
    return x + rel * x.std() * np.sqrt(2) * np.sin(phase)


@pytest.mark.parametrize("chi", [1.0, 1.5, 2.2])
def test_the_exponent_of_a_known_one_over_f_is_recovered(chi):
    x = one_over_f(chi, seed=int(chi * 10))
    feats = aperiodic_features(x, {"g": ["ch0", "ch1", "ch2"]}, (2.0, 40.0), sfreq=SFREQ,
                               peak_band=None)  # fmt: skip
    assert feats["exponent[g]"] == pytest.approx(chi, abs=0.1)


def test_a_peak_above_the_aperiodic_part_is_found_at_its_frequency():
    x = with_alpha(one_over_f(1.5, seed=3), 10.0, seed=4)
    params = parameterize_groups(x, {"g": ["ch0", "ch1", "ch2"]}, sfreq=SFREQ)["g"]
    freq, power = params.strongest_peak((7.0, 14.0))
    assert freq == pytest.approx(10.0, abs=0.5) and power > 0.3
    assert params.exponent == pytest.approx(1.5, abs=0.2)  # the peak does not bend the slope
    none = parameterize_groups(one_over_f(1.5, seed=5), {"g": ["ch0"]}, sfreq=SFREQ)["g"]
    assert np.isnan(none.strongest_peak((7.0, 14.0))[0])


def test_steeper_spectra_give_larger_exponents_in_every_group():
    flat, steep = one_over_f(1.0, seed=1), one_over_f(2.0, seed=2)
    groups = {"front": ["ch0"], "back": ["ch1", "ch2"]}
    a = aperiodic_features(flat, groups, sfreq=SFREQ, peak_band=None)
    b = aperiodic_features(steep, groups, sfreq=SFREQ, peak_band=None)
    for g in ("front", "back", "all"):
        assert b[f"exponent[{g}]"] > a[f"exponent[{g}]"] + 0.7


def test_ranges_outside_the_data_are_refused_in_one_line():
    x = one_over_f(1.0, seed=0)
    with pytest.raises(ValueError, match="above the Nyquist frequency \\(125 Hz\\)"):
        aperiodic_features(x, {"g": ["ch0"]}, (2.0, 200.0), sfreq=SFREQ)
    freqs = np.linspace(1, 40, 157)
    with pytest.raises(ValueError, match="outside the spectrum \\(1-40 Hz\\)"):
        parameterize(freqs, freqs**-1.0, (0.5, 30.0))
    with pytest.raises(ValueError, match="0 < low < high"):
        parameterize(freqs, freqs**-1.0, (30.0, 2.0))
    with pytest.raises(ValueError, match="> 0"):
        parameterize(freqs, -(freqs**-1.0), (2.0, 30.0))


def test_objectives_can_compare_aperiodic_features_alone_or_with_band_power():
    from wholebrain.objective import FeatureSpec, distance, summary_features

    groups = {"frontal": ["ch0"], "posterior": ["ch1", "ch2"]}
    # alpha about 12 dB above the 1/f part in both (a 30-dB peak skews any fit)
    flat = with_alpha(one_over_f(1.2, seed=6), 10.0, seed=7, rel=0.3)
    steep = with_alpha(one_over_f(2.0, seed=8), 10.0, seed=9, rel=0.05)
    only = FeatureSpec(bands=(), groups=("frontal", "posterior"), alpha_peak=False,
                       anteriorization=False, aperiodic=True)  # fmt: skip
    a, b = (summary_features(x, groups, only, sfreq=SFREQ) for x in (flat, steep))
    assert set(a) == {"exponent[frontal]", "exponent[posterior]", "peak_power[frontal]",
                      "peak_power[posterior]"}  # fmt: skip
    assert b["exponent[frontal]"] - a["exponent[frontal]"] == pytest.approx(0.8, abs=0.2)
    assert a["peak_power[frontal]"] > 3.0  # the alpha peak stands out of the 1/f fit
    assert distance(a, a, only) == 0.0 and distance(b, a, only) > 2.0  # 0.8 / 0.25 per exponent
    both = FeatureSpec(groups=("frontal", "posterior"), aperiodic=True)
    feats = summary_features(flat, groups, both, sfreq=SFREQ)
    assert "alpha[frontal]" in feats and "exponent[posterior]" in feats
    assert "aperiodic" in both.to_dict() and "aperiodic" not in FeatureSpec().to_dict()
