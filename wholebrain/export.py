"""Export sensor EEG (FIF, EDF, BrainVision, CSV, NPZ).

Nothing of the user's is overwritten and nothing is left half-written: every file an export
will write is checked before the first byte goes out (an existing one is refused unless
``overwrite=True``), the writer fills a temporary folder next to the target, and the finished
files are renamed into place only when all of them are complete; a failure during those
renames puts back whatever was there before. CSV and NPZ get a sidecar JSON (same stem,
``.json``) with units and provenance. :func:`stage` and the ``check_*`` functions are the
shared layer of every writer here (also :func:`wholebrain.bids.export_bids`).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mne
import numpy as np

#: file suffix -> format name
FORMATS = {".fif": "fif", ".edf": "edf", ".vhdr": "brainvision", ".csv": "csv", ".npz": "npz"}

# EDF states each signal's physical minimum and maximum in an 8-character ASCII field; MNE
# writes volts as µV there, so these are the widest bounds a header can state (the sign takes
# one character of the minimum)
_EDF_PHYSICAL = (-9_999_999.0, 99_999_999.0)
# ... and rounds them to the decimals that fit, at worst 1e-6 units: below this span (in
# units, µV for EEG) the rounding widens the range enough to coarsen the 16-bit steps
_EDF_MIN_SPAN = 1e-4


class ExportExistsError(FileExistsError, ValueError):
    """A file an export would write exists and ``overwrite`` is False.

    Also a :class:`ValueError`, the type this error had before, so callers catching that
    keep working.
    """


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


# ---------------------------------------------------------------------------- checks
def check_folder(folder: str | os.PathLike, what: str = "export folder") -> Path:
    """Raise a one-line OSError unless ``folder`` is an existing folder this user can write."""
    folder = Path(folder)
    if not folder.is_dir():
        found = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if found is not None and not found.is_dir():
            where = "it is a file" if found == folder else f"{found} is a file"
            raise NotADirectoryError(f"{what} {folder} is not a folder: {where}")
        raise FileNotFoundError(f"{what} {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(f"{what} {folder} is not writable")
    return folder


def check_overwrite(paths: Iterable[str | os.PathLike], overwrite: bool) -> None:
    """Refuse, before anything is written, to replace any of ``paths`` unless ``overwrite``."""
    for path in map(Path, paths):
        if path.is_dir():
            raise IsADirectoryError(f"{path} is a folder; export to a file name")
        if not overwrite and (path.exists() or path.is_symlink()):
            raise ExportExistsError(
                f"{path} exists; pass overwrite=True (CLI: --overwrite) to replace it"
            )


def check_finite(raw: mne.io.BaseRaw, data: np.ndarray | None = None) -> np.ndarray:
    """Refuse NaN or infinite samples (every format); returns the data (V).

    EDF and BrainVision readers, EEGLAB and most analysis code fail or mislead on them, and in
    simulated EEG they mean a diverged run, so no format here carries them.
    """
    data = raw.get_data() if data is None else data
    bad = ~np.isfinite(data)
    if bad.any():
        ch, sample = np.argwhere(bad)[0]
        value = data[ch, sample]
        n_ch = int(bad.any(axis=1).sum())
        raise ValueError(
            f"channel {raw.ch_names[ch]!r} is {value} at {raw.times[sample]:.6g} s "
            f"({int(bad.sum())} non-finite samples in {n_ch} channel(s)); EEG files cannot "
            "hold NaN or inf: repair, drop (raw.drop_channels) or crop them before exporting "
            "(a simulation that gives NaN has diverged)"
        )
    return data


def _check_edf(raw: mne.io.BaseRaw, data: np.ndarray) -> None:
    """Refuse what EDF's header cannot hold, before edfio fails on it with its own words."""
    from mne.io.constants import FIFF

    for name in raw.ch_names:
        if len(name) > 16:
            raise ValueError(
                f"channel name {name!r} is longer than the 16 characters an EDF label holds; "
                "rename it (raw.rename_channels) or export FIF or BrainVision"
            )
    # MNE writes voltage channels in µV and every other channel unscaled, with one physical
    # range per channel type (the data's min and max)
    volts = np.array([ch["unit"] == FIFF.FIFF_UNIT_V for ch in raw.info["chs"]])
    scaled = np.where(volts[:, None], data * 1e6, data)
    types = np.array(raw.get_channel_types())
    for ch_type in np.unique(types):
        idx = np.flatnonzero(types == ch_type)
        lo_i, hi_i = idx[scaled[idx].min(axis=1).argmin()], idx[scaled[idx].max(axis=1).argmax()]
        lo, hi = scaled[lo_i].min(), scaled[hi_i].max()
        unit = "µV" if volts[lo_i] else "units"
        for i, v, ok in ((lo_i, lo, lo >= _EDF_PHYSICAL[0]), (hi_i, hi, hi <= _EDF_PHYSICAL[1])):
            if not ok:
                raise ValueError(
                    f"channel {raw.ch_names[i]!r} reaches {v:.4g} {unit}, beyond what EDF's "
                    f"8-character physical minimum/maximum can state ({_EDF_PHYSICAL[0]:.0f} "
                    f"to {_EDF_PHYSICAL[1]:.0f} {unit}, about -10 to +100 V); rescale the data "
                    "or export FIF or BrainVision"
                )
        if 0 < hi - lo < _EDF_MIN_SPAN:
            raise ValueError(
                f"{ch_type} channels span only {hi - lo:.3g} {unit} (e.g. {raw.ch_names[hi_i]!r}"
                f"), too little for EDF's 8-character physical minimum/maximum (needs at least "
                f"{_EDF_MIN_SPAN:g} {unit}); rescale the data or export FIF or BrainVision"
            )


