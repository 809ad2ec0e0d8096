"""Slow-phase / alpha-amplitude coupling and the trough-max / peak-max state score.

Follows the authors' DynaSim analysis (``onslow_coupling``; see ``docs/soplata2023.md`` 7.2):
2nd-order Butterworth band-pass filters applied forward and backward (zero phase), the Hilbert
transform for phase (0.5-2 Hz) and amplitude (8-14 Hz), 12 phase bins, the Tort et al. (2010)
modulation index, and 2 s windows with 1 s overlap for the time-resolved picture.

Phase convention: 0 rad is the peak of the band-passed slow oscillation, +-pi its trough.
**Peak-max** means alpha amplitude is largest near phase 0, **trough-max** near +-pi.

The authors scored states by eye. Here a window (or a whole segment) is scored by this rule:

1. *Coupled?* The Tort MI of the (channel-averaged) phase-amplitude distribution must exceed
   that of ``N_SURROGATES`` surrogates, at ``SEGMENT_P_THRESHOLD`` (0.05) for a whole
   segment and ``WINDOW_P_THRESHOLD`` (0.2) for a 2 s window (one-sided, p = (1 + n_ge) /
   (1 + n_surrogates)). A surrogate circularly shifts the whole amplitude series by a random
   lag of at least one window (10-90 % of the data when it holds fewer than 3 windows).
   Surrogates give each window its own noise floor, which matters because the MI of a 2 s
   window of pure noise is far from zero and depends on the signal.
2. *Where?* The preferred phase (circular mean of the distribution) within
   ``SECTOR_DEG`` of 0 -> ``"peak_max"``; within ``SECTOR_DEG`` of +-pi -> ``"trough_max"``.
3. Anything else (not coupled, preferred phase in between, or a window whose slow phase did
   not visit every bin) -> ``"neither"``.
"""

from __future__ import annotations

from dataclasses import dataclass

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
#: State-score window length and step, s (2 s windows overlapping by 1 s, as the authors).
STATE_WINDOW_S = 2.0
STATE_STEP_S = 1.0
#: Half-width of the peak-max (around 0) and trough-max (around +-pi) phase sectors, degrees.
SECTOR_DEG = 60.0
#: Surrogates per window or segment for the coupling test.
N_SURROGATES = 50
#: One-sided significance level of the whole-segment coupling test.
SEGMENT_P_THRESHOLD = 0.05
#: Looser level for 2 s windows: with 1-4 slow cycles per window, random alignment of a
#: slowly modulated alpha envelope gives MIs as large as real coupling, so a 0.05 test misses
#: most visibly coupled windows. At 0.2, white noise puts about 8 % of windows in each state.
WINDOW_P_THRESHOLD = 0.2
#: State labels, in the order used by :class:`StateScore`.
STATES: tuple[str, ...] = ("trough_max", "peak_max", "neither")


@dataclass(frozen=True)
class Coupling:
    """Phase-amplitude coupling of one signal or one channel group over a whole segment.

    Attributes
    ----------
    bin_centers : ndarray, shape (n_bins,)
        Slow-phase bin centres, rad, in [-pi, pi).
    amplitude : ndarray, shape (n_bins,)
        Mean alpha amplitude per phase bin, normalised to sum to 1 (averaged over channels).
    mi : float
        Tort modulation index (dimensionless, 0..1), mean over the group's channels.
    mi_channels : ndarray, shape (n_channels,)
        Tort modulation index per channel.
    preferred_phase : float
        Circular mean slow phase of the alpha amplitude distribution, rad (0 = slow peak).
    p_value : float
        Surrogate p-value of the coupling of the averaged distribution.
    state : str
        ``"trough_max"``, ``"peak_max"`` or ``"neither"`` (rule in the module docstring).
    """

    bin_centers: np.ndarray
    amplitude: np.ndarray
    mi: float
    mi_channels: np.ndarray
    preferred_phase: float
    p_value: float
    state: str

    @property
    def preferred_phase_deg(self) -> float:
        """Preferred phase in degrees, (-180, 180]."""
        return float(np.degrees(self.preferred_phase))


@dataclass(frozen=True)
class StateScore:
    """Time-resolved trough-max / peak-max classification.

    Attributes
    ----------
    window_starts : ndarray, shape (n_windows,)
        Window start times, s from the start of the data.
    window_s, step_s : float
        Window length and step, s.
    states : tuple of str
        Per-window state, one of :data:`STATES`.
    mi : ndarray, shape (n_windows,)
        Tort MI of each window's channel-averaged distribution (NaN: phase bins not covered).
    preferred_phase : ndarray, shape (n_windows,)
        Per-window preferred slow phase, rad.
    p_value : ndarray, shape (n_windows,)
        Per-window surrogate p-value.
    """

    window_starts: np.ndarray
    window_s: float
    step_s: float
    states: tuple[str, ...]
    mi: np.ndarray
    preferred_phase: np.ndarray
    p_value: np.ndarray

    def fraction(self, state: str) -> float:
        """Fraction (0..1) of windows in ``state`` (one of :data:`STATES`)."""
        if state not in STATES:
            raise ValueError(f"state must be one of {STATES}, got {state!r}")
        return float(np.mean([s == state for s in self.states])) if self.states else np.nan

    @property
    def fractions(self) -> dict[str, float]:
        """Fraction of windows in each state, keyed by :data:`STATES`."""
        return {s: self.fraction(s) for s in STATES}


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


