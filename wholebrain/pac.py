"""Slow-phase / alpha-amplitude coupling and the trough-max / peak-max state score.

Follows the authors' DynaSim analysis (``onslow_coupling``; see ``docs/soplata2023.md`` 7.2):
2nd-order Butterworth band-pass filters applied forward and backward (zero phase), the Hilbert
transform for phase (0.5-2 Hz) and amplitude (8-14 Hz), 12 phase bins, the Tort et al. (2010)
modulation index, and 2 s windows with 1 s overlap for the time-resolved picture. Those
measures and the surrogate test are in :mod:`wholebrain.pac_measures` (re-exported here);
this module holds the scoring rule and its results.

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

from .pac_measures import (
    FILTER_ORDER,
    N_PHASE_BINS,
    PAC_AMPLITUDE_BAND,
    PAC_PHASE_BAND,
    check_band,
    modulation_index,
    phase_amplitude,
    preferred_phase,
    windowed_coupling,
)

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
    r = windowed_coupling(phase, amp, data.shape[-1], data.shape[-1], n_bins, n_surrogates, seed)
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
    r = windowed_coupling(phase, amp, length, step, n_bins, n_surrogates, seed)
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


__all__ = [
    "FILTER_ORDER",
    "N_PHASE_BINS",
    "N_SURROGATES",
    "PAC_AMPLITUDE_BAND",
    "PAC_PHASE_BAND",
    "SECTOR_DEG",
    "SEGMENT_P_THRESHOLD",
    "STATES",
    "STATE_STEP_S",
    "STATE_WINDOW_S",
    "WINDOW_P_THRESHOLD",
    "Coupling",
    "StateScore",
    "check_band",
    "classify_phase",
    "coupling",
    "modulation_index",
    "phase_amplitude",
    "preferred_phase",
    "state_score",
    "windowed_coupling",
]
