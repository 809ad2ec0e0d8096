"""A battery of bad inputs: each gets a clear, early error and leaves nothing behind.

Every case asserts
* the exception type;
* that the message names the setting (or the file) at fault;
* that it comes before anything is built: the one entry point of every column builder
  (``ColumnModel.build``) is patched to fail if reached, so nothing can be compiled either;
* that no file or folder is left in the working folder.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import wholebrain as wb
from wholebrain import columns
from wholebrain.connectome import Connectome
from wholebrain.engine.cpp import compile_brain
from wholebrain.objective import FeatureSpec
from wholebrain.studies import parallel
from wholebrain.studies.fit import FitParameter, fit
from wholebrain.studies.lesion import lesion_study
from wholebrain.studies.scan import scan

LABELS = ["rA1", "rA2", "rV1", "lV1"]


def con4() -> Connectome:
    return wb.load_connectome("tvb76").subset(LABELS)


def brain(**kw: Any) -> wb.BrainModel:
    return wb.BrainModel(con4(), **{"global_coupling": 1.0, "overrides": {"scale": 0.2}, **kw})


def col(**kw: Any) -> wb.BrainModel:
    return wb.BrainModel.single_column("soplata2023", "propofol", **kw)


def connectome(**kw: Any) -> Connectome:
    n = 3
    args = {
        "labels": ["a", "b", "c"],
        "weights": np.ones((n, n)) - np.eye(n),
        "tract_lengths_mm": np.full((n, n), 10.0),
        "centres_mm": np.zeros((n, 3)),
        "frame": "unknown",
        "hemispheres": ["", "", ""],
        "cortical": [True] * n,
        **kw,
    }
    return Connectome(**args)


class _Target:
    """A fake recording (not an mne Raw) for the fit's type check."""


# ------------------------------------------------------------------------------ the cases
def _files(kind: str) -> Callable[[Path], Path]:
    """Writers of bad input files into ``given/`` (left alone by the no-file check)."""

    def write(given: Path) -> Path:
        given.mkdir(exist_ok=True)
        if kind == "ragged_csv":
            path = given / "w.csv"
            path.write_text("1,2,3\n4,5\n6,7,8\n")
        elif kind == "text_csv":
            path = given / "w.csv"
            path.write_text("1,2,3\n4,x,6\n7,8,9\n")
        elif kind == "npz_no_labels":
            path = given / "c.npz"
            np.savez(path, weights=np.ones((2, 2)))
        elif kind == "npz_not_zip":
            path = given / "c.npz"
            path.write_bytes(b"not a zip at all")
        elif kind == "corrupt_zip":
            path = given / "c.zip"
            with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
                z.writestr("weights.txt", "1 0\n0 1\n" * 200)
            raw = bytearray(path.read_bytes())
            start = raw.find(b"weights.txt") + len(b"weights.txt")
            raw[start + 10 : start + 40] = b"\x00" * 30  # damage the compressed member
            path.write_bytes(bytes(raw))
        elif kind == "not_square":
            path = given / "w.npy"
            np.save(path, np.ones((2, 3)))
        elif kind == "a_file":
            path = given / "file.txt"
            path.write_text("x")
        elif kind == "bad_toml":
            path = given / "c.toml"
            path.write_text("duration = = 2\n")
        else:
            raise AssertionError(kind)
        return path

    return write


#: (id, call(given folder) -> anything, exception type, regex the message must match)
Case = tuple[str, Callable[[Path], Any], type[BaseException], str]

