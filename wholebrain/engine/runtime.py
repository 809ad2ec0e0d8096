"""The ``runtime`` backend: Brian2's runtime device with numpy code generation.

No compiler needed, slow: tests and tiny runs.
"""

from __future__ import annotations

import time

import brian2 as b2

from ..brain import BrainModel
from ..result import SimulationResult
from .collect import collect
from .device import runtime_device
from .network import build_network
from .settings import RunSettings


def simulate_runtime(
    model: BrainModel, settings: RunSettings, seed: int, progress: bool = False
) -> SimulationResult:
    """Run ``model`` once as ``settings`` say (validated by :func:`wholebrain.simulate`)."""
    params = model.column_params()
    long_range = model.long_range(settings.dt_ms, seed) if model.coupled else None
    t0 = time.perf_counter()
    with runtime_device(settings.dt_ms, seed):
        net = build_network(model, params, settings, seed, long_range)
        network = b2.Network(net.objects)
        report = "text" if progress else None
        network.run(settings.duration_s * b2.second, report=report,
                    report_period=10 * b2.second)  # fmt: skip
        result = collect(net, model, params, settings, settings.duration_s, seed)
    result.provenance["timings"] = {"total_s": time.perf_counter() - t0}
    result.provenance["synapses"] = net.synapse_counts
    return result
