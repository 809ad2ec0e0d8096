"""Region signal to dipole moment: :class:`DipoleScale` and :func:`calibrated_scale`.

A region's source is a current dipole along its outward cortical normal. Two signals of a
column can drive it (``to_raw(..., source=...)``):

- ``"dipole"`` (default where the column model records one, as soplata2023 does): the
  **axial current** between each pyramidal cell's dendrite and soma, which carries every
  synaptic and intrinsic current of the cell (AMPA and NMDA on the dendrite, GABA_A on the
  soma, K and Ca currents, the long-range input). Its cell dipole is that current times the
  soma-dendrite separation, as in hnn-core's dipoles from axial currents. The result keeps
  it as the current into the dendrite from the soma (uA/cm^2 of dendrite, summed over the
  column's cells); positive means intracellular current flowing up the apical dendrite, a
  moment along the outward normal (sign +1).
- ``"proxy"``: the column model's EEG proxy (soplata2023: the paper's AMPA currents onto
  PYdr). An inward synaptic current at the apical dendrite is a sink near the pial surface;
  intracellular current then flows down the dendrite, so the moment points *into* the cortex
  and a positive proxy gives a negative moment (``DipoleScale.sign = -1``).

:class:`DipoleScale` turns either into nA*m: current density x dendritic membrane area x
soma-dendrite separation gives one cell's moment (0.175 pA*m per uA/cm^2 with the
defaults). The propofol column's mean cell dipole lies between -0.76 and +0.46 pA*m
(1st and 99th percentiles of a 12-s run; -1.10 and +0.61 in the wake column), the range
of a single pyramidal cell at peak activity (0.29-0.90 pA*m, Murakami & Okada 2006,
J Physiol 575:925). The number of cells a region stands for comes from its **cortical
area** x ``cells_per_mm2`` where the forward knows region areas (the default,
``combine="area"``), else ``cells_per_region`` for every region. The default
``cells_per_mm2 = 600`` turns those excursions into dipole densities of -0.46 and
+0.28 nA*m/mm^2 (propofol; -0.66 and +0.37 wake), inside the maximal densities that
Murakami & Okada 2015 (NeuroImage 111:49) found across cortical structures and species
(0.16-0.77 nA*m/mm^2). ``scripts/compare_eeg_signals.py`` measures those percentiles.

How the column's ``n`` cells stand for a region's ``N`` is ``DipoleScale.population``:

- ``"column"`` (the default): the region's moment is the column's mean cell dipole times
  ``N``, as if the region's cells were as coherent as the column's mean. Its spectrum is
  ``N**2 (S_c + S_o/n)``, with ``S_c`` the cross-spectrum of two different cells (their
  coherent part) and ``S_o`` each cell's own part: the own part, mostly the cells'
  action-potential currents, is kept ``N/n`` times too strong.
- ``"coherent"``: the region's spectrum is that of ``N`` cells as correlated as the
  column's pairs, ``N**2 S_c + N S_o`` (Lindén et al. 2011, Neuron 72:859: correlated
  sources add in amplitude, uncorrelated ones in power). :func:`population_signal`
  estimates ``S_c`` from the cross-spectrum of the column's two halves (soplata2023
  records ``"dipole_half"``, the even-numbered cells) and filters the column's signal,
  with zero phase, to that spectrum. It brings the coherent rhythms (the HTC cells'
  alpha, the slow wave) out of the cells' incoherent firing. Where the column cannot
  tell whether its cells are coherent (a pair coherence of 10^-6 doubles the power of a
  region of 10^6 cells; a 100-cell column detects about 3 x 10^-3 in 30 s),
  ``DipoleScale.undetected`` sets the gain: by default the geometric mean of what the
  column allows (:func:`population_signal`). It does not make the awake
  spectrum more EEG-like: the column's cells are almost uncorrelated from 2 to 8 Hz and
  coherent mostly below 2 Hz and at 10-20 Hz, so the awake spectrum rises towards
  10-20 Hz (``scripts/dipole_coherence.py``, one 12-s fast-scheme column: awake 2-40 Hz
  exponent -0.53 with ``"column"``, -0.94 to -1.18 with the split for N = 1e5-1e7;
  session 20, with the former ``undetected="zero"``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

__all__ = ["DipoleScale", "calibrated_scale", "population_signal"]

POPULATIONS = ("column", "coherent")
UNDETECTED = ("midpoint", "zero")


@dataclass(frozen=True)
class DipoleScale:
    """Conversion of a region signal (uA/cm^2 per cell, summed over cells) to nA*m.

    Parameters
    ----------
    area_cm2 : float
        Dendritic membrane area of one model pyramidal cell (cm^2); 3.5e-4 in the column model.
    length_mm : float
        Effective dipole length of a pyramidal cell (mm): the separation of the dendritic
        and somatic compartments (the apical sink and the somatic/basal source).
    cells_per_mm2 : float
        Synchronously active pyramidal cells per mm^2 of cortex, for forwards that know their
        regions' areas (module docstring: how the default was chosen).
    cells_per_region : float
        Synchronously active pyramidal cells that one region stands for, for forwards
        without region areas (``combine="mean"`` or ``"sum"``).
    model_cells : int
        Pyramidal cells per model column whose currents the signal sums.
    sign : {-1, 1}
        Direction of the moment along the outward cortical normal for a positive *proxy*
        (the dipole signal carries its own sign).
    population : {"column", "coherent"}
        How the column's cells stand for the region's (module docstring); ``"coherent"``
        needs the dipole source and a result with a ``"dipole_half"`` signal.
    undetected : {"midpoint", "zero"}
        With ``"coherent"``: the gain of bands whose coherent share is not detected
        (:func:`population_signal`).
    """

    area_cm2: float = 3.5e-4
    length_mm: float = 0.5
    cells_per_mm2: float = 600.0
    cells_per_region: float = 1e7
    model_cells: int = 100
    sign: int = -1
    population: str = "column"
    undetected: str = "midpoint"

    def __post_init__(self) -> None:
        for name in ("area_cm2", "length_mm", "cells_per_mm2", "cells_per_region", "model_cells"):
            value = getattr(self, name)
            if not np.isfinite(value) or value <= 0:
                raise ValueError(f"DipoleScale.{name} must be a positive number, got {value!r}")
        if self.sign not in (-1, 1):
            raise ValueError(f"DipoleScale.sign must be -1 or 1, got {self.sign!r}")
        if self.population not in POPULATIONS:
            raise ValueError(
                f"DipoleScale.population must be one of {POPULATIONS}, got {self.population!r}"
            )
        if self.undetected not in UNDETECTED:
            raise ValueError(
                f"DipoleScale.undetected must be one of {UNDETECTED}, got {self.undetected!r}"
            )

    @property
    def cell_nAm_per_unit(self) -> float:  # noqa: N802 - unit name
        """Dipole moment of one cell (nA*m) per uA/cm^2 of its dendritic current."""
        return 1e-6 * self.area_cm2 * self.length_mm * 1e-3 * 1e9

    @property
    def nAm_per_unit(self) -> float:  # noqa: N802 - unit name
        """Signed moment (nA*m) per unit of the summed proxy of a region of
        ``cells_per_region`` cells."""
        return self.sign * self.cell_nAm_per_unit * self.cells_per_region / self.model_cells

    def region_nAm_per_unit(self, source: str, area_mm2: np.ndarray | None, n: int) -> np.ndarray:
        """Signed moment (nA*m) per signal unit of each of ``n`` regions.

        ``source`` is ``"dipole"`` or ``"proxy"``; ``area_mm2`` the regions' cortical areas
        (None: ``cells_per_region`` each).
        """
        sign = self.sign if source == "proxy" else 1
        return sign * self.cell_nAm_per_unit * self.region_cells(area_mm2, n) / self.model_cells

    def region_cells(self, area_mm2: np.ndarray | None, n: int) -> np.ndarray:
        """Cells each of ``n`` regions stands for (``cells_per_mm2`` x area, else
        ``cells_per_region``)."""
        if area_mm2 is None:
            return np.full(n, self.cells_per_region)
        return self.cells_per_mm2 * np.asarray(area_mm2, float)


def calibrated_scale(offset_db: float, base: DipoleScale | None = None) -> DipoleScale:
    """A dipole scale whose EEG power is ``offset_db`` dB above that of ``base``.

    EEG power grows with the square of the number of synchronously active cells a region
    stands for, so ``cells_per_mm2`` and ``cells_per_region`` are multiplied by
    ``10 ** (offset_db / 20)``. The offset
    usually comes from :func:`wholebrain.objective.power_offset_db` (a recording minus the
    model in a reference condition): it calibrates the one free amplitude of the model, so
    that absolute band powers of several fits can be compared with the recordings.
    """
    base = base or DipoleScale()
    if not np.isfinite(offset_db):
        raise ValueError(f"offset_db must be finite, got {offset_db!r}")
    factor = 10 ** (float(offset_db) / 20)
    return dataclasses.replace(
        base,
        cells_per_region=base.cells_per_region * factor,
        cells_per_mm2=base.cells_per_mm2 * factor,
    )


def population_signal(
    whole: np.ndarray,
    half: np.ndarray,
    sfreq: float,
    model_cells: int,
    region_cells: np.ndarray | float,
    *,
    window_s: float = 1.0,
    smooth_hz: float = 2.0,
    undetected: str = "midpoint",
) -> np.ndarray:
    """The column signal filtered to the spectrum of a region of ``region_cells`` cells.

    Parameters
    ----------
    whole : ndarray, shape (n_regions, n_samples)
        A signal summed over each column's ``model_cells`` cells (the dipole).
    half : ndarray, same shape
        The same signal summed over the even-numbered cells only.
    sfreq : float
        Sampling rate, Hz.
    model_cells : int
        Cells per column in ``whole`` (at least 2).
    region_cells : float or ndarray, shape (n_regions,)
        Cells each region stands for.
    window_s, smooth_hz : float
        Welch window of the spectra (s), and the width (Hz) of the running mean over
        frequency that steadies their ratio.
    undetected : {"midpoint", "zero"}
        What a band gets whose coherent share is not detected (below twice its estimation
        noise sigma): ``"zero"`` the lower bound, no coherent part (power gain
        ``model_cells / region_cells``); ``"midpoint"`` (the default) the geometric mean of
        that bound and the upper one, a share of 2 sigma. For 10^6 cells a pair coherence
        of 10^-6 already doubles a region's power, while a 100-cell column detects about
        3 x 10^-3 in a 30-s run, so such bands are underdetermined by the column: on
        synthetic cells of known coherence ``scripts/coherent_estimator.py`` measures an
        RMS error of the region spectrum (2-40 Hz) of about 8 dB with ``"midpoint"`` and
        19 dB with ``"zero"`` (32-s runs).

    Returns
    -------
    ndarray, shape (n_regions, n_samples)
        ``whole`` after a zero-phase filter whose power gain is
        ``rho + (1 - rho) * model_cells / region_cells``, with ``rho = S_c / S_mean`` the
        coherent share of the column mean's spectrum. ``S_c`` is the real part of the
        cross-spectrum of the two half-columns' means, shrunk by its estimation noise
        (comments in the code) and kept within [0, S_mean]; where that leaves no detected
        share, ``undetected`` says what the gain is. Its
        spectrum is ``n**2 (S_c + S_o/N)``, so ``N/n`` times it, what
        :meth:`DipoleScale.region_nAm_per_unit` makes of a column signal, has the region's
        ``N**2 S_c + N S_o`` (module docstring).
    """
    from scipy import signal

    whole = np.asarray(whole, float)
    half = np.asarray(half, float)
    if whole.shape != half.shape or whole.ndim != 2:
        raise ValueError(
            f"whole and half must be 2-D arrays of one shape, got {whole.shape} and {half.shape}"
        )
    if model_cells < 2:
        raise ValueError(f"model_cells must be at least 2 to split a column, got {model_cells}")
    if undetected not in UNDETECTED:
        raise ValueError(f"undetected must be one of {UNDETECTED}, got {undetected!r}")
    cells = np.broadcast_to(np.asarray(region_cells, float), whole.shape[:1])
    if not (np.isfinite(cells).all() and (cells > 0).all()):
        raise ValueError("region_cells must be positive numbers")
    nper = int(round(window_s * sfreq))
    if nper < 4 or whole.shape[1] < 2 * nper:
        raise ValueError(
            f"the signal ({whole.shape[1] / sfreq:g} s) must hold at least two "
            f"{window_s:g}-s windows to estimate the coherent part"
        )
    n_a = (model_cells + 1) // 2
    a = half / n_a
    b = (whole - half) / (model_cells - n_a)
    f, s_mean = signal.welch(whole / model_cells, sfreq, nperseg=nper, axis=-1)
    s_ab = signal.csd(a, b, sfreq, nperseg=nper, axis=-1)[1]
    # a running mean over frequency steadies the spectra (a few Welch windows per run):
    # a third of an octave wide, at least ``smooth_hz``
    lo, hi = _smoothing_bins(f, smooth_hz)
    s_mean = _running_mean(s_mean, lo, hi)
    re, im = _running_mean(s_ab.real, lo, hi), _running_mean(s_ab.imag, lo, hi)
    # The halves hold exchangeable cells, so their true cross-spectrum is real: its
    # imaginary part is estimation noise of the same size as the real part's where the
    # cells are uncorrelated. Its RMS over an octave around each bin (at least 6 Hz) is
    # the noise level sigma. Clipping Re at 0 alone would leave a floor of 0.4 sigma
    # where the cells are uncorrelated; the share is shrunk instead as
    # sqrt(r**2 - (2 sigma)**2), which leaves about 0.02 sigma there and keeps a clearly
    # coherent share (r >> sigma). Adjacent Welch bins are correlated, so runs of a few
    # bins still pass by chance (tests/test_dipole_population.py states the tolerance).
    wide_lo, wide_hi = _smoothing_bins(f, 3 * smooth_hz, octaves=1.0)
    sigma2 = _running_mean(im**2, wide_lo, wide_hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(s_mean > 0, re / s_mean, 1.0)
        sigma = np.where(s_mean > 0, np.sqrt(sigma2) / s_mean, 0.0)
    rho = np.clip(np.sqrt(np.clip(r**2 - (2.0 * sigma) ** 2, 0.0, None)) * (r > 0), 0.0, 1.0)
    own = model_cells / cells[:, None]
    power_gain = rho + (1.0 - rho) * own
    if undetected == "midpoint":
        # A share below 2 sigma is not told apart from none: the region's gain lies between
        # ``own`` (rho = 0) and ``own + 2 sigma``. Their geometric mean is the estimate whose
        # worst dB error over that interval is smallest (scripts/coherent_estimator.py: on
        # cells of known coherence it halves the error of the region spectrum).
        power_gain = np.maximum(power_gain, np.sqrt(own * np.minimum(1.0, own + 2.0 * sigma)))
    # zero-phase filter in the frequency domain; the ends are padded by reflection so the
    # filter's circular wrap falls on the padding
    pad = min(nper, whole.shape[1] - 1)
    x = np.pad(whole, ((0, 0), (pad, pad)), mode="reflect")
    freqs = np.fft.rfftfreq(x.shape[1], 1.0 / sfreq)
    gain = np.stack([np.interp(freqs, f, np.sqrt(g)) for g in power_gain])
    y = np.fft.irfft(np.fft.rfft(x, axis=-1) * gain, n=x.shape[1], axis=-1)
    return y[:, pad : pad + whole.shape[1]]


def _smoothing_bins(
    f: np.ndarray, min_hz: float, octaves: float = 1 / 3
) -> tuple[np.ndarray, np.ndarray]:
    """First and one-past-last bin of a band ``octaves`` wide (at least ``min_hz``) around
    each frequency of the regular grid ``f``."""
    df = f[1] - f[0]
    half_hz = np.maximum(min_hz / 2, f * (2 ** (octaves / 2) - 2 ** (-octaves / 2)) / 2)
    half = np.round(half_hz / df).astype(int)
    k = np.arange(len(f))
    return np.clip(k - half, 0, len(f) - 1), np.clip(k + half + 1, 1, len(f))


def _running_mean(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Mean of ``x[..., lo[k]:hi[k]]`` for every k."""
    c = np.concatenate([np.zeros((*x.shape[:-1], 1)), np.cumsum(x, axis=-1)], axis=-1)
    return (c[..., hi] - c[..., lo]) / (hi - lo)
