"""EEG features, the same code for simulated and recorded EEG.

Input is an :class:`mne.io.BaseRaw` (data channels, bad channels excluded, volts) or a plain
array ``(n_channels, n_samples)`` / ``(n_samples,)`` with ``sfreq`` (taken to be in volts, e.g.
one column's EEG proxy). :func:`features` computes everything, per channel group:

- spectra (:mod:`wholebrain.spectrum`): Welch (4 s Hann windows, 50 % overlap) and multitaper
  PSD per channel; band power per band (:data:`BANDS`); the alpha peak frequency;
- :func:`anteriorization`: frontal minus posterior alpha power, dB;
- coupling and states (:mod:`wholebrain.pac`): slow-phase / alpha-amplitude coupling (Tort MI,
  preferred phase, trough-max / peak-max) and the fraction of 2 s windows in each state.

Group values of band power are the mean over the group's channels of the per-channel dB
values (robust to one loud channel; this reproduces the figures in the recorded data's README).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import mne
import numpy as np

from wholebrain.connectome.groups import ANTERIOR_AXIS, thirds_along_axis
from wholebrain.pac import STATES, Coupling, StateScore, check_band, coupling, state_score
from wholebrain.spectrum import (
    ALPHA_BAND,
    BANDS,
    BETA_BAND,
    DB_REFERENCE,
    DELTA_BAND,
    GAMMA_BAND,
    SLOW_BAND,
    THETA_BAND,
    WELCH_WINDOW_S,
    Spectrum,
    alpha_peak_frequency,
    as_data,
    band_power,
    compute_spectrum,
    spectrum_of,
    to_db,
)  # fmt: skip

#: Name of the implicit group holding every channel.
ALL = "all"


def resolve_groups(
    ch_names: Sequence[str], groups: Mapping[str, Sequence[str]] | None
) -> dict[str, tuple[str, ...]]:
    """Check channel groups against the data; adds the group ``"all"``.

    Raises a one-line ValueError naming the missing channels or the empty group.
    """
    out = {ALL: tuple(ch_names)}
    for name, chans in (groups or {}).items():
        chans = (chans,) if isinstance(chans, str) else tuple(chans)
        if not chans:
            raise ValueError(f"channel group {name!r} is empty; give it at least one channel")
        missing = [c for c in chans if c not in ch_names]
        if missing:
            raise ValueError(
                f"channel group {name!r} names channels not in the data: {missing[:5]}; "
                f"use names from raw.ch_names (e.g. {list(ch_names[:3])})"
            )
        out[name] = chans
    return out


def anteriorization(
    spectrum: Spectrum, groups: Mapping[str, Sequence[str]], band=ALPHA_BAND
) -> float:
    """Frontal minus posterior power in ``band``, dB (mean over each group's channels' dB).

    Parameters
    ----------
    spectrum : Spectrum
    groups : mapping
        Must hold ``"frontal"`` and ``"posterior"`` lists of channel names.
    band : tuple of float
        Hz (default alpha).

    Returns
    -------
    float
        dB; positive means more power over frontal than posterior channels.
    """
    missing = [g for g in ("frontal", "posterior") if g not in groups]
    if missing:
        raise ValueError(
            f"anteriorization needs channel groups 'frontal' and 'posterior'; missing {missing}"
            " (e.g. wholebrain.recorded.purdon_groups(raw) or groups_by_position(raw.info))"
        )
    groups = resolve_groups(spectrum.ch_names, groups)
    db = to_db(band_power(spectrum, {"b": band})["b"])
    f, p = (db[spectrum.picks(groups[g])].mean() for g in ("frontal", "posterior"))
    return float(f - p)


def groups_by_position(info: mne.Info) -> dict[str, list[str]]:
    """Split EEG channels into thirds along the anterior-posterior (y) axis of the montage.

    For simulated sensor EEG with a montage; returns ``frontal``, ``central``, ``posterior``,
    about a third of the channels each (:func:`wholebrain.connectome.groups.thirds_along_axis`,
    ``cuts="tertiles"``).
    """
    picks = mne.pick_types(info, eeg=True)
    pos = np.array([info["chs"][i]["loc"][:3] for i in picks])
    if len(picks) < 3 or not np.isfinite(pos).all() or np.allclose(pos, 0):
        raise ValueError("info has fewer than 3 EEG channels with positions; set a montage first")
    names = np.array([info["ch_names"][i] for i in picks])
    groups = thirds_along_axis(names, pos, ANTERIOR_AXIS["head"], cuts="tertiles")
    return {group: list(chans) for group, chans in groups.items()}


@dataclass(frozen=True)
class Features:
    """All EEG features of one recording (see :func:`features`).

    Attributes
    ----------
    sfreq : float
        Hz.
    duration_s : float
        s.
    groups : dict of str to tuple of str
        Channel groups used, always including ``"all"``.
    welch, multitaper : Spectrum
        Per-channel spectra.
    band_power : dict of str to ndarray
        Per band, power per channel, V^2 (from the Welch spectrum).
    band_db : dict of str to dict of str to float
        ``band_db[group][band]``: mean over the group's channels of dB re 1 uV^2.
    alpha_peak_hz : dict of str to float
        Per group, Hz (NaN: no alpha peak).
    anteriorization_db : float
        Frontal minus posterior alpha, dB (NaN without frontal and posterior groups).
    coupling : dict of str to Coupling
        Per group, whole-segment slow-phase / alpha-amplitude coupling.
    states : dict of str to StateScore
        Per group, trough-max / peak-max / neither per 2 s window.
    """

    sfreq: float
    duration_s: float
    groups: dict[str, tuple[str, ...]]
    welch: Spectrum
    multitaper: Spectrum
    band_power: dict[str, np.ndarray]
    band_db: dict[str, dict[str, float]]
    alpha_peak_hz: dict[str, float]
    anteriorization_db: float
    coupling: dict[str, Coupling] = field(default_factory=dict)
    states: dict[str, StateScore] = field(default_factory=dict)

    def to_rows(self) -> list[dict]:
        """One dict per scalar feature: ``feature``, ``group``, ``value``, ``unit``."""
        rows = [
            {"feature": "alpha_front_minus_post", "group": ALL,
             "value": self.anteriorization_db, "unit": "dB"},
        ]  # fmt: skip
        for g in self.groups:
            for band, v in self.band_db[g].items():
                rows.append({"feature": f"{band}_power", "group": g, "value": v, "unit": "dB"})
            c, s = self.coupling[g], self.states[g]
            rows += [
                {"feature": "alpha_peak", "group": g, "value": self.alpha_peak_hz[g], "unit": "Hz"},
                {"feature": "pac_mi", "group": g, "value": c.mi, "unit": ""},
                {"feature": "pac_phase", "group": g, "value": c.preferred_phase_deg, "unit": "deg"},
                {"feature": "pac_p", "group": g, "value": c.p_value, "unit": ""},
                {"feature": "pac_state", "group": g, "value": c.state, "unit": ""},
            ]  # fmt: skip
            rows += [
                {"feature": f"frac_{k}", "group": g, "value": v, "unit": ""}
                for k, v in s.fractions.items()
            ]
        return rows

    def as_dict(self) -> dict[str, float | str]:
        """Flat mapping ``"feature[group]"`` -> value (for JSON or a fit objective)."""
        return {f"{r['feature']}[{r['group']}]": r["value"] for r in self.to_rows()}

    def to_table(self) -> str:
        """Plain-text table: one row per feature, one column per group."""
        groups = list(self.groups)
        table: dict[str, dict[str, str]] = {}
        units: dict[str, str] = {}
        for r in self.to_rows():
            v = r["value"]
            table.setdefault(r["feature"], {})[r["group"]] = v if isinstance(v, str) else f"{v:.4g}"
            units[r["feature"]] = r["unit"]
        head = ["feature", "unit", *groups]
        body = [[f, units[f], *(cols.get(g, "") for g in groups)] for f, cols in table.items()]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        return "\n".join(fmt.format(*row) for row in [head, *body])

    def __str__(self) -> str:
        return self.to_table()


def features(
    inst,
    sfreq: float | None = None,
    groups: Mapping[str, Sequence[str]] | None = None,
    bands: Mapping[str, tuple[float, float]] | None = None,
    seed: int = 0,
) -> Features:
    """Compute every feature of one recording.

    Parameters
    ----------
    inst : mne.io.BaseRaw | ndarray
        Data; an array is (n_channels, n_samples) or (n_samples,), in V, with ``sfreq``.
    sfreq : float | None
        Sampling rate, Hz (arrays only).
    groups : mapping of str to list of str | None
        Channel groups (e.g. ``frontal``, ``central``, ``posterior``); the group ``"all"`` is
        always added. Anteriorization needs ``frontal`` and ``posterior``.
    bands : mapping of str to (float, float) | None
        Bands, Hz (default :data:`BANDS`, gamma only below Nyquist). A requested band that
        reaches the Nyquist frequency is an error.
    seed : int
        Seed of the PAC surrogates.

    Returns
    -------
    Features
    """
    data, sfreq, names = as_data(inst, sfreq)
    if bands is None:
        bands = {k: b for k, b in BANDS.items() if k != "gamma" or b[1] < sfreq / 2}
    for name, band in bands.items():
        check_band(band, sfreq, name)
    groups_ = resolve_groups(names, groups)
    welch = spectrum_of(data, sfreq, names, "welch")
    mt = spectrum_of(data, sfreq, names, "multitaper", fmax=max(hi for _, hi in bands.values()))
    power = band_power(welch, bands)
    db = {b: to_db(p) for b, p in power.items()}
    band_db, peak, pac, states = {}, {}, {}, {}
    for g, chans in groups_.items():
        idx = welch.picks(chans)
        band_db[g] = {b: float(v[idx].mean()) for b, v in db.items()}
        peak[g] = alpha_peak_frequency(welch, chans)
        pac[g] = coupling(data[idx], sfreq, seed=seed)
        states[g] = state_score(data[idx], sfreq, seed=seed)
    ant = anteriorization(welch, groups_) if {"frontal", "posterior"} <= groups_.keys() else np.nan
    return Features(
        sfreq=sfreq,
        duration_s=data.shape[1] / sfreq,
        groups=groups_,
        welch=welch,
        multitaper=mt,
        band_power=power,
        band_db=band_db,
        alpha_peak_hz=peak,
        anteriorization_db=ant,
        coupling=pac,
        states=states,
    )


def read_eeg(path: str | Path, **kwargs) -> mne.io.BaseRaw:
    """Read any EEG file MNE reads (:func:`mne.io.read_raw`), with a one-line error otherwise.

    Parameters
    ----------
    path : str | Path
        FIF, EDF/BDF, BrainVision ``.vhdr``, EEGLAB ``.set``, ... file.
    **kwargs
        Passed to :func:`mne.io.read_raw` (``preload=True`` by default).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"EEG file {str(path)!r} does not exist; check the path")
    kwargs.setdefault("preload", True)
    kwargs.setdefault("verbose", False)
    try:
        return mne.io.read_raw(path, **kwargs)
    except Exception as err:  # MNE raises many types (ValueError, OSError, KeyError, ...)
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(
            f"MNE cannot read {path.name!r} ({first}); convert it to a format MNE reads "
            "(FIF, EDF/BDF, BrainVision .vhdr, EEGLAB .set) or load it yourself into "
            "mne.io.RawArray"
        ) from err


__all__ = [
    "ALL", "ALPHA_BAND", "BANDS", "BETA_BAND", "DB_REFERENCE", "DELTA_BAND", "GAMMA_BAND",
    "SLOW_BAND", "STATES", "THETA_BAND", "WELCH_WINDOW_S", "Features", "Spectrum",
    "alpha_peak_frequency", "anteriorization", "band_power", "compute_spectrum", "features",
    "groups_by_position", "read_eeg", "resolve_groups", "to_db",
]  # fmt: skip
