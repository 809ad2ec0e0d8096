"""Run settings of wholebrain.engine.settings that need no simulation."""

from __future__ import annotations

import os


def test_auto_threads_count_the_idle_cores(monkeypatch):
    from wholebrain.engine import settings

    for idle, expected in ((0.1, 1), (0.8, 1), (1.2, 1), (1.8, 2), (2.0, 2)):
        monkeypatch.setattr(settings, "idle_cores", lambda idle=idle: idle)
        assert settings.resolve_threads("auto") == expected
    assert settings.resolve_threads(3) == 3
    monkeypatch.undo()
    measured = settings.idle_cores(0.05)  # the real /proc/stat sample
    assert 0.0 <= measured <= (os.cpu_count() or 1)
