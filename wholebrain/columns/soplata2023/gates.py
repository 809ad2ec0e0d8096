"""Synaptic gates driven by their presynaptic cell's voltage, under both schemes.

Every such gate of the Soplata column obeys

    ds/dt = rate * D(V) * (1 - s)**sat - s / tau,

with ``V`` the presynaptic potential in mV and one of two drives (ModelDB 2015422 mechanism
files):

- ``cortical``: ``D = 1/(1 + exp(-(V - 20)/2))``, the JB12 sigmoid, half-activated at +20 mV
  (2023 files; 2021: -20 mV), without saturation (``sat = 0``);
- ``thalamic``: ``D = 1 + tanh(V/4)``, the AS17 drive, saturating (``sat = 1``).

The ``dynasim`` scheme integrates them with everything else (:meth:`Gate.ode`). The
``fast`` scheme instead updates them after the potentials (:func:`step_update`): with ``V``
known at both ends of each half of the 0.05-ms step (the state updater keeps the value
halfway), the drive is averaged over each half along the straight line between them, and
the gate, linear in ``s`` once ``D`` is constant, takes two exact exponential half-steps.
The average comes from the drives' antiderivatives,
``2*log(1 + exp((V - 20)/2))`` and ``V + 4*log(cosh(V/4))``.

Why: the cortical sigmoid is 2 mV wide and a spike peaks only 8 mV above its midpoint (IN
near +28 mV), so a drive sampled once per coarse step depends on where the samples fall
on the peak. The step average is the drive's exact time integral for a linear voltage
course, so the charge a spike injects no longer depends on its phase within the step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["GATES", "Gate", "aliases", "antiderivatives", "ode_lines", "shared_gates",
           "step_update"]  # fmt: skip

_DRIVE = {"cortical": "1/(1 + exp(-({V} - 20)/2))", "thalamic": "(1 + tanh({V}/4))"}
#: each drive's antiderivative in V (mV) as slope*V + factor*F(V), given as (slope, factor,
#: F): cortical 2*log(1 + exp((V - 20)/2)); thalamic V + 4*log(cosh(V/4)), with
#: log(cosh(y)) = |y| + log(1 + exp(-2|y|)) - log(2), written without overflow. F is what a
#: step carries over to the next (``F_<drive>``)
_ANTIDERIVATIVE = {
    "cortical": ("", "2", "log(1 + exp(({V} - 20)/2))"),
    "thalamic": ("1 + ", "4", "(abs({V}/4) + log(1 + exp(-2*abs({V}/4))))"),
}


@dataclass(frozen=True)
class Gate:
    """One voltage-driven gate: its variable, drive, rate (1/ms) and decay (a Brian2 time)."""

    var: str
    drive: str
    rate: str
    tau: str

    @property
    def saturating(self) -> bool:
        return self.drive == "thalamic"

    def ode(self, V: str) -> str:  # noqa: N803 - the mechanism files' name
        """The gate's ODE with the drive at the present ``V`` (the ``dynasim`` scheme)."""
        drive = _DRIVE[self.drive].format(V=V)
        sat = f"*(1 - {self.var})" if self.saturating else ""
        return f"d{self.var}/dt = {self.rate}*{drive}{sat}/ms - {self.var}/({self.tau}) : 1\n"


_GABAA_TAU = "5*ms*gabaa_tau_mult"


def _ampa(var: str, drive: str) -> Gate:
    """An AMPA-type gate (also NMDA's x): decay 2 ms, rate 3.48 (JB12) or 5 (AS17) per ms."""
    return Gate(var, drive, "3.48" if drive == "cortical" else "5", "2*ms")


#: the gates each population's voltage drives (PY: its soma)
GATES: dict[str, tuple[Gate, ...]] = {
    "PY": (
        *(
            _ampa(f"{k}_py_{post}", "cortical")
            for post in ("dr", "in")
            for k in ("s_ampa", "x_nmda")
        ),
        *(_ampa(f"s_ampa_py_{post}", "thalamic") for post in ("tc", "trn")),
    ),
    "IN": tuple(Gate(f"s_gabaa_in_{post}", "cortical", "1", _GABAA_TAU) for post in ("py", "in")),
    "TC": tuple(_ampa(f"s_ampa_tc_{post}", "thalamic") for post in ("trn", "dr", "in")),
    "TRN": tuple(
        Gate(f"s_gabaa_trn_{post}", "thalamic", "2", _GABAA_TAU) for post in ("tc", "trn")
    ),
    # one gate for all of the HTC cells' outgoing synapses (the same AS17 kinetics)
    "HTC": (_ampa("s_ampa_htc", "thalamic"),),
}


