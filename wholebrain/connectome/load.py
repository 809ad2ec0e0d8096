"""Loading a connectome by name (a shipped atlas) or from files: the package's front door.

This is the only module of :mod:`wholebrain.connectome` that knows every loader; the
``Connectome`` class below it knows files only (:meth:`Connectome.load`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import atlas
from .build import connectome_fields
from .connectome import Connectome

__all__ = ["from_files", "load_connectome"]


def from_files(path: str | Path, **kw: Any) -> Connectome:
    """Build a connectome from a file of weights and optional side information.

    Parameters
    ----------
    path : path-like
        ``.npz`` / ``.mat`` (as written by ``Connectome.save``, or any MAT file with a
        ``weights`` variable), a TVB-style ``.zip`` or folder, or one weight matrix in
        ``.csv`` / ``.tsv`` / ``.txt`` (labels in a header row and/or a column) or ``.npy``.
    **kw
        ``labels``, ``tract_lengths``, ``centres``, ``frame``, ``atlas``, ``hemispheres``,
        ``cortical``, ``label_column``, ``weights_key``, ``name``: see
        :func:`wholebrain.connectome.build.connectome_fields`.

    Returns
    -------
    Connectome
    """
    return Connectome(**connectome_fields(path, **kw))


def load_connectome(name_or_path: str | Path = "tvb76", **kw: Any) -> Connectome:
    """Load a shipped connectome by name or a connectome from files.

    Parameters
    ----------
    name_or_path : str | path-like
        ``"tvb66"``, ``"tvb68"``, ``"tvb76"`` (default), ``"tvb96"``, ``"tvb192"``
        (``wholebrain.list_atlases()``), or a path: ``.npz``, ``.mat``, a TVB-style ``.zip``
        or folder, or a ``.csv``/``.tsv``/``.txt``/``.npy`` weight matrix.
    **kw
        For files, see :func:`from_files` (``labels``, ``tract_lengths``, ``centres``,
        ``frame``, ``atlas``, ...). For shipped atlases, ``fix_quirks`` (see
        :func:`wholebrain.connectome.load_tvb`).

    Returns
    -------
    Connectome
    """
    if isinstance(name_or_path, str) and name_or_path in atlas.list_atlases():
        return atlas.load_tvb(name_or_path, **kw)
    path = Path(name_or_path)
    if not path.exists():
        if isinstance(name_or_path, str) and not any(c in name_or_path for c in "/\\."):
            raise ValueError(
                f"unknown atlas {name_or_path!r}; known atlases: {atlas.list_atlases()}, "
                "or pass a path to a connectome file"
            )
        raise FileNotFoundError(f"no connectome file or folder at {path}")
    return from_files(path, **kw)
