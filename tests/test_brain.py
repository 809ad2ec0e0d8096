"""Whole-brain guarantees: gain 0 = independent columns, delays, lesions, coupling effect."""

from __future__ import annotations

import shutil

import brian2 as b2
import numpy as np
import pytest

import wholebrain as wb
from wholebrain.connectome import Connectome

SMALL = {"scale": 0.2}


def toy_connectome(weights, lengths_mm, labels=None) -> Connectome:
    n = len(weights)
    labels = labels or [f"R{i}" for i in range(n)]
    return Connectome(
        labels=labels,
        weights=np.asarray(weights, float),
        tract_lengths_mm=np.asarray(lengths_mm, float),
        centres_mm=np.zeros((n, 3)),
        frame="unknown",
        hemispheres=[""] * n,
        cortical=[True] * n,
        name="toy",
    )


def test_gain_zero_brain_is_exactly_independent_columns():
    con = wb.load_connectome("tvb76").subset(["rA1", "rA2", "rM1"])
    brain = wb.BrainModel(con, global_coupling=0.0, overrides=SMALL)
    alone = wb.BrainModel(labels=con.labels, overrides=SMALL)
    a = wb.simulate(brain, 0.01, seed=2, record_dt_ms=0.1)
    b = wb.simulate(alone, 0.01, seed=2, record_dt_ms=0.1)
    np.testing.assert_array_equal(a.eeg_proxy_parts["py"], b.eeg_proxy_parts["py"])
    np.testing.assert_array_equal(a.eeg_proxy_parts["tc"], b.eeg_proxy_parts["tc"])
    np.testing.assert_array_equal(a.eeg_proxy_parts["lr"], 0.0)
    for pop in b.spikes:
        np.testing.assert_array_equal(a.spikes[pop], b.spikes[pop])
    w = np.array(con.weights)
    np.fill_diagonal(w, 0)
    receiving = int((w.sum(axis=1) > 0).sum())  # regions with any long-range input
    assert a.provenance["synapses"]["long_range_PY_PY"] == receiving * 20 * 20  # cells x K


def test_a_brain_defaults_to_the_fast_integration_and_one_column_to_dynasims():
    con = toy_connectome([[0, 1], [1, 0]], [[0, 30], [30, 0]])
    brain = wb.BrainModel(con, overrides=SMALL)
    assert brain.overrides["integration"] == "fast"  # explicit in the description
    assert {p.integration for p in brain.column_params()} == {"fast"}
    assert brain.describe()["overrides"]["integration"] == "fast"
    assert wb.BrainModel.independent(2).column_params()[0].integration == "fast"
    assert wb.BrainModel.single_column().column_params()[0].integration == "dynasim"
    kept = wb.BrainModel(con, overrides={"integration": "dynasim"})
    assert kept.column_params()[1].integration == "dynasim"
    other = wb.BrainModel(con, column="lif_ei", condition="default")
    assert "integration" not in other.overrides  # a model without brain defaults


@pytest.mark.parametrize("integration", ["fast", "dynasim"])
def test_a_spike_arrives_after_tract_length_over_velocity(integration):
    """R0 -> R1 only, 30 mm at 3 m/s: every long-range conductance jump in R1 follows a
    spike of R0 by 10 ms (to one step of the scheme)."""
    from wholebrain.columns.soplata2023 import DT_MS

    con = toy_connectome([[0, 0], [1, 0]], [[0, 30], [30, 0]])
    model = wb.BrainModel(
        con, global_coupling=1.0, velocity=3.0, long_range_inputs=2, receivers=("PY",),
        overrides={**SMALL, "integration": integration},
    )  # fmt: skip
    dt_ms = DT_MS[integration]
    res = wb.simulate(model, 0.03, seed=4, record_dt_ms=dt_ms, record_states={"PY": ["g_lr"]},
                      record_cells=20)  # fmt: skip
    g = res.states["PY.g_lr"][1]  # (cells, samples) of the receiving region
    jumps = np.flatnonzero((np.diff(g, axis=1) > 0).any(axis=0)) + 1
    src = res.spikes["PY"]
    src_t = src["t"][src["region"] == 0]
    assert jumps.size > 0 and src_t.size > 0
    delay = 30 / 3.0 / 1000  # s
    dt = dt_ms / 1000
    arrival = res.times[jumps]
    lag = arrival[:, None] - src_t[None, :]
    assert np.all(np.min(np.abs(lag - delay), axis=1) <= 1.5 * dt)
    # and nothing arrives in the first 10 ms
    assert arrival.min() >= delay


def test_lesions_remove_exactly_what_they_name():
    con = wb.load_connectome("tvb76").subset(["rA1", "rA2", "rM1", "rV1", "lV1"])
    intact = wb.BrainModel(con, global_coupling=1.0, overrides=SMALL)

    def edges(model):
        out = set()
        for lr in model.long_range(0.01, seed=3):
            labels = model.region_labels
            out |= {
                (lr.receiver, labels[a], int(j), labels[b], int(i))
                for a, j, b, i in zip(lr.post_region, lr.post, lr.pre_region, lr.pre, strict=True)
            }
        return out

    e_intact = edges(intact)
    e_disc = edges(intact.disconnect("rA2"))
    assert e_disc < e_intact
    assert all("rA2" in (e[1], e[3]) for e in e_intact - e_disc)
    e_cut = edges(intact.cut(("rA1", "rA2")))
    assert all((e[1], e[3]) == ("rA1", "rA2") for e in e_intact - e_cut) and e_cut < e_intact
    removed = intact.remove("rV1")
    assert removed.region_labels == ("rA1", "rA2", "rM1", "lV1")
    e_rem = edges(removed)
    assert e_rem == {e for e in e_intact if "rV1" not in (e[1], e[3])}
    # the remaining columns keep their random streams (initial conditions)
    assert list(removed.kept_indices) == [0, 1, 2, 4]


