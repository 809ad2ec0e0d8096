"""The ``wholebrain`` command line: ``run``, ``fit``, ``lesion``, ``export`` and ``info``.

Settings come from flags or from a TOML file (``--config``, read as data with ``tomllib``,
never evaluated); flags given on the command line win over the file. Every user mistake ends
the program with one line, ``wholebrain: <what is wrong>``, before anything long starts.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from .commands import COMMANDS, cmd_export, cmd_info
from .config import UserError, resolve_settings
from .parser import build_parser


def main(argv: list[str] | None = None) -> int:
    """Run ``wholebrain`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    args = build_parser().parse_args(argv)
    out = getattr(args, "out", None)
    fresh = out is not None and not Path(out).exists()
    try:
        if args.command == "info":
            return cmd_info()
        if args.command == "export":
            return cmd_export(args.source, args.target, args.overwrite)
        settings = resolve_settings(args.command, args)
        out = settings.get("out")
        fresh = out is not None and not Path(out).exists()
        return COMMANDS[args.command](settings)
    except (UserError, ValueError, TypeError, FileNotFoundError, ConnectionError,
            FileExistsError, PermissionError, RuntimeError) as err:  # fmt: skip
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise SystemExit(f"wholebrain: {first}") from None
    except KeyboardInterrupt:
        raise SystemExit(
            "wholebrain: interrupted (a --checkpoint or --history run resumes)"
        ) from None
    finally:
        if fresh:
            _remove_if_empty(Path(out))


def _remove_if_empty(folder: Path) -> None:
    """An output folder this call created and left empty (it failed first) goes again."""
    with contextlib.suppress(OSError):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


__all__ = ["main"]
