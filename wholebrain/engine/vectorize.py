"""SIMD state updates for C++ standalone builds.

Brian2's generated per-cell loops (state updaters, ``run_regularly`` operations) are
independent across cells, but gcc leaves them scalar, for two reasons:

- Brian2 compiles with ``-ffast-math -fno-finite-math-only``. The second flag undefines
  ``__FAST_MATH__``, and glibc declares the SIMD versions of ``exp``, ``expm1``, ``log``,
  ``tanh``, ... (libmvec) only when it is defined. Without them a loop that calls ``exp``
  cannot be vectorized at all.
- Even with them, gcc's cost model skips loops as long as a Hodgkin-Huxley state updater
  unless told that the iterations are independent (``#pragma omp simd``).

:func:`simd_loops` fixes both while Brian2 writes a project: every code object of the
``stateupdate`` template that draws no random numbers gets ``#pragma omp simd`` on its
loop over cells (``omp parallel for simd`` where Brian2's OpenMP splits the loop over threads), and
``__FAST_MATH__`` is defined while ``<math.h>`` is first read, so that the SIMD
declarations appear. The rest of the program keeps Brian2's IEEE semantics (infinities
stay, ``-fno-finite-math-only`` stays); ``-fopenmp-simd`` makes gcc read the pragma
without OpenMP's run time.

A vector ``exp`` rounds differently from the scalar one (libmvec: within 4 ulp), so a
SIMD build's trajectories differ from a scalar build's at the level of rounding, and a
cell's value depends on whether it falls into the vector body or the scalar remainder
of the loop. A given build (same cells, same thread count) stays deterministic per seed.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import brian2 as b2

from .device import preferences, rewriting_sources

#: the compile flag that makes gcc honour ``#pragma omp simd`` without OpenMP itself
SIMD_FLAG = "-fopenmp-simd"

#: read first in every vectorized code object; see the module docstring
MATH_PREAMBLE = """\
// wholebrain: glibc declares its SIMD math (libmvec) only under __FAST_MATH__
#ifndef __FAST_MATH__
#define __FAST_MATH__ 1
#include <math.h>
#undef __FAST_MATH__
#endif
"""

_LOOP = re.compile(r"^(?P<indent>[ \t]*)for\(int _idx=0; _idx<_N; _idx\+\+\)", re.MULTILINE)
#: Brian2's OpenMP pragma on that loop (``#pragma omp parallel for schedule(static)``)
_OMP_FOR = re.compile(r"(#pragma omp (?:parallel )?for)\b(?=[^\n]*\n[ \t]*for\(int _idx=0;)")
_RANDOM = re.compile(r"\b_(?:rand|randn|poisson)[_(]")

#: process-wide switch (benchmarks compare against scalar builds with :func:`scalar_loops`)
_ENABLED = [True]


def enabled() -> bool:
    """Whether C++ builds of this process vectorize their loops over cells."""
    return _ENABLED[0]


@contextlib.contextmanager
def simd_builds(on: bool) -> Iterator[None]:
    """Build with SIMD loops over cells (``on``) or without inside this block."""
    before = _ENABLED[0]
    _ENABLED[0] = bool(on)
    try:
        yield
    finally:
        _ENABLED[0] = before


def scalar_loops() -> contextlib.AbstractContextManager:
    """Build without SIMD inside this block (Brian2's code as it generates it)."""
    return simd_builds(False)


def vectorize_source(code: str) -> str | None:
    """``code`` (one code object's .cpp) with its loop over cells marked for SIMD, or None
    where it has no such loop or draws random numbers (kept scalar: the order of the
    draws is the seed's contract)."""
    if _RANDOM.search(code) or not _LOOP.search(code):
        return None
    if _OMP_FOR.search(code):
        code = _OMP_FOR.sub(r"\1 simd", code, count=1)
    else:
        code = _LOOP.sub(lambda m: f"{m['indent']}#pragma omp simd\n{m[0]}", code, count=1)
    return MATH_PREAMBLE + code


def compile_flags(flags: list[str]) -> list[str]:
    """Brian2's gcc flags with :data:`SIMD_FLAG` added."""
    return list(flags) + [SIMD_FLAG] * (SIMD_FLAG not in flags)


@contextlib.contextmanager
def simd_loops(device: Any) -> Iterator[None]:
    """While Brian2's ``device`` writes its project, vectorize the per-cell loops of its
    ``stateupdate`` code objects (see the module docstring); nothing if not
    :func:`enabled`."""
    if not enabled():
        yield
        return
    targets = {
        f"code_objects/{name}.cpp"
        for name, obj in device.code_objects.items()
        if getattr(obj, "template_name", None) == "stateupdate"
    }

    def rewrite(filename: str, contents: str) -> str:
        return (vectorize_source(contents) or contents) if filename in targets else contents

    flags = compile_flags(b2.prefs["codegen.cpp.extra_compile_args_gcc"])
    with rewriting_sources(rewrite), preferences(codegen__cpp__extra_compile_args_gcc=flags):
        yield
