"""Column models: a registry mapping a name to its parameter sets and builder.

What a column model provides (the model protocol) and what all of them share (the network
container, long-range synapses, outputs) is in :mod:`wholebrain.columns.base`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

#: registered column models -> module implementing them
_REGISTRY = {
    "soplata2023": "wholebrain.columns.soplata2023",
    "lif_ei": "wholebrain.columns.lif_ei",
    "izhikevich_stp": "wholebrain.columns.izhikevich_stp",
}


@dataclass(frozen=True)
class ColumnModel:
    """A registered column model."""

    name: str
    module: ModuleType

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(self.module.CONDITIONS)

    def condition(self, name: str, **overrides):
        return self.module.condition(name, **overrides)

    def build(self, *args, **kwargs):
        return self.module.build_columns(*args, **kwargs)


def available() -> list[str]:
    """Names of the registered column models."""
    return sorted(_REGISTRY)


def get(name: str) -> ColumnModel:
    """The column model registered as ``name``."""
    if name not in _REGISTRY:
        raise ValueError(f"unknown column model {name!r}; available: {', '.join(available())}")
    return ColumnModel(name, importlib.import_module(_REGISTRY[name]))