# ---------------------------------------------------------------------------- staging
@contextmanager
def stage(
    dest: str | os.PathLike,
    target: str | os.PathLike,
    *,
    overwrite: bool,
    keep: Iterable[str | os.PathLike] = (),
    merged: Iterable[str | os.PathLike] = (),
    remove: Iterable[str | os.PathLike] = (),
) -> Iterator[Path]:
    """A temporary folder standing in for ``dest``: what is written in it lands in ``dest``.

    The folder is made in ``dest`` (or next to it when ``dest`` does not exist yet). When the
    block ends without error, every file in it is moved to the same place under ``dest``,
    refusing existing files unless ``overwrite``. Paths relative to ``dest``: ``keep`` files
    are never moved (the user's copy stays), ``merged`` files may replace the user's (they
    were made from it, e.g. a table with a row added), ``remove`` files are deleted (stale
    parts of what is replaced). If a move fails, the moved files are removed and the replaced
    or deleted ones put back. Any error leaves no temporary file and names ``target``, never
    the temporary folder.
    """
    dest, target = Path(dest), Path(target)
    home = dest if dest.is_dir() else dest.parent
    try:
        tmp = Path(tempfile.mkdtemp(dir=home, prefix=".tmp-export-"))
    except OSError as err:
        raise PermissionError(f"export folder {home} is not writable ({err.strerror})") from None
    try:
        yield tmp
        files = sorted(p.relative_to(tmp) for p in tmp.rglob("*") if not p.is_dir())
        files = [rel for rel in files if rel not in set(map(Path, keep))]
        merged = set(map(Path, merged))
        check_overwrite((dest / rel for rel in files if rel not in merged), overwrite)
        _commit(tmp, dest, files, [Path(r) for r in remove if Path(r) not in files])
    except (ExportExistsError, IsADirectoryError):
        raise
    except Exception as err:
        raise _naming(err, tmp, dest, target) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _naming(err: Exception, tmp: Path, dest: Path, target: Path) -> Exception:
    """``err`` with its temporary paths replaced by the final ones, prefixed by ``target``."""
    lines = str(err).strip().splitlines() or [type(err).__name__]
    msg = lines[0].replace(str(tmp), str(dest)).replace(tmp.name + os.sep, "")
    if str(target) not in msg:
        msg = f"exporting {target} failed: {msg}"
    try:
        return type(err)(msg)
    except Exception:  # an exception type that takes other arguments
        return RuntimeError(msg)


