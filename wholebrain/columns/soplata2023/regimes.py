"""The paper's two propofol regimes, scored per window from spikes.

Soplata et al. (2023) describe a column that switches abruptly between

* **continuous**: TC/TRN spike throughout (continuous thalamic alpha) while cortical
  pyramidal firing is asynchronous, and
* **interrupted**: cortical pyramidal cells fire in synchronous UP states about once a second
  and thalamic spiking happens only inside them (slow-wave-interrupted alpha).

The authors scored states by eye. This module scores each window with two numbers computed
on 50-ms bins: the TC *occupancy* (fraction of bins with at least one TC spike) and the PY
*synchrony* (coefficient of variation of the PY population spike count across bins; near
0.3-0.6 for asynchronous firing, above 1 for UP/DOWN states). The thresholds below separate
the two regimes in 10-s runs of the propofol condition (scripts/fidelity_soplata2023.py
saves such runs) with a margin on either side; windows that meet neither rule are "other".
"""

from __future__ import annotations

import numpy as np

BIN_S = 0.05
CONTINUOUS_MIN_OCCUPANCY = 0.6
CONTINUOUS_MAX_CV = 0.7
INTERRUPTED_MIN_CV = 0.9
INTERRUPTED_MAX_OCCUPANCY = 0.5


def window_measures(res, region: int = 0, window_s: float = 1.0) -> dict[str, np.ndarray]:
    """TC occupancy and PY synchrony (CV) of each whole window of a run."""
    n_win = int(res.duration_s // window_s)
    per_win = int(round(window_s / BIN_S))
    if n_win < 1 or per_win < 2:
        raise ValueError(f"run of {res.duration_s} s is too short for {window_s}-s windows")
    edges = np.arange(n_win * per_win + 1) * BIN_S

    def counts(pop: str) -> np.ndarray:
        sp = res.spikes[pop]
        t = sp["t"][sp["region"] == region]
        return np.histogram(t, bins=edges)[0].reshape(n_win, per_win)

    py = counts("PY")
    cv = py.std(axis=1) / np.maximum(py.mean(axis=1), 1e-12)
    tc = counts("TC") if "TC" in res.spikes else np.zeros_like(py)
    return {"occupancy": (tc > 0).mean(axis=1), "cv": cv}


def classify_windows(res, region: int = 0, window_s: float = 1.0) -> list[str]:
    """'continuous', 'interrupted' or 'other' for each window of ``window_s`` seconds."""
    m = window_measures(res, region, window_s)
    labels = []
    for occ, cv in zip(m["occupancy"], m["cv"], strict=True):
        if occ >= CONTINUOUS_MIN_OCCUPANCY and cv < CONTINUOUS_MAX_CV:
            labels.append("continuous")
        elif cv >= INTERRUPTED_MIN_CV and occ < INTERRUPTED_MAX_OCCUPANCY:
            labels.append("interrupted")
        else:
            labels.append("other")
    return labels


def trough_max_like(res, region: int = 0, window_s: float = 1.0) -> np.ndarray:
    """Whether each window is in the state the paper reads trough-max in.

    The thalamus fires throughout (TC occupancy at least :data:`INTERRUPTED_MAX_OCCUPANCY`)
    while the cortex is not in UP/DOWN states (PY synchrony below :data:`INTERRUPTED_MIN_CV`).
    Trough-max is thalamic alpha whose amplitude peaks at the slow wave's trough, so it needs
    thalamic spiking and no slow-wave interruption. The outer thresholds make this looser
    than ``"continuous"`` (whose margins leave a gap between the regimes): the windows in
    the gap with an active thalamus count, and windows whose thalamus falls silent while
    the cortex stays asynchronous (:func:`thalamus_silent`) do not.
    """
    m = window_measures(res, region, window_s)
    return (m["occupancy"] >= INTERRUPTED_MAX_OCCUPANCY) & (m["cv"] < INTERRUPTED_MIN_CV)


def thalamus_silent(res, region: int = 0, window_s: float = 1.0) -> np.ndarray:
    """Whether each window's thalamus is mostly silent (TC occupancy below
    :data:`INTERRUPTED_MAX_OCCUPANCY`) while the cortex is not in UP/DOWN states: no
    thalamic alpha, and no slow wave that would explain its absence."""
    m = window_measures(res, region, window_s)
    return (m["occupancy"] < INTERRUPTED_MAX_OCCUPANCY) & (m["cv"] < INTERRUPTED_MIN_CV)
