"""wholebrain: mesoscale whole-brain simulation of propofol anesthesia.

Data flow (each arrow a plain Python object)::

    Connectome ─┐
    column  ────┼─> BrainModel ─> simulate() ─> SimulationResult ─> Forward.to_raw() ─> mne Raw
    condition ──┘

Public names are imported lazily (MNE, nilearn and the forward model load only when used);
``simulate`` is the exception, see below, so ``import wholebrain`` loads Brian2.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "columns": "wholebrain.columns",
    "BrainModel": "wholebrain.brain",
    "SimulationResult": "wholebrain.result",
    "load_result": "wholebrain.result",
    "load_connectome": "wholebrain.connectome",
    "Connectome": "wholebrain.connectome",
    "list_atlases": "wholebrain.atlas",
    "make_forward": "wholebrain.forward",
    "compile_brain": "wholebrain.compiled",
    "CompiledBrain": "wholebrain.compiled",
    "Forward": "wholebrain.forward",
}

_MODULES = {"columns"}

__all__ = sorted([*_LAZY, "__version__", "simulate"])


# Imported eagerly: the function shares its name with its module, and a lazy attribute would be
# shadowed by the submodule as soon as anything imports ``wholebrain.simulate``.
from .simulate import simulate  # noqa: E402, F401


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        return module if name in _MODULES else getattr(module, name)
    raise AttributeError(f"module 'wholebrain' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
