"""Statistics that compare a column run with the authors' DynaSim reference runs.

The same functions summarise our :class:`~wholebrain.result.SimulationResult` and the
DynaSim CSV exports in ``shared/reference/dynasim/<run>/`` (see its README), so a comparison
is always like with like: firing rates over a window, Welch peaks and band powers of the
linearly detrended EEG proxy (4-s Hann segments, as the reference summary), and the mean of
the PYso->PYdr AMPA depression variable ``res``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
from scipy.signal import detrend, welch

PEAK_BANDS = {"0.5-2": (0.5, 2.0), "8-14": (8.0, 14.0), "8-20": (8.0, 20.0)}
POWER_BANDS = {"slow": (0.5, 2.0), "alpha": (8.0, 14.0), "beta_low": (14.0, 20.0)}
POPS = ("PY", "IN", "TC", "TRN")


def reference_dir(run: str = "propofol_main") -> Path | None:
    """Folder of a DynaSim reference run, or None if ``shared/`` is not beside the checkout.

    Looked up in ``$WHOLEBRAIN_REFERENCE`` then ``../shared/reference/dynasim`` relative to the
    repository root.
    """
    roots = []
    if os.environ.get("WHOLEBRAIN_REFERENCE"):
        roots.append(Path(os.environ["WHOLEBRAIN_REFERENCE"]))
    roots.append(Path(__file__).resolve().parents[4] / "shared" / "reference" / "dynasim")
    for root in roots:
        if (root / run / "summary.json").exists():
            return root / run
    return None


def proxy_statistics(proxy: np.ndarray, sfreq: float) -> dict[str, float]:
    """Welch peak frequencies (Hz) and relative band powers of a detrended proxy trace."""
    x = detrend(np.asarray(proxy, dtype=float))
    f, p = welch(x, fs=sfreq, window="hann", nperseg=min(len(x), int(4 * sfreq)))
    out = {}
    for name, (lo, hi) in PEAK_BANDS.items():
        sel = (f >= lo) & (f <= hi)
        out[f"peak_{name}_hz"] = float(f[sel][np.argmax(p[sel])])
    total = np.trapezoid(p[(f >= 0.5) & (f <= 40)], f[(f >= 0.5) & (f <= 40)])
    for name, (lo, hi) in POWER_BANDS.items():
        sel = (f >= lo) & (f <= hi)
        out[f"relpow_{name}"] = float(np.trapezoid(p[sel], f[sel]) / total)
    return out


def result_statistics(res, t_start: float = 0.5, t_stop: float | None = None) -> dict[str, float]:
    """Summary of column 0 of a result over [t_start, t_stop) s."""
    t_stop = res.duration_s if t_stop is None else t_stop
    rates = res.rates(t_start, t_stop)
    out = {f"rate_{p}_hz": float(rates[p][0]) for p in POPS if p in rates}
    i0, i1 = int(round(t_start * res.proxy_sfreq)), int(round(t_stop * res.proxy_sfreq))
    out.update(proxy_statistics(res.eeg_proxy[0, i0:i1], res.proxy_sfreq))
    key = "PY.res_ampa_py_dr"
    if key in res.states:
        out["res_mean"] = float(res.states[key][0, :, i0:i1].mean())
    return out


def depression_counts(res: np.ndarray, record_dt_ms: float = 0.1, dt_ms: float = 0.01,
                      tau_res_ms: float = 400.0, factor: float = 0.9) -> np.ndarray:  # fmt: skip
    """N (depression steps of ``factor``) of every depression episode in a stored res trace.

    A drop of res between two stored samples below what recovery alone gives is an episode;
    N is the count of ``factor`` steps that, with recovery on the other steps of the 0.01-ms
    grid, best explains the drop. Works on DynaSim's exports and our recordings alike.
    """
    res = np.asarray(res, dtype=float)
    per = int(round(record_dt_ms / dt_ms))
    recovered = res[:-1] + (1 - (1 - dt_ms / tau_res_ms) ** per) * (1 - res[:-1])
    drop = np.flatnonzero(res[1:] < recovered * 0.95)  # at least one 0.9 step
    out = []
    for group in np.split(drop, np.flatnonzero(np.diff(drop) > 1) + 1):
        if not group.size:
            continue
        r0, r1, steps = res[group[0]], res[group[-1] + 1], group.size * per
        best, best_err = 1, np.inf
        for n in range(1, 25):
            r = r0 * factor**n
            r = 1 - (1 - r) * (1 - dt_ms / tau_res_ms) ** (steps - n)  # recovery, closed form
            if abs(r - r1) < best_err:
                best, best_err = n, abs(r - r1)
        out.append(best)
    return np.array(out, dtype=int)


def reference_depression_counts(run: str = "propofol_main") -> np.ndarray:
    """:func:`depression_counts` of the reference's res trace (PYso->PYdr AMPA, cells 1-5)."""
    folder = reference_dir(run)
    if folder is None:
        raise FileNotFoundError(f"DynaSim reference {run!r} not found")
    table = np.loadtxt(folder / "res_PYdr_PYso_AMPA_first5.csv", delimiter=",", skiprows=1)
    return np.concatenate([depression_counts(cell) for cell in table[:, 1:].T])


