"""Lesion studies: disconnect each region in turn and measure what changes in the EEG.

One compiled brain runs the intact model and one model per lesioned region, every run a Dask
task (:mod:`wholebrain.studies.runner`, the same path as a fit). A lesion here is
:meth:`BrainModel.disconnect`: all long-range synapses of the region get weight 0 while its
column keeps running, so every run shares one compiled binary. (Removing a region's column
changes the network's structure and would need a compilation per region; run those with
:func:`wholebrain.simulate` and ``model.remove(region)``.)

Every run gives the summary features of :mod:`wholebrain.objective` on sensor EEG (relative
band power per sensor group, alpha peak, anteriorization) plus one region-level,
coupling-dependent feature, ``region_correlation``: the mean pairwise correlation of the
EEG proxies of the regions that were not lesioned. The table compares each lesion with the
intact brain; :meth:`LesionStudy.ranking` orders regions by the size of their effect.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..brain import BrainModel
from ..objective import FeatureSpec
from ..spectrum import ALPHA_BAND
from .runner import StudyRunner, run_failure

INTACT = "intact"
REGION_CORRELATION = "region_correlation"
_FORMAT = "wholebrain.lesion-study/1"


def region_correlation(proxy: np.ndarray, keep: Sequence[int] | None = None) -> float:
    """Mean off-diagonal correlation of region signals ``(n_regions, n_samples)`` (rows in
    ``keep`` only); NaN with fewer than two regions or a flat signal."""
    x = np.asarray(proxy, float)
    if keep is not None:
        x = x[list(keep)]
    if len(x) < 2 or np.any(x.std(axis=1) == 0):
        return float("nan")
    c = np.corrcoef(x)
    return float(c[~np.eye(len(c), dtype=bool)].mean())


@dataclass
class LesionStudy:
    """Features of the intact brain and of each lesion.

    Attributes
    ----------
    regions : tuple of str
        Lesioned regions, in the order asked.
    features : dict of str to dict
        ``features[INTACT]`` and ``features[region]``: feature name -> value.
    channel_alpha_db : dict of str to ndarray
        Per run, relative alpha power per sensor (dB re the 0.1-30 Hz total).
    info : mne.Info
        Sensors of the forward model (topomaps).
    spec : FeatureSpec
    timings : dict
        ``compile_s``, ``wall_s``, ``run_s_mean``, ``runs``.
    failed : dict of str to str
        Runs that failed, with why.
    """

    regions: tuple[str, ...]
    features: dict[str, dict[str, float]]
    channel_alpha_db: dict[str, np.ndarray]
    info: Any
    spec: FeatureSpec
    timings: dict[str, float] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    #: key of the intact brain's run in ``features`` and ``channel_alpha_db``
    INTACT: ClassVar[str] = INTACT

    def changes(self) -> list[dict[str, Any]]:
        """One row per lesioned region and feature: intact, lesioned and change."""
        base = self.features[INTACT]
        rows = []
        for region in self.regions:
            if region not in self.features:
                continue
            for name, value in self.features[region].items():
                feature, _, group = name.partition("[")
                rows.append({
                    "region": region, "feature": feature, "group": group.rstrip("]") or "all",
                    "intact": base[name], "lesioned": value, "change": value - base[name],
                })  # fmt: skip
        return rows

    def effect(self, region: str) -> float:
        """Size of a lesion's effect: RMS over features of the change, each in units of
        the spec's scale (3 dB, 1 Hz; 0.1 for the correlation)."""
        terms = []
        for row in self.changes():
            if row["region"] != region or not np.isfinite(row["change"]):
                continue
            if row["feature"] == REGION_CORRELATION:
                scale = 0.1
            elif row["feature"] == "alpha_peak":
                scale = self.spec.hz_scale
            else:
                scale = self.spec.db_scale
            terms.append(row["change"] / scale)
        return float(np.sqrt(np.mean(np.square(terms)))) if terms else float("nan")

    def ranking(self, feature: str | None = None) -> list[tuple[str, float]]:
        """Regions by decreasing effect: :meth:`effect`, or ``|change|`` of one feature
        (a name of :meth:`changes`, e.g. ``"region_correlation"`` or ``"alpha[frontal]"``)."""
        out = []
        for region in self.regions:
            if region not in self.features:
                continue
            if feature is None:
                out.append((region, self.effect(region)))
            else:
                if feature not in self.features[region]:
                    raise ValueError(
                        f"unknown feature {feature!r}; have {list(self.features[region])}"
                    )
                out.append(
                    (region, abs(self.features[region][feature] - self.features[INTACT][feature]))
                )
        return sorted(out, key=lambda kv: -np.nan_to_num(kv[1], nan=-np.inf))

    def to_table(self, top: int | None = None) -> str:
        """Plain text: regions by effect, with each feature's change."""
        names = list(self.features[INTACT])
        head = ["region", "effect", *names]
        body = [["intact", "", *(f"{self.features[INTACT][n]:.3g}" for n in names)]]
        for region, eff in self.ranking()[:top]:
            feats = self.features[region]
            base = self.features[INTACT]
            body.append([region, f"{eff:.3g}", *(f"{feats[n] - base[n]:+.3g}" for n in names)])
        widths = [max(len(str(r[i])) for r in [head, *body]) for i in range(len(head))]
        fmt = "  ".join(f"{{:<{w}}}" for w in widths)
        return "\n".join(fmt.format(*r) for r in [head, *body])

    def to_csv(self, path: str | os.PathLike) -> Path:
        """The rows of :meth:`changes` as CSV."""
        path = Path(path)
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(
                f, fieldnames=["region", "feature", "group", "intact", "lesioned", "change"]
            )
            w.writeheader()
            w.writerows(self.changes())
        return path

    def plot(self, folder: str | os.PathLike, top: int = 4) -> list[Path]:
        """Effect per region (bars) and topomaps of the change in relative alpha power for
        the ``top`` regions with the largest effect."""
        from .lesion_plots import plot_effects, plot_topomap_changes

        folder = Path(folder)
        return [plot_effects(self, folder / "lesion_effects.png"),
                plot_topomap_changes(self, folder / "lesion_topomaps.png", top)]  # fmt: skip


