"""The HTML report of a command-line run, built with :class:`mne.Report`.

One self-contained HTML file (figures embedded) per output folder: what was run (settings and
provenance as a table), the figures the command wrote, and any text tables (fit or lesion
results).
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def _table(data: Mapping[str, Any]) -> str:
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:1em'>{html.escape(str(k))}</th>"
        f"<td><code>{html.escape(v if isinstance(v, str) else json.dumps(v, default=str))}"
        "</code></td></tr>"
        for k, v in data.items()
    )
    return f"<table>{rows}</table>"


def write_report(
    path: str | os.PathLike,
    title: str,
    settings: Mapping[str, Any],
    figures: Sequence[tuple[str, str | os.PathLike]],
    texts: Sequence[tuple[str, str]] = (),
) -> Path:
    """Write ``path`` (``.html``): a settings table, ``figures`` as (title, PNG path) and
    ``texts`` as (title, preformatted text)."""
    import mne

    report = mne.Report(title=title, verbose=False)
    report.add_html(_table(settings), title="Settings", section="run")
    for name, text in texts:
        report.add_html(f"<pre>{html.escape(text)}</pre>", title=name, section="results")
    for name, fig in figures:
        report.add_image(str(fig), title=name, section="figures")
    path = Path(path)
    report.save(path, open_browser=False, overwrite=True, verbose=False)
    return path
