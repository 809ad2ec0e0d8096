"""Alpha rhythm of the izhikevich_stp column with and without its thalamic pair.

For each seed, a single column in the ``default`` condition and in the ``alpha`` condition
(20 TC + 20 TRN cells) is simulated (C++, compiled once per condition); the script prints
the peak frequency of the EEG proxy and of the TC population rate (2-40 Hz, Welch, 2 s
windows, first 0.5 s dropped), the share of 7-14 Hz in the proxy's 2-40 Hz power, and the
mean rates.

    python scripts/alpha_izhikevich.py                  # seeds 1 3 4 5, 4 s
    python scripts/alpha_izhikevich.py --seeds 1 2 --duration 10
"""

from __future__ import annotations

import argparse
import tempfile

import numpy as np
from scipy.signal import welch

import wholebrain as wb


def peak_and_share(x: np.ndarray, fs: float) -> tuple[float, float]:
    f, p = welch(x - x.mean(), fs=fs, nperseg=int(2 * fs))
    band = (f > 2) & (f < 40)
    alpha = (f >= 7) & (f <= 14)
    return float(f[band][np.argmax(p[band])]), float(p[alpha].sum() / p[band].sum())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 3, 4, 5])
    ap.add_argument("--duration", type=float, default=4.0)
    args = ap.parse_args()
    print(f"{'condition':>10} {'seed':>5} {'proxy peak Hz':>14} {'TC peak Hz':>11} "
          f"{'alpha share':>12}  rates Hz")  # fmt: skip
    for cond in ("default", "alpha"):
        with tempfile.TemporaryDirectory(prefix="wb_alpha_") as build:
            brain = wb.compile_brain(wb.BrainModel.single_column("izhikevich_stp", cond),
                                     args.duration, build_dir=build)  # fmt: skip
            for seed in args.seeds:
                res = brain.run(seed)
                skip = int(0.5 * res.proxy_sfreq)
                peak, share = peak_and_share(res.eeg_proxy[0, skip:], res.proxy_sfreq)
                tc = "-"
                if "TC" in res.spikes:
                    bins = np.arange(0.5, args.duration + 1e-9, 0.001)
                    counts, _ = np.histogram(res.spikes["TC"]["t"], bins=bins)
                    tc = f"{peak_and_share(counts.astype(float), 1000.0)[0]:.1f}"
                rates = {k: round(float(v.mean()), 1) for k, v in res.rates(0.5).items()}
                print(f"{cond:>10} {seed:>5} {peak:>14.1f} {tc:>11} {share:>12.2f}  {rates}",
                      flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
