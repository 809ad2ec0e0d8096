"""The package's layout keeps the design's one-way data flow (docs: README "Layout").

Imports are read from the source (every ``import`` and ``from ... import``, also those inside
functions), so a lazy import that runs back up counts as much as one at the top.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "wholebrain"

#: floors of the data flow, lowest first: a module may import its own floor (without circles)
#: or any floor below, never one above
FLOORS: tuple[tuple[str, ...], ...] = (
    (
        "wholebrain._version",
        "wholebrain.cache",
        "wholebrain.validation",
        "wholebrain.result",
        "wholebrain.figures",
    ),
    ("wholebrain.columns",),
    ("wholebrain.connectome",),
    ("wholebrain.coupling",),
    ("wholebrain.brain", "wholebrain.brain_configs"),
    ("wholebrain.engine",),
    ("wholebrain.headmodel", "wholebrain.leadfield", "wholebrain.dipole", "wholebrain.forward"),
    (
        "wholebrain.spectrum",
        "wholebrain.aperiodic",
        "wholebrain.pac",
        "wholebrain.pac_measures",
        "wholebrain.analysis",
        "wholebrain.objective",
        "wholebrain.recorded",
        "wholebrain.measurement",
    ),
    (
        "wholebrain.plotting",
        "wholebrain.sensor_plots",
        "wholebrain.export",
        "wholebrain.bids",
        "wholebrain.report",
    ),
    ("wholebrain.studies",),
    ("wholebrain.cli",),
)
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package modules ``name`` imports (``from pkg import sub`` counts as ``pkg.sub``)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in modules else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in modules and m != name}


def _floor(name: str) -> int:
    for k, prefixes in enumerate(FLOORS):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return k
    raise AssertionError(f"{name} is on no floor of FLOORS; add it where the data flow puts it")


def _above(imported: str, importer: str) -> bool:
    # the package's public names (wholebrain/__init__) sit above everything but the CLI
    if imported == "wholebrain":
        return _floor(importer) < len(FLOORS) - 1
    return _floor(imported) > _floor(importer)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def test_every_module_imports_only_down_the_flow(graph):
    wrong = [
        f"{a} -> {b}"
        for a, deps in graph.items()
        if a != "wholebrain"
        for b in deps
        if _above(b, a)
    ]
    assert not wrong, "imports that run back up:\n" + "\n".join(sorted(wrong))


def test_no_import_circles(graph):
    state: dict[str, int] = {}
    circles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                circles.append(" -> ".join([*stack[stack.index(dep) :], dep]))
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not circles, "import circles:\n" + "\n".join(circles)


def test_no_library_module_imports_the_cli(graph):
    wrong = [a for a, deps in graph.items() if not a.startswith("wholebrain.cli")
             and any(d.startswith("wholebrain.cli") for d in deps)]  # fmt: skip
    assert not wrong


def test_every_module_stays_under_the_size_limit():
    long = {
        str(p.relative_to(PACKAGE.parent)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_importing_the_package_loads_neither_brian2_nor_mne():
    code = (
        "import sys, wholebrain as wb; "
        "wb.__version__; wb.columns.available(); "
        "print(sorted(m for m in ('brian2', 'mne', 'matplotlib', 'optuna', 'distributed') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_importing_the_package_changes_no_global_state():
    code = (
        "import sys, logging, wholebrain, wholebrain.plotting, wholebrain.studies.fit, "
        "wholebrain.engine.cpp; import matplotlib, brian2 as b2; "
        "print(matplotlib.get_backend() == matplotlib.rcParams['backend'], "
        "b2.prefs.codegen.target, sys.excepthook is sys.__excepthook__, "
        "'-std=c++17' in b2.prefs.codegen.cpp.extra_compile_args_gcc)"
    )
    env_free = subprocess.run(
        [sys.executable, "-c", "import matplotlib, brian2 as b2, sys; "
         "print(matplotlib.rcParams['backend'], b2.prefs.codegen.target, "
         "sys.excepthook is sys.__excepthook__)"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    backend, target, hook = env_free.stdout.split()
    assert out.stdout.split() == ["True", target, hook, "False"]
