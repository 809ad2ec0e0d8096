"""Column models: a registry mapping a name to its parameter sets and builder.

Every column model provides ``condition(name, **overrides) -> params``, a tuple of
``conditions`` and ``build_columns(params_or_list, n_regions, seed=..., ...)`` returning a
network with the same outputs (spikes per population, a current-based EEG proxy per column).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

#: registered column models -> module implementing them
_REGISTRY = {"soplata2023": "wholebrain.columns.soplata2023"}


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
