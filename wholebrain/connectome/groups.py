"""Thirds along the anterior axis: the one rule that groups regions and sensors by position.

Regions (:meth:`Connectome.region_groups`, by their centres) and EEG channels
(:func:`wholebrain.analysis.groups_by_position`, by their montage positions) are split the
same way into ``frontal``, ``central`` and ``posterior``: two cuts along the anterior axis,
everything above the upper cut frontal, below the lower cut posterior, the rest (cuts
included) central. Only where the cuts sit differs, and it is named: ``"extent"`` cuts the
span between the most posterior and the most anterior position into equal thirds,
``"tertiles"`` puts a third of the positions in each group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeVar

import numpy as np

__all__ = ["ANTERIOR_AXIS", "GROUPS", "thirds_along_axis"]

#: index of the anterior axis of positions in known frames (lower-case names): tvb-data's
#: frame has x anterior; RAS frames (MNI, Talairach) and MNE's head frame have y anterior
ANTERIOR_AXIS = {"tvb": 0, "mni": 1, "talairach": 1, "ras": 1, "head": 1}

#: the groups, front to back
GROUPS = ("frontal", "central", "posterior")

Cuts = Literal["extent", "tertiles"]
Label = TypeVar("Label", bound=str)


def thirds_along_axis(
    labels: Sequence[Label],
    positions: np.ndarray | Sequence[Sequence[float]],
    axis: int,
    cuts: Cuts = "extent",
) -> dict[str, tuple[Label, ...]]:
    """Labels split into thirds along the anterior axis of their positions.

    Parameters
    ----------
    labels : sequence of str
        One name per position (regions, channels); returned as given, in this order.
    positions : array, shape (n, 3)
        Positions (any unit) in a frame whose anterior axis is ``axis``; finite.
    axis : int
        Index of the anterior axis (:data:`ANTERIOR_AXIS` names it for known frames).
    cuts : {"extent", "tertiles"}
        ``"extent"``: thirds of the span between the smallest and largest coordinate.
        ``"tertiles"``: the 1/3 and 2/3 quantiles of the coordinates.

    Returns
    -------
    dict
        ``frontal`` (coordinate above the upper cut), ``central`` (between the cuts, cuts
        included) and ``posterior`` (below the lower cut): tuples of labels, possibly empty.
    """
    a = np.asarray(positions, dtype=float)[:, axis]
    if len(a) != len(labels):
        raise ValueError(f"{len(labels)} labels for {len(a)} positions; give one label each")
    if not np.isfinite(a).all():
        raise ValueError("positions must be finite to be grouped along the anterior axis")
    if cuts == "extent":
        lo, hi = a.min(), a.max()
        cut_lo, cut_hi = lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3
    elif cuts == "tertiles":
        cut_lo, cut_hi = np.quantile(a, [1 / 3, 2 / 3])
    else:
        raise ValueError(f"cuts must be 'extent' or 'tertiles', got {cuts!r}")

    def pick(mask: np.ndarray) -> tuple[Label, ...]:
        return tuple(lab for lab, m in zip(labels, mask, strict=True) if m)

    return {
        "frontal": pick(a > cut_hi),
        "central": pick((a >= cut_lo) & (a <= cut_hi)),
        "posterior": pick(a < cut_lo),
    }
