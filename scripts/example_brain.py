"""The README's whole-brain example: the default 76-region brain under propofol.

Simulates tvb76 with full-size soplata2023 columns (checkpointed, so an interrupted run
resumes), projects it to the default head's 65 EEG sensors and draws the README figures:

    python scripts/example_brain.py --duration 3 --threads 2 --out docs/figures

Figures: the connectome, PY firing rate of every region over time, the EEG proxy of a few
regions, the sensor PSD per group and the alpha topomap.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure


def rate_map(res, path: Path, bin_s: float = 0.05) -> Path:
    """PY firing rate (Hz) of every region in ``bin_s`` bins, regions sorted by label."""
    sp = res.spikes["PY"]
    edges = np.arange(0.0, res.duration_s + 1e-9, bin_s)
    counts = np.zeros((res.n_regions, edges.size - 1))
    for r in range(res.n_regions):
        counts[r] = np.histogram(sp["t"][sp["region"] == r], bins=edges)[0]
    rates = counts / (res.sizes["PY"] * bin_s)
    order = np.argsort(res.region_labels)
    fig = Figure(figsize=(9, 6))
    ax = fig.add_subplot()
    im = ax.imshow(rates[order], aspect="auto", origin="lower", cmap="magma",
                   extent=(0, res.duration_s, 0, res.n_regions))  # fmt: skip
    ax.set_yticks(np.arange(res.n_regions)[::4] + 0.5)
    ax.set_yticklabels(np.asarray(res.region_labels)[order][::4], fontsize=6)
    ax.set(xlabel="Time (s)", title="PY firing rate per region")
    fig.colorbar(im, ax=ax, label="Hz")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path


def proxy_traces(res, path: Path, labels: list[str]) -> Path:
    """The EEG proxy of a few regions, stacked."""
    fig = Figure(figsize=(9, 4.5))
    ax = fig.add_subplot()
    t = res.times
    for k, label in enumerate(labels):
        x = res.eeg_proxy[res.region_labels.index(label)]
        x = (x - x.mean()) / (x.std() + 1e-12)
        ax.plot(t, x - 5 * k, lw=0.6)
    ax.set_yticks([-5 * k for k in range(len(labels))], labels)
    ax.set(xlabel="Time (s)", title="EEG proxy (z-scored) of some regions")
    fig.savefig(path, dpi=110, bbox_inches="tight")
    return path


def main() -> None:
    import wholebrain as wb
    from wholebrain import sensor_plots
    from wholebrain.connectome.plots import plot_glass_brain

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=3.0, help="simulated s")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--gain", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="docs/figures")
    ap.add_argument("--checkpoint", default="example-brain-checkpoint")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    con = wb.load_connectome("tvb76")
    brain = wb.BrainModel(con, condition="propofol", global_coupling=args.gain)
    t0 = time.perf_counter()
    res = wb.simulate(brain, args.duration, seed=args.seed, backend="cpp", threads=args.threads,
                      checkpoint=args.checkpoint, chunk=0.5, progress=True)  # fmt: skip
    wall = time.perf_counter() - t0
    raw = wb.make_forward(con).to_raw(res)
    plot_glass_brain(con, out / "brain_connectome.png")
    rate_map(res, out / "brain_rates.png")
    proxy_traces(res, out / "brain_proxy.png", ["rPFCDL", "rM1", "rPCI", "rV1", "rTCI"])
    sensor_plots.plot_psd_groups(raw.copy().crop(tmin=0.5), out / "brain_psd.png")
    sensor_plots.plot_band_topomap(raw.copy().crop(tmin=0.5), out / "brain_alpha_topomap.png")
    rates = {k: round(float(v.mean()), 2) for k, v in res.rates(t_start=0.5).items()}
    per_s = wall / args.duration
    print(f"{args.duration:g} s of 76 regions in {wall:.0f} s wall ({per_s:.0f} s per simulated "
          f"s, {args.threads} threads); mean rates after 0.5 s (Hz): {rates}")  # fmt: skip


if __name__ == "__main__":
    main()
