"""The Soplata thalamus along ``propofol_level``, and which region signal carries its rhythm.

Measured by ``scripts/thalamic_alpha_axis.py`` (3 seeds x 6 s, fast scheme): the TC cells
are silent up to level 0.85 and fire at level 1 (8.6 +- 5.7 Hz) with a 16-Hz rhythm; from
wake to level 1 the paper's AMPA proxy gains +52 dB of alpha, the physical dipole -0.2 dB.
Here two independent columns per level, 4 s each; tolerances leave room for the seed spread.
Scalar builds, so that the two columns' trajectories do not depend on the machine's vector
width (see ``test_soplata_fidelity.py``; on an AVX-512 machine one SIMD-built column's dipole
gained 6.6 dB of alpha).
"""

from __future__ import annotations

import numpy as np
import pytest

import wholebrain as wb
from wholebrain.engine import vectorize
from wholebrain.spectrum import band_power, spectrum_of
from wholebrain.studies.parameters import propofol_overrides

DURATION_S, BURN_S = 4.0, 1.0
ALPHA = {"alpha": (8.0, 14.0)}


def _run(level: float):
    model = wb.BrainModel.independent(
        2, "soplata2023", condition="wake", integration="fast",
        **propofol_overrides("soplata2023", level),
    )  # fmt: skip
    with vectorize.scalar_loops():
        return wb.simulate(model, duration=DURATION_S, seed=3, backend="cpp", threads=1)


def _alpha_db(trace: np.ndarray, sfreq: float) -> np.ndarray:
    x = trace[:, int(BURN_S * sfreq) :]
    spec = spectrum_of(x - x.mean(axis=1, keepdims=True), sfreq, ["a", "b"], window_s=1.0)
    return 10 * np.log10(band_power(spec, ALPHA)["alpha"])


@pytest.fixture(scope="module")
def runs():
    return {level: _run(level) for level in (0.0, 0.6, 1.0)}


def test_the_tc_cells_are_silent_mid_axis_and_fire_at_a_beta_edge_rhythm_at_its_end(runs):
    assert np.all(runs[0.6].rates(t_start=BURN_S)["TC"] < 0.5)
    end = runs[1.0]
    assert np.all(end.rates(t_start=BURN_S)["TC"] > 1.0)
    t = np.asarray(end.spikes["TC"]["t"])
    counts, _ = np.histogram(t[t > BURN_S], bins=np.arange(BURN_S, DURATION_S + 1e-9, 0.002))
    spec = spectrum_of(counts[None, :] - counts.mean(), 500.0, ["TC"], window_s=1.0)
    sel = (spec.freqs >= 4) & (spec.freqs <= 30)
    rhythm = spec.freqs[sel][np.argmax(spec.psd[0, sel])]
    assert 12.0 <= rhythm <= 20.0, rhythm


def test_the_proxy_gains_the_thalamic_alpha_and_the_physical_dipole_does_not(runs):
    wake, end = runs[0.0], runs[1.0]
    fs = wake.proxy_sfreq
    proxy_gain = _alpha_db(end.eeg_proxy, fs) - _alpha_db(wake.eeg_proxy, fs)
    dipole_gain = _alpha_db(np.asarray(end.dipole), fs) - _alpha_db(np.asarray(wake.dipole), fs)
    assert np.all(proxy_gain > 25.0), proxy_gain
    assert np.all(dipole_gain < 6.0), dipole_gain


def test_the_axis_interpolates_between_the_two_conditions_and_a_moved_end_too():
    model = wb.columns.get("soplata2023")
    wake, prop = (model.condition(c).as_dict() for c in ("wake", "propofol"))
    assert propofol_overrides("soplata2023", 0.0)["gabaa_tau_mult"] == wake["gabaa_tau_mult"]
    assert propofol_overrides("soplata2023", 1.0)["g_h"] == prop["g_h"]
    moved = propofol_overrides("soplata2023", 0.5, {"gabaa_tau_mult": 5.0})
    assert moved["gabaa_tau_mult"] == pytest.approx(0.5 * wake["gabaa_tau_mult"] + 2.5)
    # the other parameters are untouched by the moved end
    assert moved["g_h"] == propofol_overrides("soplata2023", 0.5)["g_h"]
    # a parameter equal in both conditions joins the axis once its end is moved
    assert "g_leak_tc" not in propofol_overrides("soplata2023", 0.5)
    end = propofol_overrides("soplata2023", 1.0, {"g_leak_tc": 2 * wake["g_leak_tc"]})
    assert end["g_leak_tc"] == pytest.approx(2 * wake["g_leak_tc"])


def test_a_moved_end_needs_a_numeric_column_parameter():
    with pytest.raises(ValueError, match="not a numeric parameter"):
        propofol_overrides("soplata2023", 0.5, {"gabaa_decay": 5.0})


def test_a_moved_wake_end_runs_to_the_propofol_value():
    model = wb.columns.get("soplata2023")
    prop = model.condition("propofol").as_dict()
    for level in (0.0, 0.25, 1.0):
        moved = propofol_overrides("soplata2023", level, wake_ends={"g_kna": 0.3})
        assert moved["g_kna"] == pytest.approx((1 - level) * 0.3 + level * prop["g_kna"])
        # the rest of the axis is as without the moved end
        assert moved["g_h"] == propofol_overrides("soplata2023", level)["g_h"]
    both = propofol_overrides("soplata2023", 0.5, {"g_kna": 2.0}, {"g_kna": 0.2})
    assert both["g_kna"] == pytest.approx(1.1)
    with pytest.raises(ValueError, match="no wake end to move"):
        propofol_overrides("soplata2023", 0.5, wake_ends={"g_knaa": 0.3})
