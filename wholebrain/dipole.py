"""Region signal to dipole moment: :class:`DipoleScale` and :func:`calibrated_scale`.

A region's source is a current dipole along its outward cortical normal. Two signals of a
column can drive it (``to_raw(..., source=...)``):

- ``"dipole"`` (default where the column model records one, as soplata2023 does): the
  **axial current** between each pyramidal cell's dendrite and soma, which carries every
  synaptic and intrinsic current of the cell (AMPA and NMDA on the dendrite, GABA_A on the
  soma, K and Ca currents, the long-range input). Its cell dipole is that current times the
  soma-dendrite separation, as in hnn-core's dipoles from axial currents. The result keeps
  it as the current into the dendrite from the soma (uA/cm^2 of dendrite, summed over the
  column's cells); positive means intracellular current flowing up the apical dendrite, a
  moment along the outward normal (sign +1).
- ``"proxy"``: the column model's EEG proxy (soplata2023: the paper's AMPA currents onto
  PYdr). An inward synaptic current at the apical dendrite is a sink near the pial surface;
  intracellular current then flows down the dendrite, so the moment points *into* the cortex
  and a positive proxy gives a negative moment (``DipoleScale.sign = -1``).

:class:`DipoleScale` turns either into nA*m: current density x dendritic membrane area x
soma-dendrite separation gives one cell's moment (0.175 pA*m per uA/cm^2 with the
defaults). The propofol column's mean cell dipole lies between -0.76 and +0.46 pA*m
(1st and 99th percentiles of a 12-s run; -1.10 and +0.61 in the wake column), the range
of a single pyramidal cell at peak activity (0.29-0.90 pA*m, Murakami & Okada 2006,
J Physiol 575:925). The number of cells a region stands for comes from its **cortical
area** x ``cells_per_mm2`` where the forward knows region areas (the default,
``combine="area"``), else ``cells_per_region`` for every region. The default
``cells_per_mm2 = 600`` turns those excursions into dipole densities of -0.46 and
+0.28 nA*m/mm^2 (propofol; -0.66 and +0.37 wake), inside the maximal densities that
Murakami & Okada 2015 (NeuroImage 111:49) found across cortical structures and species
(0.16-0.77 nA*m/mm^2). ``scripts/compare_eeg_signals.py`` measures those percentiles.

The region's moment is the column's mean cell dipole times its cell count, as if the
region's cells were as coherent as the column's mean. The alternative, scaling the
coherent part of the column (the cross-spectrum of two cells) with N and each cell's own
part with sqrt(N), does not make the awake spectrum more EEG-like: the column's cells
are almost uncorrelated from 2 to 8 Hz and coherent mostly below 2 Hz and at 10-20 Hz,
so the split leaves an awake spectrum that rises towards 10-20 Hz, flatter still
(``scripts/dipole_coherence.py``, one 12-s fast-scheme column: awake 2-40 Hz
exponent -0.53 with this scaling, -0.94 to -1.18 with the split for N = 1e5-1e7).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

__all__ = ["DipoleScale", "calibrated_scale"]


@dataclass(frozen=True)
class DipoleScale:
    """Conversion of a region signal (uA/cm^2 per cell, summed over cells) to nA*m.

    Parameters
    ----------
    area_cm2 : float
        Dendritic membrane area of one model pyramidal cell (cm^2); 3.5e-4 in the column model.
    length_mm : float
        Effective dipole length of a pyramidal cell (mm): the separation of the dendritic
        and somatic compartments (the apical sink and the somatic/basal source).
    cells_per_mm2 : float
        Synchronously active pyramidal cells per mm^2 of cortex, for forwards that know their
        regions' areas (module docstring: how the default was chosen).
    cells_per_region : float
        Synchronously active pyramidal cells that one region stands for, for forwards
        without region areas (``combine="mean"`` or ``"sum"``).
    model_cells : int
        Pyramidal cells per model column whose currents the signal sums.
    sign : {-1, 1}
        Direction of the moment along the outward cortical normal for a positive *proxy*
        (the dipole signal carries its own sign).
    """

    area_cm2: float = 3.5e-4
    length_mm: float = 0.5
    cells_per_mm2: float = 600.0
    cells_per_region: float = 1e7
    model_cells: int = 100
    sign: int = -1

    def __post_init__(self) -> None:
        for name in ("area_cm2", "length_mm", "cells_per_mm2", "cells_per_region", "model_cells"):
            value = getattr(self, name)
            if not np.isfinite(value) or value <= 0:
                raise ValueError(f"DipoleScale.{name} must be a positive number, got {value!r}")
        if self.sign not in (-1, 1):
            raise ValueError(f"DipoleScale.sign must be -1 or 1, got {self.sign!r}")

    @property
    def cell_nAm_per_unit(self) -> float:  # noqa: N802 - unit name
        """Dipole moment of one cell (nA*m) per uA/cm^2 of its dendritic current."""
        return 1e-6 * self.area_cm2 * self.length_mm * 1e-3 * 1e9

    @property
    def nAm_per_unit(self) -> float:  # noqa: N802 - unit name
        """Signed moment (nA*m) per unit of the summed proxy of a region of
        ``cells_per_region`` cells."""
        return self.sign * self.cell_nAm_per_unit * self.cells_per_region / self.model_cells

    def region_nAm_per_unit(self, source: str, area_mm2: np.ndarray | None, n: int) -> np.ndarray:
        """Signed moment (nA*m) per signal unit of each of ``n`` regions.

        ``source`` is ``"dipole"`` or ``"proxy"``; ``area_mm2`` the regions' cortical areas
        (None: ``cells_per_region`` each).
        """
        sign = self.sign if source == "proxy" else 1
        cells = (
            np.full(n, self.cells_per_region)
            if area_mm2 is None
            else self.cells_per_mm2 * np.asarray(area_mm2, float)
        )
        return sign * self.cell_nAm_per_unit * cells / self.model_cells


def calibrated_scale(offset_db: float, base: DipoleScale | None = None) -> DipoleScale:
    """A dipole scale whose EEG power is ``offset_db`` dB above that of ``base``.

    EEG power grows with the square of the number of synchronously active cells a region
    stands for, so ``cells_per_mm2`` and ``cells_per_region`` are multiplied by
    ``10 ** (offset_db / 20)``. The offset
    usually comes from :func:`wholebrain.objective.power_offset_db` (a recording minus the
    model in a reference condition): it calibrates the one free amplitude of the model, so
    that absolute band powers of several fits can be compared with the recordings.
    """
    base = base or DipoleScale()
    if not np.isfinite(offset_db):
        raise ValueError(f"offset_db must be finite, got {offset_db!r}")
    factor = 10 ** (float(offset_db) / 20)
    return dataclasses.replace(
        base,
        cells_per_region=base.cells_per_region * factor,
        cells_per_mm2=base.cells_per_mm2 * factor,
    )
