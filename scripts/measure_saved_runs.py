"""Saved brain runs measured the recording's way, side by side.

Loads results saved with ``SimulationResult.save`` (the same regions in each), projects each
through a forward model for the Purdon recording's 64 sensors (grid positions on the default
head, its Laplacian, its grid-row groups, the segment length of the runs after the
transient) with each region scaling asked for, and prints per run the frontal FOOOF exponent
(2-40 Hz), beta - delta, band powers of the frontal and posterior groups (dB) and the
anteriorization (frontal - posterior alpha), then the mean rate per population.

    python scripts/measure_saved_runs.py RUN.npz [RUN.npz ...] [--transient 1]
        [--population coherent column]

For example, a brain with and without the HTC cells at the same level and seed::

    brain = wb.posterior_alpha("tvb76", condition="propofol", global_coupling=0.0625,
                               overrides={"integration": "fast"})
    wb.simulate(brain, duration=6, seed=1).save("htc-propofol")
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

KEYS = ("exponent[frontal]", "beta_minus_delta[frontal]", "slow[frontal]", "alpha[frontal]",
        "beta[frontal]", "slow[posterior]", "alpha[posterior]", "beta[posterior]",
        "anteriorization")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", type=Path)
    ap.add_argument("--transient", type=float, default=1.0, help="s dropped from each run")
    ap.add_argument("--population", nargs="+", default=["coherent", "column"],
                    choices=["coherent", "column"])  # fmt: skip
    args = ap.parse_args()
    missing = [str(p) for p in args.runs if not p.exists()]
    if missing:
        ap.error(f"no such run: {', '.join(missing)}")

    from eeg_vs_recording import group_features, res_connectome

    import wholebrain as wb
    from wholebrain.measurement import measurement_of
    from wholebrain.recorded import load_purdon

    runs = {p.name: wb.load_result(p) for p in args.runs}
    first = next(iter(runs.values()))
    if any(tuple(r.region_labels) != tuple(first.region_labels) for r in runs.values()):
        ap.error("the runs must hold the same regions")
    analysed = min(r.duration_s for r in runs.values()) - args.transient
    if analysed <= 0:
        ap.error(f"--transient {args.transient:g} s leaves nothing of the shortest run")
    meas = measurement_of(load_purdon("awake")).with_segment(analysed)
    fwd = wb.make_forward(res_connectome(first), sensors=meas, verbose="error")
    width = max(len(n) for n in runs) + 10
    print(f"{len(first.region_labels)} regions, {analysed:g} s after {args.transient:g} s; "
          f"{meas.reference} reference, {meas.mapping}")  # fmt: skip
    print(f"{'':<{width}}" + "".join(f"{k:>27}" for k in KEYS))
    for population in args.population:
        scale = wb.DipoleScale(population=population)
        for name, res in runs.items():
            raw = fwd.to_raw(res, scale=scale).crop(tmin=args.transient)
            feats = group_features(meas.apply(raw), meas.groups)
            print(
                f"{population + ' ' + name:<{width}}" + "".join(f"{feats[k]:>27.2f}" for k in KEYS)
            )
    for name, res in runs.items():
        rates = {k: round(float(np.mean(v)), 2) for k, v in res.rates(args.transient).items()}
        print(f"mean rates (Hz), {name}: {rates}")


if __name__ == "__main__":
    main()
