"""The cheap column models on the default 76-region atlas: compiled once, rerun without a
compilation, and projected to sensor EEG."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import wholebrain as wb

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")


@pytest.fixture(scope="module")
def forward():
    return wb.make_forward(wb.load_connectome("tvb76"))


@pytest.mark.parametrize("column", ["lif_ei", "izhikevich_stp"])
def test_a_76_region_brain_of_cheap_columns_yields_sensor_eeg(column, forward, tmp_path):
    model = wb.BrainModel(wb.load_connectome("tvb76"), column=column, condition="propofol",
                          global_coupling=1.0)  # fmt: skip
    brain = wb.compile_brain(model, 0.5, threads=2, build_dir=tmp_path / column)
    res = brain.run(seed=1)
    assert res.n_regions == 76 and res.dt_ms == 0.1  # the model's own step
    rates = res.rates(0.1)
    assert np.all(rates["PY"] > 0.1) and np.all(rates["IN"] > 0.1)
    raw = forward.to_raw(res)
    data = raw.get_data()
    assert len(raw.ch_names) == 65 and raw.info["sfreq"] == 1000.0
    assert np.all(np.isfinite(data)) and data.std(axis=1).min() > 0
    # a rerun with other values of the same structure compiles nothing and changes the run
    wake = brain.run(seed=1, condition="wake", global_coupling=0.5)
    assert wake.provenance["timings"]["compile_s"] == 0.0
    assert not np.array_equal(wake.eeg_proxy, res.eeg_proxy)
    assert wake.params[0]["gabaa_cond_mult"] == 1.0 and res.params[0]["gabaa_cond_mult"] == 3.0
