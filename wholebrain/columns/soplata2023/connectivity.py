"""Connectivity rules and normalisation factors of the Soplata 2023 column.

The mechanism files build every cortical netcon with ``netconNearestNeighbors(2*radius,
N_pre, N_post, removeRecurrent)`` (radius 10) and divide the conductance by
``NF = min((2*radius + 1 - removeRecurrent) / (N_post/N_pre), N_pre)``. The function only
builds nearest-neighbour windows when *both* populations exceed 20 cells; otherwise it returns
all-to-all ones, and ``removeRecurrent`` subtracts ``eye(N_pre, N_post)``. With the paper's
sizes every projection touching a 20-cell population is therefore all-to-all, which is what
produced the published figures (``connectivity="dynasim"``). The normalisation factors were
designed for nearest-neighbour fan-in: ``connectivity="nearest"`` builds those windows (the
"or" reading of the size test) and drops the self-pairs only where pre and post are the same
cells, never creating negative entries as the literal "or" + ``eye`` would.

Thalamic AS17 synapses (TRN->TC, TRN->TRN, TC->TRN) use ``ones(N_pre, N_post)/N_pre`` in
both modes (TRN->TRN keeps its autapses).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RADIUS = 10
N_NEIGHBORS = 2 * RADIUS


def nearest_neighbors(
    n_pre: int, n_post: int, remove_recurrent: bool, *, mode: str = "dynasim"
) -> np.ndarray:
    """Connection matrix (n_pre, n_post) of ``netconNearestNeighbors(20, ...)``.

    Parameters
    ----------
    n_pre, n_post : int
        Population sizes.
    remove_recurrent : bool
        Drop self-pairs (i, i).
    mode : {"dynasim", "nearest"}
        ``"dynasim"``: the published function (windows only if both populations exceed 20
        cells, ``eye`` subtracted). ``"nearest"``: windows if either population exceeds 20
        cells; self-pairs removed only where they exist (entries stay 0 or 1).
    """
    both_big = n_pre > N_NEIGHBORS and n_post > N_NEIGHBORS
    any_big = n_pre > N_NEIGHBORS or n_post > N_NEIGHBORS
    windows = both_big if mode == "dynasim" else any_big
    netcon = _windows(n_pre, n_post) if windows else np.ones((n_pre, n_post))
    if remove_recurrent:
        netcon = netcon - np.eye(n_pre, n_post)
        if mode == "nearest":
            netcon = np.clip(netcon, 0, 1)
    return netcon


def _windows(n_pre: int, n_post: int) -> np.ndarray:
    """The window loops of netconNearestNeighbors, with MATLAB's 1-based wrap-around.

    As in the original, only one side of the wrap is corrected per row (``if ... elseif``),
    and MATLAB ``round`` rounds halves away from zero.
    """
    netcon = np.zeros((n_pre, n_post))
    half = N_NEIGHBORS // 2

    def mround(x: float) -> int:
        return int(np.floor(x + 0.5))

    for i in range(1, n_pre + 1):
        if n_pre == n_post:
            centre = i
        elif n_pre > n_post:
            centre = mround(i / mround(n_pre / n_post))
        else:
            centre = i * mround(n_post / n_pre)
        j = np.arange(centre - half, centre + half + 1)
        if np.any(j <= 0):
            j[j <= 0] += n_post
        elif np.any(j > n_post):
            j[j > n_post] -= n_post
        j = j[(j >= 1) & (j <= n_post)]  # MATLAB would error here; cannot happen for n >= 21
        netcon[i - 1, j - 1] = 1
    return netcon


def normalizing_factor(n_pre: int, n_post: int, remove_recurrent: bool) -> float:
    """NF of the cortical mechanism files: min((2r + 1 - removeRecurrent)/(N_post/N_pre), N_pre)."""
    return min((N_NEIGHBORS + (1 - int(remove_recurrent))) / (n_post / n_pre), n_pre)


@dataclass(frozen=True)
class Projection:
    """One synaptic mechanism between two populations of a column.

    ``gate`` names the presynaptic variable summed over inputs, ``target`` the postsynaptic
    input variable the current equation reads, ``g`` the conductance parameter name.
    """

    name: str
    pre: str
    post: str
    gate: str
    target: str
    g: str
    remove_recurrent: bool | None  # None: thalamic AS17 all-to-all / N_pre
    gabaa: bool = False  # scaled by gabaa_cond_mult


#: Every synapse of assembleFullSpec; ``target`` names the sum the post cell's current uses.
PROJECTIONS: tuple[Projection, ...] = (
    Projection("ampa_py_dr", "PY", "PY", "G_ampa_py_dr", "X_ampa_py_dr", "g_ampa_py_dr", True),
    Projection("nmda_py_dr", "PY", "PY", "G_nmda_py_dr", "X_nmda_py_dr", "g_nmda_py_dr", True),
    Projection("ampa_py_in", "PY", "IN", "G_ampa_py_in", "X_ampa_py_in", "g_ampa_py_in", True),
    Projection("nmda_py_in", "PY", "IN", "G_nmda_py_in", "X_nmda_py_in", "g_nmda_py_in", True),
    Projection(
        "gabaa_in_py", "IN", "PY", "G_gabaa_in_py", "X_gabaa_in_py", "g_gabaa_in_py", True, True
    ),
    Projection(
        "gabaa_in_in", "IN", "IN", "G_gabaa_in_in", "X_gabaa_in_in", "g_gabaa_in_in", True, True
    ),
    Projection("ampa_tc_dr", "TC", "PY", "s_ampa_tc_dr", "X_ampa_tc_dr", "g_ampa_tc_dr", False),
    Projection("ampa_tc_in", "TC", "IN", "s_ampa_tc_in", "X_ampa_tc_in", "g_ampa_tc_in", False),
    Projection("ampa_py_tc", "PY", "TC", "s_ampa_py_tc", "X_ampa_py_tc", "g_ampa_py_tc", False),
    Projection(
        "ampa_py_trn", "PY", "TRN", "s_ampa_py_trn", "X_ampa_py_trn", "g_ampa_py_trn", False
    ),
    Projection(
        "gabaa_trn_tc",
        "TRN",
        "TC",
        "s_gabaa_trn_tc",
        "X_gabaa_trn_tc",
        "g_gabaa_trn_tc",
        None,
        True,
    ),
    Projection(
        "gabab_trn_tc", "TRN", "TC", "G_gabab_trn_tc", "X_gabab_trn_tc", "g_gabab_trn_tc", None
    ),
    Projection(
        "gabaa_trn_trn",
        "TRN",
        "TRN",
        "s_gabaa_trn_trn",
        "X_gabaa_trn_trn",
        "g_gabaa_trn_trn",
        None,
        True,
    ),
    Projection("ampa_tc_trn", "TC", "TRN", "s_ampa_tc_trn", "X_ampa_tc_trn", "g_ampa_tc_trn", None),
    # the HTC cells (posterior alpha generator, .htc): wired as the TC cells, their inputs
    # reading the PYso->TC and TRN->TC gates, and gap junctions among them (the sum of the
    # column's HTC potentials in mV, all-to-all with N_pre as the factor: g_gap_htc/N)
    Projection("ampa_htc_dr", "HTC", "PY", "s_ampa_htc", "X_ampa_htc_dr", "g_ampa_htc_dr", False),
    Projection("ampa_htc_in", "HTC", "IN", "s_ampa_htc", "X_ampa_htc_in", "g_ampa_htc_in", False),
    Projection(
        "ampa_htc_trn", "HTC", "TRN", "s_ampa_htc", "X_ampa_htc_trn", "g_ampa_htc_trn", None
    ),
    Projection("ampa_py_htc", "PY", "HTC", "s_ampa_py_tc", "X_ampa_py_htc", "g_ampa_py_htc", False),
    Projection(
        "gabaa_trn_htc",
        "TRN",
        "HTC",
        "s_gabaa_trn_tc",
        "X_gabaa_trn_htc",
        "g_gabaa_trn_htc",
        None,
        True,
    ),
    Projection("gap_htc", "HTC", "HTC", "V", "X_gap_htc", "g_gap_htc", None),
)


def projection_matrix(
    proj: Projection, sizes: dict[str, int], mode: str
) -> tuple[np.ndarray, float]:
    """(netcon, NF) of one projection for one column of the given population sizes."""
    n_pre, n_post = sizes[proj.pre], sizes[proj.post]
    if proj.remove_recurrent is None:
        return np.ones((n_pre, n_post)), float(n_pre)
    # In "nearest" mode only true self-pairs are dropped (PYso i -> PYdr i is one cell).
    remove = proj.remove_recurrent and (mode == "dynasim" or proj.pre == proj.post)
    netcon = nearest_neighbors(n_pre, n_post, remove, mode=mode)
    return netcon, normalizing_factor(n_pre, n_post, proj.remove_recurrent)


def classify(netcon: np.ndarray) -> str:
    """How a column's netcon can be summed: ``"full"`` (all ones: one sum per column),
    ``"full_minus_self"`` (ones minus a partial identity: column sum minus the pre cell of
    the same index), or ``"sparse"`` (explicit synapses)."""
    if netcon.size and np.all(netcon == 1):
        return "full"
    if netcon.size and np.array_equal(netcon, np.ones(netcon.shape) - np.eye(*netcon.shape)):
        return "full_minus_self"
    return "sparse"