CASES: list[Case] = [
    # --- connectome ----------------------------------------------------------------------
    (
        "con-weights-nan",
        lambda g: connectome(weights=np.full((3, 3), np.nan)),
        ValueError,
        "weights",
    ),
    ("con-weights-negative", lambda g: connectome(weights=-np.ones((3, 3))), ValueError, "weights"),
    (
        "con-weights-not-square",
        lambda g: connectome(weights=np.ones((3, 2))),
        ValueError,
        "weights",
    ),
    ("con-weights-text", lambda g: connectome(weights=[["a"] * 3] * 3), ValueError, "weights"),
    (
        "con-lengths-shape",
        lambda g: connectome(tract_lengths_mm=np.ones((2, 2))),
        ValueError,
        "tract_lengths",
    ),
    (
        "con-lengths-negative",
        lambda g: connectome(tract_lengths_mm=-np.ones((3, 3))),
        ValueError,
        "tract_length",
    ),
    ("con-labels-duplicate", lambda g: connectome(labels=["a", "a", "c"]), ValueError, "label"),
    ("con-labels-empty", lambda g: connectome(labels=["a", "", "c"]), ValueError, "label"),
    ("con-labels-string", lambda g: connectome(labels="abc"), TypeError, "labels"),
    ("con-unknown-atlas", lambda g: wb.load_connectome("tvb77"), ValueError, "atlas"),
    (
        "con-missing-file",
        lambda g: wb.load_connectome(g / "none.npz"),
        FileNotFoundError,
        "none.npz",
    ),
    (
        "con-ragged-csv",
        lambda g: wb.load_connectome(_files("ragged_csv")(g)),
        ValueError,
        "w.csv.*different numbers of cells",
    ),
    (
        "con-text-csv",
        lambda g: wb.load_connectome(_files("text_csv")(g)),
        ValueError,
        "w.csv.*non-numeric",
    ),
    (
        "con-npz-no-labels",
        lambda g: wb.load_connectome(_files("npz_no_labels")(g)),
        ValueError,
        "c.npz.*labels",
    ),
    (
        "con-npz-not-zip",
        lambda g: wb.load_connectome(_files("npz_not_zip")(g)),
        ValueError,
        "c.npz",
    ),
    (
        "con-corrupt-zip",
        lambda g: wb.load_connectome(_files("corrupt_zip")(g)),
        ValueError,
        "c.zip",
    ),
    (
        "con-not-square-npy",
        lambda g: wb.load_connectome(_files("not_square")(g)),
        ValueError,
        "w.npy",
    ),
    ("con-subset-unknown", lambda g: con4().subset(["rA1", "nowhere"]), ValueError, "nowhere"),
    ("con-subset-string", lambda g: con4().subset("rA1"), TypeError, "one string"),
    ("con-delays-velocity-0", lambda g: con4().delays_ms(0.0), ValueError, "velocity"),
    ("con-delays-dt-0", lambda g: con4().delays_ms(3.0, dt_ms=0.0), ValueError, "dt_ms"),
    ("con-normalized-mode", lambda g: con4().normalized("biggest"), ValueError, "biggest"),
    ("con-remove-edges-pair", lambda g: con4().remove_edges(["rA1"]), TypeError, "pairs"),
    # --- BrainModel ----------------------------------------------------------------------
    *[
        (f"brain-{name}-{tag}", (lambda g, n=name, v=value: brain(**{n: v})), ValueError, name)
        for name in ("global_coupling", "velocity", "g_long_range")
        for tag, value in (
            ("negative", -1.0),
            ("nan", float("nan")),
            ("text", "2"),
            ("bool", True),
            ("none", None),
            ("list", [1.0]),
        )
    ],
    ("brain-velocity-zero", lambda g: brain(velocity=0.0), ValueError, "velocity"),
    ("brain-velocity-inf", lambda g: brain(velocity=float("inf")), ValueError, "velocity"),
    (
        "brain-velocity-volt",
        lambda g: brain(velocity=3 * __import__("brian2").volt),
        ValueError,
        "velocity.*m/s",
    ),
    (
        "brain-coupling-volt",
        lambda g: brain(global_coupling=1 * __import__("brian2").volt),
        ValueError,
        "global_coupling.*dimensionless",
    ),
    (
        "brain-inputs-fraction",
        lambda g: brain(long_range_inputs=1.5),
        ValueError,
        "long_range_inputs",
    ),
    (
        "brain-inputs-negative",
        lambda g: brain(long_range_inputs=-1),
        ValueError,
        "long_range_inputs",
    ),
    ("brain-inputs-text", lambda g: brain(long_range_inputs="20"), ValueError, "long_range_inputs"),
    ("brain-normalization", lambda g: brain(normalization="biggest"), ValueError, "normalization"),
    ("brain-normalization-type", lambda g: brain(normalization=1), ValueError, "normalization"),
    ("brain-column-unknown", lambda g: brain(column="hh1952"), ValueError, "hh1952"),
    ("brain-column-type", lambda g: brain(column=3), TypeError, "column"),
    ("brain-condition-unknown", lambda g: brain(condition="sleep"), ValueError, "sleep"),
    ("brain-condition-type", lambda g: brain(condition=None), TypeError, "condition"),
    ("brain-override-unknown", lambda g: brain(overrides={"g_hh": 1.0}), ValueError, "g_hh"),
    ("brain-override-text", lambda g: brain(overrides={"g_h": "high"}), ValueError, "g_h"),
    ("brain-override-negative", lambda g: brain(overrides={"g_h": -1.0}), ValueError, "g_h"),
    ("brain-override-nan", lambda g: brain(overrides={"g_h": float("nan")}), ValueError, "g_h"),
    ("brain-overrides-type", lambda g: brain(overrides=[("g_h", 1.0)]), TypeError, "overrides"),
    (
        "brain-region-override-unknown",
        lambda g: brain(region_overrides={"nowhere": {}}),
        ValueError,
        "region_overrides.*nowhere",
    ),
    (
        "brain-region-override-bad",
        lambda g: brain(region_overrides={"rA1": {"g_h": "x"}}),
        ValueError,
        "g_h",
    ),
    (
        "brain-disconnected-unknown",
        lambda g: brain(disconnected=("nowhere",)),
        ValueError,
        "disconnected.*nowhere",
    ),
    ("brain-disconnected-string", lambda g: brain(disconnected="rA1"), TypeError, "disconnected"),
    ("brain-removed-all", lambda g: brain(removed=tuple(LABELS)), ValueError, "removed"),
    ("brain-removed-string", lambda g: brain(removed="rA1"), TypeError, "removed"),
    (
        "brain-cut-unknown",
        lambda g: brain(cut_edges=(("rA1", "nowhere"),)),
        ValueError,
        "cut_edges",
    ),
    (
        "brain-cut-triple",
        lambda g: brain(cut_edges=(("rA1", "rA2", "rV1"),)),
        ValueError,
        "cut_edges",
    ),
    ("brain-senders-string", lambda g: brain(senders="PY"), TypeError, "senders"),
    ("brain-senders-unknown", lambda g: brain(senders=("XX",)), ValueError, "XX"),
    ("brain-receivers-unknown", lambda g: brain(receivers=("YY",)), ValueError, "YY"),
    ("brain-connectome-type", lambda g: wb.BrainModel("tvb76"), TypeError, "connectome"),
    ("brain-no-labels", lambda g: wb.BrainModel(), ValueError, "label"),
    ("brain-labels-duplicate", lambda g: wb.BrainModel(labels=("a", "a")), ValueError, "unique"),
    ("brain-labels-string", lambda g: wb.BrainModel(labels="ab"), TypeError, "labels"),
    ("brain-independent-zero", lambda g: wb.BrainModel.independent(0), ValueError, "n "),
    ("brain-scale-zero", lambda g: col(scale=0.0), ValueError, "scale"),
    ("brain-thalamus-unknown", lambda g: col(thalamus="lgn"), ValueError, "thalamus"),
    ("brain-depression-unknown", lambda g: col(depression="often"), ValueError, "depression"),
    (
        "cheap-param-text",
        lambda g: (
            wb.BrainModel.single_column("lif_ei", "awake", tau_m_ms="x")
            if "awake" in columns.get("lif_ei").conditions
            else wb.BrainModel.single_column(
                "lif_ei", columns.get("lif_ei").conditions[0], n_exc="x"
            )
        ),
        ValueError,
        "must be a number|n_exc|tau_m_ms",
    ),
    (
        "cheap-param-unknown",
        lambda g: wb.BrainModel.single_column(
            "izhikevich_stp", columns.get("izhikevich_stp").conditions[0], w_xx=1.0
        ),
        ValueError,
        "w_xx",
    ),
    # --- simulate ------------------------------------------------------------------------
    *[
        (f"sim-duration-{tag}", (lambda g, v=value: wb.simulate(col(), v)), ValueError, "duration")
        for tag, value in (
            ("zero", 0.0),
            ("negative", -1.0),
            ("nan", float("nan")),
            ("inf", float("inf")),
            ("text", "0.01"),
            ("word", "abc"),
            ("bool", True),
            ("none", None),
            ("list", [1.0]),
            ("below-a-step", 1e-9),
            ("not-whole-steps", 0.0100005),
        )
    ],
    (
        "sim-duration-volt",
        lambda g: wb.simulate(col(), 1 * __import__("brian2").volt),
        ValueError,
        "duration.*units of s",
    ),
    *[
        (
            f"sim-seed-{tag}",
            (lambda g, v=value: wb.simulate(col(), 0.01, seed=v)),
            ValueError,
            "seed",
        )
        for tag, value in (
            ("word", "abc"),
            ("none", None),
            ("negative", -1),
            ("huge", 2**70),
            ("fraction", 1.5),
            ("bool", True),
            ("nan", float("nan")),
        )
    ],
    (
        "sim-backend-unknown",
        lambda g: wb.simulate(col(), 0.01, backend="gpu"),
        ValueError,
        "backend",
    ),
    ("sim-backend-type", lambda g: wb.simulate(col(), 0.01, backend=None), ValueError, "backend"),
    *[
        (
            f"sim-threads-{tag}",
            (lambda g, v=value: wb.simulate(col(), 0.01, threads=v)),
            ValueError,
            "threads",
        )
        for tag, value in (
            ("zero", 0),
            ("fraction", 1.5),
            ("text", "2"),
            ("negative", -2),
            ("word", "many"),
        )
    ],
    *[
        (
            f"sim-dt-{tag}",
            (lambda g, v=value: wb.simulate(col(), 0.01, dt_ms=v)),
            ValueError,
            "dt_ms",
        )
        for tag, value in (
            ("zero", 0.0),
            ("negative", -0.01),
            ("text", "0.01"),
            ("nan", float("nan")),
        )
    ],
    (
        "sim-record-dt-not-multiple",
        lambda g: wb.simulate(col(), 0.01, record_dt_ms=0.015),
        ValueError,
        "record_dt_ms",
    ),
    (
        "sim-record-dt-negative",
        lambda g: wb.simulate(col(), 0.01, record_dt_ms=-1.0),
        ValueError,
        "record_dt_ms",
    ),
    (
        "sim-record-states-pop",
        lambda g: wb.simulate(col(), 0.01, record_states={"XX": ["v"]}),
        ValueError,
        "record_states.*XX",
    ),
    (
        "sim-record-states-type",
        lambda g: wb.simulate(col(), 0.01, record_states=["v"]),
        ValueError,
        "record_states",
    ),
    (
        "sim-record-cells-zero",
        lambda g: wb.simulate(col(), 0.01, record_cells=0),
        ValueError,
        "record_cells",
    ),
    (
        "sim-checkpoint-runtime",
        lambda g: wb.simulate(col(), 0.01, checkpoint=g / "ck"),
        ValueError,
        "backend='cpp'",
    ),
    (
        "sim-chunk-no-checkpoint",
        lambda g: wb.simulate(col(), 0.01, chunk=0.005),
        ValueError,
        "chunk",
    ),
    (
        "sim-chunk-zero",
        lambda g: wb.simulate(col(), 0.01, backend="cpp", checkpoint="ck", chunk=0.0),
        ValueError,
        "chunk",
    ),
    (
        "sim-chunk-longer",
        lambda g: wb.simulate(col(), 0.01, backend="cpp", checkpoint="ck", chunk=1.0),
        ValueError,
        "chunk.*longer",
    ),
    (
        "sim-chunk-text",
        lambda g: wb.simulate(col(), 0.01, backend="cpp", checkpoint="ck", chunk="0.005"),
        ValueError,
        "chunk",
    ),
    (
        "sim-checkpoint-is-file",
        lambda g: wb.simulate(col(), 0.01, backend="cpp", checkpoint=_files("a_file")(g)),
        ValueError,
        "checkpoint.*file.txt",
    ),
    ("sim-model-type", lambda g: wb.simulate("brain", 0.01), AttributeError, "column_model"),
    # --- compile_brain -------------------------------------------------------------------
    ("compile-duration-text", lambda g: compile_brain(col(), "1"), ValueError, "duration"),
    (
        "compile-threads-zero",
        lambda g: compile_brain(col(), 0.01, threads=0),
        ValueError,
        "threads",
    ),
    (
        "compile-seed-negative",
        lambda g: compile_brain(col(), 0.01, connectivity_seed=-1),
        ValueError,
        "connectivity_seed",
    ),
    ("compile-dt-zero", lambda g: compile_brain(col(), 0.01, dt_ms=0), ValueError, "dt_ms"),
    (
        "compile-record-dt",
        lambda g: compile_brain(col(), 0.01, record_dt_ms=0.015),
        ValueError,
        "record_dt_ms",
    ),
    # --- forward -------------------------------------------------------------------------
    ("fwd-head-unknown", lambda g: wb.make_forward(con4(), head="helmet"), ValueError, "head"),
    (
        "fwd-combine-unknown",
        lambda g: wb.make_forward(con4(), combine="median"),
        ValueError,
        "combine",
    ),
    ("fwd-connectome-none", lambda g: wb.make_forward(None), (TypeError, ValueError), "connectome"),
    (
        "fwd-scale-nan",
        lambda g: __import__("wholebrain.forward").forward.calibrated_scale(float("nan")),
        ValueError,
        "offset",
    ),
    # --- fit -----------------------------------------------------------------------------
    ("fitparam-inverted", lambda g: FitParameter("g_h", 1.0, 0.5), ValueError, "g_h"),
    ("fitparam-empty", lambda g: FitParameter("g_h", 1.0, 1.0), ValueError, "g_h"),
    ("fitparam-log-zero", lambda g: FitParameter("g_h", 0.0, 1.0, log=True), ValueError, "g_h"),
    ("fitparam-inf", lambda g: FitParameter("g_h", 0.0, float("inf")), ValueError, "g_h"),
    ("fitparam-parse-no-eq", lambda g: FitParameter.parse("g_h0:1"), ValueError, "NAME=LOW"),
    ("fitparam-parse-text", lambda g: FitParameter.parse("g_h=a:b"), ValueError, "g_h"),
    ("fitparam-parse-log", lambda g: FitParameter.parse("g_h=0.1:1:lin"), ValueError, "NAME=LOW"),
    *[
        (
            f"fit-{tag}",
            (
                lambda g, kw=kw: fit(
                    brain(),
                    kw.pop("params", [FitParameter("propofol_level", 0.0, 1.0)]),
                    kw.pop("target", {"alpha[frontal]": 0.0}),
                    progress=False,
                    **kw,
                )
            ),
            exc,
            msg,
        )
        for tag, kw, exc, msg in (
            ("unknown-name", {"params": [FitParameter("g_hh", 0, 1)]}, ValueError, "g_hh"),
            ("structural", {"params": [FitParameter("scale", 0.1, 1)]}, ValueError, "scale"),
            ("velocity", {"params": [FitParameter("velocity", 1, 5)]}, ValueError, "velocity"),
            (
                "twice",
                {"params": [FitParameter("g_h", 0.1, 1), FitParameter("g_h", 0.1, 1)]},
                ValueError,
                "g_h",
            ),
            ("none", {"params": []}, ValueError, "FitParameter"),
            (
                "scope-unknown",
                {"params": [FitParameter("g_h@occipital", 0.1, 1)]},
                ValueError,
                "occipital",
            ),
            (
                "scope-field",
                {"params": [FitParameter("global_coupling@frontal", 0, 1)]},
                ValueError,
                "global_coupling",
            ),
            ("bounds-invalid", {"params": [FitParameter("g_h", -1.0, 1.0)]}, ValueError, "g_h"),
            ("evaluations-zero", {"n_evaluations": 0}, ValueError, "n_evaluations"),
            ("evaluations-text", {"n_evaluations": "5"}, ValueError, "n_evaluations"),
            ("seed-negative", {"seed": -1}, ValueError, "seed"),
            ("seed-text", {"seed": "1"}, ValueError, "seed"),
            ("workers-zero", {"workers": 0}, ValueError, "workers"),
            ("threads-zero", {"threads": 0}, ValueError, "threads"),
            ("transient-long", {"duration": 5.0, "transient": 5.0}, ValueError, "transient"),
            ("transient-negative", {"transient": -1.0}, ValueError, "transient"),
            ("duration-short", {"duration": 2.0}, ValueError, "spectral window"),
            ("duration-text", {"duration": "10"}, ValueError, "duration"),
            ("target-type", {"target": _Target()}, TypeError, "target"),
            ("forward-type", {"forward": "default"}, TypeError, "forward"),
        )
    ],
    (
        "fit-no-connectome",
        lambda g: fit(col(), [FitParameter("g_h", 0.1, 1)], {}, progress=False),
        ValueError,
        "connectome",
    ),
    # --- scan ----------------------------------------------------------------------------
    ("scan-no-points", lambda g: scan(brain(), [], {"a": {}}, progress=False), ValueError, "point"),
    (
        "scan-empty-point",
        lambda g: scan(brain(), [{}], {"a": {}}, progress=False),
        ValueError,
        "point",
    ),
    (
        "scan-unknown-name",
        lambda g: scan(brain(), [{"g_hh": 1.0}], {"a": {}}, progress=False),
        ValueError,
        "g_hh",
    ),
    (
        "scan-bad-value",
        lambda g: scan(brain(), [{"g_h": -1.0}], {"a": {}}, progress=False),
        ValueError,
        "g_h",
    ),
    (
        "scan-no-targets",
        lambda g: scan(brain(), [{"g_h": 0.1}], {}, progress=False),
        ValueError,
        "target",
    ),
    (
        "scan-extra-specs-dict",
        lambda g: scan(
            brain(), [{"g_h": 0.1}], {"a": {}}, extra_features={"b": FeatureSpec()}, progress=False
        ),
        ValueError,
        "extra_features",
    ),
    (
        "scan-parse-point",
        lambda g: __import__("wholebrain.studies.parameters").studies.parameters.parse_point(
            "g_h=x"
        ),
        ValueError,
        "NAME=VALUE",
    ),
    # --- lesion --------------------------------------------------------------------------
    (
        "lesion-unknown-region",
        lambda g: lesion_study(brain(), ["nowhere"], progress=False),
        ValueError,
        "nowhere",
    ),
    (
        "lesion-twice",
        lambda g: lesion_study(brain(), ["rA1", "rA1"], progress=False),
        ValueError,
        "once",
    ),
    (
        "lesion-uncoupled",
        lambda g: lesion_study(brain(global_coupling=0.0), progress=False),
        ValueError,
        "global_coupling",
    ),
    (
        "lesion-one-region",
        lambda g: lesion_study(col(), progress=False),
        ValueError,
        "two connected regions",
    ),
    (
        "lesion-removed",
        lambda g: lesion_study(brain(removed=("lV1",)), progress=False),
        ValueError,
        "removed",
    ),
    (
        "lesion-short",
        lambda g: lesion_study(brain(), duration=2.0, progress=False),
        ValueError,
        "spectral window",
    ),
    ("lesion-seed", lambda g: lesion_study(brain(), seed=1.5, progress=False), ValueError, "seed"),
    (
        "lesion-workers",
        lambda g: lesion_study(brain(), workers=-1, progress=False),
        ValueError,
        "workers",
    ),
    (
        "lesion-record-folder",
        lambda g: lesion_study(brain(), record=_files("a_file")(g).parent, progress=False),
        ValueError,
        "folder",
    ),
    # --- Dask ----------------------------------------------------------------------------
    (
        "dask-workers-zero",
        lambda g: parallel.dask_client(None, 0).__enter__(),
        ValueError,
        "workers",
    ),
    (
        "dask-timeout-zero",
        lambda g: parallel.dask_client("tcp://127.0.0.1:9", 1, 0.0).__enter__(),
        ValueError,
        "timeout_s",
    ),
    (
        "dask-address-empty",
        lambda g: parallel.dask_client(" ", 1).__enter__(),
        ValueError,
        "scheduler",
    ),
]


