"""Simulated sensor EEG beside the recording, measured the recording's way.

Runs the brain (default: all 76 tvb76 regions) in the ``wake`` and ``propofol`` conditions,
projects each run through a forward model built for the Purdon recording's own 64 sensors
(:func:`wholebrain.measurement.measurement_of`: grid positions on the default head, the
recording's Laplacian, its grid-row groups, the same segment length), and prints the
physical-EEG issue's acceptance numbers beside the recorded ones:

- frontal aperiodic exponent over 2-40 Hz (FOOOF): awake within +-0.5 of the awake
  recording, and steeper under propofol;
- frontal beta (13-30 Hz) relative to delta (1-4 Hz), within 6 dB of each segment;
- frontal alpha, frontal slow power and anteriorization, beside the recorded changes.

Usage::

    python scripts/eeg_vs_recording.py [--duration 8] [--transient 2] [--gain 1]
        [--integration fast] [--source dipole] [--regions N] [--out DIR] [--json]
        [--population column coherent]

Each condition runs in its own process with one thread (side by side on 2 cores). Runs are
kept in ``--out`` and reused when present.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

PAIRS = {"wake": "awake", "propofol": "high"}
BANDS = {"slow": (0.1, 1.0), "delta": (1.0, 4.0), "alpha": (8.0, 13.0), "beta": (13.0, 30.0)}


def run(condition: str, args: argparse.Namespace) -> str:
    import wholebrain as wb

    out = Path(args.out)
    path = out / f"{condition}.npz"
    if path.exists():
        return str(path)
    con = wb.load_connectome("tvb76")
    if args.regions:
        con = con.subset(list(con.labels[: args.regions]))
    brain = wb.BrainModel(con, condition=condition, global_coupling=args.gain,
                          overrides={"integration": args.integration})  # fmt: skip
    res = wb.simulate(brain, duration=args.duration, seed=args.seed, backend="cpp",
                      threads=1, build_dir=out / f"build-{condition}", progress=True)  # fmt: skip
    res.save(path)
    return str(path)


def group_features(raw, groups, window_s: float = 4.0) -> dict[str, float]:
    """Per group: FOOOF exponent (2-40 Hz), band powers (dB), beta - delta; anteriorization
    (Welch windows of ``window_s``)."""
    from wholebrain.aperiodic import parameterize
    from wholebrain.spectrum import spectrum_of, to_db

    data = raw.get_data()
    spec = spectrum_of(data, raw.info["sfreq"], raw.ch_names, window_s=window_s, fmax=45.0)
    out: dict[str, float] = {}
    for g, chs in groups.items():
        psd = spec.psd[spec.picks(list(chs))].mean(0)
        out[f"exponent[{g}]"] = parameterize(spec.freqs, psd, (2.0, 40.0)).exponent
        for b, (lo, hi) in BANDS.items():
            sel = (spec.freqs >= lo) & (spec.freqs <= hi)
            out[f"{b}[{g}]"] = float(to_db(psd[sel].mean() * (hi - lo)))
        out[f"beta_minus_delta[{g}]"] = out[f"beta[{g}]"] - out[f"delta[{g}]"]
    if {"frontal", "posterior"} <= set(groups):
        out["anteriorization"] = out["alpha[frontal]"] - out["alpha[posterior]"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=8.0)
    ap.add_argument("--transient", type=float, default=2.0)
    ap.add_argument("--gain", type=float, default=1.0, help="global coupling")
    ap.add_argument("--integration", default="fast")
    ap.add_argument("--source", default="dipole", choices=["dipole", "proxy"])
    ap.add_argument("--population", nargs="+", default=["column"],
                    choices=["column", "coherent"],
                    help="how a column's cells stand for a region's (wb.DipoleScale); each "
                         "is measured on the same runs")  # fmt: skip
    ap.add_argument("--regions", type=int, default=0, help="first N regions (0: all 76)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.source != "dipole" and set(args.population) != {"column"}:
        ap.error("--population coherent needs --source dipole")
    args.out = args.out or tempfile.mkdtemp(prefix="eeg-vs-recording-")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(2) as pool:
        paths = dict(zip(PAIRS, pool.map(run, PAIRS, [args] * len(PAIRS)), strict=True))

    import wholebrain as wb
    from wholebrain.measurement import measurement_of
    from wholebrain.recorded import load_purdon

    recs = {s: load_purdon(s) for s in PAIRS.values()}
    analysed = args.duration - args.transient
    meas = measurement_of(recs["awake"]).with_segment(min(30.0, analysed))
    runs = {cond: wb.load_result(paths[cond]) for cond in PAIRS}
    fwd = wb.make_forward(res_connectome(runs["wake"]), sensors=meas, verbose="error")
    recorded = {state: group_features(meas.apply(recs[state], recording=True), meas.groups)
                for state in PAIRS.values()}  # fmt: skip
    report = {}
    for population in args.population:
        scale = wb.DipoleScale(population=population)
        results = {}
        for cond, state in PAIRS.items():
            raw = fwd.to_raw(runs[cond], source=args.source, scale=scale)
            model = meas.apply(raw.crop(tmin=args.transient))
            results[cond] = {"model": group_features(model, meas.groups),
                             "recorded": recorded[state]}  # fmt: skip
        report[population] = {"results": results, "checks": acceptance(results)}
    if args.json:
        print(json.dumps({"settings": vars(args), **report}))
        return
    keys = ["exponent[frontal]", "beta_minus_delta[frontal]", "alpha[frontal]",
            "slow[frontal]", "anteriorization"]  # fmt: skip
    for population, rep in report.items():
        results = rep["results"]
        print(
            f"\n{len(fwd.region_labels)} regions, {args.duration:g} s ({args.transient:g} s "
            f"transient), gain {args.gain:g}, {args.integration}, source {args.source}, "
            f"population {population}; measured on {meas.segment_s:g} s, {meas.reference} "
            f"reference, {meas.mapping}"
        )
        print(f"{'':<22}" + "".join(f"{k:>27}" for k in keys))
        for cond, state in PAIRS.items():
            for side in ("model", "recorded"):
                label = f"{side} {cond if side == 'model' else state}"
                print(f"{label:<22}" + "".join(f"{results[cond][side][k]:>27.2f}" for k in keys))
        for name, (ok, text) in rep["checks"].items():
            print(f"[{'ok' if ok else 'MISSED'}] {name}: {text}")


def res_connectome(res):
    import wholebrain as wb

    con = wb.load_connectome("tvb76")
    return con if con.labels == tuple(res.region_labels) else con.subset(list(res.region_labels))


def acceptance(results: dict) -> dict[str, tuple[bool, str]]:
    w, p = results["wake"], results["propofol"]
    key = "exponent[frontal]"
    d_awake = w["model"][key] - w["recorded"][key]
    out = {
        "awake exponent within 0.5": (
            abs(d_awake) <= 0.5,
            f"model {w['model'][key]:.2f} vs recorded {w['recorded'][key]:.2f} ({d_awake:+.2f})",
        ),  # fmt: skip
        "propofol exponent steeper": (
            p["model"][key] > w["model"][key],
            f"{w['model'][key]:.2f} -> {p['model'][key]:.2f} "
            f"(recorded {w['recorded'][key]:.2f} -> "
            f"{p['recorded'][key]:.2f})",
        ),  # fmt: skip
    }
    bd = "beta_minus_delta[frontal]"
    for cond, r in results.items():
        diff = r["model"][bd] - r["recorded"][bd]
        out[f"{cond} beta/delta within 6 dB"] = (
            bool(abs(diff) <= 6.0),
            f"model {r['model'][bd]:+.1f} vs recorded {r['recorded'][bd]:+.1f} dB ({diff:+.1f})",
        )
    for k in ("alpha[frontal]", "slow[frontal]", key):
        dm, dr = p["model"][k] - w["model"][k], p["recorded"][k] - w["recorded"][k]
        out[f"direction of {k}"] = (bool(np.sign(dm) == np.sign(dr)),
                                    f"model {dm:+.2f}, recorded {dr:+.2f}")  # fmt: skip
    return out


if __name__ == "__main__":
    main()
