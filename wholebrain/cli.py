"""The ``wholebrain`` command line: ``run`` and ``info`` (``fit``, ``lesion`` and ``export``
arrive with the studies layer).

Settings come from flags or from a TOML file (``--config``), read as data with ``tomllib``;
flags given on the command line win over the file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

RUN_DEFAULTS: dict[str, Any] = {
    "atlas": "column",
    "gain": 1.0,
    "velocity": 3.0,
    "column": "soplata2023",
    "condition": "propofol",
    "duration": 10.0,
    "backend": "cpp",
    "seed": 1,
    "threads": 1,
    "out": "wholebrain-out",
    "set": [],
}


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="wholebrain", description="Whole-brain propofol models.")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate and write results and figures")
    run.add_argument("--config", help="TOML file with any of the settings below")
    run.add_argument(
        "--atlas",
        help="'column' (one column, the default for now), a shipped connectome (tvb76, ...) "
        "or a connectome file",
    )
    run.add_argument("--gain", type=float, help="global coupling of a brain (default 1)")
    run.add_argument("--velocity", type=float, help="conduction velocity, m/s (default 3)")
    run.add_argument("--column", help="column model (default soplata2023)")
    run.add_argument("--condition", help="named parameter set (default propofol)")
    run.add_argument("--duration", type=float, help="simulated seconds (default 10)")
    run.add_argument("--backend", help="runtime | cpp (default cpp)")
    run.add_argument("--seed", type=int, help="random seed (default 1)")
    run.add_argument("--threads", type=int, help="OpenMP threads for cpp (default 1)")
    run.add_argument("--out", help="output folder (default wholebrain-out)")
    run.add_argument(
        "--set",
        action="append",
        metavar="NAME=VALUE",
        help="override a model parameter, e.g. --set g_h=0.4 (repeatable)",
    )
    sub.add_parser("info", help="list column models, conditions, backends and atlases")
    return ap


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    settings = dict(RUN_DEFAULTS)
    if args.config:
        path = Path(args.config)
        if not path.exists():
            raise SystemExit(f"wholebrain: config file {path} does not exist")
        try:
            data = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as err:
            raise SystemExit(f"wholebrain: {path} is not valid TOML: {err}") from None
        unknown = sorted(set(data) - set(RUN_DEFAULTS) - {"parameters"})
        if unknown:
            raise SystemExit(
                f"wholebrain: unknown settings in {path}: {unknown}; "
                f"known: {sorted(RUN_DEFAULTS)} and a [parameters] table"
            )
        params = data.pop("parameters", {})
        settings.update(data)
        settings["set"] = [f"{k}={v}" for k, v in params.items()]
    for key in RUN_DEFAULTS:
        value = getattr(args, key, None)
        if value is not None:
            settings[key] = value if key != "set" else settings["set"] + value
    return settings


def _overrides(pairs: list[str]) -> dict[str, Any]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise SystemExit(f"wholebrain: --set expects NAME=VALUE, got {pair!r}")
        try:
            out[name.strip()] = json.loads(value)  # numbers, true/false, "strings"
        except json.JSONDecodeError:
            out[name.strip()] = value.strip()
    return out


def _model(settings: dict[str, Any]):
    """The BrainModel the settings describe (a ValueError for any bad setting)."""
    import wholebrain as wb

    overrides = _overrides(settings["set"])
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


def cmd_run(settings: dict[str, Any]) -> int:
    import wholebrain as wb
    from wholebrain.plotting import plot_column
    from wholebrain.simulate import check_run_settings

    try:
        model = _model(settings)
        check_run_settings(
            settings["duration"], 0.01, 0.1, settings["backend"], settings["threads"]
        )
    except (ValueError, TypeError, FileNotFoundError) as err:
        raise SystemExit(f"wholebrain: {err}") from None
    out = Path(settings["out"])
    out.mkdir(parents=True, exist_ok=True)
    what = "column" if model.connectome is None else f"{model.n_regions}-region brain"
    print(
        f"wholebrain: {settings['column']} {what}, condition {settings['condition']}, "
        f"{settings['duration']:g} s on {settings['backend']} (seed {settings['seed']})",
        flush=True,
    )
    t0 = time.perf_counter()
    res = wb.simulate(
        model,
        settings["duration"],
        seed=settings["seed"],
        backend=settings["backend"],
        threads=settings["threads"],
        progress=True,
    )
    written = [res.save(out / "result.npz"), *plot_column(res, out)]
    if model.connectome is not None:
        written += _sensor_eeg(model, res, out)
    rates = {k: round(float(v.mean()), 2) for k, v in res.rates().items()}
    (out / "settings.json").write_text(json.dumps(settings, indent=2))
    print(f"wholebrain: done in {time.perf_counter() - t0:.0f} s; mean rates (Hz) {rates}")
    print("wholebrain: wrote " + ", ".join(str(p) for p in written))
    return 0


def _sensor_eeg(model, res, out: Path) -> list[Path]:
    """Project region signals to the default head's sensors; FIF + figures."""
    import wholebrain as wb
    from wholebrain import export

    print("wholebrain: projecting to EEG sensors (default head model)", flush=True)
    fwd = wb.make_forward(model.connectome)
    raw = fwd.to_raw(res)
    paths = [export.export_raw(raw, out / "eeg_raw.fif", overwrite=True)]
    if raw.times[-1] >= 2.0:  # spectra need a few seconds of data
        paths.append(export.plot_psd_groups(raw, out / "eeg_psd.png"))
        paths.append(export.plot_band_topomap(raw, out / "eeg_alpha_topomap.png"))
    return paths


def cmd_info() -> int:
    import wholebrain as wb
    from wholebrain.simulate import BACKENDS

    for name in wb.columns.available():
        model = wb.columns.get(name)
        print(f"column model {name}: conditions {', '.join(model.conditions)}")
    print(f"backends: {', '.join(BACKENDS)}")
    print(f"atlases: column, {', '.join(wb.list_atlases())} (or a connectome file)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "info":
        return cmd_info()
    return cmd_run(_settings(args))


if __name__ == "__main__":
    sys.exit(main())
