"""Recorded propofol EEG: three 30 s, 64-channel segments of one volunteer (Purdon et al. 2013).

The files (``eeganes07laplac250_detrend_all_t*.mat``, from the public tutorial repository
``TomDonoghue/NESSTutorial2023``) are *not* part of this repository. They are looked up in, in
order: the ``path`` argument, the environment variable ``WHOLEBRAIN_PURDON_DIR``, and
``../shared/reference/eeg_propofol_purdon/`` next to the repository root.

Channel names
    The files give no channel names, only a 9 x 11 grid placing the 64 channel indices on a
    top-down scalp layout (row 0 most anterior, row 8 most posterior; column 0 is one side,
    column 10 the other; the side is not documented). Channel ``k`` (column ``k`` of ``y``)
    is named ``"R{row}C{col}"`` from its grid cell, e.g. channel 41 -> ``"R2C8"`` (frontal,
    strong propofol alpha), channel 52 -> ``"R6C6"`` (posterior, strong awake alpha). Channels
    keep the file's order.

Groups (approximate)
    :data:`GRID_GROUPS`: frontal = grid rows 0-1 (8 channels), central = rows 2-6 (48),
    posterior = rows 7-8 (8), as in the data's README. :func:`purdon_groups` turns the names
    back into these groups for :func:`wholebrain.analysis.features`.

Montage
    A *schematic* montage places each grid cell on a sphere (2.1 cm between rows, 1.7 cm
    between columns, radius 9.5 cm), good enough for topographic plots only.

Units and reference
    ``y`` is in microvolts, Laplacian-referenced, filtered and detrended; it is converted to
    volts and the reference is marked custom (``set_eeg_reference([])``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import mne
import numpy as np
import scipy.io

#: Environment variable overriding the folder of the recorded files.
PURDON_DIR_ENV = "WHOLEBRAIN_PURDON_DIR"
#: Default folder, relative to the repository root.
DEFAULT_PURDON_DIR = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference"
DEFAULT_PURDON_DIR = (DEFAULT_PURDON_DIR / "eeg_propofol_purdon").resolve()
#: State -> file name (segment start in s after the recording's start in the name: t180 ...).
PURDON_FILES: dict[str, str] = {
    "awake": "eeganes07laplac250_detrend_all_t180.mat",
    "low": "eeganes07laplac250_detrend_all_t3070.mat",
    "high": "eeganes07laplac250_detrend_all_t4710.mat",
}
#: Approximate channel groups by grid row (0 = most anterior).
GRID_GROUPS: dict[str, tuple[int, ...]] = {
    "frontal": (0, 1),
    "central": (2, 3, 4, 5, 6),
    "posterior": (7, 8),
}
_NAME = re.compile(r"^R(\d+)C(\d+)$")
# schematic electrode spacing on the scalp and head radius, m
_ROW_STEP, _COL_STEP, _HEAD_RADIUS = 0.021, 0.017, 0.095


def grid_channel_name(row: int, col: int) -> str:
    """Name of the channel in grid cell (``row``, ``col``): ``"R{row}C{col}"``."""
    return f"R{row}C{col}"


def purdon_dir(path: str | Path | None = None) -> Path:
    """Folder holding the recorded files (argument, then $WHOLEBRAIN_PURDON_DIR, then default).

    Raises
    ------
    FileNotFoundError
        If the folder does not exist, naming the ways to point at it.
    """
    where = path if path is not None else os.environ.get(PURDON_DIR_ENV) or DEFAULT_PURDON_DIR
    where = Path(where).expanduser()
    if not where.is_dir():
        raise FileNotFoundError(
            f"recorded EEG folder {str(where)!r} not found; pass path=... or set "
            f"{PURDON_DIR_ENV} to the folder holding {PURDON_FILES['awake']} (and the other two)"
        )
    return where


def purdon_available(path: str | Path | None = None) -> bool:
    """Whether the folder :func:`purdon_dir` finds exists and holds all three segments."""
    try:
        folder = purdon_dir(path)
    except FileNotFoundError:
        return False
    return all((folder / f).is_file() for f in PURDON_FILES.values())


#: rows and columns of the Purdon files' channel grid
GRID_SHAPE = (9, 11)


def grid_cell(name: str) -> tuple[int, int] | None:
    """(row, column) of a grid channel name ``"R{row}C{col}"``, or None for another name."""
    m = _NAME.match(name)
    return None if m is None else (int(m.group(1)), int(m.group(2)))


def grid_position(name: str) -> np.ndarray:
    """Schematic 3-D position (m, head frame: x right, y anterior, z up) of a grid channel
    ``"R{row}C{col}"``: the top-down grid laid on a sphere centred at the vertex."""
    cell = grid_cell(name)
    if cell is None:
        raise ValueError(f"channel {name!r} is not a grid name 'R<row>C<col>'")
    row, col = cell
    n_rows, n_cols = GRID_SHAPE
    x = (col - (n_cols - 1) / 2) * _COL_STEP
    y = ((n_rows - 1) / 2 - row) * _ROW_STEP
    z = np.sqrt(max(_HEAD_RADIUS**2 - x**2 - y**2, 0.0))
    return np.array([x, y, z])


def _grid_positions(grid: np.ndarray) -> dict[str, np.ndarray]:
    """Schematic positions of every channel of a file's grid (:func:`grid_position`)."""
    if grid.shape != GRID_SHAPE:
        raise ValueError(f"channel grid of shape {grid.shape}, expected {GRID_SHAPE}")
    return {
        grid_channel_name(r, c): grid_position(grid_channel_name(r, c))
        for r, c in zip(*np.nonzero(np.isfinite(grid)), strict=True)
    }


