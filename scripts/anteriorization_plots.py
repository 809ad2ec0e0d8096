"""Figures of ``anteriorization_scan.py``: the curve along the level, spectra, alpha maps."""

from __future__ import annotations

from pathlib import Path

import mne
import numpy as np
from matplotlib.figure import Figure

from wholebrain.figures import save_figure
from wholebrain.sensor_plots import topomap_sphere
from wholebrain.spectrum import ALPHA_BAND, spectrum_of

SEGMENT_STYLE = {"awake": ("k", "-"), "low": ("0.45", "--"), "high": ("k", ":")}
#: the range whose total power normalises spectra and maps (the model's scale is arbitrary)
TOTAL = (0.5, 30.0)


def relative_psd(raw: mne.io.BaseRaw, window_s: float = 2.0):
    """Welch PSD per channel divided by the channel's 0.5-30 Hz power (1/Hz)."""
    spec = spectrum_of(raw.get_data(), raw.info["sfreq"], raw.ch_names, window_s=window_s,
                       fmax=40.0)  # fmt: skip
    sel = (spec.freqs >= TOTAL[0]) & (spec.freqs <= TOTAL[1])
    total = spec.psd[:, sel].mean(axis=1, keepdims=True) * (TOTAL[1] - TOTAL[0])
    return spec.freqs, spec.psd / total


def plot_curve(out: Path, levels, model_feats, rec, best) -> Path:
    """Frontal-minus-posterior alpha per level; the recordings as lines, the fits marked."""
    fig = Figure(figsize=(6.5, 4.2))
    ax = fig.add_subplot()
    y = [f.get("alpha_front_minus_post", np.nan) for f in model_feats]
    ax.plot(levels, y, "o-", color="tab:orange", label="model")
    for seg, (color, style) in SEGMENT_STYLE.items():
        ax.axhline(rec[seg]["alpha_front_minus_post"], color=color, ls=style,
                   label=f"recorded {seg}")  # fmt: skip
        i = levels.index(best[seg])
        ax.plot(best[seg], y[i], "s", mfc="none", mec=color, ms=12)
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)
    ax.set(xlabel="propofol_level", ylabel="frontal - posterior alpha (dB)",
           title="Alpha anteriorization along the drug axis (squares: best level)")  # fmt: skip
    ax.legend(fontsize=8)
    return save_figure(fig, out / "anteriorization_vs_level.png")


def plot_spectra(out: Path, levels, raws, measured, groups) -> list[Path]:
    """Per channel group: the relative spectrum of every level and of the recordings."""
    import matplotlib

    cmap = matplotlib.colormaps["viridis"]
    paths = []
    for g, chans in groups.items():
        fig = Figure(figsize=(6.5, 4.2))
        ax = fig.add_subplot()
        for lv, raw in raws.items():
            f, p = relative_psd(raw)
            idx = [raw.ch_names.index(c) for c in chans]
            ax.plot(f, 10 * np.log10(p[idx].mean(0)), color=cmap(lv), label=f"level {lv:g}")
        for seg, raw in measured.items():
            f, p = relative_psd(raw)
            idx = [raw.ch_names.index(c) for c in chans]
            color, style = SEGMENT_STYLE[seg]
            ax.plot(f, 10 * np.log10(p[idx].mean(0)), color=color, ls=style, lw=2,
                    label=f"recorded {seg}")  # fmt: skip
        ax.axvspan(*ALPHA_BAND, color="0.92", zorder=0)
        ax.set(xlabel="Frequency (Hz)", ylabel="power / 0.5-30 Hz power (dB/Hz)",
               title=f"{g} channels", xlim=(0.5, 40))  # fmt: skip
        ax.legend(fontsize=7, ncol=2)
        paths.append(save_figure(fig, out / f"spectra_{g}.png"))
    return paths


def _alpha_db(raw: mne.io.BaseRaw) -> np.ndarray:
    f, p = relative_psd(raw)
    sel = (f >= ALPHA_BAND[0]) & (f <= ALPHA_BAND[1])
    return 10 * np.log10(p[:, sel].mean(axis=1) * (ALPHA_BAND[1] - ALPHA_BAND[0]))


def plot_topomaps(out: Path, raws, measured) -> Path:
    """Relative alpha per channel: every level (top) and the recordings (bottom)."""
    panels = [(f"level {lv:g}", r) for lv, r in raws.items()]
    panels += [(f"recorded {s}", r) for s, r in measured.items()]
    # every map on the recording's layout: the model's channels are the recording's, but
    # its positions are where the forward model put them on the head, another projection
    layout = next(iter(measured.values())).info
    values = [_alpha_db(r)[[r.ch_names.index(c) for c in layout.ch_names]] for _, r in panels]
    vlim = (min(v.min() for v in values), max(v.max() for v in values))
    ncol = max(len(raws), len(measured))
    fig = Figure(figsize=(2.6 * ncol, 5.6))
    for k, ((name, _), v) in enumerate(zip(panels, values, strict=True)):
        pos = k + 1 if k < len(raws) else ncol + 1 + k - len(raws)
        ax = fig.add_subplot(2, ncol, pos)
        im, _ = mne.viz.plot_topomap(v, layout, axes=ax, show=False, cmap="viridis",
                                     sphere=topomap_sphere(layout), vlim=vlim)  # fmt: skip
        ax.set_title(name, fontsize=9)
    fig.colorbar(im, ax=fig.axes, label="alpha / 0.5-30 Hz power (dB)", shrink=0.7)
    return save_figure(fig, out / "alpha_topomaps.png")


def all_figures(out, levels, model_feats, rec, raws, measured, groups, best) -> list[Path]:
    paths = [plot_curve(out, levels, model_feats, rec, best)]
    if raws:
        paths += plot_spectra(out, levels, raws, measured, groups)
        paths.append(plot_topomaps(out, raws, measured))
    return paths
