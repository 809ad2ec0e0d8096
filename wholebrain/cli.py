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
    "column": "soplata2023",
    "condition": "propofol",
    "duration": 10.0,
    "backend": "cpp",
    "seed": 1,
    "threads": 1,
    "out": "wholebrain-out",
    "set": [],
}
ATLASES_NOW = ("column",)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="wholebrain", description="Whole-brain propofol models.")
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="simulate and write results and figures")
    run.add_argument("--config", help="TOML file with any of the settings below")
    run.add_argument("--atlas", help="'column' (one column; default for now)")
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


def cmd_run(settings: dict[str, Any]) -> int:
    import wholebrain as wb
    from wholebrain.plotting import plot_column
    from wholebrain.simulate import check_run_settings

    if settings["atlas"] not in ATLASES_NOW:
        raise SystemExit(
            f"wholebrain: --atlas {settings['atlas']!r} is not available yet; "
            f"available: {', '.join(ATLASES_NOW)}"
        )
    try:
        model = wb.BrainModel.single_column(
            settings["column"], settings["condition"], **_overrides(settings["set"])
        )
        check_run_settings(
            settings["duration"], 0.01, 0.1, settings["backend"], settings["threads"]
        )
    except (ValueError, TypeError) as err:
        raise SystemExit(f"wholebrain: {err}") from None
    out = Path(settings["out"])
    out.mkdir(parents=True, exist_ok=True)
    print(
        f"wholebrain: {settings['column']} column, condition {settings['condition']}, "
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
    path = res.save(out / "result.npz")
    figures = plot_column(res, out)
    rates = {k: round(float(v[0]), 2) for k, v in res.rates().items()}
    (out / "settings.json").write_text(json.dumps(settings, indent=2))
    print(f"wholebrain: done in {time.perf_counter() - t0:.0f} s; rates (Hz) {rates}")
    print(f"wholebrain: wrote {path}, " + ", ".join(str(p) for p in figures))
    return 0


def cmd_info() -> int:
    import wholebrain as wb
    from wholebrain.simulate import BACKENDS

    for name in wb.columns.available():
        model = wb.columns.get(name)
        print(f"column model {name}: conditions {', '.join(model.conditions)}")
    print(f"backends: {', '.join(BACKENDS)}")
    print(f"atlases: {', '.join(ATLASES_NOW)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "info":
        return cmd_info()
    return cmd_run(_settings(args))


if __name__ == "__main__":
    sys.exit(main())
