"""How the awake column's spectral shape follows one parameter of the wake end of the axis.

The physical-EEG issue's awake checks (frontal FOOOF exponent over 2-40 Hz within 0.5 of
the awake recording's, beta minus delta within 6 dB) fail on the ``wake`` condition: its
spectrum is flat and rich in beta. This script runs single Soplata columns (no HTC cells:
the frontal columns of the ``anteriorization`` brain) at ``propofol_level`` 0 with one
parameter of the wake end moved to each of ``--values`` (``propofol_overrides(...,
wake_ends=...)``, the scan's ``--wake-end``), several seeds each, and prints per value:

- the population rates;
- for the column's physical dipole and for that dipole filtered to a region of 10^6 cells
  (``coherent``, what ``DipoleScale(population="coherent")`` uses): the FOOOF exponent
  (2-40 Hz), beta (13-30 Hz) minus delta (1-4 Hz) and alpha (8-13 Hz) minus delta, in dB;
- the same for the frontal grid rows of the awake Purdon segment, where it is present.

Usage::

    python scripts/awake_shape.py [--param g_kna] [--values 0.1 0.2 0.3 0.6]
        [--level 0] [--seeds 1 2 3] [--duration 12] [--jobs 2] [--json F]

The first second is discarded; Welch windows are 2 s. Each run uses one thread; ``--jobs``
runs side by side.
"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ProcessPoolExecutor

import numpy as np

BANDS = {"delta": (1.0, 4.0), "alpha": (8.0, 13.0), "beta": (13.0, 30.0)}
FIT_RANGE = (2.0, 40.0)
BURN_S, WINDOW_S = 1.0, 2.0
RATES = ("PY", "IN", "TC", "TRN")
SIGNALS = ("dipole", "coherent")
SHAPE = ("exponent", "beta_minus_delta", "alpha_minus_delta")
#: cells a region stands for in the ``coherent`` signal (as scripts/thalamic_alpha_axis.py)
REGION_CELLS = 1.0e6


def shape(x: np.ndarray, sfreq: float) -> dict[str, float]:
    """FOOOF exponent over FIT_RANGE and band powers relative to delta (dB) of one trace."""
    from wholebrain.aperiodic import parameterize
    from wholebrain.spectrum import spectrum_of

    spec = spectrum_of((x - x.mean())[None, :], sfreq, ["x"], window_s=WINDOW_S, fmax=45.0)
    f, p = spec.freqs, spec.psd[0]
    db = {b: 10 * np.log10(p[(f >= lo) & (f <= hi)].mean() * (hi - lo))
          for b, (lo, hi) in BANDS.items()}  # fmt: skip
    return {
        "exponent": parameterize(f, p, FIT_RANGE).exponent,
        "beta_minus_delta": float(db["beta"] - db["delta"]),
        "alpha_minus_delta": float(db["alpha"] - db["delta"]),
    }


def one_run(job: tuple[str, float, float, int, float]) -> dict:
    """One column with ``param`` at ``value`` at the wake end, at ``level``, measured."""
    import wholebrain as wb
    from wholebrain.dipole import DipoleScale, population_signal
    from wholebrain.studies.parameters import propofol_overrides

    param, value, level, seed, duration = job
    params = propofol_overrides("soplata2023", level, wake_ends={param: value})
    col = wb.BrainModel.single_column("soplata2023", condition="wake", integration="fast",
                                      **params)  # fmt: skip
    res = wb.simulate(col, duration=duration, seed=seed, backend="cpp", threads=1)
    out: dict[str, float] = {k: float(v[0]) for k, v in res.rates(t_start=BURN_S).items()}
    fs = res.proxy_sfreq
    dip, half = np.asarray(res.dipole), np.asarray(res.signals["dipole_half"])
    coherent = population_signal(dip, half, fs, DipoleScale().model_cells, REGION_CELLS)
    for name, trace in (("dipole", dip), ("coherent", coherent)):
        feats = shape(np.asarray(trace)[0, int(BURN_S * fs) :], fs)
        out.update({f"{name}_{k}": v for k, v in feats.items()})
    return {"value": value, "seed": seed, **out}


def recorded_awake() -> dict[str, float] | None:
    """The awake Purdon segment's frontal grid rows (their mean signal), measured alike."""
    from wholebrain import recorded

    if not recorded.purdon_available():
        return None
    raw = recorded.load_purdon("awake")
    frontal = recorded.purdon_groups(raw)["frontal"]
    return shape(raw.get_data(picks=frontal).mean(0), raw.info["sfreq"])