def _drives(pop: str) -> list[str]:
    return sorted({g.drive for g in GATES[pop]})


def shared_gates(pop: str) -> dict[str, str]:
    """Each gate of ``pop`` -> the first of its gates with the same drive, rate and decay.

    Such gates obey one ODE driven by one potential; from initial values that differ they
    converge at least as fast as ``exp(-t/tau)`` (tau <= 5 ms), and the fast scheme keeps
    one variable for each such set (:func:`ode_lines`).
    """
    first: dict[tuple[str, str, str], str] = {}
    return {g.var: first.setdefault((g.drive, g.rate, g.tau), g.var) for g in GATES[pop]}


def ode_lines(pop: str, V: str, step_averaged: bool) -> str:  # noqa: N803
    """Equations of a population's gates: ODEs, or (``step_averaged``) plain variables that
    :func:`step_update` advances, one per set of :func:`shared_gates` and the rest aliases
    of it, with ``F_<drive>``, the varying part of each drive's antiderivative at the
    potential the last step ended at."""
    if step_averaged:
        lines = [
            f"{var} : 1\n" if rep == var else f"{var} = {rep} : 1\n"
            for var, rep in shared_gates(pop).items()
        ]
        return "".join(lines + [f"F_{d} : 1\n" for d in _drives(pop)])
    return "".join(g.ode(V) for g in GATES[pop])


def aliases(pop: str) -> set[str]:
    """The gates of ``pop`` that the fast scheme computes as another gate (no state)."""
    return {var for var, rep in shared_gates(pop).items() if rep != var}


def antiderivatives(pop: str, v_mv: np.ndarray) -> dict[str, np.ndarray]:
    """``F_<drive>`` at the potentials ``v_mv`` (mV): the initial values of a run."""
    v = np.asarray(v_mv, dtype=float)
    values = {
        "cortical": np.logaddexp(0.0, (v - 20) / 2),
        "thalamic": np.abs(v / 4) + np.log1p(np.exp(-2 * np.abs(v / 4))),
    }
    return {f"F_{d}": values[d] for d in _drives(pop)}


def step_update(pop: str, v: str, midpoint: bool = False) -> str:
    """Brian2 code that advances a population's gates over the step just taken.

    ``{v}_prev`` holds the potential at the start of the step and ``v`` at its end. Runs
    after the state updater (which sets ``{v}_prev`` as it starts). The antiderivative at the
    start of the step is the one the previous step ended with (``F_<drive>``): half of
    the drives' logarithms and exponentials, and the same value, up to rounding. With
    ``midpoint``, ``{v}_mid`` holds the potential halfway through the step, and the gates
    take two exact half-steps, each with the drive averaged along its own line: the
    accuracy of the step average at half the step.
    """
    points = [f"{v}_prev", f"{v}_mid", v] if midpoint else [f"{v}_prev", v]
    n = len(points) - 1
    h = "dt" if n == 1 else f"(dt/{n})"
    lines: list[str] = []
    kept = set(shared_gates(pop).values())
    for k in range(n):
        lines += [f"_v0 = {points[k]}/mV", f"_v1 = {points[k + 1]}/mV", "_dv = _v1 - _v0"]
        # below 1e-6 mV the difference quotient loses its digits; the midpoint value is
        # exact there to far better than that
        lines.append("_far = int(abs(_dv) > 1e-6)")
        lines.append("_den = _dv + 1 - _far")
        lines.append("_mid = (_v0 + _v1)/2")
        for d in _drives(pop):
            slope, factor, part = _ANTIDERIVATIVE[d]
            lines.append(f"_F1_{d} = {part.format(V='_v1')}")
            lines.append(
                f"_d_{d} = _far*({slope}{factor}*(_F1_{d} - F_{d})/_den)"
                f" + (1 - _far)*({_DRIVE[d].format(V='_mid')})"
            )
            lines.append(f"F_{d} = _F1_{d}")
        for g in GATES[pop]:
            if g.var not in kept:  # an alias of a kept gate (ode_lines)
                continue
            p = f"{g.rate}*_d_{g.drive}/ms"  # source term of ds/dt, 1/s
            k_ = f"({p} + 1/({g.tau}))" if g.saturating else f"(1/({g.tau}))"
            lines.append(f"{g.var} = {p}/{k_} + ({g.var} - {p}/{k_})*exp(-{k_}*{h})")
    return "\n".join(lines)
