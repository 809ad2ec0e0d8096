"""Conductance-based leaky integrate-and-fire E/I column (80 excitatory, 20 inhibitory cells).

The cheap column of the teaching literature: Vogels & Abbott (2005) cells, Brunel (2000)
network layout (sparse random local connectivity, independent Poisson drive), alpha-function
synapses. Same interface as ``soplata2023``: :func:`condition` gives a named parameter set,
:func:`build_columns` many columns at once, ``wb.BrainModel.single_column("lif_ei")`` runs one.
Populations are named 'PY' (excitatory) and 'IN' (inhibitory), as in ``soplata2023``, so the
default long-range coupling of :class:`wholebrain.BrainModel` applies unchanged.

Integrate with ``dt_ms = 0.1`` unless a test needs more precision: the model has no fast
channel kinetics, and the default 0.01 ms of :func:`wholebrain.simulate` (chosen for the
Hodgkin-Huxley column) costs ten times as many steps (see :data:`DEFAULT_DT_MS`).
"""

from . import equations
from .builder import POPULATIONS, PROJECTIONS, build_columns
from .parameters import CONDITIONS, STRUCTURAL, LifEiParams, condition, describe

#: integration step this model is meant to run at, ms
#: what to lower when a run blows up numerically (with dt_ms)
DIVERGENCE_HINT = "the excitatory weights"
DEFAULT_DT_MS = 0.1
#: long-range coupling of a brain: excitatory spikes onto remote excitatory and inhibitory cells
DEFAULT_SENDERS = ("PY",)
DEFAULT_RECEIVERS = ("PY", "IN")

__all__ = [
    "CONDITIONS",
    "DEFAULT_DT_MS",
    "DEFAULT_RECEIVERS",
    "DEFAULT_SENDERS",
    "POPULATIONS",
    "PROJECTIONS",
    "STRUCTURAL",
    "LifEiParams",
    "build_columns",
    "condition",
    "describe",
    "equations",
]
