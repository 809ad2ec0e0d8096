"""Izhikevich (2003) E/I column with Tsodyks-Markram short-term plasticity.

Regular-spiking excitatory cells with the paper's per-cell heterogeneity, fast-spiking
inhibitory cells, conductance-based synapses whose release follows Tsodyks & Markram (1997) /
Markram et al. (1998), and independent Poisson drive. Same interface as ``soplata2023``:
:func:`condition`, :func:`build_columns`, ``wb.BrainModel.single_column("izhikevich_stp")``.
Populations are named 'PY' (excitatory) and 'IN' (inhibitory).

With ``n_tc``, ``n_trn`` > 0 (the ``alpha`` condition) a thalamic relay/reticular pair
(populations 'TC', 'TRN') adds an alpha rhythm.
"""

from . import equations
from .builder import POPULATIONS, PROJECTIONS, build_columns, set_stp, stp_synapses
from .parameters import (
    CONDITIONS,
    PRESETS,
    STRUCTURAL,
    IzhikevichStpParams,
    condition,
    describe,
)

#: integration step this model is meant to run at, ms (Izhikevich used 0.5-1 ms; 0.1 ms keeps
#: the quadratic upstroke from overshooting the cut-off by more than a few mV)
#: what to lower when a run blows up numerically (with dt_ms)
DIVERGENCE_HINT = "the thalamic loop weights w_trn_tc and w_tc_trn, and the E->E weight w_ee"
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
    "PRESETS",
    "PROJECTIONS",
    "STRUCTURAL",
    "IzhikevichStpParams",
    "build_columns",
    "condition",
    "describe",
    "equations",
    "set_stp",
    "stp_synapses",
]