def load_purdon(
    state: str, path: str | Path | None = None, montage: bool = True
) -> mne.io.RawArray:
    """Load one recorded segment as an MNE Raw.

    Parameters
    ----------
    state : ``"awake"`` | ``"low"`` | ``"high"``
        Baseline, unconscious at the lower, or at the higher propofol level.
    path : str | Path | None
        Folder of the files (default: see :func:`purdon_dir`).
    montage : bool
        Attach the schematic grid montage (for plotting only).

    Returns
    -------
    mne.io.RawArray
        64 EEG channels named ``R{row}C{col}``, volts, 250 Hz, 30 s. Use
        :func:`purdon_groups` for the frontal/central/posterior groups.
    """
    if state not in PURDON_FILES:
        raise ValueError(f"state must be one of {sorted(PURDON_FILES)}, got {state!r}")
    file = purdon_dir(path) / PURDON_FILES[state]
    if not file.is_file():
        raise FileNotFoundError(
            f"{file.name} missing from {str(file.parent)!r}; copy all three files there "
            f"or point path= / {PURDON_DIR_ENV} at the full folder"
        )
    mat = scipy.io.loadmat(file, squeeze_me=True)
    y, sfreq, grid = (
        np.asarray(mat["y"], float),
        float(mat["Fs"]),
        np.asarray(mat["egrid_0indexed"]),
    )
    names = [""] * y.shape[1]
    for row, col in zip(*np.nonzero(np.isfinite(grid)), strict=True):
        names[int(grid[row, col])] = grid_channel_name(row, col)
    if "" in names:
        raise ValueError(f"{file.name}: the channel grid does not place every channel of y")
    info = mne.create_info(names, sfreq, ch_types="eeg")
    info["description"] = (
        f"Purdon et al. 2013 volunteer eeganes07, {state}, t = {float(mat['ta'][0]):g} s; "
        "Laplacian reference, filtered, detrended"
    )
    raw = mne.io.RawArray(y.T * 1e-6, info, verbose=False)  # file is in uV, MNE wants V
    raw.set_eeg_reference([], verbose=False)  # Laplacian: already referenced, keep as is
    if montage:
        dig = mne.channels.make_dig_montage(_grid_positions(grid), coord_frame="head")
        raw.set_montage(dig, verbose=False)
    return raw


def purdon_groups(inst: mne.io.BaseRaw | Sequence[str]) -> dict[str, list[str]]:
    """Frontal / central / posterior channel groups of grid-named channels (:data:`GRID_GROUPS`).

    Parameters
    ----------
    inst : mne.io.BaseRaw | sequence of str
        A Raw from :func:`load_purdon` (or its channel names).

    Returns
    -------
    dict of str to list of str
        Group name -> channel names; for :func:`wholebrain.analysis.features` ``groups=``.
    """
    names = inst.ch_names if isinstance(inst, mne.io.BaseRaw) else list(inst)
    groups: dict[str, list[str]] = {g: [] for g in GRID_GROUPS}
    for name in names:
        cell = grid_cell(name)
        if cell is None:
            raise ValueError(
                f"channel {name!r} is not a grid name 'R<row>C<col>'; purdon_groups only "
                "works on data from load_purdon (use groups_by_position for other EEG)"
            )
        for g, rows in GRID_GROUPS.items():
            if cell[0] in rows:
                groups[g].append(name)
    return groups
