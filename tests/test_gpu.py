"""The cuda backend gives the statistics of the cpp backend (runs only where a GPU is)."""

from __future__ import annotations

import numpy as np
import pytest

import wholebrain as wb
from wholebrain.engine.settings import backend_status

pytestmark = pytest.mark.skipif(
    backend_status()["cuda"] is not None, reason=f"cuda: {backend_status()['cuda']}"
)


def test_cuda_matches_cpp_statistics(tmp_path):
    """Population rates of a small coupled brain over 1 s agree within 25 % (different
    random streams: cuRAND vs Brian2's mt19937; the tolerance is a few seed SDs of the
    rate of a 0.2-scale column over 1 s)."""
    con = wb.load_connectome("tvb76").subset(["rA1", "rA2", "rV1", "lV1"])
    model = wb.BrainModel(con, global_coupling=1.0, overrides={"scale": 0.2})
    gpu = wb.simulate(model, 1.0, seed=1, backend="cuda", build_dir=tmp_path / "cuda")
    cpu = wb.simulate(model, 1.0, seed=1, backend="cpp", build_dir=tmp_path / "cpp")
    assert gpu.eeg_proxy.shape == cpu.eeg_proxy.shape
    for pop in ("PY", "IN", "TRN"):
        g, c = gpu.rates(t_start=0.2)[pop].mean(), cpu.rates(t_start=0.2)[pop].mean()
        assert c > 0 and abs(g - c) <= 0.25 * c, (pop, g, c)
    assert np.isfinite(gpu.eeg_proxy).all()
