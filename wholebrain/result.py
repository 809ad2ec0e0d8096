"""``SimulationResult``: what a run produced, with provenance; saves and loads without loss."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SPIKE_DTYPE = np.dtype([("region", np.int32), ("cell", np.int32), ("t", np.float64)])
_FORMAT = "wholebrain.SimulationResult/1"


@dataclass
class SimulationResult:
    """Outputs of :func:`wholebrain.simulate`.

    Attributes
    ----------
    region_labels : tuple of str
        One label per simulated column.
    eeg_proxy : ndarray, shape (n_regions, n_samples)
        The column model's current-based EEG proxy, uA/cm^2 per cell summed over cells,
        inward-positive, not detrended. For soplata2023 the paper's: sum over the column's
        PYdr cells of the PYso->PYdr and TC->PYdr AMPA currents.
    eeg_proxy_parts : dict of str to ndarray
        Its parts, same shape (soplata2023: ``"py"`` PYso->PYdr, ``"tc"`` TC->PYdr).
    signals : dict of str to ndarray
        Other region signals of the column model, same shape and units as the proxy, summed
        over the same cells. soplata2023: ``"dipole"``, the axial current into PYdr (from
        PYso), whose cell dipole is that current times the soma-dendrite separation,
        positive along the apical dendrite (towards the pia); ``"dipole_half"``, the same
        summed over the even-numbered PY cells only (for the coherent part of the cells'
        dipoles, :func:`wholebrain.dipole.population_signal`); ``"gabaa"``, the GABA_A
        current onto PYso (inward positive). Empty for models without them.
    proxy_sfreq : float
        Sampling rate of the proxy and state traces, Hz.
    spikes : dict of str to structured ndarray
        Per population (``PY`` = PYso, ``PYdr``, ``IN``, ``TC``, ``TRN``): fields ``region``,
        ``cell`` (index within its column) and ``t`` (s).
    sizes : dict of str to int
        Cells per column of each population.
    spike_sources : dict of str to str
        Spike keys that are not populations -> the population they count (``PYdr`` -> ``PY``).
    duration_s, dt_ms, seed, backend : run settings.
    params : list of dict
        Each column's full parameter set.
    states : dict of str to ndarray
        ``"POP.var"`` -> (n_regions, n_cells_recorded, n_samples), in model units (mV, ...).
    provenance : dict
        Versions, timings, column model and condition.
    """

    region_labels: tuple[str, ...]
    eeg_proxy: np.ndarray
    eeg_proxy_parts: dict[str, np.ndarray]
    proxy_sfreq: float
    spikes: dict[str, np.ndarray]
    sizes: dict[str, int]
    spike_sources: dict[str, str]
    duration_s: float
    dt_ms: float
    seed: int
    backend: str
    params: list[dict[str, Any]]
    states: dict[str, np.ndarray] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    signals: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_regions(self) -> int:
        return len(self.region_labels)

    @property
    def dipole(self) -> np.ndarray | None:
        """The axial-current dipole signal (``signals["dipole"]``), or None without one."""
        return self.signals.get("dipole")

    @property
    def times(self) -> np.ndarray:
        """Sample times of the proxy, s."""
        return np.arange(self.eeg_proxy.shape[1]) / self.proxy_sfreq

    def rates(self, t_start: float = 0.0, t_stop: float | None = None) -> dict[str, np.ndarray]:
        """Mean firing rate (Hz) per population and region over [t_start, t_stop) seconds."""
        t_stop = self.duration_s if t_stop is None else t_stop
        if not 0 <= t_start < t_stop <= self.duration_s + 1e-12:
            raise ValueError(
                f"rate window [{t_start}, {t_stop}) s must lie within the run "
                f"(0-{self.duration_s} s)"
            )
        out = {}
        for pop, sp in self.spikes.items():
            n_cells = self.sizes[self.spike_sources.get(pop, pop)]
            sel = sp[(sp["t"] >= t_start) & (sp["t"] < t_stop)]
            counts = np.bincount(sel["region"], minlength=self.n_regions).astype(float)
            out[pop] = counts / (max(n_cells, 1) * (t_stop - t_start))
        return out

    # -- persistence ------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> Path:
        """Write everything to one ``.npz`` file (atomically: no partial file on failure)."""
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_suffix(".npz")
        meta = {
            "format": _FORMAT,
            "region_labels": list(self.region_labels),
            "proxy_sfreq": self.proxy_sfreq,
            "sizes": self.sizes,
            "spike_sources": self.spike_sources,
            "duration_s": self.duration_s,
            "dt_ms": self.dt_ms,
            "seed": self.seed,
            "backend": self.backend,
            "params": self.params,
            "provenance": self.provenance,
            "spike_pops": list(self.spikes),
            "parts": list(self.eeg_proxy_parts),
            "states": list(self.states),
            "signals": list(self.signals),
        }
        arrays = {"eeg_proxy": self.eeg_proxy, "meta": np.array(json.dumps(meta))}
        arrays.update({f"part__{k}": v for k, v in self.eeg_proxy_parts.items()})
        arrays.update({f"spikes__{k}": v for k, v in self.spikes.items()})
        arrays.update({f"state__{k}": v for k, v in self.states.items()})
        arrays.update({f"signal__{k}": v for k, v in self.signals.items()})
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.part")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez_compressed(f, **arrays)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual file mode
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path


def load_result(path: str | os.PathLike) -> SimulationResult:
    """Read a result written by :meth:`SimulationResult.save`."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no result file at {path}")
    with np.load(path, allow_pickle=False) as z:
        try:
            meta = json.loads(str(z["meta"]))
        except KeyError:
            raise ValueError(f"{path} is not a wholebrain result (no metadata)") from None
        if meta.get("format") != _FORMAT:
            raise ValueError(f"{path} has format {meta.get('format')!r}, expected {_FORMAT!r}")
        return SimulationResult(
            region_labels=tuple(meta["region_labels"]),
            eeg_proxy=z["eeg_proxy"],
            eeg_proxy_parts={k: z[f"part__{k}"] for k in meta["parts"]},
            proxy_sfreq=meta["proxy_sfreq"],
            spikes={k: z[f"spikes__{k}"] for k in meta["spike_pops"]},
            sizes=meta["sizes"],
            spike_sources=meta["spike_sources"],
            duration_s=meta["duration_s"],
            dt_ms=meta["dt_ms"],
            seed=meta["seed"],
            backend=meta["backend"],
            params=meta["params"],
            states={k: z[f"state__{k}"] for k in meta["states"]},
            provenance=meta["provenance"],
            signals={k: z[f"signal__{k}"] for k in meta.get("signals", [])},
        )
