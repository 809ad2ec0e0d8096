"""Reading and writing connectome files: TVB-style zip/folders, NPZ, MAT, CSV and NPY.

Every reader returns plain arrays plus the labels found in the file (or ``None``); turning
them into a validated :class:`wholebrain.connectome.Connectome` is the caller's job, so
that one place (``Connectome.__post_init__``) holds every check.

TVB-style layout (as in ``tvb_data/connectivity/*.zip``): ``weights.txt``,
``tract_lengths.txt`` (mm), ``centres.txt`` (``label x y z`` per line, extra columns
ignored), optional ``cortical.txt``, ``hemispheres.txt`` (1 = right), ``areas.txt`` (mm^2),
``average_orientations.txt`` and ``info.txt``. Any member may be ``.bz2``-compressed and
the members may sit in one sub-folder of the zip (``connectivity_192/weights.txt``).
"""

from __future__ import annotations

import bz2
import io
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# single matrices and label lists (CSV, TSV, TXT, NPY): tables.py, re-exported here
from .tables import read_labels, read_matrix, save_matrix

__all__ = [
    "infer_hemispheres",
    "read_labels",
    "read_matrix",
    "read_npz",
    "read_mat",
    "read_tvb",
    "save_matrix",
    "write_mat",
    "write_npz",
    "write_tvb",
]

_TVB_MEMBERS = (
    "weights",
    "tract_lengths",
    "centres",
    "cortical",
    "hemispheres",
    "areas",
    "average_orientations",
    "info",
)

# Rules naming the hemisphere in common atlases, tried in order (first match wins): "Left-Thalamus"
# / "lh.precentral" (FreeSurfer), "lA1" / "rPUL.L" / "r_insula" (TVB 76, 192, 68; the glued
# prefix must win over the ".L" suffix of "rPUL.L", right lateral pulvinar), "ctx-rh-insula",
# "RM-V1_R" (TVB 96), "Precentral_L" (AAL).
_HEMI_RULES = tuple(
    (re.compile(pattern.format(side=side), flags), side[0].upper())
    for side in ("left|lh|l", "right|rh|r")
    for pattern, flags in (
        (r"^(?:{side})(?=[\s_.\-])", re.IGNORECASE),
        (r"^{side}(?=[A-Z])", 0),
        (r"[_.\-](?:{side})[_.\-]", re.IGNORECASE),
        (r"[\s_.\-](?:{side})$", re.IGNORECASE),
    )
)
_RULE_ORDER = (0, 4, 1, 5, 2, 6, 3, 7)  # each rule for L then R before the next, weaker rule


def infer_hemispheres(labels: Sequence[str]) -> np.ndarray:
    """Hemisphere of each region from its label: ``"L"``, ``"R"`` or ``""`` (unknown/midline).

    A bare ``l``/``r`` prefix counts only when lower case and followed by an upper-case letter
    (``lA1``) or a separator (``r_insula``), so ``LGN`` or ``Rostral`` stay unknown.
    """
    out = []
    for label in labels:
        hemi = ""
        for index in _RULE_ORDER:
            pattern, side = _HEMI_RULES[index]
            if pattern.search(label):
                hemi = side
                break
        out.append(hemi)
    return np.array(out, dtype="<U1")


# ---------------------------------------------------------------------------- TVB zip/folder
def _tvb_members(path: Path) -> dict[str, bytes]:
    """Raw (decompressed) bytes of each known TVB member, by stem."""
    if path.is_dir():
        entries = {p.relative_to(path).as_posix(): p for p in path.rglob("*") if p.is_file()}
        read = {name: p.read_bytes for name, p in entries.items()}
    elif zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as err:
            raise ValueError(f"{path} is a damaged zip file ({err}); write it again") from None
        read = {name: (lambda n=name: archive.read(n)) for name in archive.namelist()}
    else:
        raise ValueError(f"{path} is neither a zip file nor a folder; pass a TVB-style zip/folder")
    found: dict[str, bytes] = {}
    for name, reader in read.items():
        base = name.rsplit("/", 1)[-1]
        compressed = base.endswith(".bz2")
        stem = base.removesuffix(".bz2").removesuffix(".txt")
        if stem in _TVB_MEMBERS and stem not in found:
            try:
                data = reader()
                found[stem] = bz2.decompress(data) if compressed else data
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as err:
                raise ValueError(
                    f"{path}: the member {name} is damaged ({type(err).__name__}: {err}); "
                    "download or write the file again"
                ) from None
    return found