def classify_phase(
    phase: float, p_value: float, p_threshold: float, sector_deg: float = SECTOR_DEG
) -> str:
    """State of one window or segment from its preferred phase (rad) and p-value.

    Parameters
    ----------
    phase : float
        Preferred slow phase, rad.
    p_value : float
        Surrogate p-value; not below ``p_threshold`` -> ``"neither"``.
    p_threshold : float
        Significance level.
    sector_deg : float
        Half-width of the peak-max / trough-max sectors around 0 / +-180 degrees.
    """
    if not np.isfinite(phase) or not p_value < p_threshold:
        return "neither"
    deg = abs(np.degrees(phase))
    if deg <= sector_deg:
        return "peak_max"
    if deg >= 180.0 - sector_deg:
        return "trough_max"
    return "neither"


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


def _test_windows(
    phase: np.ndarray,
    amplitude: np.ndarray,
    length: int,
    step: int,
    n_bins: int,
    n_surrogates: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Distributions, MIs, phases and surrogate p-values of sliding windows."""
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


def _as_2d(data: np.ndarray) -> np.ndarray:
    data = np.asarray(data, dtype=float)
    return data[np.newaxis] if data.ndim == 1 else data


def coupling(
    data: np.ndarray,
    sfreq: float,
    phase_band: tuple[float, float] = PAC_PHASE_BAND,
    amplitude_band: tuple[float, float] = PAC_AMPLITUDE_BAND,
    n_bins: int = N_PHASE_BINS,
    n_surrogates: int = N_SURROGATES,
    p_threshold: float = SEGMENT_P_THRESHOLD,
    sector_deg: float = SECTOR_DEG,
    seed: int = 0,
) -> Coupling:
    """Slow-phase / alpha-amplitude coupling over the whole segment.

    Parameters
    ----------
    data : ndarray, shape (n_channels, n_samples) or (n_samples,)
        Signals of one channel group, any unit.
    sfreq : float
        Sampling rate, Hz.
    phase_band, amplitude_band : tuple of float
        Band edges, Hz.
    n_bins : int
        Number of phase bins.
    n_surrogates : int
        Time-shift surrogates for the p-value.
    p_threshold : float
        Significance level of the coupling test.
    sector_deg : float
        Half-width of the peak-max / trough-max phase sectors, degrees.
    seed : int
        Seed of the surrogate lags (results are deterministic for a given seed).

    Returns
    -------
    Coupling
    """
    data = _as_2d(data)
    phase, amp = phase_amplitude(data, sfreq, phase_band, amplitude_band)
    r = _test_windows(phase, amp, data.shape[-1], data.shape[-1], n_bins, n_surrogates, seed)
    p_value, ph, mi_ch = float(r["p"][0]), float(r["phase"][0]), r["mi_channels"][0]
    return Coupling(
        bin_centers=r["bin_centers"],
        amplitude=r["group"][0],
        mi=float(np.nanmean(mi_ch)) if np.isfinite(mi_ch).any() else np.nan,
        mi_channels=mi_ch,
        preferred_phase=ph,
        p_value=p_value,
        state=classify_phase(ph, p_value, p_threshold, sector_deg),
    )


def state_score(
    data: np.ndarray,
    sfreq: float,
    window_s: float = STATE_WINDOW_S,
    step_s: float = STATE_STEP_S,
    phase_band: tuple[float, float] = PAC_PHASE_BAND,
    amplitude_band: tuple[float, float] = PAC_AMPLITUDE_BAND,
    n_bins: int = N_PHASE_BINS,
    n_surrogates: int = N_SURROGATES,
    p_threshold: float = WINDOW_P_THRESHOLD,
    sector_deg: float = SECTOR_DEG,
    seed: int = 0,
) -> StateScore:
    """Classify sliding windows as trough-max, peak-max or neither.

    The signal is filtered once over its whole length (no filter edges inside windows),
    then cut into windows of ``window_s`` every ``step_s``; each window is scored by the
    rule in the module docstring.

    Parameters
    ----------
    data : ndarray, shape (n_channels, n_samples) or (n_samples,)
        Signals of one channel group, any unit.
    sfreq : float
        Sampling rate, Hz.
    window_s, step_s : float
        Window length and step, s.
    phase_band, amplitude_band : tuple of float
        Band edges, Hz.
    n_bins, n_surrogates, sector_deg, seed
        As in :func:`coupling`.
    p_threshold : float
        Significance level of each window's coupling test.

    Returns
    -------
    StateScore
    """
    data = _as_2d(data)
    length, step = int(round(window_s * sfreq)), int(round(step_s * sfreq))
    if not 0 < step <= length <= data.shape[-1]:
        raise ValueError(
            f"state windows of {window_s} s every {step_s} s need 0 < step <= window <= data "
            f"length ({data.shape[-1] / sfreq:g} s); pass longer data or a shorter window"
        )
    phase, amp = phase_amplitude(data, sfreq, phase_band, amplitude_band)
    r = _test_windows(phase, amp, length, step, n_bins, n_surrogates, seed)
    states = tuple(
        classify_phase(ph, p, p_threshold, sector_deg)
        for ph, p in zip(r["phase"], r["p"], strict=True)
    )
    return StateScore(
        window_starts=np.arange(len(states)) * step / sfreq,
        window_s=float(window_s),
        step_s=float(step_s),
        states=states,
        mi=r["mi_group"],
        preferred_phase=r["phase"],
        p_value=r["p"],
    )
