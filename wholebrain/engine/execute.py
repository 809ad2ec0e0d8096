"""One run of a compiled brain, as a subprocess: what a Dask worker runs.

Needs neither Brian2 nor its device: any process that sees the project folder can call
:func:`execute` with a :class:`RunSpec` that :meth:`wholebrain.engine.cpp.CompiledBrain.prepare`
wrote, and the process that compiled the brain reads the results
(:meth:`~wholebrain.engine.cpp.CompiledBrain.collect`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: lines of the binary's output that report progress (see control.cpp)
PROGRESS_TAG = "WBPROGRESS"


@dataclass(frozen=True)
class RunSpec:
    """Everything a process needs to run a compiled brain once (picklable).

    Attributes
    ----------
    project : str
        The compiled C++ project folder (its binary is ``main``).
    argv : tuple of str
        Arguments of the binary after ``--results_dir``.
    env : mapping
        Environment variables of the run (seed, duration, start time, resume folder).
    results_dir : str
        Where this run writes its arrays (unique per run).
    seed : int
    duration_s : float
    t0_s : float
        Simulated time at which the run starts (later chunks of a checkpointed run).
    changes : mapping
        The model fields this run changed (for :meth:`CompiledBrain.collect`).
    total_s : float, optional
        Duration of the whole checkpointed run this chunk belongs to (progress reports).
    """

    project: str
    argv: tuple[str, ...]
    env: Mapping[str, str]
    results_dir: str
    seed: int
    duration_s: float
    t0_s: float = 0.0
    changes: Mapping[str, Any] = field(default_factory=dict)
    total_s: float | None = None


def execute(spec: RunSpec, progress: bool = False) -> float:
    """Run the binary of ``spec.project`` once; return the wall time, s.

    Needs no Brian2 and no device: a Dask worker or another process can call it. The
    binary's output goes to ``<results_dir>/stdout.txt``; with ``progress`` its progress
    lines are printed as simulated/elapsed/remaining time.

    Raises
    ------
    RuntimeError
        When the binary fails, with the last lines it printed.
    """
    binary = Path(spec.project) / "main"
    if not binary.exists():
        raise RuntimeError(f"no compiled binary in {spec.project}; compile_brain() again")
    results = Path(spec.results_dir)
    results.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **spec.env}
    if progress:
        env["WHOLEBRAIN_REPORT_S"] = env.get("WHOLEBRAIN_REPORT_S", "5")
    cmd = [str(binary), "--results_dir", str(results) + os.sep, *spec.argv]
    tail: deque[str] = deque(maxlen=40)
    t0 = time.perf_counter()
    with open(results / "stdout.txt", "w") as log:
        proc = subprocess.Popen(
            cmd, cwd=spec.project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        for line in proc.stdout:
            log.write(line)
            tail.append(line.rstrip())
            if progress and line.startswith(PROGRESS_TAG):
                _print_progress(line, spec)
        code = proc.wait()
    wall = time.perf_counter() - t0
    if code != 0:
        shown = "\n".join(tail)
        raise RuntimeError(f"the compiled brain failed (exit {code}) in {spec.project}:\n{shown}")
    return wall


def _print_progress(line: str, spec: RunSpec) -> None:
    try:
        elapsed, completed, start, duration = (float(x) for x in line.split()[1:5])
    except ValueError:
        return
    done = start + completed * duration
    total = spec.total_s if spec.total_s is not None else spec.t0_s + spec.duration_s
    if completed > 0:
        eta = f"about {elapsed / completed * (total - done) / duration:.0f} s left"
    else:
        eta = "starting"  # no rate yet to estimate the rest from
    print(
        f"wholebrain: {done:.2f} of {total:g} s simulated, {elapsed:.0f} s elapsed in this "
        f"run, {eta}",
        file=sys.stderr,
        flush=True,
    )
