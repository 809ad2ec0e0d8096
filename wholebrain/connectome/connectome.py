"""``Connectome``: the regions the columns live in, the weights and tract lengths between them.

Conventions
-----------
- ``weights[target, source]``: row = receiving region, column = sending region, as in TVB,
  whose coupling sums ``weights[i, j] * x_j(t - delay[i, j])`` over ``j`` (axes ``(to, from)``
  in ``tvb.simulator.coupling``). The tvb-data files agree: in the 192-region connectome the
  thalamic reticular nucleus (``lR``) has a zero *column* to cortex (it sends no cortical
  projections) and the lateral geniculate -> V1 entry is ``weights[lV1, lGL] = 3``.
- Tract lengths are in mm, centres in mm in the named ``frame``: ``"tvb"`` for tvb76/tvb192
  (the frame of tvb-data's ``cortex_16384`` surface: x anterior, y left, z superior), ``"MNI"``
  (RAS) for tvb96 and NIfTI atlases in MNI space; ``wholebrain.connectome.atlas_info(name)``
  says which for each shipped atlas.
- ``hemispheres`` holds ``"L"``, ``"R"`` or ``""`` (midline/unknown) per region.

Decisions
---------
- **From weights to synaptic strength.** A connectome keeps the file's weights (arbitrary
  units). The brain model turns them into strength in two explicit steps:
  ``con.normalized(mode)`` (``"max"`` by default: the strongest edge becomes 1), then a single
  global coupling gain (``BrainModel(global_coupling=...)``) scales every long-range synapse.
  Normalising never happens silently on load.
- **Delays are floored at one time step.** ``delays_ms(velocity, dt_ms)`` is
  ``tract_length / velocity`` (mm / (m/s) = ms); edges with a non-zero weight and a shorter
  delay (zero-length tracts, self-connections) get ``dt_ms``, and one
  :class:`DelayFloorWarning` per call says how many.
- **Label order is never assumed.** Every matrix travels with its labels; :meth:`reorder`
  and :meth:`subset` select by label, and combining a matrix with centres or an atlas image
  matches labels and fails with the missing/extra labels if they differ.
"""

from __future__ import annotations

import difflib
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from . import io
from .build import connectome_fields
from .groups import ANTERIOR_AXIS, thirds_along_axis

__all__ = ["Connectome", "DelayFloorWarning"]

NormalizationMode = Literal["max", "row_sum", "in_degree", "none"]


class DelayFloorWarning(UserWarning):
    """Some conduction delays were shorter than one time step and were raised to it."""


