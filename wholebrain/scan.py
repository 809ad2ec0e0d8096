"""Score a list of parameter points against several recordings with one set of runs.

A fit searches one recording; a scan answers "where along this path does each recording
fit best?" for all of them at once: each point is simulated once (as a Dask task of the one
compiled brain, as in :func:`wholebrain.fit.fit`), its sensor EEG's summary features are
computed once and compared with every target. Points are dicts of the names a fit accepts
(:mod:`wholebrain.fit`), so a scan can mix paths, e.g. ``propofol_level`` 0 and 0.5 and
then ``propofol_dose`` 0.005 to 0.02.

Every point is appended to ``history`` (JSON lines) as it finishes; a scan run again with
the same history and points replays them.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .brain import BrainModel
from .fit import (
    _add_scale,
    _identity,
    _target_features,
    check_names,
    check_times,
    model_changes,
    run_failure,
)
from .journal import Journal
from .objective import FeatureSpec, distance, summary_features

_FORMAT = "wholebrain.scan-history/1"


@dataclass
class ScanResult:
    """Features of every point and their distances to every target.

    Attributes
    ----------
    records : list of dict
        Per point, in the order given: ``point`` (index), ``params``, ``status`` (``ok``,
        ``nan``, ``error``), ``features`` and ``distances`` (spec name -> features, and
        spec name -> target name -> distance), ``run_s``, ``error``.
    targets : dict
        Spec name -> target name -> the target's features.
    raws : dict
        Point index -> sensor EEG (after the transient) of the points run in this call.
    timings : dict
        ``compile_s``, ``wall_s``, ``run_s_mean``.
    """

    records: list[dict]
    targets: dict[str, dict[str, dict[str, float]]]
    raws: dict[int, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def best(self, target: str, spec: str = "default") -> dict:
        """The record closest to ``target`` under the named spec."""
        ok = [r for r in self.records if r["status"] == "ok"]
        if not ok:
            raise RuntimeError("no point of the scan gave finite features")
        return min(ok, key=lambda r: r["distances"][spec][target])

    def to_table(self, spec: str = "default") -> str:
        """Plain text: one row per point, its distance to each target (best marked ``*``)."""
        names = list(self.targets[spec])
        best = {t: self.best(t, spec)["point"] for t in names}
        head = f"  {'point':<40}" + "".join(f" {t:>10}" for t in names)
        lines = [f"distance to each target ({spec} features)", head]
        for r in self.records:
            params = ", ".join(f"{k}={v:g}" for k, v in r["params"].items())
            cells = []
            for t in names:
                d = r["distances"].get(spec, {}).get(t)
                mark = "*" if best[t] == r["point"] else " "
                cells.append(f" {'failed':>10}" if d is None else f" {d:>9.3f}{mark}")
            lines.append(f"  {params:<40}" + "".join(cells))
        return "\n".join(lines)


def scan(
    model: BrainModel,
    points: Sequence[Mapping[str, float]],
    targets: Mapping[str, Any],
    *,
    target_groups: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    features: FeatureSpec | None = None,
    extra_features: Mapping[str, FeatureSpec] | None = None,
    duration: float = 10.0,
    transient: float = 1.0,
    seed: int = 0,
    history: str | os.PathLike | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    threads: int = 1,
    forward: Any = None,
    build_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> ScanResult:
    """Simulate each of ``points`` once and compare its EEG with every target.

    Parameters
    ----------
    model : BrainModel
        The brain (with a connectome).
    points : sequence of mapping
        Parameter values per point (the names of :class:`wholebrain.fit.FitParameter`).
    targets : mapping of str to mne.io.BaseRaw or dict
        Recordings by name, or their features (``features`` only, no ``extra_features``).
    target_groups : mapping, optional
        Target name -> its channel groups (default: by channel position).
    features : FeatureSpec, optional
        The ``"default"`` comparison.
    extra_features : mapping of str to FeatureSpec, optional
        More comparisons by name; each point's EEG is scored under each of them too.
    duration, transient, seed, history, scheduler, workers, threads, forward, build_dir, progress
        As for :func:`wholebrain.fit.fit` (``history`` holds the scan's points).
    """
    from . import compiled
    from .analysis import groups_by_position
    from .parallel import dask_client, run_specs

    if model.connectome is None:
        raise ValueError("scanning EEG needs a brain with a connectome (its regions' positions)")
    points = [{str(k): float(v) for k, v in p.items()} for p in points]
    if not points or any(not p for p in points):
        raise ValueError("give at least one point, each with at least one parameter value")
    if not targets:
        raise ValueError("give at least one target recording")
    for p in points:
        check_names(model, list(p))
        try:
            model.replace(**model_changes(model, p))
        except ValueError as err:
            raise ValueError(f"the point {p} gives an invalid model: {err}") from None
    specs = {"default": features or FeatureSpec(), **dict(extra_features or {})}
    if len(specs) > 1 and any(isinstance(t, Mapping) for t in targets.values()):
        raise ValueError("a target given as features serves one spec only; pass recordings "
                         "(mne Raw) when scoring with extra_features")  # fmt: skip
    groups_in = dict(target_groups or {})
    target_feats = {
        s: {t: _target_features(raw, groups_in.get(t), spec)[0] for t, raw in targets.items()}
        for s, spec in specs.items()
    }
    window = max(s.window_s for s in specs.values())
    duration_s, transient_s = check_times(duration, transient, window)
    identity = _identity(model, [], target_feats["default"], specs["default"], duration_s,
                         transient_s, seed)  # fmt: skip
    identity.update(points=points, specs={s: v.to_dict() for s, v in specs.items()})
    if forward is None:
        from .forward import make_forward

        forward = make_forward(model.connectome)
    _add_scale(identity, forward)
    log = Journal(history, identity, _FORMAT, key="point")
    sensor_groups = groups_by_position(forward.info)
    raws: dict[int, Any] = {}
    ran: list[float] = []
    t0 = time.perf_counter()
    todo = [i for i in range(len(points)) if i not in log.records]
    if not todo:  # everything replayed from the history: nothing to compile or run
        return _result(points, log, target_feats, {}, 0.0, t0, [])
    with dask_client(scheduler, workers) as client:
        brain = compiled.compile_brain(model, duration_s, threads=threads,
                                       build_dir=build_dir, connectivity_seed=seed)  # fmt: skip
        run = [brain.prepare(seed, **model_changes(model, points[i])) for i in todo]

        def finished(j, result, run_s, error):
            i = todo[j]
            rec: dict[str, Any] = {"point": i, "params": points[i], "status": "ok",
                                   "features": {}, "distances": {}, "run_s": run_s,
                                   "error": None}  # fmt: skip
            failed = run_failure(result, error)
            if failed is not None:
                rec.update(failed)
            else:
                raw = raws[i] = forward.to_raw(result).crop(tmin=transient_s)
                for s, spec in specs.items():
                    feats = summary_features(raw, sensor_groups, spec)
                    rec["features"][s] = feats
                    rec["distances"][s] = {t: distance(feats, target_feats[s][t], spec)
                                           for t in targets}  # fmt: skip
            log.add(rec)
            if run_s is not None:
                ran.append(run_s)
            if progress:
                params = ", ".join(f"{k}={v:g}" for k, v in rec["params"].items())
                d = rec["distances"].get("default", {})
                what = ", ".join(f"{t} {v:.3g}" for t, v in d.items()) or rec["status"]
                print(f"wholebrain: point {len(log.records)} of {len(points)}: {params}: {what}",
                      file=sys.stderr, flush=True)  # fmt: skip

        run_specs(brain, run, client, finished)
        compile_s = brain.compile_s
    return _result(points, log, target_feats, raws, compile_s, t0, ran)


def _result(points, log, target_feats, raws, compile_s, t0, ran) -> ScanResult:
    return ScanResult(
        records=[log.records[i] for i in range(len(points))],
        targets=target_feats,
        raws=raws,
        timings={
            "compile_s": compile_s,
            "wall_s": time.perf_counter() - t0,
            "run_s_mean": float(np.mean(ran)) if ran else float("nan"),
        },  # fmt: skip
    )


def parse_point(text: str) -> dict[str, float]:
    """``"propofol_level=0.5,global_coupling=2"`` -> dict (the command line's form)."""
    out: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise ValueError(f"a scan point is NAME=VALUE[,NAME=VALUE...], got {text!r}")
    return out
