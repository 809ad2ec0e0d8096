"""Settings of the ``wholebrain`` commands: defaults, the TOML ``--config`` file, the flags.

The file is read as data with ``tomllib``, never evaluated; flags given on the command line win
over the file, the file wins over the defaults.
"""

from __future__ import annotations

import argparse
import json
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
    "head": "default",
}
RUN_DEFAULTS: dict[str, Any] = {
    **MODEL_DEFAULTS,
    "backend": "cpp",
    # the cores idle when the run starts (engine.settings.resolve_threads): threads that
    # share a core with another process stall each other at every step
    "threads": "auto",
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


#: settings whose values are text (a name, a path, an address)
_TEXT = ("atlas", "column", "condition", "build_dir", "backend", "checkpoint", "out",
         "scheduler", "eeg", "history", "head")  # fmt: skip
#: settings whose values are lists of text
_LISTS = ("set", "param", "regions")
#: numeric settings -> the name of their rule in wholebrain.validation
_NUMBERS = {"gain": "gain", "velocity": "velocity", "seed": "seed", "duration": "duration",
            "threads": "threads", "chunk": "chunk", "transient": "transient",
            "workers": "workers", "evaluations": "evaluations"}  # fmt: skip


def resolve_settings(command: str, args: argparse.Namespace) -> dict[str, Any]:
    """Settings of ``command``: its defaults, updated by ``--config`` then by the flags given.

    Every key of the file is used or refused, and every value, from the file or a flag, goes
    through the same checks as the Python API (:mod:`wholebrain.validation`) before anything
    is built.
    """
    defaults = DEFAULTS[command]
    settings = {k: (list(v) if isinstance(v, list) else v) for k, v in defaults.items()}
    if args.config:
        settings.update(_read_config(Path(args.config), defaults))
    for key in defaults:
        value = getattr(args, key, None)
        if value is None:
            continue
        if key in ("set", "param"):
            settings[key] = settings[key] + value
        else:
            settings[key] = value
    return {key: _checked(key, value, "--" + key.replace("_", "-")) for key, value in
            settings.items()}  # fmt: skip


def _read_config(path: Path, defaults: dict[str, Any]) -> dict[str, Any]:
    """The settings of a TOML file: every key used (``[parameters]`` joins ``set``) or
    refused."""
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
    for name, value in params.items():
        if isinstance(value, dict | list):
            raise UserError(f"{path}: [parameters] {name} must be one value, got {value!r}")
    out = {key: _checked(key, value, f"{path}: {key}") for key, value in data.items()}
    # a `set = [...]` list and a [parameters] table both apply (the table last)
    out["set"] = [*out.get("set", []), *(f"{k}={json.dumps(v)}" for k, v in params.items())]
    return out


def _checked(key: str, value: Any, where: str) -> Any:
    """``value`` of setting ``key``, checked; ``where`` names it in the error."""
    from wholebrain.engine.settings import is_auto
    from wholebrain.validation import check

    if value is None:
        return None
    if key in _LISTS:
        if (
            isinstance(value, str)
            or not isinstance(value, list)
            or not all(isinstance(v, str) for v in value)
        ):
            raise UserError(f'{where} must be a list of text, e.g. ["g_h=0.4"], got {value!r}')
        return list(value)
    if key in _TEXT:
        if not isinstance(value, str) or not value.strip():
            raise UserError(f"{where} must be text (a name or a path), got {value!r}")
        return value
    if key == "threads" and is_auto(value):
        return "auto"
    if key in _NUMBERS:
        try:
            return check(_NUMBERS[key], value)
        except ValueError as err:
            raise UserError(f"{where}: {err}") from None
    return value


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    """Column parameter overrides from ``--set NAME=VALUE`` pairs (values read as JSON if valid)."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
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