def _loadtxt(data: bytes, **kw: Any) -> np.ndarray:
    return np.loadtxt(io.BytesIO(data), **kw)


def read_tvb(path: str | Path) -> dict[str, Any]:
    """Read a TVB-style connectivity zip or folder.

    Returns
    -------
    dict
        ``weights``, ``tract_lengths_mm``, ``labels`` (list of str) and, when present,
        ``centres_mm``, ``cortical``, ``hemispheres`` (``"L"``/``"R"``), ``areas_mm2``,
        ``orientations``, ``frame`` and ``name`` (from ``info.txt``).
    """
    path = Path(path)
    members = _tvb_members(path)
    missing = [m for m in ("weights", "tract_lengths", "centres") if m not in members]
    if missing:
        raise ValueError(
            f"{path} lacks {', '.join(m + '.txt' for m in missing)}; a TVB-style connectivity "
            "needs weights.txt, tract_lengths.txt and centres.txt (label x y z per line)"
        )
    lines = [ln.split() for ln in members["centres"].decode().splitlines() if ln.strip()]
    out: dict[str, Any] = {
        "weights": _loadtxt(members["weights"], ndmin=2),
        "tract_lengths_mm": _loadtxt(members["tract_lengths"], ndmin=2),
        "labels": [ln[0] for ln in lines],
        "centres_mm": np.array([[float(v) for v in ln[1:4]] for ln in lines]).reshape(-1, 3),
    }
    if "cortical" in members:
        out["cortical"] = _loadtxt(members["cortical"], ndmin=1).astype(bool)
    if "hemispheres" in members:
        right = _loadtxt(members["hemispheres"], ndmin=1).astype(bool)
        out["hemispheres"] = np.where(right, "R", "L")
    if "areas" in members:
        out["areas_mm2"] = _loadtxt(members["areas"], ndmin=1)
    if "average_orientations" in members:
        out["orientations"] = _loadtxt(members["average_orientations"], ndmin=2)
    if "info" in members:
        # TVB's info.txt holds `key = "value"` lines, sometimes without line breaks
        for key, value in re.findall(r'(\w+)\s*=\s*"([^"]*)"', members["info"].decode()):
            if key in ("frame", "name"):
                out[key] = value
    return out


def write_tvb(fields: dict[str, Any], path: str | Path) -> None:
    """Write ``fields`` (as returned by :func:`read_tvb`) as a TVB-style zip or folder.

    A path ending in ``.zip`` gives a zip file; any other path gives a folder.
    """
    path = Path(path)
    texts: dict[str, str] = {}

    def table(array: np.ndarray) -> str:
        buffer = io.StringIO()
        np.savetxt(buffer, np.atleast_1d(array), fmt="%.17g")
        return buffer.getvalue()

    texts["weights.txt"] = table(fields["weights"])
    texts["tract_lengths.txt"] = table(fields["tract_lengths_mm"])
    texts["centres.txt"] = "".join(
        f"{label} {x!r} {y!r} {z!r}\n"
        for label, (x, y, z) in zip(
            fields["labels"], np.asarray(fields["centres_mm"]).tolist(), strict=True
        )
    )
    texts["cortical.txt"] = table(np.asarray(fields["cortical"], dtype=int))
    # TVB stores a right-hemisphere flag; "" (midline/unknown) is lost there, see info.txt
    texts["hemispheres.txt"] = table((np.asarray(fields["hemispheres"]) == "R").astype(int))
    if fields.get("areas_mm2") is not None:
        texts["areas.txt"] = table(fields["areas_mm2"])
    if fields.get("orientations") is not None:
        texts["average_orientations.txt"] = table(fields["orientations"])
    texts["info.txt"] = (
        'weights_unit = "au"\nlength_unit = "mm"\narea_unit = "mm^2"\n'
        f'frame = "{fields["frame"]}"\nname = "{fields.get("name", "")}"\n'
    )
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in texts.items():
                archive.writestr(name, text)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, text in texts.items():
            (path / name).write_text(text)


# ---------------------------------------------------------------------------- NPZ / MAT
_ARRAY_FIELDS = ("weights", "tract_lengths_mm", "centres_mm", "hemispheres", "cortical")
_OPTIONAL_FIELDS = ("areas_mm2", "orientations")


