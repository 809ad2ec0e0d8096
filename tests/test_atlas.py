"""Atlas descriptions, the tvb frames, NIfTI label images and connectome plots."""

from __future__ import annotations

import importlib.resources
import io
import zipfile

import nibabel as nib
import numpy as np
import pytest

import wholebrain as wb
from wholebrain.connectome import atlas, plots
from wholebrain.connectome.io import save_matrix

# ------------------------------------------------------------------ shipped atlases


def test_five_atlases_are_listed_and_tvb76_is_the_only_default():
    names = wb.list_atlases()
    assert names == ["tvb192", "tvb66", "tvb68", "tvb76", "tvb96"]
    assert [n for n in names if atlas.atlas_info(n).default] == ["tvb76"] == [atlas.DEFAULT_ATLAS]


@pytest.mark.parametrize("name", ["tvb66", "tvb68", "tvb76", "tvb96", "tvb192"])
def test_atlas_description_matches_its_connectome(name):
    info = atlas.atlas_info(name)
    con = wb.load_connectome(name)
    assert info.n_regions == con.n_regions
    assert info.frame == con.frame and info.frame_axes and info.quirks


def test_unknown_atlas_info_lists_the_known_ones():
    with pytest.raises(ValueError, match="known atlases"):
        atlas.atlas_info("aal")


def test_tvb192_thalamic_nuclei_and_their_strongest_targets_match_the_weights():
    info = atlas.atlas_info("tvb192")
    con = wb.load_connectome("tvb192")
    subcortical = {lab for lab, c in zip(con.labels, con.cortical, strict=True) if not c}
    assert set(info.thalamic_nuclei) | set(info.other_subcortical) == subcortical
    assert len(info.thalamic_nuclei) == 110
    computed = atlas.strongest_cortical_targets(con, list(info.thalamic_nuclei))
    assert {k: tuple(v) for k, v in computed.items()} == dict(info.thalamic_nuclei)
    assert info.thalamic_nuclei["lGL"] == ("lV1",)
    assert info.thalamic_nuclei["lR"] == ()  # the reticular nucleus sends nothing to cortex


def test_tvb76_describes_no_thalamic_nuclei():
    assert atlas.atlas_info("tvb76").thalamic_nuclei == {}


def test_tvb76_centres_are_in_the_frame_of_the_tvb_cortex_surface():
    data = importlib.resources.files("tvb_data")
    with zipfile.ZipFile(data / "surfaceData" / "cortex_16384.zip") as archive:
        vertices = np.loadtxt(io.BytesIO(archive.read("vertices.txt")))
    mapping = np.loadtxt(data / "regionMapping" / "regionMapping_16k_76.txt", dtype=int)
    con = wb.load_connectome("tvb76")
    means = np.array([vertices[mapping == r].mean(axis=0) for r in range(76)])
    np.testing.assert_allclose(means, con.centres_mm, atol=1e-4)
    # frame "tvb": x anterior, y left
    assert con.centres_mm[con.index("rPFCPOL"), 0] > 60 > -60 > con.centres_mm[con.index("rV1"), 0]
    assert con.centres_mm[con.index("lA1"), 1] > 0 > con.centres_mm[con.index("rA1"), 1]


def test_tvb192_cortical_centres_are_hemisphere_swapped_unless_fixed():
    tvb76 = wb.load_connectome("tvb76")
    raw = wb.load_connectome("tvb192")
    fixed = wb.load_connectome("tvb192", fix_quirks=True)
    lab = "lA1"
    np.testing.assert_array_equal(
        raw.centres_mm[raw.index(lab)], tvb76.centres_mm[tvb76.index("rA1")]
    )
    np.testing.assert_array_equal(
        fixed.centres_mm[fixed.index(lab)], tvb76.centres_mm[tvb76.index(lab)]
    )
    np.testing.assert_array_equal(fixed.weights, raw.weights)


# ------------------------------------------------------------------ NIfTI label images
@pytest.fixture
def cubes(tmp_path):
    """Three labelled cubes in a 2 mm MNI image with a shifted origin."""
    data = np.zeros((20, 20, 20), dtype=np.int16)
    data[2:6, 2:6, 2:6] = 1  # voxel centroid (3.5, 3.5, 3.5)
    data[12:16, 4:8, 10:12] = 2  # (13.5, 5.5, 10.5)
    data[8:10, 14:18, 2:4] = 7  # (8.5, 15.5, 2.5)
    affine = np.diag([2.0, 2.0, 2.0, 1.0])
    affine[:3, 3] = [-20.0, -30.0, -10.0]
    img = nib.Nifti1Image(data, affine)
    img.header.set_sform(affine, code=4)
    path = tmp_path / "cubes.nii.gz"
    img.to_filename(path)
    lut = tmp_path / "LUT.txt"
    lut.write_text("#No. Label R G B A\n1 Left-A 0 0 0 0\n2 Right-B 0 0 0 0\n7 C 0 0 0 0\n")
    return path, lut


