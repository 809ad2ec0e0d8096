"""Spike detection and short-term depression, as DynaSim ran them for the paper.

DynaSim (b1aa46d) detects a spike when ``v >= -25 mV`` and the *last stored sample* of v was
below; with the paper's ``downsample_factor = 10`` that sample is up to 0.1 ms old, so the
condition re-triggers on every step until the next storage step and each trigger rewrites
``tspike``. The depression term ``max((t - tspike) <= 2*dt)`` of the cortical mechanisms then
multiplies ``res`` by 0.9 on N = 1..11 steps per spike (mean about 6), not once.

``depression="dynasim"`` reproduces that: ``v_stored`` is copied from v every 0.1 ms at the
start of a step (the samples DynaSim stores), the ``dep_trigger`` event rewrites ``tspike``
and the ``dep`` window of :func:`equations._depression_clock` does the rest.
``depression="per_spike"`` applies ``depr_factor`` once per detected spike (one event per
upward crossing), the evident intent of the mechanism and what DynaSim does with
``downsample_factor = 1`` to within the floating-point tie at 2*dt.
"""

from __future__ import annotations

import brian2 as b2

THRESHOLD = "-25*mV"
STORE_DT_MS = 0.1  # DynaSim downsample_factor 10 at dt = 0.01 ms


def spike_events(v: str, per_spike: bool) -> dict[str, str]:
    """Extra Brian2 events of a group whose spikes depress its synapses."""
    if per_spike:
        return {}
    return {"dep_trigger": f"{v} >= {THRESHOLD} and v_stored < {THRESHOLD}"}


def per_spike_reset(res_names: list[str]) -> str:
    """Reset code of the ``per_spike`` rule (the group's spike event)."""
    return "\n".join(f"{r} *= depr_factor" for r in res_names)


def storage_clock() -> b2.Clock:
    """The 0.1-ms clock of DynaSim's stored samples (named, so generated code is stable)."""
    return b2.Clock(STORE_DT_MS * b2.ms, name="store_clock")


def attach(group: b2.NeuronGroup, v: str, per_spike: bool, clock: b2.Clock | None = None) -> None:
    """Add the storage and trigger operations of the ``dynasim`` rule to ``group``."""
    if per_spike:
        return
    group.run_on_event("dep_trigger", "tspike = t")
    group.run_regularly(
        f"v_stored = {v}", clock=clock or storage_clock(), when="start", name=f"{group.name}_store"
    )