def write_npz(fields: dict[str, Any], path: str | Path) -> None:
    """Write every field losslessly to a ``.npz`` file (no pickles)."""
    arrays = {k: np.asarray(fields[k]) for k in _ARRAY_FIELDS}
    arrays["labels"] = np.asarray(fields["labels"], dtype=str)
    arrays["frame"] = np.asarray(fields["frame"])
    arrays["name"] = np.asarray(fields["name"])
    for key in _OPTIONAL_FIELDS:
        if fields.get(key) is not None:
            arrays[key] = np.asarray(fields[key])
    np.savez(path, **arrays)


def read_npz(path: str | Path) -> dict[str, Any]:
    """Read a file written by :func:`write_npz`."""
    try:
        with np.load(path, allow_pickle=False) as data:
            out: dict[str, Any] = {k: data[k] for k in data.files}
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as err:
        raise ValueError(
            f"{path} is not a readable .npz file ({type(err).__name__}: {err})"
        ) from None
    missing = [k for k in ("labels", "weights") if k not in out]
    if missing:
        raise ValueError(
            f"{path} has no {' or '.join(missing)} array (it has {sorted(out)}); a connectome "
            "NPZ needs at least 'weights' and 'labels' (Connectome.save writes them)"
        )
    out["labels"] = [str(s) for s in out["labels"]]
    for key in ("frame", "name"):
        if key in out:
            out[key] = str(out[key])
    return out


def write_mat(fields: dict[str, Any], path: str | Path) -> None:
    """Write every field to a MATLAB ``.mat`` file (labels as a cell array of char)."""
    import scipy.io

    data = {k: np.asarray(fields[k]) for k in _ARRAY_FIELDS}
    data["cortical"] = data["cortical"].astype(np.uint8)
    data["hemispheres"] = np.array(list(fields["hemispheres"]), dtype=object)
    data["labels"] = np.array(list(fields["labels"]), dtype=object)
    data["frame"] = fields["frame"]
    data["name"] = fields["name"]
    for key in _OPTIONAL_FIELDS:
        if fields.get(key) is not None:
            data[key] = np.asarray(fields[key])
    scipy.io.savemat(path, data)


def _mat_strings(value: np.ndarray) -> list[str]:
    """Strings from a MATLAB cell array, char matrix or string array, whitespace-stripped."""
    flat = np.asarray(value).ravel()
    if flat.dtype.kind in "US" and np.asarray(value).ndim == 2 and np.asarray(value).shape[0] > 1:
        return [str(row).strip() for row in np.asarray(value)]  # char matrix: one row per label
    out = []
    for item in flat:
        item = np.asarray(item).ravel()
        out.append(str(item[0]).strip() if item.size else "")
    return out


def read_mat(
    path: str | Path,
    weights_key: str = "weights",
    tract_lengths_key: str = "tract_lengths",
    labels_key: str = "labels",
) -> dict[str, Any]:
    """Read a MATLAB ``.mat`` file holding at least a weight matrix.

    Parameters
    ----------
    weights_key, tract_lengths_key, labels_key : str
        Variable names of the weight matrix, tract lengths (mm) and labels. Missing tract
        lengths or labels are returned as ``None``; the other fields written by
        :func:`write_mat` (``centres_mm``, ``hemispheres``, ...) are read when present.
    """
    import scipy.io

    data = scipy.io.loadmat(path, squeeze_me=False)
    variables = sorted(k for k in data if not k.startswith("__"))
    if weights_key not in data:
        raise ValueError(
            f"{path} has no variable {weights_key!r} (it has {variables}); pass weights_key="
        )
    tl_key = tract_lengths_key if tract_lengths_key in data else "tract_lengths_mm"
    out: dict[str, Any] = {
        "weights": np.asarray(data[weights_key], dtype=float),
        "tract_lengths_mm": np.asarray(data[tl_key], dtype=float) if tl_key in data else None,
        "labels": _mat_strings(data[labels_key]) if labels_key in data else None,
    }
    for key in ("centres_mm", "areas_mm2", "orientations"):
        if key in data:
            out[key] = np.asarray(data[key], dtype=float)
    if "areas_mm2" in out:
        out["areas_mm2"] = out["areas_mm2"].ravel()
    if "cortical" in data:
        out["cortical"] = np.asarray(data["cortical"]).ravel().astype(bool)
    if "hemispheres" in data:
        out["hemispheres"] = np.array(_mat_strings(data["hemispheres"]), dtype="<U1")
    for key in ("frame", "name"):
        if key in data:
            out[key] = "".join(_mat_strings(data[key]))
    return out
