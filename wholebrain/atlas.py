"""Atlases: the shipped tvb-data connectomes and user NIfTI parcellations.

Shipped atlases are described by one TOML file each in the top-level ``atlases/`` folder
(installed as ``wholebrain/_atlases``): which tvb-data zip holds the matrices, the frame of
the centres, the quirks of the data and, for tvb192, which regions are thalamic nuclei and
which cortical region each projects to most strongly. The matrices themselves are read
straight from the ``tvb-data`` package; no TVB install is needed.

A user atlas is a NIfTI label image (one integer per voxel, 0 = background) plus a lookup
table naming the integers; :func:`load_label_image` gives the labels and their centroids in
the image's world coordinates (MNI for standard atlases), to pair with a user matrix through
``load_connectome(path, atlas=...)``.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import connectome_io as io
from .connectome import Connectome

__all__ = [
    "DEFAULT_ATLAS",
    "AtlasInfo",
    "LabelImage",
    "atlas_info",
    "list_atlases",
    "load_label_image",
    "load_tvb",
    "read_lut",
    "strongest_cortical_targets",
]

DEFAULT_ATLAS = "tvb76"


def _atlas_dir() -> Path:
    """``wholebrain/_atlases`` when installed, the repository's ``atlases/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_atlases", here.parent / "atlases"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no atlas descriptions next to {here}; reinstall wholebrain")


@dataclass(frozen=True)
class AtlasInfo:
    """Description of a shipped atlas (one ``atlases/<name>.toml``).

    Attributes
    ----------
    name : str
        e.g. ``"tvb76"``.
    file : str
        Zip file in ``tvb_data.connectivity``.
    n_regions : int
        Number of regions.
    frame : str
        Name of the frame of the centres; ``frame_axes`` says what its axes point to (mm).
    description, frame_axes : str
        Free text.
    default : bool
        True for the default atlas (tvb76).
    quirks : tuple of str
        Known oddities of the data, as checked by the tests.
    thalamic_nuclei : mapping of str to tuple of str
        For tvb192: each thalamic nucleus and the cortical region(s) with the largest weight
        ``weights[cortex, nucleus]`` (ties listed together; empty if it sends none).
    other_subcortical : tuple of str
        Non-cortical regions that are not thalamic nuclei (caudate, claustrum, tegmentum).
    """

    name: str
    file: str
    n_regions: int
    frame: str
    frame_axes: str = ""
    description: str = ""
    default: bool = False
    quirks: tuple[str, ...] = ()
    thalamic_nuclei: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    other_subcortical: tuple[str, ...] = ()


def list_atlases() -> list[str]:
    """Names of the shipped atlases, e.g. ``["tvb192", "tvb66", "tvb68", "tvb76", "tvb96"]``."""
    return sorted(p.stem for p in _atlas_dir().glob("*.toml"))


def atlas_info(name: str = DEFAULT_ATLAS) -> AtlasInfo:
    """The description of shipped atlas ``name``."""
    known = list_atlases()
    if name not in known:
        raise ValueError(f"unknown atlas {name!r}; known atlases: {known}")
    data: dict[str, Any] = tomllib.loads((_atlas_dir() / f"{name}.toml").read_text())
    nuclei = data.pop("thalamic_nuclei", {})
    return AtlasInfo(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()},
        thalamic_nuclei={k: tuple(v) for k, v in nuclei.items()},
    )


def load_tvb(name: str = DEFAULT_ATLAS, fix_quirks: bool = False) -> Connectome:
    """Load a tvb-data connectome straight from its zip.

    Parameters
    ----------
    name : str
        One of :func:`list_atlases`.
    fix_quirks : bool
        False (default) gives the file's data unchanged. True, for tvb192 only, takes the
        cortical centres, orientations and areas from tvb76 by label: the 192 file lists the
        76 cortical centres in tvb76's order (right first) under labels that put the left
        hemisphere first, so its ``lA1`` sits where tvb76's ``rA1`` does.
    """
    info = atlas_info(name)
    source = importlib.resources.files("tvb_data.connectivity") / info.file
    with importlib.resources.as_file(source) as path:
        raw = io.read_tvb(path)
    labels = raw["labels"]
    con = Connectome(
        labels=tuple(labels),
        weights=raw["weights"],
        tract_lengths_mm=raw["tract_lengths_mm"],
        centres_mm=raw["centres_mm"],
        frame=info.frame,
        hemispheres=io.infer_hemispheres(labels),
        cortical=raw.get("cortical", np.ones(len(labels), dtype=bool)),
        areas_mm2=raw.get("areas_mm2"),
        orientations=raw.get("orientations"),
        name=name,
    )
    if fix_quirks and name == "tvb192":
        ref = load_tvb("tvb76")
        ctx = [i for i in range(con.n_regions) if con.cortical[i]]
        idx = [ref.index(con.labels[i]) for i in ctx]
        centres = con.centres_mm.copy()
        centres[ctx] = ref.centres_mm[idx]
        orientations = con.orientations.copy()
        orientations[ctx] = ref.orientations[idx]
        areas = con.areas_mm2.copy()
        areas[ctx] = ref.areas_mm2[idx]
        con = replace(con, centres_mm=centres, orientations=orientations, areas_mm2=areas)
    return con


def strongest_cortical_targets(con: Connectome, sources: Sequence[str]) -> dict[str, list[str]]:
    """For each source region, the cortical region(s) it sends its largest weight to.

    Uses ``weights[target, source]``; ties are all listed (tvb192 weights are ordinal 0-3),
    and a source without cortical targets gets an empty list.
    """
    ctx = np.flatnonzero(con.cortical)
    out = {}
    for label in sources:
        column = con.weights[ctx, con.index(label)]
        best = column.max() if column.size else 0.0
        out[label] = [con.labels[ctx[i]] for i in np.flatnonzero(column == best)] if best else []
    return out


# ------------------------------------------------------------------------------- NIfTI atlases
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
