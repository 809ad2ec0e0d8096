"""Column models: a registry mapping a name to its parameter sets and builder.

Every column model is a subpackage providing

* ``STRUCTURAL``: the parameter names that change the network's structure (not per-region);
* ``DEFAULT_DT_MS`` (integration step, ms) and ``DEFAULT_SENDERS`` / ``DEFAULT_RECEIVERS``
  (populations that send and receive long-range input in a brain);
* ``CONDITIONS`` (names of its parameter sets) and ``condition(name, **overrides) -> params``,
  a frozen dataclass with ``replace(**overrides)``, ``as_dict()`` and ``sizes`` (cells per
  column and population);
* optionally ``DOSE_PARAMETERS``: the parameters that a propofol dose surrogate sets together
  (the ``propofol_dose`` of :mod:`wholebrain.fit`);
* ``build_columns(params_or_list, n_regions=1, *, seed, record_dt_ms, record_states,
  record_cells) -> network`` creating all columns in one set of Brian2 objects. The network
  (see ``soplata2023.ColumnNetwork``) exposes ``n_regions``, ``sizes``, ``groups``,
  ``objects``, ``spike_monitors`` (key -> monitor; ``spike_sources`` maps keys that are not
  populations to the population they count), ``proxy_monitor`` recording ``eeg_<part>`` in
  A/m^2 for each of ``proxy_parts`` (the EEG proxy is their sum), ``state_monitors``,
  ``synapse_counts``, and for reruns of a compiled brain ``values`` (every value set from
  the parameters and the seed), ``long_range_synapses`` and ``long_range_weight``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

#: registered column models -> module implementing them
_REGISTRY = {
    "soplata2023": "wholebrain.columns.soplata2023",
    "lif_ei": "wholebrain.columns.lif_ei",
    "izhikevich_stp": "wholebrain.columns.izhikevich_stp",
}


@dataclass(frozen=True)
class ColumnModel:
    """A registered column model."""

    name: str
    module: ModuleType

    @property
    def conditions(self) -> tuple[str, ...]:
        return tuple(self.module.CONDITIONS)

    def condition(self, name: str, **overrides):
        return self.module.condition(name, **overrides)

    def build(self, *args, **kwargs):
        return self.module.build_columns(*args, **kwargs)


def available() -> list[str]:
    """Names of the registered column models."""
    return sorted(_REGISTRY)


def get(name: str) -> ColumnModel:
    """The column model registered as ``name``."""
    if name not in _REGISTRY:
        raise ValueError(f"unknown column model {name!r}; available: {', '.join(available())}")
    return ColumnModel(name, importlib.import_module(_REGISTRY[name]))
