"""Named brain configurations: documented choices of which column each region runs.

``posterior_alpha`` gives the cortical regions fed by the visual thalamus an awake alpha
generator: the high-threshold bursting, gap-coupled thalamocortical (HTC) cells of
:mod:`wholebrain.columns.soplata2023.htc`. Every column is built with HTC cells (one
network, one compile); ``htc_weight`` is 1 in the chosen regions and 0 elsewhere, so that
elsewhere the HTC cells neither receive nor send synapses and the column is the plain
Soplata/Ching thalamocortical column. Both thalami answer the same ``propofol_level``: their
K-leaks (the acetylcholine axis: ``g_kleak_tc`` between the Soplata wake and propofol runs,
``g_kleak_htc`` between the alpha and delta states of the HTC cell's source model) and the
GABA_A potentiation act on both.

Which regions: the visual thalamus is the lateral geniculate nucleus and the visual
(inferior and lateral) pulvinar with the lateral posterior nucleus: tvb192's ``GL``,
``PUL.I``, ``PUL.L`` and ``LP``. A cortical region is fed by it when one of these nuclei is
among its strongest thalamic inputs in tvb192 (``weights[cortex, nucleus]``, CoCoMac's
categorical 0-3 weights, ties kept; same hemisphere). The medial and oral pulvinar are
left out: they project to prefrontal, somatosensory and motor cortex. With tvb192's
weights this selects V1, PCI, PCIP, PCM, PCS, TCC and TCV in each hemisphere. V2 is not
among them: its strongest thalamic input in tvb192 is VAMC (a CoCoMac entry), so the rule,
applied as stated, leaves it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .brain import BrainModel
from .connectome import Connectome, load_connectome

__all__ = ["VISUAL_THALAMUS", "posterior_alpha", "visual_thalamus_targets"]

#: tvb192 nuclei of the visual thalamus (without the hemisphere prefix)
VISUAL_THALAMUS = ("GL", "PUL.I", "PUL.L", "LP")


def visual_thalamus_targets(nuclei: Sequence[str] = VISUAL_THALAMUS) -> tuple[str, ...]:
    """tvb192 cortical labels whose strongest thalamic input includes one of ``nuclei``."""
    from .connectome.atlas import atlas_info

    con = load_connectome("tvb192")
    labels = list(con.labels)
    weights = np.asarray(con.weights)
    thalamic = [n for n in atlas_info("tvb192").thalamic_nuclei if n in labels]
    out = []
    for i, label in enumerate(labels):
        if not con.cortical[i]:
            continue
        same_side = [n for n in thalamic if n[0] == label[0]]
        w = weights[i, [labels.index(n) for n in same_side]]
        if w.max() <= 0:
            continue
        strongest = {same_side[k][1:] for k in np.flatnonzero(w == w.max())}
        if strongest & set(nuclei):
            out.append(label)
    return tuple(out)


def posterior_alpha(
    con: Connectome | str = "tvb76",
    *,
    condition: str = "wake",
    regions: Iterable[str] | None = None,
    overrides: dict[str, Any] | None = None,
    **brain: Any,
) -> BrainModel:
    """A Soplata brain whose visual-thalamus regions carry the HTC alpha generator.

    Parameters
    ----------
    con : Connectome or str
        The brain's connectome (default tvb76). Without ``regions`` its cortical labels
        must be tvb192's (tvb76, tvb192), which the region rule is computed on.
    condition : str
        Column condition of every region (``wake``, ``propofol``); scan the drug axis with
        the studies' ``propofol_level``.
    regions : iterable of str, optional
        The regions that get the HTC cells, instead of :func:`visual_thalamus_targets`.
    overrides : dict, optional
        Column parameters for every region, on top of the HTC settings.
    **brain
        Further :class:`~wholebrain.BrainModel` fields (``global_coupling``, ``velocity``,
        ...).
    """
    if isinstance(con, str):
        con = load_connectome(con)
    labels = set(con.labels)
    if regions is None:
        chosen = [label for label in visual_thalamus_targets() if label in labels]
        if not chosen:
            raise ValueError(
                f"none of the {con.name} labels is a visual-thalamus target of tvb192 (the "
                "rule needs tvb192's cortical labels, e.g. rV1); pass regions=[...] (the labels "
                "that get the HTC cells)"
            )
    else:
        chosen = list(regions)
        unknown = sorted(set(chosen) - labels)
        if unknown:
            raise ValueError(f"regions not in {con.name}: {', '.join(unknown)}")
    column = {"htc": True, "htc_weight": 0.0, **(overrides or {})}
    per_region = {label: {"htc_weight": 1.0} for label in chosen}
    return BrainModel(
        con,
        column="soplata2023",
        condition=condition,
        overrides=column,
        region_overrides=per_region,
        **brain,
    )
