"""Forward model: tvb-data BEM lead field vs TVB's, physics checks, caching, bad input."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from types import SimpleNamespace

import mne
import numpy as np
import pytest

import wholebrain as wb
from wholebrain import headmodel as hm
from wholebrain.cache import cache_dir
from wholebrain.forward import DipoleScale, calibrated_scale, make_forward
from wholebrain.objective import FeatureSpec, power_offset_db, summary_features


@pytest.fixture(scope="session")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("wb-cache")


@pytest.fixture(scope="session")
def con():
    return wb.load_connectome("tvb76")


@pytest.fixture(scope="session")
def fwd(con, cache):
    return make_forward(con, cache=cache)


def _centroid_con(centres, frame="MNI"):
    centres = np.asarray(centres, float)
    labels = tuple(f"r{i}" for i in range(len(centres)))
    return SimpleNamespace(labels=labels, centres_mm=centres, frame=frame, orientations=None)


@pytest.fixture(scope="session")
def sphere_fwd():
    return make_forward(_centroid_con([[0, 0, 45], [0, 0, -45]]), head="sphere")


def _tvb_projection():
    p = np.load(hm.tvb_data_dir() / "projectionMatrix" / "projection_eeg_65_surface_16k.npy")
    ok = ~np.isnan(p).any(axis=1)
    return p, ok


def test_default_forward_has_65_sensors_by_76_regions_in_connectome_order(fwd, con):
    assert fwd.gain.shape == (65, 76)
    assert fwd.region_labels == con.labels
    assert np.isfinite(fwd.gain).all()
    assert fwd.info.get_montage() is not None and "Cz" in fwd.ch_names
    # V per A*m: 10 nAm under the scalp gives microvolts, not volts or picovolts
    assert 1 < np.abs(fwd.gain).max() < 1e4


def test_vertex_and_region_leadfields_correlate_with_tvb_projection(fwd):
    p, ok = _tvb_projection()
    ours = fwd.vertex_gain[ok] - fwd.vertex_gain[ok].mean(0)
    theirs = p[ok] - p[ok].mean(0)
    assert np.corrcoef(ours.ravel(), theirs.ravel())[0, 1] > 0.88
    per_sensor = [np.corrcoef(a, b)[0, 1] for a, b in zip(ours, theirs, strict=True)]
    assert np.min(per_sensor) > 0.75
    onehot = np.eye(76)[fwd.vertex_region]
    r_region = np.corrcoef((ours @ onehot).ravel(), (theirs @ onehot).ravel())[0, 1]
    assert r_region > 0.92


def test_combine_sum_is_mean_times_region_vertex_count(fwd, con, cache):
    summed = make_forward(con, combine="sum", cache=cache)
    mean = make_forward(con, combine="mean", cache=cache)
    counts = np.bincount(fwd.vertex_region, minlength=76)
    np.testing.assert_allclose(summed.gain, mean.gain * counts, rtol=1e-10)
    assert mean.area_mm2 is None and summed.area_mm2 is None


def test_default_combine_weights_vertices_by_area_and_regions_by_their_area(fwd):
    """combine='area': the region's moment spreads over its vertices in proportion to their
    area (area-weighted mean of vertex gains), and the region stands for its whole area."""
    assert fwd.combine == "area"
    area = hm.vertex_areas(*hm.read_tvb_surface("cortex_16384"))
    for r in (0, 17, 40):
        v = fwd.vertex_region == r
        assert fwd.area_mm2[r] == pytest.approx(area[v].sum(), rel=1e-12)
        expect = fwd.vertex_gain[:, v] @ area[v]
        np.testing.assert_allclose(fwd.source_gain[:, r], expect, rtol=1e-10)
        np.testing.assert_allclose(fwd.gain[:, r], expect / area[v].sum(), rtol=1e-10)
    # a triangle mesh's vertex areas add up to its surface area
    rr, tris = hm.read_tvb_surface("cortex_16384")
    face = np.linalg.norm(
        np.cross(rr[tris[:, 1]] - rr[tris[:, 0]], rr[tris[:, 2]] - rr[tris[:, 0]]), axis=1
    )
    assert area.sum() == pytest.approx(face.sum() / 2, rel=1e-12)


def test_area_lead_field_agrees_with_tvb_region_sums(fwd):
    """Acceptance: the default lead field (area included) against tvb-data's projection
    summed per region, average referenced, r >= 0.95 over all sensors and regions."""
    p, ok = _tvb_projection()
    theirs = (p[ok] - p[ok].mean(0)) @ np.eye(76)[fwd.vertex_region]
    ours = fwd.source_gain[ok] - fwd.source_gain[ok].mean(0)
    assert np.corrcoef(ours.ravel(), theirs.ravel())[0, 1] >= 0.95


def test_region_area_scales_its_sensor_eeg(fwd):
    """A region twice the area stands for twice the cells: twice its EEG."""
    data = np.zeros((76, 50))
    data[5] = 1.0
    raw1 = fwd.to_raw(data, 100.0).get_data()
    twice = fwd.area_mm2.copy()
    twice[5] *= 2
    raw2 = dataclasses.replace(fwd, area_mm2=twice).to_raw(data, 100.0).get_data()
    np.testing.assert_allclose(raw2, 2 * raw1, rtol=1e-12)
    scale = DipoleScale()
    expect = scale.sign * scale.cell_nAm_per_unit * scale.cells_per_mm2 * fwd.area_mm2[5] / 100
    np.testing.assert_allclose(
        scale.region_nAm_per_unit("proxy", fwd.area_mm2, 76)[5], expect, rtol=1e-12
    )


def test_centroid_dipoles_scale_with_connectome_areas_when_it_has_them():
    con = _centroid_con([[0, 0, 45], [0, 0, -45]])
    con.areas_mm2 = np.array([1000.0, 3000.0])
    with_area = make_forward(con, head="sphere")
    assert with_area.combine == "area"
    np.testing.assert_array_equal(with_area.area_mm2, [1000.0, 3000.0])
    data = np.ones((2, 10))
    equal = make_forward(con, head="sphere", combine="mean")
    assert equal.combine == "centroid" and equal.area_mm2 is None
    np.testing.assert_allclose(with_area.gain, equal.gain)
    a = with_area.to_raw(data, 100.0).get_data()
    expect = with_area.gain @ DipoleScale().region_nAm_per_unit("proxy", [1000.0, 3000.0], 2)
    np.testing.assert_allclose(a[:, 0], (expect - expect.mean()) * 1e-9, rtol=1e-10)
    con.areas_mm2 = None
    with pytest.raises(ValueError, match="areas_mm2"):
        make_forward(con, head="sphere", combine="area")
    assert make_forward(con, head="sphere").combine == "centroid"


def test_dipole_source_is_signed_along_the_normal_and_proxy_against_it(sphere_fwd):
    """The axial current into the dendrite from the soma flows up the apical dendrite: a
    moment along the outward normal (scalp above positive); a positive proxy is inward
    synaptic current at the dendrite: a moment into the cortex (scalp above negative)."""
    ones = np.ones((2, 20))
    res = SimpleNamespace(
        eeg_proxy=ones, signals={"dipole": ones}, proxy_sfreq=100.0,
        region_labels=sphere_fwd.region_labels,
    )  # fmt: skip
    top = int(np.argmax(sphere_fwd.gain[:, 0] - sphere_fwd.gain[:, 1]))
    dip = sphere_fwd.to_raw(res).get_data()
    prox = sphere_fwd.to_raw(res, source="proxy").get_data()
    assert dip[top, 0] > 0 > prox[top, 0]
    np.testing.assert_allclose(dip, -prox, rtol=1e-12)
    assert "source=dipole" in sphere_fwd.to_raw(res).info["description"]
    res.signals = {}
    assert "source=proxy" in sphere_fwd.to_raw(res).info["description"]
    with pytest.raises(ValueError, match="no dipole signal"):
        sphere_fwd.to_raw(res, source="dipole")
    with pytest.raises(ValueError, match="source must be"):
        sphere_fwd.to_raw(res, source="lfp")


def test_a_subset_of_the_atlas_keeps_its_regions_lead_fields(fwd, con, cache):
    """A small brain of tvb76 regions (any order) gets the same columns of the lead field as
    the full atlas; the vertices of the other regions contribute nothing."""
    labels = ["rV1", "rA1", "lPFCDL"]
    sub = make_forward(con.subset(labels), cache=cache)
    assert sub.region_labels == tuple(labels)
    np.testing.assert_allclose(sub.gain, fwd.gain[:, [con.index(x) for x in labels]], rtol=1e-12)
    assert set(np.unique(sub.vertex_region)) == {-1, 0, 1, 2}
    with pytest.raises(ValueError, match="needs regions of the tvb76 or tvb192 atlas"):
        make_forward(SimpleNamespace(labels=("rV1", "nowhere"), centres_mm=np.zeros((2, 3)),
                                     frame="tvb"), cache=cache)  # fmt: skip


def test_second_build_reads_cache_without_geometry_work_and_identically(fwd, con, cache,
                                                                        monkeypatch):  # fmt: skip
    """A cache hit does no head geometry, BEM or MNE forward work (each would raise here)."""
    from wholebrain import leadfield

    def forbidden(*args, **kwargs):
        raise AssertionError("a cached lead field was computed again")

    monkeypatch.setattr(leadfield.hm, "default_head_surfaces", forbidden)
    monkeypatch.setattr(leadfield.hm, "make_default_bem", forbidden)
    monkeypatch.setattr(mne, "make_forward_solution", forbidden)
    again = make_forward(con, cache=cache)
    np.testing.assert_array_equal(again.gain, fwd.gain)
    assert not list(cache.glob(".tmp-*"))


def test_cache_dir_follows_argument_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("WHOLEBRAIN_CACHE", str(tmp_path / "env"))
    assert cache_dir() == tmp_path / "env"
    assert cache_dir(tmp_path / "arg") == tmp_path / "arg"


def test_atomic_write_leaves_nothing_when_writer_fails(tmp_path):
    def broken(tmp):
        tmp.write_bytes(b"half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        hm.atomic_write(tmp_path / "x.npz", broken)
    assert list(tmp_path.iterdir()) == []


def test_head_shells_nest_and_sensors_registration_fits_tvb_scalp():
    shells = hm.default_head_surfaces(3)
    centre = shells["inner_skull"][0].mean(0)
    dirs, _ = hm.icosphere(2)
    radii = [
        hm.ray_radii(*shells[n], centre, dirs) for n in ("inner_skull", "outer_skull", "outer_skin")
    ]
    assert (radii[0] < radii[1]).all() and (radii[1] < radii[2]).all()
    names, pos = hm.read_tvb_sensors()
    _, dist = hm.project_to_surface(pos, *hm.read_tvb_surface("scalp_1082"))
    assert np.median(dist) < 6.0
    assert names[12] == "T8"


def test_sensors_far_off_scalp_raise(caplog):
    names, pos = hm.read_tvb_sensors()
    skin = hm.default_head_surfaces(3)["outer_skin"]
    with pytest.raises(ValueError, match="far off the scalp"):
        hm.place_sensors_on_scalp(names, pos * 2.0, skin)


def test_radial_dipole_under_electrode_peaks_at_that_electrode(sphere_fwd):
    pos = np.array([d["r"] for d in sphere_fwd.info["dig"] if d["kind"] == 3])
    r0 = pos.mean(0)  # only for choosing the electrode right above the top dipole
    up = np.array([0, 0, 1.0])
    above = np.argmax((pos - r0) @ up / np.linalg.norm(pos - r0, axis=1))
    assert np.argmax(sphere_fwd.gain[:, 0]) == above
    assert sphere_fwd.gain[above, 0] > 0  # outward dipole -> positive potential above it


def test_positive_proxy_makes_scalp_above_negative_and_scales_linearly(sphere_fwd):
    data = np.zeros((2, 100))
    data[0] = 1.0
    raw1 = sphere_fwd.to_raw(data, 100.0)
    raw2 = sphere_fwd.to_raw(data, 100.0, scale=2 * DipoleScale().nAm_per_unit)
    top = int(np.argmax(sphere_fwd.gain[:, 0]))
    assert raw1.get_data()[top, 0] < 0
    np.testing.assert_allclose(raw2.get_data(), 2 * raw1.get_data(), rtol=1e-12)


def test_a_calibrated_scale_adds_its_offset_to_every_band_power(sphere_fwd):
    """The calibration that lets two fits be compared in absolute dB: a forward carrying the
    scale from power_offset_db(model, target) makes the model's band powers the target's."""
    rng = np.random.default_rng(3)
    data = rng.normal(size=(2, 4000))
    spec = FeatureSpec(relative=False, alpha_peak=False, anteriorization=False)
    groups = {g: list(sphere_fwd.ch_names) for g in ("frontal", "central", "posterior")}
    model = summary_features(sphere_fwd.to_raw(data, 200.0), groups, spec)
    target = {k: v + 7.5 + (0.5 if "alpha" in k else -0.5) / 3 for k, v in model.items()}
    offset = power_offset_db(model, target)
    assert offset == pytest.approx(7.5 + (0.5 - 4 * 0.5) / 15, abs=1e-9)
    calibrated = sphere_fwd.with_scale(calibrated_scale(offset))
    again = summary_features(calibrated.to_raw(data, 200.0), groups, spec)
    for k in model:
        assert again[k] - model[k] == pytest.approx(offset, abs=1e-6), k
    assert sphere_fwd.scale is None  # the original forward is unchanged
    with pytest.raises(ValueError, match="finite"):
        calibrated_scale(float("nan"))
    with pytest.raises(ValueError, match="no band-power features in common"):
        power_offset_db({"alpha_peak[all]": 10.0}, {"alpha_peak[all]": 11.0})


def test_to_raw_is_average_referenced_with_montage(fwd):
    raw = fwd.to_raw(np.random.default_rng(0).normal(size=(76, 500)), 250.0)
    np.testing.assert_allclose(raw.get_data().sum(axis=0), 0, atol=1e-18)
    assert raw.info["sfreq"] == 250.0 and raw.get_montage() is not None
    assert raw.info["custom_ref_applied"]


def test_to_raw_reorders_result_regions_by_label(fwd):
    rng = np.random.default_rng(1)
    data = rng.normal(size=(76, 200))
    rev = SimpleNamespace(
        eeg_proxy=data[::-1], proxy_sfreq=100.0, region_labels=fwd.region_labels[::-1]
    )
    np.testing.assert_allclose(fwd.to_raw(rev).get_data(), fwd.to_raw(data, 100.0).get_data())


def test_projection_of_60s_76_regions_at_1khz_is_under_a_second(fwd):
    data = np.random.default_rng(2).normal(size=(76, 60_000))
    t0 = time.perf_counter()
    fwd.to_raw(data, 1000.0)
    assert time.perf_counter() - t0 < 1.0


def test_dipole_scale_default_and_validation():
    assert DipoleScale().nAm_per_unit == pytest.approx(-17.5)
    with pytest.raises(ValueError, match="length_mm"):
        DipoleScale(length_mm=0)
    with pytest.raises(ValueError, match="sign"):
        DipoleScale(sign=2)


@pytest.mark.parametrize(
    ("signal", "sfreq", "match"),
    [
        (np.zeros((75, 10)), 100.0, "75 rows but the forward has 76"),
        (np.full((76, 10), np.nan), 100.0, "NaN"),
        (np.zeros((76, 10)), 0.0, "positive"),
        (np.zeros((76, 10)), -5.0, "positive"),
        (np.zeros((76, 10)), None, "sfreq is required"),
        (np.zeros(76), 100.0, "2-D"),
    ],
)
def test_to_raw_bad_input_raises_one_line_error(fwd, signal, sfreq, match):
    with pytest.raises(ValueError, match=match) as err:
        fwd.to_raw(signal, sfreq)
    assert "\n" not in str(err.value)


def test_to_raw_rejects_result_with_other_labels(fwd):
    res = SimpleNamespace(
        eeg_proxy=np.zeros((76, 10)),
        proxy_sfreq=100.0,
        region_labels=tuple(f"x{i}" for i in range(76)),
    )
    with pytest.raises(ValueError, match="region labels differ"):
        fwd.to_raw(res)


def test_unknown_montage_lists_close_matches():
    with pytest.raises(ValueError, match="close matches: .*easycap-M1"):
        make_forward(_centroid_con([[0, 0, 40], [0, 0, -40]]), head="sphere", montage="easycap-M")


def test_default_head_rejects_non_tvb_atlas_and_bad_combine(con):
    with pytest.raises(ValueError, match="head='sphere'"):
        make_forward(_centroid_con([[0, 0, 40], [0, 0, -40]]))
    with pytest.raises(ValueError, match="combine"):
        make_forward(con, combine="max")
    with pytest.raises(TypeError, match="sensors must be a Measurement"):
        make_forward(con, sensors=mne.create_info(["Cz"], 100.0, "eeg"))
    with pytest.raises(ValueError, match="default head's vertices"):
        make_forward(_centroid_con([[0, 0, 40], [0, 0, -40]]), head="sphere", combine="sum")
    with pytest.raises(ValueError, match="bem-sol.fif"):
        make_forward(con, head="/nonexistent/head")


def _sphere_bem_file(tmp_path, info) -> Path:
    """A user's own 3-shell BEM solution file: concentric icospheres around the montage's
    fitted sphere (inner skull 0.87 R, outer skull 0.92 R, scalp R), made with MNE."""
    sph = mne.make_sphere_model("auto", "auto", info, verbose=False)
    r0, radius = np.asarray(sph["r0"]), sph.radius
    dirs, tris = hm.icosphere(3)
    shells = {"inner_skull": 0.87, "outer_skull": 0.92, "outer_skin": 1.0}
    surfaces = {n: ((r0 + f * radius * dirs) * 1000.0, tris.copy()) for n, f in shells.items()}
    with hm._subject_dir(surfaces) as subjects_dir:
        model = mne.make_bem_model(
            "tvb", ico=None, conductivity=hm.CONDUCTIVITY, subjects_dir=subjects_dir, verbose=False
        )
    path = tmp_path / "own-bem-sol.fif"
    mne.write_bem_solution(path, mne.make_bem_solution(model, verbose=False), verbose=False)
    return path


def test_own_bem_solution_path_agrees_with_the_analytic_sphere(tmp_path):
    """A BEM of concentric spheres must give (nearly) the analytic sphere model's gains;
    measured r = 0.999 per region."""
    from wholebrain.forward import standard_montage

    info = mne.create_info(standard_montage("easycap-M1").ch_names, 1000.0, "eeg")
    info.set_montage(standard_montage("easycap-M1"), verbose=False)
    centres = [[0, 40, 30], [0, -50, 20], [45, 0, 25], [-45, 0, 25], [20, 20, 50], [-30, -30, 40]]
    con = _centroid_con(centres)
    own = make_forward(con, head=_sphere_bem_file(tmp_path, info))
    sphere = make_forward(con, head="sphere")
    assert own.gain.shape == sphere.gain.shape == (len(info.ch_names), 6)
    assert np.all(np.isfinite(own.gain))
    for i in range(6):
        assert np.corrcoef(own.gain[:, i], sphere.gain[:, i])[0, 1] > 0.98


def test_a_file_that_is_not_a_bem_solution_is_a_clear_error(tmp_path):
    bogus = tmp_path / "x-bem-sol.fif"
    bogus.write_text("not a BEM")
    with pytest.raises(ValueError, match="is not a readable BEM solution"):
        make_forward(_centroid_con([[0, 0, 40]]), head=bogus)


def test_forward_for_a_recordings_sensors_has_its_channels_and_agrees_with_tvb_own(fwd, con, cache):
    """A recording with tvb-data's 10-05 electrode names (no positions): the forward built
    for its sensors has its channels, in its order, and lead fields close to those of
    tvb-data's own electrodes of the same names (each electrode lands within ~1 cm)."""
    from wholebrain.measurement import measurement_of

    names = ["O2", "Fz", "Cz", "Pz", "Oz", "F3", "F4", "C3", "C4", "P7", "P8", "Fp1", "T7"]
    raw = mne.io.RawArray(np.zeros((len(names), 500)), mne.create_info(names, 100.0, "eeg"),
                          verbose=False)  # fmt: skip
    m = measurement_of(raw)
    own = make_forward(con, sensors=m, cache=cache, verbose="error")
    assert own.ch_names == tuple(names) and own.gain.shape == (len(names), 76)
    ref = fwd.source_gain[[fwd.ch_names.index(n) for n in names]]
    a, b = own.source_gain - own.source_gain.mean(0), ref - ref.mean(0)
    assert np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.9
    sphere = make_forward(_centroid_con([[0, 0, 45], [0, 0, -45]]), head="sphere", sensors=m)
    assert sphere.ch_names == tuple(names)
