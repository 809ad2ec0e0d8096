"""Writing a figure to a PNG file: the one helper every plotting module saves through.

Figures are built as :class:`matplotlib.figure.Figure` (never ``pyplot``), so no backend is
chosen and no global matplotlib state changes; the Agg canvas is attached only to write.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def save_figure(fig: Figure, path: str | os.PathLike) -> Path:
    """Write ``fig`` to the PNG file ``path`` (120 dpi) and return the path.

    The file is written in a temporary folder next to ``path`` and renamed into place, so an
    error never leaves a partial image under the requested name; missing parent folders are
    created.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"figures are written as PNG; got {path.name!r}, use a .png name")
    FigureCanvasAgg(fig)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".tmp-fig-") as tmp:
        fig.savefig(Path(tmp) / path.name, dpi=120)
        os.replace(Path(tmp) / path.name, path)
    return path


__all__ = ["save_figure"]
