"""Connectomes: the regions the columns live in, the weights and tract lengths between them.

Modules, lowest first (each imports only those above it in this list):

- :mod:`~wholebrain.connectome.io`: file formats (TVB zips and folders, NPZ, MAT, CSV/NPY).
- :mod:`~wholebrain.connectome.groups`: thirds along the anterior axis, for regions and sensors.
- :mod:`~wholebrain.connectome.nifti`: NIfTI label images and their lookup tables.
- :mod:`~wholebrain.connectome.build`: a connectome's fields from user files, paired by label.
- :mod:`~wholebrain.connectome.connectome`: the :class:`Connectome` itself.
- :mod:`~wholebrain.connectome.atlas`: the shipped tvb-data atlases.
- :mod:`~wholebrain.connectome.load`: :func:`load_connectome`, by name or path.
- :mod:`~wholebrain.connectome.plots`: figures; imported on demand (matplotlib, nilearn),
  ``from wholebrain.connectome import plots``.
"""

from __future__ import annotations

from .atlas import (
    DEFAULT_ATLAS,
    AtlasInfo,
    atlas_info,
    list_atlases,
    load_tvb,
    strongest_cortical_targets,
)
from .connectome import Connectome, DelayFloorWarning
from .groups import ANTERIOR_AXIS, thirds_along_axis
from .load import from_files, load_connectome
from .nifti import LabelImage, load_label_image, read_lut

__all__ = [
    "ANTERIOR_AXIS",
    "DEFAULT_ATLAS",
    "AtlasInfo",
    "Connectome",
    "DelayFloorWarning",
    "LabelImage",
    "atlas_info",
    "from_files",
    "list_atlases",
    "load_connectome",
    "load_label_image",
    "load_tvb",
    "read_lut",
    "strongest_cortical_targets",
    "thirds_along_axis",
]