def test_removed_region_has_no_column_and_no_eeg():
    con = wb.load_connectome("tvb76").subset(["rA1", "rA2", "rM1"])
    model = wb.BrainModel(con, global_coupling=1.0, overrides=SMALL).remove("rA2")
    res = wb.simulate(model, 0.005, seed=1)
    assert res.region_labels == ("rA1", "rM1")
    assert res.eeg_proxy.shape[0] == 2
    assert set(np.unique(res.spikes["TRN"]["region"])) <= {0, 1}


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"global_coupling": -1}, "global_coupling must be >= 0"),
        ({"velocity": 0}, "velocity must be > 0"),
        ({"disconnected": ("nowhere",)}, "disconnected names regions not in the model"),
        ({"region_overrides": {"xx": {"g_h": 0.1}}}, "region_overrides names regions"),
        ({"receivers": ("L5",)}, "population 'L5' is not part of soplata2023"),
        ({"normalization": "zscore"}, "unknown normalization 'zscore'"),
    ],
)
def test_bad_brain_descriptions_fail_before_building(kwargs, message):
    con = wb.load_connectome("tvb76").subset(["rA1", "rA2"])
    with pytest.raises(ValueError, match=message):
        wb.BrainModel(con, **kwargs)


def test_connectome_must_be_a_connectome():
    with pytest.raises(TypeError, match="connectome must be a wholebrain Connectome"):
        wb.BrainModel(np.eye(3))


def test_per_region_overrides_reach_their_columns():
    con = wb.load_connectome("tvb76").subset(["rA1", "rA2"])
    model = wb.BrainModel(con, overrides=SMALL, region_overrides={"rA2": {"g_h": 0.4}})
    params = model.column_params()
    assert params[0].g_h == 0.005 and params[1].g_h == 0.4


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")
def test_coupling_raises_correlation_along_a_strong_edge(tmp_path):
    """A <-> B strongly connected, C unconnected: with gain > 0 the EEG proxies of A and B
    correlate more than those of A and C, and more than at gain 0."""
    con = toy_connectome([[0, 1, 0], [1, 0, 0], [0, 0, 0]], np.full((3, 3), 6.0), ["A", "B", "C"])

    def corr(gain):
        model = wb.BrainModel(con, global_coupling=gain, overrides=SMALL)
        res = wb.simulate(model, 3.0, seed=5, backend="cpp", build_dir=tmp_path)
        x = res.eeg_proxy_parts["py"][:, 500:]  # 1 kHz, skip the first 0.5 s
        return np.corrcoef(x)

    c0, c1 = corr(0.0), corr(10.0)  # measured: 0.37 -> 0.72 along A-B, 0.25 for A-C
    assert c1[0, 1] > c1[0, 2] + 0.2
    assert c1[0, 1] > c0[0, 1] + 0.2


def test_runtime_and_cpp_agree_without_random_input(tmp_path):
    """Without Poisson input a run is deterministic given the seed's initial conditions: the
    two backends give the same trajectories (up to floating-point differences)."""
    if shutil.which("g++") is None:
        pytest.skip("needs a C++ compiler")
    con = wb.load_connectome("tvb76").subset(["rA1", "rA2"])
    quiet = {**SMALL, "g_ext_dr": 0.0, "g_ext_tc": 0.0, "g_ext_trn": 0.0}
    model = wb.BrainModel(con, global_coupling=5.0, overrides=quiet)
    kw = {"seed": 8, "record_dt_ms": 0.1}
    a = wb.simulate(model, 0.02, backend="runtime", **kw)
    b = wb.simulate(model, 0.02, backend="cpp", build_dir=tmp_path, **kw)
    np.testing.assert_allclose(a.eeg_proxy, b.eeg_proxy, rtol=1e-6, atol=1e-9)
    assert b2.get_device().__class__.__name__ == "RuntimeDevice"  # device reset after a run


@pytest.mark.parametrize("column", ["soplata2023", "lif_ei", "izhikevich_stp"])
def test_senders_and_receivers_default_to_the_column_models_own(column):
    con = wb.load_connectome("tvb76").subset(["rA1", "rA2"])
    module = wb.columns.get(column).module
    model = wb.BrainModel(con, column=column, condition="propofol")
    assert model.senders == module.DEFAULT_SENDERS and model.receivers == module.DEFAULT_RECEIVERS
    mine = wb.BrainModel(con, column=column, condition="propofol", receivers=("PY",))
    assert mine.receivers == ("PY",) and mine.senders == module.DEFAULT_SENDERS
    with pytest.raises(TypeError, match="tuple of population names"):
        wb.BrainModel(con, column=column, condition="propofol", senders="PY")
