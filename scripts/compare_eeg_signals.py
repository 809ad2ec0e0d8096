"""The column's physical dipole beside two current-based EEG proxies, on the same runs.

For each condition one full-size Soplata column runs once; its three region signals are
measured alike (Welch, 4-s Hann windows, after a transient):

- ``dipole``: the axial current between dendrite and soma of every PY cell, the source that
  :mod:`wholebrain.dipole` scales to a region (the default for sensor EEG);
- ``ampa``: the paper's EEG proxy, the AMPA currents PYso->PYdr and TC->PYdr;
- ``mazzoni``: the weighted-sum LFP proxy of Mazzoni et al. 2015 (PLoS Comput Biol
  11:e1004584), ``sum|I_AMPA(t - 6 ms)| - 1.65 sum|I_GABA(t)|`` over the pyramidal cells.

Reported per signal and condition: the log-log slope over 1-40 Hz without 7-20 Hz (the
measure of the physical-EEG issue), the FOOOF aperiodic exponent over 2-40 Hz, band powers
and beta relative to delta, the correlation of each proxy's log spectrum with the dipole's,
and the percentiles of the mean cell dipole that set the default dipole density
(``DipoleScale.cells_per_mm2``). With the Purdon recording present, its frontal values are
printed beside them.

Usage::

    python scripts/compare_eeg_signals.py [--conditions wake propofol] [--duration 12]
        [--seed 1] [--integration dynasim] [--jobs 2] [--out DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

BANDS = {"delta": (1.0, 4.0), "theta": (4.0, 8.0), "alpha": (8.0, 13.0), "beta": (13.0, 30.0)}
#: Mazzoni et al. 2015's weighted sum: AMPA delay and GABA weight
MAZZONI_DELAY_MS, MAZZONI_ALPHA = 6.0, 1.65
WINDOW_S, TRANSIENT_S = 4.0, 2.0


def run_column(condition: str, duration: float, seed: int, integration: str, out: str) -> str:
    import wholebrain as wb

    path = Path(out) / f"{condition}-{integration}-seed{seed}.npz"
    if path.exists():
        return str(path)
    col = wb.BrainModel.single_column("soplata2023", condition, integration=integration)
    res = wb.simulate(col, duration=duration, seed=seed, backend="cpp",
                      build_dir=Path(out) / f"build-{condition}-{integration}")  # fmt: skip
    res.save(path)
    return str(path)


def signals(res) -> dict[str, np.ndarray]:
    """The three region signals of column 0 after the transient (uA/cm^2 summed over cells)."""
    n0 = int(TRANSIENT_S * res.proxy_sfreq)
    ampa = res.eeg_proxy[0]
    gaba = res.signals["gabaa"][0]
    lag = int(round(MAZZONI_DELAY_MS * 1e-3 * res.proxy_sfreq))
    mazzoni = np.abs(np.roll(ampa, lag)) - MAZZONI_ALPHA * np.abs(gaba)
    return {"dipole": res.dipole[0][n0:], "ampa": ampa[n0:], "mazzoni": mazzoni[n0:]}


def measure(x: np.ndarray, sfreq: float) -> dict[str, float]:
    from wholebrain.aperiodic import parameterize
    from wholebrain.spectrum import spectrum_of

    spec = spectrum_of((x - x.mean())[None], sfreq, ["s"], window_s=WINDOW_S, fmax=100.0)
    f, p = spec.freqs, spec.psd[0]
    sel = (f >= 1) & (f <= 40) & ~((f >= 7) & (f <= 20))
    out = {"slope_1_40": float(np.polyfit(np.log10(f[sel]), np.log10(p[sel]), 1)[0])}
    out["exponent_2_40"] = parameterize(f, p, (2.0, 40.0)).exponent
    for name, (lo, hi) in BANDS.items():
        out[f"{name}_db"] = float(10 * np.log10(p[(f >= lo) & (f <= hi)].mean() * (hi - lo)))
    out["beta_minus_delta_db"] = out["beta_db"] - out["delta_db"]
    return out


def log_spectrum(x: np.ndarray, sfreq: float) -> np.ndarray:
    from wholebrain.spectrum import spectrum_of

    spec = spectrum_of((x - x.mean())[None], sfreq, ["s"], window_s=WINDOW_S, fmax=40.0)
    return np.log10(spec.psd[0][spec.freqs >= 1])


def dipole_calibration(res) -> dict[str, float]:
    """Percentiles of the mean cell dipole (pA*m) and the density they give (nA*m/mm^2)."""
    from wholebrain.dipole import DipoleScale

    scale = DipoleScale()
    n0 = int(TRANSIENT_S * res.proxy_sfreq)
    cell_pam = res.dipole[0][n0:] / res.sizes["PY"] * scale.cell_nAm_per_unit * 1e3
    lo, hi = np.percentile(cell_pam, [1, 99])
    return {
        "cell_dipole_p1_pAm": float(lo),
        "cell_dipole_p99_pAm": float(hi),
        "density_p1_nAm_mm2": float(lo * 1e-3 * scale.cells_per_mm2),
        "density_p99_nAm_mm2": float(hi * 1e-3 * scale.cells_per_mm2),
    }


def recorded() -> dict[str, dict[str, float]]:
    """Frontal (grid rows 0-1) values of the Purdon segments, measured the same way."""
    from wholebrain import recorded as rec

    try:
        rec.purdon_dir()
    except (FileNotFoundError, ValueError):
        return {}
    out = {}
    for state in ("awake", "high"):
        raw = rec.load_purdon(state)
        frontal = rec.purdon_groups(raw)["frontal"]
        x = raw.get_data(picks=frontal).mean(0)  # the group's mean signal
        out[state] = measure(x * 1e6, raw.info["sfreq"])
    return out


def plot(results: dict, folder: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(5 * len(results), 3.8), squeeze=False)
    for ax, (cond, entry) in zip(axes[0], results.items(), strict=True):
        for name, (f, p) in entry["spectra"].items():
            sel = (f >= 0.5) & (f <= 100)
            ax.loglog(f[sel], p[sel] / p[sel][np.argmin(np.abs(f[sel] - 2))], label=name)
        ax.set(title=cond, xlabel="Hz", ylabel="PSD / PSD(2 Hz)")
        ax.legend()
    fig.tight_layout()
    path = folder / "eeg_signals_psd.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conditions", nargs="+", default=["wake", "propofol"])
    ap.add_argument("--duration", type=float, default=12.0, help="simulated s per run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--integration", default="dynasim")
    ap.add_argument("--jobs", type=int, default=2, help="runs side by side, 1 thread each")
    ap.add_argument("--out", default=None, help="folder for runs and the figure (reused)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="eeg-signals-"))
    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(args.jobs) as pool:
        paths = list(pool.map(run_column, args.conditions, [args.duration] * len(args.conditions),
                              [args.seed] * len(args.conditions),
                              [args.integration] * len(args.conditions),
                              [str(out)] * len(args.conditions)))  # fmt: skip
    import wholebrain as wb
    from wholebrain.spectrum import spectrum_of

    results = {}
    for cond, path in zip(args.conditions, paths, strict=True):
        res = wb.load_result(path)
        sig = signals(res)
        fs = res.proxy_sfreq
        ref = log_spectrum(sig["dipole"], fs)
        entry = {"signals": {}, "spectra": {}, "calibration": dipole_calibration(res)}
        for name, x in sig.items():
            m = measure(x, fs)
            m["log_psd_r_with_dipole"] = float(np.corrcoef(log_spectrum(x, fs), ref)[0, 1])
            entry["signals"][name] = m
            spec = spectrum_of((x - x.mean())[None], fs, ["s"], window_s=WINDOW_S, fmax=100.0)
            entry["spectra"][name] = (spec.freqs, spec.psd[0])
        results[cond] = entry
    figure = plot(results, out)
    rec = recorded()
    if args.json:
        slim = {c: {k: v for k, v in e.items() if k != "spectra"} for c, e in results.items()}
        print(json.dumps({"runs": slim, "recorded_frontal": rec, "figure": str(figure)}))
        return
    cols = ["slope_1_40", "exponent_2_40", "beta_minus_delta_db", "log_psd_r_with_dipole"]
    print(f"one column per condition, {args.duration:g} s ({TRANSIENT_S:g} s transient), "
          f"seed {args.seed}, {args.integration}; Welch {WINDOW_S:g}-s windows")  # fmt: skip
    print(f"{'condition':<10}{'signal':<9}" + "".join(f"{c:>23}" for c in cols))
    for cond, entry in results.items():
        for name, m in entry["signals"].items():
            print(f"{cond:<10}{name:<9}" + "".join(f"{m[c]:>23.2f}" for c in cols))
    for state, m in rec.items():
        print(f"{'recorded':<10}{state:<9}" + "".join(f"{m[c]:>23.2f}" for c in cols[:3]))
    for cond, entry in results.items():
        c = entry["calibration"]
        print(f"{cond}: mean cell dipole 1st/99th percentile {c['cell_dipole_p1_pAm']:.2f} / "
              f"{c['cell_dipole_p99_pAm']:.2f} pA*m -> {c['density_p1_nAm_mm2']:.2f} / "
              f"{c['density_p99_nAm_mm2']:.2f} nA*m/mm^2 at the default cells_per_mm2")  # fmt: skip
    print(f"figure: {figure}")


if __name__ == "__main__":
    main()
