"""How a column's cells stand for a region's: the coherent/own split of the dipole
(``DipoleScale(population="coherent")``, :func:`wholebrain.dipole.population_signal`) on
synthetic cells whose coherent and own parts are known."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from scipy import signal

from wholebrain.dipole import DipoleScale, population_signal
from wholebrain.forward import make_forward

FS, N_MODEL = 500.0, 100


def _cells(seconds: float, coherent_gain: float, seed: int = 0, regions: int = 2):
    """Summed and even-cell sums of ``N_MODEL`` cells: a shared 8-12 Hz rhythm plus each
    cell's own white noise (unit variance)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * FS)
    b, a = signal.butter(4, [8, 12], btype="band", fs=FS)
    whole, half = np.zeros((regions, n)), np.zeros((regions, n))
    for r in range(regions):
        shared = coherent_gain * signal.lfilter(b, a, rng.standard_normal(n))
        own = rng.standard_normal((N_MODEL, n))
        whole[r] = N_MODEL * shared + own.sum(0)
        half[r] = (N_MODEL // 2) * shared + own[0::2].sum(0)
    return whole, half


def _band_gain_db(x, y, lo, hi):
    f, sx = signal.welch(x, FS, nperseg=int(FS))
    sy = signal.welch(y, FS, nperseg=int(FS))[1]
    m = (f >= lo) & (f < hi)
    return 10 * np.log10(sy[..., m].mean(-1) / sx[..., m].mean(-1))


def _gain_db(x, y):
    f, sx = signal.welch(x, FS, nperseg=int(FS))
    return f, 10 * np.log10(signal.welch(y, FS, nperseg=int(FS))[1] / sx)


def test_the_own_part_is_scaled_down_to_the_regions_cell_count_and_the_rhythm_kept():
    """A region of N cells keeps the coherent rhythm (0 dB where it dominates, 9-11 Hz)
    and n/N of the column's own part where the cells are uncorrelated: the median gain over
    20-200 Hz is n/N within 1 dB. Runs of a few adjacent bins pass the estimate's threshold
    by chance, so band means are allowed 4 dB above n/N."""
    whole, half = _cells(30.0, 3.0)
    region_cells = np.array([1e4, 1e3])
    y = population_signal(whole, half, FS, N_MODEL, region_cells, undetected="zero")
    assert y.shape == whole.shape
    np.testing.assert_allclose(_band_gain_db(whole, y, 9, 11), 0.0, atol=0.5)
    expect = 10 * np.log10(N_MODEL / region_cells)  # -20 and -10 dB
    f, g = _gain_db(whole, y)
    np.testing.assert_allclose(np.median(g[:, (f >= 20) & (f < 200)], axis=1), expect, atol=1.0)
    for lo, hi in ((30, 60), (100, 200)):
        assert (_band_gain_db(whole, y, lo, hi) < expect + 4.0).all()
    # zero phase: the kept rhythm is the column's rhythm, not a delayed copy
    b, a = signal.butter(4, [9, 11], btype="band", fs=FS)
    xa, ya = signal.filtfilt(b, a, whole[0]), signal.filtfilt(b, a, y[0])
    assert np.corrcoef(xa, ya)[0, 1] > 0.99


@pytest.mark.parametrize(("seconds", "seed"), [(30.0, 1), (6.0, 2)])
def test_uncorrelated_cells_leave_a_region_of_their_own_noise(seconds, seed):
    """With ``undetected="zero"`` and no shared rhythm the median gain over 1-100 Hz is n/N
    (-20 dB) within 1 dB, and the 1-100 Hz power falls by at least 14 of those 20 dB, in a
    30-s run and in a 6-s one (the scans')."""
    whole, half = _cells(seconds, 0.0, seed=seed)
    y = population_signal(whole, half, FS, N_MODEL, 1e4, undetected="zero")
    f, g = _gain_db(whole, y)
    m = (f >= 1) & (f < 100)
    np.testing.assert_allclose(np.median(g[:, m], axis=1), -20.0, atol=1.0)
    assert (_band_gain_db(whole, y, 1, 100) < -14.0).all()


@pytest.mark.parametrize(("seconds", "seed"), [(30.0, 1), (6.0, 2)])
def test_undetected_bands_get_the_geometric_mean_of_the_bounds(seconds, seed):
    """Uncorrelated cells with the default ``"midpoint"``: the gain sits between the two
    bounds, n/N (no coherent part) and n/N + 2 sigma (the largest share the noise hides),
    near their geometric mean: at 1-100 Hz its median is at least 3 dB above the
    ``"zero"`` rule's, within 3 dB of that mean, and no bin reaches 0.5 dB."""
    whole, half = _cells(seconds, 0.0, seed=seed)
    zero = population_signal(whole, half, FS, N_MODEL, 1e4, undetected="zero")
    mid = population_signal(whole, half, FS, N_MODEL, 1e4)
    f, g_zero = _gain_db(whole, zero)
    g_mid = _gain_db(whole, mid)[1]
    m = (f >= 1) & (f < 100)
    assert (np.median(g_mid[:, m], axis=1) > np.median(g_zero[:, m], axis=1) + 3.0).all()
    # a 1-s window over 2-Hz smoothing: sigma ~ sqrt(2 / K) with K ~ 2 x duration windows
    # x 2 bins; the midpoint is sqrt(n/N x 2 sigma) within the scatter of the estimate
    sigma = np.sqrt(2 / (2 * seconds * 2))
    expect = 10 * np.log10(np.sqrt(0.01 * (0.01 + 2 * sigma)))
    np.testing.assert_allclose(np.median(g_mid[:, m], axis=1), expect, atol=3.0)
    assert (g_mid[:, m] < 0.5).all()


def test_a_shared_rhythm_is_kept_whichever_the_rule_for_undetected_bands():
    whole, half = _cells(30.0, 3.0, seed=5)
    for rule in ("midpoint", "zero"):
        y = population_signal(whole, half, FS, N_MODEL, 1e4, undetected=rule)
        np.testing.assert_allclose(_band_gain_db(whole, y, 9, 11), 0.0, atol=0.5)


def test_identical_cells_pass_unchanged():
    whole, _ = _cells(20.0, 3.0, seed=3)
    y = population_signal(whole, whole / 2, FS, N_MODEL, 1e6)
    np.testing.assert_allclose(_band_gain_db(whole, y, 1, 200), 0.0, atol=0.2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"half": np.zeros((2, 10))}, "one shape"),
        ({"model_cells": 1}, "at least 2"),
        ({"region_cells": -1.0}, "positive"),
        ({"whole": np.zeros((2, 600)), "half": np.zeros((2, 600))}, "two 1-s windows"),
        ({"undetected": "half"}, "undetected must be one of"),
    ],
)
def test_population_signal_bad_input(kwargs, match):
    args = {"whole": np.ones((2, 5000)), "half": np.ones((2, 5000)), "sfreq": FS,
            "model_cells": N_MODEL, "region_cells": 1e4, **kwargs}  # fmt: skip
    with pytest.raises(ValueError, match=match) as err:
        population_signal(**args)
    assert "\n" not in str(err.value)


