"""The fast integration against DynaSim's scheme on a whole brain, region by region.

``scripts/fidelity_soplata2023.py`` validates the fast scheme on single columns. Brains run
it by default, with long-range input that a single column lacks, so this script runs one
brain (default: all 76 tvb76 regions, propofol, global coupling 1) under both schemes with
the same seed, side by side on one thread each, and prints per population

- the mean rate over regions under each scheme and their relative difference;
- the correlation across regions of the two schemes' region rates;
- the median over regions of |fast / DynaSim - 1|,

and, for the regions' dipole signals, the mean power relative to 2-40 Hz in the slow
(0.5-2 Hz), alpha (8-13 Hz) and beta (13-30 Hz) bands. The seeds' random streams differ
between the schemes, so region-level agreement is statistical, as for single columns.

    python scripts/brain_schemes.py [--regions 76] [--duration 3] [--condition propofol]
        [--gain 1] [--seed 1] [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

SCHEMES = ("dynasim", "fast")
TRANSIENT_S = 0.5
BANDS = {"slow": (0.5, 2.0), "alpha": (8.0, 13.0), "beta": (13.0, 30.0)}


def run(scheme: str, args: argparse.Namespace) -> str:
    import wholebrain as wb

    path = Path(args.out) / f"{args.condition}-{scheme}-r{args.regions}-seed{args.seed}.npz"
    if path.exists():
        return str(path)
    con = wb.load_connectome("tvb76")
    con = con.subset(list(con.labels[: args.regions]))
    brain = wb.BrainModel(con, condition=args.condition, global_coupling=args.gain,
                          overrides={"integration": scheme})  # fmt: skip
    res = wb.simulate(brain, duration=args.duration, seed=args.seed, backend="cpp", threads=1,
                      build_dir=Path(args.out) / f"build-{scheme}")  # fmt: skip
    res.save(path)
    return str(path)


def band_shares(dipole: np.ndarray, fs: float) -> dict[str, float]:
    """Mean over regions of each band's dipole power over 2-40 Hz power (1-s Welch windows)."""
    from scipy.signal import welch

    f, p = welch(dipole - dipole.mean(1, keepdims=True), fs=fs, nperseg=int(fs))
    total = p[:, (f >= 2) & (f <= 40)].sum(1)
    return {b: float((p[:, (f >= lo) & (f < hi)].sum(1) / total).mean())
            for b, (lo, hi) in BANDS.items()}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=76)
    ap.add_argument("--duration", type=float, default=3.0, help="simulated s per run")
    ap.add_argument("--condition", default="propofol")
    ap.add_argument("--gain", type=float, default=1.0, help="global coupling")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=None, help="folder for the runs (reused)")
    args = ap.parse_args(argv)
    if args.duration <= TRANSIENT_S + 1.0:
        ap.error(f"--duration must exceed {TRANSIENT_S + 1.0:g} s (transient plus one window)")
    args.out = args.out or tempfile.mkdtemp(prefix="wb_brain_schemes_")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(2) as pool:
        paths = dict(zip(SCHEMES, pool.map(run, SCHEMES, [args] * 2), strict=True))
    import wholebrain as wb

    res = {s: wb.load_result(p) for s, p in paths.items()}
    rates = {s: r.rates(TRANSIENT_S) for s, r in res.items()}
    print(f"{args.regions} regions, {args.condition}, gain {args.gain:g}, {args.duration:g} s "
          f"({TRANSIENT_S:g} s dropped), seed {args.seed}")  # fmt: skip
    print(f"{'population':<11}{'DynaSim Hz':>12}{'fast Hz':>10}{'mean diff':>11}"
          f"{'r regions':>11}{'median |diff|':>15}")  # fmt: skip
    for pop in rates["dynasim"]:
        a, b = rates["dynasim"][pop], rates["fast"][pop]
        if a.mean() == 0:
            continue
        r = np.corrcoef(a, b)[0, 1] if a.std() > 0 and b.std() > 0 else float("nan")
        per_region = np.abs(b[a > 0] / a[a > 0] - 1)
        print(f"{pop:<11}{a.mean():>12.3g}{b.mean():>10.3g}{b.mean() / a.mean() - 1:>+11.1%}"
              f"{r:>11.2f}{np.median(per_region):>15.1%}")  # fmt: skip
    print("dipole band power over 2-40 Hz power (mean over regions):")
    for s, r in res.items():
        n0 = int(TRANSIENT_S * r.proxy_sfreq)
        shares = band_shares(np.asarray(r.dipole)[:, n0:], r.proxy_sfreq)
        print(f"  {s:<8}" + "  ".join(f"{b} {v:.3f}" for b, v in shares.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
