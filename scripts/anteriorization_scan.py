"""Propofol's alpha anteriorization along one drug axis on the whole brain.

The one-axis study of the anteriorization issue. The brain is ``wb.posterior_alpha``: all
76 tvb76 regions, the visual-thalamus regions with the HTC alpha generator, every other
region the Soplata/Ching column; one brain-wide ``propofol_level`` moves both thalami and the
cortex from the ``wake`` (0) to the ``propofol`` (1) physiology. Steps:

1. **The global coupling, fixed beforehand** (``wholebrain.studies.coupling_gain``): the
   largest of ``--gains`` at which every population of every region fires within the range
   of the uncoupled columns (x1.25 either way), at levels 0 and 1 (``--gain G`` skips this
   and uses G).
2. **The scan**: every level of ``--levels`` (default 0, 0.2, ..., 1) runs once from one
   compiled brain, as Dask tasks, and its sensor EEG, measured the recording's way (its 64
   grid sensors, Laplacian, grid-row groups, segment length), is scored against the awake,
   low and high segments of the Purdon recording (relative band power per group, alpha
   peak, frontal-minus-posterior alpha). The best level of the awake and high segments is
   the fit; the low segment is *predicted*: its best level along the same axis must fall
   between them, and its anteriorization too.
3. **The report**: the feature table per level beside the recorded segments, the
   acceptance checks of the issue (numbers beside the recorded ones), and the figures in
   ``--out``: ``anteriorization_vs_level.png``, ``spectra_<group>.png`` (per level, the
   recordings in black) and ``alpha_topomaps.png``.

Usage (with ``--gain``, 6 levels x 6 s of the 76 regions take 11-16 min on 2 cores; the
coupling step adds two 3-s runs per candidate gain and two uncoupled ones; runs, journals
and sensor EEG are kept in ``--out`` and a second call resumes or replays)::

    python scripts/anteriorization_scan.py [--out anteriorization-out] [--duration 6]
        [--levels 0 0.2 0.4 0.6 0.8 1] [--gain G | --gains 0.5 1 2] [--regions N]
        [--population column | coherent] [--propofol-end NAME=VALUE ...]
        [--wake-end NAME=VALUE ...]

``--population coherent`` projects each region as ``N`` cells as correlated as the
column's pairs (``wb.DipoleScale(population="coherent")``) instead of ``N`` times the
column's mean.

``--propofol-end NAME=VALUE`` moves the propofol end of the axis for one column parameter
(e.g. ``gabaa_tau_mult=5``: GABA_A decay 5 -> 25 ms instead of 5 -> 15 ms), interpolated
from its wake value like the rest (a sensitivity check, not the configuration).

``--wake-end NAME=VALUE`` moves the wake end the same way (e.g. ``g_kna=0.3``: the awake
cortex's Na-dependent K conductance 0.3 instead of the authors' 0.10 mS/cm^2, a sensitivity
check of the awake spectrum's shape, not the configuration).

Beside the issue's checks the report gives the physical-EEG issue's shape checks at the
fitted levels: the frontal FOOOF exponent (2-40 Hz) and frontal beta minus delta, measured
alike on the model and the recorded segments.

``--regions N`` keeps the first N labels (a quick check; the issue's numbers are on all 76).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from posterior_alpha import parse_set

SEGMENTS = ("awake", "low", "high")
ANTERIOR = "alpha_front_minus_post"
#: absolute band powers (dB) whose change from the awake to the high fit is checked
RISES = ("alpha[frontal]", "slow[frontal]")
#: the physical-EEG issue's shape features (frontal group)
SHAPE = ("exponent[frontal]", "beta_minus_delta[frontal]")


def brain(args: argparse.Namespace, gain: float):
    import wholebrain as wb

    con = wb.load_connectome("tvb76")
    if args.regions:
        con = con.subset(list(con.labels[: args.regions]))
    return wb.posterior_alpha(con, global_coupling=gain,
                              overrides={"integration": args.integration})  # fmt: skip


def posterior_peak(raw, groups) -> float:
    """Alpha peak frequency of the posterior group's mean spectrum (2-s Welch), Hz."""
    from wholebrain.spectrum import alpha_peak_frequency, spectrum_of

    spec = spectrum_of(raw.get_data(), raw.info["sfreq"], raw.ch_names, window_s=2.0, fmax=45)
    return alpha_peak_frequency(spec, list(groups["posterior"]))


