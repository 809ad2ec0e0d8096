"""Checkpoint folders: a long run split into chunks, with its full state kept after each.

Layout of a checkpoint folder::

    checkpoint.json    what run this is, how many chunks are done, which state folder is live
    chunks/00000.npz   the outputs of each finished chunk (a SimulationResult)
    state-00003/       the full state after the last finished chunk (Brian2's arrays, the
                       spike queues and the random generators; see wholebrain/engine/control.py)
    result.npz         the whole run, once every chunk is done

Every step is atomic: a chunk's outputs are saved, its state folder is renamed into place,
and only then does ``checkpoint.json`` (written to a temporary file and renamed) say the
chunk is done; the previous state folder is deleted last. A run killed at any moment
resumes from the last chunk that ``checkpoint.json`` names, and folders it does not name are
leftovers of the killed chunk, removed on resume.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..result import SimulationResult, load_result
from .execute import execute
from .settings import seconds

_META = "checkpoint.json"
_FORMAT = "wholebrain.checkpoint/1"


def chunk_bounds(duration_s: float, chunk_s: float) -> list[tuple[float, float]]:
    """``[(t0, t1), ...]`` covering ``duration_s`` in chunks of ``chunk_s`` (the last may be
    shorter), in seconds, without accumulated rounding."""
    n = int(np.ceil(duration_s / chunk_s - 1e-9))
    edges = [min(round(k * chunk_s, 12), duration_s) for k in range(n)] + [duration_s]
    return list(zip(edges[:-1], edges[1:], strict=True))


class Checkpoint:
    """One checkpoint folder (see the module docstring); open it with :meth:`open`."""

    def __init__(self, folder: Path, meta: dict[str, Any]) -> None:
        self.folder = folder
        self.meta = meta

    @classmethod
    def open(cls, folder: str | os.PathLike, identity: dict[str, Any]) -> Checkpoint:
        """Open ``folder`` for the run described by ``identity``: a new checkpoint if the
        folder is empty or absent, the earlier state of the same run otherwise.

        Raises
        ------
        ValueError
            If the folder holds a checkpoint of another run (nothing is overwritten).
        """
        folder = Path(folder)
        meta_path = folder / _META
        identity = json.loads(json.dumps(identity, sort_keys=True, default=str))
        if meta_path.exists():
            meta = json.loads(meta_path.read_text())
            if meta.get("identity") != identity:
                diff = sorted(
                    k
                    for k in set(identity) | set(meta.get("identity", {}))
                    if identity.get(k) != meta.get("identity", {}).get(k)
                )
                raise ValueError(
                    f"{folder} holds the checkpoint of another run (differs in: "
                    f"{', '.join(diff)}); use another folder or delete it"
                )
            store = cls(folder, meta)
            store._remove_leftovers()
            return store
        if folder.exists() and any(folder.iterdir()):
            raise ValueError(f"{folder} is not empty and holds no checkpoint; use another folder")
        (folder / "chunks").mkdir(parents=True, exist_ok=True)
        store = cls(folder, {"format": _FORMAT, "identity": identity, "chunks_done": 0,
                             "state": None, "finished": False})  # fmt: skip
        store._write_meta()
        return store

    # ---------------------------------------------------------------- queries
    @property
    def chunks_done(self) -> int:
        return int(self.meta["chunks_done"])

    @property
    def finished(self) -> bool:
        return bool(self.meta["finished"])

    @property
    def state_dir(self) -> Path | None:
        """Folder with the full state after the last finished chunk (None before any)."""
        state = self.meta["state"]
        return None if state is None else self.folder / state

    def scratch(self, k: int) -> Path:
        """Where chunk ``k`` writes while it runs."""
        return self.folder / f"running-{k:05d}"

    def result(self) -> SimulationResult:
        """The finished run."""
        return load_result(self.folder / "result.npz")

    # ---------------------------------------------------------------- updates
    def commit(self, k: int, chunk: SimulationResult, results_dir: Path) -> None:
        """Chunk ``k`` is done: keep its outputs and make its state the live one."""
        chunk.save(self.folder / "chunks" / f"{k:05d}.npz")
        state = f"state-{k:05d}"
        if (self.folder / state).exists():
            shutil.rmtree(self.folder / state)
        os.replace(results_dir, self.folder / state)
        old = self.state_dir
        self.meta.update(chunks_done=k + 1, state=state)
        self._write_meta()
        if old is not None and old.name != state:
            shutil.rmtree(old, ignore_errors=True)

    def finish(self, provenance: dict[str, Any]) -> SimulationResult:
        """Join the chunks into one result (with ``provenance["checkpoint"]``), save it and
        drop the state and chunk files."""
        chunks = [load_result(self.folder / "chunks" / f"{k:05d}.npz")
                  for k in range(self.chunks_done)]  # fmt: skip
        result = concatenate(chunks)
        result.provenance["checkpoint"] = provenance
        result.save(self.folder / "result.npz")
        old = self.state_dir
        self.meta.update(finished=True, state=None)
        self._write_meta()
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        shutil.rmtree(self.folder / "chunks", ignore_errors=True)
        return result

    def _write_meta(self) -> None:
        tmp = self.folder / (_META + ".tmp")
        tmp.write_text(json.dumps(self.meta, indent=1, sort_keys=True))
        os.replace(tmp, self.folder / _META)

    def _remove_leftovers(self) -> None:
        live = self.meta["state"]
        for path in self.folder.iterdir():
            if path.is_dir() and path.name.startswith(("running-", "state-")) and path.name != live:
                shutil.rmtree(path, ignore_errors=True)
        chunks = self.folder / "chunks"
        if chunks.exists():
            for path in chunks.glob("*.npz"):
                if int(path.stem) >= self.chunks_done:
                    path.unlink()


def concatenate(chunks: list[SimulationResult]) -> SimulationResult:
    """One result from consecutive chunks of the same run (times are already absolute)."""
    if not chunks:
        raise ValueError("no chunks to join")
    first = chunks[0]
    parts = {
        name: np.concatenate([c.eeg_proxy_parts[name] for c in chunks], axis=-1)
        for name in first.eeg_proxy_parts
    }
    signals = {k: np.concatenate([c.signals[k] for c in chunks], axis=-1) for k in first.signals}
    spikes = {pop: np.concatenate([c.spikes[pop] for c in chunks]) for pop in first.spikes}
    states = {k: np.concatenate([c.states[k] for c in chunks], axis=-1) for k in first.states}
    provenance = dict(first.provenance)
    provenance.pop("t0_s", None)
    return SimulationResult(
        region_labels=first.region_labels,
        eeg_proxy=np.concatenate([c.eeg_proxy for c in chunks], axis=-1),
        eeg_proxy_parts=parts,
        signals=signals,
        proxy_sfreq=first.proxy_sfreq,
        spikes=spikes,
        sizes=first.sizes,
        spike_sources=first.spike_sources,
        duration_s=float(sum(c.duration_s for c in chunks)),
        dt_ms=first.dt_ms,
        seed=first.seed,
        backend=first.backend,
        params=first.params,
        states=states,
        provenance=provenance,
    )


def check_checkpoint(folder: str | os.PathLike, duration_s: float, chunk: Any) -> float:
    """Check a checkpoint folder and chunk before anything is built; return the chunk, s.

    The folder must be a folder (or not exist yet) whose nearest existing parent is
    writable; the chunk must be > 0 and no longer than the run.
    """
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise ValueError(f"checkpoint {path} is a file, not a folder; give a folder")
    parent = path if path.exists() else next(p for p in path.absolute().parents if p.exists())
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"checkpoint {path}: cannot write in {parent}")
    chunk_s = min(duration_s, 1.0) if chunk is None else seconds(chunk, "chunk")
    if chunk_s > duration_s * (1 + 1e-12):
        raise ValueError(
            f"chunk {chunk_s:g} s is longer than the run ({duration_s:g} s); give a chunk of "
            "at most the duration"
        )
    return chunk_s


def run_checkpointed(
    brain: Any,
    seed: int,
    duration_s: float,
    folder: Path,
    chunk: Any,
    progress: bool,
    changes: dict[str, Any],
) -> SimulationResult:
    """Run a compiled brain (:class:`~wholebrain.engine.cpp.CompiledBrain`) in chunks of
    ``chunk`` seconds, keeping its full state in ``folder`` after each; resume or return
    what ``folder`` already holds of the same run."""
    chunk_s = check_checkpoint(folder, duration_s, chunk)
    brain.check_aligned(chunk_s, "chunk")
    model = brain.model_for(**changes)
    identity = {
        "model": model.describe(),
        "seed": seed,
        "duration_s": duration_s,
        "chunk_s": chunk_s,
        "dt_ms": brain.dt_ms,
        "record_dt_ms": brain.record_dt_ms,
        "threads": brain.threads,
        "connectivity_seed": brain.connectivity_seed,
        "lesions_as_zero": brain.lesions_as_zero,
    }
    store = Checkpoint.open(folder, identity)
    bounds = chunk_bounds(duration_s, chunk_s)
    t_run = time.perf_counter()
    if not store.finished:
        for k in range(store.chunks_done, len(bounds)):
            t0, t1 = bounds[k]
            spec = brain.prepare(
                seed,
                duration=round(t1 - t0, 12),
                results_dir=store.scratch(k),
                t0=t0,
                resume_from=store.state_dir if k > 0 else None,
                **changes,
            )
            spec = dataclasses.replace(spec, total_s=duration_s)
            if progress:
                print(f"wholebrain: chunk {k + 1} of {len(bounds)} ({t0:g}-{t1:g} s)",
                      file=sys.stderr, flush=True)  # fmt: skip
            execute(spec, progress=progress)
            store.commit(k, brain.collect(spec), Path(spec.results_dir))
            brain.n_runs += 1
        store.finish({"folder": str(folder), "chunk_s": chunk_s, "chunks": len(bounds)})
    result = store.result()
    result.provenance["timings"] = {"run_s": time.perf_counter() - t_run, "compile_s": 0.0}
    return result
