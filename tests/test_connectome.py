"""Connectome: the tvb-data files, conventions, transforms, file round-trips and bad input."""

from __future__ import annotations

import bz2
import warnings
import zipfile
from dataclasses import FrozenInstanceError, replace

import numpy as np
import pytest

import wholebrain as wb
from wholebrain.connectome import Connectome, DelayFloorWarning
from wholebrain.connectome.io import infer_hemispheres, save_matrix


@pytest.fixture(scope="module")
def tvb76() -> Connectome:
    return wb.load_connectome("tvb76")


@pytest.fixture(scope="module")
def tvb192() -> Connectome:
    return wb.load_connectome("tvb192")


def small(n: int = 4, **kw) -> Connectome:
    rng = np.random.default_rng(0)
    weights = rng.uniform(0.0, 1.0, (n, n)) * (rng.uniform(size=(n, n)) > 0.3)
    fields = dict(
        labels=tuple(f"lR{i}" if i % 2 else f"rR{i}" for i in range(n)),
        weights=weights,
        tract_lengths_mm=rng.uniform(5.0, 80.0, (n, n)),
        centres_mm=rng.normal(0.0, 30.0, (n, 3)),
        frame="MNI",
        hemispheres=np.array(["R", "L"] * (n // 2)),
        cortical=np.array([True, False] * (n // 2)),
        areas_mm2=rng.uniform(100, 2000, n),
        orientations=rng.normal(size=(n, 3)),
        name="small",
    )
    fields.update(kw)
    return Connectome(**fields)


def assert_same(a: Connectome, b: Connectome) -> None:
    assert a.labels == b.labels
    for name in ("weights", "tract_lengths_mm", "centres_mm", "areas_mm2", "orientations"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(a.hemispheres, b.hemispheres)
    np.testing.assert_array_equal(a.cortical, b.cortical)
    assert (a.frame, a.name) == (b.frame, b.name)


# ------------------------------------------------------------------ the tvb-data files
@pytest.mark.parametrize(
    ("name", "n", "first", "last", "symmetric"),
    [
        ("tvb66", 66, "rBSTS", "lTT", False),
        ("tvb68", 68, "r_lateralorbitofrontal", "l_insula", True),
        ("tvb76", 76, "rA1", "lCC", False),
        ("tvb96", 96, "RM-TCpol_R", "BG-Acc_L", False),
        ("tvb192", 192, "lAD", "rCC", False),
    ],
)
def test_tvb_connectomes_have_known_shapes_labels_and_symmetry(name, n, first, last, symmetric):
    con = wb.load_connectome(name)
    assert con.weights.shape == con.tract_lengths_mm.shape == (n, n)
    assert con.centres_mm.shape == (n, 3)
    assert (con.labels[0], con.labels[-1]) == (first, last)
    assert np.array_equal(con.weights, con.weights.T) == symmetric
    assert np.allclose(con.tract_lengths_mm, con.tract_lengths_mm.T)
    assert (con.hemispheres == "L").sum() == (con.hemispheres == "R").sum() == n // 2


def test_default_connectome_is_tvb76(tvb76):
    assert wb.load_connectome().labels == tvb76.labels
    assert tvb76.frame == "tvb" and tvb76.areas_mm2 is not None


def test_tvb192_has_22_nonzero_offdiagonal_edges_with_zero_tract_length(tvb192):
    zero = (tvb192.weights > 0) & (tvb192.tract_lengths_mm == 0)
    assert zero.sum() - np.trace(zero) == 22
    assert np.trace(zero) == 66  # cortical self-connections


def test_tvb76_has_no_thalamus_but_tvb192_cortex_is_tvb76(tvb76, tvb192):
    nuclei = {lab for lab, c in zip(tvb192.labels, tvb192.cortical, strict=True) if not c}
    assert nuclei and not nuclei & set(tvb76.labels)
    assert not any(lab[1:] in ("MD", "VPL", "GL", "R", "PUL") for lab in tvb76.labels)
    ctx = [i for i in range(192) if tvb192.cortical[i]]
    np.testing.assert_array_equal(tvb192.weights[np.ix_(ctx, ctx)], tvb76.weights)


def test_weights_are_indexed_target_then_source(tvb192):
    # The thalamic reticular nucleus sends nothing to cortex but receives from it, and the
    # lateral geniculate projects to V1: both hold only if rows are targets.
    ctx = tvb192.cortical
    assert tvb192.weights[ctx, tvb192.index("lR")].sum() == 0
    assert tvb192.weights[tvb192.index("lR"), ctx].sum() > 0
    assert tvb192.weights[tvb192.index("lV1"), tvb192.index("lGL")] == 3


def test_tvb68_reads_bz2_members():
    con = wb.load_connectome("tvb68")
    assert np.all(np.isfinite(con.centres_mm)) and con.orientations.shape == (68, 3)


# ------------------------------------------------------------------ delays
def test_delays_at_3_m_s_are_tract_length_over_velocity(tvb76):
    np.testing.assert_allclose(tvb76.delays_ms(3.0), tvb76.tract_lengths_mm / 3.0)


def test_delays_accept_a_velocity_matrix_and_a_brian2_quantity(tvb76):
    import brian2

    v = np.full((76, 76), 6.0)
    np.testing.assert_allclose(tvb76.delays_ms(v), tvb76.tract_lengths_mm / 6.0)
    np.testing.assert_allclose(
        tvb76.delays_ms(3 * brian2.meter / brian2.second), tvb76.delays_ms(3.0)
    )


def test_zero_length_edges_are_floored_at_dt_with_one_warning_counting_them(tvb192):
    with pytest.warns(DelayFloorWarning, match=r"^88 of 3532 edges") as record:
        delays = tvb192.delays_ms(3.0, dt_ms=0.1)
    assert len(record) == 1
    zero = (tvb192.weights > 0) & (tvb192.tract_lengths_mm == 0)
    assert np.all(delays[zero] == 0.1)
    assert delays[tvb192.weights > 0].min() == pytest.approx(0.1)


def test_no_floor_warning_when_every_delay_exceeds_dt(tvb76):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        delays = tvb76.without_self_connections().delays_ms(3.0, dt_ms=0.01)
    assert delays.min() == 0.0  # unconnected diagonal is not floored


@pytest.mark.parametrize("velocity", [0.0, -3.0, np.nan, np.zeros((76, 76))])
def test_non_positive_velocity_is_rejected(tvb76, velocity):
    with pytest.raises(ValueError, match="velocity_m_s must be finite and > 0"):
        tvb76.delays_ms(velocity)


# ------------------------------------------------------------------ transforms
def test_normalisation_modes():
    con = small(6)
    assert con.normalized("max").weights.max() == pytest.approx(1.0)
    rows = con.normalized("row_sum").weights.sum(axis=1)
    assert np.allclose(rows[con.weights.sum(axis=1) > 0], 1.0)
    mean_input = con.normalized("in_degree").weights.sum(axis=1)
    n_inputs = (con.weights > 0).sum(axis=1)
    np.testing.assert_allclose(mean_input * n_inputs, con.weights.sum(axis=1))
    np.testing.assert_array_equal(con.normalized("none").weights, con.weights)
    with pytest.raises(ValueError, match="use 'max', 'row_sum'"):
        con.normalized("sum")


def test_connectome_is_immutable():
    con = small()
    with pytest.raises(ValueError, match="read-only"):
        con.weights[0, 0] = 5.0
    with pytest.raises(FrozenInstanceError):
        con.frame = "tvb"


def test_subset_and_reorder_select_by_label_not_position(tvb76):
    sub = tvb76.subset(["lV1", "rA1"])
    assert sub.labels == ("lV1", "rA1")
    assert sub.weights[0, 1] == tvb76.weights[tvb76.index("lV1"), tvb76.index("rA1")]
    order = list(reversed(tvb76.labels))
    back = tvb76.reorder(order).reorder(tvb76.labels)
    assert_same(back, tvb76)
    with pytest.raises(ValueError, match="missing"):
        tvb76.reorder(order[:-1])
    with pytest.raises(ValueError, match="unknown labels"):
        tvb76.subset(["lV1", "nowhere"])


def test_remove_regions_and_edges_lesion_the_named_parts(tvb76):
    lesioned = tvb76.remove_regions(["lV1", "rV1"])
    assert lesioned.n_regions == 74 and "lV1" not in lesioned.labels
    cut = tvb76.remove_edges([("lV2", "lV1")])
    i, j = tvb76.index("lV2"), tvb76.index("lV1")
    assert tvb76.weights[i, j] > 0 and cut.weights[i, j] == 0
    assert cut.weights[j, i] == tvb76.weights[j, i]
    both = tvb76.remove_edges([("lV2", "lV1")], symmetric=True)
    assert both.weights[j, i] == 0


def test_unknown_label_suggests_close_matches(tvb76):
    with pytest.raises(ValueError, match=r"did you mean \['lV1'"):
        tvb76.index("lV1x")


@pytest.mark.parametrize(
    ("label", "side"),
    [
        ("lA1", "L"),
        ("rPUL.L", "R"),
        ("r_insula", "R"),
        ("RM-V1_R", "R"),
        ("Left-Thalamus", "L"),
        ("ctx-rh-insula", "R"),
        ("Precentral_L", "L"),
        ("LGN", ""),
        ("Brain-Stem", ""),
    ],
)
def test_hemisphere_is_inferred_from_common_label_styles(label, side):
    assert infer_hemispheres([label])[0] == side


# ------------------------------------------------------------------ files
@pytest.mark.parametrize("suffix", [".npz", ".mat", ".zip", ""])
def test_save_load_round_trip_keeps_every_field(tmp_path, suffix):
    con = small(6)
    path = tmp_path / f"con{suffix}"
    con.save(path)
    assert_same(Connectome.load(path), con)


def test_tvb76_round_trips_through_a_tvb_zip(tmp_path, tvb76):
    tvb76.save(tmp_path / "tvb76.zip")
    assert_same(wb.load_connectome(tmp_path / "tvb76.zip"), tvb76)


def test_tvb_zip_with_bz2_members_in_a_subfolder_loads(tmp_path):
    con = small()
    con.save(tmp_path / "plain")
    with zipfile.ZipFile(tmp_path / "packed.zip", "w") as archive:
        for f in (tmp_path / "plain").iterdir():
            archive.writestr(f"sub/{f.name}.bz2", bz2.compress(f.read_bytes()))
    assert_same(wb.load_connectome(tmp_path / "packed.zip"), con)


@pytest.mark.parametrize("suffix", [".csv", ".npy"])
def test_matrix_files_with_labels_and_tract_lengths_round_trip(tmp_path, suffix):
    con = small(6)
    save_matrix(tmp_path / f"w{suffix}", con.weights, con.labels)
    save_matrix(tmp_path / f"t{suffix}", con.tract_lengths_mm, con.labels)
    (tmp_path / "labels.txt").write_text("\n".join(con.labels) + "\n")
    labels = None if suffix == ".csv" else tmp_path / "labels.txt"
    got = wb.load_connectome(
        tmp_path / f"w{suffix}",
        labels=labels,
        tract_lengths=tmp_path / f"t{suffix}",
        centres=con.centres_mm,
    )
    assert got.labels == con.labels
    np.testing.assert_array_equal(got.weights, con.weights)
    np.testing.assert_array_equal(got.tract_lengths_mm, con.tract_lengths_mm)
    np.testing.assert_array_equal(got.hemispheres, ["R", "L"] * 3)  # inferred from labels


def test_csv_with_label_column_only_and_reordered_tract_lengths(tmp_path):
    con = small(4)
    rows = [
        ",".join([lab, *map(repr, row.tolist())])
        for lab, row in zip(con.labels, con.weights, strict=True)
    ]
    (tmp_path / "w.csv").write_text("\n".join(rows))
    order = [3, 1, 0, 2]
    lab = [con.labels[i] for i in order]
    save_matrix(tmp_path / "t.csv", con.tract_lengths_mm[np.ix_(order, order)], lab)
    got = wb.load_connectome(tmp_path / "w.csv", tract_lengths=tmp_path / "t.csv")
    np.testing.assert_array_equal(got.tract_lengths_mm, con.tract_lengths_mm)


def test_mat_file_with_other_variable_names(tmp_path):
    import scipy.io

    con = small(4)
    scipy.io.savemat(
        tmp_path / "m.mat",
        {
            "SC": con.weights,
            "tract_lengths": con.tract_lengths_mm,
            "labels": np.array(con.labels, dtype=object),
        },
    )
    got = wb.load_connectome(tmp_path / "m.mat", weights_key="SC")
    assert got.labels == con.labels
    np.testing.assert_array_equal(got.weights, con.weights)


def test_euclidean_tract_lengths_come_from_centres(tmp_path):
    con = small(4)
    np.save(tmp_path / "w.npy", con.weights)
    got = wb.load_connectome(
        tmp_path / "w.npy",
        labels=con.labels,
        tract_lengths="euclidean",
        centres=con.centres_mm,
        frame="MNI",
    )
    c = con.centres_mm
    assert got.tract_lengths_mm[0, 1] == pytest.approx(np.linalg.norm(c[0] - c[1]))


# ------------------------------------------------------------------ bad input
def test_non_square_weights_are_rejected():
    with pytest.raises(ValueError, match="square"):
        small(weights=np.ones((4, 3)))


def test_mismatched_tract_length_shape_is_rejected():
    with pytest.raises(ValueError, match="same regions"):
        small(tract_lengths_mm=np.ones((3, 3)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_weights_are_rejected(bad):
    w = np.ones((4, 4))
    w[1, 2] = bad
    with pytest.raises(ValueError, match="NaN/inf"):
        small(weights=w)


def test_negative_weights_are_rejected():
    with pytest.raises(ValueError, match="negative entries; connectome weights"):
        small(weights=-np.eye(4))


def test_negative_tract_lengths_are_rejected():
    with pytest.raises(ValueError, match="tract_lengths_mm has 1 negative"):
        small(tract_lengths_mm=np.diag([-1.0, 0, 0, 0]))


def test_missing_tract_lengths_where_weights_are_nonzero_are_rejected(tmp_path):
    with pytest.raises(ValueError, match="missing .* tract length"):
        small(weights=np.ones((4, 4)), tract_lengths_mm=np.full((4, 4), np.nan))
    ok = small(weights=np.zeros((4, 4)), tract_lengths_mm=np.full((4, 4), np.nan))
    assert np.all(ok.tract_lengths_mm == 0)
    np.save(tmp_path / "w.npy", np.ones((2, 2)))
    with pytest.raises(ValueError, match="pass tract_lengths="):
        wb.load_connectome(tmp_path / "w.npy", labels=["a", "b"])


def test_duplicate_labels_are_rejected():
    with pytest.raises(ValueError, match=r"duplicate labels \['x'\]"):
        small(labels=("x", "x", "y", "z"))


def test_missing_labels_are_rejected(tmp_path):
    np.save(tmp_path / "w.npy", np.ones((2, 2)))
    with pytest.raises(ValueError, match="no region labels; pass labels="):
        wb.load_connectome(tmp_path / "w.npy", tract_lengths=np.ones((2, 2)))
    with pytest.raises(ValueError, match="empty label"):
        small(labels=("a", "", "b", "c"))


def test_label_count_must_match_the_matrix(tmp_path):
    with pytest.raises(ValueError, match="3 labels for a 4x4"):
        small(labels=("a", "b", "c"))
    np.save(tmp_path / "w.npy", np.ones((2, 2)))
    with pytest.raises(ValueError, match="3 labels for a 2-row"):
        wb.load_connectome(
            tmp_path / "w.npy", labels=["a", "b", "c"], tract_lengths=np.ones((2, 2))
        )


def test_labels_given_twice_must_agree(tmp_path):
    con = small()
    save_matrix(tmp_path / "w.csv", con.weights, con.labels)
    with pytest.raises(ValueError, match="drop labels="):
        wb.load_connectome(tmp_path / "w.csv", labels=list(reversed(con.labels)))


def test_unknown_atlas_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown atlas 'tvb77'; known atlases: \['tvb192'"):
        wb.load_connectome("tvb77")


def test_bad_hemisphere_codes_are_rejected():
    with pytest.raises(ValueError, match='"L", "R" or ""'):
        small(hemispheres=np.array(["left"] * 4))
    con = small(hemispheres=np.array([True, False, True, False]))
    assert con.hemispheres.tolist() == ["R", "L", "R", "L"]


def test_replace_revalidates():
    with pytest.raises(ValueError, match="negative"):
        replace(small(), weights=-np.ones((4, 4)))


def test_region_groups_split_the_anterior_posterior_extent_into_thirds(tvb76):
    groups = tvb76.region_groups()
    assert sorted(sum(groups.values(), ())) == sorted(tvb76.labels)
    assert {"rPFCPOL", "lPFCDL"} <= set(groups["frontal"])
    assert {"rV1", "lV2"} <= set(groups["posterior"])
    assert "rM1" in groups["central"]
    small = tvb76.subset(["rPFCDL", "rM1", "rV1"]).region_groups()
    assert small == {"frontal": ("rPFCDL",), "central": ("rM1",), "posterior": ("rV1",)}
    # a RAS frame has its anterior axis on y
    ras = Connectome(labels=("a", "b", "c"), weights=np.zeros((3, 3)),
                     tract_lengths_mm=np.zeros((3, 3)), frame="MNI", hemispheres=["", "", ""],
                     cortical=[True] * 3,
                     centres_mm=[[0, 60, 0], [90, 0, 0], [0, -90, 0]])  # fmt: skip
    assert ras.region_groups() == {"frontal": ("a",), "central": ("b",), "posterior": ("c",)}
    with pytest.raises(ValueError, match="anterior axis of the 'unknown' frame"):
        replace(ras, frame="unknown").region_groups()
