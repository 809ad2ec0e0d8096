"""The two integration schemes of the Soplata column.

``integration="dynasim"`` is the published scheme: forward Euler at dt = 0.01 ms, the
depression window counted on that grid (:mod:`.depression`). It is the default everywhere,
and what fidelity to the authors' runs is checked with.

``integration="fast"`` takes a 2.5 times longer step (:data:`FAST_DT_MS` = 0.025 ms) and
changes four things, each for a measured reason:

* the cortical cells (PY, IN) keep forward Euler; TC and TRN, whose Traub-type Na
  activation is a state variable and stiff at this step, use the exponential integrator
  below (:func:`method`);
* the synaptic gates driven by a cell's own voltage are advanced after the potentials, with
  the drive averaged along the step (:mod:`.gates`), so that the charge of a spike does not
  depend on where the coarse samples fall on its peak;
* each spike's DynaSim depression is applied at once, ``depr_factor**N`` with N from the
  crossing's phase on DynaSim's grids, the crossing drawn uniformly within its coarse step
  (:func:`.depression.emulated_reset`);
* the Poisson drive draws the exact count of each step.

:data:`frozen_exponential_euler` advances every state variable ``x`` with
``dx/dt = f(x, ...)`` by

    x <- x + dt * f * exprel(A * dt),      A = d f_frozen / dx,

where ``f_frozen`` is ``f`` with ``x`` held at its present value inside every nonlinear
function (rate functions, sigmoids, instantaneous activations). For a gating variable,
``f = alpha*(1 - h) - beta*h`` is linear in ``h`` and the update is the exact exponential
(Rush-Larsen) step. For a membrane potential ``A`` is minus the total membrane conductance
over the capacitance (the gates frozen): the exponential Euler step of GENESIS. ``exprel``
(Brian2's ``(exp(z) - 1)/z``) is finite at ``z = 0``, where the step is forward Euler's.
Brian2's own ``exponential_euler`` refuses these equations (the instantaneous Na activation
and the Na-pool terms make them nonlinear in their own variable); this is the same idea with
the nonlinear parts frozen, as a Brian2 ``StateUpdateMethod`` that runs through the usual
code generation on every backend.

Status: close to the DynaSim scheme but not within every tolerance of the
fast-integration issue, so no default uses it. ``scripts/fidelity_soplata2023.py``, 6 s per
seed, against the DynaSim scheme on the same seeds:

* ``propofol`` (12 seeds): PY -3%, IN +7%, TC +24%, TRN +8%, mean res -3.9%, regime shares
  within the seed spread (continuous 0.35 against 0.18, SD 0.41), band peaks within 1 Hz
  except 8-20 Hz (-1.02 Hz; seed SD 1.4 Hz). TC's difference is one standard error of the
  two means (SD 3.9 and 4.6 Hz);
* ``wake`` (6 seeds): rates within 10%, the 8-14 Hz peak +0.4 Hz, 8-20 Hz +1.1 Hz; mean res
  -10% with the same depression count per spike (mean N 6.28 against 6.30): the spike
  pattern differs, the slow-band power is 0.44 against 0.56 of the total;
* ``cortex_only`` (6 seeds): rates within 4%, mean res -2.5%, the 8-14 Hz peak +1.2 Hz
  (seed SD 0.8-1.7 Hz).

With the crossing interpolated instead of drawn, large N was too common and the column sat
in the continuous regime 0.83 of the time (seeds 7-12; DynaSim scheme 0.27), with TC +85%.
Schemes tried before (sampled gates, interpolated crossing): exponential for all at 0.025
ms, IN 13-30% low; forward Euler for all at 0.025 ms, TC +69% and TRN +48% under propofol;
exponential for all at 0.05 ms, IN 17-41% low; forward Euler at 0.05 ms overshoots the spike
peak by 35 mV.
"""

from __future__ import annotations

import sympy as sp
from brian2.parsing.sympytools import str_to_sympy, sympy_to_str
from brian2.stateupdaters.base import (
    StateUpdateMethod,
    UnsupportedEquationsException,
    extract_method_options,
)

#: integration step of each scheme (``parameters.INTEGRATION_MODES``), ms
DT_MS = {"dynasim": 0.01, "fast": 0.025}
FAST_DT_MS = DT_MS["fast"]


def _frozen_slope(expr: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """d expr / d var with ``var`` held fixed inside every function application."""
    frozen = sp.Symbol(f"_frozen_{var.name}", real=True)

    def hold(e: sp.Expr) -> bool:
        if isinstance(e, sp.Function) and e.has(var):
            return True
        # a power with a non-integer or negative exponent (1/(1 + ...), x**3.5) is a
        # nonlinearity too; plain polynomials in var stay exact
        if isinstance(e, sp.Pow) and e.base.has(var):
            exp_ = e.exp
            return not (exp_.is_Integer and exp_ > 0) or e.base != var
        return False

    held = expr.replace(hold, lambda e: e.subs(var, frozen))
    return sp.diff(held, var).subs(frozen, var)


class FrozenExponentialEuler(StateUpdateMethod):
    """Exponential Euler with the nonlinear parts of each equation frozen over one step."""

    def __call__(self, equations, variables=None, method_options=None):
        extract_method_options(method_options, {})
        if equations.is_stochastic:
            raise UnsupportedEquationsException("stochastic equations are not supported")
        dt = sp.Symbol("dt")
        code, names = [], []
        for name, expr in equations.get_substituted_expressions(variables):
            var = sp.Symbol(name, real=True)
            f = str_to_sympy(expr.code, variables)
            slope = _frozen_slope(f, var) if f.has(var) else sp.Integer(0)
            rate = sp.Symbol(f"_f_{name}")
            step = dt * rate * (sp.Function("exprel")(slope * dt) if slope != 0 else 1)
            code.append(f"{rate} = {sympy_to_str(f)}")
            code.append(f"_{name} = {sympy_to_str(var + step)}")
            names.append(name)
        # every variable from the state at the start of the step, as forward Euler
        code += [f"{name} = _{name}" for name in names]
        return "\n".join(code)


frozen_exponential_euler = FrozenExponentialEuler()


#: populations whose fast Na activation is a state variable (Traub-type, stiff at 0.025 ms)
_STIFF = ("TC", "TRN", "HTC")


def method(integration: str, population: str):
    """The Brian2 ``method`` of one population's NeuronGroup under the named scheme."""
    if integration == "dynasim" or population not in _STIFF:
        return "euler"
    return frozen_exponential_euler
