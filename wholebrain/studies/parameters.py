"""The language in which studies name what they vary: brain fields, the propofol axes,
column parameters, each brain-wide or in a scope of regions.

Names
    ``global_coupling``, ``g_long_range`` (fields of the brain).

    ``propofol_level``, **the default drug axis** of fits (``wholebrain fit`` without
    ``--param``): 0 = the column model's ``wake`` condition, 1 = its ``propofol`` condition,
    linear in every parameter that differs between them. For ``soplata2023`` that is the
    paper's physiology of propofol: GABA_A conductance and decay (x1 -> x3 each), TC K-leak
    (0.001 -> 0.0172 mS/cm²), TC H current (0.4 -> 0.005 mS/cm²) and cortical K(Na)
    (0.10 -> 1.33 mS/cm²), together with the excitatory conductances and Poisson drive
    that the wake condition also lowers.

    ``propofol_dose``: Table 1's synchrony surrogate x of the column model's
    ``DOSE_PARAMETERS`` (mS/cm²; for ``soplata2023`` PYso→PYdr and TC→PYdr AMPA and the
    Poisson drive all set to x on top of the ``propofol`` condition, or of
    ``propofol_level`` when that is given too; higher x, deeper synchrony, more peak-max).
    Its AMPA conductances drive the dendrites directly, so x also scales the EEG: with the
    paper's AMPA proxy, doubling x adds about 6.6 dB to every band before any dynamics
    change. Use it to reproduce Table 1, not as the drug axis of a fit.

    Any non-structural column parameter by name (``g_h``, ``gabaa_cond_mult``, ...).
    Velocity, cell counts and other structural parameters change the compiled network and
    cannot be varied this way.
Scopes
    ``NAME@SCOPE`` sets a column parameter, ``propofol_level`` or ``propofol_dose`` only in
    the regions of SCOPE (``frontal``, ``central``, ``posterior``: thirds of the brain's
    anterior-posterior extent, or labels joined by ``+`` such as ``rV1+lV1``), on top of the
    brain-wide values.

:func:`model_changes` turns values of such names into the run fields of a compiled brain
(:data:`wholebrain.brain.RUN_FIELDS`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .. import columns
from ..brain import BrainModel

#: parameters that are fields of BrainModel rather than column parameters
MODEL_FIELDS = ("global_coupling", "g_long_range")
PROPOFOL_LEVEL = "propofol_level"
PROPOFOL_DOSE = "propofol_dose"
#: fitted names that are not column parameters
SPECIAL = (*MODEL_FIELDS, PROPOFOL_LEVEL, PROPOFOL_DOSE)
#: ``NAME@SCOPE`` sets NAME only in the scope's regions
SCOPE_SEP = "@"
#: named scopes (:meth:`wholebrain.Connectome.region_groups`)
REGION_GROUPS = ("frontal", "central", "posterior")


def _numeric(value: Any) -> bool:
    """A number that can lie on the drug axis (not a flag, not a structural setting)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def propofol_overrides(
    column: str,
    level: float,
    ends: Mapping[str, float] | None = None,
    wake_ends: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Column parameters at ``level`` between the ``wake`` (0) and ``propofol`` (1) conditions.

    Every numeric parameter that differs between the two conditions is interpolated
    linearly; values outside [0, 1] extrapolate.

    Parameters
    ----------
    column : str
        Registered column model with ``wake`` and ``propofol`` conditions.
    level : float
        Position on the axis.
    ends : mapping of str to float | None
        New propofol-end values of named column parameters (a sensitivity check, e.g.
        ``{"gabaa_tau_mult": 5}``: GABA_A decay 5 -> 25 ms instead of 5 -> 15 ms); each still
        starts from its wake value.
    wake_ends : mapping of str to float | None
        New wake-end values of named column parameters (a sensitivity check of the awake
        cortex, e.g. ``{"g_kna": 0.3}``); each still runs to its propofol value (or to its
        ``ends`` value).
    """
    model = columns.get(column)
    missing = [c for c in ("wake", "propofol") if c not in model.conditions]
    if missing:
        raise ValueError(
            f"propofol_level needs the conditions 'wake' and 'propofol'; {column} lacks {missing}"
        )
    wake, prop = (model.condition(c).as_dict() for c in ("wake", "propofol"))
    for end, table, moved in (("propofol", prop, ends), ("wake", wake, wake_ends)):
        for key, value in (moved or {}).items():
            if not _numeric(wake.get(key)):
                raise ValueError(f"{key!r} is not a numeric parameter of {column}; it has no "
                                 f"{end} end to move")  # fmt: skip
            table[key] = float(value)
    out = {}
    for key, w in wake.items():
        p = prop[key]
        if w != p and _numeric(w):
            out[key] = float((1.0 - level) * w + level * p)  # exact at both ends
    return out


def dose_parameters(column: str) -> tuple[str, ...]:
    """The column parameters that ``propofol_dose`` sets (the module's ``DOSE_PARAMETERS``)."""
    names = getattr(columns.get(column).module, "DOSE_PARAMETERS", ())
    if not names:
        raise ValueError(f"{column} defines no dose surrogate (DOSE_PARAMETERS); fit "
                         "propofol_level or named parameters instead")  # fmt: skip
    return tuple(names)


def split_scope(name: str) -> tuple[str, str | None]:
    """``"g_h@posterior"`` -> ``("g_h", "posterior")``; an unscoped name gets ``None``."""
    base, sep, scope = name.partition(SCOPE_SEP)
    return base.strip(), (scope.strip() if sep else None)


def scope_regions(model: BrainModel, scope: str) -> tuple[str, ...]:
    """The simulated regions a scope names.

    A scope is a group of :meth:`wholebrain.Connectome.region_groups` (``frontal``,
    ``central``, ``posterior``: thirds of the brain's anterior-posterior extent) or region
    labels joined by ``+`` (``rV1+lV1``).
    """
    kept = model.region_labels
    if scope in REGION_GROUPS:
        if model.connectome is None:
            raise ValueError(f"the scope {scope!r} needs a connectome (its region positions)")
        regions = tuple(r for r in model.connectome.region_groups()[scope] if r in kept)
        if not regions:
            raise ValueError(f"the scope {scope!r} holds none of the simulated regions {kept}")
        return regions
    regions = tuple(r.strip() for r in scope.split("+"))
    unknown = [r for r in regions if r not in kept]
    if unknown or not scope:
        raise ValueError(
            f"unknown scope {scope!r}: use {' / '.join(REGION_GROUPS)} or simulated region "
            f"labels joined by '+' (not simulated: {unknown})"
        )
    return regions


def _column_values(column: str, values: Mapping[str, float], level: float) -> dict[str, float]:
    """Column parameters set by ``values`` (level, then dose, then named parameters)."""
    out: dict[str, float] = {}
    if PROPOFOL_LEVEL in values or PROPOFOL_DOSE in values:
        out.update(propofol_overrides(column, float(values.get(PROPOFOL_LEVEL, level))))
    if PROPOFOL_DOSE in values:
        out.update(dict.fromkeys(dose_parameters(column), float(values[PROPOFOL_DOSE])))
    for name, value in values.items():
        if name not in SPECIAL:
            out[name] = float(value)
    return out


def model_changes(model: BrainModel, values: Mapping[str, float]) -> dict[str, Any]:
    """The :data:`wholebrain.brain.RUN_FIELDS` changes that set ``values`` in ``model``.

    ``propofol_level`` is applied first, then ``propofol_dose`` (at level 1 unless the level
    is given), so a column parameter fitted with them wins. Scoped names (``NAME@SCOPE``, see
    :func:`scope_regions`) go into the scope's region overrides, on top of the brain-wide
    values: a scope's dose uses the scope's level, else the brain-wide one, else 1.
    """
    wide: dict[str, float] = {}
    scoped: dict[str, dict[str, float]] = {}
    for name, value in values.items():
        base, scope = split_scope(name)
        if scope is None:
            wide[name] = value
        else:
            scoped.setdefault(scope, {})[base] = value
    changes: dict[str, Any] = {k: float(v) for k, v in wide.items() if k in MODEL_FIELDS}
    overrides = {**model.overrides, **_column_values(model.column, wide, 1.0)}
    if overrides != dict(model.overrides):
        changes["overrides"] = overrides
    level = float(wide.get(PROPOFOL_LEVEL, 1.0))
    before = {k: dict(v) for k, v in model.region_overrides.items()}
    regional = {k: dict(v) for k, v in before.items()}
    for scope, vals in scoped.items():
        params = _column_values(model.column, vals, level)
        for region in scope_regions(model, scope):
            regional.setdefault(region, {}).update(params)
    if regional != before:
        changes["region_overrides"] = regional
    return changes


def check_names(model: BrainModel, names: Sequence[str]) -> None:
    """One-line errors for names that cannot be varied between runs of a compiled brain."""
    column = model.column_model
    params = model.column_params()[0].as_dict()
    structural = set(column.module.STRUCTURAL)
    for full in names:
        name, scope = split_scope(full)
        if scope is not None:
            if name in MODEL_FIELDS:
                raise ValueError(f"{name} is a field of the whole brain; it cannot be scoped")
            scope_regions(model, scope)
        if name == PROPOFOL_DOSE:
            dose_parameters(model.column)
        if name in SPECIAL:
            continue
        if name in structural:
            raise ValueError(
                f"{name} is a structural parameter of {model.column} (it changes the compiled "
                "network); fix it in the model and fit the others"
            )
        if name not in params or name == "velocity":
            raise ValueError(
                f"cannot fit {name!r}: not a parameter of {model.column} nor one of {list(SPECIAL)}"
            )


def parse_point(text: str) -> dict[str, float]:
    """``"propofol_level=0.5,global_coupling=2"`` -> dict (the command line's form)."""
    out: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise ValueError(f"a scan point is NAME=VALUE[,NAME=VALUE...], got {text!r}")
    return out


def check_point(model: BrainModel, values: Mapping[str, float], what: str = "the point") -> None:
    """One-line errors, before anything is compiled, for values that cannot be run."""
    check_names(model, list(values))
    try:
        model.replace(**model_changes(model, values))
    except ValueError as err:
        raise ValueError(f"{what} {dict(values)} gives an invalid model: {err}") from None