def _raw(data: np.ndarray | None = None) -> Any:
    """Two seconds of 3-channel sensor EEG (V)."""
    import mne

    data = np.random.default_rng(0).normal(0, 1e-5, (3, 200)) if data is None else data
    return mne.io.RawArray(data, mne.create_info(["Fz", "Cz", "Pz"], 100.0, "eeg"),
                           verbose=False)  # fmt: skip


def _export(given: Path, name: str, data: np.ndarray | None = None, **kw: Any) -> Any:
    from wholebrain import export

    return export.export_raw(_raw(data), name.replace("{given}", str(given)), **kw)


def _existing(given: Path, name: str) -> Path:
    given.mkdir(exist_ok=True)
    (given / name).write_text("the user's file")
    return given


EXPORT_CASES: list[Case] = [
    ("export-suffix-unknown", lambda g: _export(g, "out.xyz"), ValueError, "xyz"),
    (
        "export-nan",
        lambda g: _export(g, "out.fif", np.full((3, 200), np.nan)),
        ValueError,
        "NaN|nan",
    ),
    (
        "export-inf-csv",
        lambda g: _export(g, "out.csv", np.full((3, 200), np.inf)),
        ValueError,
        "inf",
    ),
    (
        "export-edf-range",
        lambda g: _export(g, "out.edf", np.full((3, 200), 1e3)),
        ValueError,
        "EDF",
    ),
    (
        "export-existing-target",
        lambda g: _export(_existing(g, "a.fif"), "{given}/a.fif"),
        FileExistsError,
        "a.fif.*overwrite",
    ),
    (
        "export-existing-companion",
        lambda g: _export(_existing(g, "a.eeg"), "{given}/a.vhdr"),
        FileExistsError,
        "a.eeg",
    ),
    (
        "export-existing-sidecar",
        lambda g: _export(_existing(g, "a.json"), "{given}/a.csv"),
        FileExistsError,
        "a.json",
    ),
    (
        "export-folder-missing",
        lambda g: _export(g, "nowhere/out.fif"),
        FileNotFoundError,
        "nowhere",
    ),
    (
        "export-parent-is-file",
        lambda g: _export(_existing(g, "f.txt"), "{given}/f.txt/out.fif"),
        NotADirectoryError,
        "f.txt",
    ),
]
CASES += EXPORT_CASES
CASES.append(("lesion-one-region-as-text", lambda g: lesion_study(brain(), "nowhere",
                                                                  progress=False),
              ValueError, "\\['nowhere'\\]"))  # fmt: skip


