"""The ``wholebrain`` commands: each builds what its settings describe and calls the library.

Library modules are imported inside the commands that need them, so each command loads only
what it uses.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .config import UserError, parse_overrides


def _model(settings: dict[str, Any]):
    """The BrainModel the settings describe."""
    import wholebrain as wb

    overrides = parse_overrides(settings["set"])
    if settings["atlas"] == "column":
        return wb.BrainModel.single_column(settings["column"], settings["condition"], **overrides)
    con = wb.load_connectome(settings["atlas"])
    return wb.BrainModel(
        con,
        column=settings["column"],
        condition=settings["condition"],
        global_coupling=settings["gain"],
        velocity=settings["velocity"],
        overrides=overrides,
    )


def _forward(settings: dict[str, Any], model: Any, sensors: Any = None) -> Any:
    """The forward model of ``--head`` for the brain's regions (and a recording's sensors)."""
    import wholebrain as wb

    return wb.make_forward(model.connectome, head=settings["head"], sensors=sensors)


def _say(text: str) -> None:
    print(f"wholebrain: {text}", flush=True)


def _out(settings: dict[str, Any]) -> Path:
    out = Path(settings["out"])
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    return out


# ---------------------------------------------------------------------------- run
def cmd_run(settings: dict[str, Any]) -> int:
    import wholebrain as wb
    from wholebrain.engine.settings import RunSettings
    from wholebrain.plotting import plot_column
    from wholebrain.report import write_report

    model = _model(settings)
    auto = settings["threads"] == "auto"
    checked = RunSettings.for_model(model, settings["duration"], backend=settings["backend"],
                                    threads=settings["threads"])  # fmt: skip
    settings = {**settings, "threads": checked.threads}  # "auto": the cores idle now
    # the head model before the run: a bad --head fails before anything is compiled
    fwd = _forward(settings, model) if model.connectome is not None else None
    out = _out(settings)
    what = "one column" if model.connectome is None else f"{model.n_regions}-region brain"
    _say(
        f"{settings['column']} {what}, condition {settings['condition']}, "
        f"{settings['duration']:g} s on {settings['backend']} ({settings['threads']} threads"
        f"{' = idle cores' if auto else ''}, seed {settings['seed']})"
    )
    t0 = time.perf_counter()
    extra = {}
    if settings["checkpoint"]:
        extra = {"checkpoint": settings["checkpoint"], "chunk": settings["chunk"]}
    elif settings["chunk"] is not None:
        raise UserError("--chunk is the interval between checkpoints; give --checkpoint too")
    res = wb.simulate(model, settings["duration"], seed=settings["seed"],
                      backend=settings["backend"], threads=settings["threads"], progress=True,
                      build_dir=settings["build_dir"], **extra)  # fmt: skip
    written = [res.save(out / "result.npz"), *plot_column(res, out)]
    figures = [(p.stem.replace("_", " "), p) for p in written[1:]]
    if model.connectome is not None:
        eeg = _sensor_eeg(fwd, res, out)
        written += eeg
        figures += [(p.stem.replace("_", " "), p) for p in eeg if p.suffix == ".png"]
    rates = {k: round(float(v.mean()), 2) for k, v in res.rates().items()}
    (out / "settings.json").write_text(json.dumps(settings, indent=2))
    prov = {k: res.provenance.get(k) for k in ("wholebrain", "brian2", "timings")}
    report = write_report(out / "report.html", f"wholebrain run: {what}",
                          {**settings, "mean rates (Hz)": rates, **prov}, figures)  # fmt: skip
    _say(f"done in {time.perf_counter() - t0:.0f} s; mean rates (Hz) {rates}")
    _say("wrote " + ", ".join(str(p) for p in [*written, report]))
    return 0


def _sensor_eeg(fwd, res, out: Path) -> list[Path]:
    """Project region signals to the forward model's sensors; FIF + figures."""
    from wholebrain import export, sensor_plots

    _say(f"projecting to EEG sensors ({fwd.head} head model)")
    raw = fwd.to_raw(res)
    paths = [export.export_raw(raw, out / "eeg_raw.fif", overwrite=True)]
    if raw.times[-1] >= 1.0:  # spectra (256-sample Welch windows) need about a second
        paths.append(sensor_plots.plot_psd_groups(raw, out / "eeg_psd.png"))
        paths.append(sensor_plots.plot_band_topomap(raw, out / "eeg_alpha_topomap.png"))
    return paths


