"""Atlases: the shipped tvb-data connectomes and user NIfTI parcellations.

Shipped atlases are described by one TOML file each in the top-level ``atlases/`` folder
(installed as ``wholebrain/_atlases``): which tvb-data zip holds the matrices, the frame of
the centres, the quirks of the data and, for tvb192, which regions are thalamic nuclei and
which cortical region each projects to most strongly. The matrices themselves are read
straight from the ``tvb-data`` package; no TVB install is needed.

A user atlas is a NIfTI label image (one integer per voxel, 0 = background) plus a lookup
table naming the integers; :func:`load_label_image` gives the labels and their centroids in
the image's world coordinates (MNI for standard atlases), to pair with a user matrix through
``load_connectome(path, atlas=...)``. It lives in :mod:`wholebrain.connectome.nifti` and is
offered here too, so that every kind of atlas is found in one place.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import io
from .connectome import Connectome
from .nifti import LabelImage, load_label_image, read_lut

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
    here = Path(__file__).resolve().parents[1]  # wholebrain/
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
