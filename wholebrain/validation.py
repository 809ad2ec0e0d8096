"""Every user-facing setting, with its name, unit and valid range: one validation layer.

The Python API, the command line and the TOML reader all check numbers through
:func:`check`, before anything is built or compiled, so a mistake gets one line that names
the setting, its unit and what it must be::

    >>> check("velocity", -3)
    Traceback (most recent call last):
    ...
    ValueError: velocity must be > 0 m/s, got -3

A value may be a plain number in the documented unit or a Brian2 quantity of the right
dimension (``3 * meter / second``); a quantity of another dimension, a string, a boolean or
NaN is refused. Nothing here imports Brian2 unless a value is a quantity.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

#: largest seed: numpy's legacy MT19937 (``brian2.seed``) takes < 2**32, and the C++ binary
#: seeds thread k's generator with seed + k; 2**31 - 1 leaves room for every thread count
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class Setting:
    """One setting: its unit (as the documentation writes it) and its valid range."""

    name: str
    unit: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    integer: bool = False
    doc: str = ""

    def describe(self) -> str:
        """``"> 0 m/s"``, ``"an integer >= 1"`` ..."""
        parts = []
        fmt = (lambda x: f"{int(x)}") if self.integer else (lambda x: f"{x:g}")
        if self.integer and self.low == 1 and not self.low_open:
            return "a positive integer" + (f" <= {fmt(self.high)}" if self.high else "")
        if self.low is not None:
            parts.append(f"{'>' if self.low_open else '>='} {fmt(self.low)}")
        if self.high is not None:
            parts.append(f"<= {fmt(self.high)}")
        rng = " and ".join(parts)
        unit = "" if self.unit in ("1", "") else f" {self.unit}"
        if self.integer:
            return f"an integer {rng}".rstrip()
        return f"{rng}{unit}" if rng else f"a number{unit}"


def _brian_unit(unit: str) -> Any:
    """The Brian2 quantity of a documented unit (a quantity given by the user is divided by
    it)."""
    import brian2 as b2

    return {
        "s": b2.second,
        "ms": b2.ms,
        "m/s": b2.meter / b2.second,
        "mm": b2.mm,
        "mS/cm^2": b2.msiemens / b2.cm**2,
        "Hz": b2.Hz,
        "1": b2.Quantity(1.0),
    }[unit]


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("duration", "s", low=0, low_open=True, doc="simulated time"),
        Setting("transient", "s", low=0, doc="seconds dropped from the start of each run"),
        Setting("chunk", "s", low=0, low_open=True, doc="simulated seconds between checkpoints"),
        Setting("dt_ms", "ms", low=0, low_open=True, doc="integration step"),
        Setting("record_dt_ms", "ms", low=0, low_open=True, doc="recording interval"),
        Setting("threads", "1", low=1, high=1024, integer=True, doc="OpenMP threads per run"),
        Setting("record_cells", "1", low=1, integer=True, doc="cells recorded per column"),
        Setting("seed", "1", low=0, high=MAX_SEED, integer=True, doc="random seed"),
        Setting("connectivity_seed", "1", low=0, high=MAX_SEED, integer=True),
        Setting("global_coupling", "1", low=0, doc="gain of every long-range synapse"),
        Setting("gain", "1", low=0, doc="gain of every long-range synapse"),
        Setting("velocity", "m/s", low=0, low_open=True, doc="conduction velocity"),
        Setting("g_long_range", "mS/cm^2", low=0, doc="conductance of one long-range synapse"),
        Setting("long_range_inputs", "1", low=0, integer=True, doc="long-range inputs per cell"),
        Setting("workers", "1", low=1, high=4096, integer=True, doc="runs at the same time"),
        Setting("n_evaluations", "1", low=1, integer=True, doc="evaluations of a fit"),
        Setting("evaluations", "1", low=1, integer=True, doc="evaluations of a fit"),
        Setting("timeout_s", "s", low=0, low_open=True, doc="seconds a scheduler gets"),
    )
}


def check(name: str, value: Any, setting: Setting | None = None) -> Any:
    """``value`` of the setting ``name``, checked and as a plain float (or int).

    Raises
    ------
    ValueError
        Naming the setting, what it must be (unit and range) and what was given.
    """
    s = setting or SETTINGS[name]
    number = _number(s, value)
    if s.integer:
        if not float(number).is_integer():
            raise ValueError(f"{s.name} must be {s.describe()}, got {value!r}")
        number = int(number)
    ok = math.isfinite(number)
    if ok and s.low is not None:
        ok = number > s.low if s.low_open else number >= s.low
    if ok and s.high is not None:
        ok = number <= s.high
    if not ok:
        raise ValueError(f"{s.name} must be {s.describe()}, got {value!r}")
    return number


#: how an error names the unit of a number that is not one
_UNIT_WORDS = {"s": "seconds", "ms": "ms", "m/s": "m/s", "mm": "mm", "mS/cm^2": "mS/cm^2",
               "Hz": "Hz"}  # fmt: skip


def _number(s: Setting, value: Any) -> float:
    what = f"{s.name} must be {s.describe()}"
    if s.unit in _UNIT_WORDS:
        kind = f"a number of {_UNIT_WORDS[s.unit]} ({s.describe()})"
    else:
        kind = s.describe() if s.integer else f"a number ({s.describe()})"
    if hasattr(value, "dim"):  # a Brian2 quantity
        import brian2 as b2

        unit = _brian_unit(s.unit)
        if b2.get_dimensions(value) != b2.get_dimensions(unit):
            unit = "dimensionless" if s.unit == "1" else f"in units of {s.unit}"
            raise ValueError(f"{what}; got {value!r}, which is not {unit}")
        arr = float(value / unit) if getattr(value, "shape", ()) == () else None
        if arr is None:
            raise ValueError(f"{what}: one value, got an array of shape {value.shape}")
        return arr
    if isinstance(value, bool) or value is None or isinstance(value, str | bytes):
        raise ValueError(f"{s.name} must be {kind}, got {value!r}")
    if isinstance(value, numbers.Real):
        return float(value)
    try:  # numpy scalars and 0-d arrays
        import numpy as np

        arr = np.asarray(value)
        if arr.shape == () and np.issubdtype(arr.dtype, np.number):
            return float(arr)
    except (TypeError, ValueError):
        pass
    raise ValueError(f"{s.name} must be {kind}, got {value!r} ({type(value).__name__})")


def check_seed(value: Any, name: str = "seed") -> int:
    """A seed: an integer in [0, MAX_SEED]."""
    return check(name, value, SETTINGS["seed"] if name == "seed" else None)


__all__ = ["MAX_SEED", "SETTINGS", "Setting", "check", "check_seed"]
