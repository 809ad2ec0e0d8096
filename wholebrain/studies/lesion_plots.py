"""Figures of a lesion study: effect per region, topomaps of the largest changes (PNG)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import mne
import numpy as np
from matplotlib.figure import Figure

from ..figures import save_figure
from ..sensor_plots import topomap_sphere


def plot_effects(study: Any, path: str | os.PathLike) -> Path:
    """Bar chart of each lesion's effect (RMS scaled feature change), largest first."""
    ranking = study.ranking()
    fig = Figure(figsize=(max(5.0, 0.35 * len(ranking) + 2), 4))
    ax = fig.add_subplot()
    ax.bar(range(len(ranking)), [v for _, v in ranking], color="tab:blue")
    ax.set_xticks(range(len(ranking)), [r for r, _ in ranking], rotation=90, fontsize=8)
    ax.set(ylabel="effect (RMS scaled change)", title="Effect of disconnecting each region")
    fig.tight_layout()
    return save_figure(fig, path)


def plot_topomap_changes(study: Any, path: str | os.PathLike, top: int = 4) -> Path:
    """Change of relative alpha power per sensor (dB) for the ``top`` largest lesions, on
    one diverging colour scale centred on 0."""
    regions = [r for r, _ in study.ranking()[:top]]
    base = study.channel_alpha_db[study.INTACT]
    changes = [study.channel_alpha_db[r] - base for r in regions]
    if not changes:
        raise ValueError("no lesion run finished; nothing to plot")
    lim = max(float(np.abs(c).max()) for c in changes) or 1.0
    fig = Figure(figsize=(3.6 * len(regions) + 1, 3.8))
    for k, (region, change) in enumerate(zip(regions, changes, strict=True)):
        ax = fig.add_subplot(1, len(regions), k + 1)
        im, _ = mne.viz.plot_topomap(change, study.info, axes=ax, show=False,
                                     sphere=topomap_sphere(study.info),
                                     cmap="RdBu_r", vlim=(-lim, lim))  # fmt: skip
        ax.set_title(f"{region} disconnected")
    fig.colorbar(im, ax=fig.axes, label="relative alpha change (dB)", shrink=0.8)
    return save_figure(fig, path)
