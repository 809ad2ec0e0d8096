"""Shared fixtures: one compiled small brain for every test module that needs C++."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def small_brain_build(tmp_path_factory):
    """A C++ project folder shared by the tests of the 4-region small brain, so its code is
    compiled once per test session (later builds of the same structure reuse it)."""
    return tmp_path_factory.mktemp("small_brain_build")
