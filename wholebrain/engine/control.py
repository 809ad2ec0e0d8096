"""The C++ a compiled brain runs instead of Brian2's fixed-length run (see ``control.cpp``).

The Brian2 script runs the network for 0 s; the code inserted before that run reads
``WHOLEBRAIN_DURATION`` and ``WHOLEBRAIN_T0`` and runs the network itself, with a progress
report when ``WHOLEBRAIN_REPORT_S`` is set. After the run it writes the spike queues (spikes
in flight on delayed synapses) and the state of every thread's random generator next to the
arrays Brian2 writes at the end of every run. With ``WHOLEBRAIN_RESUME=<folder of an earlier
run>`` it first reloads every state variable of every group and synapse, the spike queues
and the random generators from that folder, so a run split into chunks is the same, number
for number, as one uninterrupted run.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import brian2 as b2
import numpy as np

#: C++ inserted before the run: seed every thread's generator from $WHOLEBRAIN_SEED exactly
#: as brian2.seed(seed) would (seed + thread index), so the binary need not know the seed
SEED_FROM_ENV = """
{
    const char* _wb_seed = std::getenv("WHOLEBRAIN_SEED");
    const unsigned long _wb_s = _wb_seed ? std::strtoul(_wb_seed, nullptr, 10) : 0UL;
    for (size_t _i = 0; _i < brian::_random_generators.size(); _i++)
        brian::_random_generators[_i].seed(_wb_s + _i);
}
"""
#: read-only variables that still hold state between steps
_READ_ONLY_STATE = frozenset({"lastspike", "not_refractory", "lastupdate"})
_C_TYPES = {
    np.dtype(np.float64): "double",
    np.dtype(np.float32): "float",
    np.dtype(np.int32): "int32_t",
    np.dtype(np.int64): "int64_t",
    np.dtype(np.bool_): "char",
    np.dtype(np.uint64): "uint64_t",
    np.dtype(np.uint32): "uint32_t",
}


def state_variables(network: b2.Network) -> list[Any]:
    """Every array that carries state from one step to the next (not monitors, clocks,
    indices or sizes)."""
    from brian2.groups.group import Group
    from brian2.monitors import EventMonitor, PopulationRateMonitor, StateMonitor

    out, seen = [], set()
    for obj in network.objects:
        monitor = isinstance(obj, StateMonitor | EventMonitor | PopulationRateMonitor)
        if monitor or not isinstance(obj, Group):
            continue
        for name, var in obj.variables.items():
            if not isinstance(var, b2.core.variables.ArrayVariable) or id(var) in seen:
                continue
            if getattr(var.owner, "name", None) != obj.name:  # linked / shared from elsewhere
                continue
            if var.read_only and name not in _READ_ONLY_STATE:
                continue
            if isinstance(var.size, tuple):
                continue
            seen.add(id(var))
            out.append(var)
    # a stable order keeps main.cpp byte-identical between builds (no recompilation)
    return sorted(out, key=lambda var: (var.owner.name, var.name))


def control_code(device: Any, network: b2.Network, state_vars: list[Any]) -> str:
    """``control.cpp`` with its slots filled for ``network`` on ``device``."""
    restore = []
    for var in state_vars:
        path = f'_wb_dir + "{device.get_array_filename(var)}"'
        ctype = _C_TYPES[np.dtype(var.dtype)]
        if var.dynamic:
            name = device.get_array_name(var, access_data=False)
            restore.append(
                f"if (!{name}.empty()) _wb_read({path}, reinterpret_cast<char*>(&{name}[0]), "
                f"{name}.size() * sizeof({ctype}));"
            )
        else:
            name = device.get_array_name(var)
            restore.append(
                f"_wb_read({path}, reinterpret_cast<char*>({name}), "
                f"{int(var.size)} * sizeof({ctype}));"
            )
    pathways = sorted(p.name for obj in network.objects for p in getattr(obj, "_pathways", []))
    # Clock::set_interval sets the step but not t, which the first step of a later chunk
    # reads (e.g. soplata2023's spike window t - tspike): set both, as tick() would
    clocks = sorted({obj.clock.name for obj in network.sorted_objects})  # stable order
    set_clocks = "\n".join(
        f"{c}.timestep[0] = (int64_t)(_wb_t0 / {c}.dt[0] + 0.5); "
        f"{c}.t[0] = {c}.timestep[0] * {c}.dt[0];"
        for c in clocks
    )
    template = resources.files(__package__).joinpath("control.cpp").read_text()
    return (
        template.replace("%RESTORE_ARRAYS%", "\n".join(restore))
        .replace("%SAVE_QUEUES%", "\n".join(f"_wb_save_queue(_wb_q, {p});" for p in pathways))
        .replace("%LOAD_QUEUES%", "\n".join(f"_wb_load_queue(_wb_q, {p});" for p in pathways))
        .replace("%SET_CLOCKS%", set_clocks)
        .replace("%NET%", network.name)
    )
