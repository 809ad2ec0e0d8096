"""Region lead fields: how a region's dipole moment reaches each EEG sensor (V per A*m).

Two ways, both with MNE's BEM/sphere solvers and fixed source orientations:

- **Cortex vertices of tvb-data's head** (:func:`default_vertex_gain`): the 16384 vertices
  of ``cortex_16384`` with outward normals, in the 3-layer BEM of
  :mod:`wholebrain.headmodel` and its 65 registered electrodes; cached by the hash of its
  inputs. :func:`tvb_vertex_regions` says which region each vertex belongs to (tvb-data's
  region mapping for tvb76 and tvb192), and :func:`wholebrain.forward.make_forward`
  combines the vertex gains per region.
- **One dipole per region centroid** (:func:`centroid_gain`), for atlases with centroids
  only: in a sphere fitted to a standard montage or in a user's own BEM.

Frames: the tvb frame (x anterior, y left, z up) is MNE's head frame (x right, y anterior,
z up) rotated by ``_HEAD_TO_TVB``.
"""

from __future__ import annotations

import difflib
import functools
import logging
import os
import zipfile
from typing import Any

import mne
import numpy as np

from . import headmodel as hm
from .cache import cache_dir

logger = logging.getLogger(__name__)

__all__ = [
    "centroid_gain",
    "default_vertex_gain",
    "map_to_default_head",
    "standard_montage",
    "tvb_vertex_regions",
]

#: rotation taking MNE head coordinates (x right, y anterior, z up) to the tvb frame
#: (x anterior, y left, z up)
_HEAD_TO_TVB = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
#: cortex vertices outside the inner skull are pulled this far inside it (mm)
_INSIDE_MARGIN_MM = 2.0


def standard_montage(name: str) -> mne.channels.DigMontage:
    """An MNE standard montage by name, or a one-line error listing close matches."""
    try:
        return mne.channels.make_standard_montage(name)
    except ValueError:
        names = mne.channels.get_builtin_montages()
        close = difflib.get_close_matches(name, names, n=6, cutoff=0.4)
        raise ValueError(f"unknown montage {name!r}; close matches: {close or names[:6]}") from None


