"""The ``wholebrain`` command line runs end to end and fails clearly on bad settings."""

from __future__ import annotations

import json

import pytest

import wholebrain as wb
from wholebrain import cli

SMALL_RUN = ["run", "--backend", "runtime", "--duration", "0.01", "--set", "scale=0.2"]


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


def test_brain_run_writes_sensor_eeg_that_mne_opens(tmp_path, monkeypatch):
    """The 76-region default brain (small columns, 10 ms) through the default head model."""
    import mne

    monkeypatch.setenv("WHOLEBRAIN_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "brain"
    argv = [*SMALL_RUN, "--atlas", "tvb76", "--gain", "2", "--out", str(out)]
    assert cli.main(argv) == 0
    res = wb.load_result(out / "result.npz")
    assert res.n_regions == 76 and set(res.eeg_proxy_parts) == {"py", "tc", "lr"}
    assert res.provenance["coupling"]["global_coupling"] == 2.0
    raw = mne.io.read_raw_fif(out / "eeg_raw.fif", verbose=False)
    assert len(mne.pick_types(raw.info, eeg=True)) == 65 and raw.n_times == 10
    data = raw.get_data()
    assert abs(data.sum(axis=0)).max() < 1e-5 * abs(data).max()  # average ref. (float32 FIF)


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


def test_info_lists_models_and_conditions(capsys):
    assert cli.main(["info"]) == 0
    text = capsys.readouterr().out
    assert "soplata2023" in text and "propofol" in text and "cpp" in text
