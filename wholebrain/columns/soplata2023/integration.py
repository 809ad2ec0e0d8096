"""The two integration schemes of the Soplata column.

``integration="dynasim"`` is the published scheme: forward Euler at dt = 0.01 ms, the
depression window counted on that grid (:mod:`.depression`). It stays the default of one
column (``BrainModel.single_column``, the parameter sets themselves, the fidelity module and
``scripts/fidelity_soplata2023.py`` / ``table1_soplata2023.py``): a single column is what
the paper simulates, reproducing the authors' runs is its purpose, and at about 1.6 s per
simulated second (C++ with SIMD loops, one thread) its cost does not call for a cheaper
scheme.

``integration="fast"`` is the default of every model of more than one region
(``BRAIN_DEFAULTS``: whole brains, independent columns, studies, the command line and the
README's main job), where the cost is multiplied by the regions and the runs. It takes a
five times longer step (:data:`FAST_DT_MS` = 0.05 ms) and changes four things, each for a
measured reason:

* every cell takes the Euler-matched update (:class:`EulerMatched`), whose leading error is
  forward Euler's at 0.01 ms: DynaSim's dynamics, step error included, as substeps of the
  0.05-ms step in one code object. The cortical cells (PY, IN) take two substeps of
  0.025 ms; the thalamic cells (TC, TRN, HTC), whose Traub-type Na activation is a state
  variable and too stiff for that, four of 0.0125 ms. Plain forward Euler in the thalamic
  substeps puts the propofol TC rate 34% above the DynaSim scheme's; one matched step of
  0.025 ms diverges within 2 ms; the frozen exponential step below, stable at 0.025 ms,
  gives TC +39%. Synaptic input sums, Poisson events and thresholds are updated once per
  0.05 ms;
* the synaptic gates driven by a cell's own voltage are advanced after the potentials, with
  the drive averaged along each half of the step, through the potential after half of the
  substeps (``<v>_mid``; :mod:`.gates`), so that the charge of a spike does not depend on
  where the coarse samples fall on its peak (``tests/test_soplata_gates.py``: within 3%
  of the exact gate at every phase of a 0.15-ms spike, as with 0.025-ms steps). Gates of
  one cell with the same drive, rate and decay (TC's three AMPA gates, TRN's two GABA_A
  gates, ...) converge within milliseconds and are kept as one, with one column sum
  (:func:`.gates.shared_gates`); the published scheme integrates each. The state updater
  also keeps the potentials at the start of the step (``<v>_prev``);
* each spike's DynaSim depression is applied at once, ``depr_factor**N`` with N from the
  crossing's phase on DynaSim's grids, the crossing drawn uniformly within its coarse step
  (:func:`.depression.emulated_reset`);
* the Poisson drive draws the exact count of each step.

With the C++ backend's SIMD loops over cells (:mod:`wholebrain.engine.vectorize`), one
column costs 0.67 s per simulated second on one thread, against 1.61 for the DynaSim
scheme with SIMD loops and 3.21 for it with scalar ones (``scripts/bench_column.py``, one
run). Revalidated with SIMD (``scripts/fidelity_soplata2023.py --first-seed 9 --seeds 16``,
6 s): propofol rates within 0.6% of the DynaSim scheme, band peaks within 0.44 Hz, mean
res +0.2%; wake rates within 0.4% (TC active in 9 of 16 seeds against 10, -0.4% when
active), peaks within 0.44 Hz, mean res +1.1%.

:data:`frozen_exponential_euler` (kept for measurements, ``scripts/interneuron_fi.py``, and
no longer on the fast scheme's path) advances every state variable ``x`` with
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

Validation, ``scripts/fidelity_soplata2023.py``, 6 s per seed, against the DynaSim scheme
on the same seeds (session 16, the scheme as it is now):

* ``wake`` (seeds 1-40): PY -0.0%, IN -0.2%, TC -2.7%, TRN -0.9%, mean res +1.9%, band
  peaks within 0.44 Hz. The wake TC cells are bistable in both schemes: silent, or firing
  rebound bursts once started; they fire in 17 of 40 seeds against 21 of 40 (Fisher
  p = 0.50), at 0.678 and 0.564 Hz when they fire (+20.2%, at the 20% tolerance, within
  the seed spread: Mann-Whitney p = 0.37). Seeds 1-6 alone make the DynaSim scheme's TC
  look silent;
* ``propofol`` (seeds 1-24): PY -0.2%, IN +0.1%, TC +0.4%, TRN +1.2%, mean res -0.3%, band
  peaks +0.06 (0.5-2 Hz), +0.34 (8-14 Hz) and -0.38 Hz (8-20 Hz), regime shares within
  0.10 (seed SD 0.30). The alpha and beta peaks are bimodal across seeds (about 10-11.5 or
  13-14 Hz), so their means need many seeds;
* ``cortex_only`` (seeds 1-18): PY +0.1%, IN -0.8%, mean res +0.1%, band peaks within
  0.44 Hz. Its 8-14 Hz band holds 2.5% of the power and no peak, so the band's maximum
  wanders: seeds 1-6 alone gave +1.12 Hz.

On the 76-region brain (``scripts/brain_schemes.py``, propofol, gain 1, 3 s, seed 1) the
mean rates over regions differ by +2.1% (PY), +3.3% (IN), +4.3% (TC) and +3.2% (TRN); the
regions' PY rates correlate at r = 0.89 between the schemes (median difference per region
3.4%), and the dipoles' slow, alpha and beta power over 2-40 Hz agree within 0.024.

It is the default of brains on this validation. Table 1 (``scripts/table1_soplata2023.py
--seeds 1 ... 8 --duration 20 --integration fast``): the continuous share at x = 0.002 ...
0.012 is 65.1, 62.5, 32.9, 3.9, 0.7 and 0.0%, monotone and within the authors' 1 SD at
every dose but 0.002 (83.7 +- 9.8), where the DynaSim scheme misses too: with 16 seeds,
60.5 +- 23.9% (fast) against 61.8 +- 24.3% (DynaSim scheme).

The fast scheme of session 15 took one Euler-matched step of 0.025 ms for PY and IN and two
substeps of 0.0125 ms for TC/TRN, the gates averaged over the 0.025-ms step: wake TC
-11.1%, propofol within 2.9%, Table 1 47, 49, 5.3, 1.3, 3.3, 0%. In one run of
``scripts/bench_column.py`` it cost 1.13 s per simulated second against 1.00 now and 2.18
for the DynaSim scheme.

With the thalamus on forward Euler at 0.01 ms on a clock of its own (session 14): propofol
TC -3.8%, TRN +1.0%; wake TC active in 26 of 40 seeds, mean TC +26%; 1.66x cheaper than the
DynaSim scheme. In one run of ``scripts/bench_column.py --integration fast``: 1.50 s per
simulated second with that clock, 1.26 with the substeps, 1.18 with the kept gates and
the carried antiderivatives as well. Table 1 at x = 0.006 (8 seeds x 20 s, continuous
share): 30.9% with that clock, 9.9% with the substeps, 5.3% now, 36.2% for the DynaSim
scheme (seed SD 38.9).

With the thalamus on the frozen exponential step at 0.025 ms (session 13): wake TC active
in 5 of 6 seeds (DynaSim scheme, seeds 1-6: 0 of 6), propofol TC +39%.

Before the Euler-matched cortex (forward Euler for PY and IN at 0.025 ms, 12 seeds under
propofol): propofol TC +24%, wake mean res -10%, cortex_only 8-14 Hz peak +1.2 Hz.

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
DT_MS = {"dynasim": 0.01, "fast": 0.05}
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


class EulerMatched(StateUpdateMethod):
    """A two-step explicit scheme whose leading error is forward Euler's at a smaller step.

    Forward Euler with step ``h`` follows, to second order in ``h``, the exact flow of the
    modified field ``f - (h/2) f'f`` (backward error analysis; Hairer, Lubich & Wanner,
    *Geometric Numerical Integration*, ch. IX). Euler with a step ``H`` applied to
    ``g = f + ((H - h)/2) f'f`` therefore follows the same modified field as Euler at ``h``.
    ``f'f`` is the time derivative of ``f`` along the solution, which the last step gives as
    ``(f_n - f_(n-1))/H``, so that

        x <- x + H * ((1 + c) * f_n - c * f_(n-1)),      c = (1 - h/H)/2.

    At ``H = h`` this is forward Euler; at ``c = 1/2`` it would be Adams-Bashforth 2.
    The first step of a run (``t < dt``) is Euler's, with no history. The previous rate of
    every variable is a state variable ``fprev_<name>`` (:func:`history_declarations`), so
    it is kept by checkpoints and carried across chunks like the rest of the state.

    The column's published dynamics are Euler's at 0.01 ms, with that step's error: the
    wake PY cell's burst structure is not converged there (its share of inter-spike
    intervals under 25 ms is 0.21, 0.31, 0.35 and 0.36 at 0.025, 0.01, 0.005 and 0.0025 ms).
    A more accurate scheme at 0.025 ms misses DynaSim's dynamics as much as a less accurate
    one; this one reproduces Euler at 0.01 ms (``scripts/euler_matched_pyramidal.py``).

    Variables whose equation is linear in themselves and involves no other state variable
    (the Poisson gate ``s_ext``, the depression resources, decaying conductances) take
    Euler's step at ``H``: events jump them, which a rate history would smear over a step,
    and their time constants (>= 2 ms) make the two steps' difference negligible.

    With ``substeps=n`` the group's step ``dt`` is taken as ``n`` such steps of
    ``H = dt/n`` in one code object, each substep's history the substep before it. What
    lies outside the group's own equations (synaptic input sums, the gates of
    :mod:`.gates`, Poisson events, thresholds) is updated once per ``dt``. The thalamic
    cells use four substeps of a 0.05-ms step: at ``H = 0.0125`` ms ``c = 0.1``, stable
    where a step of 0.025 ms (``c = 0.3``) diverges. With ``midpoint=<v>`` the value of
    ``<v>`` after half of the substeps is written to ``<v>_mid``, and with ``previous`` each
    named variable's value at the start of the step to ``<name>_prev`` (what the gates,
    thresholds and events compare with), without a code object of their own; the group
    declares them.
    """

    def __init__(
        self,
        reference_dt_ms: float,
        substeps: int = 1,
        midpoint: str | None = None,
        previous: tuple[str, ...] = (),
    ) -> None:
        if int(substeps) != substeps or substeps < 1:
            raise ValueError(f"substeps must be a positive integer, got {substeps!r}")
        if midpoint is not None and substeps % 2:
            raise ValueError(f"a midpoint needs an even number of substeps, got {substeps}")
        self.reference_dt_ms = float(reference_dt_ms)
        self.substeps = int(substeps)
        self.midpoint = midpoint
        self.previous = tuple(previous)

    def __call__(self, equations, variables=None, method_options=None):
        extract_method_options(method_options, {})
        if equations.is_stochastic:
            raise UnsupportedEquationsException("stochastic equations are not supported")
        states = {sp.Symbol(n, real=True) for n in equations.diff_eq_names}
        n = self.substeps
        h = "dt" if n == 1 else f"(dt/{n})"
        # dt is in seconds in the generated code; c = 0 at the reference step
        code = [f"_c = 0.5 - {0.5e-3 * self.reference_dt_ms!r}/{h}", "_started = int(t > 0.5*dt)"]
        code += [f"{name}_prev = {name}" for name in self.previous]
        rates = []
        for name, expr in equations.get_substituted_expressions(variables):
            var = sp.Symbol(name, real=True)
            f = str_to_sympy(expr.code, variables)
            rates.append((name, sympy_to_str(f), _relaxes(f, var, states)))
        for k in range(n):  # distinct temporaries per substep: each assigned once
            started = "_started" if k == 0 else "1"
            for name, f, _ in rates:
                code.append(f"_f{k}_{name} = {f}")
            for name, _, relaxes in rates:
                if relaxes:
                    code.append(f"_{k}_{name} = {name} + {h}*_f{k}_{name}")
                    continue
                code.append(
                    f"_{k}_{name} = {name} + {h}*(_f{k}_{name}"
                    f" + _c*{started}*(_f{k}_{name} - fprev_{name}))"
                )
                code.append(f"fprev_{name} = _f{k}_{name}")
            code += [f"{name} = _{k}_{name}" for name, _, _ in rates]
            if self.midpoint is not None and k == n // 2 - 1:
                code.append(f"{self.midpoint}_mid = {self.midpoint}")
        return "\n".join(code)


def _relaxes(f: sp.Expr, var: sp.Symbol, states: set[sp.Symbol]) -> bool:
    """Whether ``dvar/dt = f`` is a linear relaxation: linear in ``var``, no other state."""
    if (f.free_symbols & states) - {var}:
        return False
    if not f.has(var):
        return True
    try:
        return sp.Poly(sp.expand(f), var).degree() <= 1
    except sp.PolynomialError:  # var inside a function sympy cannot expand (int(), ...)
        return False


#: SI base units and their symbols in Brian2's ``Dimension.get_dimension``
_BASE_UNITS = {"metre": "m", "kilogram": "kg", "second": "s", "amp": "A", "kelvin": "K",
               "mole": "mol", "candela": "cd"}  # fmt: skip


def _rate_unit(dim) -> str:
    """The unit of ``d(variable)/dt`` for a variable of dimension ``dim``, in base units.

    Written out in base units because Brian2's preferred display unit for a dimension
    depends on the units a process has used (``mvolt`` after some scripts), and equations
    accept only unscaled units.
    """
    exps = {u: dim.get_dimension(sym) - (u == "second") for u, sym in _BASE_UNITS.items()}
    return " * ".join(f"{u}**{e:g}" for u, e in exps.items() if e)


def history_declarations(text: str) -> str:
    """``fprev_<name> : <unit>/second`` for every ODE of ``text`` (:class:`EulerMatched`)."""
    import brian2 as b2

    eqs = b2.Equations(text)
    lines = [f"fprev_{name} : {_rate_unit(eqs[name].dim)}" for name in eqs.diff_eq_names]
    return "\n".join(sorted(lines)) + "\n"


#: populations whose fast Na activation is a state variable (Traub-type): too stiff for an
#: Euler-matched step of 0.025 ms (c = 0.3; it diverges in the column within 2 ms)
THALAMIC = ("TC", "TRN", "HTC")
#: Euler-matched substeps per fast step: 0.025 ms for the cortical cells (c = 0.3), 0.0125 ms
#: for the thalamic ones (c = 0.1)
CORTICAL_SUBSTEPS, THALAMIC_SUBSTEPS = 2, 4
#: one Euler-matched step with Euler's error at DynaSim's step (measurements and tests)
euler_matched = EulerMatched(DT_MS["dynasim"])
#: the potential whose value halfway through the step each population keeps (``<v>_mid``):
#: the gates' drive is averaged over each half of the step (:func:`.gates.step_update`)
MIDPOINT = {"PY": "v_so", "IN": "v", "TC": "v", "TRN": "v", "HTC": "v"}


def method(integration: str, population: str):
    """The Brian2 ``method`` of one population's NeuronGroup under the named scheme."""
    if integration == "dynasim":
        return "euler"
    substeps = THALAMIC_SUBSTEPS if population in THALAMIC else CORTICAL_SUBSTEPS
    v = MIDPOINT[population]
    previous = (v, "v_dr") if population == "PY" else (v,)
    return EulerMatched(DT_MS["dynasim"], substeps=substeps, midpoint=v, previous=previous)


def keeps_history(integration: str, population: str) -> bool:
    """Whether the population's method needs :func:`history_declarations`."""
    return isinstance(method(integration, population), EulerMatched)
