"""Figures of a column or brain run: raster, EEG-proxy trace, proxy spectrum (PNG)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from scipy.signal import detrend, welch

from .figures import save_figure
from .result import SimulationResult

_COLORS = {"PY": "tab:blue", "IN": "tab:red", "TC": "tab:green", "TRN": "tab:purple"}


def plot_raster(res: SimulationResult, path: str | Path, region: int = 0) -> Path:
    """Spike raster of one column, populations stacked (PY bottom, TRN top)."""
    fig = Figure(figsize=(10, 4.5))
    ax = fig.add_subplot()
    offset = 0
    ticks = []
    for pop in res.sizes:
        if pop not in res.spikes or res.sizes[pop] == 0:
            continue
        sp = res.spikes[pop]
        sp = sp[sp["region"] == region]
        ax.plot(sp["t"], sp["cell"] + offset, "|", ms=2, color=_COLORS.get(pop, "k"))
        ticks.append((offset + res.sizes[pop] / 2, pop))
        offset += res.sizes[pop] + 5
    ax.set_yticks([t for t, _ in ticks], [p for _, p in ticks])
    ax.set_xlim(0, res.duration_s)
    ax.set_xlabel("time (s)")
    ax.set_title(f"{res.region_labels[region]}: spikes ({res.provenance.get('condition', '')})")
    fig.tight_layout()
    return save_figure(fig, path)


def plot_proxy(res: SimulationResult, path: str | Path, region: int = 0) -> Path:
    """EEG proxy and each of its parts (detrended, uA/cm^2 summed over cells)."""
    traces = [("proxy", res.eeg_proxy[region])]
    traces += [(f"part {k}", v[region]) for k, v in res.eeg_proxy_parts.items()]
    fig = Figure(figsize=(10, 2 * len(traces)))
    axes = fig.subplots(len(traces), 1, sharex=True)
    axes = np.atleast_1d(axes)
    for ax, (label, x) in zip(axes, traces, strict=True):
        ax.plot(res.times, detrend(x), lw=0.5, color="k")
        ax.set_ylabel(label, fontsize=8)
    axes[-1].set_xlabel("time (s)")
    axes[0].set_title(f"{res.region_labels[region]}: EEG proxy (uA/cm^2, detrended)")
    fig.tight_layout()
    return save_figure(fig, path)


def plot_spectrum(
    res: SimulationResult, path: str | Path, region: int = 0, t_start: float = 0.5
) -> Path:
    """Welch spectrum (4-s Hann segments) of the detrended proxy after ``t_start`` s."""
    x = res.eeg_proxy[region, int(t_start * res.proxy_sfreq) :]
    if x.size < 2:
        raise ValueError(f"the run is too short for a spectrum after {t_start} s")
    f, p = welch(detrend(x), fs=res.proxy_sfreq, nperseg=min(x.size, int(4 * res.proxy_sfreq)))
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    sel = (f > 0) & (f <= 40)
    ax.semilogy(f[sel], p[sel], color="k")
    for lo, hi, c in ((0.5, 2, "tab:orange"), (8, 14, "tab:blue")):
        ax.axvspan(lo, hi, color=c, alpha=0.15)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("power ((uA/cm^2)^2/Hz)")
    ax.set_title(f"{res.region_labels[region]}: EEG-proxy spectrum")
    fig.tight_layout()
    return save_figure(fig, path)


def plot_column(res: SimulationResult, folder: str | Path, region: int = 0) -> list[Path]:
    """Raster, proxy and spectrum PNGs of one column into ``folder``; returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [
        plot_raster(res, folder / "raster.png", region),
        plot_proxy(res, folder / "eeg_proxy.png", region),
    ]
    if res.duration_s > 1.0:
        paths.append(plot_spectrum(res, folder / "spectrum.png", region))
    return paths


__all__ = ["plot_column", "plot_proxy", "plot_raster", "plot_spectrum"]