def _cli(given: Path, *argv: str) -> None:
    from wholebrain import cli

    cli.main([str(a).replace("{given}", str(given)) for a in argv])


def _toml(text: str) -> Callable[[Path], Any]:
    def call(given: Path) -> Any:
        given.mkdir(exist_ok=True)
        (given / "c.toml").write_text(text)
        return _cli(given, "run", "--config", str(given / "c.toml"), "--out", "out")

    return call


CLI_CASES: list[tuple[str, Callable[[Path], Any], str]] = [
    ("cli-head-unknown", lambda g: _cli(g, "run", "--head", "helmet", "--out", "out"), "head"),
    (
        "cli-duration-word",
        lambda g: _cli(g, "run", "--duration", "abc", "--out", "out"),
        "--duration",
    ),
    ("cli-duration-zero", lambda g: _cli(g, "run", "--duration", "0", "--out", "out"), "duration"),
    ("cli-seed-negative", lambda g: _cli(g, "run", "--seed", "-1", "--out", "out"), "seed"),
    ("cli-seed-huge", lambda g: _cli(g, "run", "--seed", str(2**70), "--out", "out"), "seed"),
    ("cli-threads-zero", lambda g: _cli(g, "run", "--threads", "0", "--out", "out"), "threads"),
    ("cli-threads-word", lambda g: _cli(g, "run", "--threads", "all", "--out", "out"), "--threads"),
    ("cli-gain-negative", lambda g: _cli(g, "run", "--gain", "-1", "--out", "out"), "gain"),
    ("cli-velocity-zero", lambda g: _cli(g, "run", "--velocity", "0", "--out", "out"), "velocity"),
    ("cli-atlas-unknown", lambda g: _cli(g, "run", "--atlas", "tvb77", "--out", "out"), "atlas"),
    (
        "cli-column-unknown",
        lambda g: _cli(g, "run", "--column", "hh", "--atlas", "column", "--out", "out"),
        "hh",
    ),
    (
        "cli-condition-unknown",
        lambda g: _cli(g, "run", "--condition", "sleep", "--atlas", "column", "--out", "out"),
        "sleep",
    ),
    ("cli-set-no-eq", lambda g: _cli(g, "run", "--set", "g_h", "--out", "out"), "--set"),
    (
        "cli-set-text",
        lambda g: _cli(g, "run", "--set", "g_h=abc", "--atlas", "column", "--out", "out"),
        "g_h",
    ),
    (
        "cli-set-unknown",
        lambda g: _cli(g, "run", "--set", "g_hh=1", "--atlas", "column", "--out", "out"),
        "g_hh",
    ),
    (
        "cli-backend-unknown",
        lambda g: _cli(g, "run", "--backend", "gpu", "--atlas", "column", "--out", "out"),
        "backend",
    ),
    (
        "cli-chunk-no-checkpoint",
        lambda g: _cli(g, "run", "--chunk", "0.5", "--atlas", "column", "--out", "out"),
        "chunk",
    ),
    ("cli-out-is-file", lambda g: _cli(g, "run", "--out", str(_files("a_file")(g))), "out"),
    ("cli-config-missing", lambda g: _cli(g, "run", "--config", "none.toml"), "none.toml"),
    (
        "cli-config-invalid",
        lambda g: _cli(g, "run", "--config", str(_files("bad_toml")(g))),
        "TOML",
    ),
    ("cli-toml-unknown-key", _toml("durration = 2\n"), "durration"),
    ("cli-toml-duration-text", _toml('duration = "0.01"\n'), "duration"),
    ("cli-toml-seed-float", _toml("seed = 1.5\n"), "seed"),
    ("cli-toml-set-string", _toml('set = "g_h=0.1"\n'), "set"),
    ("cli-toml-parameters-list", _toml("parameters = [1, 2]\n"), "parameters"),
    ("cli-toml-parameter-table", _toml("[parameters]\ng_h = { a = 1 }\n"), "g_h"),
    ("cli-toml-atlas-number", _toml("atlas = 76\n"), "atlas"),
    ("cli-toml-set-applies", _toml('atlas = "column"\nset = ["g_hh=0.1"]\n'), "g_hh"),
    (
        "cli-fit-no-eeg",
        lambda g: _cli(g, "fit", "--param", "propofol_level=0:1", "--out", "out"),
        "--eeg",
    ),
    (
        "cli-fit-bad-param",
        lambda g: _cli(g, "fit", "--param", "g_h=1:0", "--eeg", "purdon:awake", "--out", "out"),
        "g_h",
    ),
    (
        "cli-fit-evaluations-zero",
        lambda g: _cli(g, "fit", "--evaluations", "0", "--out", "out"),
        "evaluations",
    ),
    ("cli-fit-workers-zero", lambda g: _cli(g, "fit", "--workers", "0", "--out", "out"), "workers"),
    (
        "cli-lesion-region-unknown",
        lambda g: _cli(g, "lesion", "--regions", "nowhere", "--out", "out"),
        "nowhere",
    ),
    (
        "cli-lesion-transient",
        lambda g: _cli(g, "lesion", "--transient", "-1", "--out", "out"),
        "transient",
    ),
    ("cli-export-missing", lambda g: _cli(g, "export", "none.npz", "out.fif"), "none.npz"),
    (
        "cli-export-format",
        lambda g: _cli(g, "export", str(_files("a_file")(g)), "out.xyz"),
        "file.txt|xyz",
    ),
]


