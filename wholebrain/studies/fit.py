"""Fit a brain to recorded EEG: choose parameters and bounds, search, keep every evaluation.

How a fit runs
    The brain is compiled once (:func:`wholebrain.compile_brain`); every evaluation is a run
    of that binary with other parameter values, as a Dask task through the study runner
    (:mod:`wholebrain.studies.runner`: a local cluster by default, any scheduler address to
    scale out). Its region signals go through the forward model to sensor EEG, whose summary
    features
    (:mod:`wholebrain.objective`) are compared with the recording's.
Search
    Optuna's TPE sampler through its ask-and-tell interface, seeded, in batches of as many
    evaluations as there are workers; a batch is told back in the order it was asked, so the
    same seed gives the same sequence of trials. Every evaluation uses the fit's ``seed``
    (common random numbers: differences between trials come from the parameters, not from
    the noise).
Nothing is lost
    Each evaluation is appended to the history file (JSON lines) the moment it finishes. A
    fit started again with the same history file replays the recorded evaluations instead of
    running them (the sampler asks for the same points in the same order) and continues; a
    history file of another fit is refused. An evaluation whose simulation diverges (NaN) or
    fails is recorded with its status and told to the sampler as failed.

Parameters a fit may vary
    The names of :mod:`wholebrain.studies.parameters`: brain fields, ``propofol_level``,
    ``propofol_dose``, non-structural column parameters, each brain-wide or ``NAME@SCOPE``.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..brain import BrainModel
from ..objective import FeatureSpec, distance
from .parameters import PROPOFOL_DOSE, PROPOFOL_LEVEL, check_names, model_changes
from .runner import (
    StudyRunner,
    features_digest,
    require_connectome,
    run_failure,
    target_features,
    target_measurement,
)

__all__ = [
    "PROPOFOL_DOSE",
    "PROPOFOL_LEVEL",
    "FitParameter",
    "FitResult",
    "check_parameters",
    "fit",
    "model_changes",
]

_FORMAT = "wholebrain.fit-history/1"


@dataclass(frozen=True)
class FitParameter:
    """One fitted parameter and its search interval.

    Parameters
    ----------
    name : str
        See the module docstring.
    low, high : float
        Bounds, in the parameter's own unit (``wholebrain.columns.get(name).module.describe()``
        lists the units of column parameters).
    log : bool
        Search on a log scale (both bounds > 0).
    """

    name: str
    low: float
    high: float
    log: bool = False

    def __post_init__(self) -> None:
        lo, hi = float(self.low), float(self.high)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"bounds of {self.name} must be finite, got ({self.low}, {self.high})")
        if not lo < hi:
            raise ValueError(
                f"bounds of {self.name} are inverted or empty: low={lo:g} must be < high={hi:g}"
            )
        if self.log and lo <= 0:
            raise ValueError(f"a log-scale parameter needs low > 0 ({self.name}: low={lo:g})")
        object.__setattr__(self, "low", lo)
        object.__setattr__(self, "high", hi)

    @classmethod
    def parse(cls, text: str) -> FitParameter:
        """``"name=low:high"`` or ``"name=low:high:log"`` (the command line's form)."""
        name, sep, rest = text.partition("=")
        parts = rest.split(":")
        if not sep or len(parts) not in (2, 3) or (len(parts) == 3 and parts[2] != "log"):
            raise ValueError(f"a fit parameter is NAME=LOW:HIGH[:log], got {text!r}")
        try:
            low, high = float(parts[0]), float(parts[1])
        except ValueError:
            raise ValueError(f"bounds of {name.strip()} must be numbers, got {rest!r}") from None
        return cls(name.strip(), low, high, log=len(parts) == 3)


def check_parameters(model: BrainModel, parameters: Sequence[FitParameter]) -> None:
    """One-line errors for unknown, structural or duplicated names and for bounds the column
    model rejects, before anything is compiled."""
    if not parameters:
        raise ValueError("give at least one FitParameter")
    names = [p.name for p in parameters]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"parameters {dup} are given twice")
    check_names(model, names)
    for edge in ("low", "high"):
        values = {p.name: getattr(p, edge) for p in parameters}
        try:
            model.replace(**model_changes(model, values))
        except ValueError as err:
            raise ValueError(f"the {edge} bounds {values} give an invalid model: {err}") from None


