"""wholebrain: mesoscale whole-brain simulation of propofol anesthesia.

Data flow (each arrow a plain Python object)::

    Connectome ─┐
    column  ────┼─> BrainModel ─> simulate() ─> SimulationResult ─> Forward.to_raw() ─> mne Raw
    condition ──┘

Public names are imported lazily: ``import wholebrain`` loads neither Brian2 nor MNE; each
loads when a name that needs it is first used. The package's layout follows the same flow
(README, "Layout").
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__ as __version__

# public name -> module that defines it
_LAZY = {
    "columns": "wholebrain.columns",
    "analysis": "wholebrain.analysis",
    "BrainModel": "wholebrain.brain",
    "SimulationResult": "wholebrain.result",
    "load_result": "wholebrain.result",
    "load_connectome": "wholebrain.connectome.load",
    "Connectome": "wholebrain.connectome.connectome",
    "list_atlases": "wholebrain.connectome.atlas",
    "make_forward": "wholebrain.forward",
    "simulate": "wholebrain.engine.simulate",
    "compile_brain": "wholebrain.engine.cpp",
    "CompiledBrain": "wholebrain.engine.cpp",
    "Forward": "wholebrain.forward",
    "DipoleScale": "wholebrain.dipole",
    "posterior_alpha": "wholebrain.brain_configs",
}

_MODULES = {"columns", "analysis"}

__all__ = sorted([*_LAZY, "__version__"])


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        return module if name in _MODULES else getattr(module, name)
    raise AttributeError(f"module 'wholebrain' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