def _readonly(array: Any, dtype: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    try:
        out = np.array(array, dtype=dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of {np.dtype(dtype).name}") from None
    if out.shape != shape:
        raise ValueError(f"{name} has shape {out.shape}, expected {shape}; give one row per label")
    out.flags.writeable = False
    return out


def _to_float(value: Any, unit: str) -> Any:
    """Float(s) from a number, an array or a Brian2 quantity in ``unit`` ("m/s" or "ms")."""
    if type(value).__module__.startswith("brian2"):
        import brian2

        scale = brian2.meter / brian2.second if unit == "m/s" else brian2.ms
        return np.asarray(value / scale, dtype=float)
    return np.asarray(value, dtype=float)


@dataclass(frozen=True, eq=False)
class Connectome:
    """Regions with their weights, tract lengths and positions.

    Parameters
    ----------
    labels : tuple of str
        Unique region labels; every per-region array follows this order.
    weights : ndarray, shape (n, n)
        Connection strength, arbitrary units, ``weights[target, source]``; finite, >= 0.
    tract_lengths_mm : ndarray, shape (n, n)
        Fibre length in mm; finite and >= 0 wherever the weight is non-zero (non-finite
        values where the weight is zero are irrelevant and stored as 0).
    centres_mm : ndarray, shape (n, 3)
        Region centres in mm in ``frame``; NaN where unknown.
    frame : str
        Coordinate frame of ``centres_mm`` (``"tvb"``, ``"MNI"``, ``"unknown"``, ...).
    hemispheres : ndarray of str, shape (n,)
        ``"L"``, ``"R"`` or ``""`` (midline or unknown). Booleans are read as TVB's
        right-hemisphere flag.
    cortical : ndarray of bool, shape (n,)
        True for cortical regions.
    areas_mm2 : ndarray, shape (n,) | None
        Region surface areas in mm^2.
    orientations : ndarray, shape (n, 3) | None
        Average unit normal of each region's cortical surface, in ``frame``.
    name : str
        Free text, e.g. ``"tvb76"``.
    """

    labels: tuple[str, ...]
    weights: np.ndarray
    tract_lengths_mm: np.ndarray
    centres_mm: np.ndarray
    frame: str
    hemispheres: np.ndarray
    cortical: np.ndarray
    areas_mm2: np.ndarray | None = None
    orientations: np.ndarray | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.labels, str) or not isinstance(self.labels, Iterable):
            raise TypeError("labels must be a sequence of str, one per region")
        labels = tuple(str(label).strip() for label in self.labels)
        if any(not label for label in labels):
            raise ValueError("labels contain an empty label; give every region a name")
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        if duplicates:
            raise ValueError(f"duplicate labels {duplicates}; make every region label unique")
        n = len(labels)
        try:
            weights = np.array(self.weights, dtype=float)
        except (TypeError, ValueError):
            raise ValueError("weights must be a square matrix of numbers") from None
        if weights.ndim != 2 or weights.shape[0] != weights.shape[1]:
            raise ValueError(f"weights has shape {weights.shape}; pass a square (n, n) matrix")
        if weights.shape[0] != n:
            raise ValueError(
                f"{n} labels for a {weights.shape[0]}x{weights.shape[0]} weight matrix; "
                "give exactly one label per row"
            )
        if not np.all(np.isfinite(weights)):
            raise ValueError(
                f"weights contain {np.sum(~np.isfinite(weights))} NaN/inf entries; replace "
                "them with 0 (no connection) or a finite strength"
            )
        if np.any(weights < 0):
            raise ValueError(
                f"weights contain {np.sum(weights < 0)} negative entries; connectome weights "
                "are strengths >= 0 (put inhibition in the column model)"
            )
        lengths = np.array(self.tract_lengths_mm, dtype=float)
        if lengths.shape != weights.shape:
            raise ValueError(
                f"tract_lengths_mm has shape {lengths.shape} but weights {weights.shape}; "
                "give both matrices for the same regions"
            )
        bad = (weights > 0) & ~np.isfinite(lengths)
        if np.any(bad):
            raise ValueError(
                f"{bad.sum()} edges with non-zero weight have a missing (NaN/inf) tract length; "
                "supply those lengths or set their weights to 0"
            )
        with np.errstate(invalid="ignore"):
            if np.any(lengths < 0):
                raise ValueError(
                    f"tract_lengths_mm has {np.sum(lengths < 0)} negative entries; lengths "
                    "are distances in mm >= 0"
                )
        lengths[~np.isfinite(lengths)] = 0.0
        hemispheres = np.asarray(self.hemispheres)
        if hemispheres.dtype == bool:
            hemispheres = np.where(hemispheres, "R", "L")
        hemispheres = _readonly(hemispheres, "<U1", "hemispheres", (n,))
        if not set(hemispheres.tolist()) <= {"L", "R", ""}:
            raise ValueError('hemispheres must hold "L", "R" or "" for each region')
        frame = str(self.frame).strip()
        if not frame:
            raise ValueError('frame is empty; name the coordinate frame (e.g. "MNI", "unknown")')
        set_ = object.__setattr__  # frozen: the checked copies replace the inputs
        set_(self, "labels", labels)
        set_(self, "weights", _readonly(weights, float, "weights", (n, n)))
        set_(self, "tract_lengths_mm", _readonly(lengths, float, "tract_lengths_mm", (n, n)))
        set_(self, "centres_mm", _readonly(self.centres_mm, float, "centres_mm", (n, 3)))
        set_(self, "frame", frame)
        set_(self, "hemispheres", hemispheres)
        set_(self, "cortical", _readonly(self.cortical, bool, "cortical", (n,)))
        if self.areas_mm2 is not None:
            set_(self, "areas_mm2", _readonly(self.areas_mm2, float, "areas_mm2", (n,)))
        if self.orientations is not None:
            set_(self, "orientations", _readonly(self.orientations, float, "orientations", (n, 3)))
        set_(self, "name", str(self.name))

    def __repr__(self) -> str:
        return (
            f"<Connectome {self.name or 'unnamed'}: {self.n_regions} regions "
            f"({int(self.cortical.sum())} cortical), {int((self.weights > 0).sum())} edges, "
            f"frame={self.frame!r}>"
        )

    # ------------------------------------------------------------------ lookup
    @property
    def n_regions(self) -> int:
        """Number of regions."""
        return len(self.labels)

    def index(self, label: str) -> int:
        """Row/column of ``label`` in every matrix; ValueError naming close matches if absent."""
        try:
            return self.labels.index(label)
        except ValueError:
            close = difflib.get_close_matches(str(label), self.labels, n=3)
            hint = f"; did you mean {close}?" if close else "; see Connectome.labels"
            raise ValueError(f"unknown region label {label!r}{hint}") from None

    def _indices(self, labels: Iterable[str], what: str) -> list[int]:
        if isinstance(labels, str):
            raise TypeError(f"{what} takes a list of labels, not one string; wrap it: [{labels!r}]")
        labels = list(labels)
        duplicates = sorted({lab for lab in labels if labels.count(lab) > 1})
        if duplicates:
            raise ValueError(f"{what}: labels {duplicates} given twice; list each region once")
        unknown = [lab for lab in labels if lab not in self.labels]
        if unknown:
            raise ValueError(f"{what}: unknown labels {unknown}; see Connectome.labels")
        return [self.labels.index(lab) for lab in labels]

    # ------------------------------------------------------------------ transforms
    def normalized(self, mode: NormalizationMode = "max") -> Connectome:
        """Copy with rescaled weights.

        Parameters
        ----------
        mode : {"max", "row_sum", "in_degree", "none"}
            ``"max"``: divide by the largest weight (strongest edge = 1). ``"row_sum"``: divide
            each row (target) by its sum, so each region's total input strength is 1.
            ``"in_degree"``: divide each row by its number of non-zero inputs (mean input
            weight). ``"none"``: unchanged. Rows or matrices of zeros stay zero.
        """
        w = self.weights
        if mode == "max":
            new = w / w.max() if w.max() > 0 else w.copy()
        elif mode in ("row_sum", "in_degree"):
            scale = w.sum(axis=1) if mode == "row_sum" else (w > 0).sum(axis=1).astype(float)
            new = np.divide(w, scale[:, None], out=np.zeros_like(w), where=scale[:, None] > 0)
        elif mode == "none":
            new = w.copy()
        else:
            raise ValueError(
                f"unknown normalisation mode {mode!r}; use 'max', 'row_sum', 'in_degree' or 'none'"
            )
        return replace(self, weights=new)

    def delays_ms(self, velocity_m_s: float | np.ndarray, dt_ms: float | None = None) -> np.ndarray:
        """Conduction delays in ms: tract length (mm) / velocity (m/s).

        Parameters
        ----------
        velocity_m_s : float | ndarray, shape (n, n)
            Conduction velocity in m/s (= mm/ms), one value or one per edge; > 0. A Brian2
            quantity with speed units is accepted.
        dt_ms : float | None
            Simulation time step in ms. When given, every edge with a non-zero weight and a
            delay below ``dt_ms`` is raised to ``dt_ms`` and one :class:`DelayFloorWarning`
            says how many were.

        Returns
        -------
        ndarray, shape (n, n)
            ``delays[target, source]`` in ms (writable copy).
        """
        velocity = _to_float(velocity_m_s, "m/s")
        if velocity.ndim not in (0, 2) or (
            velocity.ndim == 2 and velocity.shape != self.weights.shape
        ):
            raise ValueError(
                f"velocity_m_s has shape {velocity.shape}; pass one value or an (n, n) matrix"
            )
        if not np.all(np.isfinite(velocity)) or np.any(velocity <= 0):
            raise ValueError("velocity_m_s must be finite and > 0 (m/s); typical values are 1-20")
        delays = self.tract_lengths_mm / velocity
        if dt_ms is not None:
            dt = float(_to_float(dt_ms, "ms"))
            if not dt > 0:
                raise ValueError(f"dt_ms must be > 0 (ms), got {dt}")
            short = (self.weights > 0) & (delays < dt)
            if short.any():
                n_self = int(np.trace(short))
                warnings.warn(
                    f"{int(short.sum())} of {int((self.weights > 0).sum())} edges had a delay "
                    f"below dt={dt:g} ms ({n_self} self-connections); floored to {dt:g} ms",
                    DelayFloorWarning,
                    stacklevel=2,
                )
                delays = np.where(short, dt, delays)
        return np.array(delays, dtype=float)

    def _take(self, idx: Sequence[int]) -> Connectome:
        ix = np.ix_(idx, idx)
        return replace(
            self,
            labels=tuple(self.labels[i] for i in idx),
            weights=self.weights[ix],
            tract_lengths_mm=self.tract_lengths_mm[ix],
            centres_mm=self.centres_mm[idx],
            hemispheres=self.hemispheres[idx],
            cortical=self.cortical[idx],
            areas_mm2=None if self.areas_mm2 is None else self.areas_mm2[idx],
            orientations=None if self.orientations is None else self.orientations[idx],
        )

    def subset(self, labels: Iterable[str]) -> Connectome:
        """Only the regions in ``labels``, in that order."""
        return self._take(self._indices(labels, "subset"))

    def reorder(self, labels: Iterable[str]) -> Connectome:
        """All regions, in the order of ``labels`` (a permutation of :attr:`labels`)."""
        labels = list(labels) if not isinstance(labels, str) else labels
        missing = [lab for lab in self.labels if lab not in labels]
        if missing:
            raise ValueError(f"reorder: labels {missing} are missing; list every region once")
        return self._take(self._indices(labels, "reorder"))

    def remove_regions(self, labels: Iterable[str]) -> Connectome:
        """Without the regions in ``labels`` (a lesion that removes the columns)."""
        drop = set(self._indices(labels, "remove_regions"))
        return self._take([i for i in range(self.n_regions) if i not in drop])

    def remove_edges(self, pairs: Iterable[tuple[str, str]], symmetric: bool = False) -> Connectome:
        """With the weights of ``(target, source)`` label pairs set to 0.

        Parameters
        ----------
        pairs : iterable of (str, str)
            ``(target, source)``, matching ``weights[target, source]``.
        symmetric : bool
            Also remove ``(source, target)``.
        """
        weights = self.weights.copy()
        for pair in pairs:
            if isinstance(pair, str) or len(pair) != 2:
                raise TypeError(f"remove_edges takes (target, source) label pairs, got {pair!r}")
            target, source = self.index(pair[0]), self.index(pair[1])
            weights[target, source] = 0.0
            if symmetric:
                weights[source, target] = 0.0
        return replace(self, weights=weights)

    def without_self_connections(self) -> Connectome:
        """With a zero diagonal (TVB files keep local self-loops with zero tract length)."""
        weights = self.weights.copy()
        np.fill_diagonal(weights, 0.0)
        return replace(self, weights=weights)

    def region_groups(self) -> dict[str, tuple[str, ...]]:
        """Regions split into thirds of the anterior-posterior extent of their centres.

        Returns ``frontal``, ``central`` and ``posterior`` (each possibly empty), the thirds
        of the span between the most posterior and the most anterior centre, the same split
        as :func:`wholebrain.analysis.groups_by_position` makes of sensors
        (:func:`~wholebrain.connectome.groups.thirds_along_axis`). The anterior axis
        is +x in the ``tvb`` frame and +y in RAS frames (``MNI``, ``talairach``).
        """
        axis = ANTERIOR_AXIS.get(self.frame.lower())
        if axis is None:
            raise ValueError(
                f"the anterior axis of the {self.frame!r} frame is unknown; name the regions "
                "explicitly (e.g. rV1+lV1)"
            )
        a = self.centres_mm[:, axis]
        if not np.isfinite(a).all():
            missing = [lab for lab, v in zip(self.labels, a, strict=True) if not np.isfinite(v)]
            raise ValueError(f"regions without centres cannot be grouped by position: {missing}")
        return thirds_along_axis(self.labels, self.centres_mm, axis, cuts="extent")

    # ------------------------------------------------------------------ files
    def _fields(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def save(self, path: str | Path) -> None:
        """Save every field: ``.npz`` (default), ``.mat``, TVB-style ``.zip`` or a folder.

        Single matrices go to CSV/NPY with :func:`wholebrain.connectome.io.save_matrix`.
        """
        path = Path(path)
        writers = {".npz": io.write_npz, ".mat": io.write_mat, ".zip": io.write_tvb}
        writers[""] = io.write_tvb  # a folder
        if path.suffix in writers:
            writers[path.suffix](self._fields(), path)
        else:
            raise ValueError(
                f"cannot save a connectome as {path.suffix!r}; use .npz, .mat, .zip or a folder"
            )

    @classmethod
    def load(cls, path: str | Path, **kw: Any) -> Connectome:
        """Load what :meth:`save` wrote, or any file :func:`~wholebrain.connectome.from_files`
        reads (same keywords); shipped atlases load by name with ``load_connectome``."""
        if not Path(path).exists():
            hint = "; shipped atlases load by name with wholebrain.load_connectome"
            raise FileNotFoundError(f"no connectome file or folder at {path}{hint}")
        return cls(**connectome_fields(path, **kw))
