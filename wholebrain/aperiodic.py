"""The aperiodic (1/f) part of a spectrum and the peaks above it, measured with FOOOF.

A power spectrum is modelled as an aperiodic component, ``log10 P(f) = offset - log10(f^chi)``
(``aperiodic_mode="fixed"``; with ``"knee"`` the denominator is ``knee + f^chi``), plus
Gaussian peaks above it (Donoghue et al. 2020, Nat Neurosci 23:1655). The exponent ``chi`` is
what the 1/f slope of the EEG is usually reported as; under propofol it steepens (Colombo et
al. 2019, NeuroImage 189:631; Waschke et al. 2021, eLife 10:e70842).

Why FOOOF 1.1 and not specparam 2.0: ``fooof`` 1.1 is the stable release of the algorithm,
with a frozen API; ``specparam`` 2.0, its successor under a new name, is a release candidate
(2.0.0rc7) whose API still moves. Only :func:`parameterize` calls the library, so moving to
specparam 2.0 once it is released is a change in one function.

The same code measures simulated and recorded EEG: Welch spectra as
:mod:`wholebrain.spectrum` computes them, averaged over the channels of a group, then
parameterised over one frequency range.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from .analysis import resolve_groups
from .spectrum import PEAK_MIN_PROMINENCE_DB, WELCH_WINDOW_S, as_data, spectrum_of

#: the frequency range the aperiodic exponent is reported over, Hz (above the slow
#: oscillation, below line noise and the model's fast spiking components)
DEFAULT_RANGE = (2.0, 40.0)
#: names of the features :func:`aperiodic_features` returns, per group
EXPONENT, OFFSET, PEAK_FREQ, PEAK_POWER = "exponent", "offset", "peak_freq", "peak_power"


@dataclass(frozen=True)
class SpectralParameters:
    """The parameters of one spectrum.

    Attributes
    ----------
    exponent : float
        Aperiodic exponent chi (positive for a falling spectrum).
    offset : float
        Aperiodic offset, log10 of the power (in the spectrum's unit) at 1 Hz.
    knee : float or None
        Knee parameter (``aperiodic_mode="knee"`` only).
    peaks : ndarray, shape (n_peaks, 3)
        Centre frequency (Hz), power above the aperiodic fit (log10 units) and bandwidth (Hz)
        of every peak, strongest first.
    r_squared, error : float
        Goodness of the model fit (log10 power).
    freq_range : tuple of float
        The range that was fitted, Hz.
    """

    exponent: float
    offset: float
    knee: float | None
    peaks: np.ndarray = field(repr=False)
    r_squared: float
    error: float
    freq_range: tuple[float, float]

    def strongest_peak(self, band: tuple[float, float] | None = None) -> tuple[float, float]:
        """(centre frequency Hz, power above the aperiodic fit, log10) of the strongest peak,
        within ``band`` if given; (NaN, NaN) when there is none."""
        peaks = self.peaks
        if band is not None:
            peaks = peaks[(peaks[:, 0] >= band[0]) & (peaks[:, 0] <= band[1])]
        if len(peaks) == 0:
            return float("nan"), float("nan")
        best = peaks[np.argmax(peaks[:, 1])]
        return float(best[0]), float(best[1])


def parameterize(
    freqs: np.ndarray,
    psd: np.ndarray,
    freq_range: tuple[float, float] = DEFAULT_RANGE,
    *,
    aperiodic_mode: str = "fixed",
    peak_width_limits: tuple[float, float] = (1.0, 8.0),
    max_n_peaks: int = 6,
    min_peak_height: float = PEAK_MIN_PROMINENCE_DB / 10.0,
) -> SpectralParameters:
    """Fit the aperiodic component and peaks of one spectrum (FOOOF).

    Parameters
    ----------
    freqs : ndarray
        Frequencies, Hz (as :class:`wholebrain.spectrum.Spectrum` gives them).
    psd : ndarray
        Power spectral density at ``freqs`` (any unit; the offset is in its log10).
    freq_range : (float, float)
        Range to fit, Hz; it must lie within ``freqs``.
    aperiodic_mode : {"fixed", "knee"}
    peak_width_limits, max_n_peaks, min_peak_height
        FOOOF's peak settings (Hz, count, log10 power above the aperiodic fit). The default
        height, 0.3 (3 dB), is the alpha-peak prominence of :mod:`wholebrain.spectrum`: Welch
        spectra of 30-60 s of EEG have single-bin bumps of up to ~2 dB.

    Raises
    ------
    ValueError
        A range outside the spectrum, too few frequencies in it, or non-positive power.
    """
    freqs = np.asarray(freqs, float)
    psd = np.asarray(psd, float)
    lo, hi = (float(x) for x in freq_range)
    if freqs.ndim != 1 or psd.shape != freqs.shape:
        raise ValueError(f"freqs and psd must be 1-D of one length, got {freqs.shape}, "
                         f"{psd.shape}")  # fmt: skip
    if not 0 < lo < hi:
        raise ValueError(f"freq_range must be (low, high) Hz with 0 < low < high, got {freq_range}")
    if lo < freqs.min() or hi > freqs.max():
        raise ValueError(
            f"freq_range {lo:g}-{hi:g} Hz lies outside the spectrum ({freqs.min():g}-"
            f"{freqs.max():g} Hz); choose a range inside it or compute the spectrum wider"
        )
    inside = (freqs >= lo) & (freqs <= hi)
    if inside.sum() < 8:
        raise ValueError(
            f"only {int(inside.sum())} frequencies in {lo:g}-{hi:g} Hz; use a wider range or "
            "a longer Welch window"
        )
    if not (np.isfinite(psd[inside]).all() and (psd[inside] > 0).all()):
        raise ValueError("the spectrum must be finite and > 0 in freq_range to take its log")
    if aperiodic_mode not in ("fixed", "knee"):
        raise ValueError(f"aperiodic_mode must be 'fixed' or 'knee', got {aperiodic_mode!r}")
    # fooof 1.1 announces its successor at import, whatever the filters: keep it out
    with warnings.catch_warnings(record=True):
        from fooof import FOOOF

    model = FOOOF(peak_width_limits=peak_width_limits, max_n_peaks=max_n_peaks,
                  min_peak_height=min_peak_height, aperiodic_mode=aperiodic_mode,
                  verbose=False)  # fmt: skip
    model.fit(freqs, psd, [lo, hi])
    ap = model.get_params("aperiodic_params")
    peaks = np.atleast_2d(model.get_params("peak_params"))
    peaks = peaks[~np.isnan(peaks).any(axis=1)] if peaks.size else np.empty((0, 3))
    peaks = peaks[np.argsort(-peaks[:, 1])] if len(peaks) else np.empty((0, 3))
    knee = float(ap[1]) if aperiodic_mode == "knee" else None
    return SpectralParameters(
        exponent=float(ap[-1]),
        offset=float(ap[0]),
        knee=knee,
        peaks=peaks,
        r_squared=float(model.get_params("r_squared")),
        error=float(model.get_params("error")),
        freq_range=(lo, hi),
    )


def parameterize_groups(
    inst,
    groups: Mapping[str, Sequence[str]],
    freq_range: tuple[float, float] = DEFAULT_RANGE,
    *,
    sfreq: float | None = None,
    window_s: float = WELCH_WINDOW_S,
    **kwargs,
) -> dict[str, SpectralParameters]:
    """:func:`parameterize` the mean Welch spectrum of each channel group.

    Parameters
    ----------
    inst : mne.io.BaseRaw | ndarray
        EEG (V); an array needs ``sfreq``.
    groups : mapping of str to list of str
        Channel groups (e.g. :func:`wholebrain.analysis.groups_by_position`).
    freq_range : (float, float)
        Hz, within 0 and the Nyquist frequency.
    window_s : float
        Welch window, s.
    **kwargs
        Passed to :func:`parameterize`.
    """
    data, sfreq, names = as_data(inst, sfreq)
    if freq_range[1] > sfreq / 2:
        raise ValueError(
            f"freq_range {freq_range[0]:g}-{freq_range[1]:g} Hz reaches above the Nyquist "
            f"frequency ({sfreq / 2:g} Hz)"
        )
    resolved = resolve_groups(names, dict(groups))
    welch = spectrum_of(data, sfreq, names, "welch", fmax=sfreq / 2, window_s=window_s)
    return {
        g: parameterize(
            welch.freqs, welch.psd[welch.picks(chs)].mean(axis=0), freq_range, **kwargs
        )  # fmt: skip
        for g, chs in resolved.items()
    }


def aperiodic_features(
    inst,
    groups: Mapping[str, Sequence[str]],
    freq_range: tuple[float, float] = DEFAULT_RANGE,
    *,
    peak_band: tuple[float, float] | None = (7.0, 14.0),
    sfreq: float | None = None,
    window_s: float = WELCH_WINDOW_S,
) -> dict[str, float]:
    """Flat features per group: ``exponent[g]``, ``offset[g]`` and, with ``peak_band``, the
    strongest peak in it above the aperiodic fit: ``peak_freq[g]`` (Hz) and ``peak_power[g]``
    (dB above the aperiodic fit; NaN without a peak)."""
    params = parameterize_groups(inst, groups, freq_range, sfreq=sfreq, window_s=window_s)
    out: dict[str, float] = {}
    for g, p in params.items():
        out[f"{EXPONENT}[{g}]"] = p.exponent
        out[f"{OFFSET}[{g}]"] = p.offset
        if peak_band is not None:
            freq, power = p.strongest_peak(peak_band)
            out[f"{PEAK_FREQ}[{g}]"] = freq
            out[f"{PEAK_POWER}[{g}]"] = 10.0 * power  # log10 power -> dB
    return out
