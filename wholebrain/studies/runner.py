"""One runner for every study: a brain compiled once and run for many sets of changes.

A fit, a scan and a lesion study differ only in which runs they ask for and what they make
of each result. Everything else is here, once:

* the checks before anything is built: a brain with a connectome, simulated and dropped
  seconds that leave a spectral window;
* the study's identity (the model, the settings, the calibrated dipole scale) and its
  journal (:mod:`~wholebrain.studies.journal`), so a killed study resumes and a record of
  another study is refused;
* the forward model and the sensor groups of its EEG; with the recording's
  :class:`~wholebrain.measurement.Measurement`, the forward has the recording's sensors and
  the model's EEG gets its reference, groups and segment length;
* Dask (:mod:`~wholebrain.studies.parallel`) and the one :func:`~wholebrain.compile_brain`,
  both started only when the first run is asked for (a study read back whole from its
  journal starts neither);
* runs that failed or diverged, recorded rather than lost; timings.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np

from ..brain import BrainModel
from ..objective import FeatureSpec, summary_features
from ..validation import check, check_seed
from .journal import Journal

#: what a study does with each finished run: (index, result or None, run seconds, error)
OnResult = Callable[[int, Any, "float | None", "BaseException | None"], None]


def require_connectome(model: BrainModel, what: str) -> None:
    """A study of EEG needs region positions: a brain with a connectome."""
    if model.connectome is None:
        raise ValueError(f"{what} needs a brain with a connectome (its regions' positions)")


def check_times(duration: float, transient: float, window_s: float) -> tuple[float, float]:
    """Seconds simulated and dropped per run, checked: what is left must hold one window."""
    duration_s, transient_s = check("duration", duration), check("transient", transient)
    if not transient_s < duration_s:
        raise ValueError(f"transient ({transient_s} s) must be in [0, duration={duration_s} s)")
    if duration_s - transient_s < window_s:
        raise ValueError(
            f"duration {duration_s:g} s minus transient {transient_s:g} s leaves "
            f"{duration_s - transient_s:g} s, which must cover one {window_s:g} s spectral "
            "window; simulate longer"
        )
    return duration_s, transient_s


def run_failure(result: Any, error: BaseException | None) -> dict | None:
    """``status`` and ``error`` of a run that gave no usable EEG (None when it did)."""
    from ..engine.collect import SimulationDiverged

    if isinstance(error, SimulationDiverged):
        return {"status": "nan", "error": str(error)[:2000]}
    if error is not None:
        return {"status": "error", "error": f"{type(error).__name__}: {error}"[:2000]}
    if not np.isfinite(result.eeg_proxy).all():
        return {"status": "nan", "error": "the simulation diverged (NaN in the EEG proxy)"}
    return None


def target_measurement(
    target: Any,
    groups: Mapping[str, Sequence[str]] | None,
    measurement: Any,
    duration: float,
    transient: float,
) -> Any:
    """The measurement a study applies to the recording and the model, or None.

    ``measurement``: a Measurement, True/None (the recording's own, when ``target`` is a
    Raw) or False (none: the model keeps its own sensors and average reference). Its segment
    is the recording's length or the model's seconds after the transient, whichever is
    shorter.
    """
    import mne

    from ..measurement import Measurement, measurement_of

    if measurement is False:
        return None
    if not isinstance(measurement, Measurement):
        if not isinstance(target, mne.io.BaseRaw):
            if measurement is True:
                raise ValueError("measurement=True needs the recording itself as the target")
            return None
        measurement = measurement_of(target, groups=groups)
    analysed_s = check("duration", duration) - check("transient", transient)
    return measurement.with_segment(min(measurement.segment_s, analysed_s))


def target_features(
    target: Any,
    groups: Mapping[str, Sequence[str]] | None,
    spec: FeatureSpec,
    measurement: Any = None,
) -> tuple[dict[str, float], dict[str, list[str]] | None]:
    """Features of a recording (an mne Raw) or features given as a dict, and the recording's
    channel groups (default: thirds by channel position). With a ``measurement`` the
    recording is measured as it says (its channels, reference, groups and segment)."""
    import mne

    from ..analysis import groups_by_position

    if isinstance(target, Mapping):
        return dict(target), None
    if not isinstance(target, mne.io.BaseRaw):
        raise TypeError("target must be an mne Raw (wholebrain.analysis.read_eeg) or a dict of "
                        "features (wholebrain.objective.summary_features)")  # fmt: skip
    if measurement is not None:
        groups = {g: list(c) for g, c in measurement.groups.items()}
        return summary_features(measurement.apply(target, recording=True), groups, spec), groups
    if groups is None:
        try:
            groups = groups_by_position(target.info)
        except ValueError:
            raise ValueError(
                "the recording has no channel positions to group its channels by; pass "
                "target_groups={'frontal': [...], 'central': [...], 'posterior': [...]}"
            ) from None
    return summary_features(target, groups, spec), {g: list(c) for g, c in groups.items()}


def check_forward(forward: Any, model: BrainModel) -> None:
    """The forward model must be built for the regions the brain simulates."""
    labels = getattr(forward, "region_labels", None)
    if labels is None or not hasattr(forward, "to_raw"):
        raise TypeError("forward must be a wholebrain Forward (wb.make_forward(connectome))")
    missing = sorted(set(model.region_labels) - set(labels))
    extra = sorted(set(labels) - set(model.region_labels))
    if missing or extra:
        raise ValueError(
            f"the forward model was built for other regions (the brain's {missing[:5]} are "
            f"missing, {extra[:5]} are extra); build it with wb.make_forward(model.connectome)"
        )


def features_digest(features: Mapping[str, float]) -> str:
    """A short name of target features, for a study's identity."""
    return hashlib.sha1(json.dumps(features, sort_keys=True).encode()).hexdigest()


