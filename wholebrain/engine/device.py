"""Brian2's device, scoped to one run or build.

Brian2 keeps its device, its default clock and its preferences in process-wide state. Every
run and every build here goes through :func:`runtime_device` or :func:`standalone_device`,
which set that state up, set the preferences the run needs and put all of it back
afterwards, so runs, builds and a user's own Brian2 code do not leak into each other.

A compiled brain stays usable only while the standalone device still holds its project:
:func:`new_generation` (every set-up calls it) tells the earlier ones, and releases their
Brian2 objects.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import json
import re
import sys
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import brian2 as b2

from .._version import __version__
from ..cache import cache_dir

#: every set-up bumps this; a compiled brain is usable only while it matches its own
_GENERATION = [0]
#: compiled brains alive in this process (objects with a ``_release()`` method)
_LIVE: weakref.WeakSet[Any] = weakref.WeakSet()


def register(brain: Any) -> None:
    """Have the next set-up release ``brain``'s Brian2 objects (see :func:`new_generation`)."""
    _LIVE.add(brain)


def generation() -> int:
    """The current device generation."""
    return _GENERATION[0]


def new_generation() -> int:
    """Invalidate every earlier compiled brain (after ``b2.device.reinit()``).

    Their Brian2 objects are released and collected: Brian2 names code objects uniquely
    among the *living* ones, so objects of an earlier build still alive (a brain the caller
    still holds, or garbage not yet collected) would rename this build's code
    (``IN_stateupdater_codeobject_1``) and force a full recompilation.
    """
    for brain in list(_LIVE):
        brain._release()
    gc.collect()
    _GENERATION[0] += 1
    return _GENERATION[0]


@contextlib.contextmanager
def preferences(**values: Any) -> Iterator[None]:
    """Set Brian2 preferences (``codegen__target="numpy"`` for ``codegen.target``) and put
    the earlier values back afterwards."""
    names = {key.replace("__", "."): value for key, value in values.items()}
    before = {name: b2.prefs[name] for name in names}
    try:
        for name, value in names.items():
            b2.prefs[name] = value
        yield
    finally:
        for name, value in before.items():
            b2.prefs[name] = value


def reset() -> None:
    """Brian2's runtime device, empty, as after import."""
    b2.device.reinit()
    b2.set_device("runtime")
    b2.device.activate()


@contextlib.contextmanager
def runtime_device(dt_ms: float, seed: int) -> Iterator[None]:
    """Runtime device with numpy code generation and the default clock at ``dt_ms``; the
    device, the clock and the preference are put back afterwards."""
    reset()
    new_generation()
    clock_dt = b2.defaultclock.dt
    with preferences(codegen__target="numpy"):
        try:
            b2.defaultclock.dt = dt_ms * b2.ms
            b2.seed(seed)
            yield
        finally:
            reset()
            b2.defaultclock.dt = clock_dt


def standalone_device(kind: str, directory: str, dt_ms: float) -> int:
    """Make a standalone device (``cpp_standalone``, ``cuda_standalone``) building in
    ``directory`` the active one; return the generation of this build.

    Unlike a runtime run, the device stays active after the build: a compiled brain reads
    its runs' results through it. :func:`reset` (the next run or build does it) ends it.

    The default clock is first set to Brian2's own default in runtime mode: main.cpp records
    the default clock's dt as the process left it, so an earlier build or simulation at
    another dt would change main.cpp and recompile it.
    """
    reset()
    b2.defaultclock.dt = 0.1 * b2.ms
    gen = new_generation()
    b2.set_device(kind, directory=directory, build_on_run=False)
    b2.defaultclock.dt = dt_ms * b2.ms
    return gen


@contextlib.contextmanager
def rewriting_sources(rewrite: Callable[[str, str], str]) -> Iterator[None]:
    """While Brian2 writes a standalone project, pass every file's text through
    ``rewrite(filename, text)`` (filenames relative to the project, e.g. ``main.cpp``,
    ``code_objects/<name>.cpp``). Blocks nest: the inner rewrite runs first."""
    from brian2.devices.cpp_standalone.device import CPPWriter

    original = CPPWriter.write

    def write(self: Any, filename: str, contents: Any) -> None:
        if not filename.endswith(".*"):  # "x.*" holds a .cpp and a .h, written one by one
            contents = rewrite(filename, str(contents))
        original(self, filename, contents)

    CPPWriter.write = write
    try:
        yield
    finally:
        CPPWriter.write = original


def stable_main_cpp(clock_names: set[str]) -> contextlib.AbstractContextManager:
    """Write main.cpp with its clock initialisations in a fixed order.

    Brian2 emits ``_array_<clock>_timestep[0] = ...; _array_<clock>_t[0] = ...;`` once per
    clock in the iteration order of a set of clocks, which changes from one process to the
    next; main.cpp would then differ (and be recompiled) between identical builds. The lines
    of one run are independent assignments, so sorting each run changes nothing else.
    """
    names = "|".join(re.escape(n) for n in sorted(clock_names, key=len, reverse=True))
    line = re.compile(rf"^\s*_array_(?:{names})_(?:timestep|t)\[0\] = [^;]+;\s*$")

    def rewrite(filename: str, contents: str) -> str:
        if filename != "main.cpp" or not names:
            return contents
        out: list[str] = []
        block: list[str] = []
        for text in contents.split("\n"):
            if line.match(text):
                block.append(text)
                continue
            out.extend(sorted(block))
            block = []
            out.append(text)
        out.extend(sorted(block))
        return "\n".join(out)

    return rewriting_sources(rewrite)


def default_project(model: Any, params: list[Any], record_dt_ms: float, **build: Any) -> Path:
    """A project folder per network structure, so reruns recompile only what changed.

    ``build`` names what else changes the generated code (JSON-serialisable values, e.g.
    ``simd=True``): builds that differ in it get folders of their own."""
    p0 = params[0]
    key = json.dumps(
        {
            "column": model.column,
            "n": model.n_regions,
            "coupling": [model.coupled, model.senders, model.receivers],
            # each column model names the parameters that change its network's structure
            "structure": {k: getattr(p0, k) for k in model.column_model.module.STRUCTURAL},
            "record_dt_ms": record_dt_ms,
            "build": build,
            "version": __version__,
            "brian2": b2.__version__,
        },
        sort_keys=True,
    )
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    return cache_dir() / "standalone" / f"{model.column}-{model.n_regions}-{digest}"


#: the lock file of a project folder (:func:`project_lock`)
LOCK_NAME = ".wholebrain-build.lock"


@contextlib.contextmanager
def project_lock(project: Path) -> Iterator[None]:
    """Hold the project folder ``project`` for this process while code is written and
    compiled into it (and, for a backend that runs there, while it runs).

    Two processes that build the same network structure share its :func:`default_project`
    folder; unguarded, their writes and ``make`` runs interleave and corrupt the build (a
    ``make.deps`` full of NUL bytes). The second process waits for the first, then finds
    the sources unchanged and compiles nothing. The lock is an advisory ``flock``, released
    when the block ends or the process dies.
    """
    project.mkdir(parents=True, exist_ok=True)
    with open(project / LOCK_NAME, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"wholebrain: waiting for another process to finish building {project}",
                  file=sys.stderr, flush=True)  # fmt: skip
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