def tvb_vertex_regions(labels: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Region index per cortex vertex for a tvb atlas with these labels, or a subset of
    them (any order); vertices of regions not in ``labels`` get -1.

    Returns
    -------
    vertex_region : ndarray of int, shape (16384,)
        Index into ``labels`` of each vertex of ``cortex_16384``, -1 outside them.
    tvb_labels : tuple of str
        The labels of the tvb atlas (76 or 192 regions) whose region mapping was used.
    """
    for n in (76, 192):
        with zipfile.ZipFile(hm.tvb_data_dir() / "connectivity" / f"connectivity_{n}.zip") as z:
            member = next((m for m in z.namelist() if "centres" in m), None)
            lines = z.read(member).decode().split("\n") if member else []
        tvb_labels = tuple(line.split()[0] for line in lines if line.strip())
        if set(labels) <= set(tvb_labels):
            mapping = np.loadtxt(hm.tvb_data_dir() / "regionMapping" / f"regionMapping_16k_{n}.txt")
            order = np.array([labels.index(lab) if lab in labels else -1 for lab in tvb_labels])
            return order[mapping.astype(int)], tvb_labels
    raise ValueError(
        f"head='default' needs regions of the tvb76 or tvb192 atlas (labels like {labels[:2]} "
        "are not); "
        "use head='sphere' (command line: --head sphere) for other atlases"
    )


def _montage_info(names: list[str], pos_tvb_mm: np.ndarray) -> mne.Info:
    pos_head = pos_tvb_mm @ _HEAD_TO_TVB / 1000.0  # inverse rotation: tvb -> MNE head frame
    montage = mne.channels.make_dig_montage(
        dict(zip(names, pos_head, strict=True)), coord_frame="head"
    )
    info = mne.create_info(names, 1000.0, "eeg")
    info.set_montage(montage, verbose=False)
    return info


def _fixed_gain(info, src, bem, trans, verbose) -> np.ndarray:
    """Fixed-orientation gain (V per A*m) along each source's ``nn``, all sources kept."""
    fwd = mne.make_forward_solution(
        info, trans, src, bem, meg=False, eeg=True, mindist=0.0, verbose=verbose
    )
    s = fwd["src"][0]
    if fwd["nsource"] != s["np"]:
        raise RuntimeError(f"{s['np'] - fwd['nsource']} sources fell outside the inner skull")
    gain = fwd["sol"]["data"].reshape(len(info.ch_names), -1, 3)
    return np.einsum("cvk,vk->cv", gain, s["nn"][s["vertno"]])  # nn in head frame, like the gain


def _fit_sphere(pos: np.ndarray) -> np.ndarray:
    """Centre of the least-squares sphere through points (any unit)."""
    a = np.column_stack([2 * pos, np.ones(len(pos))])
    b = (pos**2).sum(1)
    return np.linalg.lstsq(a, b, rcond=None)[0][:3]


def standard_1005() -> dict[str, np.ndarray]:
    """MNE's 10-05 electrode positions (m, head frame), by lower-case name."""
    # MNE 1.13 renamed the template
    builtin = mne.channels.get_builtin_montages()
    name = "colin27_1005" if "colin27_1005" in builtin else "standard_1005"
    pos = mne.channels.make_standard_montage(name).get_positions()["ch_pos"]
    return {k.lower(): np.asarray(v, float) for k, v in pos.items()}


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@functools.lru_cache(maxsize=1)
def _registration() -> tuple[np.ndarray, np.ndarray]:
    """(rotation from MNE head-frame directions to tvb-frame directions, tvb sphere centre).

    The rotation best aligns (Kabsch) the directions of the electrodes that tvb-data's cap
    and MNE's 10-05 template share (61 of 65), each from its own best-fitting sphere's
    centre: the head-frame axes swapped into the tvb frame, then a pitch of about 7.5 deg.
    """
    names, own = hm.read_tvb_sensors()
    std = standard_1005()
    keep = [i for i, n in enumerate(names) if n.lower() in std]
    ref = np.array([std[names[i].lower()] for i in keep])
    d = _unit(ref - _fit_sphere(ref)) @ _HEAD_TO_TVB.T
    centre = _fit_sphere(own)
    t = _unit(own[keep] - centre)
    u, _, vt = np.linalg.svd(d.T @ t)
    rot = (u @ vt).T
    if np.linalg.det(rot) < 0:  # a reflection would swap left and right
        raise RuntimeError("electrode registration found a reflection")
    return rot @ _HEAD_TO_TVB, centre


def map_to_default_head(positions_head_m: np.ndarray) -> np.ndarray:
    """Place electrodes of another head on tvb-data's scalp (mm, tvb frame).

    Each electrode keeps its direction from the centre of the sphere that best fits its
    montage; that direction, registered to tvb-data's cap (:func:`_registration`) and
    taken from the centre of the sphere that best fits tvb-data's own electrodes, meets the
    scalp where the electrode is placed. MNE's 10-05 positions of tvb-data's electrode names
    land a median of about 8 mm from tvb-data's own (``tests/test_measurement.py``).
    """
    pos = np.asarray(positions_head_m, float)
    if pos.ndim != 2 or pos.shape[1] != 3 or len(pos) < 4 or not np.isfinite(pos).all():
        raise ValueError(f"need at least 4 finite electrode positions (n, 3), got {pos.shape}")
    rot, centre = _registration()
    dirs = _unit(pos - _fit_sphere(pos)) @ rot.T
    radii = hm.ray_radii(*hm.default_head_surfaces(3)["outer_skin"], centre, dirs)
    if not np.isfinite(radii).all():
        raise ValueError("some electrodes point nowhere on the default head's scalp")
    return centre + radii[:, None] * dirs


def default_vertex_gain(
    ico: int | tuple[int, int, int] = 3,
    cache: str | os.PathLike | None = None,
    verbose: Any = None,
    sensors: tuple[list[str], np.ndarray] | None = None,
) -> tuple[np.ndarray, list[str], mne.Info]:
    """Vertex lead field of tvb-data's head: (n_sensors, 16384) V per A*m, channel names,
    info (cached). ``sensors``: (names, positions in mm, tvb frame) instead of tvb-data's
    65 electrodes (:func:`map_to_default_head`)."""
    names, raw_pos = hm.read_tvb_sensors() if sensors is None else (list(sensors[0]), sensors[1])
    ctx, tris = hm.read_tvb_surface("cortex_16384")
    # keyed by the raw inputs and the registration constants: a cache hit needs no geometry work
    key = hm.input_hash(
        raw_pos,
        np.array(names),
        ctx,
        *hm.HEAD_TO_TVB,
        ico=ico,
        scale=hm.HEAD_SCALE,
        margin=_INSIDE_MARGIN_MM,
        conductivity=hm.CONDUCTIVITY,
        shells=hm.shells_digest(),
    )
    path = cache_dir(cache) / f"tvb-leadfield-{key}.npz"
    if path.exists():
        with np.load(path) as z:
            return z["gain"], names, _montage_info(names, z["pos"])
    head = hm.default_head_surfaces(ico)
    pos = hm.place_sensors_on_scalp(names, raw_pos, head["outer_skin"])
    nn = hm.vertex_normals(ctx, tris)
    info = _montage_info(names, pos)
    # pull the few cortex vertices that poke through the registered inner skull back inside
    inner = head["inner_skull"]
    centre = inner[0].mean(0)
    vec = ctx - centre
    dist = np.linalg.norm(vec, axis=1)
    limit = hm.ray_radii(*inner, centre, vec / dist[:, None]) - _INSIDE_MARGIN_MM
    moved = dist > limit
    if moved.any():
        logger.info(
            "moved %d cortex vertices (max %.1f mm) %.0f mm inside the inner skull",
            int(moved.sum()),
            float((dist - limit)[moved].max()),
            _INSIDE_MARGIN_MM,
        )
        ctx = centre + vec * np.minimum(1.0, limit / dist)[:, None]
    src = mne.setup_volume_source_space(pos=dict(rr=ctx / 1000.0, nn=nn), verbose=verbose)
    bem = hm.make_default_bem(ico, cache, verbose=verbose)
    trans = mne.transforms.Transform(
        "head", "mri", np.block([[_HEAD_TO_TVB, np.zeros((3, 1))], [np.zeros((1, 3)), 1]])
    )
    gain = _fixed_gain(info, src, bem, trans, verbose)
    hm.atomic_write(path, lambda tmp: np.savez(tmp, gain=gain, pos=pos))
    return gain, names, info


def _centroids_head_m(connectome: Any, r0: np.ndarray) -> np.ndarray:
    """Region centroids in MNE head coordinates (m), centred on the sphere origin ``r0``."""
    centres = np.asarray(connectome.centres_mm, float)
    if not np.isfinite(centres).all():
        raise ValueError("connectome has NaN centres; the sphere model needs every region centroid")
    frame = str(connectome.frame).lower()
    if frame == "tvb":
        centres = centres @ _HEAD_TO_TVB  # tvb -> RAS
    elif frame not in ("mni", "ras"):
        raise ValueError(
            f"connectome frame {connectome.frame!r} is unknown; give centres in 'MNI' or 'tvb'"
        )
    return r0 + (centres - centres.mean(0)) / 1000.0


def centroid_gain(
    connectome: Any, bem: Any, info: mne.Info, trans: Any, r0: np.ndarray, verbose: Any = None
) -> np.ndarray:
    """Fixed-orientation gain (V per A*m) of one dipole per region centroid.

    Dipoles sit at the centroids (``connectome.centres_mm``, frame ``tvb`` or RAS), centred
    on the head's origin ``r0`` (m, MNE head frame), along the region's mean orientation
    when the connectome has one, else radial from ``r0``.
    """
    pos = _centroids_head_m(connectome, r0)
    orient = getattr(connectome, "orientations", None)
    if orient is None or not np.isfinite(orient).all():
        orient = pos - r0  # radial
    else:
        orient = (
            np.asarray(orient, float) @ _HEAD_TO_TVB
            if str(connectome.frame).lower() == "tvb"
            else orient
        )
    orient = orient / np.linalg.norm(orient, axis=1, keepdims=True)
    src = mne.setup_volume_source_space(pos=dict(rr=pos, nn=orient), verbose=verbose)
    return _fixed_gain(info, src, bem, trans, verbose)
