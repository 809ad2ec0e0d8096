"""Export round trips (FIF, EDF, BrainVision, CSV, NPZ, BIDS), atomic writes, figures."""

from __future__ import annotations

import json
import os
from pathlib import Path

import mne
import numpy as np
import pytest

from wholebrain import cli
from wholebrain import export as export_module
from wholebrain.bids import export_bids
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


def _listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize(
    ("name", "theirs"),
    [("out.vhdr", "out.eeg"), ("out.vhdr", "out.vmrk"), ("out.csv", "out.json"),
     ("out.npz", "out.json")],
)  # fmt: skip
def test_existing_companion_or_sidecar_is_refused_before_anything_is_written(
    raw, tmp_path, name, theirs
):
    (tmp_path / theirs).write_bytes(b"the user's file")
    with pytest.raises(FileExistsError, match="overwrite=True") as err:
        export_raw(raw, tmp_path / name)
    assert str(tmp_path / theirs) in str(err.value) and "--overwrite" in str(err.value)
    assert "\n" not in str(err.value)
    assert _listing(tmp_path) == [theirs]
    assert (tmp_path / theirs).read_bytes() == b"the user's file"


def test_overwrite_replaces_target_companions_and_sidecar(raw, tmp_path):
    for name in ("out.vhdr", "out.vmrk", "out.eeg", "t.csv", "t.json"):
        (tmp_path / name).write_text("old")
    export_raw(raw, tmp_path / "out.vhdr", overwrite=True)
    export_raw(raw, tmp_path / "t.csv", overwrite=True)
    back = read_export(tmp_path / "out.vhdr").get_data()
    np.testing.assert_allclose(back, raw.get_data(), atol=1e-7, rtol=0)
    assert json.loads((tmp_path / "t.json").read_text())["format"] == "csv"
    assert not list(tmp_path.glob(".tmp-*"))


def test_failed_writer_leaves_nothing_and_names_the_target(raw, tmp_path, monkeypatch):
    def half_write(fname, *args, **kwargs):
        Path(fname).write_bytes(b"half")
        raise RuntimeError(f"disk full while writing {fname}")

    monkeypatch.setattr(mne.export, "export_raw", half_write)
    with pytest.raises(RuntimeError, match="disk full") as err:
        export_raw(raw, tmp_path / "x.edf")
    assert str(tmp_path / "x.edf") in str(err.value) and ".tmp-export" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_failed_rename_puts_back_what_was_there(raw, tmp_path, monkeypatch):
    for name in ("out.vhdr", "out.vmrk", "out.eeg"):
        (tmp_path / name).write_text(f"old {name}")
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 4:  # .eeg set aside and replaced, .vhdr set aside, then fail
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(export_module.os, "replace", flaky)
    with pytest.raises(OSError, match="No space left") as err:
        export_raw(raw, tmp_path / "out.vhdr", overwrite=True)
    assert ".tmp-export" not in str(err.value)
    assert _listing(tmp_path) == ["out.eeg", "out.vhdr", "out.vmrk"]
    assert all((tmp_path / n).read_text() == f"old {n}" for n in _listing(tmp_path))


def test_missing_export_folder_is_named_and_not_created(raw, tmp_path):
    with pytest.raises(FileNotFoundError, match="^export folder .*nowhere does not") as err:
        export_raw(raw, tmp_path / "nowhere" / "x.fif")
    assert "\n" not in str(err.value) and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("below", ["", "deeper"])
def test_export_folder_under_a_file_is_named(raw, tmp_path, below):
    (tmp_path / "notes.txt").write_text("a file")
    folder = tmp_path / "notes.txt" / below if below else tmp_path / "notes.txt"
    with pytest.raises(NotADirectoryError, match="is a file") as err:
        export_raw(raw, folder / "x.edf")
    assert str(folder) in str(err.value) and "\n" not in str(err.value)
    assert _listing(tmp_path) == ["notes.txt"]


def test_unwritable_export_folder_is_named(raw, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: chmod does not stop writing")
        with pytest.raises(PermissionError, match="not writable") as err:
            export_raw(raw, folder / "x.fif")
        assert str(folder) in str(err.value)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o700)


