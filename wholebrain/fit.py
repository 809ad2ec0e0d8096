"""Fit a brain to recorded EEG: choose parameters and bounds, search, keep every evaluation.

How a fit runs
    The brain is compiled once (:func:`wholebrain.compile_brain`); every evaluation is a run
    of that binary with other parameter values, as a Dask task (:mod:`wholebrain.parallel`: a
    local cluster by default, any scheduler address to scale out). Its region signals go
    through the forward model to sensor EEG, whose summary features
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

Parameters a fit may vary (:class:`FitParameter` names)
    ``global_coupling``, ``g_long_range`` (fields of the brain), ``propofol_level`` (0 = the
    column model's ``wake`` condition, 1 = its ``propofol`` condition, linear in every
    parameter that differs between them: GABA-A conductance and decay multipliers, and for
    ``soplata2023`` also K(Na), leak, h-current and excitatory conductances),
    ``propofol_dose`` (the dose surrogate x of the column model's ``DOSE_PARAMETERS``, mS/cm²:
    for ``soplata2023`` the Table-1 sweep, PYso→PYdr and TC→PYdr AMPA and the Poisson drive
    all set to x on top of the ``propofol`` condition, or of ``propofol_level`` when that is
    fitted too; higher x, deeper synchrony, more peak-max), and any non-structural column
    parameter by name (``g_h``, ``gabaa_cond_mult``, ...). Velocity,
    cell counts and other structural parameters change the compiled network and cannot be
    fitted this way.
Regional parameters
    ``NAME@SCOPE`` sets a column parameter, ``propofol_level`` or ``propofol_dose`` only in
    the regions of SCOPE (``frontal``, ``central``, ``posterior``: thirds of the brain's
    anterior-posterior extent, or labels joined by ``+`` such as ``rV1+lV1``), on top of the
    brain-wide values. Example: ``propofol_dose`` with ``g_h@posterior`` fits one dose and
    the posterior thalamic h-current apart from the rest of the brain.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .brain import BrainModel
from .journal import Journal
from .objective import FeatureSpec, distance, summary_features

#: parameters that are fields of BrainModel rather than column parameters
MODEL_FIELDS = ("global_coupling", "g_long_range")
PROPOFOL_LEVEL = "propofol_level"
PROPOFOL_DOSE = "propofol_dose"
#: fitted names that are not column parameters
SPECIAL = (*MODEL_FIELDS, PROPOFOL_LEVEL, PROPOFOL_DOSE)
#: ``NAME@SCOPE`` sets NAME only in the scope's regions
SCOPE_SEP = "@"
#: named scopes (:meth:`wholebrain.Connectome.region_groups`)
REGION_GROUPS = ("frontal", "central", "posterior")
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


def propofol_overrides(column: str, level: float) -> dict[str, float]:
    """Column parameters at ``level`` between the ``wake`` (0) and ``propofol`` (1) conditions.

    Every numeric parameter that differs between the two conditions is interpolated
    linearly; values outside [0, 1] extrapolate.
    """
    from . import columns

    model = columns.get(column)
    missing = [c for c in ("wake", "propofol") if c not in model.conditions]
    if missing:
        raise ValueError(
            f"propofol_level needs the conditions 'wake' and 'propofol'; {column} lacks {missing}"
        )
    wake, prop = (model.condition(c).as_dict() for c in ("wake", "propofol"))
    out = {}
    for key, w in wake.items():
        p = prop[key]
        if w != p and isinstance(w, int | float) and not isinstance(w, bool):
            out[key] = float((1.0 - level) * w + level * p)  # exact at both ends
    return out


def dose_parameters(column: str) -> tuple[str, ...]:
    """The column parameters that ``propofol_dose`` sets (the module's ``DOSE_PARAMETERS``)."""
    from . import columns

    names = getattr(columns.get(column).module, "DOSE_PARAMETERS", ())
    if not names:
        raise ValueError(f"{column} defines no dose surrogate (DOSE_PARAMETERS); fit "
                         "propofol_level or named parameters instead")  # fmt: skip
    return tuple(names)


def split_scope(name: str) -> tuple[str, str | None]:
    """``"g_h@posterior"`` -> ``("g_h", "posterior")``; an unscoped name gets ``None``."""
    base, sep, scope = name.partition(SCOPE_SEP)
    return base.strip(), (scope.strip() if sep else None)


def scope_regions(model: BrainModel, scope: str) -> tuple[str, ...]:
    """The simulated regions a scope names.

    A scope is a group of :meth:`wholebrain.Connectome.region_groups` (``frontal``,
    ``central``, ``posterior``: thirds of the brain's anterior-posterior extent) or region
    labels joined by ``+`` (``rV1+lV1``).
    """
    kept = model.region_labels
    if scope in REGION_GROUPS:
        if model.connectome is None:
            raise ValueError(f"the scope {scope!r} needs a connectome (its region positions)")
        regions = tuple(r for r in model.connectome.region_groups()[scope] if r in kept)
        if not regions:
            raise ValueError(f"the scope {scope!r} holds none of the simulated regions {kept}")
        return regions
    regions = tuple(r.strip() for r in scope.split("+"))
    unknown = [r for r in regions if r not in kept]
    if unknown or not scope:
        raise ValueError(
            f"unknown scope {scope!r}: use {' / '.join(REGION_GROUPS)} or simulated region "
            f"labels joined by '+' (not simulated: {unknown})"
        )
    return regions


def _column_values(column: str, values: Mapping[str, float], level: float) -> dict[str, float]:
    """Column parameters set by ``values`` (level, then dose, then named parameters)."""
    out: dict[str, float] = {}
    if PROPOFOL_LEVEL in values or PROPOFOL_DOSE in values:
        out.update(propofol_overrides(column, float(values.get(PROPOFOL_LEVEL, level))))
    if PROPOFOL_DOSE in values:
        out.update(dict.fromkeys(dose_parameters(column), float(values[PROPOFOL_DOSE])))
    for name, value in values.items():
        if name not in SPECIAL:
            out[name] = float(value)
    return out


def model_changes(model: BrainModel, values: Mapping[str, float]) -> dict[str, Any]:
    """The :data:`wholebrain.compiled.RUN_FIELDS` changes that set ``values`` in ``model``.

    ``propofol_level`` is applied first, then ``propofol_dose`` (at level 1 unless the level
    is given), so a column parameter fitted with them wins. Scoped names (``NAME@SCOPE``, see
    :func:`scope_regions`) go into the scope's region overrides, on top of the brain-wide
    values: a scope's dose uses the scope's level, else the brain-wide one, else 1.
    """
    wide: dict[str, float] = {}
    scoped: dict[str, dict[str, float]] = {}
    for name, value in values.items():
        base, scope = split_scope(name)
        if scope is None:
            wide[name] = value
        else:
            scoped.setdefault(scope, {})[base] = value
    changes: dict[str, Any] = {k: float(v) for k, v in wide.items() if k in MODEL_FIELDS}
    overrides = {**model.overrides, **_column_values(model.column, wide, 1.0)}
    if overrides != dict(model.overrides):
        changes["overrides"] = overrides
    level = float(wide.get(PROPOFOL_LEVEL, 1.0))
    before = {k: dict(v) for k, v in model.region_overrides.items()}
    regional = {k: dict(v) for k, v in before.items()}
    for scope, vals in scoped.items():
        params = _column_values(model.column, vals, level)
        for region in scope_regions(model, scope):
            regional.setdefault(region, {}).update(params)
    if regional != before:
        changes["region_overrides"] = regional
    return changes


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


def check_names(model: BrainModel, names: Sequence[str]) -> None:
    """One-line errors for names that cannot be varied between runs of a compiled brain."""
    column = model.column_model
    params = model.column_params()[0].as_dict()
    structural = set(column.module.STRUCTURAL)
    for full in names:
        name, scope = split_scope(full)
        if scope is not None:
            if name in MODEL_FIELDS:
                raise ValueError(f"{name} is a field of the whole brain; it cannot be scoped")
            scope_regions(model, scope)
        if name == PROPOFOL_DOSE:
            dose_parameters(model.column)
        if name in SPECIAL:
            continue
        if name in structural:
            raise ValueError(
                f"{name} is a structural parameter of {model.column} (it changes the compiled "
                "network); fix it in the model and fit the others"
            )
        if name not in params or name == "velocity":
            raise ValueError(
                f"cannot fit {name!r}: not a parameter of {model.column} nor one of {list(SPECIAL)}"
            )


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


def _target_features(target: Any, groups: Mapping[str, Sequence[str]] | None, spec: FeatureSpec):
    import mne

    from .analysis import groups_by_position

    if isinstance(target, Mapping):
        return dict(target), None
    if not isinstance(target, mne.io.BaseRaw):
        raise TypeError("target must be an mne Raw (wholebrain.analysis.read_eeg) or a dict of "
                        "features (wholebrain.objective.summary_features)")  # fmt: skip
    if groups is None:
        try:
            groups = groups_by_position(target.info)
        except ValueError:
            raise ValueError(
                "the recording has no channel positions to group its channels by; pass "
                "target_groups={'frontal': [...], 'central': [...], 'posterior': [...]}"
            ) from None
    return summary_features(target, groups, spec), {g: list(c) for g, c in groups.items()}


def _identity(model, parameters, target, spec, duration_s, transient_s, seed) -> dict:
    from .checkpoint import describe_model

    digest = hashlib.sha1(json.dumps(target, sort_keys=True).encode()).hexdigest()
    return json.loads(json.dumps({
        "model": describe_model(model),
        "parameters": [asdict(p) for p in parameters],
        "features": spec.to_dict(),
        "target": digest,
        "duration_s": duration_s,
        "transient_s": transient_s,
        "seed": seed,
    }))  # fmt: skip


def check_times(duration: float, transient: float, window_s: float) -> tuple[float, float]:
    """Seconds simulated and dropped per run, checked: what is left must hold one window."""
    duration_s, transient_s = float(duration), float(transient)
    if not 0 <= transient_s < duration_s:
        raise ValueError(f"transient ({transient_s} s) must be in [0, duration={duration_s} s)")
    if duration_s - transient_s < window_s:
        raise ValueError(
            f"{duration_s - transient_s:g} s after the transient is shorter than one "
            f"{window_s:g} s spectral window; simulate longer"
        )
    return duration_s, transient_s


def run_failure(result: Any, error: BaseException | None) -> dict | None:
    """``status`` and ``error`` of a run that gave no usable EEG (None when it did)."""
    if error is not None:
        return {"status": "error", "error": f"{type(error).__name__}: {error}"[:2000]}
    if not np.isfinite(result.eeg_proxy).all():
        return {"status": "nan", "error": "the simulation diverged (NaN in the EEG proxy)"}
    return None


def _add_scale(identity: dict, forward: Any) -> None:
    """A calibrated dipole scale changes absolute features: it is part of a study's identity
    (absent for the default scale, so histories from before calibration stay valid)."""
    scale = getattr(forward, "scale", None)
    if scale is not None:
        identity["dipole_scale"] = asdict(scale) if hasattr(scale, "area_cm2") else float(scale)


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
    """
    from . import compiled
    from .parallel import dask_client

    if model.connectome is None:
        raise ValueError("fitting EEG needs a brain with a connectome (its regions' positions)")
    parameters = tuple(parameters)
    check_parameters(model, parameters)
    spec = features or FeatureSpec()
    duration_s, transient_s = check_times(duration, transient, spec.window_s)
    if int(n_evaluations) != n_evaluations or n_evaluations < 1:
        raise ValueError(f"n_evaluations must be a positive integer, got {n_evaluations!r}")
    target_feats, groups = _target_features(target, target_groups, spec)
    identity = _identity(model, parameters, target_feats, spec, duration_s, transient_s, seed)
    if forward is None:
        from .forward import make_forward

        forward = make_forward(model.connectome)
    _add_scale(identity, forward)
    log = Journal(history, identity, _FORMAT, key="trial")
    t_start = time.perf_counter()
    with dask_client(scheduler, workers) as client:  # an unreachable scheduler fails first
        brain = compiled.compile_brain(model, duration_s, threads=threads,
                                       build_dir=build_dir, connectivity_seed=seed)  # fmt: skip
        evaluator = _Evaluator(brain, model, forward, target_feats, spec, transient_s)
        study, ran = _search(brain, model, parameters, evaluator, log, client, n_evaluations,
                             workers, seed, n_startup, progress)  # fmt: skip
        compile_s = brain.compile_s
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
        res = brain.run(seed, **model_changes(model, best["params"]))
        best_raw = evaluator.sensor_raw(res)
    return FitResult(
        parameters=parameters,
        best=dict(best["params"]),
        best_value=float(best["value"]),
        best_features=dict(best["features"]),
        target=target_feats,
        history=records,
        model=model.replace(**model_changes(model, best["params"])),
        timings={
            "compile_s": compile_s,  # the fit's only compile_brain (0 s: binary reused)
            "wall_s": time.perf_counter() - t_start,
            "run_s_mean": float(np.mean(ran)) if ran else float("nan"),
            "evaluations": len(ran),
        },
        best_raw=best_raw,
        target_groups=groups,
    )


def _search(brain, model, parameters, evaluator, log, client, n_evaluations, workers, seed,
            n_startup, progress):  # fmt: skip
    """The ask-run-tell loop of the module docstring; returns the study and run times."""
    import optuna

    from .parallel import run_specs

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    n_startup = n_startup or min(10, max(3, int(n_evaluations) // 3))
    sampler = optuna.samplers.TPESampler(seed=int(seed), n_startup_trials=n_startup)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    dists = {
        p.name: optuna.distributions.FloatDistribution(p.low, p.high, log=p.log) for p in parameters
    }
    ran: list[float] = []
    while len(study.trials) < n_evaluations:
        size = min(workers, n_evaluations - len(study.trials))
        batch = [study.ask(dists) for _ in range(size)]
        todo = []
        for trial in batch:
            rec = log.records.get(trial.number)
            if rec is not None:
                _check_replay(rec, trial.params, log.path)
            else:
                todo.append(trial)
        specs = [brain.prepare(seed, **model_changes(model, t.params)) for t in todo]

        def finished(i, result, run_s, error, todo=todo):
            trial = todo[i]
            rec = evaluator.record(trial.number, trial.params, result, run_s, error)
            log.add(rec)
            if run_s is not None:
                ran.append(run_s)
            if progress:
                _report(rec, len(log.records), n_evaluations)

        run_specs(brain, specs, client, finished)
        for trial in batch:  # told in the order asked: the same seed, the same fit
            rec = log.records[trial.number]
            if rec["status"] == "ok":
                study.tell(trial, rec["value"])
            else:
                study.tell(trial, state=optuna.trial.TrialState.FAIL)
    return study, ran


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

    def __init__(self, brain, model, forward, target, spec, transient_s) -> None:
        from .analysis import groups_by_position

        self.brain, self.model, self.forward = brain, model, forward
        self.target, self.spec, self.transient_s = target, spec, transient_s
        self.groups = groups_by_position(forward.info)
        self.raws: dict[int, Any] = {}
        self._best = math.inf

    def sensor_raw(self, result) -> Any:
        raw = self.forward.to_raw(result)
        return raw.crop(tmin=self.transient_s)

    def record(self, trial: int, params: dict, result, run_s, error) -> dict:
        rec: dict[str, Any] = {"trial": trial, "params": dict(params), "value": None,
                               "features": {}, "run_s": run_s, "error": None}  # fmt: skip
        failed = run_failure(result, error)
        if failed is not None:
            rec.update(failed)
            return rec
        raw = self.sensor_raw(result)
        feats = summary_features(raw, self.groups, self.spec)
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