@dataclass
class FitResult:
    """What a fit found.

    Attributes
    ----------
    parameters : tuple of FitParameter
    best : dict
        Best parameter values.
    best_value : float
        Their distance to the target (:func:`wholebrain.objective.distance`).
    best_features, target : dict
        Features of the best evaluation and of the recording.
    history : list of dict
        Every evaluation in order: ``trial``, ``params``, ``value`` (None unless ok),
        ``status`` (``ok``, ``nan``, ``error``), ``features``, ``run_s``, ``error``.
    model : BrainModel
        The brain with the best values.
    timings : dict
        ``compile_s`` (of the fit's one :func:`~wholebrain.compile_brain`; ~0 when an
        earlier build of the same structure was reused), ``wall_s``,
        ``run_s_mean`` (per evaluation, in its worker), ``evaluations`` (run in this call).
    best_raw : mne.io.BaseRaw or None
        Sensor EEG of the best evaluation (for plots).
    target_groups : dict or None
        Channel groups of the recording.
    """

    parameters: tuple[FitParameter, ...]
    best: dict[str, float]
    best_value: float
    best_features: dict[str, float]
    target: dict[str, float]
    history: list[dict]
    model: BrainModel
    timings: dict[str, float] = field(default_factory=dict)
    best_raw: Any = None
    target_groups: dict[str, list[str]] | None = None

    def to_table(self) -> str:
        """Plain text: best values with bounds, then target vs best features."""
        lines = [f"best distance {self.best_value:.4g} after {len(self.history)} evaluations"]
        for p in self.parameters:
            lines.append(f"  {p.name:<18} {self.best[p.name]:<10.4g} in [{p.low:g}, {p.high:g}]")
        lines.append(f"  {'feature':<26} {'data':>8} {'model':>8}")
        for k, v in self.target.items():
            lines.append(f"  {k:<26} {v:>8.3g} {self.best_features.get(k, np.nan):>8.3g}")
        return "\n".join(lines)

    def plot(self, folder: str | os.PathLike, target_raw: Any = None) -> list[Path]:
        """Write the comparison figures (:mod:`wholebrain.fit_plots`); return their paths."""
        from .fit_plots import plot_fit

        return plot_fit(self, folder, target_raw)


def fit(
    model: BrainModel,
    parameters: Sequence[FitParameter],
    target: Any,
    *,
    target_groups: Mapping[str, Sequence[str]] | None = None,
    features: FeatureSpec | None = None,
    duration: float = 10.0,
    transient: float = 1.0,
    n_evaluations: int = 20,
    seed: int = 0,
    history: str | os.PathLike | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    threads: int = 1,
    forward: Any = None,
    build_dir: str | os.PathLike | None = None,
    n_startup: int | None = None,
    progress: bool = True,
    measurement: Any = None,
) -> FitResult:
    """Fit ``parameters`` of ``model`` so that its sensor EEG matches ``target``.

    Parameters
    ----------
    model : BrainModel
        The brain (with a connectome: its regions go through the forward model).
    parameters : sequence of FitParameter
        What to fit, with bounds.
    target : mne.io.BaseRaw or dict
        The recording (any file :func:`wholebrain.analysis.read_eeg` reads), or its features.
    target_groups : mapping, optional
        Channel groups of the recording (default: thirds by position along the
        anterior-posterior axis; :func:`wholebrain.recorded.purdon_groups` for the grid data).
    features : FeatureSpec, optional
        Which features the distance compares.
    duration : float
        Simulated seconds per evaluation (the features use what follows ``transient``; the
        slow band needs at least 4 s).
    transient : float
        Seconds dropped from the start of each run.
    n_evaluations : int
        Total number of evaluations (those already in ``history`` count).
    seed : int
        Seeds the sampler, the long-range connectivity and every run.
    history : path, optional
        JSON-lines file of every evaluation; a fit started again with it resumes.
    scheduler : str, optional
        Dask scheduler address; None runs a local cluster of ``workers`` threads.
    workers : int
        Evaluations run at the same time (and the batch size of the sampler).
    threads : int
        OpenMP threads of each run.
    forward : Forward, optional
        Lead field of ``model.connectome`` (default :func:`wholebrain.make_forward`).
    build_dir : path, optional
        C++ project folder of the compiled brain.
    n_startup : int, optional
        Random trials before TPE models the objective (default: a third of the evaluations,
        at least 3 and at most 10).
    progress : bool
        One line per finished evaluation on stderr.
    measurement : Measurement | bool, optional
        How both sides are measured (:mod:`wholebrain.measurement`); default the recording's
        own (its sensors, reference, ``target_groups``, the shorter segment). False: the
        forward's sensors and the average reference.
    """
    require_connectome(model, "fitting EEG")
    parameters = tuple(parameters)
    check_parameters(model, parameters)
    spec = features or FeatureSpec()
    if int(n_evaluations) != n_evaluations or n_evaluations < 1:
        raise ValueError(f"n_evaluations must be a positive integer, got {n_evaluations!r}")
    measured = target_measurement(target, target_groups, measurement, duration, transient)
    target_feats, groups = target_features(target, target_groups, spec, measured)
    runner = StudyRunner(
        model, "fitting EEG", fmt=_FORMAT, key="trial", record=history,
        identity={"parameters": [asdict(p) for p in parameters], "features": spec.to_dict(),
                  "target": features_digest(target_feats)},
        duration=duration, transient=transient, window_s=spec.window_s, seed=seed,
        scheduler=scheduler, workers=workers, threads=threads, forward=forward,
        build_dir=build_dir, measurement=measured,
    )  # fmt: skip
    evaluator = _Evaluator(runner, target_feats, spec)
    with runner:
        study = _search(runner, parameters, evaluator, n_evaluations, workers, n_startup,
                        progress)  # fmt: skip
    log = runner.journal
    records = [log.records[t.number] for t in study.trials]
    ok = [r for r in records if r["status"] == "ok"]
    if not ok:
        raise RuntimeError(
            f"none of the {len(records)} evaluations gave finite features (see the history"
            f"{' in ' + str(log.path) if log.path else ''}); check bounds and the model"
        )
    best = min(ok, key=lambda r: r["value"])
    best_raw = evaluator.raws.get(best["trial"])
    if best_raw is None:  # replayed from the history: run it once more for the plots
        res = runner.brain.run(runner.seed, **model_changes(model, best["params"]))
        best_raw = runner.sensor_raw(res)
    return FitResult(
        parameters=parameters,
        best=dict(best["params"]),
        best_value=float(best["value"]),
        best_features=dict(best["features"]),
        target=target_feats,
        history=records,
        model=model.replace(**model_changes(model, best["params"])),
        timings=runner.timings(evaluations=len(runner.run_s)),
        best_raw=best_raw,
        target_groups=groups,
    )


