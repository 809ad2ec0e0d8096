"""Long-range coupling: from a connectome to individual delayed synapses between columns.

How weights become synapses (the decision the connectome module defers to here):

1. ``weights`` are normalised (``BrainModel.normalization``, ``"max"`` by default) and the
   self-connections dropped: a column's own input is its local circuit.
2. Every receiving cell of target region ``a`` gets ``long_range_inputs`` (K) synapses.
   Each picks its source region ``b`` with probability ``w[a, b] / S_a`` (``S_a`` = row sum)
   and a source cell uniformly within the sending population of ``b``.
3. Each synapse has conductance ``global_coupling * S_a * g_long_range``: with ``"row_sum"``
   normalisation every region gets the same total input; with ``"max"`` a region's drive
   follows its total connectivity, as in TVB's ``sum_b w[a, b] x_b``. ``global_coupling = 1``
   makes each long-range input as strong as one local PYso->PYdr AMPA input of the propofol
   run (``g_long_range`` = 0.005/20 mS/cm^2 by default).
4. Delay = tract length / velocity, floored at one time step (the connectome warns how many).

Reproducibility and lesions: synapses are drawn for the *intact* connectome from one random
stream per (receiving population, target region), then lesions drop the synapses they name.
A lesioned model therefore differs from the intact one only where the lesion says.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .connectome import Connectome, DelayFloorWarning


@dataclass(frozen=True)
class LongRangeProjection:
    """Synapses from one sending to one receiving population, across columns.

    ``pre``/``post`` are cell indices *within* their population of the region, ``pre_region``
    and ``post_region`` indices into the simulated regions, ``delay_ms`` and ``weight``
    (mS/cm^2) one per synapse.
    """

    sender: str
    receiver: str
    pre_region: np.ndarray
    pre: np.ndarray
    post_region: np.ndarray
    post: np.ndarray
    delay_ms: np.ndarray
    weight: np.ndarray

    @property
    def n_synapses(self) -> int:
        return int(self.pre.size)


def draw_long_range(
    connectome: Connectome,
    *,
    sizes: dict[str, int],
    senders: tuple[str, ...],
    receivers: tuple[str, ...],
    inputs_per_cell: int,
    global_coupling: float,
    g_long_range: float,
    normalization: str,
    velocity_m_s: float,
    dt_ms: float,
    seed: int,
    cut_regions: frozenset[int] = frozenset(),
    cut_edges: frozenset[tuple[int, int]] = frozenset(),
    kept_regions: np.ndarray | None = None,
    lesions_as_zero: bool = False,
) -> list[LongRangeProjection]:
    """Draw every long-range synapse (see the module docstring).

    Region indices in ``cut_regions`` (all edges removed), ``cut_edges`` ((target, source)
    pairs) and ``kept_regions`` (the regions that are simulated, in order) refer to the intact
    ``connectome``; the returned region indices refer to ``kept_regions``. With
    ``lesions_as_zero`` lesioned synapses stay, with weight 0 (same structure as intact).
    """
    n = connectome.n_regions
    w = np.array(connectome.normalized(normalization).weights, dtype=float)
    np.fill_diagonal(w, 0.0)
    row_sum = w.sum(axis=1)
    with warnings.catch_warnings():
        # self-connections are dropped above; their zero-length tracts need no warning
        warnings.simplefilter("ignore", DelayFloorWarning)
        delays = connectome.delays_ms(velocity_m_s, dt_ms)
    delays = np.maximum(delays, dt_ms)
    kept = np.arange(n) if kept_regions is None else np.asarray(kept_regions)
    new_index = np.full(n, -1)
    new_index[kept] = np.arange(kept.size)
    projections = []
    for r_i, receiver in enumerate(receivers):
        n_post = sizes.get(receiver, 0)
        for s_i, sender in enumerate(senders):
            n_pre = sizes.get(sender, 0)
            if n_post == 0 or n_pre == 0 or inputs_per_cell == 0:
                continue
            streams = np.random.SeedSequence([seed, 0x10C, r_i, s_i]).spawn(n)
            parts = []
            for a in range(n):
                if row_sum[a] <= 0:
                    continue
                rng = np.random.default_rng(streams[a])
                src = rng.choice(n, size=(n_post, inputs_per_cell), p=w[a] / row_sum[a])
                cell = rng.integers(0, n_pre, size=(n_post, inputs_per_cell))
                post = np.repeat(np.arange(n_post), inputs_per_cell)
                parts.append((np.full(post.size, a), post, src.ravel(), cell.ravel()))
            if not parts:
                continue
            tgt_r, post, src_r, pre = (np.concatenate(x) for x in zip(*parts, strict=True))
            simulated = (new_index[tgt_r] >= 0) & (new_index[src_r] >= 0)
            intact = np.ones(tgt_r.size, dtype=bool)
            if cut_regions:
                cut = np.array(sorted(cut_regions))
                intact &= ~np.isin(tgt_r, cut) & ~np.isin(src_r, cut)
            for a, b in cut_edges:
                intact &= ~((tgt_r == a) & (src_r == b))
            keep = simulated if lesions_as_zero else simulated & intact
            gain = np.where(intact, global_coupling, 0.0)[keep]
            tgt_r, post, src_r, pre = tgt_r[keep], post[keep], src_r[keep], pre[keep]
            projections.append(
                LongRangeProjection(
                    sender=sender,
                    receiver=receiver,
                    pre_region=new_index[src_r],
                    pre=pre,
                    post_region=new_index[tgt_r],
                    post=post,
                    delay_ms=delays[tgt_r, src_r],
                    weight=gain * row_sum[tgt_r] * g_long_range,
                )
            )
    return projections
