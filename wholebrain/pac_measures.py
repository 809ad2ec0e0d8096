"""Phase-amplitude coupling measures: the numbers :mod:`wholebrain.pac` scores states from.

Follows the authors' DynaSim analysis (``onslow_coupling``; see ``docs/soplata2023.md`` 7.2):
2nd-order Butterworth band-pass filters applied forward and backward (zero phase), the Hilbert
transform for phase (0.5-2 Hz) and amplitude (8-14 Hz), phase-binned mean amplitude, the Tort
et al. (2010) modulation index, the preferred phase, and a time-shift surrogate test of the
modulation index in sliding windows (one window spanning the data scores a whole segment).

Phase convention: 0 rad is the peak of the band-passed slow oscillation, +-pi its trough.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import butter, hilbert, sosfiltfilt

#: Slow-oscillation phase band, Hz (authors' value).
PAC_PHASE_BAND: tuple[float, float] = (0.5, 2.0)
#: Alpha amplitude band, Hz (authors' value).
PAC_AMPLITUDE_BAND: tuple[float, float] = (8.0, 14.0)
#: Butterworth design order (MATLAB/scipy ``butter(2, band)``: a 4th-order band-pass).
FILTER_ORDER = 2
#: Number of slow-phase bins (authors' value).
N_PHASE_BINS = 12


def check_band(band: tuple[float, float], sfreq: float, name: str) -> None:
    """Raise a one-line ValueError unless ``0 <= lo < hi < sfreq / 2``.

    Parameters
    ----------
    band : tuple of float
        (low, high) edges, Hz.
    sfreq : float
        Sampling rate, Hz.
    name : str
        Name of the band, for the message.
    """
    lo, hi = band
    if not 0 <= lo < hi:
        raise ValueError(f"{name} band {band} Hz is not (low, high) with 0 <= low < high")
    if hi >= sfreq / 2:
        raise ValueError(
            f"{name} band {band} Hz reaches the Nyquist frequency {sfreq / 2:g} Hz of "
            f"sfreq={sfreq:g} Hz; use data sampled above {2 * hi:g} Hz or drop/lower the band"
        )


def phase_amplitude(
    data: np.ndarray,
    sfreq: float,
    phase_band: tuple[float, float] = PAC_PHASE_BAND,
    amplitude_band: tuple[float, float] = PAC_AMPLITUDE_BAND,
    order: int = FILTER_ORDER,
) -> tuple[np.ndarray, np.ndarray]:
    """Slow phase and alpha amplitude envelope of each channel.

    Parameters
    ----------
    data : ndarray, shape (n_channels, n_samples) or (n_samples,)
        Signals, any unit.
    sfreq : float
        Sampling rate, Hz.
    phase_band, amplitude_band : tuple of float
        Band-pass edges, Hz.
    order : int
        Butterworth design order (the band-pass has twice this order).

    Returns
    -------
    phase : ndarray
        Instantaneous slow phase, rad in [-pi, pi], same shape as ``data``.
    amplitude : ndarray
        Instantaneous amplitude of the fast band, unit of ``data``, same shape.
    """
    check_band(phase_band, sfreq, "phase")
    check_band(amplitude_band, sfreq, "amplitude")
    out = []
    for band in (phase_band, amplitude_band):
        # Second-order sections rather than the authors' (b, a): the same filter, but stable
        # for a 0.5 Hz band at the 10 kHz of a simulated proxy where (b, a) loses precision.
        sos = butter(order, band, btype="bandpass", fs=sfreq, output="sos")
        out.append(hilbert(sosfiltfilt(sos, data, axis=-1), axis=-1))
    return np.angle(out[0]), np.abs(out[1])


def modulation_index(distribution: np.ndarray) -> np.ndarray:
    """Tort et al. (2010) modulation index along the last axis.

    Parameters
    ----------
    distribution : ndarray, shape (..., n_bins)
        Mean amplitude per phase bin (need not be normalised; NaN bins give NaN).

    Returns
    -------
    ndarray, shape (...)
        ``(log n_bins - H(P)) / log n_bins``, dimensionless in [0, 1].
    """
    p = distribution / distribution.sum(axis=-1, keepdims=True)
    n = p.shape[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0)
    plogp = np.where(np.isnan(p), np.nan, plogp)
    return (np.log(n) + plogp.sum(axis=-1)) / np.log(n)


def preferred_phase(distribution: np.ndarray, bin_centers: np.ndarray) -> np.ndarray:
    """Circular mean phase of an amplitude distribution, rad, along the last axis."""
    return np.angle(np.sum(distribution * np.exp(1j * bin_centers), axis=-1))


def _windowed_distributions(
    bins: np.ndarray, amplitude: np.ndarray, n_bins: int
) -> tuple[np.ndarray, np.ndarray]:
    """Normalised mean amplitude per bin for (n_windows, n_channels, n_samples) arrays.

    Returns the per-channel distributions (n_windows, n_channels, n_bins; NaN where a channel's
    window misses a bin) and the channel average over complete channels (n_windows, n_bins).
    """
    n_win, n_ch, _ = bins.shape
    # one bincount for all windows and channels: offset each (window, channel) by n_bins
    offset = (np.arange(n_win * n_ch) * n_bins).reshape(n_win, n_ch, 1)
    flat = (bins + offset).ravel()
    size = n_win * n_ch * n_bins
    counts = np.bincount(flat, minlength=size).reshape(n_win, n_ch, n_bins)
    sums = np.bincount(flat, weights=amplitude.ravel(), minlength=size).reshape(counts.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums / counts
        dist = mean / mean.sum(axis=-1, keepdims=True)
    complete = np.all(counts > 0, axis=-1, keepdims=True)
    dist = np.where(complete, dist, np.nan)
    with np.errstate(invalid="ignore"):
        n_ok = complete.sum(axis=1)
        group = np.where(complete, dist, 0.0).sum(axis=1) / n_ok
    return dist, np.where(n_ok > 0, group, np.nan)


def windowed_coupling(
    phase: np.ndarray,
    amplitude: np.ndarray,
    length: int,
    step: int,
    n_bins: int,
    n_surrogates: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Distributions, MIs, phases and surrogate p-values of sliding windows.

    Parameters
    ----------
    phase, amplitude : ndarray, shape (n_channels, n_samples)
        Slow phase (rad) and fast-band envelope, as from :func:`phase_amplitude`.
    length, step : int
        Window length and step, samples (``length == step == n_samples``: the whole segment).
    n_bins : int
        Number of phase bins.
    n_surrogates : int
        Time-shift surrogates for the p-value.
    seed : int
        Seed of the surrogate lags.

    Returns
    -------
    dict
        ``bin_centers`` (n_bins,), rad; per window: ``dist`` (n_windows, n_channels, n_bins,
        NaN where a channel misses a bin), ``group`` (channel average, n_windows, n_bins),
        ``mi_group``, ``mi_channels`` (n_windows, n_channels), ``phase`` (preferred, rad) and
        ``p`` (one-sided, ``(1 + n_ge) / (1 + n_surrogates)``; NaN where MI is NaN).
    """
    bin_centers = -np.pi + (np.arange(n_bins) + 0.5) * 2 * np.pi / n_bins
    bins = np.floor((phase + np.pi) / (2 * np.pi) * n_bins).astype(np.intp)
    bins = np.clip(bins, 0, n_bins - 1)
    # views (n_channels, n_windows, length) -> (n_windows, n_channels, length)
    wb = sliding_window_view(bins, length, axis=-1)[:, ::step].transpose(1, 0, 2)
    wa = sliding_window_view(amplitude, length, axis=-1)[:, ::step].transpose(1, 0, 2)
    dist, group = _windowed_distributions(wb, wa, n_bins)
    mi_group = modulation_index(group)
    rng = np.random.default_rng(seed)
    n_ge = np.zeros(len(wb))
    n = amplitude.shape[-1]
    # Shift the whole amplitude series, then cut windows: a window's surrogate pairs its phase
    # with amplitude from at least one window length away. (A circular shift inside a 2 s
    # window would often shift by about one slow period and keep the coupling.)
    lo, hi = (length, n - length) if n >= 3 * length else (n // 10, n - n // 10)
    for lag in rng.integers(lo, hi + 1, size=n_surrogates):
        shifted = sliding_window_view(np.roll(amplitude, lag, axis=-1), length, axis=-1)
        _, g = _windowed_distributions(wb, shifted[:, ::step].transpose(1, 0, 2), n_bins)
        n_ge += modulation_index(g) >= mi_group
    p = (1 + n_ge) / (1 + n_surrogates)
    return {
        "bin_centers": bin_centers,
        "dist": dist,
        "group": group,
        "mi_group": mi_group,
        "mi_channels": modulation_index(dist),
        "phase": preferred_phase(group, bin_centers),
        "p": np.where(np.isnan(mi_group), np.nan, p),
    }


__all__ = [
    "FILTER_ORDER",
    "N_PHASE_BINS",
    "PAC_AMPLITUDE_BAND",
    "PAC_PHASE_BAND",
    "check_band",
    "modulation_index",
    "phase_amplitude",
    "preferred_phase",
    "windowed_coupling",
]
