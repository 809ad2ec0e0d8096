"""How coherent are the column's cell dipoles? The test of scaling a region as N vs sqrt(N).

A region of ``N`` cells whose pairs are as correlated as the column's has the dipole spectrum

    S_region(f) = N**2 * S_c(f) + N * S_i(f),

with ``S_c`` the mean cross-spectrum of two different cells (the coherent part) and
``S_i = S_cell - S_c`` each cell's own part (Lindén et al. 2011, Neuron 72:859; Łęski et al.
2013, PLoS Comput Biol 9:e1003137: correlated sources add as N, uncorrelated as sqrt(N) in
amplitude). The default region scaling multiplies the column's summed dipole by ``N/n``,
which treats the column's incoherent part as coherent too.

One full-size column per condition runs with every PY cell's axial current recorded. The
script prints, per frequency band, the mean single-cell spectrum, ``S_c`` estimated from all
pairs and from the cross-spectrum of two interleaved half-columns (which is what a brain
run could record cheaply), and the coherent fraction ``S_c/S_cell``; then the aperiodic
exponent (2-40 Hz) and beta - delta of the region spectrum for several ``N``, beside those of
the default scaling (``N`` times the column mean, whose shape does not depend on ``N``).

It also prints each population's rate and the PY cells' mean pairwise spike-count
correlation (100-ms bins). ``--htc`` runs every condition with and without the HTC alpha
generator (``htc=True``, the posterior columns of ``wb.posterior_alpha``).

    python scripts/dipole_coherence.py [--duration 12] [--seed 1] [--integration fast]
        [--htc] [--out DIR]
"""

from __future__ import annotations

import argparse
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from scipy import signal

EDGES = (0.5, 1, 2, 3, 4, 6, 8, 10, 12, 15, 20, 25, 30, 40, 60, 100)
WINDOW_S, TRANSIENT_S = 2.0, 2.0
REGION_CELLS = (1e5, 1e6, 1e7)
BAND_KEYS = ("cell", "coherent_pairs", "coherent_halves")


def run_column(
    condition: str, htc: bool, duration: float, seed: int, integration: str, out: str
) -> str:
    import wholebrain as wb

    tag = "-htc" if htc else ""
    path = Path(out) / f"cells-{condition}{tag}-{integration}-seed{seed}.npz"
    if not path.exists():
        col = wb.BrainModel.single_column(
            "soplata2023", condition, integration=integration, htc=htc
        )
        res = wb.simulate(col, duration=duration, seed=seed, backend="cpp",
                          build_dir=Path(out) / f"build-{condition}{tag}-{integration}",
                          record_states={"PY": ["I_com_dr"]}, record_cells=100)  # fmt: skip
        res.save(path)
    return str(path)


def spectra(cells: np.ndarray, fs: float) -> dict[str, np.ndarray]:
    """Single-cell, all-pairs and half-column spectra of ``cells`` (n_cells, n_samples)."""
    n = len(cells)
    nper = int(WINDOW_S * fs)
    f, s_sum = signal.welch(cells.sum(0), fs, nperseg=nper)
    s_cell = signal.welch(cells, fs, nperseg=nper)[1].mean(0)
    halves = cells[0::2].sum(0), cells[1::2].sum(0)
    s_ab = signal.csd(*halves, fs, nperseg=nper)[1].real
    return {
        "f": f,
        "cell": s_cell,
        "sum": s_sum,
        "coherent_pairs": (s_sum - n * s_cell) / (n * (n - 1)),
        "coherent_halves": s_ab / (len(cells[0::2]) * len(cells[1::2])),
    }


