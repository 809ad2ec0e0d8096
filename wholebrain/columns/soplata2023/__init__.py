"""Soplata et al. (2023) thalamocortical column: PYso/PYdr, IN, TC, TRN in Brian2.

Soplata AE, Adam E, Brown EN, Purdon PL, McCarthy MM, Kopell N (2023). J Neurophysiol
130(1):86-103. Equations and parameters follow the authors' 2023 DynaSim mechanism files
(ModelDB 2015422); see ``equations.py`` for the semantics kept and ``parameters.py`` for the
named conditions.
"""

from .builder import POPULATIONS, STRUCTURAL, build_columns
from .integration import DT_MS
from .parameters import (
    CONDITIONS,
    DOSE_PARAMETERS,
    TABLE1_DOSES,
    TABLE2_VALUES,
    Soplata2023Params,
    condition,
    describe,
    dose,
    table2,
)

#: what to lower when a run blows up numerically (with dt_ms)
DIVERGENCE_HINT = "the synaptic conductances (g_ampa_*, g_nmda_*) and the external drive"
#: integration step of the paper (forward Euler), ms
DEFAULT_DT_MS = DT_MS["dynasim"]
#: what a brain (more than one region) runs unless told otherwise: the fast integration,
#: validated against the published scheme (``integration.py``). One column keeps the
#: published scheme, which its fidelity to the authors' runs is checked with.
BRAIN_DEFAULTS = {"integration": "fast"}
#: long-range coupling of a brain: pyramidal spikes onto remote pyramidal cells and interneurons
DEFAULT_SENDERS = ("PY",)
DEFAULT_RECEIVERS = ("PY", "IN")


def dt_ms_for(params: Soplata2023Params) -> float:
    """The integration step of the scheme ``params.integration`` names, ms."""
    return DT_MS[params.integration]


__all__ = [
    "BRAIN_DEFAULTS",
    "CONDITIONS",
    "DEFAULT_DT_MS",
    "DOSE_PARAMETERS",
    "DEFAULT_RECEIVERS",
    "DT_MS",
    "dt_ms_for",
    "DEFAULT_SENDERS",
    "POPULATIONS",
    "STRUCTURAL",
    "TABLE1_DOSES",
    "TABLE2_VALUES",
    "Soplata2023Params",
    "build_columns",
    "condition",
    "describe",
    "dose",
    "table2",
]
