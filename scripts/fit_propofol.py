"""Fit the propofol level of a Soplata brain to the recorded awake and propofol EEG.

The recorded segments (Purdon et al. 2013; ``../shared/reference/eeg_propofol_purdon/``) are
fitted one at a time with the same brain, bounds, seed and number of evaluations. The script
prints, per segment, the fitted level and the feature errors, and then whether the fitted
models change in the same direction as the recordings from awake to propofol (relative
frontal slow and alpha power, also in absolute dB, and frontal-minus-posterior alpha).

    python scripts/fit_propofol.py                      # 8 regions, scale 1, 10 evaluations
    python scripts/fit_propofol.py --evaluations 30 --workers 8 --scheduler tcp://...
    python scripts/fit_propofol.py --groups frontal --out fit-frontal   # frontal spectra only
    python scripts/fit_propofol.py --json

Each fit keeps its history in ``<out>/<segment>_history.jsonl``: run the script again to
resume. Figures (history, spectra, topomaps) go to ``<out>/<segment>/``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import wholebrain as wb
from wholebrain.analysis import groups_by_position
from wholebrain.fit import FitParameter, fit
from wholebrain.objective import ANTERIORIZATION, FeatureSpec, summary_features
from wholebrain.recorded import load_purdon, purdon_groups

#: frontal, central and posterior regions of both hemispheres
REGIONS = ["rPFCDL", "lPFCDL", "rPFCM", "lPFCM", "rM1", "lM1", "rV1", "lV1"]
CHANGES = ["slow[frontal]", "alpha[frontal]", ANTERIORIZATION]
#: the directions the fitted models must reproduce; slow and alpha power also in absolute dB
#: (both fits share one dipole scale, so their absolute model powers are comparable; Purdon
#: et al. report frontal alpha *power* rising under propofol)
ABSOLUTE = FeatureSpec(relative=False)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", nargs="+", default=["awake", "high"])
    ap.add_argument("--regions", nargs="+", default=REGIONS)
    ap.add_argument("--scale", type=float, default=1.0, help="column size (1 = the paper's)")
    ap.add_argument("--gain", type=float, default=2.0)
    ap.add_argument("--duration", type=float, default=6.0)
    ap.add_argument("--transient", type=float, default=1.0)
    ap.add_argument("--evaluations", type=int, default=10)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scheduler", default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="fit-propofol-out")
    ap.add_argument("--groups", nargs="+", default=["frontal", "central", "posterior"],
                    help="channel groups whose band power is compared")  # fmt: skip
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    con = wb.load_connectome("tvb76").subset(args.regions)
    model = wb.BrainModel(con, condition="wake", global_coupling=args.gain,
                          overrides={"scale": args.scale})  # fmt: skip
    forward = wb.make_forward(con)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results, raws = {}, {}
    for segment in args.segments:
        raw = raws[segment] = load_purdon(segment)
        t0 = time.perf_counter()
        res = fit(model, [FitParameter("propofol_level", 0.0, 1.0)], raw,
                  target_groups=purdon_groups(raw), features=FeatureSpec(groups=args.groups),
                  duration=args.duration,
                  transient=args.transient, n_evaluations=args.evaluations, seed=args.seed,
                  history=out / f"{segment}_history.jsonl", scheduler=args.scheduler,
                  workers=args.workers, forward=forward)  # fmt: skip
        res.plot(out / segment, raw)
        results[segment] = res
        print(f"\n== {segment} ({time.perf_counter() - t0:.0f} s)\n{res.to_table()}", flush=True)
        print(f"timings {res.timings}", flush=True)

    absolute = {}
    for segment, r in results.items():
        raw = raws[segment]
        absolute[segment] = {
            "target": summary_features(raw, purdon_groups(raw), ABSOLUTE),
            "model": summary_features(r.best_raw, groups_by_position(r.best_raw.info), ABSOLUTE),
        }
    summary = {s: {"propofol_level": r.best["propofol_level"], "distance": r.best_value,
                   "target": r.target, "model": r.best_features, "timings": r.timings,
                   "absolute": absolute[s]}
               for s, r in results.items()}  # fmt: skip
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    if args.json:
        print(json.dumps(summary))
    if {"awake", "high"} <= results.keys():
        a, h = results["awake"], results["high"]
        print("\nawake -> high propofol")
        la, lh = a.best["propofol_level"], h.best["propofol_level"]
        print(f"  fitted propofol_level {la:.3f} -> {lh:.3f} "
              f"({'ordered' if lh > la else 'NOT ordered'})")  # fmt: skip
        print(f"  {'feature':<24} {'data change':>12} {'model change':>13}  same direction")
        for k in CHANGES:
            d = h.target[k] - a.target[k]
            m = h.best_features[k] - a.best_features[k]
            print(f"  {k:<24} {d:>+12.2f} {m:>+13.2f}  {'yes' if d * m > 0 else 'no'}")
        for k in CHANGES[:2]:
            d = absolute["high"]["target"][k] - absolute["awake"]["target"][k]
            m = absolute["high"]["model"][k] - absolute["awake"]["model"][k]
            name = f"{k} absolute"
            print(f"  {name:<24} {d:>+12.2f} {m:>+13.2f}  {'yes' if d * m > 0 else 'no'}")


if __name__ == "__main__":
    main()
