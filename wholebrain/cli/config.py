"""Settings of the ``wholebrain`` commands: defaults, the TOML ``--config`` file, the flags.

The file is read as data with ``tomllib``, never evaluated; flags given on the command line win
over the file, the file wins over the defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import tomllib
from pathlib import Path
from typing import Any

#: settings shared by the commands that build a brain
MODEL_DEFAULTS: dict[str, Any] = {
    "atlas": "tvb76",
    "column": "soplata2023",
    "condition": "propofol",
    "gain": 1.0,
    "velocity": 3.0,
    "seed": 1,
    "duration": 10.0,
    "set": [],
    "build_dir": None,
}
RUN_DEFAULTS: dict[str, Any] = {
    **MODEL_DEFAULTS,
    "backend": "cpp",
    "threads": max(1, min(os.cpu_count() or 1, 16)),
    "checkpoint": None,
    "chunk": None,
    "out": "wholebrain-out",
}
STUDY_DEFAULTS: dict[str, Any] = {
    **MODEL_DEFAULTS,
    "transient": 1.0,
    "workers": 2,
    "threads": 1,
    "scheduler": None,
}
FIT_DEFAULTS: dict[str, Any] = {
    **STUDY_DEFAULTS,
    "eeg": None,
    "param": [],
    "evaluations": 20,
    "history": None,
    "out": "wholebrain-fit",
}
LESION_DEFAULTS: dict[str, Any] = {**STUDY_DEFAULTS, "regions": [], "out": "wholebrain-lesion"}
DEFAULTS = {"run": RUN_DEFAULTS, "fit": FIT_DEFAULTS, "lesion": LESION_DEFAULTS}


class UserError(Exception):
    """A mistake in the settings: printed as one line, exit status 2."""


def resolve_settings(command: str, args: argparse.Namespace) -> dict[str, Any]:
    """Settings of ``command``: its defaults, updated by ``--config`` then by the flags given."""
    defaults = DEFAULTS[command]
    settings = {k: (list(v) if isinstance(v, list) else v) for k, v in defaults.items()}
    if args.config:
        path = Path(args.config)
        if not path.is_file():
            raise UserError(f"config file {path} does not exist")
        try:
            data = tomllib.loads(path.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise UserError(f"{path} is not valid TOML: {err}") from None
        unknown = sorted(set(data) - set(defaults) - {"parameters"})
        if unknown:
            raise UserError(
                f"unknown settings in {path}: {unknown}; known: {sorted(defaults)} and a "
                "[parameters] table"
            )
        params = data.pop("parameters", {})
        if not isinstance(params, dict):
            raise UserError(f"{path}: [parameters] must be a table of NAME = value")
        settings.update(data)
        settings["set"] = [f"{k}={json.dumps(v)}" for k, v in params.items()]
    for key in defaults:
        value = getattr(args, key, None)
        if value is None:
            continue
        if key in ("set", "param"):
            settings[key] = settings[key] + value
        else:
            settings[key] = value
    return settings


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """Column parameter overrides from ``--set NAME=VALUE`` pairs (values read as JSON if valid)."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise UserError(f"--set expects NAME=VALUE, got {pair!r}")
        try:
            out[name.strip()] = json.loads(value)  # numbers, true/false, "strings"
        except json.JSONDecodeError:
            out[name.strip()] = value.strip()
    return out


__all__ = [
    "DEFAULTS",
    "FIT_DEFAULTS",
    "LESION_DEFAULTS",
    "MODEL_DEFAULTS",
    "RUN_DEFAULTS",
    "STUDY_DEFAULTS",
    "UserError",
    "parse_overrides",
    "resolve_settings",
]
