"""The posterior alpha generator of one column: HTC cells awake and under propofol.

Runs single Soplata columns with and without the HTC cells (``htc=True``,
``wholebrain.columns.soplata2023.htc``) in the named conditions, several seeds each, and
prints per condition the population rates, the peak frequency and alpha share (8-13 Hz
power over 2-40 Hz) of the column's current dipole (the sensor-EEG source), and the same for
the HTC cells' population spike rate. The first second is discarded as transient.

    python scripts/posterior_alpha.py [--conditions wake propofol] [--seeds 1 2 3]
        [--duration 6] [--set g_gabaa_trn_htc=0.05 ...] [--integration dynasim] [--jobs 2]

Each run uses one thread; ``--jobs`` runs side by side (one per core on a quiet machine).
"""

from __future__ import annotations

import argparse
from concurrent.futures import ProcessPoolExecutor

import numpy as np

BAND = (2.0, 40.0)
ALPHA = (8.0, 13.0)
BURN_S = 1.0


def spectrum_features(x: np.ndarray, fs: float) -> tuple[float, float]:
    """(peak frequency in BAND, ALPHA share of BAND power) from 2-s Welch windows."""
    from scipy.signal import welch

    f, p = welch(x - x.mean(), fs=fs, nperseg=int(2 * fs))
    band = (f >= BAND[0]) & (f <= BAND[1])
    alpha = (f >= ALPHA[0]) & (f <= ALPHA[1])
    total = p[band].sum()
    return float(f[band][np.argmax(p[band])]), float(p[alpha].sum() / total) if total else 0.0


def one_run(job: tuple[str, bool, int, float, dict, str]) -> dict:
    """Simulate one column and measure it."""
    import wholebrain as wb

    condition, htc, seed, duration, overrides, integration = job
    extra = {**overrides, "htc": True} if htc else {}
    col = wb.BrainModel.single_column(
        "soplata2023", condition=condition, integration=integration, **extra
    )
    res = wb.simulate(col, duration=duration, seed=seed, backend="cpp", threads=1)
    out = {k: float(v[0]) for k, v in res.rates(t_start=BURN_S).items()}
    fs = res.proxy_sfreq
    dip = np.asarray(res.dipole)[0, int(BURN_S * fs) :]
    out["dipole_peak"], out["dipole_alpha"] = spectrum_features(dip, fs)
    if htc:
        t = np.asarray(res.spikes["HTC"]["t"])
        counts, _ = np.histogram(t[t > BURN_S], bins=np.arange(BURN_S, duration + 1e-9, 0.002))
        out["htc_peak"], out["htc_alpha"] = spectrum_features(counts.astype(float), 500.0)
    return out


def parse_set(items: list[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        if not value:
            raise SystemExit(f"--set needs NAME=VALUE, got {item!r}")
        out[name] = float(value)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conditions", nargs="+", default=["wake", "propofol"])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--duration", type=float, default=6.0, help="s per run")
    ap.add_argument("--set", nargs="*", default=[], help="HTC-column overrides NAME=VALUE")
    ap.add_argument("--integration", default="dynasim", choices=["dynasim", "fast"],
                    help="the column's time stepping (the brain scans use fast)")  # fmt: skip
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    overrides = parse_set(args.set)
    jobs = [
        (c, htc, s, args.duration, overrides, args.integration)
        for c in args.conditions
        for htc in (False, True)
        for s in args.seeds
    ]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one_run, jobs))
    keys = ("PY", "IN", "TC", "TRN", "HTC", "dipole_peak", "dipole_alpha", "htc_peak", "htc_alpha")
    print(f"{len(args.seeds)} seeds x {args.duration:g} s ({args.integration}), first "
          f"{BURN_S:g} s dropped; "
          f"HTC overrides {overrides or 'none'}; mean (SD)")  # fmt: skip
    print(f"{'condition':<10}{'HTC':<5}" + "".join(f"{k:>16}" for k in keys))
    for c in args.conditions:
        for htc in (False, True):
            rows = [r for j, r in zip(jobs, results, strict=True) if j[0] == c and j[1] == htc]
            cells = []
            for k in keys:
                vals = [r[k] for r in rows if k in r]
                cells.append(f"{np.mean(vals):8.2f} ({np.std(vals):4.2f})" if vals else "-")
            print(f"{c:<10}{'yes' if htc else 'no':<5}" + "".join(f"{x:>16}" for x in cells))


if __name__ == "__main__":
    main()