# ---------------------------------------------------------------------------- fit
def _target(spec: str | None):
    """(raw, groups) of ``--eeg``."""
    from wholebrain.analysis import groups_by_position, read_eeg

    if not spec:
        raise UserError("fit needs --eeg: an EEG file MNE reads, or purdon:awake|low|high")
    if spec.startswith("purdon:"):
        from wholebrain.recorded import load_purdon, purdon_groups

        try:
            raw = load_purdon(spec.split(":", 1)[1])
        except FileNotFoundError as err:
            raise UserError(str(err)) from None
        return raw, purdon_groups(raw)
    raw = read_eeg(spec)
    raw.pick("eeg", exclude="bads")
    try:
        return raw, groups_by_position(raw.info)
    except ValueError:
        pass
    raw.set_montage("standard_1005", match_case=False, on_missing="ignore", verbose=False)
    try:
        return raw, groups_by_position(raw.info)
    except ValueError:
        raise UserError(
            f"{spec}: its channels have no positions and are not 10-05 names, so they cannot "
            "be grouped into frontal/central/posterior; set a montage and save it as FIF"
        ) from None


#: what ``wholebrain fit`` fits without ``--param``
DEFAULT_FIT_PARAMETER = "propofol_level=0:1"


def cmd_fit(settings: dict[str, Any]) -> int:
    from wholebrain.measurement import measurement_of
    from wholebrain.report import write_report
    from wholebrain.studies.fit import FitParameter, check_parameters, fit

    model = _model(settings)
    # the default drug axis: the wake -> propofol physiology of the column model
    params = [FitParameter.parse(p) for p in settings["param"] or [DEFAULT_FIT_PARAMETER]]
    check_parameters(model, params)
    raw, groups = _target(settings["eeg"])
    # the recording's own measurement: the forward gets its sensors, both sides its
    # reference, groups and segment
    measured = measurement_of(raw, groups=groups)
    out = _out(settings)
    history = settings["history"] or out / "fit_history.jsonl"
    _say(
        f"fitting {', '.join(p.name for p in params)} of the {model.n_regions}-region "
        f"{settings['column']} brain to {settings['eeg']}: {settings['evaluations']} "
        f"evaluations of {settings['duration']:g} s, {settings['workers']} at a time"
    )
    result = fit(
        model, params, raw, target_groups=groups, duration=settings["duration"],
        transient=settings["transient"], n_evaluations=settings["evaluations"],
        seed=settings["seed"], history=history, scheduler=settings["scheduler"],
        workers=settings["workers"], threads=settings["threads"],
        build_dir=settings["build_dir"], forward=_forward(settings, model, measured),
        measurement=measured,
    )  # fmt: skip
    table = result.to_table()
    print(table, flush=True)
    summary = {"best": result.best, "best_value": result.best_value,
               "best_features": result.best_features, "target": result.target,
               "timings": result.timings}  # fmt: skip
    (out / "fit.json").write_text(json.dumps(summary, indent=2))
    (out / "settings.json").write_text(json.dumps(settings, indent=2, default=str))
    figures = result.plot(out, raw)
    from wholebrain import export

    best_fif = export.export_raw(result.best_raw, out / "best_eeg_raw.fif", overwrite=True)
    written = [out / "fit.json", Path(history), *figures, best_fif]
    report = write_report(out / "report.html", "wholebrain fit", settings,
                          [(p.stem.replace("_", " "), p) for p in figures],
                          [("Best parameters and features", table)])  # fmt: skip
    _say("wrote " + ", ".join(str(p) for p in [*written, report]))
    return 0


