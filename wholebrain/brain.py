"""``BrainModel``: which columns run where, how they are coupled, which are lesioned.

A pure description: a connectome (or plain labels for uncoupled columns), a registered column
model and condition, parameter overrides for all regions and per region, the long-range
coupling (gain, weight normalisation, conduction velocity, inputs per cell, which
populations send and receive) and lesions. Nothing touches Brian2 until
:func:`wholebrain.simulate` builds it; how weights become synapses is documented in
:mod:`wholebrain.coupling`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from . import columns
from .connectome import Connectome
from .validation import check

NORMALIZATIONS = ("max", "row_sum", "in_degree", "none")

#: default long-range conductance per synapse at gain 1 (mS/cm^2): one local PYso->PYdr AMPA
#: input of the propofol run (g 0.005 / NF 20)
G_LONG_RANGE = 0.005 / 20

# Every field says once whether it shapes the network (a new build) or only the values of a
# run (a compiled brain reruns it): compiled runs, checkpoints and provenance read it here.
_STRUCTURE = MappingProxyType({"role": "structure"})
_RUN = MappingProxyType({"role": "run"})


@dataclass(frozen=True)
class BrainModel:
    """Columns of a registered model, one per region, coupled through a connectome.

    Parameters
    ----------
    connectome : Connectome or None
        Regions, weights (``weights[target, source]``) and tract lengths (mm). ``None`` for
        uncoupled columns named by ``labels``.
    column : str
        Registered column model (``wholebrain.columns.available()``).
    condition : str
        Named parameter set of that model (e.g. ``"propofol"``, ``"wake"``).
    global_coupling : float
        Gain of every long-range synapse (dimensionless, >= 0); 0 = independent columns.
    velocity : float
        Conduction velocity, m/s (> 0). TVB uses 3, the multi-area model 3.5.
    normalization : {"max", "row_sum", "in_degree", "none"}
        How weights are normalised before sampling sources.
    long_range_inputs : int
        Long-range synapses per receiving cell.
    senders, receivers : tuple of str, optional
        Populations that send (spikes) and receive (AMPA-like conductance) long-range input;
        default: the column model's ``DEFAULT_SENDERS`` / ``DEFAULT_RECEIVERS`` (pyramidal
        spikes onto remote pyramidal and interneurons for every shipped model).
    g_long_range : float
        Conductance of one long-range synapse at gain 1 for a region of unit input, mS/cm^2.
    overrides : mapping
        Column parameters overridden in every region, by name. A model of more than one
        region starts from the column model's ``BRAIN_DEFAULTS`` (the Soplata column:
        ``integration="fast"``), which ``overrides`` may set back (``integration="dynasim"``);
        one column keeps the column model's own defaults (the published scheme).
    region_overrides : mapping of str to mapping
        ``{region_label: {parameter: value}}`` on top of ``overrides`` (e.g. a map of g_h).
    disconnected : tuple of str
        Regions whose long-range edges are all removed (their columns still run).
    removed : tuple of str
        Regions removed entirely (no column, no EEG contribution).
    cut_edges : tuple of (target, source) label pairs
        Single long-range edges removed.
    labels : tuple of str
        Region labels when there is no connectome.

    Notes
    -----
    Fields are either structural (:data:`STRUCTURAL_FIELDS`: they change the Brian2 network,
    so a compiled brain must be built again) or run fields (:data:`RUN_FIELDS`: values a
    rerun of the same compiled brain may change).
    """

    connectome: Connectome | None = field(default=None, metadata=_STRUCTURE)
    column: str = field(default="soplata2023", metadata=_STRUCTURE)
    condition: str = field(default="propofol", metadata=_RUN)
    global_coupling: float = field(default=0.0, metadata=_RUN)
    velocity: float = field(default=3.0, metadata=_STRUCTURE)
    normalization: str = field(default="max", metadata=_STRUCTURE)
    long_range_inputs: int = field(default=20, metadata=_STRUCTURE)
    senders: tuple[str, ...] | None = field(default=None, metadata=_STRUCTURE)
    receivers: tuple[str, ...] | None = field(default=None, metadata=_STRUCTURE)
    g_long_range: float = field(default=G_LONG_RANGE, metadata=_RUN)
    overrides: Mapping[str, Any] = field(default_factory=dict, metadata=_RUN)
    region_overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, metadata=_RUN)
    disconnected: tuple[str, ...] = field(default=(), metadata=_RUN)
    removed: tuple[str, ...] = field(default=(), metadata=_STRUCTURE)
    cut_edges: tuple[tuple[str, str], ...] = field(default=(), metadata=_RUN)
    labels: tuple[str, ...] = field(default=(), metadata=_STRUCTURE)

    def __post_init__(self) -> None:
        for name in ("labels", "disconnected", "removed", "cut_edges"):
            if isinstance(getattr(self, name), str):
                raise TypeError(
                    f"{name} is a tuple of region labels, e.g. ({getattr(self, name)!r},)"
                )
        if self.connectome is not None and not isinstance(self.connectome, Connectome):
            raise TypeError(
                "connectome must be a wholebrain Connectome (wb.load_connectome('tvb76'))"
            )
        all_labels = self.all_labels
        if not all_labels:
            raise ValueError("a BrainModel needs a connectome or at least one label")
        if len(set(all_labels)) != len(all_labels):
            raise ValueError("region labels must be unique")
        for name in ("global_coupling", "g_long_range", "velocity", "long_range_inputs"):
            object.__setattr__(self, name, check(name, getattr(self, name)))
        if not isinstance(self.normalization, str) or self.normalization not in NORMALIZATIONS:
            raise ValueError(
                f"unknown normalization {self.normalization!r}; "
                "use 'max', 'row_sum', 'in_degree' or 'none'"
            )
        for name in ("column", "condition"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a name (str), got {getattr(self, name)!r}")
        for name in ("overrides", "region_overrides"):
            if not isinstance(getattr(self, name), Mapping):
                raise TypeError(f"{name} must be a mapping of parameter names to values")
        module = self.column_model.module
        for name, default in (("senders", "DEFAULT_SENDERS"), ("receivers", "DEFAULT_RECEIVERS")):
            if getattr(self, name) is None:
                object.__setattr__(self, name, tuple(getattr(module, default)))
            elif isinstance(getattr(self, name), str):
                raise TypeError(f"{name} is a tuple of population names, e.g. ('PY',)")
        for name in ("labels", "senders", "receivers", "disconnected", "removed"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "cut_edges", tuple(tuple(e) for e in self.cut_edges))
        self._check_labels("disconnected", self.disconnected)
        self._check_labels("removed", self.removed)
        self._check_labels("cut_edges", [x for e in self.cut_edges for x in e])
        if any(len(e) != 2 for e in self.cut_edges):
            raise ValueError("cut_edges holds (target, source) label pairs")
        if len(self.removed) == len(all_labels):
            raise ValueError("every region is removed; keep at least one")
        self._check_labels("region_overrides", self.region_overrides)
        overrides = dict(self.overrides)
        if len(all_labels) > 1:  # a brain: the column model's brain defaults, made explicit
            overrides = {**getattr(module, "BRAIN_DEFAULTS", {}), **overrides}
        object.__setattr__(self, "overrides", MappingProxyType(overrides))
        object.__setattr__(
            self,
            "region_overrides",
            MappingProxyType({k: dict(v) for k, v in self.region_overrides.items()}),
        )
        params = self.column_params()  # validates names, units and ranges before any build
        sizes = params[0].sizes
        for pop in (*self.senders, *self.receivers):
            if pop not in sizes:
                raise ValueError(
                    f"population {pop!r} is not part of {self.column}; it has {list(sizes)}"
                )

    def _check_labels(self, what: str, labels: Iterable[str]) -> None:
        unknown = sorted(set(labels) - set(self.all_labels))
        if unknown:
            shown = list(self.all_labels)[:8]
            raise ValueError(
                f"{what} names regions not in the model: {unknown}; "
                f"regions are {shown}{' ...' if len(self.all_labels) > 8 else ''}"
            )

    # -- constructors ---------------------------------------------------------------
    @classmethod
    def single_column(
        cls, column: str = "soplata2023", condition: str = "propofol", **overrides: Any
    ) -> BrainModel:
        """One column, no coupling: the unit the paper simulates."""
        return cls(labels=("column",), column=column, condition=condition, overrides=overrides)

    @classmethod
    def independent(
        cls, n: int, column: str = "soplata2023", condition: str = "propofol", **overrides: Any
    ) -> BrainModel:
        """``n`` uncoupled columns built together (benchmarks, seed statistics)."""
        if int(n) != n or n < 1:
            raise ValueError(f"n must be a positive integer, got {n!r}")
        labels = tuple(f"column{i}" for i in range(int(n)))
        return cls(labels=labels, column=column, condition=condition, overrides=overrides)

    # -- lesions and variants (each returns a new model) ----------------------------
    def replace(self, **changes: Any) -> BrainModel:
        """A copy with fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def disconnect(self, *labels: str) -> BrainModel:
        """Remove every long-range edge of these regions; their columns still run."""
        return self.replace(disconnected=(*self.disconnected, *labels))

    def remove(self, *labels: str) -> BrainModel:
        """Remove these regions entirely: no column, no edges, no EEG contribution."""
        return self.replace(removed=(*self.removed, *labels))

    def cut(self, *edges: tuple[str, str]) -> BrainModel:
        """Remove single long-range edges, given as (target, source) label pairs."""
        return self.replace(cut_edges=(*self.cut_edges, *edges))

    def describe(self) -> dict[str, Any]:
        """A JSON-able description of every field that changes a run's result.

        The connectome enters as a digest of its weights, tract lengths and labels; ``labels``
        are those of the intact model.
        """
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name == "connectome":
                value = None if value is None else _digest(value)
            elif f.name == "labels":
                value = list(self.all_labels)
            out[f.name] = value
        return json.loads(json.dumps(out, sort_keys=True, default=_jsonable))

    # -- derived --------------------------------------------------------------------
    @property
    def all_labels(self) -> tuple[str, ...]:
        """Labels of the intact model (removed regions included)."""
        return self.connectome.labels if self.connectome is not None else self.labels

    @property
    def region_labels(self) -> tuple[str, ...]:
        """Labels of the simulated regions."""
        removed = set(self.removed)
        return tuple(x for x in self.all_labels if x not in removed)

    @property
    def kept_indices(self) -> np.ndarray:
        """Indices of the simulated regions in the intact model (their seed streams)."""
        removed = set(self.removed)
        return np.array([i for i, x in enumerate(self.all_labels) if x not in removed])

    @property
    def n_regions(self) -> int:
        return len(self.region_labels)

    @property
    def coupled(self) -> bool:
        """Whether the network has long-range synapses (a structural property)."""
        return self.connectome is not None

    @property
    def column_model(self) -> columns.ColumnModel:
        return columns.get(self.column)

    def column_params(self) -> list[Any]:
        """The full parameter set of every simulated column, in region order."""
        model = self.column_model
        base = model.condition(self.condition, **self.overrides)
        out = []
        for label in self.region_labels:
            extra = self.region_overrides.get(label)
            out.append(base.replace(**extra) if extra else base)
        return out

    def long_range(self, dt_ms: float, seed: int, lesions_as_zero: bool = False) -> list[Any]:
        """The long-range synapses (see :mod:`wholebrain.coupling`); empty without connectome.

        With ``lesions_as_zero`` lesioned synapses are kept with weight 0 (reruns of a compiled
        network need the intact structure)."""
        if self.connectome is None:
            return []
        from .coupling import draw_long_range

        index = {label: i for i, label in enumerate(self.all_labels)}
        return draw_long_range(
            self.connectome,
            sizes=self.column_params()[0].sizes,
            senders=self.senders,
            receivers=self.receivers,
            inputs_per_cell=int(self.long_range_inputs),
            global_coupling=float(self.global_coupling),
            g_long_range=float(self.g_long_range),
            normalization=self.normalization,
            velocity_m_s=float(self.velocity),
            dt_ms=dt_ms,
            seed=seed,
            cut_regions=frozenset(index[x] for x in self.disconnected),
            cut_edges=frozenset((index[a], index[b]) for a, b in self.cut_edges),
            kept_regions=self.kept_indices,
            lesions_as_zero=lesions_as_zero,
        )


def _fields_of(role: str) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(BrainModel) if f.metadata["role"] == role)


#: fields that change the network's structure (a rerun of a compiled brain may not)
STRUCTURAL_FIELDS = _fields_of("structure")
#: fields a rerun of a compiled brain may change
RUN_FIELDS = _fields_of("run")


def _digest(con: Connectome) -> str:
    h = hashlib.sha1()
    for arr in (con.weights, con.tract_lengths_mm):
        h.update(np.ascontiguousarray(arr, dtype=float).tobytes())
    h.update("\n".join(con.labels).encode())
    return h.hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    return str(value)
