"""Figures of a fit: the search history, data-vs-model spectra per channel group, and
data-vs-model topomaps of relative alpha power (PNG files)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import mne
import numpy as np
from matplotlib.figure import Figure

from ..analysis import groups_by_position
from ..figures import save_figure
from ..sensor_plots import topomap_sphere
from ..spectrum import ALPHA_BAND, BANDS

#: range whose total power normalises the spectra (the model's EEG scale is arbitrary)
_TOTAL_BAND = (BANDS["slow"][0], BANDS["beta"][1])


def _relative_psd(raw: mne.io.BaseRaw, fmax: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """Welch PSD per channel (4 s windows) divided by the channel's 0.1-30 Hz power."""
    n_fft = int(round(4.0 * raw.info["sfreq"]))
    spec = raw.compute_psd(method="welch", fmax=fmax, n_fft=min(n_fft, raw.n_times),
                           verbose=False)  # fmt: skip
    psd, freqs = spec.get_data(), spec.freqs
    sel = (freqs >= _TOTAL_BAND[0]) & (freqs <= _TOTAL_BAND[1])
    total = psd[:, sel].mean(axis=1, keepdims=True) * (_TOTAL_BAND[1] - _TOTAL_BAND[0])
    return freqs, psd / total


def plot_history(history: Sequence[Mapping[str, Any]], path: str | os.PathLike) -> Path:
    """Distance of every evaluation and the best so far; failed evaluations as red crosses."""
    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    n = np.arange(1, len(history) + 1)
    values = np.array([np.nan if r["value"] is None else r["value"] for r in history], float)
    ax.plot(n, values, "o", color="tab:blue", label="evaluation")
    best = np.fmin.accumulate(np.where(np.isfinite(values), values, np.inf))
    ax.step(n, np.where(np.isfinite(best), best, np.nan), where="post", color="k", label="best")
    failed = ~np.isfinite(values)
    if failed.any():
        top = np.nanmax(values) if np.isfinite(values).any() else 1.0
        ax.plot(n[failed], np.full(failed.sum(), top), "x", color="tab:red", label="failed")
    ax.set(xlabel="evaluation", ylabel="feature distance", title="Fit history")
    ax.legend()
    return save_figure(fig, path)


def plot_spectra(
    target_raw: mne.io.BaseRaw,
    target_groups: Mapping[str, Sequence[str]],
    model_raw: mne.io.BaseRaw,
    path: str | os.PathLike,
    groups: Sequence[str] = ("frontal", "posterior"),
) -> Path:
    """Relative power spectra (dB re the 0.1-30 Hz total) of data and model, per group."""
    model_groups = groups_by_position(model_raw.info)
    fd, pd_ = _relative_psd(target_raw)
    fm, pm = _relative_psd(model_raw)
    groups = [g for g in groups if g in target_groups and g in model_groups]
    fig = Figure(figsize=(5 * max(len(groups), 1), 4))
    for k, g in enumerate(groups):
        ax = fig.add_subplot(1, len(groups), k + 1)
        idx_d = [target_raw.ch_names.index(c) for c in target_groups[g]]
        idx_m = [model_raw.ch_names.index(c) for c in model_groups[g]]
        ax.plot(fd, 10 * np.log10(pd_[idx_d].mean(0)), color="k", label="data")
        ax.plot(fm, 10 * np.log10(pm[idx_m].mean(0)), color="tab:orange", label="model")
        ax.axvspan(*ALPHA_BAND, color="0.9", zorder=0)
        ax.set(xlabel="Frequency (Hz)", ylabel="relative power (dB/Hz)", title=g)
        ax.legend()
    return save_figure(fig, path)


def _alpha_db(raw: mne.io.BaseRaw) -> np.ndarray:
    freqs, rel = _relative_psd(raw)
    sel = (freqs >= ALPHA_BAND[0]) & (freqs <= ALPHA_BAND[1])
    return 10 * np.log10(rel[:, sel].mean(axis=1) * (ALPHA_BAND[1] - ALPHA_BAND[0]))


def _has_positions(info: mne.Info) -> bool:
    pos = np.array([ch["loc"][:3] for ch in info["chs"]])
    return bool(np.isfinite(pos).all() and not np.allclose(pos, 0))


def plot_topomaps(
    target_raw: mne.io.BaseRaw | None, model_raw: mne.io.BaseRaw, path: str | os.PathLike
) -> Path:
    """Relative alpha power per channel (dB re the 0.1-30 Hz total), data beside model, on one
    colour scale."""
    panels = [("model", model_raw)]
    if target_raw is not None and _has_positions(target_raw.info):
        panels.insert(0, ("data", target_raw))
    values = [_alpha_db(r) for _, r in panels]
    vlim = (min(v.min() for v in values), max(v.max() for v in values))
    fig = Figure(figsize=(4.5 * len(panels), 4.2))
    for k, ((name, raw), v) in enumerate(zip(panels, values, strict=True)):
        ax = fig.add_subplot(1, len(panels), k + 1)
        im, _ = mne.viz.plot_topomap(v, raw.info, axes=ax, show=False,
                                     sphere=topomap_sphere(raw.info),
                                     cmap="viridis", vlim=vlim)  # fmt: skip
        ax.set_title(f"{name}: relative alpha")
    fig.colorbar(im, ax=fig.axes, label="alpha / total power (dB)", shrink=0.8)
    return save_figure(fig, path)


def plot_fit(result: Any, folder: str | os.PathLike, target_raw: Any = None) -> list[Path]:
    """Every figure of a :class:`wholebrain.fit.FitResult` into ``folder``."""
    folder = Path(folder)
    paths = [plot_history(result.history, folder / "fit_history.png")]
    if result.best_raw is None:
        return paths
    if target_raw is not None and result.target_groups:
        paths.append(plot_spectra(target_raw, result.target_groups, result.best_raw,
                                  folder / "fit_spectra.png"))  # fmt: skip
    paths.append(plot_topomaps(target_raw, result.best_raw, folder / "fit_topomaps.png"))
    return paths