def test_label_image_gives_labels_and_world_centroids(cubes):
    path, lut = cubes
    regions = atlas.load_label_image(path, lut)
    assert regions.labels == ("Left-A", "Right-B", "C")
    assert regions.frame == "MNI"
    expected = np.array([[3.5, 3.5, 3.5], [13.5, 5.5, 10.5], [8.5, 15.5, 2.5]]) * 2 + [
        -20,
        -30,
        -10,
    ]
    np.testing.assert_allclose(regions.centres_mm, expected)
    assert regions.hemispheres.tolist() == ["L", "R", "L"]  # C by the sign of x (-3 mm)


def test_lookup_tables_from_csv_and_mapping_agree(cubes, tmp_path):
    path, _ = cubes
    (tmp_path / "lut.csv").write_text("index,name\n1,a\n2,b\n7,c\n")
    from_csv = atlas.load_label_image(path, tmp_path / "lut.csv")
    from_dict = atlas.load_label_image(path, {1: "a", 2: "b", 7: "c"})
    assert from_csv.labels == from_dict.labels == ("a", "b", "c")


def test_lookup_table_naming_absent_labels_is_rejected(cubes):
    path, _ = cubes
    with pytest.raises(ValueError, match=r"absent from the image: \[\(9, 'D'\)\]"):
        atlas.load_label_image(path, {1: "a", 2: "b", 7: "c", 9: "D"})
    loose = atlas.load_label_image(path, {1: "a", 2: "b", 9: "D"}, strict=False)
    assert loose.labels == ("a", "b", "label_7")


def test_non_integer_image_is_rejected(tmp_path):
    img = nib.Nifti1Image(np.random.default_rng(0).uniform(size=(4, 4, 4)), np.eye(4))
    with pytest.raises(ValueError, match="not an integer label image"):
        atlas.load_label_image(img)
    with pytest.raises(ValueError, match="3D label image"):
        atlas.load_label_image(nib.Nifti1Image(np.ones((4, 4, 4, 3), np.int16), np.eye(4)))


def test_user_matrix_pairs_with_atlas_centroids_by_label(cubes, tmp_path):
    path, lut = cubes
    regions = atlas.load_label_image(path, lut)
    order = ["C", "Left-A", "Right-B"]  # not the image order
    weights = np.array([[0, 1, 2], [1, 0, 3], [2, 3, 0]], dtype=float)
    save_matrix(tmp_path / "w.csv", weights, order)
    con = wb.load_connectome(tmp_path / "w.csv", atlas=regions, tract_lengths="euclidean")
    assert con.labels == tuple(order) and con.frame == "MNI"
    np.testing.assert_allclose(con.centres_mm[0], regions.centres_mm[2])
    assert con.hemispheres.tolist() == ["L", "L", "R"]
    save_matrix(tmp_path / "bad.csv", weights, ["C", "Left-A", "X"])
    with pytest.raises(ValueError, match=r"missing \['X'\], extra \['Right-B'\]"):
        wb.load_connectome(tmp_path / "bad.csv", atlas=regions, tract_lengths="euclidean")


# ------------------------------------------------------------------ plots
def test_plots_write_png_files(tmp_path):
    con = wb.load_connectome("tvb76")
    plots.plot_glass_brain(con, tmp_path / "glass.png")
    plots.plot_matrices(con, 3.0, tmp_path / "matrices.png")
    with pytest.warns(UserWarning, match="66 of 1560 edges"):
        plots.plot_delay_histogram(con, 3.0, dt_ms=0.1, path=tmp_path / "hist.png")
    for name in ("glass", "matrices", "hist"):
        assert (tmp_path / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_glass_brain_needs_centres(tmp_path):
    np.save(tmp_path / "w.npy", np.ones((2, 2)))
    con = wb.load_connectome(tmp_path / "w.npy", labels=["a", "b"], tract_lengths=np.ones((2, 2)))
    assert con.frame == "none"
    with pytest.raises(ValueError, match="no centres"):
        plots.display_coords(con)


def test_every_subpackage_and_the_atlases_are_listed_for_installation():
    # pyproject lists packages explicitly so that atlases/ installs as wholebrain/_atlases;
    # a subpackage missing from that list would be absent from a non-editable install.
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {
        ".".join(p.parent.relative_to(root).parts)
        for p in (root / "wholebrain").rglob("__init__.py")
    }
    assert set(config["packages"]) == found | {"wholebrain._atlases"}
    assert config["package-dir"]["wholebrain._atlases"] == "atlases"
