"""Summary features of one EEG recording and the distance between two of them.

What a fit or a lesion study compares is a short vector of spectral features per channel
group, computed with the same code for simulated and recorded EEG (:mod:`wholebrain.spectrum`,
Welch PSD through :mod:`mne.time_frequency`):

- ``<band>[<group>]``: band power of the group, dB (mean over the group's channels of each
  channel's dB). With ``relative=True`` (the default) the group's total power over all the
  chosen bands is subtracted: a model's EEG amplitude depends on an assumed dipole moment per
  region (:class:`wholebrain.forward.DipoleScale`), its spectral shape does not.
- ``alpha_peak[all]``: alpha peak frequency over all channels, Hz (NaN without a peak).
- ``alpha_front_minus_post``: frontal minus posterior alpha power, dB ("anteriorization").
- with ``aperiodic=True``: ``exponent[<group>]``, the aperiodic (1/f) exponent of the group's
  spectrum (:mod:`wholebrain.aperiodic`, FOOOF), and ``peak_power[<group>]``, the strongest
  alpha peak above the aperiodic fit, dB (NaN without one). The band powers are the periodic
  and aperiodic parts together; an objective may use either kind or both.

The full feature set of :func:`wholebrain.analysis.features` (multitaper spectra, phase-amplitude
coupling with surrogates, state scores) costs seconds per recording; this subset costs
milliseconds and is what an objective evaluated hundreds of times needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .analysis import ALL, resolve_groups
from .aperiodic import EXPONENT, PEAK_POWER, parameterize
from .pac import check_band
from .spectrum import (
    ALPHA_BAND,
    BANDS,
    WELCH_WINDOW_S,
    alpha_peak_frequency,
    as_data,
    band_power,
    spectrum_of,
    to_db,
)

ALPHA_PEAK = f"alpha_peak[{ALL}]"

ANTERIORIZATION = "alpha_front_minus_post"


@dataclass(frozen=True)
class FeatureSpec:
    """Which features an objective compares, and how much a difference weighs.

    Parameters
    ----------
    bands : tuple of str
        Names of :data:`wholebrain.spectrum.BANDS`.
    groups : tuple of str
        Channel groups whose band power is compared (each must exist in the data's groups).
    relative : bool
        Band power relative to the group's total power over ``bands`` (dB); see the module
        docstring.
    alpha_peak : bool
        Compare the alpha peak frequency over all channels.
    anteriorization : bool
        Compare frontal minus posterior alpha power (needs groups ``frontal`` and
        ``posterior``).
    db_scale : float
        A difference of this many dB counts as one unit of distance.
    hz_scale : float
        A difference of this many Hz counts as one unit of distance.
    missing_peak_penalty : float
        Distance units charged when the data have an alpha peak and the model has none (or
        the reverse).
    window_s : float
        Welch window, s (0.25 Hz resolution at 4 s; the slow band needs >= 4 s).
    aperiodic : bool
        Also compare the aperiodic exponent and the alpha peak above the aperiodic fit of
        every group (``bands=()`` then compares those alone).
    aperiodic_range : (float, float)
        Frequencies of the aperiodic fit, Hz.
    exponent_scale : float
        A difference of this much aperiodic exponent counts as one unit of distance.
    """

    bands: tuple[str, ...] = ("slow", "delta", "theta", "alpha", "beta")
    groups: tuple[str, ...] = ("frontal", "central", "posterior")
    relative: bool = True
    alpha_peak: bool = True
    anteriorization: bool = True
    db_scale: float = 3.0
    hz_scale: float = 1.0
    missing_peak_penalty: float = 2.0
    window_s: float = WELCH_WINDOW_S
    aperiodic: bool = False
    aperiodic_range: tuple[float, float] = (2.0, 40.0)
    exponent_scale: float = 0.25

    def __post_init__(self) -> None:
        object.__setattr__(self, "bands", tuple(self.bands))
        object.__setattr__(self, "groups", tuple(self.groups))
        object.__setattr__(self, "aperiodic_range", tuple(float(x) for x in
                                                          self.aperiodic_range))  # fmt: skip
        unknown = [b for b in self.bands if b not in BANDS]
        if unknown:
            raise ValueError(f"unknown bands {unknown}; known: {list(BANDS)}")
        if not self.bands and not self.aperiodic:
            raise ValueError("FeatureSpec needs at least one band (or aperiodic=True)")
        if self.relative and len(self.bands) == 1:
            raise ValueError("relative band power needs at least two bands")
        for name in ("db_scale", "hz_scale", "window_s", "exponent_scale"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.missing_peak_penalty < 0:
            raise ValueError("missing_peak_penalty must be >= 0")

    def to_dict(self) -> dict:
        return {
            "bands": list(self.bands), "groups": list(self.groups), "relative": self.relative,
            "alpha_peak": self.alpha_peak, "anteriorization": self.anteriorization,
            "db_scale": self.db_scale, "hz_scale": self.hz_scale,
            "missing_peak_penalty": self.missing_peak_penalty, "window_s": self.window_s,
            # only when used: records of studies from before these features stay valid
            **({"aperiodic": True, "aperiodic_range": list(self.aperiodic_range),
                "exponent_scale": self.exponent_scale} if self.aperiodic else {}),
        }  # fmt: skip


def summary_features(
    inst,
    groups: Mapping[str, Sequence[str]],
    spec: FeatureSpec | None = None,
    sfreq: float | None = None,
) -> dict[str, float]:
    """The features of the module docstring, as a flat ``name -> value`` dict.

    Parameters
    ----------
    inst : mne.io.BaseRaw | ndarray
        EEG (V); an array needs ``sfreq``.
    groups : mapping of str to list of str
        Channel groups of the data (e.g. :func:`wholebrain.recorded.purdon_groups`,
        :func:`wholebrain.analysis.groups_by_position`); must hold every group of ``spec``.
    spec : FeatureSpec, optional
    sfreq : float, optional
        Hz, arrays only.

    Raises
    ------
    ValueError
        One line: a group missing from ``groups``, a band above the Nyquist frequency, data
        shorter than a Welch window, NaN samples.
    """
    spec = spec or FeatureSpec()
    data, sfreq, names = as_data(inst, sfreq)
    needed = set(spec.groups) | ({"frontal", "posterior"} if spec.anteriorization else set())
    missing = sorted(needed - set(groups))
    if missing:
        raise ValueError(
            f"channel groups {missing} are missing (have {sorted(groups)}); pass groups= with "
            "them, e.g. wholebrain.analysis.groups_by_position(raw.info) for EEG with a montage"
        )
    groups_ = resolve_groups(names, {g: groups[g] for g in needed})
    bands = {b: BANDS[b] for b in spec.bands}
    for name, band in bands.items():
        check_band(band, sfreq, name)
    fmax = max([hi for _, hi in bands.values()] + [ALPHA_BAND[1]]) + 1.0
    if spec.aperiodic:
        fmax = max(fmax, spec.aperiodic_range[1] + 1.0)
    welch = spectrum_of(data, sfreq, names, "welch", fmax=min(fmax, sfreq / 2),
                        window_s=spec.window_s)  # fmt: skip
    out: dict[str, float] = {}
    if bands:
        power = band_power(welch, bands)
        total = sum(power.values())
        for g in spec.groups:
            idx = welch.picks(groups_[g])
            ref = float(to_db(total[idx]).mean()) if spec.relative else 0.0
            for b in spec.bands:
                out[f"{b}[{g}]"] = float(to_db(power[b][idx]).mean()) - ref
    if spec.aperiodic:
        for g in spec.groups:
            params = parameterize(welch.freqs, welch.psd[welch.picks(groups_[g])].mean(axis=0),
                                  spec.aperiodic_range)  # fmt: skip
            out[f"{EXPONENT}[{g}]"] = params.exponent
            out[f"{PEAK_POWER}[{g}]"] = 10.0 * params.strongest_peak(ALPHA_BAND)[1]
    if spec.alpha_peak:
        out[ALPHA_PEAK] = alpha_peak_frequency(welch)
    if spec.anteriorization:
        alpha = to_db(band_power(welch, {"alpha": ALPHA_BAND})["alpha"])
        front, post = (alpha[welch.picks(groups_[g])].mean() for g in ("frontal", "posterior"))
        out[ANTERIORIZATION] = float(front - post)
    return out


def distance(
    model: Mapping[str, float], target: Mapping[str, float], spec: FeatureSpec | None = None
) -> float:
    """Root-mean-square scaled difference between two feature dicts (NaN if the model's are).

    Each feature's difference is divided by ``spec.db_scale`` (dB features) or
    ``spec.hz_scale`` (the alpha peak). A missing alpha peak on exactly one side costs
    ``spec.missing_peak_penalty``; on both sides nothing. Any other NaN in the model's
    features makes the distance NaN (the evaluation is skipped and recorded as such).
    """
    spec = spec or FeatureSpec()
    missing = sorted(set(target) - set(model))
    if missing:
        raise ValueError(f"model features lack {missing}; compute both with the same FeatureSpec")
    terms = []
    for name, want in target.items():
        got = model[name]
        if name == ALPHA_PEAK or name.startswith(PEAK_POWER + "["):
            if np.isnan(want) and np.isnan(got):
                continue
            if np.isnan(want) or np.isnan(got):
                terms.append(spec.missing_peak_penalty)
                continue
            scale = spec.hz_scale if name == ALPHA_PEAK else spec.db_scale
            terms.append((got - want) / scale)
        elif name.startswith(EXPONENT + "["):
            terms.append((got - want) / spec.exponent_scale)
        else:
            if np.isnan(want):
                raise ValueError(f"target feature {name} is NaN; check the recording")
            terms.append((got - want) / spec.db_scale)
    if not terms:
        raise ValueError("no features to compare")
    return float(np.sqrt(np.mean(np.square(terms))))


def power_offset_db(model: Mapping[str, float], target: Mapping[str, float]) -> float:
    """Mean dB difference target minus model over the band-power features both hold.

    With absolute features (``FeatureSpec(relative=False)``) of a model run and of a recording
    of the same condition, this is the gain that
    :func:`wholebrain.forward.calibrated_scale` turns into a dipole scale.
    """
    keys = [k for k in target if k in model and "[" in k and k != ALPHA_PEAK
            and not k.startswith((EXPONENT + "[", PEAK_POWER + "["))]  # fmt: skip
    if not keys:
        raise ValueError("no band-power features in common; compute both with the same spec")
    diffs = np.array([target[k] - model[k] for k in keys], float)
    if not np.isfinite(diffs).all():
        raise ValueError("band-power features must be finite to calibrate on them")
    return float(diffs.mean())