class StudyRunner:
    """The shared part of a study (see the module docstring).

    Parameters
    ----------
    model : BrainModel
        The brain, with a connectome (its regions go through the forward model).
    what : str
        The study's name in errors (``"fitting EEG"``).
    fmt, key : str
        Journal format tag and the record field that identifies a run.
    record : path, optional
        The journal file (None keeps the records in memory).
    identity : dict
        What, beyond the model and the settings, identifies the study.
    duration, transient : float
        Simulated and dropped seconds per run.
    window_s : float
        The longest spectral window the study's features need, s.
    seed, scheduler, workers, threads, forward, build_dir
        As for :func:`wholebrain.studies.fit.fit`; ``forward=False`` for a study that
        measures no EEG (firing rates only).
    """

    def __init__(
        self,
        model: BrainModel,
        what: str,
        *,
        fmt: str,
        key: str,
        record: str | os.PathLike | None,
        identity: Mapping[str, Any],
        duration: float,
        transient: float,
        window_s: float,
        seed: int = 0,
        scheduler: str | None = None,
        workers: int = 2,
        threads: int = 1,
        forward: Any = None,
        build_dir: str | os.PathLike | None = None,
        measurement: Any = None,
    ) -> None:
        require_connectome(model, what)
        self.model = model
        self.duration_s, self.transient_s = check_times(duration, transient, window_s)
        self.seed = check_seed(seed)
        self.workers = check("workers", workers)
        self.threads = check("threads", threads)
        self.scheduler = scheduler
        self.build_dir = build_dir
        self.identity = json.loads(json.dumps({
            "model": model.describe(), **identity, "duration_s": self.duration_s,
            "transient_s": self.transient_s, "seed": self.seed,
        }))  # fmt: skip
        self.measurement = measurement
        if measurement is not None:
            self.identity["measurement"] = {
                "sensors": list(measurement.ch_names), "reference": measurement.reference,
                "mapping": measurement.mapping, "segment_s": measurement.segment_s,
            }  # fmt: skip
        if forward is None:
            from ..forward import make_forward

            forward = make_forward(model.connectome, sensors=measurement, verbose="error")
        self.forward = None if forward is False else forward  # False: firing rates, no EEG
        if forward is not False:
            check_forward(forward, model)
        if measurement is not None:
            missing = sorted(set(measurement.ch_names) - set(forward.ch_names))
            if missing:
                raise ValueError(
                    f"the forward model lacks {len(missing)} of the recording's channels (e.g. "
                    f"{missing[:3]}); build it with make_forward(con, sensors=measurement)"
                )
        scale = getattr(forward, "scale", None)
        # a calibrated dipole scale changes absolute features (absent for the default scale,
        # so records from before calibration stay valid)
        if scale is not None:
            self.identity["dipole_scale"] = (
                asdict(scale) if hasattr(scale, "area_cm2") else float(scale)
            )
        self.journal = Journal(record, self.identity, fmt, key=key)
        self._groups: dict[str, list[str]] | None = None
        self._brain: Any = None
        self._client: Any = None
        self._stack = contextlib.ExitStack()
        self.run_s: list[float] = []
        self.t_start = time.perf_counter()

    # ------------------------------------------------------------------ what runs need
    @property
    def sensor_groups(self) -> dict[str, list[str]]:
        """Frontal, central and posterior sensors of the forward model."""
        if self._groups is None:
            from ..analysis import groups_by_position

            m = self.measurement
            self._groups = (
                groups_by_position(self.forward.info)
                if m is None
                else {g: list(c) for g, c in m.groups.items()}
            )
        return self._groups

    def sensor_raw(self, result: Any) -> Any:
        """The sensor EEG of a run after the transient, measured as the recording is."""
        raw = self.forward.to_raw(result).crop(tmin=self.transient_s)
        return raw if self.measurement is None else self.measurement.apply(raw)

    def region_rates(self, result: Any) -> dict[str, list[float]]:
        """Mean rate per population and region after the transient, Hz (JSON-ready)."""
        rates = result.rates(self.transient_s)
        return {pop: [float(x) for x in r] for pop, r in rates.items()}

    def features(self, raw: Any, spec: FeatureSpec) -> dict[str, float]:
        """Summary features of sensor EEG, grouped like the forward model's sensors."""
        return summary_features(raw, self.sensor_groups, spec)

    @property
    def brain(self) -> Any:
        """The compiled brain (compiled on first use)."""
        if self._brain is None:
            from ..engine.cpp import compile_brain

            self._brain = compile_brain(
                self.model, self.duration_s, threads=self.threads, build_dir=self.build_dir,
                connectivity_seed=self.seed, lesions_as_zero=True,
            )  # fmt: skip
        return self._brain

    @property
    def compile_s(self) -> float:
        """Seconds this study compiled (0 when nothing ran or the binary was reused)."""
        return 0.0 if self._brain is None else float(self._brain.compile_s)

    # ------------------------------------------------------------------ running
    def __enter__(self) -> StudyRunner:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.close()
        self._client = None

    def run(
        self,
        changes: Sequence[Mapping[str, Any]],
        on_result: OnResult,
        progress: bool = False,
    ) -> None:
        """Run the compiled brain once per entry of ``changes`` (run fields of the model),
        as Dask tasks; ``on_result`` gets each run as it finishes, in this process."""
        if not changes:
            return
        from .parallel import dask_client, run_specs

        if self._client is None:  # an unreachable scheduler fails before the compile
            self._client = self._stack.enter_context(dask_client(self.scheduler, self.workers))
        specs = [self.brain.prepare(self.seed, **c) for c in changes]

        def finished(i: int, result: Any, run_s: float | None, error: Any) -> None:
            if run_s is not None:
                self.run_s.append(run_s)
            on_result(i, result, run_s, error)

        run_specs(self.brain, specs, self._client, finished, progress=progress)

    def timings(self, **extra: float) -> dict[str, float]:
        """``compile_s``, ``wall_s`` and ``run_s_mean`` (per run, in its worker)."""
        return {
            "compile_s": self.compile_s,
            "wall_s": time.perf_counter() - self.t_start,
            "run_s_mean": float(np.mean(self.run_s)) if self.run_s else float("nan"),
            **extra,
        }
