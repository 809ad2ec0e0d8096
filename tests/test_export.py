"""Export round trips (FIF, EDF, BrainVision, CSV, NPZ), atomic writes, figures."""

from __future__ import annotations

import json

import mne
import numpy as np
import pytest

from wholebrain.export import export_raw, read_export
from wholebrain.sensor_plots import (
    plot_band_topomap,
    plot_psd_groups,
    plot_sensors,
    sensor_group,
)


@pytest.fixture(scope="module")
def raw():
    montage = mne.channels.make_standard_montage("easycap-M1")
    names = montage.ch_names[:16]
    info = mne.create_info(names, 250.0, "eeg")
    info.set_montage(montage, verbose=False)
    rng = np.random.default_rng(0)
    t = np.arange(2500) / 250.0
    data = 20e-6 * np.sin(2 * np.pi * 10 * t) * rng.uniform(0.5, 1.5, (16, 1)) + 5e-6 * rng.normal(
        size=(16, 2500)
    )
    data -= data.mean(0)
    return mne.io.RawArray(data, info, verbose=False)


# tolerance (V) of each format: EDF stores 16-bit integers over the signal's range,
# BrainVision (pybv) 0.1 uV steps by default, CSV 9 significant digits
@pytest.mark.parametrize(
    ("name", "atol"),
    [("x_raw.fif", 1e-12), ("x.edf", 2e-9), ("x.vhdr", 1e-7), ("x.csv", 1e-13), ("x.npz", 0.0)],
)
def test_export_round_trips_through_reader_to_format_precision(raw, tmp_path, name, atol):
    path = export_raw(raw, tmp_path / name)
    back = read_export(path)
    assert back.ch_names == raw.ch_names
    assert back.info["sfreq"] == pytest.approx(raw.info["sfreq"])
    np.testing.assert_allclose(back.get_data(), raw.get_data(), atol=atol, rtol=0)
    assert not list(tmp_path.glob(".tmp-*"))


def test_edf_and_brainvision_open_with_mne_readers(raw, tmp_path):
    export_raw(raw, tmp_path / "a.edf")
    export_raw(raw, tmp_path / "a.vhdr")
    assert {p.name for p in tmp_path.iterdir()} == {"a.edf", "a.vhdr", "a.vmrk", "a.eeg"}
    assert mne.io.read_raw_edf(tmp_path / "a.edf", verbose=False).n_times == raw.n_times
    assert mne.io.read_raw_brainvision(tmp_path / "a.vhdr", verbose=False).n_times == raw.n_times


@pytest.mark.parametrize("name", ["x.csv", "x.npz"])
def test_csv_and_npz_carry_provenance_sidecar(raw, tmp_path, name):
    export_raw(raw, tmp_path / name, extra_provenance={"seed": 7})
    meta = json.loads((tmp_path / name).with_suffix(".json").read_text())
    assert meta["seed"] == 7 and meta["unit"] == "V" and meta["sfreq_hz"] == 250.0
    assert meta["software"]["mne"] == mne.__version__


def test_unsupported_format_raises_and_leaves_no_file(raw, tmp_path):
    with pytest.raises(ValueError, match="cannot export to '.xyz'") as err:
        export_raw(raw, tmp_path / "x.xyz")
    assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="unsupported export format"):
        export_raw(raw, tmp_path / "x.fif", fmt="gdf")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_no_partial_file(raw, tmp_path):
    bad = raw.copy()
    bad._data[0, 0] = np.nan  # EDF writer refuses NaN
    with pytest.raises(Exception):  # noqa: B017 - whichever error the writer raises
        export_raw(bad, tmp_path / "x.edf")
    assert list(tmp_path.iterdir()) == []


def test_existing_file_is_kept_without_overwrite(raw, tmp_path):
    path = export_raw(raw, tmp_path / "x.npz")
    before = path.read_bytes()
    with pytest.raises(ValueError, match="overwrite=True"):
        export_raw(raw, path)
    assert path.read_bytes() == before


def test_figures_are_written_as_png(raw, tmp_path):
    for path in (
        plot_sensors(raw.info, tmp_path / "sensors.png"),
        plot_band_topomap(raw, tmp_path / "alpha.png", band=(8, 13)),
        plot_psd_groups(raw, tmp_path / "psd.png"),
    ):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match=".png"):
        plot_sensors(raw.info, tmp_path / "sensors.pdf")
    with pytest.raises(ValueError, match="band"):
        plot_band_topomap(raw, tmp_path / "b.png", band=(13, 8))


def test_sensor_groups_follow_10_10_prefixes():
    assert [
        sensor_group(n) for n in ("Fp1", "FC3", "Cz", "T8", "TP7", "CP1", "Pz", "POz", "O1", "IO1")
    ] == [
        "frontal",
        "central",
        "central",
        "temporal",
        "temporal",
        "parietal",
        "parietal",
        "occipital",
        "occipital",
        "other",
    ]
