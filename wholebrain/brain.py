"""``BrainModel``: which columns run where, with which parameters. A pure description.

A model is a set of columns (one per region) of one registered column model, a named
condition, parameter overrides for all regions and per region. Long-range coupling through
a connectome extends this description (see the whole-brain issue); without a connectome the
columns are independent (``BrainModel.single_column`` and ``BrainModel.independent``).
Nothing touches Brian2 until :func:`wholebrain.simulate` builds the network.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from . import columns


@dataclass(frozen=True)
class BrainModel:
    """Columns of a registered model, one per region.

    Parameters
    ----------
    region_labels : tuple of str
        One label per column.
    column : str
        Registered column model (``wholebrain.columns.available()``).
    condition : str
        Named parameter set of that model (e.g. ``"propofol"``, ``"wake"``).
    overrides : mapping
        Parameters overridden in every column, by name.
    region_overrides : mapping of str to mapping
        ``{region_label: {parameter: value}}`` applied on top of ``overrides``.
    """

    region_labels: tuple[str, ...]
    column: str = "soplata2023"
    condition: str = "propofol"
    overrides: Mapping[str, Any] = field(default_factory=dict)
    region_overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        labels = tuple(self.region_labels)
        object.__setattr__(self, "region_labels", labels)
        if not labels:
            raise ValueError("a BrainModel needs at least one region")
        if len(set(labels)) != len(labels):
            raise ValueError("region labels must be unique")
        object.__setattr__(self, "overrides", MappingProxyType(dict(self.overrides)))
        unknown = sorted(set(self.region_overrides) - set(labels))
        if unknown:
            raise ValueError(
                f"region_overrides name regions not in the model: {unknown}; "
                f"regions are {list(labels)[:8]}{' ...' if len(labels) > 8 else ''}"
            )
        object.__setattr__(
            self,
            "region_overrides",
            MappingProxyType({k: dict(v) for k, v in self.region_overrides.items()}),
        )
        self.column_params()  # validate names, units and ranges now, before any build

    # -- constructors ---------------------------------------------------------------
    @classmethod
    def single_column(
        cls, column: str = "soplata2023", condition: str = "propofol", **overrides: Any
    ) -> BrainModel:
        """One column, no coupling: the unit the paper simulates."""
        return cls(("column",), column=column, condition=condition, overrides=overrides)

    @classmethod
    def independent(
        cls, n: int, column: str = "soplata2023", condition: str = "propofol", **overrides: Any
    ) -> BrainModel:
        """``n`` uncoupled columns built together (benchmarks, seed statistics)."""
        if int(n) != n or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        labels = tuple(f"column{i}" for i in range(int(n)))
        return cls(labels, column=column, condition=condition, overrides=overrides)

    # -- derived --------------------------------------------------------------------
    @property
    def n_regions(self) -> int:
        return len(self.region_labels)

    @property
    def column_model(self) -> columns.ColumnModel:
        return columns.get(self.column)

    def column_params(self) -> list[Any]:
        """The full parameter set of every column, in region order."""
        model = self.column_model
        base = model.condition(self.condition, **self.overrides)
        out = []
        for label in self.region_labels:
            extra = self.region_overrides.get(label)
            out.append(base.replace(**extra) if extra else base)
        return out
