"""Same seed, same device, same thread count: the same result; what differs across thread
counts, and why (README, "Reproducibility")."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import wholebrain as wb

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")


def _same(a, b) -> bool:
    return np.array_equal(a.eeg_proxy, b.eeg_proxy) and all(
        np.array_equal(a.spikes[k], b.spikes[k]) for k in a.spikes
    )


def test_a_seed_gives_the_same_run_on_one_thread_count_and_other_noise_on_another(tmp_path):
    model = wb.BrainModel.single_column("lif_ei", "default")
    runs = {}
    for threads in (1, 2):
        first, second = (
            wb.simulate(model, 0.3, seed=5, backend="cpp", threads=threads,
                        build_dir=tmp_path / f"t{threads}")
            for _ in range(2)
        )  # fmt: skip
        assert _same(first, second), f"{threads} threads: two runs of one seed differ"
        runs[threads] = first
    # Each OpenMP thread draws the per-step noise of the cells it updates from its own
    # generator (seed + thread index): initial conditions and connectivity, drawn in Python,
    # are the same; the spike trains are not.
    assert not _same(runs[1], runs[2])
    for name in ("PY", "IN"):
        assert runs[1].spikes[name].size > 0 and runs[2].spikes[name].size > 0
