"""Compare the soplata2023 column with the authors' DynaSim reference run, over many seeds.

Runs the propofol column for ``--duration`` s with ``--seeds`` seeds (C++ standalone, one
compile), summarises each run like the reference (rates over 0.5 s-end, Welch peaks, relative
band powers of the detrended proxy, mean res) and prints, per statistic, our mean +- SD across
seeds, the DynaSim value, and how many of our SDs apart they are.

    python scripts/fidelity_soplata2023.py --seeds 8 --duration 6 [--json] [--save DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import wholebrain as wb
from wholebrain.columns.soplata2023 import fidelity


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--duration", type=float, default=6.0, help="seconds (reference: 6)")
    ap.add_argument("--condition", default="propofol")
    ap.add_argument("--depression", default="dynasim", choices=["dynasim", "per_spike"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    ap.add_argument("--save", help="folder to save every result (.npz)")
    ap.add_argument(
        "--write-spread",
        metavar="JSON",
        help="write our seed mean/SD per statistic (the tests' tolerances), e.g. "
        "data/soplata2023_seed_spread.json",
    )
    args = ap.parse_args(argv)

    reference = fidelity.reference_statistics("propofol_main")
    model = wb.BrainModel.single_column("soplata2023", args.condition, depression=args.depression)
    ours = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        t0 = time.perf_counter()
        res = wb.simulate(
            model,
            args.duration,
            seed=seed,
            backend="cpp",
            threads=args.threads,
            record_states={"PY": ["res_ampa_py_dr"]},
            record_cells=5,
        )
        stats = fidelity.result_statistics(res)
        ours.append(stats)
        if args.save:
            res.save(f"{args.save}/{args.condition}_{args.depression}_seed{seed}.npz")
        line = {"seed": seed, "wall_s": round(time.perf_counter() - t0, 1), **stats}
        print(
            json.dumps(line)
            if args.json
            else f"seed {seed}: " + ", ".join(f"{k}={v:.3g}" for k, v in stats.items()),
            file=sys.stdout if args.json else sys.stderr,
            flush=True,
        )
    rows = fidelity.compare(ours, reference)
    if args.write_spread:
        spread = {
            "what": "seed-to-seed spread of soplata2023 statistics",
            "made_by": "scripts/fidelity_soplata2023.py",
            "condition": args.condition,
            "depression": args.depression,
            "duration_s": args.duration,
            "window_s": [0.5, args.duration],
            "seeds": list(range(args.first_seed, args.first_seed + args.seeds)),
            "statistics": {r["statistic"]: {"mean": r["mean"], "sd": r["sd"]} for r in rows},
        }
        with open(args.write_spread, "w") as f:
            json.dump(spread, f, indent=1)
    if args.json:
        for row in rows:
            print(json.dumps({"kind": "comparison", "condition": args.condition, **row}))
        return 0
    print(
        f"\nsoplata2023 '{args.condition}' ({args.depression} depression), {len(ours)} seeds x "
        f"{args.duration:g} s vs DynaSim propofol_main (seed 8089439, 6 s)"
    )
    print(f"{'statistic':<22}{'DynaSim':>10}{'ours mean':>11}{'SD':>9}{'min':>9}{'max':>9}{'z':>7}")
    for r in rows:
        print(
            f"{r['statistic']:<22}{r['reference']:>10.3g}{r['mean']:>11.3g}{r['sd']:>9.3g}"
            f"{r['min']:>9.3g}{r['max']:>9.3g}{r['z']:>7.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
