"""Parameters and random draws shared by the two cheap column models (``lif_ei`` and
``izhikevich_stp``).

Parameter fields that carry their unit, valid range and description; conversion of Brian2
quantities in user overrides; one-line validation errors naming the parameter; per-region
random streams, connectivity draws and the Poisson drive. What *every* column model shares
(the network container, long-range synapses, outputs) is in :mod:`wholebrain.columns.base`.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Callable, Sequence
from dataclasses import field
from typing import Any

import brian2 as b2
import numpy as np

#: valid-range kinds a parameter may declare, with the phrase used in error messages
RANGES: dict[str, str] = {
    "any": "finite",
    ">=0": ">= 0",
    ">0": "> 0",
    "prob": "a probability in [0, 1]",
    "int>=0": "an integer >= 0",
    "int>=1": "an integer >= 1",
}


def param(default: float, unit: str, doc: str, valid: str = ">=0") -> Any:
    """A documented parameter field: ``unit`` is a key of :func:`unit_of`, ``valid`` a key
    of :data:`RANGES`."""
    if valid not in RANGES:
        raise ValueError(f"unknown range kind {valid!r}")
    return field(default=default, metadata={"unit": unit, "doc": doc, "valid": valid})


def unit_of(unit: str) -> b2.Quantity:
    """The Brian2 quantity of one documented unit (overrides given as quantities are divided
    by it)."""
    table = {
        "1": b2.Quantity(1.0),
        "ms": b2.ms,
        "mV": b2.mV,
        "Hz": b2.Hz,
        "nS": b2.nS,
        "pF": b2.pF,
        "pA": b2.pA,
        "um**2": b2.um**2,
        "uF/cm**2": b2.ufarad / b2.cm**2,
        "mV/ms": b2.mV / b2.ms,
    }
    return table[unit]


def describe(cls: type) -> list[tuple[str, Any, str, str]]:
    """(name, default, unit, description) of every parameter of a params dataclass."""
    return [
        (f.name, f.default, f.metadata.get("unit", ""), f.metadata.get("doc", ""))
        for f in dataclasses.fields(cls)
    ]


def coerce(model: str, cls: type, overrides: dict[str, Any]) -> dict[str, Any]:
    """Check override names and convert Brian2 quantities to the documented float units."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    out = {}
    for name, value in overrides.items():
        if name not in fields:
            close = difflib.get_close_matches(name, list(fields), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(
                f"unknown {model} parameter {name!r}{hint} "
                f"(wholebrain.columns.{model}.describe() lists them)"
            )
        unit = fields[name].metadata.get("unit")
        if hasattr(value, "dim"):  # a Brian2 quantity
            if unit is None:
                raise ValueError(f"parameter {name} takes no units, got {value!r}")
            target = unit_of(unit)
            if b2.get_dimensions(value) != b2.get_dimensions(target):
                raise ValueError(f"parameter {name} needs units of {unit}, got {value!r}")
            value = float(value / target)
        out[name] = value
    return out


def validate(obj: Any) -> None:
    """Check every field against its declared range; raise one line naming the parameter."""
    for f in dataclasses.fields(obj):
        valid = f.metadata.get("valid")
        if valid is None:
            continue
        value = getattr(obj, f.name)
        if isinstance(value, bool) or not isinstance(value, int | float | np.number):
            raise ValueError(f"parameter {f.name} must be a number, got {value!r}")
        ok = math.isfinite(value)
        if valid == ">=0":
            ok = ok and value >= 0
        elif valid == ">0":
            ok = ok and value > 0
        elif valid == "prob":
            ok = ok and 0 <= value <= 1
        elif valid.startswith("int"):
            ok = ok and float(value).is_integer() and value >= int(valid[-1])
        if not ok:
            raise ValueError(f"parameter {f.name} must be {RANGES[valid]}, got {value!r}")


def lookup(model: str, conditions: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    """The overrides of a named condition, or an error listing the known ones."""
    if name not in conditions:
        close = difflib.get_close_matches(str(name), list(conditions), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown {model} condition {name!r}{hint}; known conditions: {', '.join(conditions)}"
        )
    return conditions[name]


def check_structure(plist: Sequence[Any], names: Sequence[str]) -> None:
    """Structural parameters (they change the Brian2 objects) must agree in every column."""
    ref = plist[0]
    for p in plist[1:]:
        for name in names:
            if getattr(p, name) != getattr(ref, name):
                raise ValueError(
                    f"per-region parameter {name!r} differs between columns; it changes the "
                    "network's structure and must be the same in every region"
                )


# ---------------------------------------------------------------------------------------
# Random streams and per-cell arrays
# ---------------------------------------------------------------------------------------
def region_streams(
    seed: int, n_regions: int, stream_ids: Sequence[int] | None = None
) -> list[np.random.Generator]:
    """One generator per column: child ``stream_ids[r]`` (default ``r``) of ``seed``, so
    column ``r`` of a brain draws exactly what it draws when built alone."""
    ids = list(range(n_regions)) if stream_ids is None else [int(i) for i in stream_ids]
    if len(ids) != n_regions:
        raise ValueError(f"need one stream id per column ({n_regions}), got {len(ids)}")
    children = np.random.SeedSequence(int(seed)).spawn(max(ids) + 1)
    return [np.random.default_rng(children[i]) for i in ids]


def per_cell(plist: Sequence[Any], n: int, fn: Callable[[Any], float]) -> np.ndarray:
    """Per-cell array of a per-column value ``fn(params)`` for ``n`` cells per column."""
    return np.repeat(np.array([fn(p) for p in plist], dtype=float), n)


def bernoulli_pairs(
    rng: np.random.Generator, n_pre: int, n_post: int, p: float, autapses: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Local (pre, post) indices of independent connections with probability ``p``.

    The whole ``n_pre x n_post`` matrix is drawn even where autapses are then removed, so
    the number of draws (and every later draw of the stream) does not depend on ``p``.
    """
    mask = rng.random((n_pre, n_post)) < p
    if not autapses and n_pre == n_post:
        np.fill_diagonal(mask, False)
    i, j = np.nonzero(mask)
    return i.astype(np.int64), j.astype(np.int64)


# ---------------------------------------------------------------------------------------
# Independent Poisson drive
# ---------------------------------------------------------------------------------------
#: Events per step are drawn by inversion: one uniform number against the cumulative
#: probabilities P(N >= k), k = 1..POISSON_TERMS. Brian2's poisson() costs an exp() and a
#: search per cell and step (half the run time of a 76-region LIF brain); these thresholds
#: are per-cell constants. Truncation drops P(N > 4): < 1e-7 for rate*dt <= 0.1.
POISSON_TERMS = 4
POISSON_EQUATIONS = "".join(f"q_ext{k} : 1 (constant)\n" for k in range(1, POISSON_TERMS + 1))


def poisson_drive(target: str, weight: str) -> str:
    """Abstract code adding ``weight`` x (Poisson count this step) to ``target``."""
    terms = " + ".join(f"int(u_draw < q_ext{k})" for k in range(1, POISSON_TERMS + 1))
    return f"u_draw = rand()\n{target} += {weight}*({terms})"


def poisson_thresholds(rate_hz: np.ndarray) -> dict[str, np.ndarray]:
    """Per-cell thresholds ``q_ext<k>`` of :func:`poisson_drive` for ``rate_hz`` at the step
    now in force (``defaultclock.dt``; :func:`wholebrain.simulate` sets it before building)."""
    from scipy.stats import poisson

    lam = np.asarray(rate_hz, dtype=float) * float(b2.defaultclock.dt / b2.second)
    return {f"q_ext{k}": poisson.sf(k - 1, lam) for k in range(1, POISSON_TERMS + 1)}


def apply_values(objects: dict[str, Any], values: dict[str, dict[str, Any]]) -> None:
    """Assign ``{object name: {variable: value}}`` (see ``ColumnNetwork.values``)."""
    for key, table in values.items():
        for name, value in table.items():
            setattr(objects[key], name, value)
