"""Parameters and named conditions of the Soplata et al. (2023) thalamocortical column.

Every value is read from the authors' 2023 mechanism files (ModelDB 2015422,
``dynasim-extended-benita-model/models/*.mech``) and the run scripts of
``asoplata/soplata-2023-thalcort-code``; the run-script values override the file defaults
(e.g. the PYdr leak 0.005 instead of 0.0667). Units are those of the model: conductances in
mS/cm^2, times in ms, rates in Hz, currents in uA/cm^2. Brian2 quantities are accepted in
overrides and converted (a wrong dimension is an error).

Synaptic conductances are the *maximal* conductances ``g`` of the mechanism files, before the
division by the normalisation factor NF of the connectivity rule (see ``connectivity.py``).
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
from dataclasses import dataclass, field
from typing import Any

DEPRESSION_MODES = ("dynasim", "per_spike")
CONNECTIVITY_MODES = ("dynasim", "nearest")
INTEGRATION_MODES = ("dynasim", "fast")


def _p(default: float, unit: str, doc: str) -> Any:
    """A documented float parameter; ``unit`` is a Brian2 unit expression or '1'."""
    return field(default=default, metadata={"unit": unit, "doc": doc})


@dataclass(frozen=True)
class Soplata2023Params:
    """One column's parameters (a frozen set; derive variants with :meth:`replace`).

    The defaults are the paper's main propofol run (``p25d40s004_20230102_mainfig_i24s``).
    Use :func:`condition` for the other named sets.
    """

    # --- population sizes (numCellsScaleFactor of assembleFullSpec) ---------------------
    scale: float = _p(1.0, "1", "cell-count scale factor: PY 100, IN/TC/TRN 20 at scale 1")
    thalamus: bool = field(default=True, metadata={"doc": "build TC and TRN (False: cortex only)"})
    htc: bool = field(
        default=False,
        metadata={
            "doc": "also build 20 HTC cells per column (scale 1): high-threshold bursting, "
            "gap-coupled thalamocortical cells, the awake posterior alpha generator (.htc)"
        },
    )

    # --- PYso (axo-somatic compartment) -------------------------------------------------
    g_leak_so: float = _p(0.0667, "msiemens/cm**2", "PYso leak")
    g_na_so: float = _p(50.0, "msiemens/cm**2", "PYso fast Na")
    g_k_so: float = _p(10.5, "msiemens/cm**2", "PYso delayed-rectifier K")
    g_a: float = _p(1.0, "msiemens/cm**2", "PYso A-type K")
    g_ks: float = _p(0.576, "msiemens/cm**2", "PYso slow K")
    g_kna: float = _p(1.33, "msiemens/cm**2", "Na-dependent K (propofol 1.33, wake 0.10)")
    # --- PYdr (dendritic compartment) ----------------------------------------------------
    g_leak_dr: float = _p(0.005, "msiemens/cm**2", "PYdr leak (0.005 in every 2023 run script)")
    g_nap: float = _p(0.0686, "msiemens/cm**2", "PYdr persistent Na")
    g_ar: float = _p(0.0257, "msiemens/cm**2", "PYdr inward-rectifier K")
    g_hva: float = _p(0.43, "msiemens/cm**2", "PYdr high-voltage-activated Ca")
    g_kca: float = _p(0.57, "msiemens/cm**2", "PYdr Ca-dependent K")
    g_com_so: float = _p(11.667, "msiemens/cm**2", "axial coupling into PYso (1.75 uS/0.015 mm^2)")
    g_com_dr: float = _p(5.0, "msiemens/cm**2", "axial coupling into PYdr (1.75 uS/0.035 mm^2)")
    g_com_variability: float = _p(
        0.0,
        "1",
        "per-cell relative spread of the axial coupling (uniform +-fraction; 0 = published, "
        "Benita 2012 used +-0.1 of 1.75 uS, i.e. 0.057)",
    )
    # --- IN --------------------------------------------------------------------------
    g_leak_in: float = _p(0.1025, "msiemens/cm**2", "IN leak")
    g_na_in: float = _p(35.0, "msiemens/cm**2", "IN fast Na")
    g_k_in: float = _p(9.0, "msiemens/cm**2", "IN K")
    # --- TC --------------------------------------------------------------------------
    g_na_tc: float = _p(90.0, "msiemens/cm**2", "TC fast Na")
    g_k_tc: float = _p(10.0, "msiemens/cm**2", "TC K")
    g_leak_tc: float = _p(0.01, "msiemens/cm**2", "TC leak")
    g_kleak_tc: float = _p(0.0172, "msiemens/cm**2", "TC K-leak (wake 0.001)")
    g_t_tc: float = _p(2.0, "msiemens/cm**2", "TC T-type Ca")
    g_h: float = _p(0.005, "msiemens/cm**2", "TC H current (propofol 0.005, wake 0.4)")
    # --- TRN -------------------------------------------------------------------------
    g_na_trn: float = _p(200.0, "msiemens/cm**2", "TRN fast Na")
    g_k_trn: float = _p(20.0, "msiemens/cm**2", "TRN K")
    g_leak_trn: float = _p(0.05, "msiemens/cm**2", "TRN leak")
    g_kleak_trn: float = _p(0.0, "msiemens/cm**2", "TRN K-leak")
    g_t_trn: float = _p(3.0, "msiemens/cm**2", "TRN T-type Ca")
    # --- HTC (only with htc=True; Li et al. 2017's HTC cell, see .htc)
    g_leak_htc: float = _p(0.01, "msiemens/cm**2", "HTC leak")
    g_kleak_htc: float = _p(
        0.035, "msiemens/cm**2", "HTC K-leak (wake 0: Li et al. 2017's alpha and delta states)"
    )
    g_na_htc: float = _p(90.0, "msiemens/cm**2", "HTC fast Na")
    g_dr_htc: float = _p(10.0, "msiemens/cm**2", "HTC delayed-rectifier K")
    g_h_htc: float = _p(0.01, "msiemens/cm**2", "HTC H current")
    g_cat_htc: float = _p(2.1, "msiemens/cm**2", "HTC low-threshold T-type Ca")
    g_caht_htc: float = _p(3.0, "msiemens/cm**2", "HTC high-threshold T-type Ca")
    g_cal_htc: float = _p(0.5, "msiemens/cm**2", "HTC L-type Ca")
    g_ahp_htc: float = _p(0.3, "msiemens/cm**2", "HTC Ca-activated K (AHP)")
    g_can_htc: float = _p(0.5, "msiemens/cm**2", "HTC Ca-activated cation current")
    g_gap_htc: float = _p(0.12, "msiemens/cm**2", "HTC gap-junction conductance, summed per cell")
    htc_weight: float = _p(
        1.0, "1", "scale of every HTC synapse and gap junction of this column (0: no HTC alpha)"
    )

    # --- synapses: maximal conductances before normalisation ---------------------------
    g_ampa_py_dr: float = _p(0.005, "msiemens/cm**2", "PYso->PYdr AMPA (dose surrogate)")
    g_nmda_py_dr: float = _p(0.00257, "msiemens/cm**2", "PYso->PYdr NMDA")
    g_ampa_py_in: float = _p(1.0, "msiemens/cm**2", "PYso->IN AMPA")
    g_nmda_py_in: float = _p(0.0025, "msiemens/cm**2", "PYso->IN NMDA")
    g_gabaa_in_py: float = _p(0.1, "msiemens/cm**2", "IN->PYso GABA_A")
    g_gabaa_in_in: float = _p(0.000825, "msiemens/cm**2", "IN->IN GABA_A")
    g_ampa_tc_dr: float = _p(0.005, "msiemens/cm**2", "TC->PYdr AMPA (dose surrogate)")
    g_ampa_tc_in: float = _p(0.1, "msiemens/cm**2", "TC->IN AMPA")
    g_ampa_py_tc: float = _p(0.4, "msiemens/cm**2", "PYso->TC AMPA")
    g_ampa_py_trn: float = _p(0.2, "msiemens/cm**2", "PYso->TRN AMPA")
    g_gabaa_trn_tc: float = _p(0.1, "msiemens/cm**2", "TRN->TC GABA_A")
    g_gabab_trn_tc: float = _p(0.001, "msiemens/cm**2", "TRN->TC GABA_B")
    g_gabaa_trn_trn: float = _p(0.1, "msiemens/cm**2", "TRN->TRN GABA_A")
    g_ampa_tc_trn: float = _p(0.4, "msiemens/cm**2", "TC->TRN AMPA")
    g_ampa_htc_dr: float = _p(0.005, "msiemens/cm**2", "HTC->PYdr AMPA (as TC->PYdr)")
    g_ampa_htc_in: float = _p(0.1, "msiemens/cm**2", "HTC->IN AMPA (as TC->IN)")
    g_ampa_htc_trn: float = _p(0.4, "msiemens/cm**2", "HTC->TRN AMPA (as TC->TRN)")
    g_ampa_py_htc: float = _p(0.1, "msiemens/cm**2", "PYso->HTC AMPA (tuned, .htc)")
    g_gabaa_trn_htc: float = _p(0.05, "msiemens/cm**2", "TRN->HTC GABA_A (tuned, .htc)")
    # propofol's direct effect on the four GABA_A synapses
    gabaa_cond_mult: float = _p(3.0, "1", "GABA_A conductance multiplier (propofol 3)")
    gabaa_tau_mult: float = _p(3.0, "1", "GABA_A decay multiplier (propofol 3: 5 -> 15 ms)")
    # short-term depression of cortical AMPA/NMDA/GABA_A
    depr_factor: float = _p(0.9, "1", "res multiplier per depression step")
    tau_res_ms: float = _p(400.0, "ms", "recovery time constant of res")

    # --- external Poisson conductance input (PYdr, TC, TRN) -----------------------------
    g_ext_dr: float = _p(0.005, "msiemens/cm**2", "Poisson input onto PYdr (dose surrogate)")
    g_ext_tc: float = _p(0.005, "msiemens/cm**2", "Poisson input onto TC (dose surrogate)")
    g_ext_trn: float = _p(0.005, "msiemens/cm**2", "Poisson input onto TRN (dose surrogate)")
    g_ext_htc: float = _p(0.01, "msiemens/cm**2", "Poisson input onto HTC (tuned, .htc)")
    poisson_rate_hz: float = _p(40.0, "Hz", "rate of each cell's independent Poisson train")
    tau_ext_ms: float = _p(2.0, "ms", "decay of the Poisson gating (each event adds 1)")

    # --- applied pulse on PYdr (iAppliedStimBipAS22; off by default) --------------------
    stim_amp: float = _p(0.0, "uamp/cm**2", "pulse amplitude on PYdr (Fig. 6/7: 0.5-5)")
    stim_onset_ms: float = _p(0.0, "ms", "pulse onset (strict inequality, as DynaSim)")
    stim_offset_ms: float = _p(0.0, "ms", "pulse offset")
    stim_random: bool = field(
        default=False,
        metadata={"doc": "False: same sign for all cells (synchronising); True: U(-1,1) per cell"},
    )

    # --- semantics ------------------------------------------------------------------
    depression: str = field(
        default="dynasim",
        metadata={
            "doc": "'dynasim': the published runs' re-triggered detection against the last "
            "0.1 ms sample (0.9^N, N = 1..11 per spike); 'per_spike': one depr_factor per spike"
        },
    )
    connectivity: str = field(
        default="dynasim",
        metadata={
            "doc": "'dynasim': the published code's all-to-all matrices for 20-cell "
            "populations with its normalisation factors; 'nearest': the nearest-neighbour "
            "rule the paper describes (same factors)"
        },
    )

    integration: str = field(
        default="dynasim",
        metadata={
            "doc": "'dynasim': the paper's forward Euler at 0.01 ms (the default of one "
            "column); 'fast': 0.05 ms, Euler-matched substeps (2 for PY/IN, 4 for TC/TRN), "
            "DynaSim's depression count applied per spike (the default of a brain; "
            "columns.soplata2023.integration)"
        },
    )

    def __post_init__(self) -> None:
        if self.integration not in INTEGRATION_MODES:
            raise ValueError(
                f"integration={self.integration!r} is not known; use one of {INTEGRATION_MODES}"
            )
        if self.depression not in DEPRESSION_MODES:
            raise ValueError(
                f"depression={self.depression!r} is not known; use one of {DEPRESSION_MODES}"
            )
        if self.connectivity not in CONNECTIVITY_MODES:
            raise ValueError(
                f"connectivity={self.connectivity!r} is not known; use one of {CONNECTIVITY_MODES}"
            )
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in ("depression", "connectivity", "integration"):
                continue
            if isinstance(f.default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"parameter {f.name} must be True or False, got {value!r}")
                continue
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                unit = f.metadata.get("unit", "")
                raise ValueError(
                    f"parameter {f.name} must be a number{' of ' + unit if unit else ''}, "
                    f"got {value!r}"
                )
            if value != value or value < 0 and f.name != "stim_amp":
                raise ValueError(f"parameter {f.name} must be >= 0 and finite, got {value}")
        if self.scale <= 0:
            raise ValueError(f"scale must be > 0, got {self.scale}")
        if not 0 < self.depr_factor <= 1:
            raise ValueError(f"depr_factor must be in (0, 1], got {self.depr_factor}")
        for name in ("tau_res_ms", "tau_ext_ms", "gabaa_tau_mult"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.g_com_variability >= 1:
            raise ValueError("g_com_variability must be < 1 (a relative spread)")
        if self.stim_offset_ms < self.stim_onset_ms:
            raise ValueError("stim_offset_ms must be >= stim_onset_ms")

    # ------------------------------------------------------------------------------
    @property
    def sizes(self) -> dict[str, int]:
        """Cells per population in one column (``round(scale * 100)`` etc., as DynaSim);
        ``HTC`` only with ``htc=True``."""
        n_thal = round(self.scale * 20) if self.thalamus else 0
        sizes = {
            "PY": round(self.scale * 100),
            "IN": round(self.scale * 20),
            "TC": n_thal,
            "TRN": n_thal,
        }
        if self.htc:  # named only when asked for, as in results made before it existed
            sizes["HTC"] = n_thal
        return sizes

    def replace(self, **overrides: Any) -> Soplata2023Params:
        """A copy with parameters overridden by name (floats in documented units or
        Brian2 quantities). Unknown names raise a ``ValueError`` that suggests close names."""
        return dataclasses.replace(self, **_coerce(overrides))

    def as_dict(self) -> dict[str, Any]:
        """Plain ``{name: value}`` of every parameter (for provenance)."""
        return dataclasses.asdict(self)


_FIELDS = {f.name: f for f in dataclasses.fields(Soplata2023Params)}


def describe() -> list[tuple[str, Any, str, str]]:
    """(name, default, unit, description) of every parameter, for docs and ``info``."""
    return [
        (f.name, f.default, f.metadata.get("unit", ""), f.metadata.get("doc", ""))
        for f in dataclasses.fields(Soplata2023Params)
    ]


def _coerce(overrides: dict[str, Any]) -> dict[str, Any]:
    """Check names and convert Brian2 quantities to the documented float units."""
    out = {}
    for name, value in overrides.items():
        if name not in _FIELDS:
            close = difflib.get_close_matches(name, list(_FIELDS), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise ValueError(
                f"unknown soplata2023 parameter {name!r}{hint} "
                "(wholebrain.columns.soplata2023.describe() lists them)"
            )
        unit = _FIELDS[name].metadata.get("unit")
        if hasattr(value, "dim"):  # a Brian2 quantity
            import brian2

            target = {
                "1": brian2.Quantity(1.0),
                "msiemens/cm**2": brian2.msiemens / brian2.cm**2,
                "uamp/cm**2": brian2.uamp / brian2.cm**2,
                "ms": brian2.ms,
                "Hz": brian2.Hz,
            }[unit]
            if brian2.get_dimensions(value) != brian2.get_dimensions(target):
                raise ValueError(f"parameter {name} needs units of {unit}, got {value!r}")
            value = float(value / target)
        out[name] = value
    return out


# ---------------------------------------------------------------------------------------
# Named conditions (modification tables of the 2023 run scripts)
# ---------------------------------------------------------------------------------------
_PROPOFOL: dict[str, Any] = {}  # the dataclass defaults are the main propofol run

# p25d46s026_20230115_wakelike_allexc60: ACh-like "neuromodulatory" set, all excitation
# onto IN/TC/TRN and NMDA scaled by (1 - 0.30 - 0.30) = 0.4, no propofol GABA_A effect.
_WAKE: dict[str, Any] = {
    "g_ampa_py_dr": 0.004,
    "g_ampa_tc_dr": 0.004,
    "g_ext_dr": 0.004,
    "g_ext_tc": 0.004,
    "g_ext_trn": 0.004,
    "g_nmda_py_dr": 0.00257 * 0.4,
    "g_nmda_py_in": 0.0025 * 0.4,
    "g_kna": 0.10,
    "g_ampa_py_in": 1.0 * 0.4,
    "g_ampa_tc_in": 0.1 * 0.4,
    "g_ampa_py_tc": 0.4 * 0.4,
    "g_ampa_py_trn": 0.2 * 0.4,
    # the HTC cells' synapses follow their TC counterparts
    "g_ampa_htc_dr": 0.004,
    "g_ampa_htc_in": 0.1 * 0.4,
    "g_ampa_py_htc": 0.1 * 0.4,
    "g_h": 0.4,
    "g_kleak_tc": 0.001,
    "g_kleak_htc": 0.0,
    "gabaa_cond_mult": 1.0,
    "gabaa_tau_mult": 1.0,
}

# p25d45s00x cortonly_swo: the cortical half of the full spec (assembleCortOnlySpec is not
# public; this is the most likely reading, see the project docs), no propofol GABA_A effect.
_CORTEX_ONLY: dict[str, Any] = {"thalamus": False, "gabaa_cond_mult": 1.0, "gabaa_tau_mult": 1.0}

CONDITIONS: dict[str, dict[str, Any]] = {
    "propofol": _PROPOFOL,
    "wake": _WAKE,
    "cortex_only": _CORTEX_ONLY,
}

#: Table 1 of the paper: the dose surrogate x (mS/cm^2)
TABLE1_DOSES = (
    0.002,
    0.003,
    0.004,
    0.005,
    0.006,
    0.007,
    0.008,
    0.009,
    0.010,
    0.012,
    0.015,
    0.020,
    0.025,
    0.030,
    0.050,
    0.100,
    0.200,
)
#: the conductances set to the dose surrogate x in Table 1 (PYso->PYdr and TC->PYdr AMPA, and
#: the Poisson drive of PYdr, TC and TRN)
DOSE_PARAMETERS = ("g_ampa_py_dr", "g_ampa_tc_dr", "g_ext_dr", "g_ext_tc", "g_ext_trn")
#: Table 2 grid values for PYso->PYdr and TC->PYdr AMPA (mS/cm^2), gext fixed at 0.004
TABLE2_VALUES = (0.004, 0.006, 0.008, 0.010)


def condition(name: str = "propofol", **overrides: Any) -> Soplata2023Params:
    """A named parameter set, optionally with parameters overridden by name.

    Parameters
    ----------
    name : str
        ``"propofol"`` (the paper's main run), ``"wake"`` (wake-like) or ``"cortex_only"``.
    **overrides
        Any parameter of :class:`Soplata2023Params` (see :func:`describe`).
    """
    if name not in CONDITIONS:
        close = difflib.get_close_matches(str(name), list(CONDITIONS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown condition {name!r}{hint}; known conditions: {', '.join(CONDITIONS)}"
        )
    return Soplata2023Params(**{**CONDITIONS[name], **_coerce(overrides)})


def dose(x: float, **overrides: Any) -> Soplata2023Params:
    """Table 1 sweep: propofol with gAMPA PY->PY = gAMPA TC->PY = gext = ``x`` (mS/cm^2)."""
    return condition("propofol", **{**dict.fromkeys(DOSE_PARAMETERS, x), **overrides})


def table2(g_py_py: float, g_tc_py: float, **overrides: Any) -> Soplata2023Params:
    """Table 2 grid point: propofol with gext = 0.004 and the two AMPA conductances given."""
    return condition(
        "propofol",
        **{
            "g_ampa_py_dr": g_py_py,
            "g_ampa_tc_dr": g_tc_py,
            "g_ext_dr": 0.004,
            "g_ext_tc": 0.004,
            "g_ext_trn": 0.004,
            **overrides,
        },
    )