def test_unwritable_export_folder_is_refused_before_writing(raw, tmp_path, monkeypatch):
    # the same check where chmod cannot show it (root): os.access decides
    monkeypatch.setattr(export_module.os, "access", lambda *a, **k: False)
    with pytest.raises(PermissionError, match=f"export folder {tmp_path} is not writable"):
        export_raw(raw, tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_as_target_is_refused(raw, tmp_path):
    (tmp_path / "x.fif").mkdir()
    with pytest.raises(IsADirectoryError, match="x.fif is a folder"):
        export_raw(raw, tmp_path / "x.fif", overwrite=True)


@pytest.mark.parametrize("name", ["x_raw.fif", "x.edf", "x.vhdr", "x.csv", "x.npz"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_samples_are_refused_for_every_format(raw, tmp_path, name, value):
    bad = raw.copy()
    bad._data[3, 250:260] = value
    with pytest.raises(ValueError, match="NaN or inf") as err:
        export_raw(bad, tmp_path / name)
    message = str(err.value)
    assert f"channel {raw.ch_names[3]!r} is {value}" in message and "at 1 s" in message
    assert "10 non-finite samples in 1 channel" in message and "\n" not in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("volts", [150.0, -12.0, 1e4])
def test_edf_refuses_amplitudes_its_header_cannot_state(raw, tmp_path, volts):
    big = raw.copy()
    big._data[5, 100] = volts
    with pytest.raises(ValueError, match="8-character physical") as err:
        export_raw(big, tmp_path / "x.edf")
    message = str(err.value)
    assert repr(raw.ch_names[5]) in message and f"{volts * 1e6:.4g} µV" in message
    assert "rescale the data or export FIF or BrainVision" in message and "\n" not in message
    assert list(tmp_path.iterdir()) == []
    # the formats that can hold them do
    path = export_raw(big, tmp_path / "x.vhdr")
    assert read_export(path).get_data()[5, 100] == pytest.approx(volts, rel=1e-6)


def test_edf_accepts_amplitudes_up_to_its_header_limits(raw, tmp_path):
    large = raw.copy()
    large._data[0, 0], large._data[1, 0] = -9.9, 99.9  # V: -9 900 000 and 99 900 000 µV
    back = read_export(export_raw(large, tmp_path / "x.edf")).get_data()
    np.testing.assert_allclose(back[:2, 0], [-9.9, 99.9], atol=2e-3, rtol=0)


def test_edf_refuses_a_range_too_small_for_its_header(raw, tmp_path):
    tiny = raw.copy()
    tiny._data *= 1e-9  # some 20 fV: the 8-character bounds would round most of it away
    with pytest.raises(ValueError, match="eeg channels span only .* µV") as err:
        export_raw(tiny, tmp_path / "x.edf")
    assert "FIF or BrainVision" in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_edf_refuses_channel_names_longer_than_its_labels(raw, tmp_path):
    named = raw.copy().rename_channels({raw.ch_names[0]: "a_very_long_channel_name"})
    with pytest.raises(ValueError, match="'a_very_long_channel_name' is longer than the 16"):
        export_raw(named, tmp_path / "x.edf")
    assert list(tmp_path.iterdir()) == []


def test_bids_export_reads_back_with_mne_bids(raw, tmp_path):
    from mne_bids import read_raw_bids

    bids_path = export_bids(raw, tmp_path / "ds", "01", session="a", run=1)
    assert (
        bids_path.fpath
        == tmp_path / "ds/sub-01/ses-a/eeg/sub-01_ses-a_task-propofol_run-1_eeg.vhdr"
    )
    with pytest.warns(RuntimeWarning, match="events.tsv"):  # a simulation has no events
        back = read_raw_bids(bids_path, verbose=False)
    assert back.ch_names == raw.ch_names
    assert back.info["sfreq"] == raw.info["sfreq"] and back.n_times == raw.n_times
    # 32-bit floats of the data in 0.1 µV units
    np.testing.assert_allclose(back.get_data(), raw.get_data(), rtol=0,
                               atol=1e-6 * np.abs(raw.get_data()).max())  # fmt: skip
    description = json.loads((tmp_path / "ds/dataset_description.json").read_text())
    assert description["DatasetType"] == "raw"
    assert (tmp_path / "ds/participants.tsv").read_text().splitlines()[1].startswith("sub-01")
    assert not [p for p in (tmp_path / "ds").rglob(".tmp-*")]


def test_bids_provenance_goes_to_derivatives(raw, tmp_path):
    export_bids(raw, tmp_path, "01", extra_provenance={"seed": 7})
    deriv = tmp_path / "derivatives/wholebrain"
    meta = json.loads(
        (deriv / "sub-01/eeg/sub-01_task-propofol_desc-provenance_eeg.json").read_text()
    )
    assert meta["seed"] == 7 and meta["sfreq_hz"] == 250.0 and meta["ch_names"] == raw.ch_names
    assert meta["Sources"] == ["bids::sub-01/eeg/sub-01_task-propofol_eeg.vhdr"]
    description = json.loads((deriv / "dataset_description.json").read_text())
    assert description["DatasetType"] == "derivative"


def test_bids_second_write_is_refused_without_overwrite(raw, tmp_path):
    export_bids(raw, tmp_path, "01")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(FileExistsError, match="overwrite=True") as err:
        export_bids(raw.copy().crop(0, 5), tmp_path, "01")
    assert "sub-01_task-propofol_eeg.vhdr" in str(err.value) and "\n" not in str(err.value)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before
    recording = tmp_path / "sub-01/eeg/sub-01_task-propofol"
    Path(f"{recording}_events.tsv").write_text("onset\tduration\n")
    export_bids(raw.copy().crop(0, 5), tmp_path, "01", overwrite=True)
    assert mne.io.read_raw_brainvision(f"{recording}_eeg.vhdr", verbose=False).n_times == 1251
    assert not Path(f"{recording}_events.tsv").exists()  # stale: not part of the new recording


def test_bids_sidecar_alone_is_refused_too(raw, tmp_path):
    sidecar = tmp_path / "derivatives/wholebrain/sub-01/eeg"
    sidecar /= "sub-01_task-propofol_desc-provenance_eeg.json"
    sidecar.parent.mkdir(parents=True)
    sidecar.write_text("{}")
    before = _listing(tmp_path)
    with pytest.raises(FileExistsError, match="desc-provenance_eeg.json exists"):
        export_bids(raw, tmp_path, "01")
    assert _listing(tmp_path) == before and sidecar.read_text() == "{}"


def test_bids_adds_runs_and_subjects_and_keeps_the_users_files(raw, tmp_path):
    export_bids(raw, tmp_path, "01", run=1)
    (tmp_path / "README").write_text("my study")
    (tmp_path / "dataset_description.json").write_text(
        json.dumps({"Name": "My study", "BIDSVersion": "1.9.0", "Authors": ["Me"]})
    )
    export_bids(raw, tmp_path, "01", run=2)
    export_bids(raw, tmp_path, "02")
    assert (tmp_path / "README").read_text() == "my study"
    assert json.loads((tmp_path / "dataset_description.json").read_text())["Name"] == "My study"
    rows = [r.split("\t")[0] for r in (tmp_path / "participants.tsv").read_text().splitlines()]
    assert rows == ["participant_id", "sub-01", "sub-02"]
    scans = (tmp_path / "sub-01/sub-01_scans.tsv").read_text()
    assert "run-1_eeg.vhdr" in scans and "run-2_eeg.vhdr" in scans


def test_bids_failed_write_leaves_no_dataset_and_names_the_root(raw, tmp_path, monkeypatch):
    def fail(raw, bids_path, **kwargs):
        raise RuntimeError(f"cannot write {bids_path.fpath}")

    monkeypatch.setattr("mne_bids.write_raw_bids", fail)
    with pytest.raises(RuntimeError, match=f"cannot write {tmp_path / 'ds' / 'sub-01'}") as err:
        export_bids(raw, tmp_path / "ds", "01")
    assert ".tmp-export" not in str(err.value) and list(tmp_path.iterdir()) == []


def test_bids_refuses_bad_input_before_writing(raw, tmp_path):
    bad = raw.copy()
    bad._data[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or inf"):
        export_bids(bad, tmp_path / "ds", "01")
    with pytest.raises(FileNotFoundError, match=f"{tmp_path / 'no'} does not exist"):
        export_bids(raw, tmp_path / "no" / "ds", "01")
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError, match="BIDS root .* is not a folder"):
        export_bids(raw, tmp_path / "file", "01")
    assert _listing(tmp_path) == ["file"]


def test_cli_export_writes_bids_and_refuses_in_one_line(raw, tmp_path):
    source = export_raw(raw, tmp_path / "in_raw.fif")
    assert cli.main(["export", str(source), str(tmp_path / "ds" / "sub-01" / "ses-x")]) == 0
    assert (tmp_path / "ds/sub-01/ses-x/eeg/sub-01_ses-x_task-propofol_eeg.vhdr").is_file()
    with pytest.raises(SystemExit, match="exists; pass overwrite=True .CLI: --overwrite."):
        cli.main(["export", str(source), str(tmp_path / "ds" / "sub-01" / "ses-x")])
    assert cli.main(["export", str(source), str(tmp_path / "ds/sub-01/ses-x"), "--overwrite"]) == 0
    (tmp_path / "out.eeg").write_text("mine")
    with pytest.raises(SystemExit, match=r"^wholebrain: .*out.eeg exists; pass overwrite"):
        cli.main(["export", str(source), str(tmp_path / "out.vhdr")])
    for target, message in [
        (tmp_path / "none" / "x.edf", "export folder .*none does not exist; create it first"),
        (tmp_path / "out.eeg" / "x.edf", "export folder .*out.eeg is not a folder: it is a file"),
    ]:
        with pytest.raises(SystemExit, match=f"^wholebrain: {message}$"):
            cli.main(["export", str(source), str(target)])


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
