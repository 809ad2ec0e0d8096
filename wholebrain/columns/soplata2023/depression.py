"""Spike detection and short-term depression, as DynaSim ran them for the paper.

DynaSim (b1aa46d) detects a spike when ``v >= -25 mV`` and the *last stored sample* of v was
below; with the paper's ``downsample_factor = 10`` that sample is up to 0.1 ms old, so the
condition re-triggers on every step until the next storage step and each trigger rewrites
``tspike``. The depression term ``max((t - tspike) <= 2*dt)`` of the cortical mechanisms then
multiplies ``res`` by 0.9 on N steps per spike: the m = 1..10 trigger steps, plus one more
when the floating-point test at exactly 2*dt comes out true. DynaSim's times are
``T = 0:dt:T_end`` in IEEE doubles, so that tie depends on the index of the last trigger
step; on the 0.01-ms grid it holds on about 76% of steps (:func:`dynasim_tie`).

``depression="dynasim"`` reproduces that:

* at ``integration="dynasim"`` step by step: ``v_stored`` is copied from v every 0.1 ms at
  the start of a step (the samples DynaSim stores), the ``dep_trigger`` event rewrites
  ``tspike`` and the tie of its step, and the ``dep`` window of
  :func:`equations._depression_clock` does the rest;
* at ``integration="fast"`` at once, from the phase of the threshold crossing within the
  0.1-ms storage grid (:func:`emulated_reset`): the coarse step that crossed gives the
  phase to within that step, a uniform draw places the crossing inside it, and the N that
  DynaSim's 0.01-ms loop would have counted is applied as one factor ``depr_factor**N``.
  The distribution of N is then DynaSim's at any dt that divides 0.1 ms.

``depression="per_spike"`` applies ``depr_factor`` once per detected spike (one event per
upward crossing), the evident intent of the mechanism.
"""

from __future__ import annotations

import brian2 as b2
import numpy as np

THRESHOLD = "-25*mV"
STORE_DT_MS = 0.1  # DynaSim downsample_factor 10 at dt = 0.01 ms
DYNASIM_DT_MS = 0.01
STORE_STEPS = 10

# DynaSim's tie, decided with IEEE doubles: T(i+2) - T(i) <= 2*dt with T(i) = i*dt (ms).
# The step in ms is recovered exactly from Brian2's dt in seconds by rounding to 1e-12 ms.
# Compiled without -ffast-math (which would fold the test to "true") and with every
# operation rounded on its own (no fused multiply-add).
_CPP = """
#pragma GCC push_options
#pragma GCC optimize ("no-fast-math", "fp-contract=off")
static int __attribute__((noinline)) dynasim_tie(const double step, const double dt)
{
    volatile double ms = nearbyint(dt * 1e15) / 1e12;
    volatile double a = (step + 2.0) * ms;
    volatile double b = step * ms;
    volatile double d = a - b;
    return d <= 2.0 * ms ? 1 : 0;
}
#pragma GCC pop_options
"""
_CUDA = """
__host__ __device__ static int dynasim_tie(const double step, const double dt)
{
    const double ms = __ddiv_rn(nearbyint(__dmul_rn(dt, 1e15)), 1e12);
    const double d = __dsub_rn(__dmul_rn(step + 2.0, ms), __dmul_rn(step, ms));
    return d <= __dmul_rn(2.0, ms) ? 1 : 0;
}
"""


def _tie_numpy(step, dt):
    ms = np.round(np.asarray(dt, dtype=float) * 1e15) / 1e12
    step = np.asarray(step, dtype=float)
    return (((step + 2.0) * ms - step * ms) <= 2.0 * ms).astype(np.int32)


def dynasim_tie_function() -> b2.Function:
    """Brian2 function ``dynasim_tie(step, dt)``: 1 where DynaSim's 2*dt test is true."""
    fn = b2.Function(
        _tie_numpy,
        arg_units=[1, b2.second],
        arg_names=["step", "dt"],
        return_unit=1,
        arg_types=["any", "float"],
        return_type="integer",
        stateless=True,
    )
    fn.implementations.add_implementation("cpp", _CPP, name="dynasim_tie")
    fn.implementations.add_implementation("cuda", _CUDA, name="dynasim_tie")
    return fn


def dynasim_ties(steps: np.ndarray, dt_ms: float = DYNASIM_DT_MS) -> np.ndarray:
    """The tie of each (0-based) step index on DynaSim's grid, in Python (for analysis)."""
    return _tie_numpy(steps, dt_ms * 1e-3).astype(bool)


