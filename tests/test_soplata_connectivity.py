"""Connectivity matrices and normalisation factors equal the published code's."""

from __future__ import annotations

import numpy as np
import pytest

from wholebrain.columns.soplata2023.connectivity import (
    PROJECTIONS,
    classify,
    nearest_neighbors,
    projection_matrix,
)
from wholebrain.columns.soplata2023.parameters import condition

# projection -> (inputs per target cell, NF) with the paper's sizes (model notes, table 4.3)
PAPER = {
    "ampa_py_dr": (20, 20),
    "nmda_py_dr": (20, 20),
    "ampa_py_in": (99, 100),
    "nmda_py_in": (99, 100),
    "gabaa_in_py": (None, 4),
    "gabaa_in_in": (19, 20),
    "ampa_tc_dr": (20, 4.2),
    "ampa_tc_in": (20, 20),
    "ampa_py_tc": (100, 100),
    "ampa_py_trn": (100, 100),
    "gabaa_trn_tc": (20, 20),
    "gabab_trn_tc": (20, 20),
    "gabaa_trn_trn": (20, 20),
    "ampa_tc_trn": (20, 20),
}
# the HTC cells (htc=True, the posterior alpha generator) are wired like the TC cells they
# sit beside: the same fan-in and normalisation as the TC projection they mirror, and
# all-to-all gap junctions among themselves
HTC = {
    "ampa_htc_dr": (20, 4.2),
    "ampa_htc_in": (20, 20),
    "ampa_htc_trn": (20, 20),
    "ampa_py_htc": (100, 100),
    "gabaa_trn_htc": (20, 20),
    "gap_htc": (20, 20),
}
PAPER_PROJECTIONS = [p for p in PROJECTIONS if p.name in PAPER]


def test_every_projection_is_the_papers_or_an_htc_one():
    assert {p.name for p in PROJECTIONS} == set(PAPER) | set(HTC)


@pytest.mark.parametrize("proj", PROJECTIONS, ids=lambda p: p.name)
def test_fan_in_and_normalisation_match_the_table(proj):
    htc = proj.name in HTC
    netcon, nf = projection_matrix(proj, condition(htc=htc).sizes, "dynasim")
    inputs, expected_nf = (HTC if htc else PAPER)[proj.name]
    assert nf == pytest.approx(expected_nf)
    fan_in = netcon.sum(axis=0)
    if inputs is not None:
        np.testing.assert_array_equal(fan_in, inputs)
    assert set(np.unique(netcon)) <= {0.0, 1.0}


def test_in_to_pyso_skips_same_index_pairs_only_for_the_first_20():
    netcon, _ = projection_matrix(PROJECTIONS[4], condition().sizes, "dynasim")
    assert netcon.shape == (20, 100)
    np.testing.assert_array_equal(netcon.sum(axis=0)[:20], 19)
    np.testing.assert_array_equal(netcon.sum(axis=0)[20:], 20)


def test_pyso_to_pydr_is_a_ring_of_ten_each_side_without_self():
    netcon = nearest_neighbors(100, 100, True)
    for i in (0, 5, 50, 95):
        targets = set(np.flatnonzero(netcon[i]))
        expected = {(i + d) % 100 for d in range(-10, 11) if d != 0}
        assert targets == expected


def test_trn_to_trn_keeps_autapses():
    netcon, nf = projection_matrix(PROJECTIONS[12], condition().sizes, "dynasim")
    assert np.all(np.diag(netcon) == 1) and nf == 20


def test_scale_02_factors():
    sizes = condition(scale=0.2).sizes
    assert sizes == {"PY": 20, "IN": 4, "TC": 4, "TRN": 4}
    nfs = {p.name: projection_matrix(p, sizes, "dynasim")[1] for p in PAPER_PROJECTIONS}
    # min((20 + 1 - rr)/(Npost/Npre), Npre)
    assert nfs["ampa_py_dr"] == 20 and nfs["ampa_py_in"] == 20 and nfs["gabaa_in_py"] == 4
    assert nfs["gabaa_in_in"] == 4 and nfs["ampa_tc_dr"] == 4 and nfs["ampa_py_tc"] == 20
    assert nfs["gabaa_trn_tc"] == 4
    ring, _ = projection_matrix(PROJECTIONS[0], sizes, "dynasim")
    assert classify(ring) == "full_minus_self"  # 20 cells: not "> 20", so all-to-all


def test_nearest_rule_has_the_fan_in_its_normalisation_assumes():
    sizes = condition().sizes
    netcon, nf = projection_matrix(PROJECTIONS[6], sizes, "nearest")  # TC -> PYdr
    assert netcon.sum(axis=1).tolist() == [21] * 20  # 2*radius + 1 targets per TC cell
    assert netcon.sum() / 100 == pytest.approx(nf)  # mean fan-in 4.2 = NF
    in_py, _ = projection_matrix(PROJECTIONS[4], sizes, "nearest")  # IN -> PYso
    assert in_py.min() == 0 and in_py.max() == 1  # no negative entries


def test_classify_recognises_the_three_shapes():
    assert classify(np.ones((4, 6))) == "full"
    assert classify(np.ones((4, 6)) - np.eye(4, 6)) == "full_minus_self"
    assert classify(nearest_neighbors(100, 100, True)) == "sparse"
