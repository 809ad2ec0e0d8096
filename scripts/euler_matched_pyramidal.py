"""Why the fast scheme's cortical cells take the Euler-matched step: wake PY bursts by step.

The wake column's pyramidal cells fire in bursts, and how bursty they are depends on the
integration step: forward Euler at DynaSim's 0.01 ms is not converged. This script runs
the wake column with every synapse onto PY cut (each PY cell driven by its own Poisson
train only, so the cells are independent and the comparison is the cell's, not the
network's), under

- the DynaSim scheme (forward Euler) at 0.025, 0.01, 0.005 and 0.0025 ms;
- the fast scheme at its step (0.05 ms): the Euler-matched two-step update
  (:class:`wholebrain.columns.soplata2023.integration.EulerMatched`) for PY and IN, as two
  substeps of 0.025 ms, and
  DynaSim's depression count emulated from the crossing's phase.

Per run it prints PY's rate, the mean CV of each cell's inter-spike intervals, the share of
intervals under 25 ms (within bursts), the Na pool (mean and SD over time and cells) and
the mean PYso->PYdr AMPA resource ``res``. ``res`` is DynaSim's only where the depression
count is DynaSim's: the DynaSim scheme at 0.01 ms and the fast scheme.

    python scripts/euler_matched_pyramidal.py [--seeds 1 2] [--duration 8]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

#: (scheme, step in ms) per row
RUNS = (("dynasim", 0.025), ("dynasim", 0.01), ("dynasim", 0.005), ("dynasim", 0.0025),
        ("fast", 0.05))  # fmt: skip
#: every synapse onto a PY cell (PYso GABA_A, PYdr AMPA/NMDA from PY, TC and HTC)
ISOLATED = {"g_gabaa_in_py": 0.0, "g_ampa_py_dr": 0.0, "g_nmda_py_dr": 0.0,
            "g_ampa_tc_dr": 0.0, "g_ampa_htc_dr": 0.0}  # fmt: skip
TRANSIENT_S = 1.0


def statistics(res) -> dict[str, float]:
    """PY spike-train and pool statistics of one run after the transient."""
    sp = res.spikes["PY"]
    sp = sp[sp["t"] >= TRANSIENT_S]
    cvs, isis = [], []
    for cell in range(res.sizes["PY"]):
        d = np.diff(np.sort(sp["t"][sp["cell"] == cell]))
        isis.append(d)
        if d.size > 2:
            cvs.append(d.std() / d.mean())
    isi = np.concatenate(isis)
    n0 = int(TRANSIENT_S * res.proxy_sfreq)
    na = res.states["PY.na_conc"][0, :, n0:]
    return {
        "rate_hz": len(sp) / res.sizes["PY"] / (res.duration_s - TRANSIENT_S),
        "cv": float(np.mean(cvs)),
        "burst_share": float(np.mean(isi < 0.025)),
        "na_mean": float(na.mean()),
        "na_sd": float(na.std()),
        "res_mean": float(res.states["PY.res_ampa_py_dr"][0, :, n0:].mean()),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--duration", type=float, default=8.0, help="simulated s per run")
    args = ap.parse_args(argv)
    import wholebrain as wb

    print(f"wake column, synapses onto PY cut, {args.duration:g} s, seeds {args.seeds}; "
          f"mean +- SD over seeds")  # fmt: skip
    print(f"{'scheme':<9}{'dt ms':>7}{'PY Hz':>14}{'ISI CV':>14}{'ISI < 25 ms':>16}"
          f"{'Na pool':>16}{'res':>16}")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="wb_euler_matched_") as tmp:
        for scheme, dt in RUNS:
            model = wb.BrainModel.single_column("soplata2023", "wake", integration=scheme,
                                                **ISOLATED)  # fmt: skip
            build = Path(tmp) / f"{scheme}-{dt}"
            record = {"PY": ["na_conc", "res_ampa_py_dr"]}
            rows = []
            for seed in args.seeds:
                res = wb.simulate(
                    model, args.duration, seed=seed, backend="cpp", dt_ms=dt, build_dir=build,
                    record_states=record, record_cells=20,
                )  # fmt: skip
                rows.append(statistics(res))

            def cell(key: str, fmt: str = ".3f", rows=rows) -> str:
                vals = np.array([r[key] for r in rows])
                return f"{vals.mean():{fmt}} +- {vals.std():{fmt}}"

            count_ok = scheme == "fast" or dt == 0.01
            res = cell("res_mean") if count_ok else "(count not DynaSim's)"
            print(f"{scheme:<9}{dt:>7g}{cell('rate_hz', '.2f'):>14}{cell('cv', '.2f'):>14}"
                  f"{cell('burst_share'):>16}{cell('na_mean', '.1f'):>16}{res:>16}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
