"""How a recording was measured, so that a model is measured the same way.

A :class:`Measurement` holds what a comparison of simulated with recorded EEG must share:

- **the sensors**: the recording's channel names and positions. The model's forward model is
  built for those sensors (``wb.make_forward(con, sensors=measurement)``), so the simulated
  EEG has the recording's channels.
- **the reference**: ``"average"`` (common average over the measured channels) or
  ``"laplacian"`` (Hjorth's nearest-neighbour Laplacian: each channel minus the mean of its
  neighbours). Both are free of the recording reference, so applying the same one to
  both sides makes the two comparable whatever reference the recording was taken against.
  A recording that already carries it (the Purdon segments are Laplacian-referenced) is
  left as it is; the model gets it.
- **the channel groups** (frontal / central / posterior), by name, used on both sides.
- **the segment length**: both sides are analysed over the same number of seconds.

Where positions come from (``Measurement.mapping``)
    ``"montage"``: the recording's own positions (``raw.set_montage``). ``"10-05 names"``:
    channels without positions but with standard names get MNE's ``standard_1005`` positions.
    ``"purdon-grid"``: the Purdon segments have neither; their 9 x 11 top-down grid is laid
    on a sphere centred at the vertex, 2.1 cm between rows (row 0 most anterior) and 1.7 cm
    between columns (:mod:`wholebrain.recorded`), whose directions the forward model then
    places on its own scalp (:func:`wholebrain.leadfield.map_to_default_head`). The grid's
    left-right side is not documented; rows, and so the groups, are.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import mne
import numpy as np

__all__ = ["REFERENCES", "Measurement", "measurement_of"]

REFERENCES = ("average", "laplacian")
#: neighbours of a channel for the Laplacian of positioned (non-grid) montages
N_NEIGHBOURS = 4


@dataclass(frozen=True)
class Measurement:
    """The recording's sensors, reference, groups and segment length (module docstring).

    Attributes
    ----------
    ch_names : tuple of str
    positions_m : ndarray, shape (n_channels, 3)
        Sensor positions, MNE head frame of the recording's head (m).
    groups : dict of str to tuple of str
    reference : {"average", "laplacian"}
    neighbours : dict of str to tuple of str
        The Laplacian's neighbours of each channel (empty for the average reference).
    recording_referenced : bool
        The recording already carries ``reference``; only the model gets it.
    segment_s : float
        Seconds of data analysed on each side.
    mapping : str
        Where the positions came from.
    """

    ch_names: tuple[str, ...]
    positions_m: np.ndarray = field(repr=False)
    groups: dict[str, tuple[str, ...]]
    reference: str
    neighbours: dict[str, tuple[str, ...]] = field(repr=False)
    recording_referenced: bool
    segment_s: float
    mapping: str

    def with_segment(self, segment_s: float) -> Measurement:
        """The same measurement over ``segment_s`` seconds (e.g. a shorter model run)."""
        if not np.isfinite(segment_s) or segment_s <= 0:
            raise ValueError(f"segment_s must be a positive number of seconds, got {segment_s!r}")
        return replace(self, segment_s=float(segment_s))

    def apply(self, raw: mne.io.BaseRaw, *, recording: bool = False) -> mne.io.BaseRaw:
        """``raw``'s channels of this measurement, referenced, over the first ``segment_s``.

        ``recording=True`` for the recording itself (its reference is kept where it
        already carries this one). Raises a one-line error when channels are missing or
        the data are shorter than the segment.
        """
        missing = [c for c in self.ch_names if c not in raw.ch_names]
        if missing:
            raise ValueError(
                f"{len(missing)} channels of the measurement are not in the data (e.g. "
                f"{missing[:3]}); build the model's forward with sensors=<this measurement>"
            )
        length = raw.n_times / raw.info["sfreq"]
        if length < self.segment_s - 1e-9:
            raise ValueError(
                f"the data last {length:g} s, shorter than the measured segment of "
                f"{self.segment_s:g} s; use measurement.with_segment({length:g})"
            )
        out = raw.copy().pick(list(self.ch_names)).crop(0.0, self.segment_s, include_tmax=False)
        out.load_data()  # a file read lazily: its samples are set below
        if recording and self.recording_referenced:
            return out
        # in place on our own copy: MNE has no public setter for the samples
        out._data = self._reference_operator @ out.get_data()  # noqa: SLF001
        return out

    @functools.cached_property
    def _reference_operator(self) -> np.ndarray:
        """The reference as a matrix over ``ch_names`` (built once per measurement)."""
        n = len(self.ch_names)
        if self.reference == "average":
            return np.eye(n) - 1.0 / n
        index = {c: i for i, c in enumerate(self.ch_names)}
        lap = np.eye(n)
        for c, nbrs in self.neighbours.items():
            for nb in nbrs:  # a channel without neighbours keeps its own signal
                lap[index[c], index[nb]] -= 1.0 / len(nbrs)
        return lap


def measurement_of(
    raw: mne.io.BaseRaw,
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
    reference: str | None = None,
    segment_s: float | None = None,
) -> Measurement:
    """The measurement of a recording.

    Parameters
    ----------
    raw : mne.io.BaseRaw
        The recording (EEG channels; bad channels in ``info["bads"]`` are left out).
    groups : mapping, optional
        Channel groups; default the grid rows for Purdon data, else thirds by position.
    reference : {"average", "laplacian"}, optional
        Default ``"laplacian"`` for Purdon data (which carry one), else ``"average"``.
    segment_s : float, optional
        Default the recording's length.
    """
    from .analysis import groups_by_position

    if not isinstance(raw, mne.io.BaseRaw):
        raise TypeError(f"raw must be an mne Raw, got {type(raw).__name__}")
    picks = mne.pick_types(raw.info, eeg=True, exclude="bads")
    names = tuple(raw.ch_names[i] for i in picks)
    if len(names) < 3:
        raise ValueError(f"the recording has {len(names)} good EEG channels; need at least 3")
    from .recorded import grid_cell

    grid = all(grid_cell(n) is not None for n in names)
    pos, mapping = _positions(raw.info, picks, names, grid)
    if reference is None:
        reference = "laplacian" if grid else "average"
    if reference not in REFERENCES:
        raise ValueError(f"reference must be one of {REFERENCES}, got {reference!r}")
    if groups is None:
        if grid:
            from .recorded import purdon_groups

            groups = purdon_groups(names)
        else:
            info = mne.create_info(list(names), raw.info["sfreq"], "eeg")
            info.set_montage(_montage(names, pos), verbose=False)
            groups = groups_by_position(info)
    groups = {g: tuple(chs) for g, chs in groups.items()}
    unknown = sorted({c for chs in groups.values() for c in chs} - set(names))
    if unknown:
        raise ValueError(
            f"channel groups name channels the recording lacks (or marks bad): {unknown[:5]}"
        )
    neighbours = {} if reference == "average" else _neighbours(names, pos, grid)
    length = raw.n_times / raw.info["sfreq"]
    segment = length if segment_s is None else float(segment_s)
    if not 0 < segment <= length + 1e-9:
        raise ValueError(f"segment_s must lie in (0, {length:g}] s, got {segment_s!r}")
    return Measurement(
        names, pos, groups, reference, neighbours, grid and reference == "laplacian",
        segment, mapping,
    )  # fmt: skip


def _positions(info: Any, picks: np.ndarray, names: tuple[str, ...], grid: bool):
    if grid:
        from .recorded import grid_position

        return np.array([grid_position(n) for n in names]), "purdon-grid"
    pos = np.array([info["chs"][i]["loc"][:3] for i in picks], float)
    if np.isfinite(pos).all() and (np.abs(pos).sum(1) > 0).all():
        return pos, "montage"
    from .leadfield import standard_1005

    lower = standard_1005()
    if all(n.lower() in lower for n in names):
        return np.array([lower[n.lower()] for n in names]), "10-05 names"
    odd = [n for n in names if n.lower() not in lower]
    raise ValueError(
        f"the recording has no channel positions and its channels are not 10-05 names (e.g. "
        f"{odd[:3]}): no mapping places them on a head; set a montage (raw.set_montage)"
    )


def _montage(names: Sequence[str], pos: np.ndarray) -> mne.channels.DigMontage:
    return mne.channels.make_dig_montage(dict(zip(names, pos, strict=True)), coord_frame="head")


def _neighbours(names: tuple[str, ...], pos: np.ndarray, grid: bool) -> dict[str, tuple[str, ...]]:
    """Hjorth neighbours: the 4-connected grid cells, or the nearest channels by position."""
    if grid:
        from .recorded import grid_cell

        cells = {grid_cell(n): n for n in names}
        out = {}
        for (r, c), n in cells.items():
            around = ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1))
            out[n] = tuple(cells[k] for k in around if k in cells)
        return out
    d = np.linalg.norm(pos[:, None] - pos[None], axis=-1)
    order = np.argsort(d, axis=1)[:, 1 : N_NEIGHBOURS + 1]
    return {n: tuple(names[j] for j in order[i]) for i, n in enumerate(names)}
