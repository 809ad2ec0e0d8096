"""Fidelity of the full-size soplata2023 column (C++ standalone, about 5 minutes on 2 cores).

Three runs of the DynaSim scheme share one compilation. Statistics are compared with the
authors' DynaSim run in shared/reference/dynasim/propofol_main (skipped when absent) with
tolerance = 3 x our own seed-to-seed SD, measured over 6 seeds x 6 s by
scripts/fidelity_soplata2023.py and stored in data/soplata2023_seed_spread.json. The column
switches between two regimes whose rates differ by up to 2x, so a comparison is like with like
only within a regime: the reference's 0.5-6 s are slow-wave-interrupted (its windows 1-4
classify as such), and so is our seed 3 (asserted). Known failure modes (interneuron rate
doubled, weaker depression) move the statistics by more than the tolerance. With DynaSim's
depression count one seed rarely holds both regimes within 10 s, so the regime test pools seed 3
(interrupted) with REGIMES_SEED (continuous); wake seed 1 serves the wake test.

The runs are scalar builds (``vectorize.scalar_loops``). Which regime a seed falls into
depends on its exact trajectory, and a SIMD build's trajectory depends on the machine's
vector width (AVX2 or AVX-512, and with it the vector ``exp`` that glibc supplies): on an
AVX-512 machine (session 25) the SIMD build's seed 13 held no continuous window and seed 3's
8-14 Hz peak fell to 8.25 Hz (DynaSim 12.8, tolerance 4.26), while the scalar build passed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import butter, detrend, sosfiltfilt
from scipy.stats import chi2_contingency, fisher_exact

import wholebrain as wb
from wholebrain.columns.soplata2023 import fidelity, regimes
from wholebrain.engine import vectorize

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")
SPREAD = Path(__file__).resolve().parents[1] / "data" / "soplata2023_seed_spread.json"
FIDELITY_SEED = 3  # interrupted regime during 0.5-6 s, like the reference
REGIMES_SEED = 13  # continuous: 5 of its 10 windows (scalar C++ builds)
COUNT_CELLS = 20  # res traces for the depression-count histogram (the reference has 5)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    build = tmp_path_factory.mktemp("soplata_build")
    with vectorize.scalar_loops():
        return _simulate_runs(build)


def _simulate_runs(build) -> dict:
    out = {}
    for key, cond, seed, duration, integration in (
        ("fidelity", "propofol", FIDELITY_SEED, 6.0, "dynasim"),
        ("propofol", "propofol", REGIMES_SEED, 10.0, "dynasim"),
        ("wake", "wake", 1, 10.0, "dynasim"),
        ("fidelity_fast", "propofol", FIDELITY_SEED, 6.0, "fast"),
    ):
        model = wb.BrainModel.single_column("soplata2023", cond, integration=integration)
        out[key] = wb.simulate(
            model,
            duration,
            seed=seed,
            backend="cpp",
            build_dir=build / integration,
            record_states={"PY": ["res_ampa_py_dr"]},
            record_cells=COUNT_CELLS,
        )
    return out


def test_statistics_agree_with_dynasim_within_our_seed_spread(runs):
    if fidelity.reference_dir("propofol_main") is None:
        pytest.skip("shared/reference/dynasim is not available")
    reference = fidelity.reference_statistics("propofol_main")
    spread = json.loads(SPREAD.read_text())["statistics"]
    ref_regimes = fidelity.reference_regimes("propofol_main")[1:5]
    our_regimes = regimes.classify_windows(runs["fidelity"])[1:5]
    assert ref_regimes.count("interrupted") >= 3 and our_regimes.count("interrupted") >= 3
    ours = fidelity.result_statistics(runs["fidelity"], 0.5, 6.0)
    failures = []
    for key, ref in reference.items():
        tol = 3 * spread[key]["sd"]
        if abs(ours[key] - ref) > tol:
            failures.append(f"{key}: ours {ours[key]:.3g}, DynaSim {ref:.3g}, tolerance {tol:.3g}")
    assert not failures, failures


def test_interneuron_rate_is_not_doubled(runs):
    """The best public Brian2 port fires IN about 2x too fast; DynaSim: 14.3 Hz."""
    rate = runs["fidelity"].rates(0.5, 6.0)["IN"][0]
    assert 14.3 / 1.5 < rate < 14.3 * 1.5


def test_propofol_shows_both_regimes_with_their_spectral_signature(runs):
    """Windows of two propofol seeds: 3 (interrupted, as the reference) and REGIMES_SEED."""
    labels, slow, alpha = [], [], []
    for key in ("fidelity", "propofol"):
        res = runs[key]
        lab = regimes.classify_windows(res)
        # continuous thalamic alpha vs slow waves: band variance of the proxy per 1-s window
        x, fs = detrend(res.eeg_proxy[0]), res.proxy_sfreq
        n, k = int(fs), len(lab)
        for out, (lo, hi) in ((slow, (0.5, 2.0)), (alpha, (8.0, 14.0))):
            y = sosfiltfilt(butter(2, [lo, hi], "bandpass", fs=fs, output="sos"), x)
            out.append(y[: k * n].reshape(k, n).var(axis=1))
        labels += lab
    labels = np.array(labels)
    slow, alpha = np.concatenate(slow), np.concatenate(alpha)
    assert (labels == "continuous").sum() >= 2, labels
    assert (labels == "interrupted").sum() >= 2, labels
    cont, intr = labels == "continuous", labels == "interrupted"
    # measured before: slow x45 in interrupted windows, alpha x2.6 in continuous ones
    assert np.median(slow[intr]) > 3 * np.median(slow[cont])
    assert np.median(alpha[cont]) > 1.5 * np.median(alpha[intr])


def test_wake_shows_neither_regime(runs):
    res = runs["wake"]
    labels = regimes.classify_windows(res)[1:]  # skip the first-second transient
    assert labels.count("continuous") == 0 and labels.count("interrupted") == 0, labels
    rates = res.rates(1.0, 10.0)
    assert rates["TC"][0] < 1.0  # silent thalamocortical cells
    assert rates["PY"][0] > runs["propofol"].rates(1.0, 10.0)["PY"][0]


@pytest.mark.parametrize("key", ["fidelity", "fidelity_fast"])
def test_depression_count_histogram_is_dynasims(runs, key):
    """N per spike, read from res traces as from the reference's (197 episodes, cells 1-5).

    The inclusive-tie rule of before (N = m + 1) never gives N = 1, which the reference has 5
    times (Fisher's test then gives p = 0.0003 against ~800 of ours); N = m + DynaSim's tie
    gives N = 1 on 2.0% of spikes (scripts/depression_count_dynasim.py), the reference 2.5%.
    Both schemes: the fast one applies the count at once with the crossing drawn within its
    step (depression.emulated_reset)."""
    if fidelity.reference_dir("propofol_main") is None:
        pytest.skip("shared/reference/dynasim is not available")
    ref = fidelity.reference_depression_counts()
    trace = runs[key].states["PY.res_ampa_py_dr"][0]
    ours = np.concatenate([fidelity.depression_counts(cell) for cell in trace])
    assert ours.size > 3 * ref.size
    edges = [1, 2, 4, 6, 8, 10, 11, 12]  # N = 1, 2-3, 4-5, 6-7, 8-9, 10, 11
    table = np.array([np.histogram(ref, edges)[0], np.histogram(ours, edges)[0]])
    assert chi2_contingency(table).pvalue > 0.01, table
    ends = [[np.sum(ref == 1), np.sum(ref > 1)], [np.sum(ours == 1), np.sum(ours > 1)]]
    assert fisher_exact(ends).pvalue > 0.01, ends
    assert ours.min() == 1 and ours.max() == 11
