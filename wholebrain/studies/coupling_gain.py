"""The global coupling of a brain, fixed before a study by a stated criterion.

A whole-brain EEG study should not fit the coupling together with the drug: the two trade
against each other, and a coupling fitted per segment is one more free parameter per
segment. :func:`choose_coupling` fixes it beforehand, from the brain alone.

**Criterion: coupling keeps every region's firing within the single column's range.** The
reference is the same brain at ``global_coupling = 0``: every column alone, with its own
region overrides, the same seed; its regions span the range a single column fires in (over
regions, which at gain 0 are independent draws of the column, and over their differences).
A candidate gain passes when, at every checked ``propofol_level``, every population of every
region fires inside that range widened by a factor ``tolerance`` at both ends (rates under
``floor_hz`` count as ``floor_hz``, so a population that is nearly silent alone, such as the
wake TC cells, is not judged on a handful of spikes). "Range" and "every region" are taken
between the ``quantile`` and ``1 - quantile`` quantiles of the regions' rates (default 0.05:
at 76 regions about the fourth lowest and highest), on both sides alike: the extremes of one
short run are set by a few bistable columns (below) and flip from run to run.
The chosen gain is the largest candidate that passes, with every smaller candidate passing
too: the strongest coupling the columns carry without the long-range input driving them
where no column goes alone.

Why the range and not each region against itself: under propofol a column alternates
between up and down states about once a second, so the rate of one region in a short window
is bistable; a region compared with its own uncoupled run fails at any coupling (at 76
regions, 1 s: TC x16 and TRN x13 at gain 0.125), while the rates of the coupled brain stay
inside the uncoupled brain's range.

Every run is one run of the compiled brain (runs differ only in run fields), as Dask tasks;
with ``record`` each finished run is appended to a JSON-lines journal and a second call
replays it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..brain import BrainModel
from .parameters import model_changes
from .runner import StudyRunner, run_failure

__all__ = ["CouplingChoice", "choose_coupling"]

_FORMAT = "wholebrain.coupling-choice/1"


@dataclass
class CouplingChoice:
    """The chosen gain and what every run measured.

    Attributes
    ----------
    gain : float
        The largest candidate that passed (0 when none did).
    records : list of dict
        Per run: ``level``, ``gain``, ``status``, ``rates_hz`` (population -> rate per
        region), ``ratio`` (population -> the factor by which the coupled rates' quantiles lie
        outside the uncoupled range's, 1 inside, after the floor) and ``passed``.
    tolerance, floor_hz, quantile : float
        The criterion's settings.
    """

    gain: float
    records: list[dict]
    tolerance: float
    floor_hz: float
    quantile: float = 0.0

    def to_table(self) -> str:
        """Plain text: per level and gain, the worst factor per population and the verdict."""
        pops = sorted({p for r in self.records for p in r.get("ratio", {})})
        lines = [
            f"global coupling: the largest gain whose region rates stay within the uncoupled "
            f"brain's range, x{self.tolerance:g} either way (floor {self.floor_hz:g} Hz, "
            f"quantiles {self.quantile:g}-{1 - self.quantile:g} of the regions): "
            f"{self.gain:g}",
            f"  {'level':>5} {'gain':>6}" + "".join(f" {p:>6}" for p in pops) + "  verdict",
        ]
        for r in self.records:
            cells = "".join(f" {r['ratio'].get(p, float('nan')):>6.2f}" for p in pops)
            verdict = "reference" if r["gain"] == 0 else ("ok" if r["passed"] else "fails")
            if r["status"] != "ok":
                verdict = r["status"]
            lines.append(f"  {r['level']:>5g} {r['gain']:>6g}{cells}  {verdict}")
        return "\n".join(lines)


def choose_coupling(
    model: BrainModel,
    gains: Sequence[float] = (0.5, 1.0, 2.0),
    *,
    levels: Sequence[float] = (0.0, 1.0),
    tolerance: float = 1.25,
    floor_hz: float = 1.0,
    quantile: float = 0.05,
    duration: float = 3.0,
    transient: float = 0.5,
    seed: int = 0,
    record: str | os.PathLike | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    threads: int = 1,
    build_dir: str | os.PathLike | None = None,
    progress: bool = True,
) -> CouplingChoice:
    """Pick the global coupling of ``model`` by the firing-rate criterion (module docstring).

    Parameters
    ----------
    model : BrainModel
        The brain (with a connectome); its own ``global_coupling`` is not used.
    gains : sequence of float
        Candidate gains (> 0); gain 0 is always run as the reference.
    levels : sequence of float
        ``propofol_level`` values at which the criterion must hold.
    tolerance : float
        Factor (> 1) by which a coupled rate may lie outside the uncoupled range.
    floor_hz : float
        Rates below this count as this, Hz.
    quantile : float
        The range and the coupled rates are compared between this quantile of the regions
        and ``1 - quantile`` (0: the lowest and highest region), in [0, 0.5).
    duration, transient : float
        Seconds simulated and dropped per run.
    seed, record, scheduler, workers, threads, build_dir, progress
        As for :func:`wholebrain.studies.scan.scan` (``record``: the runs' journal).
    """
    gains = sorted({float(g) for g in gains})
    if not gains or gains[0] <= 0:
        raise ValueError(f"candidate gains must be positive, got {gains}")
    if not levels:
        raise ValueError("give at least one propofol_level to check the criterion at")
    if not tolerance > 1:
        raise ValueError(f"tolerance is a factor and must be > 1, got {tolerance}")
    if not floor_hz > 0:
        raise ValueError(f"floor_hz must be positive, got {floor_hz}")
    if not 0 <= quantile < 0.5:
        raise ValueError(f"quantile must lie in [0, 0.5), got {quantile}")
    runs = [(float(lv), g) for lv in levels for g in (0.0, *gains)]
    runner = StudyRunner(
        model.replace(global_coupling=max(gains)), "choosing the global coupling",
        fmt=_FORMAT, key="run", record=record,
        identity={"runs": runs},  # tolerance and floor only judge: a journal serves any
        duration=duration, transient=transient, window_s=0.0, seed=seed,
        scheduler=scheduler, workers=workers, threads=threads, build_dir=build_dir,
        forward=False,
    )  # fmt: skip
    log = runner.journal
    todo = [i for i in range(len(runs)) if i not in log.records]

    def finished(j: int, result, run_s, error) -> None:
        i = todo[j]
        level, gain = runs[i]
        rec = {"run": i, "level": level, "gain": gain, "status": "ok", "rates_hz": {},
               "run_s": run_s, "error": None}  # fmt: skip
        failed = run_failure(result, error)
        if failed is not None:
            rec.update(failed)
        else:
            rec["rates_hz"] = runner.region_rates(result)
        log.add(rec)
        if progress:
            print(f"wholebrain: coupling run {len(log.records)} of {len(runs)} "
                  f"(level {level:g}, gain {gain:g}): {rec['status']}",
                  file=sys.stderr, flush=True)  # fmt: skip

    with runner:
        changes = [model_changes(model, {"propofol_level": lv, "global_coupling": g})
                   for lv, g in (runs[i] for i in todo)]  # fmt: skip
        runner.run(changes, finished)
    records = [dict(log.records[i]) for i in range(len(runs))]
    return _judge(records, gains, tolerance, floor_hz, quantile)


def _judge(
    records: list[dict],
    gains: list[float],
    tolerance: float,
    floor_hz: float,
    quantile: float = 0.0,
) -> CouplingChoice:
    """Fill in ``ratio`` and ``passed`` and pick the gain (see the module docstring)."""
    reference = {r["level"]: r for r in records if r["gain"] == 0}
    lo, hi = quantile, 1.0 - quantile
    passing = set(gains)
    for r in records:
        ref = reference[r["level"]]
        r["ratio"], r["passed"] = {}, False
        if r["status"] != "ok" or ref["status"] != "ok":
            passing.discard(r["gain"])
            continue
        for pop, rates in r["rates_hz"].items():
            a = np.maximum(np.asarray(rates), floor_hz)
            b = np.maximum(np.asarray(ref["rates_hz"][pop]), floor_hz)
            above = np.quantile(a, hi) / np.quantile(b, hi)
            below = np.quantile(b, lo) / np.quantile(a, lo)
            r["ratio"][pop] = float(max(above, below, 1.0))
        r["passed"] = bool(max(r["ratio"].values(), default=1.0) <= tolerance)
        if not r["passed"]:
            passing.discard(r["gain"])
    # a gain above one that fails does not count: the criterion asks for a range from 0 up
    chosen = 0.0
    for g in gains:
        if g not in passing:
            break
        chosen = g
    return CouplingChoice(gain=chosen, records=records, tolerance=tolerance, floor_hz=floor_hz,
                          quantile=quantile)  # fmt: skip