def _two_regions(whole, half, labels=("r0", "r1")):
    """A sphere-head forward of two regions, and a result holding ``whole`` and ``half``
    for the regions ``labels`` in that order."""
    con = SimpleNamespace(labels=("r0", "r1"), centres_mm=np.array([[0, 0, 45.0], [0, 0, -45]]),
                          frame="MNI", orientations=None)  # fmt: skip
    res = SimpleNamespace(eeg_proxy=whole, signals={"dipole": whole, "dipole_half": half},
                          proxy_sfreq=FS, region_labels=labels)  # fmt: skip
    return make_forward(con, head="sphere"), res


def test_to_raw_with_the_coherent_population_filters_each_region_before_the_lead_field():
    whole, half = _cells(20.0, 3.0, seed=4)
    fwd, res = _two_regions(whole, half, labels=("r1", "r0"))
    scale = DipoleScale(population="coherent")
    got = fwd.to_raw(res, scale=scale).get_data()
    cells = scale.region_cells(None, 2)
    own = population_signal(whole[::-1], half[::-1], FS, N_MODEL, cells)  # forward's order
    nam = scale.region_nAm_per_unit("dipole", None, 2)
    expect = (fwd.gain * nam * 1e-9) @ own
    np.testing.assert_allclose(got, expect - expect.mean(0), rtol=1e-9, atol=1e-18)
    assert np.abs(got).max() < np.abs(fwd.to_raw(res).get_data()).max()
    res.signals = {"dipole": whole}
    with pytest.raises(ValueError, match="dipole_half"):
        fwd.to_raw(res, scale=scale)
    with pytest.raises(ValueError, match="dipole_half"):
        fwd.to_raw(res, scale=scale, source="proxy")
    with pytest.raises(ValueError, match="population"):
        DipoleScale(population="sqrt")
    with pytest.raises(ValueError, match="undetected"):
        DipoleScale(population="coherent", undetected="max")


def test_to_raw_passes_the_rule_for_undetected_bands():
    """The default scale projects the ``"midpoint"`` signal (test above); ``"zero"`` gives
    the explicit computation with that rule, and a different EEG."""
    whole, half = _cells(20.0, 0.0, seed=6)
    fwd, res = _two_regions(whole, half)
    scale = DipoleScale(population="coherent", undetected="zero")
    got = fwd.to_raw(res, scale=scale).get_data()
    cells = scale.region_cells(None, 2)
    own = population_signal(whole, half, FS, N_MODEL, cells, undetected="zero")
    expect = (fwd.gain * scale.region_nAm_per_unit("dipole", None, 2) * 1e-9) @ own
    np.testing.assert_allclose(got, expect - expect.mean(0), rtol=1e-9, atol=1e-18)
    default = fwd.to_raw(res, scale=DipoleScale(population="coherent")).get_data()
    assert not np.allclose(default, got, rtol=0.1)
