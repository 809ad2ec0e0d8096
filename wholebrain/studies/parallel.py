"""Many runs of one compiled brain as Dask tasks: a local cluster by default, any scheduler
to scale out.

A task is :func:`wholebrain.engine.execute.execute` of a
:class:`~wholebrain.engine.execute.RunSpec`: it starts the compiled binary in a subprocess and
needs neither Brian2 nor the device, so a worker thread, a worker process or a worker on
another machine can run it. The process that
compiled the brain prepares every run (writes its inputs) and collects every result; both
are quick next to the run itself.

Local runs use a :class:`distributed.LocalCluster` with one in-process worker of ``workers``
threads (``processes=False``): the threads only wait on their subprocess, and an in-process
worker starts in a fraction of a second. Workers elsewhere must see the project folder at the
same path (a shared file system) and have the same C++ runtime libraries.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..engine.execute import RunSpec, execute
from ..validation import check

#: seconds a scheduler address gets to answer before a study fails
CONNECT_TIMEOUT_S = 10.0


@contextlib.contextmanager
def _quiet_distributed() -> Iterator[None]:
    """The scheduler's and worker's start/stop chatter is not the user's business: errors
    only while the client lives, the loggers' own levels back afterwards."""
    import logging

    loggers = [logging.getLogger(n) for n in ("distributed", "distributed.scheduler",
                                              "distributed.worker")]  # fmt: skip
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None, workers: int = 2, timeout_s: float = CONNECT_TIMEOUT_S
) -> Iterator[Any]:
    """A Dask client: a local in-process cluster, or the scheduler at ``scheduler``.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://host:8786``); None starts a local cluster.
    workers : int
        Threads of the local cluster, i.e. runs at the same time (each run uses the compiled
        brain's OpenMP threads).
    timeout_s : float
        How long a scheduler gets to answer.

    Raises
    ------
    ConnectionError
        The scheduler did not answer within ``timeout_s`` (never hangs).
    """
    workers = check("workers", workers)
    timeout_s = check("timeout_s", timeout_s)
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise ValueError(f"scheduler must be an address such as 'tcp://host:8786', got "
                         f"{scheduler!r}")  # fmt: skip
    with _quiet_distributed():
        yield from _client(scheduler, workers, timeout_s)


def _client(scheduler: str | None, workers: int, timeout_s: float) -> Iterator[Any]:
    from distributed import Client, LocalCluster

    if scheduler is None:
        cluster = LocalCluster(
            n_workers=1, threads_per_worker=int(workers), processes=False,
            dashboard_address=None,
        )  # fmt: skip
        client = Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
        return
    client = _connect(Client, scheduler, timeout_s)
    try:
        yield client
    finally:
        client.close()


def _connect(client_cls: Any, scheduler: str, timeout_s: float) -> Any:
    """A client of the scheduler at ``scheduler``, or ConnectionError within ``timeout_s``.

    ``Client(address, timeout=...)`` returns or raises in time when nothing listens or
    a silent port drops the handshake, but something that accepts the connection and answers
    in another protocol (a web server) keeps it waiting past its timeout. The connection is
    therefore made in a daemon thread that this call waits on for the deadline; a client that
    connects after the deadline is closed by that thread.
    """
    import threading

    box: dict[str, Any] = {}
    late = threading.Event()

    def connect() -> None:
        try:
            client = client_cls(scheduler, timeout=f"{timeout_s}s")
        except BaseException as err:  # reported by the caller below
            box["error"] = err
            return
        if late.is_set():
            client.close()
        else:
            box["client"] = client

    thread = threading.Thread(target=connect, name="wholebrain-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout_s + 1.0)
    if "client" in box:
        return box["client"]
    late.set()
    why = type(box["error"]).__name__ if "error" in box else "no answer"
    raise ConnectionError(
        f"no Dask scheduler answered at {scheduler!r} within {timeout_s:g} s ({why}); start "
        "one (`dask scheduler` and `dask worker <address>`) or leave the address out to run "
        "on a local cluster"
    ) from None


def run_specs(
    brain: Any,
    specs: Sequence[RunSpec],
    client: Any,
    on_result: Callable[[int, Any, float | None, BaseException | None], None],
    progress: bool = False,
) -> None:
    """Run ``specs`` as Dask tasks; call ``on_result(i, result, run_s, error)`` as each ends.

    ``result`` is the run's :class:`~wholebrain.result.SimulationResult` (None when it
    failed, ``error`` then holds why). Results folders are removed once read. The callback
    runs in this process, in completion order, so it can save each result at once.
    """
    from distributed import as_completed

    if not specs:
        return
    futures = {
        client.submit(execute, spec, key=f"wholebrain-run-{Path(spec.results_dir).name}",
                      pure=False): i
        for i, spec in enumerate(specs)
    }  # fmt: skip
    t0 = time.perf_counter()
    done = 0
    for future in as_completed(futures):
        i = futures[future]
        spec = specs[i]
        result, run_s, error = None, None, None
        try:
            run_s = float(future.result())
            result = brain.collect(spec)
        except Exception as err:  # a failed run is recorded, never lost silently
            error = err
        finally:
            shutil.rmtree(spec.results_dir, ignore_errors=True)
        done += 1
        if progress:
            print(
                f"wholebrain: {done} of {len(specs)} runs done "
                f"({time.perf_counter() - t0:.0f} s)",
                file=sys.stderr, flush=True,
            )  # fmt: skip
        on_result(i, result, run_s, error)