def _search(runner, parameters, evaluator, n_evaluations, workers, n_startup, progress):
    """The ask-run-tell loop of the module docstring; returns the Optuna study."""
    import optuna

    n_startup = n_startup or min(10, max(3, int(n_evaluations) // 3))
    sampler = optuna.samplers.TPESampler(seed=runner.seed, n_startup_trials=n_startup)
    with _quiet_optuna():
        study = optuna.create_study(direction="minimize", sampler=sampler)
    dists = {
        p.name: optuna.distributions.FloatDistribution(p.low, p.high, log=p.log) for p in parameters
    }
    log = runner.journal
    while len(study.trials) < n_evaluations:
        size = min(workers, n_evaluations - len(study.trials))
        with _quiet_optuna():
            batch = [study.ask(dists) for _ in range(size)]
        todo = []
        for trial in batch:
            rec = log.records.get(trial.number)
            if rec is not None:
                _check_replay(rec, trial.params, log.path)
            else:
                todo.append(trial)

        def finished(i, result, run_s, error, todo=todo):
            trial = todo[i]
            rec = evaluator.record(trial.number, trial.params, result, run_s, error)
            log.add(rec)
            if progress:
                _report(rec, len(log.records), n_evaluations)

        runner.run([model_changes(runner.model, t.params) for t in todo], finished)
        with _quiet_optuna():
            for trial in batch:  # told in the order asked: the same seed, the same fit
                rec = log.records[trial.number]
                if rec["status"] == "ok":
                    study.tell(trial, rec["value"])
                else:
                    study.tell(trial, state=optuna.trial.TrialState.FAIL)
    return study


class _quiet_optuna:  # noqa: N801  (used like a function)
    """Optuna's per-trial INFO lines off for the block, the user's verbosity back after."""

    def __enter__(self) -> None:
        import optuna

        self._before = optuna.logging.get_verbosity()
        optuna.logging.set_verbosity(optuna.logging.WARNING)

    def __exit__(self, *exc: Any) -> None:
        import optuna

        optuna.logging.set_verbosity(self._before)


def _check_replay(rec: dict, params: Mapping[str, float], path: Path | None) -> None:
    for k, v in params.items():
        if not np.isclose(rec["params"].get(k, np.nan), v, rtol=1e-12, atol=0.0):
            raise ValueError(
                f"{path}: trial {rec['trial']} was recorded with {rec['params']} but the "
                f"sampler now asks for {dict(params)}; the history belongs to another run of "
                "the optimiser (delete it to start afresh)"
            )


def _report(rec: dict, done: int, total: int) -> None:
    value = "failed" if rec["status"] != "ok" else f"distance {rec['value']:.3g}"
    params = ", ".join(f"{k}={v:.4g}" for k, v in rec["params"].items())
    print(f"wholebrain: evaluation {done} of {total}: {params}: {value}",
          file=sys.stderr, flush=True)  # fmt: skip


class _Evaluator:
    """Turns a finished run into a history record (features, distance, status)."""

    def __init__(self, runner: StudyRunner, target: dict, spec: FeatureSpec) -> None:
        self.runner, self.target, self.spec = runner, target, spec
        self.raws: dict[int, Any] = {}
        self._best = math.inf

    def record(self, trial: int, params: dict, result, run_s, error) -> dict:
        rec: dict[str, Any] = {"trial": trial, "params": dict(params), "value": None,
                               "features": {}, "run_s": run_s, "error": None}  # fmt: skip
        failed = run_failure(result, error)
        if failed is not None:
            rec.update(failed)
            return rec
        raw = self.runner.sensor_raw(result)
        feats = self.runner.features(raw, self.spec)
        value = distance(feats, self.target, self.spec)
        rec["features"] = feats  # NaN (no alpha peak) is kept: Python's json writes it
        if not np.isfinite(value):
            rec.update(status="nan", error="the objective is NaN")
            return rec
        rec.update(status="ok", value=value)
        if value < self._best:  # keep only the best run's EEG, for the plots
            self._best = value
            self.raws = {trial: raw}
        return rec