# ---------------------------------------------------------------------------- lesion
def cmd_lesion(settings: dict[str, Any]) -> int:
    from wholebrain.report import write_report
    from wholebrain.studies.lesion import lesion_study

    model = _model(settings)
    regions = settings["regions"] or None
    if regions is not None:
        model._check_labels("--regions", regions)
    out = _out(settings)
    n = model.n_regions if regions is None else len(regions)
    _say(f"lesion study: {n} regions of the {model.n_regions}-region brain, "
         f"{settings['duration']:g} s per run, {settings['workers']} at a time")  # fmt: skip
    study = lesion_study(
        model, regions, duration=settings["duration"], transient=settings["transient"],
        seed=settings["seed"], scheduler=settings["scheduler"], workers=settings["workers"],
        threads=settings["threads"], record=out / "lesion_runs.jsonl",
        build_dir=settings["build_dir"], forward=_forward(settings, model),
    )  # fmt: skip
    table = study.to_table(top=20)
    print(table, flush=True)
    written = [study.to_csv(out / "lesion.csv"), *study.plot(out)]
    (out / "settings.json").write_text(json.dumps(settings, indent=2, default=str))
    report = write_report(out / "report.html", "wholebrain lesion study", settings,
                          [(p.stem.replace("_", " "), p) for p in written[1:]],
                          [("Largest effects", table)])  # fmt: skip
    if study.failed:
        _say(f"{len(study.failed)} runs failed: {study.failed}")
    _say("wrote " + ", ".join(str(p) for p in [*written, out / "lesion_runs.jsonl", report]))
    return 0


# ---------------------------------------------------------------------------- export
def cmd_export(source: str, target: str, overwrite: bool) -> int:
    from wholebrain import export
    from wholebrain.analysis import read_eeg

    src = Path(source)
    if not src.is_file():
        raise UserError(f"{src} does not exist")
    if src.suffix == ".npz":
        raw = _raw_of_result(src)
    else:
        raw = read_eeg(src)
    # a target ROOT/sub-<label>[/ses-<label>] is a recording of the BIDS dataset at ROOT
    dest = Path(target)
    ses = dest.name if dest.name.startswith("ses-") else None
    sub = dest.parent.name if ses else dest.name
    try:
        if sub.startswith("sub-") and not dest.suffix:
            from wholebrain.bids import export_bids

            root = dest.parent.parent if ses else dest.parent
            path = export_bids(raw, root, sub[4:], ses and ses[4:], overwrite=overwrite).fpath
        else:
            path = export.export_raw(raw, target, overwrite=overwrite)
    except OSError as err:  # a target folder that is missing, a file, or not writable
        raise UserError(str(err)) from None
    _say(f"wrote {path} ({len(raw.ch_names)} channels, {raw.times[-1]:.3g} s, "
         f"{raw.info['sfreq']:g} Hz)")  # fmt: skip
    return 0


def _raw_of_result(path: Path):
    import wholebrain as wb

    try:
        res = wb.load_result(path)
    except Exception as err:  # numpy/zipfile raise many kinds for a file that is not ours
        raise UserError(f"{path} is not a wholebrain result ({type(err).__name__})") from None
    name = res.provenance.get("coupling", {}).get("connectome")
    if not name:
        raise UserError(f"{path} holds uncoupled columns (no atlas): no sensor EEG to export")
    try:
        con = wb.load_connectome(name).subset(res.region_labels)
    except ValueError as err:
        raise UserError(f"cannot rebuild the atlas {name!r} of {path}: {err}") from None
    _say(f"projecting {path} through the default head model of {name}")
    return wb.make_forward(con).to_raw(res)


# ---------------------------------------------------------------------------- info
def cmd_info() -> int:
    import wholebrain as wb
    from wholebrain.cache import cache_dir
    from wholebrain.engine.settings import backend_status

    print("column models:")
    for name in wb.columns.available():
        model = wb.columns.get(name)
        print(f"  {name}: conditions {', '.join(model.conditions)}")
    print("backends:")
    for name, why in backend_status().items():
        print(f"  {name}: {'available' if why is None else 'not available: ' + why}")
    print("atlases (or a connectome file, or 'column'):")
    for name in wb.list_atlases():
        try:
            n = wb.load_connectome(name).n_regions
            print(f"  {name}: {n} regions")
        except Exception as err:  # an atlas whose data are missing: say so, keep listing
            print(f"  {name}: not loadable here ({type(err).__name__}: {err})")
    print(f"cache folder: {cache_dir()} (set WHOLEBRAIN_CACHE to move it)")
    return 0


COMMANDS: dict[str, Callable[[dict[str, Any]], int]] = {
    "run": cmd_run,
    "fit": cmd_fit,
    "lesion": cmd_lesion,
}


__all__ = ["COMMANDS", "cmd_export", "cmd_fit", "cmd_info", "cmd_lesion", "cmd_run"]
