"""Fidelity of the full-size soplata2023 column (C++ standalone, about 4 minutes on 2 cores).

Three runs share one compilation. Statistics are compared with the authors' DynaSim run in
shared/reference/dynasim/propofol_main (skipped when absent) with tolerance = 3 x our own
seed-to-seed SD, measured over 8 seeds x 6 s by scripts/fidelity_soplata2023.py and stored in
data/soplata2023_seed_spread.json. The column switches between two regimes whose rates differ
by up to 2x, so a comparison is like with like only within a regime: the reference's 0.5-6 s
are slow-wave-interrupted (its windows 1-4 classify as such), and so is our seed 3 (asserted),
as are 7 of our 8 sweep seeds. Known failure modes (interneuron rate doubled, weaker
depression) move the statistics by more than the tolerance. Seed 1, whose 10 s hold both
regimes, serves the regime test; wake seed 1 the wake test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import butter, detrend, sosfiltfilt

import wholebrain as wb
from wholebrain.columns.soplata2023 import fidelity, regimes

pytestmark = pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")
SPREAD = Path(__file__).resolve().parents[1] / "data" / "soplata2023_seed_spread.json"
FIDELITY_SEED = 3  # interrupted regime during 0.5-6 s, like the reference
REGIMES_SEED = 1  # both regimes within 10 s


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    build = tmp_path_factory.mktemp("soplata_build")
    out = {}
    for key, cond, seed, duration in (
        ("fidelity", "propofol", FIDELITY_SEED, 6.0),
        ("propofol", "propofol", REGIMES_SEED, 10.0),
        ("wake", "wake", 1, 10.0),
    ):
        model = wb.BrainModel.single_column("soplata2023", cond)
        out[key] = wb.simulate(
            model,
            duration,
            seed=seed,
            backend="cpp",
            build_dir=build,
            record_states={"PY": ["res_ampa_py_dr"]},
            record_cells=5,
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
    res = runs["propofol"]
    labels = np.array(regimes.classify_windows(res))
    assert (labels == "continuous").sum() >= 2, labels
    assert (labels == "interrupted").sum() >= 2, labels
    # continuous thalamic alpha vs slow waves: band variance of the proxy per 1-s window
    x, fs = detrend(res.eeg_proxy[0]), res.proxy_sfreq
    n = int(fs)

    def band_var(lo, hi):
        y = sosfiltfilt(butter(2, [lo, hi], "bandpass", fs=fs, output="sos"), x)
        return y[: len(labels) * n].reshape(len(labels), n).var(axis=1)

    slow, alpha = band_var(0.5, 2.0), band_var(8.0, 14.0)
    cont, intr = labels == "continuous", labels == "interrupted"
    # seed 1 measured: slow x45 in interrupted windows, alpha x2.6 in continuous ones
    assert np.median(slow[intr]) > 3 * np.median(slow[cont])
    assert np.median(alpha[cont]) > 1.5 * np.median(alpha[intr])


def test_wake_shows_neither_regime(runs):
    res = runs["wake"]
    labels = regimes.classify_windows(res)[1:]  # skip the first-second transient
    assert labels.count("continuous") == 0 and labels.count("interrupted") == 0, labels
    rates = res.rates(1.0, 10.0)
    assert rates["TC"][0] < 1.0  # silent thalamocortical cells
    assert rates["PY"][0] > runs["propofol"].rates(1.0, 10.0)["PY"][0]