# ------------------------------------------------------------------------------ harness
@pytest.fixture
def guarded(tmp_path, monkeypatch):
    """Work in an empty folder, with every network build failing loudly."""

    def no_build(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a network was built: the error came too late")

    monkeypatch.setattr(columns.ColumnModel, "build", no_build)
    monkeypatch.chdir(tmp_path)
    given = tmp_path / "given"
    yield given
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "given")
    assert not left, f"left behind: {left}"
    made = sorted(p.name for p in given.rglob("*") if p.is_file() and "user" not in p.read_text(
        errors="ignore")) if given.exists() else []  # fmt: skip
    prepared = {"w.csv", "c.npz", "c.zip", "w.npy", "file.txt", "c.toml"}
    assert set(made) <= prepared, f"written next to the user's files: {made}"


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_bad_input_fails_early_with_a_message_that_names_it(case, guarded):
    _, call, exc, message = case
    with pytest.raises(exc, match=message):
        call(guarded)


@pytest.mark.parametrize("case", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_a_bad_command_line_fails_with_one_line_naming_it(case, guarded, capsys):
    _, call, message = case
    with pytest.raises(SystemExit) as info:
        call(guarded)
    text = str(info.value.code) if not isinstance(info.value.code, int) else capsys.readouterr().err
    assert info.value.code != 0
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    assert lines and len(lines[-1]) > 10, text
    assert re.search(message, text), text
    assert "Traceback" not in text


def test_the_battery_holds_at_least_150_bad_inputs():
    assert len(CASES) + len(CLI_CASES) >= 150


def test_names_of_the_cases_are_unique():
    names = [c[0] for c in CASES] + [c[0] for c in CLI_CASES]
    assert len(set(names)) == len(names)


# ------------------------------------------------------------------------------ worst cases
@pytest.fixture(scope="module")
def other_forward():
    """A real forward model, built for other regions than the small brain's."""
    return wb.make_forward(wb.load_connectome("tvb76").subset(["rA1", "rA2"]))


def test_quantities_of_the_wrong_dimension_are_refused(guarded):
    """`simulate(brain, 1*volt)` ran 1 s; `BrainModel(velocity=3*volt, ...)` was accepted."""
    import brian2 as b2

    with pytest.raises(ValueError, match="duration .*not in units of s"):
        wb.simulate(col(), 1 * b2.volt)
    with pytest.raises(ValueError, match="velocity .*not in units of m/s"):
        brain(velocity=3 * b2.volt)
    with pytest.raises(ValueError, match="global_coupling .*not dimensionless"):
        brain(global_coupling=1 * b2.volt)
    assert brain(velocity=3 * b2.meter / b2.second).velocity == 3.0  # the right one is taken
    from wholebrain.engine.settings import seconds

    assert seconds(50 * b2.ms, "duration") == pytest.approx(0.05)


@pytest.mark.parametrize("study", ["fit", "lesion"])
def test_a_forward_model_of_other_regions_is_refused_before_compiling(study, guarded,
                                                                      other_forward):  # fmt: skip
    with pytest.raises(ValueError, match="forward model was built for other regions"):
        if study == "fit":
            fit(brain(), [FitParameter("g_h", 0.1, 1.0)], {"alpha[frontal]": 0.0},
                forward=other_forward, history="h.jsonl", progress=False)  # fmt: skip
        else:
            lesion_study(brain(), forward=other_forward, record="r.jsonl", progress=False)


def test_checkpoints_and_chunks_are_checked_before_compiling(guarded):
    given = guarded
    a_file = _files("a_file")(given)
    for kwargs, message in (
        ({"checkpoint": a_file}, "is a file"),
        ({"checkpoint": "ck", "chunk": -1.0}, "chunk must be > 0"),
        ({"checkpoint": "ck", "chunk": 0.5}, "longer than the run"),
    ):
        with pytest.raises(ValueError, match=message):
            wb.simulate(col(), 0.01, backend="cpp", **kwargs)


def test_an_unknown_recorded_variable_is_named(tmp_path):
    with pytest.raises(ValueError, match="cannot record \\['vv'\\] of 'PY'"):
        wb.simulate(col(scale=0.2), 0.001, record_states={"PY": ["vv"]})