def recorded_side(targets, target_features, measurement):
    """The recorded segments measured the scan's way: raws, features (the scan's own, plus
    the posterior alpha peak) and the measurement's channel groups."""
    measured = {s: measurement.apply(r, recording=True) for s, r in targets.items()}
    groups = {g: list(c) for g, c in measurement.groups.items()}
    feats = {s: dict(target_features[s]) for s in targets}
    for s, raw in measured.items():
        feats[s]["posterior_peak"] = posterior_peak(raw, groups)
    return measured, feats, groups


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="anteriorization-out")
    ap.add_argument("--levels", type=float, nargs="+", default=[0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ap.add_argument("--gain", type=float, default=None, help="skip the coupling step")
    ap.add_argument("--gains", type=float, nargs="+", default=[0.125, 0.25, 0.5, 1.0])
    ap.add_argument("--duration", type=float, default=6.0)
    ap.add_argument("--transient", type=float, default=1.0)
    ap.add_argument("--window", type=float, default=2.0, help="Welch window of features, s")
    ap.add_argument("--integration", default="fast")
    ap.add_argument("--regions", type=int, default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--population", default="column", choices=["column", "coherent"],
                    help="how a column's cells stand for a region's (wb.DipoleScale)")  # fmt: skip
    ap.add_argument("--propofol-end", nargs="*", default=[],
                    help="NAME=VALUE at the propofol end (from wake's value)")  # fmt: skip
    ap.add_argument("--wake-end", nargs="*", default=[],
                    help="NAME=VALUE at the wake end (to propofol's value)")  # fmt: skip
    args = ap.parse_args()
    if len(args.levels) < 2:
        ap.error("give at least two levels")
    try:  # before the coupling step and the compile, so a bad name costs nothing
        ends, wake_ends = parse_set(args.propofol_end), parse_set(args.wake_end)
        points = [level_point(float(x), ends, wake_ends) for x in args.levels]
    except ValueError as err:
        ap.error(str(err))

    from wholebrain.dipole import DipoleScale
    from wholebrain.forward import make_forward
    from wholebrain.measurement import measurement_of
    from wholebrain.objective import FeatureSpec
    from wholebrain.recorded import load_purdon
    from wholebrain.studies.coupling_gain import choose_coupling
    from wholebrain.studies.scan import scan

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    build = out / "build"
    gain = args.gain
    if gain is None:
        choice = choose_coupling(brain(args, 1.0), args.gains, levels=(0.0, 1.0),
                                 seed=args.seed, record=out / "coupling.jsonl",
                                 workers=args.workers, build_dir=build)  # fmt: skip
        print(choice.to_table())
        gain = choice.gain
        if gain == 0:
            sys.exit("no candidate gain keeps the region rates in range; give lower --gains")
    model = brain(args, gain)
    targets = {s: load_purdon(s) for s in SEGMENTS}
    spec = FeatureSpec(window_s=args.window)
    absolute = FeatureSpec(relative=False, window_s=args.window)
    # the forward for the recording's sensors, with the chosen population scaling
    sensors = measurement_of(targets["awake"])
    fwd = make_forward(model.connectome, sensors=sensors, verbose="error")
    fwd = fwd.with_scale(DipoleScale(population=args.population))
    res = scan(model, points, targets, features=spec, extra_features={"absolute": absolute},
               duration=args.duration, transient=args.transient, seed=args.seed,
               history=out / "scan.jsonl", raws_dir=out / "raws", workers=args.workers,
               build_dir=build, forward=fwd)  # fmt: skip
    print(res.to_table())
    t = res.timings
    run_s = [r["run_s"] for r in res.records if r.get("run_s")]
    print(
        f"scan: compile {t.get('compile_s', 0):.0f} s, wall {t.get('wall_s', 0):.0f} s in this "
        f"call; run time per point {np.mean(run_s):.0f} s "
        f"({np.mean(run_s) / args.duration:.0f} s per simulated second, one thread each)"
    )

    measured, rec, groups = recorded_side(targets, res.targets["absolute"], res.measurement)
    for seg, raw in measured.items():
        rec[seg].update(shape_features(raw, groups, args.window))
    model_feats = []
    for r in res.records:
        f = dict(r["features"].get("absolute", {}))
        raw = res.raws.get(r["point"])
        f["posterior_peak"] = posterior_peak(raw, groups) if raw is not None else float("nan")
        if raw is not None:
            f.update(shape_features(raw, groups, args.window))
        model_feats.append(f)
    levels = [p["propofol_level"] for p in points]
    best = {s: res.best(s)["point"] for s in SEGMENTS}
    report = acceptance(levels, model_feats, rec, best)
    shape = shape_checks(levels, model_feats, rec, best)
    print(feature_table(levels, model_feats, rec))
    print(report["text"])
    print(shape["text"])
    rates = {lv: {p: float(np.mean(v)) for p, v in r.get("rates_hz", {}).items()}
             for lv, r in zip(levels, res.records, strict=True)}  # fmt: skip
    print("mean rates per level (Hz): " + json.dumps(rates))
    (out / "summary.json").write_text(json.dumps({
        "gain": gain, "levels": levels, "best": {s: levels[i] for s, i in best.items()},
        "model": model_feats, "recorded": rec, "checks": report["checks"],
        "shape_checks": shape["checks"], "rates": rates,
    }, indent=1, default=float))  # fmt: skip
    import anteriorization_plots as plots

    raws = {lv: res.raws[i] for i, lv in enumerate(levels) if i in res.raws}
    for path in plots.all_figures(out, levels, model_feats, rec, raws, measured, groups,
                                  {s: levels[i] for s, i in best.items()}):  # fmt: skip
        print(f"figure: {path}")


def level_point(
    level: float, ends: dict[str, float], wake_ends: dict[str, float] | None = None
) -> dict[str, float]:
    """A scan point at ``level``; each of ``ends`` runs from its wake value to the given one,
    each of ``wake_ends`` from the given one to its propofol value."""
    from wholebrain.studies.parameters import propofol_overrides

    wake_ends = wake_ends or {}
    moved = propofol_overrides("soplata2023", level, ends, wake_ends)
    return {"propofol_level": level, **{k: moved[k] for k in {**ends, **wake_ends}}}


def shape_features(raw, groups, window_s: float) -> dict[str, float]:
    """The physical-EEG issue's shape features of the frontal group: FOOOF exponent over
    2-40 Hz and beta minus delta (dB), as ``scripts/eeg_vs_recording.py`` measures them."""
    from eeg_vs_recording import group_features

    f = group_features(raw, {"frontal": groups["frontal"]}, window_s=window_s)
    return {k: f[k] for k in SHAPE}


def feature_table(levels, model_feats, rec) -> str:
    keys = [ANTERIOR, "alpha[frontal]", "alpha[posterior]", "slow[frontal]", "beta[frontal]",
            "posterior_peak", *SHAPE]  # fmt: skip
    head = f"  {'':<16}" + "".join(f" {k[:16]:>17}" for k in keys)
    rows = [f"  level {lv:<10g}" + "".join(f" {f.get(k, np.nan):>17.2f}" for k in keys)
            for lv, f in zip(levels, model_feats, strict=True)]  # fmt: skip
    rows += [f"  recorded {s:<7}" + "".join(f" {rec[s].get(k, np.nan):>17.2f}" for k in keys)
             for s in SEGMENTS]  # fmt: skip
    return "\n".join(["features (absolute dB; peak Hz), the recording's measurement", head,
                      *rows])  # fmt: skip


def shape_checks(levels, model_feats, rec, best) -> dict:
    """The physical-EEG issue's shape checks at the awake and high fits."""
    la, lh = levels[best["awake"]], levels[best["high"]]
    fa, fh = model_feats[best["awake"]], model_feats[best["high"]]
    exp, bd = SHAPE
    checks = [
        {"check": f"frontal exponent at the awake fit (level {la:g}) within 0.5",
         "model": round(fa[exp], 2), "recorded": round(rec["awake"][exp], 2),
         "ok": bool(abs(fa[exp] - rec["awake"][exp]) <= 0.5)},
        {"check": "frontal exponent steeper at the high fit than at the awake fit",
         "model": round(fh[exp] - fa[exp], 2),
         "recorded": round(rec["high"][exp] - rec["awake"][exp], 2),
         "ok": bool(fh[exp] > fa[exp])},
    ]  # fmt: skip
    for seg, f, lv in (("awake", fa, la), ("high", fh, lh)):
        checks.append({"check": f"frontal beta - delta at the {seg} fit (level {lv:g}) within 6 dB",
                       "model": round(f[bd], 2), "recorded": round(rec[seg][bd], 2),
                       "ok": bool(abs(f[bd] - rec[seg][bd]) <= 6.0)})  # fmt: skip
    return {"checks": checks,
            "text": check_lines("shape at the fits (physical-EEG issue; ", checks)}  # fmt: skip


def acceptance(levels, model_feats, rec, best) -> dict:
    """The issue's checks: model number, recorded number, verdict."""
    la, ll, lh = (levels[best[s]] for s in SEGMENTS)
    fa, fl, fh = (model_feats[best[s]] for s in SEGMENTS)
    checks = []

    def add(name, model, recorded, ok):
        checks.append({"check": name, "model": model, "recorded": recorded, "ok": bool(ok)})

    add("levels ordered: awake < high", f"{la:g} < {lh:g}", "awake < high", la < lh)
    for seg, f, lv in (("awake", fa, la), ("high", fh, lh)):
        m, r = f[ANTERIOR], rec[seg][ANTERIOR]
        sign_ok = (m < 0) if seg == "awake" else (m > 0)
        add(f"anteriorization at the {seg} fit (level {lv:g}), sign and within 8 dB",
            round(m, 2), round(r, 2), sign_ok and abs(m - r) <= 8.0)  # fmt: skip
    pk, rpk = fa["posterior_peak"], rec["awake"]["posterior_peak"]
    add("awake posterior alpha peak within 1 Hz", round(pk, 2), round(rpk, 2),
        np.isfinite(pk) and abs(pk - rpk) <= 1.0)  # fmt: skip
    for k in RISES:
        m, r = fh[k] - fa[k], rec["high"][k] - rec["awake"][k]
        add(f"{k} rises awake -> high by >= half the recorded change", round(m, 2), round(r, 2),
            m >= 0.5 * r)  # fmt: skip
    add("low predicted: its level between the awake and high fits", f"{ll:g}",
        f"in [{la:g}, {lh:g}]", min(la, lh) <= ll <= max(la, lh))  # fmt: skip
    lo, hi = sorted((fa[ANTERIOR], fh[ANTERIOR]))
    add("low predicted: its anteriorization between theirs", round(fl[ANTERIOR], 2),
        f"in [{lo:.2f}, {hi:.2f}] (recorded low {rec['low'][ANTERIOR]:.2f})",
        lo <= fl[ANTERIOR] <= hi)  # fmt: skip
    return {"checks": checks, "text": check_lines("acceptance (", checks)}


def check_lines(title: str, checks: list[dict]) -> str:
    """``title`` + "model | recorded | verdict)", then one line per check."""
    lines = [f"{title}model | recorded | verdict)"]
    lines += [f"  {c['check']:<66} {c['model']!s:>12} | {c['recorded']!s:<28} "
              f"{'ok' if c['ok'] else 'MISS'}" for c in checks]  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
