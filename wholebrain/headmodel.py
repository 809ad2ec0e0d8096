"""Offline head model from tvb-data: registered surfaces, sensors, BEM solution, disk cache.

tvb-data ships its files in three different coordinate frames, all in mm:

- ``cortex_16384`` (and the tvb76/tvb192 region centres): x anterior, y left, z superior,
  centred on the cortex centroid. This is the frame we compute in ("tvb" frame).
- ``inner_skull_4096``, ``outer_skull_4096``, ``outer_skin_4096``: x towards the subject's left,
  y posterior, z superior, with a small offset. :data:`HEAD_TO_TVB` maps them into the tvb frame;
  the axes, offset and scale (:data:`HEAD_SCALE`) were fitted so that the cortex lies inside
  the inner skull (for the other axis assignments 10-18 % of cortex vertices fall outside).
- ``eeg_brainstorm_65``: Brainstorm's subject coordinate system (x anterior, y left, z up, origin
  between the ears). :data:`SENSORS_TO_TVB` is the translation that puts the electrodes on
  tvb-data's ``scalp_1082`` head surface (median distance 4 mm).

The three 4096-vertex shells are thin (skull 1.5 mm, scalp 0.8 mm) and smaller than the head the
electrodes were placed on, so electrodes are projected onto the scalp shell (logged). The shells
are resampled onto icosahedral meshes along rays from their common centre, which keeps them
exactly nested and lets tests use a coarse, fast variant.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path

import mne
import numpy as np

from .cache import cache_dir

logger = logging.getLogger(__name__)

#: bumped whenever the geometry or the lead-field computation changes, to invalidate caches
CACHE_VERSION = "1"

#: rotation (rows: tvb axes) and offset (mm) taking the 4096-vertex head shells to the tvb frame
HEAD_TO_TVB = (
    np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
    np.array([-3.2, -1.9, 2.1]),
)
#: isotropic scale of the head shells about their centre: they come from a smaller head than the
#: cortex and the electrode cap. 1.08 puts > 99 % of cortex vertices at least 3 mm inside the
#: inner skull (83 % at 1.0) and halves the electrode-to-scalp distance (median 14 -> 7 mm).
HEAD_SCALE = 1.08
#: translation (mm) from Brainstorm's subject frame of ``eeg_brainstorm_65`` to the tvb frame
SENSORS_TO_TVB = np.array([-12.7, -0.2, -60.9])
#: MNE's default conductivities (S/m): brain, skull, scalp
CONDUCTIVITY = (0.3, 0.006, 0.3)
#: electrodes farther than this from the scalp (mm, median over electrodes) are not on this head
MAX_MEDIAN_SENSOR_DISTANCE_MM = 25.0


def tvb_data_dir() -> Path:
    """Directory of the installed ``tvb_data`` package (no download)."""
    return Path(str(resources.files("tvb_data")))


def read_tvb_surface(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (mm, file frame) and triangles of a tvb-data surface zip, e.g. ``"cortex_16384"``.

    Triangles are returned counter-clockwise seen from outside (outward normals), which is what
    MNE expects; tvb-data stores them the other way round.
    """
    path = tvb_data_dir() / "surfaceData" / f"{name}.zip"
    if not path.exists():
        raise ValueError(f"no tvb-data surface {name!r}; expected {path}")
    with zipfile.ZipFile(path) as z:
        rr = np.loadtxt(z.open("vertices.txt"))
        tris = np.loadtxt(z.open("triangles.txt"), dtype=np.int64)
    if _signed_volume(rr, tris) < 0:
        tris = tris[:, ::-1].copy()
    return rr, tris


def _signed_volume(rr: np.ndarray, tris: np.ndarray) -> float:
    a, b, c = (rr[tris[:, k]] - rr.mean(0) for k in range(3))
    return float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)


def vertex_normals(rr: np.ndarray, tris: np.ndarray) -> np.ndarray:
    """Area-weighted outward unit normals of a closed, outward-oriented surface."""
    face = np.cross(rr[tris[:, 1]] - rr[tris[:, 0]], rr[tris[:, 2]] - rr[tris[:, 0]])
    nn = np.zeros_like(rr)
    for k in range(3):
        np.add.at(nn, tris[:, k], face)
    return nn / np.linalg.norm(nn, axis=1, keepdims=True)


def vertex_areas(rr: np.ndarray, tris: np.ndarray) -> np.ndarray:
    """Area each vertex stands for: a third of the area of every triangle it is part of
    (units of ``rr`` squared); they sum to the surface's area."""
    face = 0.5 * np.linalg.norm(
        np.cross(rr[tris[:, 1]] - rr[tris[:, 0]], rr[tris[:, 2]] - rr[tris[:, 0]]), axis=1
    )
    area = np.zeros(len(rr))
    for k in range(3):
        np.add.at(area, tris[:, k], face / 3.0)
    return area


