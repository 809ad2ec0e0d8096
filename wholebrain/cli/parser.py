"""The argument parser of the ``wholebrain`` command and its subcommands."""

from __future__ import annotations

import argparse
from typing import Any

from .config import FIT_DEFAULTS, LESION_DEFAULTS, RUN_DEFAULTS


def _threads(text: str) -> int | str:
    """``--threads``: a whole number or ``auto``."""
    from wholebrain.engine.settings import is_auto

    if is_auto(text):
        return "auto"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number or auto, got {text!r}") from None


def _model_flags(p: argparse.ArgumentParser, defaults: dict[str, Any]) -> None:
    p.add_argument("--config", help="TOML file with any of these settings (flags win)")
    p.add_argument("--atlas", help="tvb76 (default), tvb192, ..., a connectome file, or "
                   "'column' for one uncoupled column")  # fmt: skip
    p.add_argument("--column", help="column model: soplata2023 (default), lif_ei, "
                   "izhikevich_stp")  # fmt: skip
    p.add_argument("--condition", help="named parameter set (default propofol)")
    p.add_argument("--gain", type=float, help="global long-range coupling (default 1)")
    p.add_argument("--velocity", type=float, help="conduction velocity, m/s (default 3)")
    p.add_argument("--seed", type=int, help="random seed (default 1)")
    p.add_argument("--duration", type=float,
                   help=f"simulated seconds (default {defaults['duration']:g})")  # fmt: skip
    p.add_argument("--threads", type=_threads,
                   help=f"OpenMP threads per run, or auto: the cores idle at the start "
                   f"(default {defaults['threads']})")  # fmt: skip
    p.add_argument("--out", help=f"output folder (default {defaults['out']})")
    p.add_argument("--build-dir", dest="build_dir", help="C++ project folder (default: "
                   "one per structure in the cache; a shared one on a cluster)")  # fmt: skip
    p.add_argument("--head", help="head model of the sensor EEG: default (tvb-data's BEM, "
                   "tvb atlases only), sphere (any atlas with MNI centres), or a "
                   "*-bem-sol.fif")  # fmt: skip
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="override a column parameter, e.g. --set g_h=0.4 (repeatable)")  # fmt: skip


def _study_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--transient", type=float, help="seconds dropped from each run (default 1)")
    p.add_argument("--workers", type=int, help="runs at the same time (default 2)")
    p.add_argument("--scheduler", help="Dask scheduler address (default: a local cluster)")


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``wholebrain run | fit | lesion | export | info``."""
    ap = argparse.ArgumentParser(prog="wholebrain", description="Whole-brain propofol models.")
    sub = ap.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="simulate; write results, sensor EEG, figures, report")
    _model_flags(run, RUN_DEFAULTS)
    run.add_argument("--backend", help="runtime | cpp | cuda (default cpp; see `info`)")
    run.add_argument("--checkpoint", help="folder keeping the full state after each chunk; "
                     "run again with it to resume a killed run (cpp)")  # fmt: skip
    run.add_argument("--chunk", type=float, help="simulated seconds between checkpoints")

    fit = sub.add_parser("fit", help="fit parameters to recorded EEG")
    _model_flags(fit, FIT_DEFAULTS)
    _study_flags(fit)
    fit.add_argument("--eeg", help="recorded EEG: any file MNE reads, or purdon:awake|low|high")
    fit.add_argument("--param", action="append", metavar="NAME=LOW:HIGH[:log]",
                     help="a fitted parameter and its bounds (repeatable; default "
                     "propofol_level=0:1, the wake -> propofol physiology), e.g. "
                     "propofol_level=0:1, propofol_dose=0.002:0.05:log, global_coupling=0:4, "
                     "g_h=0.005:0.4:log; NAME@SCOPE fits it in part of the brain only: "
                     "g_h@posterior=0.005:0.4:log (frontal/central/posterior, or "
                     "rV1+lV1)")  # fmt: skip
    fit.add_argument("--evaluations", type=int, help="number of evaluations (default 20)")
    fit.add_argument("--history", help="JSON-lines history; again to resume (default "
                     "<out>/fit_history.jsonl)")  # fmt: skip

    lesion = sub.add_parser("lesion", help="disconnect regions one by one; table of changes")
    _model_flags(lesion, LESION_DEFAULTS)
    _study_flags(lesion)
    lesion.add_argument("--regions", nargs="+", help="regions to lesion (default: all)")

    export = sub.add_parser("export", help="write sensor EEG as FIF, EDF, BrainVision or CSV")
    export.add_argument("source", help="a result.npz of `run`, or an EEG file MNE reads")
    export.add_argument("target", help="output file: .fif, .edf, .vhdr, .csv or .npz; "
                        "or ROOT/sub-LABEL[/ses-LABEL]: a recording (task propofol) of the "
                        "BIDS dataset at ROOT")  # fmt: skip
    export.add_argument("--overwrite", action="store_true", help="replace existing files")

    sub.add_parser("info", help="column models, conditions, backends, atlases, cache")
    return ap


__all__ = ["build_parser"]