def namespace() -> dict[str, b2.Function]:
    """The functions the generated code of the depression rule refers to."""
    return {"dynasim_tie": dynasim_tie_function()}


def spike_events(v: str, stepwise: bool) -> dict[str, str]:
    """Extra Brian2 events of a group whose spikes depress its synapses step by step."""
    if not stepwise:
        return {}
    return {"dep_trigger": f"{v} >= {THRESHOLD} and v_stored < {THRESHOLD}"}


def per_spike_reset(res_names: list[str]) -> str:
    """Reset code of the ``per_spike`` rule (the group's spike event)."""
    return "\n".join(f"{r} *= depr_factor" for r in res_names)


def emulated_counts(t_cross_ms: np.ndarray) -> np.ndarray:
    """N of DynaSim's 0.01-ms loop for spikes whose v crossed threshold at ``t_cross_ms``.

    The first 0.01-ms sample at or above threshold is ``j = ceil(t/0.01)``; triggers run
    until the next stored sample, ``10*ceil(j/10)``, so m = 10*ceil(j/10) - j + 1 and the last
    trigger step is ``10*ceil(j/10) - 1``; N = m + its tie.
    """
    j = np.ceil(np.asarray(t_cross_ms) / DYNASIM_DT_MS - 1e-9)
    q = np.ceil(j / STORE_STEPS - 1e-9)
    m = STORE_STEPS * q - j + 1
    return (m + dynasim_ties(STORE_STEPS * q - 1)).astype(int)


#: where :func:`emulated_reset` places the crossing within the coarse step that made it
CROSSING_MODES = ("interpolated", "drawn")


def emulated_reset(v: str, res_names: list[str], crossing: str = "interpolated") -> str:
    """Reset code of the ``dynasim`` rule at a coarse step: one factor ``depr_factor**N``.

    The crossing lies within the step that made it (``t`` to ``t + dt``). ``"interpolated"``
    places it by linear interpolation from ``{v}_prev``, v at the start of the step;
    ``"drawn"`` draws its position within the step uniformly (the cell's seeded random
    stream). Then the same arithmetic as :func:`emulated_counts`.

    Why ``"drawn"`` is the fast scheme's choice: N depends on the crossing's position on the
    0.01-ms and 0.1-ms grids, finer than a coarse step resolves. The interpolated position
    is biased by the coarse step's straight upstroke, which made large N too common at
    0.025 ms. When the coarse step divides 0.1 ms, the coarse steps tile the storage grid,
    so a uniform position within the crossing step makes the crossing's phase on that grid
    uniform, and N has the distribution of DynaSim's loop for spikes that fall anywhere on
    its grid: in a 6-s propofol run (seed 8) mean N is 6.31 at 0.025 ms, 6.30 at 0.01 ms
    and 6.22 in the DynaSim scheme (``scripts/depression_count_dynasim.py --runs
    propofol:fast:8 propofol:fast:8:0.01 propofol:dynasim:8``).
    """
    if crossing not in CROSSING_MODES:
        raise ValueError(f"crossing must be one of {CROSSING_MODES}, got {crossing!r}")
    fine = f"({DYNASIM_DT_MS!r}*ms)"
    lines = (
        [f"_frac = clip(({THRESHOLD} - {v}_prev)/({v} - {v}_prev + 1e-12*mV), 0, 1)"]
        if crossing == "interpolated"
        else ["_frac = rand()"]
    )
    lines += [
        f"_j = ceil((t + dt*_frac)/{fine} - 1e-9)",
        f"_q = ceil(_j/{STORE_STEPS} - 1e-9)",
        f"_n = {STORE_STEPS}*_q - _j + 1 + dynasim_tie({STORE_STEPS}*_q - 1, {fine})",
    ]
    lines += [f"{r} *= depr_factor**_n" for r in res_names]
    return "\n".join(lines)


def storage_clock() -> b2.Clock:
    """The 0.1-ms clock of DynaSim's stored samples (named, so generated code is stable)."""
    return b2.Clock(STORE_DT_MS * b2.ms, name="store_clock")


def attach(group: b2.NeuronGroup, v: str, stepwise: bool, clock: b2.Clock | None = None) -> None:
    """Add the storage and trigger operations of the step-by-step ``dynasim`` rule."""
    if not stepwise:
        return
    group.run_on_event("dep_trigger", "tspike = t\ntspike_tie = dynasim_tie(t_in_timesteps, dt)")
    group.run_regularly(
        f"v_stored = {v}", clock=clock or storage_clock(), when="start", name=f"{group.name}_store"
    )
