"""Checkpoint and resume: a run killed mid-way resumes and equals an uninterrupted run."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import wholebrain as wb

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")
DURATION, CHUNK, SEED = 0.3, 0.01, 5
LABELS = ["rA1", "rA2", "rV1", "lV1"]  # the small brain of test_compiled: same build


def small_brain() -> wb.BrainModel:
    con = wb.load_connectome("tvb76").subset(LABELS)
    return wb.BrainModel(con, global_coupling=2.0, overrides={"scale": 0.2})


@pytest.fixture(scope="module")
def reference(small_brain_build):
    """One uninterrupted run: a single binary run of the whole duration."""
    return wb.simulate(small_brain(), DURATION, seed=SEED, backend="cpp",
                       build_dir=small_brain_build)  # fmt: skip


def _assert_same(a: wb.SimulationResult, b: wb.SimulationResult) -> None:
    np.testing.assert_array_equal(a.eeg_proxy, b.eeg_proxy)
    assert set(a.spikes) == set(b.spikes)
    for pop in a.spikes:
        np.testing.assert_array_equal(a.spikes[pop], b.spikes[pop])


def test_chunked_run_equals_the_uninterrupted_run(reference, small_brain_build, tmp_path):
    res = wb.simulate(small_brain(), DURATION, seed=SEED, backend="cpp",
                      build_dir=small_brain_build, checkpoint=tmp_path / "ck",
                      chunk=0.1)  # fmt: skip
    assert res.eeg_proxy.shape == reference.eeg_proxy.shape
    assert sum(len(s) for s in res.spikes.values()) > 100  # the comparison is not vacuous
    _assert_same(res, reference)
    assert res.provenance["checkpoint"]["chunks"] == 3
    # a finished checkpoint returns its result without running again
    again = wb.simulate(small_brain(), DURATION, seed=SEED, backend="cpp",
                        build_dir=small_brain_build, checkpoint=tmp_path / "ck",
                        chunk=0.1)  # fmt: skip
    _assert_same(again, reference)


def test_a_killed_run_resumes_to_the_same_result(reference, small_brain_build, tmp_path):
    """Start the run in another process, SIGKILL it after a few chunks, resume here."""
    folder = tmp_path / "ck"
    script = textwrap.dedent(f"""
        import wholebrain as wb
        con = wb.load_connectome("tvb76").subset({LABELS!r})
        model = wb.BrainModel(con, global_coupling=2.0, overrides={{"scale": 0.2}})
        wb.simulate(model, {DURATION}, seed={SEED}, backend="cpp",
                    build_dir={str(small_brain_build)!r}, checkpoint={str(folder)!r},
                    chunk={CHUNK})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    meta = folder / "checkpoint.json"
    deadline = time.monotonic() + 300
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if meta.exists():
            done = json.loads(meta.read_text())["chunks_done"]
            if done >= 3:
                break
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    state = json.loads(meta.read_text())
    n_chunks = round(DURATION / CHUNK)
    assert 3 <= state["chunks_done"] < n_chunks and not state["finished"]  # killed mid-way
    res = wb.simulate(small_brain(), DURATION, seed=SEED, backend="cpp",
                      build_dir=small_brain_build, checkpoint=folder, chunk=CHUNK)  # fmt: skip
    _assert_same(res, reference)
    assert not list(folder.glob("running-*")) and not list(folder.glob("state-*"))


def test_a_checkpoint_of_another_run_is_refused(small_brain_build, tmp_path):
    folder = tmp_path / "ck"
    wb.simulate(small_brain(), 0.02, seed=1, backend="cpp", build_dir=small_brain_build,
                checkpoint=folder, chunk=0.01)  # fmt: skip
    with pytest.raises(ValueError, match="another run .*seed"):
        wb.simulate(small_brain(), 0.02, seed=2, backend="cpp", build_dir=small_brain_build,
                    checkpoint=folder, chunk=0.01)  # fmt: skip


def test_bad_checkpoint_settings_fail_before_building(tmp_path):
    model = small_brain()
    with pytest.raises(ValueError, match="backend='cpp'"):
        wb.simulate(model, 0.1, checkpoint=tmp_path / "ck")
    with pytest.raises(ValueError, match="give checkpoint"):
        wb.simulate(model, 0.1, backend="cpp", chunk=0.05)


def test_unavailable_backend_says_why_before_building():
    from wholebrain.engine.settings import backend_status

    why = backend_status()["cuda"]
    if why is None:
        pytest.skip("this machine has a GPU backend")
    with pytest.raises(ValueError, match="not available on this machine.*available here: runtime"):
        wb.simulate(small_brain(), 0.1, backend="cuda")


def test_progress_and_duration_change_compile_nothing(small_brain_build, monkeypatch, capfd):
    """simulate() of an already compiled structure with another seed and duration relinks
    nothing; progress lines report simulated and remaining time."""
    wb.simulate(small_brain(), 0.01, seed=1, backend="cpp", build_dir=small_brain_build)
    objects = sorted(small_brain_build.rglob("*.o")) + [small_brain_build / "main"]
    mtimes = {p: p.stat().st_mtime_ns for p in objects if p.name != "main.o"}
    monkeypatch.setenv("WHOLEBRAIN_REPORT_S", "0.02")
    capfd.readouterr()
    res = wb.simulate(small_brain(), 0.05, seed=9, backend="cpp", build_dir=small_brain_build,
                      progress=True)  # fmt: skip
    assert res.duration_s == 0.05 and res.eeg_proxy.shape[1] == 50
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items())
    err = capfd.readouterr().err
    assert "s simulated" in err and "s left" in err


def test_first_progress_line_has_no_estimate_yet(capsys):
    from types import SimpleNamespace

    from wholebrain.engine.execute import _print_progress

    spec = SimpleNamespace(total_s=None, t0_s=0.0, duration_s=2.0)
    _print_progress("progress 0.0 0.0 0.0 2.0", spec)
    _print_progress("progress 10.0 0.5 0.0 2.0", spec)
    first, second = capsys.readouterr().err.strip().splitlines()
    assert first.endswith("run, starting") and "nan" not in first
    assert second.endswith("about 10 s left")
