"""The ``wholebrain`` command line: ``run``, ``fit``, ``lesion``, ``export`` and ``info``.

Settings come from flags or from a TOML file (``--config``, read as data with ``tomllib``,
never evaluated); flags given on the command line win over the file. Every user mistake ends
the program with one line, ``wholebrain: <what is wrong>``, before anything long starts.
"""

from __future__ import annotations

from .commands import COMMANDS, cmd_export, cmd_info
from .config import UserError, resolve_settings
from .parser import build_parser


def main(argv: list[str] | None = None) -> int:
    """Run ``wholebrain`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "info":
            return cmd_info()
        if args.command == "export":
            return cmd_export(args.source, args.target, args.overwrite)
        return COMMANDS[args.command](resolve_settings(args.command, args))
    except (UserError, ValueError, TypeError, FileNotFoundError, ConnectionError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise SystemExit(f"wholebrain: {first}") from None
    except KeyboardInterrupt:
        raise SystemExit(
            "wholebrain: interrupted (a --checkpoint or --history run resumes)"
        ) from None


__all__ = ["main"]
