"""The ``wholebrain`` command line runs end to end and fails clearly on bad settings."""

from __future__ import annotations

import json
import shutil

import mne
import numpy as np
import pytest

import wholebrain as wb
from wholebrain import cli

SMALL_RUN = ["run", "--atlas", "column", "--backend", "runtime", "--duration", "0.01",
             "--set", "scale=0.2"]  # fmt: skip
LABELS = ["rA1", "rA2", "rV1", "lV1"]  # the small brain of test_compiled: same build
needs_cxx = pytest.mark.skipif(shutil.which("g++") is None, reason="needs a C++ compiler")


def test_run_writes_a_loadable_result_and_figures(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main([*SMALL_RUN, "--condition", "wake", "--seed", "3", "--out", str(out)]) == 0
    res = wb.load_result(out / "result.npz")
    assert res.seed == 3 and res.provenance["condition"] == "wake"
    assert res.params[0]["scale"] == 0.2 and res.params[0]["g_h"] == 0.4
    for name in ("raster.png", "eeg_proxy.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "settings.json").read_text())["condition"] == "wake"
    assert "rates (Hz)" in capsys.readouterr().out


@pytest.fixture(scope="module")
def brain_run(tmp_path_factory):
    """The 76-region default brain (small columns, 10 ms) through the default head model."""
    out = tmp_path_factory.mktemp("cli") / "brain"
    argv = ["run", "--backend", "runtime", "--duration", "0.01", "--set", "scale=0.2",
            "--gain", "2", "--out", str(out)]  # fmt: skip
    assert cli.main(argv) == 0
    return out


def test_brain_run_writes_sensor_eeg_that_mne_opens(brain_run):
    out = brain_run
    res = wb.load_result(out / "result.npz")
    assert res.n_regions == 76 and set(res.eeg_proxy_parts) == {"py", "tc", "lr"}
    assert res.provenance["coupling"]["global_coupling"] == 2.0
    raw = mne.io.read_raw_fif(out / "eeg_raw.fif", verbose=False)
    assert len(mne.pick_types(raw.info, eeg=True)) == 65 and raw.n_times == 10
    data = raw.get_data()
    assert abs(data.sum(axis=0)).max() < 1e-5 * abs(data).max()  # average ref. (float32 FIF)
    report = (out / "report.html").read_text()
    assert "<html" in report and "raster" in report and "global_coupling" not in report
    assert report.count("data:image/png;base64") >= 2  # figures are embedded


@pytest.mark.parametrize("suffix, reader", [
    (".edf", mne.io.read_raw_edf),
    (".vhdr", mne.io.read_raw_brainvision),
    (".fif", mne.io.read_raw_fif),
])  # fmt: skip
def test_export_writes_what_eeg_software_opens(brain_run, tmp_path, suffix, reader):
    """From the run's result (projected again) and from its FIF: same signals, each format."""
    fif = mne.io.read_raw_fif(brain_run / "eeg_raw.fif", preload=True, verbose=False)
    for source in (brain_run / "result.npz", brain_run / "eeg_raw.fif"):
        target = tmp_path / f"{source.stem}_eeg{suffix}"
        assert cli.main(["export", str(source), str(target)]) == 0
        raw = reader(target, preload=True, verbose=False)
        n = fif.n_times  # EDF pads its last record to a whole second
        assert raw.ch_names == fif.ch_names and (raw.n_times == n or suffix == ".edf")
        scale = np.abs(fif.get_data()).max()
        assert np.abs(raw.get_data()[:, :n] - fif.get_data()).max() < 2e-3 * scale  # EDF: 16 bit


def test_export_to_csv_and_refusals(brain_run, tmp_path):
    target = tmp_path / "eeg.csv"
    assert cli.main(["export", str(brain_run / "eeg_raw.fif"), str(target)]) == 0
    header = target.read_text().splitlines()[0].split(",")
    assert header[0] == "time_s" and len(header) == 1 + 65
    with pytest.raises(SystemExit, match="exists; pass overwrite"):
        cli.main(["export", str(brain_run / "eeg_raw.fif"), str(target)])
    with pytest.raises(SystemExit, match="does not exist"):
        cli.main(["export", str(tmp_path / "nothing.fif"), str(tmp_path / "x.edf")])
    junk = tmp_path / "junk.fif"
    junk.write_text("not eeg")
    with pytest.raises(SystemExit, match="MNE cannot read 'junk.fif'"):
        cli.main(["export", str(junk), str(tmp_path / "y.edf")])


def test_settings_come_from_a_toml_file_and_flags_win(tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text(
        'condition = "wake"\nduration = 0.01\nbackend = "runtime"\nseed = 9\n'
        "[parameters]\nscale = 0.2\ng_h = 0.1\n"
    )
    out = tmp_path / "out"
    assert cli.main(["run", "--config", str(cfg), "--seed", "4", "--out", str(out)]) == 0
    res = wb.load_result(out / "result.npz")
    assert res.seed == 4 and res.params[0]["g_h"] == 0.1 and res.provenance["condition"] == "wake"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--condition", "sleep"], "unknown condition 'sleep'"),
        (["--set", "g_kan=1"], "unknown soplata2023 parameter 'g_kan'"),
        (["--set", "g_h"], "--set expects NAME=VALUE"),
        (["--backend", "gpu"], "unknown backend 'gpu'"),
        (["--atlas", "tvb999"], "tvb999"),
        (["--duration", "-1"], "duration must be > 0"),
    ],
)
def test_bad_settings_exit_with_one_line(tmp_path, argv, message):
    with pytest.raises(SystemExit) as exc:
        cli.main([*SMALL_RUN, "--out", str(tmp_path / "o"), *argv])
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_unknown_keys_in_the_config_file_are_named(tmp_path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("duraton = 3\n")
    with pytest.raises(SystemExit, match="unknown settings .*duraton"):
        cli.main(["run", "--config", str(cfg)])


def test_info_lists_models_backends_with_reasons_and_atlases(capsys):
    assert cli.main(["info"]) == 0
    text = capsys.readouterr().out
    assert "soplata2023: conditions propofol" in text and "runtime: available" in text
    status = wb.simulate.__globals__["backend_status"]()
    if status["cuda"] is not None:
        assert f"cuda: not available: {status['cuda']}" in text
    assert "tvb76: 76 regions" in text and "cache folder:" in text


@pytest.fixture(scope="module")
def small_atlas(tmp_path_factory):
    path = tmp_path_factory.mktemp("atlas") / "small.npz"
    wb.load_connectome("tvb76").subset(LABELS).save(path)
    return path


@needs_cxx
def test_fit_and_lesion_run_end_to_end(small_atlas, small_brain_build, tmp_path, monkeypatch):
    """Small brain, short runs: the fit and the lesion study write their tables, figures,
    reports and EEG, and MNE opens the EEG. The first objective of the fit is NaN: that
    evaluation is recorded and skipped, the fit goes on."""
    from wholebrain.studies import fit as wfit

    calls = []

    def first_is_nan(model, target, spec=None):
        calls.append(1)
        return float("nan") if len(calls) == 1 else real(model, target, spec)

    real = wfit.distance
    monkeypatch.setattr(wfit, "distance", first_is_nan)
    model = wb.BrainModel(wb.load_connectome(small_atlas), global_coupling=2.0,
                          overrides={"scale": 0.2})  # fmt: skip
    res = wb.simulate(model, 4.2, seed=2, backend="cpp", build_dir=small_brain_build)
    target = tmp_path / "target_raw.fif"
    wb.make_forward(model.connectome).to_raw(res).save(target, verbose=False)
    brain = ["--atlas", str(small_atlas), "--gain", "2", "--set", "scale=0.2", "--duration",
             "4.2", "--transient", "0.2", "--build-dir", str(small_brain_build)]  # fmt: skip
    out = tmp_path / "fit"
    # no --param: the default drug axis, propofol_level over 0-1
    argv = ["fit", *brain, "--eeg", str(target), "--evaluations", "2", "--out", str(out)]
    assert cli.main(argv) == 0
    summary = json.loads((out / "fit.json").read_text())
    assert set(summary["best"]) == {"propofol_level"}
    assert 0 <= summary["best"]["propofol_level"] <= 1 and summary["best_value"] >= 0
    records = [json.loads(x) for x in (out / "fit_history.jsonl").read_text().splitlines()[1:]]
    assert sorted(r["status"] for r in records) == ["nan", "ok"]
    bad, good = sorted(records, key=lambda r: r["status"])
    assert bad["value"] is None and "NaN" in bad["error"] and bad["features"]
    assert summary["best_value"] == good["value"]
    best = mne.io.read_raw_fif(out / "best_eeg_raw.fif", verbose=False)
    assert len(best.ch_names) == 65
    assert "fit history" in (out / "report.html").read_text()

    out = tmp_path / "lesion"
    argv = ["lesion", *brain, "--regions", "rA1", "--out", str(out)]
    assert cli.main(argv) == 0
    rows = (out / "lesion.csv").read_text().splitlines()
    assert rows[0].startswith("region,feature")
    assert {r.split(",")[0] for r in rows[1:]} == {"rA1"}
    assert "lesion effects" in (out / "report.html").read_text()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["fit", "--param", "propofol_level=0:1"], "fit needs --eeg"),
        (["fit", "--eeg", "x.fif", "--param", "propofol_level=1:0"], "inverted"),
        (["fit", "--eeg", "missing.fif", "--param", "g_h=0.1:0.4"], "does not exist"),
        (["lesion", "--regions", "rA1", "nowhere"], "not in the model: ['nowhere']"),
    ],
)
def test_bad_study_settings_exit_with_one_line(tmp_path, argv, message):
    with pytest.raises(SystemExit) as exc:
        cli.main([*argv, "--out", str(tmp_path / "o")])
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_a_toml_set_list_and_its_parameters_table_both_apply(tmp_path):
    """Once the (empty) [parameters] table replaced the `set` list: the run went on with
    defaults."""
    from wholebrain.cli.commands import _model
    from wholebrain.cli.config import resolve_settings
    from wholebrain.cli.parser import build_parser

    cfg = tmp_path / "run.toml"
    cfg.write_text('atlas = "column"\nset = ["g_h=0.1"]\n[parameters]\nscale = 0.2\n')
    settings = resolve_settings("run", build_parser().parse_args(["run", "--config", str(cfg)]))
    assert settings["set"] == ["g_h=0.1", "scale=0.2"]
    params = _model(settings).column_params()[0]
    assert (params.g_h, params.scale) == (0.1, 0.2)
    cfg.write_text('atlas = "column"\nset = ["g_h=0.1"]\n')  # a list alone applies too
    settings = resolve_settings("run", build_parser().parse_args(["run", "--config", str(cfg)]))
    assert _model(settings).column_params()[0].g_h == 0.1