def reference_statistics(run: str = "propofol_main", t_start: float = 0.5) -> dict[str, float]:
    """The same summary computed from the DynaSim CSV exports of ``run``."""
    folder = reference_dir(run)
    if folder is None:
        raise FileNotFoundError(
            f"DynaSim reference {run!r} not found; set WHOLEBRAIN_REFERENCE to the folder "
            "that holds it (shared/reference/dynasim)"
        )
    summary = json.loads((folder / "summary.json").read_text())
    t_stop = float(summary["duration_s"])
    sizes = {"PY": 100, "IN": 20, "TC": 20, "TRN": 20}
    out = {}
    for pop, n in sizes.items():
        name = "PYso" if pop == "PY" else pop
        t_ms = np.loadtxt(folder / f"spikes_{name}.csv", delimiter=",", skiprows=1, ndmin=2)[:, 0]
        count = np.sum((t_ms >= 1000 * t_start) & (t_ms < 1000 * t_stop))
        out[f"rate_{pop}_hz"] = float(count / (n * (t_stop - t_start)))
    eeg = np.loadtxt(folder / "eeg_proxy.csv", delimiter=",", skiprows=1)
    sfreq = 1000.0 / (eeg[1, 0] - eeg[0, 0])
    sel = eeg[:, 0] >= 1000 * t_start
    out.update(proxy_statistics(eeg[sel, 1], sfreq))
    res = np.loadtxt(folder / "res_PYdr_PYso_AMPA_first5.csv", delimiter=",", skiprows=1)
    out["res_mean"] = float(res[res[:, 0] >= 1000 * t_start, 1:].mean())
    return out


def reference_regimes(run: str = "propofol_main", window_s: float = 1.0) -> list[str]:
    """The regime of each window of a DynaSim reference run (:mod:`.regimes` rule)."""
    from types import SimpleNamespace

    from ...result import SPIKE_DTYPE
    from .regimes import classify_windows

    folder = reference_dir(run)
    if folder is None:
        raise FileNotFoundError(f"DynaSim reference {run!r} not found")
    spikes = {}
    for pop, name in (("PY", "PYso"), ("TC", "TC")):
        table = np.loadtxt(folder / f"spikes_{name}.csv", delimiter=",", skiprows=1, ndmin=2)
        arr = np.zeros(len(table), SPIKE_DTYPE)
        arr["t"], arr["cell"] = table[:, 0] / 1000.0, table[:, 1] - 1
        spikes[pop] = arr
    duration = float(json.loads((folder / "summary.json").read_text())["duration_s"])
    return classify_windows(SimpleNamespace(spikes=spikes, duration_s=duration), 0, window_s)


def compare(ours: list[dict[str, float]], reference: dict[str, float]) -> list[dict[str, float]]:
    """Per statistic: our seed mean and SD, the reference, and the deviation in our SDs."""
    rows = []
    for key, ref in reference.items():
        values = np.array([o[key] for o in ours if key in o])
        if values.size == 0:
            continue
        mean, sd = float(values.mean()), float(values.std(ddof=1)) if values.size > 1 else 0.0
        z = (ref - mean) / sd if sd > 0 else float("nan")
        rows.append(
            {
                "statistic": key,
                "reference": ref,
                "mean": mean,
                "sd": sd,
                "z": z,
                "min": float(values.min()),
                "max": float(values.max()),
                "n": int(values.size),
            }
        )
    return rows