def icosphere(level: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit icosphere subdivided ``level`` times (level 4: 2562 vertices, 5120 triangles)."""
    p = (1 + 5**0.5) / 2
    rr = np.array(
        [[-1, p, 0], [1, p, 0], [-1, -p, 0], [1, -p, 0], [0, -1, p], [0, 1, p]]
        + [[0, -1, -p], [0, 1, -p], [p, 0, -1], [p, 0, 1], [-p, 0, -1], [-p, 0, 1]],
        float,
    )
    tris = np.array(
        [[0, 11, 5], [0, 5, 1], [0, 1, 7], [0, 7, 10], [0, 10, 11], [1, 5, 9], [5, 11, 4]]
        + [[11, 10, 2], [10, 7, 6], [7, 1, 8], [3, 9, 4], [3, 4, 2], [3, 2, 6], [3, 6, 8]]
        + [[3, 8, 9], [4, 9, 5], [2, 4, 11], [6, 2, 10], [8, 6, 7], [9, 8, 1]]
    )
    for _ in range(level):
        edges = np.sort(np.concatenate([tris[:, [0, 1]], tris[:, [1, 2]], tris[:, [2, 0]]]), 1)
        uniq, inv = np.unique(edges, axis=0, return_inverse=True)
        mid = len(rr) + inv.reshape(3, -1)
        rr = np.vstack([rr, (rr[uniq[:, 0]] + rr[uniq[:, 1]]) / 2])
        a, b, c = tris.T
        ab, bc, ca = mid
        tris = np.concatenate(
            [np.c_[a, ab, ca], np.c_[b, bc, ab], np.c_[c, ca, bc], np.c_[ab, bc, ca]]
        )
    rr /= np.linalg.norm(rr, axis=1, keepdims=True)
    if _signed_volume(rr, tris) < 0:
        tris = tris[:, ::-1]
    return rr, tris


def ray_radii(rr: np.ndarray, tris: np.ndarray, centre: np.ndarray, dirs: np.ndarray) -> np.ndarray:
    """Distance from ``centre`` along each unit direction to a closed surface (farthest hit).

    Moeller-Trumbore intersection, vectorised over triangles; NaN where a ray misses.
    """
    v0 = rr[tris[:, 0]] - centre
    e1, e2 = rr[tris[:, 1]] - rr[tris[:, 0]], rr[tris[:, 2]] - rr[tris[:, 0]]
    out = np.full(len(dirs), np.nan)
    for start in range(0, len(dirs), 256):
        d = dirs[start : start + 256, None, :]
        p = np.cross(d, e2)
        det = np.einsum("rtk,tk->rt", p, e1)
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = 1.0 / det
            s = -v0
            u = np.einsum("rtk,tk->rt", p, s) * inv
            q = np.cross(s, e1)
            v = np.einsum("tk,rk->rt", q, d[:, 0]) * inv
            t = np.einsum("tk,tk->t", q, e2) * inv
        hit = (u >= -1e-9) & (v >= -1e-9) & (u + v <= 1 + 1e-9) & (t > 0) & np.isfinite(t)
        out[start : start + 256] = np.where(hit.any(1), np.where(hit, t, -np.inf).max(1), np.nan)
    return out


def default_head_surfaces(
    ico: int | tuple[int, int, int] = 3,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The three BEM shells of tvb-data in the tvb frame (mm), resampled on an icosphere.

    Parameters
    ----------
    ico : int | tuple of int
        Icosphere subdivision level (3: 642 vertices, 4: 2562), one for all shells or one each
        for inner skull, outer skull and scalp (MNE's nesting check may reject mixed levels).
        The default 3 builds BEM + lead field in ~25 s; 4 takes ~2.5 min on 2 cores and agrees
        no better with TVB's independent lead field (r 0.91 vs 0.93 at vertex level).

    Returns
    -------
    surfaces : dict
        ``"inner_skull"``, ``"outer_skull"``, ``"outer_skin"`` -> (vertices in mm, triangles).
    """
    rot, offset = HEAD_TO_TVB
    shells = {
        n: read_tvb_surface(f"{n}_4096") for n in ("inner_skull", "outer_skull", "outer_skin")
    }
    centre = shells["inner_skull"][0].mean(0)
    levels = (ico,) * 3 if isinstance(ico, int) else tuple(ico)
    out = {}
    for level, (name, (rr, t)) in zip(levels, shells.items(), strict=True):
        dirs, tris = icosphere(level)
        radii = ray_radii(rr, t, centre, dirs)
        if np.isnan(radii).any():
            raise RuntimeError(f"{name} is not star-shaped around its centre; cannot resample")
        # np.linalg.det(rot) = +1: a proper rotation keeps the outward triangle orientation
        out[name] = ((centre + HEAD_SCALE * radii[:, None] * dirs) @ rot.T + offset, tris.copy())
    return out


def shells_digest() -> str:
    """SHA-256 of the three head-shell zip files (cheap cache key for the default head)."""
    h = hashlib.sha256()
    for name in ("inner_skull", "outer_skull", "outer_skin"):
        h.update((tvb_data_dir() / "surfaceData" / f"{name}_4096.zip").read_bytes())
    return h.hexdigest()


def read_tvb_sensors(name: str = "eeg_brainstorm_65") -> tuple[list[str], np.ndarray]:
    """Electrode names (10-10, e.g. ``"T8"`` for ``"T8/T4"``) and positions (mm, tvb frame)."""
    path = tvb_data_dir() / "sensors" / f"{name}.txt"
    if not path.exists():
        raise ValueError(f"no tvb-data sensor file {name!r}; expected {path}")
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    names = [r[0].split("/")[0] for r in rows]
    pos = np.array([[float(x) for x in r[1:4]] for r in rows]) + SENSORS_TO_TVB
    return names, pos


def project_to_surface(
    pos: np.ndarray, rr: np.ndarray, tris: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Project points (mm) radially onto a star-shaped surface; returns (projected, distance mm)."""
    centre = rr.mean(0)
    vec = pos - centre
    dirs = vec / np.linalg.norm(vec, axis=1, keepdims=True)
    radii = ray_radii(rr, tris, centre, dirs)
    proj = centre + radii[:, None] * dirs
    return proj, np.linalg.norm(proj - pos, axis=1)


def place_sensors_on_scalp(
    names: list[str], pos: np.ndarray, scalp: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """Project electrodes (mm) onto the scalp, logging how far they moved.

    Raises
    ------
    ValueError
        If the electrodes are far off this head (median distance above
        :data:`MAX_MEDIAN_SENSOR_DISTANCE_MM`), i.e. they are in another coordinate frame.
    """
    proj, dist = project_to_surface(pos, *scalp)
    med = float(np.median(dist))
    if not np.isfinite(dist).all() or med > MAX_MEDIAN_SENSOR_DISTANCE_MM:
        raise ValueError(
            f"sensors are far off the scalp (median {med:.0f} mm > "
            f"{MAX_MEDIAN_SENSOR_DISTANCE_MM:.0f} mm); give positions in mm in the head's frame"
        )
    if dist.max() > 1.0:
        worst = names[int(np.argmax(dist))]
        logger.info(
            "projected %d electrodes onto the scalp (median %.1f mm, max %.1f mm at %s)",
            int((dist > 1.0).sum()),
            med,
            float(dist.max()),
            worst,
        )
    return proj


# --- cache ---------------------------------------------------------------------------------


def input_hash(*arrays: np.ndarray, **params: object) -> str:
    """Short SHA-256 of arrays (bytes, shape, dtype) and parameters, plus library versions."""
    h = hashlib.sha256(f"{CACHE_VERSION}|{mne.__version__}|{sorted(params.items())!r}".encode())
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.shape}{a.dtype}".encode())
        h.update(a.tobytes())
    return h.hexdigest()[:20]


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then rename it into place.

    A run killed half way leaves at most a stray temporary file, never a truncated ``path``.
    The temporary name keeps the suffix of ``path`` so that writers which check it accept it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix="-" + path.name)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


@contextlib.contextmanager
def _subject_dir(surfaces: dict[str, tuple[np.ndarray, np.ndarray]]) -> Iterator[Path]:
    """A throwaway FreeSurfer-style subjects dir holding ``bem/<name>.surf`` files."""
    with tempfile.TemporaryDirectory(prefix="wholebrain-subj-") as tmp:
        bem = Path(tmp) / "tvb" / "bem"
        bem.mkdir(parents=True)
        for name, (rr, tris) in surfaces.items():
            mne.write_surface(str(bem / f"{name}.surf"), rr, tris, overwrite=True)
        yield Path(tmp)


def make_default_bem(
    ico: int | tuple[int, int, int] = 3, cache: str | os.PathLike | None = None, verbose=None
):
    """Three-layer BEM solution for tvb-data's head, built with MNE and cached on disk.

    The shells go through :func:`mne.make_bem_model`, which checks that they are closed, nested
    and not intersecting, then :func:`mne.make_bem_solution` (linear collocation).

    Parameters
    ----------
    ico : int | tuple of int
        Icosphere level(s) of the resampled shells (see :func:`default_head_surfaces`).
    cache : path-like | None
        Cache folder (see :func:`wholebrain.cache.cache_dir`).
    verbose : bool | str | int | None
        MNE verbosity for the BEM steps.

    Returns
    -------
    bem : mne.bem.ConductorModel
    """
    surfaces = default_head_surfaces(ico)
    key = input_hash(*(a for s in surfaces.values() for a in s), conductivity=CONDUCTIVITY)
    path = cache_dir(cache) / f"tvb-head-{key}-bem-sol.fif"
    if path.exists():
        return mne.read_bem_solution(path, verbose=verbose)
    with _subject_dir(surfaces) as subjects_dir:
        model = mne.make_bem_model(
            "tvb", ico=None, conductivity=CONDUCTIVITY, subjects_dir=subjects_dir, verbose=verbose
        )
    bem = mne.make_bem_solution(model, verbose=verbose)
    atomic_write(path, lambda tmp: mne.write_bem_solution(tmp, bem, overwrite=True, verbose=False))
    return bem
