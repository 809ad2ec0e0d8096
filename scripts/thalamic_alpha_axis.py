"""Where the frontal (Soplata/Ching) thalamus makes its rhythm along ``propofol_level``.

Runs single Soplata columns (no HTC cells: the frontal columns of the ``anteriorization``
brain) at several levels of the drug axis between ``wake`` (0) and ``propofol`` (1), several
seeds each, and prints per level:

- the population rates and, where the TC cells fire (>= 0.5 Hz), the peak frequency of their
  population spike rate (4-30 Hz): the thalamic rhythm;
- for the column's physical dipole (the sensor-EEG source), for that dipole filtered to a
  region of 10^6 cells (``coherent``, :func:`wholebrain.dipole.population_signal`, what
  ``DipoleScale(population="coherent")`` uses) and for the paper's AMPA proxy (PYso->PYdr
  plus TC->PYdr currents, the signal the authors' spectra show): the peak
  frequency over 4-30 Hz and the slow (0.5-2 Hz), alpha (8-14 Hz) and beta (14-30 Hz) power,
  in dB, absolute and as the change from the first level.

It answers how much of the paper's propofol alpha/low-beta reaches the physical dipole, and
on how much of the axis the thalamus produces it. The first second is discarded.

    python scripts/thalamic_alpha_axis.py [--levels 0 0.2 0.4 0.6 0.8 1] [--seeds 1 2 3]
        [--duration 6] [--integration fast] [--set g_h=0.005 ...]
        [--propofol-end gabaa_tau_mult=5 ...] [--jobs 2] [--json F]

``--set`` fixes a parameter at every level; ``--propofol-end`` moves the propofol end of the
axis, so the parameter runs from its wake value to the new one.

Each run uses one thread; ``--jobs`` runs side by side.
"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from posterior_alpha import parse_set

BANDS = {"slow": (0.5, 2.0), "alpha": (8.0, 14.0), "beta": (14.0, 30.0)}
PEAK_RANGE = (4.0, 30.0)
TC_ACTIVE_HZ = 0.5
BURN_S, WINDOW_S = 1.0, 2.0
RATES = ("PY", "IN", "TC", "TRN")
SIGNALS = ("dipole", "coherent", "proxy")
#: cells a region stands for in the ``coherent`` signal (600 per mm^2 x a 1700-mm^2 region)
REGION_CELLS = 1.0e6


def signal_features(x: np.ndarray, sfreq: float) -> dict[str, float]:
    """Peak frequency in PEAK_RANGE and BANDS power (dB, arbitrary reference) of one trace."""
    from wholebrain.spectrum import band_power, spectrum_of

    spec = spectrum_of((x - x.mean())[None, :], sfreq, ["x"], window_s=WINDOW_S)
    sel = (spec.freqs >= PEAK_RANGE[0]) & (spec.freqs <= PEAK_RANGE[1])
    out = {"peak": float(spec.freqs[sel][np.argmax(spec.psd[0, sel])])}
    for name, power in band_power(spec, BANDS).items():
        out[name] = float(10 * np.log10(power[0]))
    return out


def one_run(job: tuple[float, int, float, str, dict, dict]) -> dict:
    """One column at one level and seed, measured."""
    import wholebrain as wb
    from wholebrain.dipole import DipoleScale, population_signal
    from wholebrain.studies.parameters import propofol_overrides

    level, seed, duration, integration, overrides, ends = job
    params = {**propofol_overrides("soplata2023", level, ends), **overrides}
    col = wb.BrainModel.single_column(
        "soplata2023", condition="wake", integration=integration, **params
    )
    res = wb.simulate(col, duration=duration, seed=seed, backend="cpp", threads=1)
    out: dict[str, float] = {k: float(v[0]) for k, v in res.rates(t_start=BURN_S).items()}
    fs = res.proxy_sfreq
    dip, half = np.asarray(res.dipole), np.asarray(res.signals["dipole_half"])
    coherent = population_signal(dip, half, fs, DipoleScale().model_cells, REGION_CELLS)
    for name, trace in (("dipole", dip), ("coherent", coherent), ("proxy", res.eeg_proxy)):
        feats = signal_features(np.asarray(trace)[0, int(BURN_S * fs) :], fs)
        out.update({f"{name}_{k}": v for k, v in feats.items()})
    t = np.asarray(res.spikes["TC"]["t"])
    out["tc_rhythm"] = float("nan")
    if out["TC"] >= TC_ACTIVE_HZ:
        counts, _ = np.histogram(t[t > BURN_S], bins=np.arange(BURN_S, duration + 1e-9, 0.002))
        out["tc_rhythm"] = signal_features(counts.astype(float), 500.0)["peak"]
    return {"level": level, "seed": seed, **out}


def summarise(results: list[dict], levels: list[float]) -> list[dict]:
    """Mean over seeds per level; band powers also as the change from the first level."""
    rows = []
    for level in levels:
        runs = [r for r in results if r["level"] == level]
        row = {"level": level, "n": len(runs)}
        for key in runs[0]:
            if key not in ("level", "seed"):
                vals = np.array([r[key] for r in runs], dtype=float)
                some = np.isfinite(vals).any()
                row[key] = float(np.nanmean(vals)) if some else float("nan")
                row[key + "_sd"] = float(np.nanstd(vals)) if some else 0.0
        row["tc_active_seeds"] = sum(r["TC"] >= TC_ACTIVE_HZ for r in runs)
        rows.append(row)
    for row in rows:
        for sig in SIGNALS:
            for band in BANDS:
                row[f"{sig}_{band}_change"] = row[f"{sig}_{band}"] - rows[0][f"{sig}_{band}"]
    return rows


def print_table(
    rows: list[dict], seeds: int, args: argparse.Namespace, overrides: dict, ends: dict
) -> None:
    """The summary table: rates and thalamic rhythm, then each signal's features."""
    print(f"{seeds} seeds x {args.duration:g} s ({args.integration}), first {BURN_S:g} s "
          f"dropped, overrides {overrides or 'none'}, propofol end "
          f"{ends or 'as the column'}; mean over seeds (SD)")  # fmt: skip
    head = [f"{k} Hz" for k in RATES] + ["TC fires", "TC rhythm Hz"]
    print(f"{'level':<7}" + "".join(f"{h:>14}" for h in head))
    for r in rows:
        cells = [f"{r[k]:.1f} ({r[k + '_sd']:.1f})" for k in RATES]
        cells += [f"{r['tc_active_seeds']}/{r['n']}", f"{r['tc_rhythm']:.1f}"]
        print(f"{r['level']:<7g}" + "".join(f"{c:>14}" for c in cells))
    for sig in SIGNALS:
        print(f"{sig}: peak {PEAK_RANGE[0]:g}-{PEAK_RANGE[1]:g} Hz; band power dB "
              f"(change from level {rows[0]['level']:g})")  # fmt: skip
        print(f"{'level':<7}{'peak Hz':>10}" + "".join(f"{b:>18}" for b in BANDS))
        for r in rows:
            cells = [f"{r[f'{sig}_{b}']:.1f} ({r[f'{sig}_{b}_change']:+.1f})" for b in BANDS]
            print(f"{r['level']:<7g}{r[sig + '_peak']:>10.1f}" + "".join(f"{c:>18}" for c in cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--levels", type=float, nargs="+", default=[0, 0.2, 0.4, 0.6, 0.8, 1])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--duration", type=float, default=6.0, help="s per run")
    ap.add_argument("--integration", default="fast", choices=["dynasim", "fast"])
    ap.add_argument("--set", nargs="*", default=[], help="column overrides NAME=VALUE")
    ap.add_argument("--propofol-end", nargs="*", default=[],
                    help="NAME=VALUE at the propofol end (from wake's value)")  # fmt: skip
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", help="also write the per-run results and the summary here")
    args = ap.parse_args()
    if args.duration <= BURN_S + WINDOW_S:
        raise SystemExit(f"--duration must exceed {BURN_S + WINDOW_S:g} s (transient + window)")
    overrides, ends = parse_set(args.set), parse_set(args.propofol_end)
    from wholebrain.studies.parameters import propofol_overrides

    try:
        propofol_overrides("soplata2023", 1.0, ends)
    except ValueError as err:
        ap.error(str(err))
    jobs = [(lv, s, args.duration, args.integration, overrides, ends) for lv in args.levels
            for s in args.seeds]  # fmt: skip
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one_run, jobs))
    rows = summarise(results, args.levels)
    print_table(rows, len(args.seeds), args, overrides, ends)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"runs": results, "summary": rows}, fh, indent=1)


if __name__ == "__main__":
    main()
