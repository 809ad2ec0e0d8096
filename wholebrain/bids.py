"""Export sensor EEG as a BIDS dataset (EEG-BIDS, through MNE-BIDS).

The recording is written in BrainVision format: one of the two EEG formats BIDS recommends
(with EDF) and the one MNE-BIDS converts EEG to by default; its 32-bit floats need no range
(EDF's 16-bit samples between 8-character bounds refuse or coarsen some amplitudes, see
:func:`wholebrain.export.export_raw`) and keep the exact number of samples (EDF pads to whole
data records), and pybv, its writer, is already a dependency. wholebrain's provenance goes to
``derivatives/wholebrain/``, next to the raw data and not inside it, as BIDS asks of
anything a tool adds.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mne

from .export import check_finite, check_folder, check_overwrite, provenance, stage

#: where wholebrain's derivatives go, relative to the BIDS root
DERIVATIVES = Path("derivatives", "wholebrain")

# dataset files that MNE-BIDS reads and extends when a recording is added: copied into the
# temporary dataset so that it extends the user's (rows added to participants.tsv, scans.tsv)
_SHARED_TOP = ("participants.tsv", "participants.json")
# the user's own description and README stay as they are (MNE-BIDS would append a citation)
_KEPT_TOP = ("dataset_description.json", "README", "README.md", "README.rst", "README.txt")
_SHARED_EEG = ("*_electrodes.tsv", "*_electrodes.json", "*_coordsystem.json")
# MNE-BIDS warns about these for every simulated recording; nothing a user can act on
_EXPECTED_WARNINGS = ("No events found", "Converting data files to BrainVision", "Encountered")


def export_bids(
    raw: mne.io.BaseRaw,
    root: str | os.PathLike,
    subject: str,
    session: str | None = None,
    task: str = "propofol",
    run: int | str | None = None,
    *,
    overwrite: bool = False,
    extra_provenance: Mapping[str, Any] | None = None,
):
    """Write sensor EEG to the BIDS dataset at ``root`` (made if needed), BrainVision format.

    Parameters
    ----------
    raw : mne.io.BaseRaw
        EEG in V (e.g. from :meth:`wholebrain.forward.Forward.to_raw`); NaN or infinite
        samples are refused (:func:`wholebrain.export.check_finite`).
    root : path-like
        BIDS root folder: an existing, writable one (a dataset to add to), or a new one in an
        existing, writable folder.
    subject, session, task, run : str | None
        BIDS entities (letters and digits; ``run`` a number), e.g. ``sub-01_task-propofol``.
    overwrite : bool
        Replace this recording's files (``sub-<subject>[_ses-...]_task-<task>[_run-...]_*``)
        and its provenance sidecar; without it any of them existing raises
        :class:`wholebrain.export.ExportExistsError` before anything is written. Files that
        recordings share are extended, never replaced: rows are added to ``participants.tsv``
        and ``scans.tsv``; an existing ``dataset_description.json`` and README stay untouched.
    extra_provenance : mapping | None
        Added to the provenance sidecar, e.g. simulation parameters and seed.

    Returns
    -------
    bids_path : mne_bids.BIDSPath
        The recording's ``.vhdr``; :func:`mne_bids.read_raw_bids` reads it back (in V).

    Notes
    -----
    The provenance sidecar is
    ``derivatives/wholebrain/sub-<subject>/[ses-<session>/]eeg/<recording>_desc-provenance_eeg.json``
    (units, sampling, software versions and ``Sources``, the recording it describes).
    """
    from mne_bids import BIDSPath, write_raw_bids

    root = Path(root)
    if root.exists():
        check_folder(root, "BIDS root")
    else:
        check_folder(root.parent, "folder of the BIDS root")
    bids_path = BIDSPath(
        subject=subject, session=session, task=task, run=run, datatype="eeg", suffix="eeg",
        extension=".vhdr", root=root,
    )  # fmt: skip
    prefix = bids_path.copy().update(suffix=None, extension=None).basename
    eeg_dir = Path(bids_path.directory).relative_to(root)
    sidecar = DERIVATIVES / eeg_dir / f"{prefix}_desc-provenance_eeg.json"
    # this recording's own files: the prefix then only a suffix (not `_run-2_eeg.vhdr`)
    own = [
        p.relative_to(root)
        for p in sorted((root / eeg_dir).glob(f"{prefix}_*"), key=lambda p: p.suffix != ".vhdr")
        if not any(c in p.name[len(prefix) + 1 :].split(".")[0] for c in "_-")
    ]
    check_overwrite([root / rel for rel in (*own, sidecar)], overwrite)
    check_finite(raw)

    scans = eeg_dir.parent / f"{prefix.split('_task-')[0]}_scans"
    shared = [Path(n) for n in _SHARED_TOP] + [scans.with_suffix(s) for s in (".tsv", ".json")]
    shared += [p.relative_to(root) for g in _SHARED_EEG for p in (root / eeg_dir).glob(g)]
    kept = [Path(n) for n in _KEPT_TOP] + [DERIVATIVES / "dataset_description.json"]
    copied = [rel for rel in (*shared, *kept) if (root / rel).is_file()]
    with stage(
        root, root, overwrite=overwrite, keep=[r for r in copied if r in kept],
        merged=[r for r in copied if r in shared], remove=own,
    ) as tmp:  # fmt: skip
        for rel in copied:
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / rel, tmp / rel)
        with warnings.catch_warnings():
            for start in _EXPECTED_WARNINGS:
                warnings.filterwarnings("ignore", message=start, category=RuntimeWarning)
            write_raw_bids(
                raw, bids_path.copy().update(root=tmp), format="BrainVision",
                allow_preload=True, overwrite=overwrite, verbose=False,
            )  # fmt: skip
        _write_derivatives(raw, tmp, sidecar, bids_path, extra_provenance)
    return bids_path


def _write_derivatives(raw, tmp: Path, sidecar: Path, bids_path, extra) -> None:
    from ._version import __version__

    description = tmp / DERIVATIVES / "dataset_description.json"
    if not description.exists():
        version = json.loads((tmp / "dataset_description.json").read_text())["BIDSVersion"]
        description.parent.mkdir(parents=True, exist_ok=True)
        description.write_text(json.dumps({
            "Name": "wholebrain export provenance",
            "BIDSVersion": version,
            "DatasetType": "derivative",
            "GeneratedBy": [{"Name": "wholebrain", "Version": __version__}],
        }, indent=2))  # fmt: skip
    source = Path(bids_path.fpath).relative_to(bids_path.root).as_posix()
    meta = {"Sources": [f"bids::{source}"], "format": "brainvision", **provenance(raw, extra)}
    (tmp / sidecar).parent.mkdir(parents=True, exist_ok=True)
    (tmp / sidecar).write_text(json.dumps(meta, indent=2, default=str))


__all__ = ["DERIVATIVES", "export_bids"]