def count_correlation(res, pop: str = "PY", bin_s: float = 0.1) -> float:
    """Mean Pearson correlation of the spike counts of pairs of ``pop`` cells of column 0."""
    sp = res.spikes[pop]
    sp = sp[(sp["region"] == 0) & (sp["t"] >= TRANSIENT_S)]
    edges = np.arange(TRANSIENT_S, res.duration_s + 1e-9, bin_s)
    counts = np.stack(
        [np.histogram(sp["t"][sp["cell"] == c], edges)[0] for c in range(res.sizes[pop])]
    ).astype(float)
    counts = counts[counts.std(1) > 0]  # silent cells have no correlation
    if len(counts) < 2:
        return float("nan")
    r = np.corrcoef(counts)
    return float(r[np.triu_indices(len(r), 1)].mean())


def region_spectrum(sp: dict[str, np.ndarray], n_cells: float) -> np.ndarray:
    coherent = np.clip(sp["coherent_pairs"], 0, None)  # below zero: no coherent part to see
    return n_cells**2 * coherent + n_cells * np.clip(sp["cell"] - coherent, 0, None)


def shape(f: np.ndarray, psd: np.ndarray) -> tuple[float, float]:
    from wholebrain.aperiodic import parameterize

    def band(lo: float, hi: float) -> float:
        return float(psd[(f >= lo) & (f < hi)].sum())

    return parameterize(f, psd, (2.0, 40.0)).exponent, 10 * np.log10(band(13, 30) / band(1, 4))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--conditions", nargs="+", default=["wake", "propofol"])
    ap.add_argument("--duration", type=float, default=12.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--integration", default="fast")
    ap.add_argument("--htc", action="store_true", help="also run each condition with HTC")
    ap.add_argument("--out", help="folder for the runs (reused)")
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="dipole-coherence-"))
    out.mkdir(parents=True, exist_ok=True)
    runs = [(c, htc) for c in args.conditions for htc in ([False, True] if args.htc else [False])]
    k = len(runs)
    with ProcessPoolExecutor(2) as pool:
        paths = list(pool.map(run_column, *zip(*runs, strict=True), [args.duration] * k,
                              [args.seed] * k, [args.integration] * k, [str(out)] * k))  # fmt: skip
    import wholebrain as wb

    print(f"one column per condition, {args.duration:g} s ({TRANSIENT_S:g} s dropped), seed "
          f"{args.seed}, {args.integration}; Welch {WINDOW_S:g}-s windows; spectra of I_com_dr "
          "in (uA/cm^2)^2/Hz")  # fmt: skip
    for (cond, htc), path in zip(runs, paths, strict=True):
        res = wb.load_result(path)
        fs = res.proxy_sfreq
        cells = np.asarray(res.states["PY.I_com_dr"][0], float)[:, int(TRANSIENT_S * fs) :]
        sp = spectra(cells, fs)
        f = sp["f"]
        rates = ", ".join(f"{p} {r[0]:.2f}" for p, r in res.rates(TRANSIENT_S).items())
        print(f"\n{cond}{' with HTC' if htc else ''}: rates (Hz) {rates}; PY spike-count "
              f"correlation (100 ms) {count_correlation(res):+.3f}")  # fmt: skip
        print(f"{'band Hz':>12}{'S_cell':>11}{'S_c pairs':>12}{'S_c halves':>12}{'S_c/S_cell':>12}")
        for lo, hi in zip(EDGES[:-1], EDGES[1:], strict=True):
            m = (f >= lo) & (f < hi)
            cell, pairs, halves = (sp[key][m].mean() for key in BAND_KEYS)
            band = f"{lo:g}-{hi:g}"
            print(f"{band:>12}{cell:>11.3g}{pairs:>+12.2e}{halves:>+12.2e}{pairs / cell:>+12.4f}")
        ex, bd = shape(f, sp["sum"])
        print(f"  default scaling (N x column mean): exponent {ex:.2f}, beta - delta {bd:+.1f} dB")
        for n_cells in REGION_CELLS:
            ex, bd = shape(f, region_spectrum(sp, n_cells))
            print(
                f"  N = {n_cells:.0e} with coherent/incoherent parts: exponent {ex:.2f}, "
                f"beta - delta {bd:+.1f} dB"
            )


if __name__ == "__main__":
    main()
