"""Where wholebrain keeps what it computes once: head models, lead fields, compiled brains."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir(path: str | os.PathLike | None = None) -> Path:
    """Cache folder: ``path``, else ``$WHOLEBRAIN_CACHE``, else ``~/.cache/wholebrain``.

    The folder is created if it does not exist.
    """
    if path is None:
        path = os.environ.get("WHOLEBRAIN_CACHE") or Path.home() / ".cache" / "wholebrain"
    out = Path(path).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    return out
