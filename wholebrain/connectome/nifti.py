"""User atlases: NIfTI label images and the lookup tables that name their integers.

A user atlas is a NIfTI label image (one integer per voxel, 0 = background) plus a lookup
table naming the integers; :func:`load_label_image` gives the labels and their centroids in
the image's world coordinates (MNI for standard atlases), to pair with a user matrix through
``load_connectome(path, atlas=...)``. nibabel, nilearn and scipy load only when an image is
read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import io

__all__ = ["LabelImage", "load_label_image", "read_lut"]


@dataclass(frozen=True, eq=False)
class LabelImage:
    """Regions of a NIfTI label image.

    Attributes
    ----------
    labels : tuple of str
        Region names (from the lookup table), in ascending order of ``values``.
    values : ndarray of int, shape (n,)
        The integer of each region in the image.
    centres_mm : ndarray, shape (n, 3)
        Centroid of each region's voxels in the image's world coordinates (mm).
    frame : str
        ``"MNI"``, ``"talairach"``, ``"scanner"``, ``"aligned"`` or ``"unknown"``, from the
        image's sform/qform code.
    hemispheres : ndarray of str, shape (n,)
        From the labels, else (MNI/Talairach only) the sign of x: ``"L"`` if x < 0.
    """

    labels: tuple[str, ...]
    values: np.ndarray
    centres_mm: np.ndarray
    frame: str
    hemispheres: np.ndarray


def read_lut(lut: str | Path | Mapping[int, str] | Any) -> dict[int, str]:
    """A lookup table ``{value: name}`` from a file, a mapping or a table.

    Files: FreeSurfer ``*LUT.txt`` (``value name r g b a``), or CSV/TSV/whitespace text with
    the value in the first column and the name in the second (a header row is skipped).
    Tables: anything with ``index`` and ``name`` columns (nilearn's atlas ``lut``).
    """
    if isinstance(lut, Mapping):
        return {int(k): str(v) for k, v in lut.items()}
    if hasattr(lut, "columns") and {"index", "name"} <= set(lut.columns):
        return {int(k): str(v) for k, v in zip(lut["index"], lut["name"], strict=True)}
    if not isinstance(lut, str | Path):
        raise TypeError("lut must be a file path, a {value: name} mapping or an index/name table")
    path = Path(lut)
    delimiter = {".csv": ",", ".tsv": "\t"}.get(path.suffix)
    out: dict[int, str] = {}
    for line in io.read_labels(path):
        cells = [c.strip() for c in line.split(delimiter)]
        if len(cells) < 2 or not cells[0].lstrip("-").isdigit():
            continue  # header row
        out[int(cells[0])] = cells[1]
    if not out:
        raise ValueError(f"{path} holds no 'value name' rows; write one region per line")
    return out


def load_label_image(img: Any, lut: Any = None, strict: bool = True) -> LabelImage:
    """Labels and world-coordinate centroids of a NIfTI parcellation.

    Parameters
    ----------
    img : path-like | nibabel image
        3D image of integers (0 = background); float storage is fine if every value is
        integral.
    lut : path-like | mapping | table | None
        Names of the values (:func:`read_lut`); ``None`` names each region by its value.
    strict : bool
        True: the lookup table must name exactly the values in the image. False: names of
        absent values are ignored and unnamed values are called ``"label_<value>"``.
    """
    import nibabel as nib
    from nilearn.image import load_img
    from scipy import ndimage

    image = load_img(img)
    data = np.asanyarray(image.dataobj)
    if data.ndim == 4 and data.shape[3] == 1:
        data = data[..., 0]
    if data.ndim != 3:
        raise ValueError(
            f"the atlas image is {data.ndim}D; pass a 3D label image (probabilistic 4D atlases "
            "must be turned into labels first, e.g. by argmax)"
        )
    if data.dtype.kind not in "iu" and not np.array_equal(data, np.round(data)):
        raise ValueError(
            "the atlas image is not an integer label image (it holds fractional values); pass "
            "a parcellation with one integer per region, not a continuous or probabilistic map"
        )
    data = np.round(data).astype(np.int64)
    values = np.unique(data[data != 0])
    names = {int(v): str(v) for v in values} if lut is None else read_lut(lut)
    absent = sorted(set(names) - set(values.tolist()))
    unnamed = sorted(set(values.tolist()) - set(names))
    if strict and absent:
        raise ValueError(
            f"the lookup table names values absent from the image: "
            f"{[(v, names[v]) for v in absent][:10]}; remove them or pass strict=False"
        )
    if strict and unnamed:
        raise ValueError(
            f"image values {unnamed[:10]} have no name in the lookup table; add them or pass "
            "strict=False"
        )
    labels = tuple(names.get(int(v), f"label_{v}") for v in values)
    voxels = ndimage.center_of_mass(np.ones(data.shape), labels=data, index=values)
    centres = nib.affines.apply_affine(image.affine, np.asarray(voxels, dtype=float).reshape(-1, 3))
    code = int(image.header.get_sform(coded=True)[1]) or int(image.header.get_qform(coded=True)[1])
    frame = {4: "MNI", 3: "talairach", 2: "aligned", 1: "scanner"}.get(code, "unknown")
    hemispheres = io.infer_hemispheres(labels)
    if frame in ("MNI", "talairach"):
        by_x = np.where(centres[:, 0] < 0, "L", "R")
        hemispheres = np.where(hemispheres == "", by_x, hemispheres)
    return LabelImage(labels, values, centres, frame, hemispheres)
