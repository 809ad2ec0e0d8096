"""Fidelity of the full-size soplata2023 column (C++ standalone, about 3 minutes on 2 cores).

Two 10-s runs share one compilation: propofol (seed 7, a seed whose 10 s hold both regimes)
and wake. Statistics are compared with the authors' DynaSim run in
shared/reference/dynasim/propofol_main (skipped when absent) with tolerance = 3 x our own
seed-to-seed SD, measured over 8 seeds x 6 s by scripts/fidelity_soplata2023.py and stored in
data/soplata2023_seed_spread.json: a single seed of a faithful port lands within 3 SD of the
reference with high probability, while the known failure modes (interneuron rate doubled,
weaker depression) move the statistics by more.
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
PROPOFOL_SEED = 7


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    build = tmp_path_factory.mktemp("soplata_build")
    out = {}
    for cond, seed in (("propofol", PROPOFOL_SEED), ("wake", 1)):
        model = wb.BrainModel.single_column("soplata2023", cond)
        out[cond] = wb.simulate(
            model,
            10.0,
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
    ours = fidelity.result_statistics(runs["propofol"], 0.5, 6.0)
    failures = []
    for key, ref in reference.items():
        tol = 3 * spread[key]["sd"]
        if abs(ours[key] - ref) > tol:
            failures.append(f"{key}: ours {ours[key]:.3g}, DynaSim {ref:.3g}, tolerance {tol:.3g}")
    assert not failures, failures


def test_interneuron_rate_is_not_doubled(runs):
    """The best public Brian2 port fires IN about 2x too fast; DynaSim: 14.3 Hz."""
    rate = runs["propofol"].rates(0.5, 6.0)["IN"][0]
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
    assert np.median(slow[intr]) > 3 * np.median(slow[cont])
    assert np.median(alpha[cont]) > 2 * np.median(alpha[intr])


def test_wake_shows_neither_regime(runs):
    res = runs["wake"]
    labels = regimes.classify_windows(res)[1:]  # skip the first-second transient
    assert labels.count("continuous") == 0 and labels.count("interrupted") == 0, labels
    rates = res.rates(1.0, 10.0)
    assert rates["TC"][0] < 1.0  # silent thalamocortical cells
    assert rates["PY"][0] > runs["propofol"].rates(1.0, 10.0)["PY"][0]