def summarise(results: list[dict], values: list[float]) -> list[dict]:
    """Mean and SD over seeds per value."""
    rows = []
    for value in values:
        runs = [r for r in results if r["value"] == value]
        row: dict[str, float] = {"value": value, "n": len(runs)}
        for key in runs[0]:
            if key not in ("value", "seed"):
                vals = np.array([r[key] for r in runs], dtype=float)
                row[key], row[key + "_sd"] = float(vals.mean()), float(vals.std())
        rows.append(row)
    return rows


def table(rows: list[dict], rec: dict[str, float] | None, args: argparse.Namespace) -> str:
    """Rates, then each signal's shape, per value (mean over seeds, SD)."""
    lines = [f"{len(args.seeds)} seeds x {args.duration:g} s (fast), level {args.level:g}, "
             f"{args.param} at the wake end; mean over seeds (SD)"]  # fmt: skip
    lines.append(f"{args.param:<10}" + "".join(f"{k + ' Hz':>14}" for k in RATES))
    for r in rows:
        cells = [f"{r[k]:.1f} ({r[k + '_sd']:.1f})" for k in RATES]
        lines.append(f"{r['value']:<10g}" + "".join(f"{c:>14}" for c in cells))
    for sig in SIGNALS:
        lines.append(f"{sig}: FOOOF exponent {FIT_RANGE[0]:g}-{FIT_RANGE[1]:g} Hz, bands - "
                     "delta (dB)")  # fmt: skip
        lines.append(f"{args.param:<10}" + "".join(f"{k:>20}" for k in SHAPE))
        for r in rows:
            cells = [f"{r[f'{sig}_{k}']:.2f} ({r[f'{sig}_{k}_sd']:.2f})" for k in SHAPE]
            lines.append(f"{r['value']:<10g}" + "".join(f"{c:>20}" for c in cells))
    if rec is not None:
        lines.append(f"{'recorded':<10}" + "".join(f"{rec[k]:>20.2f}" for k in SHAPE) +
                     "   (awake segment, frontal rows)")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--param", default="g_kna", help="column parameter of the wake end")
    ap.add_argument("--values", type=float, nargs="+", default=[0.1, 0.2, 0.3, 0.6])
    ap.add_argument("--level", type=float, default=0.0, help="propofol_level of the runs")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--duration", type=float, default=12.0, help="s per run")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", help="also write the per-run results and the summary here")
    args = ap.parse_args()
    if args.duration <= BURN_S + 2 * WINDOW_S:
        ap.error(f"--duration must exceed {BURN_S + 2 * WINDOW_S:g} s (transient + 2 windows)")
    from wholebrain.studies.parameters import propofol_overrides

    try:  # a bad name costs nothing
        propofol_overrides("soplata2023", args.level, wake_ends={args.param: args.values[0]})
    except ValueError as err:
        ap.error(str(err))
    jobs = [(args.param, v, args.level, s, args.duration) for v in args.values
            for s in args.seeds]  # fmt: skip
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(one_run, jobs))
    rows = summarise(results, args.values)
    rec = recorded_awake()
    print(table(rows, rec, args))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"runs": results, "summary": rows, "recorded": rec}, fh, indent=1)


if __name__ == "__main__":
    main()
