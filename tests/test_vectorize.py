"""SIMD loops over cells in C++ builds (wholebrain.engine.vectorize)."""

from __future__ import annotations

import platform
import re
import shutil
import subprocess

import numpy as np
import pytest

import wholebrain as wb
from wholebrain.engine import vectorize

LOOP = "    const int _N = N;\n{pragma}    for(int _idx=0; _idx<_N; _idx++)\n    {{\n"
BODY = "        v[_idx] = v[_idx] + dt * exp(-v[_idx]);\n    }\n"


def source(pragma: str = "", body: str = BODY) -> str:
    return '#include "objects.h"\n#include<cmath>\n' + LOOP.format(pragma=pragma) + body


def test_the_loop_over_cells_gets_an_omp_simd_pragma_after_the_math_preamble():
    out = vectorize.vectorize_source(source())
    assert out is not None and out.startswith(vectorize.MATH_PREAMBLE)
    assert "    #pragma omp simd\n    for(int _idx=0; _idx<_N; _idx++)" in out
    # __FAST_MATH__ is defined only while <math.h> is read, before anything else includes it
    preamble = out.index("#include <math.h>")
    assert out.index("#define __FAST_MATH__") < preamble < out.index("#undef __FAST_MATH__")
    assert out.index("#undef __FAST_MATH__") < out.index('#include "objects.h"')


def test_brian2s_openmp_loop_becomes_a_parallel_simd_loop():
    out = vectorize.vectorize_source(source("    #pragma omp parallel for schedule(static)\n"))
    assert "#pragma omp parallel for simd schedule(static)\n    for(int _idx=0;" in out
    assert out.count("#pragma omp") == 1


@pytest.mark.parametrize("draw", ["_rand(_vectorisation_idx)", "_randn(_vectorisation_idx)",
                                  "_poisson(lam, _vectorisation_idx)"])  # fmt: skip
def test_loops_that_draw_random_numbers_stay_scalar(draw):
    body = f"        v[_idx] = v[_idx] + {draw};\n    }}\n"
    assert vectorize.vectorize_source(source(body=body)) is None


def test_code_without_a_loop_over_cells_is_left_alone():
    assert vectorize.vectorize_source('#include "objects.h"\nint x = 0;\n') is None


def test_the_simd_flag_is_added_once():
    assert vectorize.compile_flags(["-O3"]) == ["-O3", vectorize.SIMD_FLAG]
    assert vectorize.compile_flags(["-O3", vectorize.SIMD_FLAG]) == ["-O3", vectorize.SIMD_FLAG]


def test_scalar_loops_switches_simd_off_and_back():
    assert vectorize.enabled()
    with vectorize.scalar_loops():
        assert not vectorize.enabled()
    assert vectorize.enabled()


GLIBC_GCC = (platform.system() == "Linux" and platform.machine() == "x86_64"
             and shutil.which("g++") is not None and shutil.which("nm") is not None)  # fmt: skip


def _libmvec_calls(project) -> set[str]:
    """The glibc SIMD math functions (``_ZGV...``) the project's state updaters call."""
    names: set[str] = set()
    for obj in (project / "code_objects").glob("*stateupdater_codeobject.o"):
        out = subprocess.run(["nm", "-u", str(obj)], capture_output=True, text=True).stdout
        names |= set(re.findall(r"_ZGV\w+", out))
    return names


@pytest.mark.skipif(not GLIBC_GCC, reason="needs gcc, glibc's libmvec and nm on x86-64 Linux")
def test_a_soplata_build_calls_vector_exp_and_matches_the_scalar_build_statistically(tmp_path):
    """A full-size fast column: its state updaters call libmvec's vector exp, its pragmas
    and flag are in the project, and its rates stay those of the scalar build (the runs
    differ in rounding only, so they part ways after a while; 1 s, PY/IN rates within 15%
    and TC/TRN within 30%: two scalar seeds differ by about as much)."""
    model = wb.BrainModel.single_column("soplata2023", "propofol", integration="fast")
    simd = wb.simulate(model, 1.0, seed=3, backend="cpp", build_dir=tmp_path / "simd")
    with vectorize.scalar_loops():
        scalar = wb.simulate(model, 1.0, seed=3, backend="cpp", build_dir=tmp_path / "scalar")
    calls = _libmvec_calls(tmp_path / "simd")
    assert any("_exp" in name for name in calls), calls
    assert not _libmvec_calls(tmp_path / "scalar")
    code = (tmp_path / "simd" / "code_objects" / "PY_stateupdater_codeobject.cpp").read_text()
    assert "#pragma omp simd" in code
    assert vectorize.SIMD_FLAG in (tmp_path / "simd" / "makefile").read_text()
    assert vectorize.SIMD_FLAG not in (tmp_path / "scalar" / "makefile").read_text()
    # the first few ms are the same trajectory; the rates agree within the seed noise
    np.testing.assert_allclose(simd.eeg_proxy[:, :20], scalar.eeg_proxy[:, :20], rtol=1e-6)
    assert not np.array_equal(simd.eeg_proxy, scalar.eeg_proxy)
    a, b = simd.rates(0.2), scalar.rates(0.2)
    for pop, tol in {"PY": 0.15, "IN": 0.15, "TC": 0.3, "TRN": 0.3}.items():
        assert abs(a[pop].mean() / b[pop].mean() - 1) < tol, (pop, a[pop], b[pop])


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")
def test_without_libm_calls_a_simd_build_is_bit_identical_to_the_scalar_one(tmp_path):
    """lif_ei's state updaters are plain arithmetic: vector and scalar code round alike, so
    the two builds give the same spikes, to the bit, with one thread and with two."""
    model = wb.BrainModel.single_column("lif_ei", "default")
    for threads in (1, 2):
        simd = wb.simulate(model, 0.3, seed=4, backend="cpp", threads=threads,
                           build_dir=tmp_path / f"simd{threads}")  # fmt: skip
        with vectorize.scalar_loops():
            scalar = wb.simulate(model, 0.3, seed=4, backend="cpp", threads=threads,
                                 build_dir=tmp_path / f"scalar{threads}")  # fmt: skip
        code = tmp_path / f"simd{threads}" / "code_objects" / "PY_stateupdater_codeobject.cpp"
        assert "simd" in code.read_text()
        np.testing.assert_array_equal(simd.eeg_proxy, scalar.eeg_proxy)
        for pop in simd.spikes:
            assert simd.spikes[pop].size > 0
            np.testing.assert_array_equal(simd.spikes[pop], scalar.spikes[pop])


def test_simd_and_scalar_builds_get_project_folders_of_their_own(monkeypatch, tmp_path):
    """The default project folder records the build's code variant, so switching SIMD off
    and on never reuses (or overwrites) the other build's compiled objects."""
    from wholebrain.engine import device

    monkeypatch.setenv("WHOLEBRAIN_CACHE", str(tmp_path))
    model = wb.BrainModel.single_column("lif_ei")
    params = model.column_params()
    simd = device.default_project(model, params, 0.1, simd=True)
    assert simd == device.default_project(model, params, 0.1, simd=True)
    assert simd != device.default_project(model, params, 0.1, simd=False)
