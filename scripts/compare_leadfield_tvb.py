"""Compare our default lead field with TVB's projection_eeg_65_surface_16k.npy.

Both are average-referenced over the 63 sensors where TVB's rows are finite (rows 18, 19, the
infraorbital IO1/IO2, are NaN), then correlated per sensor (across vertices or regions) and
overall: vertex by vertex, the vertex gains summed per region on both sides, and TVB's
region sums against each ``combine`` of :func:`wholebrain.make_forward` (its
``source_gain``: the sensor potential per unit of a region's source, area included).
Usage: ``python scripts/compare_leadfield_tvb.py [--ico 3] [--cache DIR] [--json]``.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

import wholebrain as wb
from wholebrain import headmodel as hm


def _corr_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a - a.mean(1, keepdims=True)
    b = b - b.mean(1, keepdims=True)
    return (a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1))


def compare(ico: int = 3, cache: str | None = None) -> dict:
    con = wb.load_connectome("tvb76")
    fwd = wb.make_forward(con, ico=ico, cache=cache, verbose="error")
    tvb = np.load(hm.tvb_data_dir() / "projectionMatrix" / "projection_eeg_65_surface_16k.npy")
    ok = ~np.isnan(tvb).any(axis=1)
    ours = fwd.vertex_gain[ok] - fwd.vertex_gain[ok].mean(0)
    theirs = tvb[ok] - tvb[ok].mean(0)
    onehot = np.eye(len(fwd.region_labels))[fwd.vertex_region]
    out = {
        "ico": ico,
        "n_sensors": int(ok.sum()),
        "amplitude_ratio_tvb_over_ours": float(theirs.std() / ours.std()),
    }
    pairs = {"vertex": (ours, theirs), "region": (ours @ onehot, theirs @ onehot)}
    for combine in ("area", "sum", "mean"):
        g = wb.make_forward(con, combine=combine, ico=ico, cache=cache).source_gain[ok]
        pairs[f"combine={combine}"] = (g - g.mean(0), theirs @ onehot)
    for level, (a, b) in pairs.items():
        per = _corr_rows(a, b)
        out[level] = {
            "overall_r": float(np.corrcoef(a.ravel(), b.ravel())[0, 1]),
            "per_sensor_median": float(np.median(per)),
            "per_sensor_min": float(per.min()),
            "worst_sensor": np.array(fwd.ch_names)[ok][per.argmin()],
            "per_sensor": dict(
                zip(np.array(fwd.ch_names)[ok].tolist(), per.round(4).tolist(), strict=True)
            ),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ico", type=int, default=3)
    ap.add_argument("--cache", default=None)
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = ap.parse_args()
    res = compare(args.ico, args.cache)
    if args.json:
        print(json.dumps(res))
        return
    print(f"TVB vs wholebrain lead field (ico {res['ico']}, {res['n_sensors']} sensors, avg ref)")
    print(f"{'level':<15}{'overall r':>10}{'median r':>10}{'min r':>8}  worst")
    for level in ("vertex", "region", "combine=area", "combine=sum", "combine=mean"):
        r = res[level]
        cols = f"{r['overall_r']:>10.3f}{r['per_sensor_median']:>10.3f}{r['per_sensor_min']:>8.3f}"
        print(f"{level:<15}{cols}  {r['worst_sensor']}")
    ratio = res["amplitude_ratio_tvb_over_ours"]
    print(f"amplitude ratio TVB/ours: {ratio:.3f} (TVB's units are not documented)")


if __name__ == "__main__":
    main()
