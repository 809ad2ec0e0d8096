"""The fields of a :class:`~wholebrain.connectome.Connectome` from user files and arrays.

A weight matrix alone is not a connectome: it needs labels, tract lengths and (for plots and
forward models) centres. This module pairs the pieces **by label**: a tract-length table or
an atlas image listing the same regions in another order is reordered to the weight matrix's
labels, and any missing or extra label is an error naming it.

It returns the keyword arguments of ``Connectome`` rather than a ``Connectome``, so that the
class can load files (:meth:`Connectome.load`) without this module importing it back;
``Connectome.__post_init__`` still holds every check.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import io

if TYPE_CHECKING:
    from .nifti import LabelImage

__all__ = ["connectome_fields"]

ArrayOrPath = np.ndarray | Sequence[Any] | str | Path


def _match(order: Sequence[str], labels: Sequence[str], what: str) -> list[int]:
    """Indices that put ``labels`` into ``order``; ValueError naming missing/extra labels."""
    missing = sorted(set(order) - set(labels))
    extra = sorted(set(labels) - set(order))
    if missing or extra:
        raise ValueError(
            f"{what} does not list the same regions as the weight matrix (missing {missing}, "
            f"extra {extra}); make both cover the same labels"
        )
    position = {label: i for i, label in enumerate(labels)}
    return [position[label] for label in order]


def _labels(value: Sequence[str] | str | Path) -> list[str]:
    if isinstance(value, str | Path):
        return io.read_labels(value)
    return [str(v) for v in value]


def _tract_lengths(value: ArrayOrPath, labels: list[str]) -> np.ndarray:
    if isinstance(value, str | Path):
        matrix, file_labels = io.read_matrix(value)
        if file_labels is not None:
            idx = _match(labels, file_labels, f"tract-length file {value}")
            matrix = matrix[np.ix_(idx, idx)]
        return matrix
    return np.asarray(value, dtype=float)


def _centres(value: ArrayOrPath, labels: list[str]) -> np.ndarray:
    if isinstance(value, str | Path):
        # "label x y z" per line, as TVB's centres.txt
        rows = [ln.split() for ln in io.read_labels(value)]
        file_labels = [r[0] for r in rows]
        coords = np.array([[float(v) for v in r[1:4]] for r in rows])
        return coords[_match(labels, file_labels, f"centres file {value}")]
    return np.asarray(value, dtype=float)


def connectome_fields(
    path: str | Path,
    *,
    labels: Sequence[str] | str | Path | None = None,
    tract_lengths: ArrayOrPath | None = None,
    centres: ArrayOrPath | None = None,
    frame: str | None = None,
    atlas: LabelImage | None = None,
    hemispheres: Sequence[str] | np.ndarray | None = None,
    cortical: Sequence[bool] | np.ndarray | None = None,
    label_column: int | None = None,
    weights_key: str = "weights",
    name: str | None = None,
) -> dict[str, Any]:
    """The fields of a connectome from a file of weights and optional side information.

    :func:`wholebrain.connectome.from_files` and :meth:`Connectome.load` make them a
    ``Connectome``.

    Parameters
    ----------
    path : path-like
        ``.npz`` / ``.mat`` (as written by ``Connectome.save``, or any MAT file with a
        ``weights`` variable), a TVB-style ``.zip`` or folder, or one weight matrix in
        ``.csv`` / ``.tsv`` / ``.txt`` (labels in a header row and/or a column) or ``.npy``.
    labels : sequence of str | path-like | None
        Region labels in matrix order, or a text file with one per line. Needed when the file
        has none; if it has some, they must be identical.
    tract_lengths : array | path-like | "euclidean" | None
        Tract lengths in mm: an (n, n) array, a CSV/NPY file (a labelled CSV is reordered by
        label), or ``"euclidean"`` for straight-line distances between ``centres`` (mm).
        Needed when the file has none and any weight is non-zero.
    centres : array, shape (n, 3) | path-like | None
        Centres in mm, or a text file of ``label x y z`` lines (matched by label).
    frame : str | None
        Frame of the centres (``"MNI"``, ...); default: the file's, the atlas', or
        ``"unknown"``.
    atlas : LabelImage | None
        From :func:`wholebrain.connectome.load_label_image`: centres, frame and hemispheres
        matched to the matrix by label.
    hemispheres, cortical : array | None
        Per-region ``"L"``/``"R"``/``""`` and cortical flags. Defaults: the file's; else
        hemispheres inferred from the labels (``lA1``, ``Left-...``, ``..._R``) and every region
        cortical.
    label_column : int | None
        Column of a text matrix holding the labels (default: detected).
    weights_key : str
        Variable name of the weights in a MAT file.
    name : str | None
        Name of the connectome (default: the file stem).

    Returns
    -------
    dict
        The keyword arguments of ``Connectome`` (labels, weights, tract_lengths_mm, ...).
    """
    path = Path(path)
    if path.is_dir() or path.suffix == ".zip":
        raw = io.read_tvb(path)
    elif path.suffix == ".npz":
        raw = io.read_npz(path)
    elif path.suffix == ".mat":
        raw = io.read_mat(path, weights_key=weights_key)
    elif path.suffix in (".csv", ".tsv", ".txt", ".npy"):
        matrix, file_labels = io.read_matrix(path, label_column=label_column)
        raw = {"weights": matrix, "labels": file_labels}
    else:
        raise ValueError(
            f"unsupported connectome file type {path.suffix!r}; use .npz, .mat, .zip, a "
            "folder, .csv, .tsv, .txt or .npy"
        )
    file_labels = raw.get("labels")
    if labels is not None:
        given = _labels(labels)
        if file_labels is not None and list(file_labels) != given:
            raise ValueError(
                f"{path} already names its regions and labels= differs; drop labels= or fix "
                "the file"
            )
        file_labels = given
    if file_labels is None:
        raise ValueError(
            f"{path} has no region labels; pass labels= (a list or a text file, one per line)"
        )
    labels = list(file_labels)
    n = len(labels)
    if len(set(labels)) == n and raw["weights"].ndim == 2 and raw["weights"].shape[0] != n:
        raise ValueError(
            f"{n} labels for a {raw['weights'].shape[0]}-row weight matrix; give exactly one "
            "label per row"
        )

    extra: dict[str, Any] = {}
    if atlas is not None:
        idx = _match(labels, list(atlas.labels), "the atlas image")
        extra = {
            "centres_mm": atlas.centres_mm[idx],
            "frame": atlas.frame,
            "hemispheres": atlas.hemispheres[idx],
        }
    if centres is not None:
        extra["centres_mm"] = _centres(centres, labels)
    centres_mm = extra.get("centres_mm", raw.get("centres_mm"))
    if centres_mm is None:
        centres_mm = np.full((n, 3), np.nan)

    if isinstance(tract_lengths, str) and tract_lengths == "euclidean":
        c = np.asarray(centres_mm, dtype=float)
        if c.shape != (n, 3) or not np.all(np.isfinite(c)):
            raise ValueError("tract_lengths='euclidean' needs finite centres=, shape (n, 3) in mm")
        lengths = np.linalg.norm(c[:, None, :] - c[None, :, :], axis=-1)
    elif tract_lengths is not None:
        lengths = _tract_lengths(tract_lengths, labels)
    elif raw.get("tract_lengths_mm") is not None:
        lengths = raw["tract_lengths_mm"]
    elif not np.any(raw["weights"]):
        lengths = np.zeros_like(raw["weights"])
    else:
        raise ValueError(
            f"{path} has no tract lengths; pass tract_lengths= (an array or CSV/NPY file in "
            "mm, or 'euclidean' with centres=)"
        )

    if hemispheres is None:
        hemispheres = extra.get("hemispheres", raw.get("hemispheres"))
    if hemispheres is None:
        hemispheres = io.infer_hemispheres(labels)
    if cortical is None:
        cortical = raw.get("cortical", np.ones(n, dtype=bool))
    if frame is None:
        has_centres = np.isfinite(np.asarray(centres_mm, dtype=float)).all()
        frame = extra.get("frame", raw.get("frame", "unknown" if has_centres else "none"))
    return dict(
        labels=tuple(labels),
        weights=raw["weights"],
        tract_lengths_mm=lengths,
        centres_mm=centres_mm,
        frame=frame,
        hemispheres=hemispheres,
        cortical=cortical,
        areas_mm2=raw.get("areas_mm2"),
        orientations=raw.get("orientations"),
        name=name if name is not None else raw.get("name") or path.stem,
    )
