"""How firmly the ``"coherent"`` scaling fixes the shape of the sensor spectrum.

``DipoleScale(population="coherent")`` filters each region's column dipole to the spectrum
of N cells as correlated as the column's pairs (:func:`wholebrain.dipole.population_signal`).
For N ~ 10^6 the region's power is N^2 S_c wherever the coherent part S_c is detected and
about N S_o (10^-4 of that, for a 100-cell column) where it is shrunk to zero, so every band
in which the column's coherence is near its detection limit can move by up to 40 dB. This
script takes the runs of ``eeg_vs_recording.py --out DIR`` (``wake.npz``,
``propofol.npz``) and measures them the recording's way (its sensors, Laplacian, grid rows,
segment) for several settings of the estimator (Welch window, width of the smoothing over
frequency, rule for bands without a detected coherent share), printing per setting the
frontal group's FOOOF exponent (2-40 Hz) and its goodness of fit, beta - delta, frontal
alpha, the anteriorization and the largest jump between neighbouring bins of the frontal
spectrum (0.25 Hz apart); and, per condition, the
median over the frontal regions of the same exponent and beta - delta of the region signals
themselves (no head, no sensors), with the default setting.

    python scripts/eeg_vs_recording.py --gain 0.0625 --population coherent --out DIR
    python scripts/coherent_shape.py DIR [--transient 2]

Only analysis: no simulation runs here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from eeg_vs_recording import BANDS, PAIRS, group_features, res_connectome

#: (Welch window s, smoothing width Hz, rule for undetected bands): the default first, then
#: the rule before session 24 and wider smoothing
SETTINGS = (
    (1.0, 2.0, "midpoint"),
    (1.0, 2.0, "zero"),
    (1.0, 6.0, "midpoint"),
    (1.0, 12.0, "midpoint"),
    (1.0, 12.0, "zero"),
)


def region_signals(
    res, fwd, window_s: float, smooth_hz: float, undetected: str = "midpoint"
) -> np.ndarray:
    """Each region's coherent dipole moment (nA*m) in the forward's region order."""
    import wholebrain as wb
    from wholebrain.dipole import population_signal

    if tuple(res.region_labels) != tuple(fwd.region_labels):
        raise SystemExit("the run's regions are not the forward's; rerun eeg_vs_recording.py")
    scale = wb.DipoleScale(population="coherent")
    n = len(fwd.region_labels)
    dip, half = np.asarray(res.dipole), np.asarray(res.signals["dipole_half"])
    cells = scale.region_cells(fwd.area_mm2, n)
    data = population_signal(dip, half, res.proxy_sfreq, res.sizes["PY"], cells,
                             window_s=window_s, smooth_hz=smooth_hz,
                             undetected=undetected)  # fmt: skip
    return data * scale.region_nAm_per_unit("dipole", fwd.area_mm2, n)[:, None]


def frontal_shape(raw, groups) -> tuple[float, float]:
    """FOOOF r^2 (2-40 Hz) and the largest neighbouring-bin jump (dB) of the frontal group."""
    from wholebrain.aperiodic import parameterize
    from wholebrain.spectrum import spectrum_of

    spec = spectrum_of(raw.get_data(), raw.info["sfreq"], raw.ch_names, window_s=4.0, fmax=45.0)
    psd = spec.psd[spec.picks(list(groups["frontal"]))].mean(0)
    sel = (spec.freqs >= 2.0) & (spec.freqs <= 40.0)
    jump = float(np.abs(np.diff(10 * np.log10(psd[sel]))).max())
    return parameterize(spec.freqs, psd, (2.0, 40.0)).r_squared, jump


def region_shape(data: np.ndarray, sfreq: float, rows: list[int]) -> tuple[float, float]:
    """Median over ``rows`` of the regions' FOOOF exponent and beta - delta (dB)."""
    from wholebrain.aperiodic import parameterize
    from wholebrain.spectrum import band_power, spectrum_of

    x = data[rows] - data[rows].mean(axis=1, keepdims=True)
    spec = spectrum_of(x, sfreq, [str(r) for r in rows], window_s=4.0, fmax=45.0)
    power = band_power(spec, {b: BANDS[b] for b in ("delta", "beta")})
    bd = 10 * np.log10(power["beta"] / power["delta"])
    ex = [parameterize(spec.freqs, p, (2.0, 40.0)).exponent for p in spec.psd]
    return float(np.median(ex)), float(np.median(bd))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", help="the --out folder of eeg_vs_recording.py")
    ap.add_argument("--transient", type=float, default=2.0, help="s dropped at the start")
    args = ap.parse_args()
    paths = {cond: Path(args.runs) / f"{cond}.npz" for cond in PAIRS}
    missing = [str(p) for p in paths.values() if not p.exists()]
    if missing:
        ap.error(f"no runs of eeg_vs_recording.py here: {', '.join(missing)} missing")

    import wholebrain as wb
    from wholebrain.measurement import measurement_of
    from wholebrain.recorded import load_purdon

    runs = {cond: wb.load_result(p) for cond, p in paths.items()}
    duration = runs["wake"].duration_s
    if args.transient >= duration - 2.0:
        ap.error(f"--transient {args.transient:g} leaves under 2 s of the {duration:g}-s runs")
    recs = {state: load_purdon(state) for state in PAIRS.values()}
    meas = measurement_of(recs["awake"]).with_segment(min(30.0, duration - args.transient))
    con = res_connectome(runs["wake"])
    fwd = wb.make_forward(con, sensors=meas, verbose="error")
    groups = set(con.region_groups()["frontal"])
    frontal = [i for i, lab in enumerate(fwd.region_labels) if lab in groups]
    print(f"{len(fwd.region_labels)} regions, {duration:g}-s runs, first {args.transient:g} s "
          f"dropped; measured on {meas.segment_s:g} s, {meas.reference}, "
          f"{meas.mapping}")  # fmt: skip
    head = ["exponent", "fit r2", "beta-delta", "alpha", "anterior.", "max jump"]
    print(f"{'condition':<10}{'window, smoothing, rule':<26}" + "".join(f"{h:>11}" for h in head))
    for cond, state in PAIRS.items():
        res, fs = runs[cond], runs[cond].proxy_sfreq
        default = None  # the default setting's region signals, for the region summary
        for window_s, smooth_hz, undetected in SETTINGS:
            data = region_signals(res, fwd, window_s, smooth_hz, undetected)
            if default is None:
                default = data
            raw = fwd.to_raw(data, fs, scale=1.0).crop(tmin=args.transient)
            model = meas.apply(raw)
            g = group_features(model, meas.groups)
            r2, jump = frontal_shape(model, meas.groups)
            cells = [g["exponent[frontal]"], r2, g["beta_minus_delta[frontal]"],
                     g["alpha[frontal]"], g["anteriorization"], jump]  # fmt: skip
            print(f"{cond:<10}{f'{window_s:g} s, {smooth_hz:g} Hz, {undetected}':<26}"
                  + "".join(f"{c:>11.2f}" for c in cells))  # fmt: skip
        rec = group_features(meas.apply(recs[state], recording=True), meas.groups)
        print(f"{'recorded':<10}{state:<26}{rec['exponent[frontal]']:>11.2f}{'':>11}"
              f"{rec['beta_minus_delta[frontal]']:>11.2f}{rec['alpha[frontal]']:>11.2f}"
              f"{rec['anteriorization']:>11.2f}")  # fmt: skip
        ex, bd = region_shape(default[:, int(args.transient * fs) :], fs, frontal)
        print(f"{'':<10}{'frontal regions':<26}{ex:>11.2f}{'':>11}{bd:>11.2f}   (median of "
              f"{len(frontal)} region signals, default setting)")  # fmt: skip


if __name__ == "__main__":
    main()