def _channel_alpha_db(raw: Any, window_s: float) -> np.ndarray:
    from ..spectrum import as_data, band_power, spectrum_of, to_db

    data, sfreq, names = as_data(raw, None)
    welch = spectrum_of(data, sfreq, names, "welch", fmax=31.0, window_s=window_s)
    p = band_power(welch, {"a": ALPHA_BAND, "t": (0.1, 30.0)})
    return to_db(p["a"]) - to_db(p["t"])


def _lesion(model: BrainModel, run: str) -> dict[str, Any]:
    """The run fields of the intact brain or of disconnecting region ``run``."""
    return {} if run == INTACT else {"disconnected": (*model.disconnected, run)}


def lesion_study(
    model: BrainModel,
    regions: Sequence[str] | None = None,
    *,
    duration: float = 10.0,
    transient: float = 1.0,
    seed: int = 0,
    features: FeatureSpec | None = None,
    scheduler: str | None = None,
    workers: int = 2,
    threads: int = 1,
    forward: Any = None,
    build_dir: str | os.PathLike | None = None,
    record: str | os.PathLike | None = None,
    progress: bool = True,
) -> LesionStudy:
    """Disconnect each of ``regions`` in turn and compare the EEG with the intact brain's.

    Parameters
    ----------
    model : BrainModel
        The intact brain (with a connectome and ``global_coupling`` > 0).
    regions : sequence of str, optional
        Regions to lesion (default: every region).
    duration, transient : float
        Simulated seconds per run, and seconds dropped from its start.
    seed : int
        The same seed for every run (differences come from the lesion, not the noise).
    features : FeatureSpec, optional
        Sensor features (default: relative band power per group, alpha peak,
        anteriorization; 4 s Welch windows).
    scheduler, workers, threads
        As in :func:`wholebrain.studies.fit.fit`.
    forward : Forward, optional
        Lead field of ``model.connectome`` (default :func:`wholebrain.make_forward`).
    build_dir : path, optional
        C++ project folder.
    record : path, optional
        JSON-lines file receiving each run's features as it finishes; a study started again
        with it runs only what is missing.
    progress : bool
        A line per finished run.
    """
    if model.connectome is None or model.n_regions < 2:
        raise ValueError("a lesion study needs a brain of at least two connected regions")
    if not model.global_coupling > 0:
        raise ValueError("global_coupling is 0: disconnecting a region would change nothing")
    if isinstance(regions, str):  # one region, not its letters
        regions = (regions,)
    regions = tuple(model.region_labels if regions is None else regions)
    model._check_labels("lesion_study regions", regions)
    if len(set(regions)) != len(regions):
        raise ValueError("each region may be lesioned once")
    if model.removed:
        raise ValueError("give the intact model (no removed regions)")
    spec = features or FeatureSpec()
    runner = StudyRunner(
        model, "a lesion study", fmt=_FORMAT, key="run", record=record,
        identity={"features": spec.to_dict()}, duration=duration, transient=transient,
        window_s=spec.window_s, seed=seed, scheduler=scheduler, workers=workers,
        threads=threads, forward=forward, build_dir=build_dir,
    )  # fmt: skip
    journal = runner.journal
    labels = model.region_labels
    runs = [INTACT, *regions]
    transient_s = runner.transient_s

    def finished(i, result, run_s, error):
        run = todo[i]
        rec: dict[str, Any] = {"run": run, "run_s": run_s, "error": None}
        failed = run_failure(result, error)
        if failed is not None:
            rec["error"] = failed["error"]
        else:
            raw = runner.sensor_raw(result)
            feats = runner.features(raw, spec)
            keep = [k for k, lab in enumerate(labels) if lab != run]
            n0 = int(round(transient_s * result.proxy_sfreq))
            feats[REGION_CORRELATION] = region_correlation(result.eeg_proxy[:, n0:], keep)
            rec["features"] = feats
            rec["channel_alpha_db"] = _channel_alpha_db(raw, spec.window_s).tolist()
        journal.add(rec)
        if progress:
            print(f"wholebrain: lesion run {run} {'failed' if rec['error'] else 'done'}",
                  file=sys.stderr, flush=True)  # fmt: skip

    todo = [r for r in runs if r not in journal.records]
    with runner:  # a finished study read back from its record needs no brain at all
        runner.run([_lesion(model, r) for r in todo], finished, progress=progress)
    recs = journal.records
    if recs[INTACT].get("error"):
        raise RuntimeError(f"the intact brain's run failed: {recs[INTACT]['error']}")
    return LesionStudy(
        regions=regions,
        features={r: recs[r]["features"] for r in runs if not recs[r].get("error")},
        channel_alpha_db={
            r: np.asarray(recs[r]["channel_alpha_db"]) for r in runs if not recs[r].get("error")
        },  # fmt: skip
        info=runner.forward.info,
        spec=spec,
        timings=runner.timings(runs=len(runner.run_s)),
        failed={r: recs[r]["error"] for r in runs if recs[r].get("error")},
    )
