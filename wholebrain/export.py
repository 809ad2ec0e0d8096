"""Export sensor EEG (FIF, EDF, BrainVision, CSV, NPZ).

Every writer goes through a temporary folder next to the target and renames the finished files
into place, so an error or a killed run never leaves a partial file under the requested name.
CSV and NPZ get a sidecar JSON (same stem, ``.json``) with units and provenance.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mne
import numpy as np

#: file suffix -> format name
FORMATS = {".fif": "fif", ".edf": "edf", ".vhdr": "brainvision", ".csv": "csv", ".npz": "npz"}


def _format_of(path: Path, fmt: str | None) -> str:
    if fmt is None:
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise ValueError(
                f"cannot export to {path.suffix or 'a file without suffix'!r}; "
                f"use one of {sorted(FORMATS)} or pass fmt={sorted(set(FORMATS.values()))}"
            )
    elif fmt not in FORMATS.values():
        raise ValueError(
            f"unsupported export format {fmt!r}; use one of {sorted(set(FORMATS.values()))}"
        )
    return fmt


def provenance(raw: mne.io.BaseRaw, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Units, sampling and software versions of an export, plus ``extra`` (JSON-serialisable)."""
    from ._version import __version__

    return {
        "software": {"wholebrain": __version__, "mne": mne.__version__, "numpy": np.__version__},
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "sfreq_hz": raw.info["sfreq"],
        "n_channels": len(raw.ch_names),
        "n_samples": raw.n_times,
        "ch_names": list(raw.ch_names),
        "unit": "V",
        "reference": "average" if raw.info["custom_ref_applied"] else "unknown",
        **dict(extra or {}),
    }


def export_raw(
    raw: mne.io.BaseRaw,
    path: str | os.PathLike,
    fmt: str | None = None,
    *,
    overwrite: bool = False,
    extra_provenance: Mapping[str, Any] | None = None,
) -> Path:
    """Write sensor EEG to ``path``; the format follows the suffix unless ``fmt`` is given.

    Parameters
    ----------
    raw : mne.io.BaseRaw
        EEG in V (e.g. from :meth:`wholebrain.forward.Forward.to_raw`).
    path : path-like
        Target file: ``.fif``, ``.edf``, ``.vhdr`` (writes ``.vhdr``, ``.vmrk``, ``.eeg``),
        ``.csv`` or ``.npz`` (each with a ``.json`` sidecar).
    fmt : str | None
        ``"fif"``, ``"edf"``, ``"brainvision"``, ``"csv"`` or ``"npz"``.
    overwrite : bool
        Replace an existing file.
    extra_provenance : mapping | None
        Added to the sidecar JSON (CSV/NPZ), e.g. simulation parameters and seed.

    Returns
    -------
    path : Path
    """
    path = Path(path)
    fmt = _format_of(path, fmt)
    if path.exists() and not overwrite:
        raise ValueError(f"{path} exists; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".tmp-export-") as tmp:
        target = Path(tmp) / path.name
        if fmt == "fif":
            raw.save(target, overwrite=True, verbose=False)
        elif fmt in ("edf", "brainvision"):
            mne.export.export_raw(target, raw, fmt=fmt, overwrite=True, verbose=False)
        else:
            data = raw.get_data()
            if fmt == "csv":
                table = np.column_stack([raw.times, data.T])
                header = ",".join(["time_s", *raw.ch_names])
                np.savetxt(target, table, delimiter=",", header=header, comments="", fmt="%.9g")
            else:
                with open(target, "wb") as f:
                    np.savez(
                        f,
                        data=data,
                        times=raw.times,
                        ch_names=np.array(raw.ch_names),
                        sfreq=raw.info["sfreq"],
                    )
            sidecar = {"format": fmt, **provenance(raw, extra_provenance)}
            target.with_suffix(".json").write_text(json.dumps(sidecar, indent=2, default=str))
        for produced in sorted(Path(tmp).iterdir()):
            os.replace(produced, path.parent / produced.name)
    return path


def read_export(path: str | os.PathLike) -> mne.io.BaseRaw:
    """Read any file written by :func:`export_raw` back as an MNE Raw (data in V)."""
    path = Path(path)
    fmt = _format_of(path, None)
    if fmt == "fif":
        return mne.io.read_raw_fif(path, preload=True, verbose=False)
    if fmt == "edf":
        return mne.io.read_raw_edf(path, preload=True, verbose=False)
    if fmt == "brainvision":
        return mne.io.read_raw_brainvision(path, preload=True, verbose=False)
    if fmt == "csv":
        with open(path) as f:
            names = f.readline().strip().split(",")[1:]
        table = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
        sfreq = 1.0 / np.median(np.diff(table[:, 0]))
        return mne.io.RawArray(table[:, 1:].T, mne.create_info(names, sfreq, "eeg"), verbose=False)
    with np.load(path) as z:
        info = mne.create_info([str(n) for n in z["ch_names"]], float(z["sfreq"]), "eeg")
        return mne.io.RawArray(z["data"], info, verbose=False)