def _commit(tmp: Path, dest: Path, files: list[Path], remove: list[Path]) -> None:
    backup = Path(tempfile.mkdtemp(dir=tmp, prefix=".replaced-"))
    moved: list[Path] = []
    set_aside: list[tuple[Path, Path]] = []  # (backup, original place)
    made: list[Path] = []

    def put_aside(rel: Path) -> None:
        if (dest / rel).exists():
            (backup / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(dest / rel, backup / rel)
            set_aside.append((backup / rel, dest / rel))

    try:
        for rel in files:
            target = dest / rel
            missing = [p for p in (target.parent, *target.parent.parents) if not p.exists()]
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
            put_aside(rel)
            os.replace(tmp / rel, target)
            moved.append(target)
        for rel in remove:
            put_aside(rel)
    except BaseException:
        for target in reversed(moved):
            target.unlink(missing_ok=True)
        for saved, target in reversed(set_aside):
            os.replace(saved, target)
        for folder in reversed(made):
            shutil.rmtree(folder, ignore_errors=True)  # made by this export: holds only its files
        raise


# ---------------------------------------------------------------------------- export
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
        EEG in V (e.g. from :meth:`wholebrain.forward.Forward.to_raw`). NaN or infinite samples
        are refused for every format (:func:`check_finite`).
    path : path-like
        Target file in an existing, writable folder: ``.fif``, ``.edf``, ``.vhdr`` (writes
        ``.vhdr``, ``.vmrk``, ``.eeg``), ``.csv`` or ``.npz`` (each with a ``.json`` sidecar).
    fmt : str | None
        ``"fif"``, ``"edf"``, ``"brainvision"``, ``"csv"`` or ``"npz"``.
    overwrite : bool
        Replace existing files; without it, an existing target, companion (``.vmrk``,
        ``.eeg``) or sidecar raises :class:`ExportExistsError` before anything is written.
    extra_provenance : mapping | None
        Added to the sidecar JSON (CSV/NPZ), e.g. simulation parameters and seed.

    Returns
    -------
    path : Path

    Notes
    -----
    EDF stores 16-bit samples between a physical minimum and maximum written as 8 ASCII
    characters (µV for EEG). Amplitudes whose range cannot be stated there (below about
    -10 V or above +100 V, or spanning less than 1e-4 µV) are refused with a ValueError that
    names the channel, rather than rescaled: a file in other units than µV would surprise EEG
    software, and such values usually mean wrong units upstream. So are channel names longer
    than EDF's 16-character labels. FIF and BrainVision (32-bit floats) have no such limit.
    """
    path = Path(path)
    fmt = _format_of(path, fmt)
    check_folder(path.parent)
    outputs = [path]
    if fmt == "brainvision":
        outputs += [path.with_suffix(".vmrk"), path.with_suffix(".eeg")]
    elif fmt in ("csv", "npz"):
        outputs.append(path.with_suffix(".json"))
    if len(set(outputs)) < len(outputs):
        raise ValueError(f"{path}: the {fmt} export writes {outputs}; choose another suffix")
    check_overwrite(outputs, overwrite)
    data = check_finite(raw)
    if fmt == "edf":
        _check_edf(raw, data)
    with stage(path.parent, path, overwrite=overwrite) as tmp:
        target = tmp / path.name
        if fmt == "fif":
            raw.save(target, overwrite=True, verbose=False)
        elif fmt in ("edf", "brainvision"):
            mne.export.export_raw(target, raw, fmt=fmt, overwrite=True, verbose=False)
        else:
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
