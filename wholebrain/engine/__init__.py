"""Everything that touches Brian2's devices, one module per idea.

``settings``
    :class:`~wholebrain.engine.settings.RunSettings`: duration, steps, recording, backend and
    threads of a run, validated once; which backends this machine can run.
``device``
    The device set-up and reset scoped to one run or build, every Brian2 preference we set
    (undone afterwards), the guard that tells a compiled brain its device was reset, and the
    hook that keeps ``main.cpp`` identical between identical builds.
``network``
    The model's Brian2 objects, built on the active device (one call for every backend).
``collect``
    Monitors of a built network -> :class:`~wholebrain.result.SimulationResult`, and the check
    that refuses a run whose state blew up (NaN/inf, cells firing at every step).
``runtime``, ``cpp``, ``cuda``
    The backends; ``cpp`` holds :class:`~wholebrain.engine.cpp.CompiledBrain` (one compile,
    many runs) with its C++ run control (``control.py``, ``control.cpp``).
``vectorize``
    SIMD loops over cells in C++ builds: ``#pragma omp simd`` on Brian2's state updaters and
    glibc's vector ``exp``/``expm1``/... declared (``scalar_loops`` turns it off).
``execute``
    :class:`~wholebrain.engine.execute.RunSpec` and the subprocess that runs a compiled brain
    once; imports no Brian2, so any Dask worker can run it.
``checkpoint``
    Checkpoint folders of long runs split into chunks.
``simulate``
    :func:`wholebrain.simulate`, a thin dispatcher over the backends.

Importing this package imports nothing; each module loads Brian2 only if it needs it.
"""
