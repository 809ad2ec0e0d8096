"""Sensor-space EEG figures (PNG): electrode positions, band-power topomaps, PSD per sensor
group, and the sensor groups and head circle they use."""

from __future__ import annotations

import os
from pathlib import Path

import mne
import numpy as np
from matplotlib.figure import Figure

from .figures import save_figure

#: sensor groups by 10-10 name prefix (longest prefix wins)
GROUPS = {
    "frontal": ("Fp", "AF", "F"),
    "central": ("FC", "C"),
    "temporal": ("FT", "T", "TP"),
    "parietal": ("CP", "P"),
    "occipital": ("PO", "O", "Iz", "CB"),  # IO1/IO2 (infraorbital) stay "other"
}


def sensor_group(name: str) -> str:
    """Region group of a 10-10 electrode name (``"other"`` when it fits none)."""
    best, length = "other", 0
    for group, prefixes in GROUPS.items():
        for prefix in prefixes:
            if name.upper().startswith(prefix.upper()) and len(prefix) > length:
                best, length = group, len(prefix)
    return best


#: the electrodes that define EEGLAB's head circle (the Fpz-T8-Oz-T7 ring)
_EEGLAB_RING = ("Fpz", "Oz", "T7", "T8")


def topomap_sphere(info: mne.Info) -> str:
    """Head circle for topomaps: EEGLAB's ring through Fpz, T7, Oz and T8 where the montage
    has them (MNE's ``"auto"`` sphere fits tvb-data's 65 electrodes small and draws many of
    them outside the head), else ``"auto"``."""
    return "eeglab" if set(_EEGLAB_RING) <= set(info["ch_names"]) else "auto"


def plot_sensors(info: mne.Info, path: str | os.PathLike) -> Path:
    """Electrode positions on the head outline (top view, names shown) to a PNG."""
    fig = Figure(figsize=(6, 6))
    ax = fig.add_subplot()
    mne.viz.plot_sensors(info, kind="topomap", show_names=True, axes=ax, show=False,
                         sphere=topomap_sphere(info))  # fmt: skip
    return save_figure(fig, path)


def plot_band_topomap(
    raw: mne.io.BaseRaw, path: str | os.PathLike, band: tuple[float, float] = (8.0, 13.0)
) -> Path:
    """Topomap of band power (dB re 1 V^2/Hz, mean over ``band`` in Hz) to a PNG."""
    lo, hi = band
    if not 0 <= lo < hi <= raw.info["sfreq"] / 2:
        raise ValueError(f"band must satisfy 0 <= low < high <= Nyquist, got {band}")
    spec = raw.compute_psd(fmin=lo, fmax=hi, verbose=False)
    power = 10 * np.log10(spec.get_data().mean(axis=1))
    fig = Figure(figsize=(5, 4.5))
    ax = fig.add_subplot()
    # dB values are all negative: a diverging map centred on 0 dB would paint them one colour
    im, _ = mne.viz.plot_topomap(power, raw.info, axes=ax, show=False,
                                 sphere=topomap_sphere(raw.info),
                                 cmap="viridis", vlim=(power.min(), power.max()))  # fmt: skip
    fig.colorbar(im, ax=ax, label=f"{lo:g}-{hi:g} Hz power (dB)")
    return save_figure(fig, path)


def plot_psd_groups(raw: mne.io.BaseRaw, path: str | os.PathLike, fmax: float = 45.0) -> Path:
    """Welch PSD (dB re 1 V^2/Hz) averaged per sensor group (frontal, central, ...) to a PNG."""
    spec = raw.compute_psd(fmax=min(fmax, raw.info["sfreq"] / 2), verbose=False)
    psd, freqs = spec.get_data(), spec.freqs
    fig = Figure(figsize=(7, 4.5))
    ax = fig.add_subplot()
    groups = np.array([sensor_group(n) for n in raw.ch_names])
    for group in [*GROUPS, "other"]:
        sel = groups == group
        if sel.any():
            ax.plot(freqs, 10 * np.log10(psd[sel].mean(0)), label=f"{group} ({int(sel.sum())})")
    ax.set(xlabel="Frequency (Hz)", ylabel="Power (dB re 1 V²/Hz)", title="PSD per sensor group")
    ax.legend()
    return save_figure(fig, path)
