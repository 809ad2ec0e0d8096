"""Score a list of parameter points against several recordings with one set of runs.

A fit searches one recording; a scan answers "where along this path does each recording
fit best?" for all of them at once: each point is simulated once (a run of the one compiled
brain, through :mod:`wholebrain.studies.runner` like a fit), its sensor EEG's summary
features are computed once and compared with every target. Points are dicts of the names of
:mod:`wholebrain.studies.parameters`, so a scan can mix paths, e.g. ``propofol_level`` 0 and
0.5 and then ``propofol_dose`` 0.005 to 0.02.

Every point is appended to ``history`` (JSON lines) as it finishes; a scan run again with
the same history and points replays them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..brain import BrainModel
from ..objective import FeatureSpec, distance
from .parameters import check_point, model_changes, parse_point
from .runner import (
    StudyRunner,
    features_digest,
    require_connectome,
    run_failure,
    target_features,
    target_measurement,
)

__all__ = ["ScanResult", "parse_point", "scan"]

_FORMAT = "wholebrain.scan-history/1"


@dataclass
class ScanResult:
    """Features of every point and their distances to every target.

    Attributes
    ----------
    records : list of dict
        Per point, in the order given: ``point`` (index), ``params``, ``status`` (``ok``,
        ``nan``, ``error``), ``features`` and ``distances`` (spec name -> features, and
        spec name -> target name -> distance), ``rates_hz`` (population -> mean rate per
        region after the transient), ``run_s``, ``error``.
    targets : dict
        Spec name -> target name -> the target's features.
    raws : dict
        Point index -> sensor EEG (after the transient) of the points run in this call, and
        with ``raws_dir`` of the replayed points whose EEG that folder holds.
    timings : dict
        ``compile_s``, ``wall_s``, ``run_s_mean``.
    measurement : Measurement or None
        How model and targets were measured (sensors, reference, groups, segment).
    """

    records: list[dict]
    targets: dict[str, dict[str, dict[str, float]]]
    raws: dict[int, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    measurement: Any = None

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
    measurement: Any = None,
    raws_dir: str | os.PathLike | None = None,
) -> ScanResult:
    """Simulate each of ``points`` once and compare its EEG with every target.

    Parameters
    ----------
    model : BrainModel
        The brain (with a connectome).
    points : sequence of mapping
        Parameter values per point (the names of :mod:`wholebrain.studies.parameters`).
    targets : mapping of str to mne.io.BaseRaw or dict
        Recordings by name, or their features (``features`` only, no ``extra_features``).
    target_groups : mapping, optional
        Target name -> its channel groups (default: by channel position).
    features : FeatureSpec, optional
        The ``"default"`` comparison.
    extra_features : mapping of str to FeatureSpec, optional
        More comparisons by name; each point's EEG is scored under each of them too.
    duration, transient, seed, history, scheduler, workers, threads, forward, build_dir, progress
        As for :func:`wholebrain.studies.fit.fit` (``history`` holds the scan's points).
    measurement : Measurement | bool, optional
        As for :func:`~wholebrain.studies.fit.fit`; by default the first target's, when every
        target is a recording with the same channels (all segments of one recording), and
        none otherwise. Its segment is the shortest target's or the model's analysed time.
    raws_dir : path, optional
        Folder that keeps every point's sensor EEG (``point-<i>_raw.fif``, written as the
        point finishes); points replayed from ``history`` get theirs back from it, so figures
        of a resumed scan cover every point.
    """
    require_connectome(model, "scanning EEG")
    points = [{str(k): float(v) for k, v in p.items()} for p in points]
    if not points or any(not p for p in points):
        raise ValueError("give at least one point, each with at least one parameter value")
    if not targets:
        raise ValueError("give at least one target recording")
    for p in points:
        check_point(model, p)
    specs = {"default": features or FeatureSpec(), **dict(extra_features or {})}
    if len(specs) > 1 and any(isinstance(t, Mapping) for t in targets.values()):
        raise ValueError("a target given as features serves one spec only; pass recordings "
                         "(mne Raw) when scoring with extra_features")  # fmt: skip
    groups_in = dict(target_groups or {})
    measured = _shared_measurement(targets, groups_in, measurement, duration, transient)
    target_feats = {
        s: {t: target_features(raw, groups_in.get(t), spec, measured)[0]
            for t, raw in targets.items()}
        for s, spec in specs.items()
    }  # fmt: skip
    runner = StudyRunner(
        model, "scanning EEG", fmt=_FORMAT, key="point", record=history,
        identity={"parameters": [], "features": specs["default"].to_dict(),
                  "target": features_digest(target_feats["default"]), "points": points,
                  "specs": {s: v.to_dict() for s, v in specs.items()}},
        duration=duration, transient=transient,
        window_s=max(s.window_s for s in specs.values()), seed=seed, scheduler=scheduler,
        workers=workers, threads=threads, forward=forward, build_dir=build_dir,
        measurement=measured,
    )  # fmt: skip
    log = runner.journal
    raws: dict[int, Any] = {}
    todo = [i for i in range(len(points)) if i not in log.records]

    def finished(j, result, run_s, error):
        i = todo[j]
        rec: dict[str, Any] = {"point": i, "params": points[i], "status": "ok",
                               "features": {}, "distances": {}, "run_s": run_s,
                               "error": None}  # fmt: skip
        failed = run_failure(result, error)
        if failed is not None:
            rec.update(failed)
        else:
            raw = raws[i] = runner.sensor_raw(result)
            rec["rates_hz"] = runner.region_rates(result)
            if raws_dir is not None:
                raw.save(_raw_path(raws_dir, i), fmt="double", overwrite=True, verbose="error")
            for s, spec in specs.items():
                feats = runner.features(raw, spec)
                rec["features"][s] = feats
                rec["distances"][s] = {t: distance(feats, target_feats[s][t], spec)
                                       for t in targets}  # fmt: skip
        log.add(rec)
        if progress:
            params = ", ".join(f"{k}={v:g}" for k, v in rec["params"].items())
            d = rec["distances"].get("default", {})
            what = ", ".join(f"{t} {v:.3g}" for t, v in d.items()) or rec["status"]
            print(f"wholebrain: point {len(log.records)} of {len(points)}: {params}: {what}",
                  file=sys.stderr, flush=True)  # fmt: skip

    if raws_dir is not None:
        os.makedirs(raws_dir, exist_ok=True)
        raws.update(_saved_raws(raws_dir, list(log.records)))
    with runner:  # everything replayed from the history: nothing to compile or run
        runner.run([model_changes(model, points[i]) for i in todo], finished)
    return ScanResult(
        records=[log.records[i] for i in range(len(points))],
        targets=target_feats,
        raws=raws,
        timings=runner.timings(),
        measurement=measured,
    )


def _shared_measurement(targets, groups_in, measurement, duration, transient):
    """One measurement for every target (see :func:`scan`), or None."""
    import mne

    raws = [r for r in targets.values() if isinstance(r, mne.io.BaseRaw)]
    same = len(raws) == len(targets) and len({tuple(r.ch_names) for r in raws}) == 1
    if measurement is False or (measurement is None and not same):
        return None
    if measurement is True and not same:
        raise ValueError("measurement=True needs recordings that share their channels")
    first = next(iter(targets))
    m = target_measurement(targets[first], groups_in.get(first), measurement, duration, transient)
    if m is None or not raws:
        return m
    return m.with_segment(min(m.segment_s, *(r.n_times / r.info["sfreq"] for r in raws)))


def _raw_path(folder: str | os.PathLike, point: int) -> str:
    return os.path.join(folder, f"point-{point}_raw.fif")


def _saved_raws(folder: str | os.PathLike, points: Sequence[int]) -> dict[int, Any]:
    """The sensor EEG kept for replayed ``points`` (those whose file exists)."""
    import mne

    out = {}
    for i in points:
        path = _raw_path(folder, i)
        if os.path.exists(path):
            out[i] = mne.io.read_raw_fif(path, preload=True, verbose="error")
    return out
