"""Power spectra and band power per channel (Welch and multitaper via mne.time_frequency).

Input is an :class:`mne.io.BaseRaw` (data channels, bad channels excluded, volts) or a plain
array ``(n_channels, n_samples)`` / ``(n_samples,)`` with ``sfreq``, taken to be in volts (for a
column's EEG proxy in other units the dB values carry that unit instead).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mne
import numpy as np
from mne.time_frequency import psd_array_multitaper, psd_array_welch
from scipy.signal import find_peaks

#: Slow oscillation, Hz (Purdon et al. 2013).
SLOW_BAND: tuple[float, float] = (0.1, 1.0)
#: Delta, Hz.
DELTA_BAND: tuple[float, float] = (1.0, 4.0)
#: Theta, Hz.
THETA_BAND: tuple[float, float] = (4.0, 8.0)
#: Alpha, Hz (propofol frontal alpha; Soplata et al. 2023 use the same edges for PAC).
ALPHA_BAND: tuple[float, float] = (8.0, 14.0)
#: Beta, Hz.
BETA_BAND: tuple[float, float] = (14.0, 30.0)
#: Gamma, Hz; included by default only when 80 Hz is below the Nyquist frequency.
GAMMA_BAND: tuple[float, float] = (30.0, 80.0)
#: Default bands of :func:`features`, name -> (low, high) Hz.
BANDS: dict[str, tuple[float, float]] = {
    "slow": SLOW_BAND,
    "delta": DELTA_BAND,
    "theta": THETA_BAND,
    "alpha": ALPHA_BAND,
    "beta": BETA_BAND,
    "gamma": GAMMA_BAND,
}
#: Welch segment length, s (0.25 Hz resolution; what the recorded data's README used).
WELCH_WINDOW_S = 4.0
#: Minimum prominence of an alpha peak, dB (Welch ripples of 30 s of EEG stay below ~2 dB;
#: the recorded alpha peaks stand 3.4-18 dB above their surroundings).
PEAK_MIN_PROMINENCE_DB = 3.0
#: Reference of every dB value: 1 uV^2 (expressed in V^2).
DB_REFERENCE = 1e-12


@dataclass(frozen=True)
class Spectrum:
    """Power spectral density per channel.

    Attributes
    ----------
    freqs : ndarray, shape (n_freqs,)
        Frequencies, Hz.
    psd : ndarray, shape (n_channels, n_freqs)
        One-sided PSD, V^2/Hz.
    ch_names : tuple of str
        Channel names, in row order of ``psd``.
    method : str
        ``"welch"`` or ``"multitaper"``.
    """

    freqs: np.ndarray
    psd: np.ndarray
    ch_names: tuple[str, ...]
    method: str

    def picks(self, ch_names: Sequence[str] | None = None) -> np.ndarray:
        """Row indices of ``ch_names`` (all rows if None)."""
        if ch_names is None:
            return np.arange(len(self.ch_names))
        return np.array([self.ch_names.index(c) for c in ch_names], dtype=int)


def as_data(inst, sfreq: float | None) -> tuple[np.ndarray, float, tuple[str, ...]]:
    """Validated (data (n_channels, n_samples) V, sfreq Hz, ch_names) from a Raw or an array."""
    if isinstance(inst, mne.io.BaseRaw):
        if sfreq is not None and not np.isclose(sfreq, inst.info["sfreq"]):
            raise ValueError(f"sfreq={sfreq} contradicts raw.info['sfreq']; leave sfreq=None")
        picks = mne.pick_types(inst.info, meg=True, eeg=True, seeg=True, ecog=True, dbs=True)
        if len(picks) == 0:
            raise ValueError("raw has no good EEG/MEG data channels; check raw.info['bads']")
        data, sfreq = inst.get_data(picks=picks), float(inst.info["sfreq"])
        names = tuple(inst.ch_names[i] for i in picks)
    else:
        data = np.asarray(inst, dtype=float)
        if sfreq is None or not sfreq > 0:
            raise ValueError("an array needs its sampling rate: pass sfreq=<Hz> (> 0)")
        if data.ndim == 1:
            data = data[np.newaxis]
        if data.ndim != 2 or data.shape[1] < 2:
            raise ValueError(f"data must be (n_channels, n_samples), got shape {data.shape}")
        sfreq = float(sfreq)
        names = tuple(f"ch{i}" for i in range(len(data)))
    bad = ~np.isfinite(data)
    if bad.any():
        rows = [names[i] for i in np.flatnonzero(bad.any(axis=1))]
        raise ValueError(
            f"data contain {int(bad.sum())} NaN/inf samples in channel(s) {rows[:5]}; "
            "interpolate them or mark the channels bad (raw.info['bads']) before computing features"
        )
    return data, sfreq, names


def compute_spectrum(
    inst,
    sfreq: float | None = None,
    method: str = "welch",
    fmin: float = 0.0,
    fmax: float | None = None,
    window_s: float = WELCH_WINDOW_S,
    bandwidth: float | None = None,
) -> Spectrum:
    """PSD of every channel with :mod:`mne.time_frequency`.

    Parameters
    ----------
    inst : mne.io.BaseRaw | ndarray
        Data; an array is (n_channels, n_samples) or (n_samples,), in V.
    sfreq : float | None
        Sampling rate, Hz (arrays only).
    method : ``"welch"`` | ``"multitaper"``
        Welch: Hann windows of ``window_s`` with 50 % overlap. Multitaper: DPSS over the whole
        segment with ``bandwidth`` (MNE's default: 8 / duration Hz).
    fmin, fmax : float
        Frequency range, Hz (``fmax`` None: Nyquist).
    window_s : float
        Welch window length, s (sets the resolution, 1 / window_s Hz).
    bandwidth : float | None
        Multitaper full bandwidth, Hz.

    Returns
    -------
    Spectrum
    """
    data, sfreq, names = as_data(inst, sfreq)
    return spectrum_of(data, sfreq, names, method, fmin, fmax, window_s, bandwidth)


def spectrum_of(
    data: np.ndarray,
    sfreq: float,
    ch_names: Sequence[str],
    method: str = "welch",
    fmin: float = 0.0,
    fmax: float | None = None,
    window_s: float = WELCH_WINDOW_S,
    bandwidth: float | None = None,
) -> Spectrum:
    """:func:`compute_spectrum` of data already checked by :func:`as_data` (same parameters)."""
    fmax = sfreq / 2 if fmax is None else fmax
    if method == "welch":
        n_fft = int(round(window_s * sfreq))
        if n_fft > data.shape[1]:
            raise ValueError(
                f"Welch window of {window_s} s is longer than the data "
                f"({data.shape[1] / sfreq:g} s); pass a shorter window_s or longer data"
            )
        psd, freqs = psd_array_welch(
            data, sfreq, fmin=fmin, fmax=fmax, n_fft=n_fft, n_overlap=n_fft // 2,
            window="hann", verbose=False,
        )  # fmt: skip
    elif method == "multitaper":
        psd, freqs = psd_array_multitaper(
            data, sfreq, fmin=fmin, fmax=fmax, bandwidth=bandwidth, verbose=False
        )
    else:
        raise ValueError(f"method must be 'welch' or 'multitaper', got {method!r}")
    return Spectrum(freqs=freqs, psd=psd, ch_names=tuple(ch_names), method=method)


def band_power(
    spectrum: Spectrum, bands: Mapping[str, tuple[float, float]] | None = None
) -> dict[str, np.ndarray]:
    """Power per band and channel, V^2.

    Computed as the mean PSD over the frequency bins inside ``[low, high]`` times the band
    width (equal to the integral for a flat spectrum, well defined with few bins).

    Parameters
    ----------
    spectrum : Spectrum
        From :func:`compute_spectrum`.
    bands : mapping of str to (float, float) | None
        Band edges, Hz (default :data:`BANDS`, gamma only if the spectrum reaches 80 Hz).

    Returns
    -------
    dict of str to ndarray, shape (n_channels,)
    """
    if bands is None:
        bands = {k: b for k, b in BANDS.items() if k != "gamma" or spectrum.freqs[-1] > b[1]}
    out = {}
    for name, (lo, hi) in bands.items():
        sel = (spectrum.freqs >= lo) & (spectrum.freqs <= hi)
        if not sel.any():
            raise ValueError(
                f"band {name!r} ({lo}, {hi}) Hz has no spectral bin between "
                f"{spectrum.freqs[0]:g} and {spectrum.freqs[-1]:g} Hz; widen it or use "
                "longer windows / a higher sampling rate"
            )
        out[name] = spectrum.psd[:, sel].mean(axis=1) * (hi - lo)
    return out


def to_db(power: np.ndarray | float) -> np.ndarray:
    """Power in V^2 to dB re 1 uV^2 (:data:`DB_REFERENCE`)."""
    return 10 * np.log10(np.asarray(power) / DB_REFERENCE)


def alpha_peak_frequency(
    spectrum: Spectrum,
    ch_names: Sequence[str] | None = None,
    band: tuple[float, float] = ALPHA_BAND,
    min_prominence_db: float = PEAK_MIN_PROMINENCE_DB,
) -> float:
    """Frequency of the largest spectral peak inside ``band`` of the channels' mean PSD.

    A peak is a local maximum of the mean PSD in dB that stands out by ``min_prominence_db``
    (:func:`scipy.signal.find_peaks`), so a spectrum that only falls through the band, or
    has estimation ripples there, gives NaN rather than the band edge or a ripple.

    Parameters
    ----------
    spectrum : Spectrum
    ch_names : sequence of str | None
        Channels to average (all if None).
    band : tuple of float
        Search range, Hz.
    min_prominence_db : float
        Minimum prominence of the peak, dB.

    Returns
    -------
    float
        Peak frequency, Hz, or NaN if there is no peak in the band.
    """
    mean_db = 10 * np.log10(spectrum.psd[spectrum.picks(ch_names)].mean(axis=0))
    peaks, _ = find_peaks(mean_db, prominence=min_prominence_db)
    f = spectrum.freqs[peaks]
    peaks = peaks[(f >= band[0]) & (f <= band[1])]
    if len(peaks) == 0:
        return np.nan
    return float(spectrum.freqs[peaks[np.argmax(mean_db[peaks])]])
