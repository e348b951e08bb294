"""The Python package's import graph: every module imports on its own, and no two modules
import each other, directly or around a circle.

The graph is read from the source with `ast`: every `import` and `from ... import` of a
`revops_kpis` module counts, wherever it is written (module level, inside a function, under
`if TYPE_CHECKING:`), since each is a dependency a reader has to follow. `from package import
name` counts as an edge to the submodule when `name` is one, else to the package. The implicit
import of a module's parent package is not an edge (Python runs `__init__` first, whatever the
module imports).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PACKAGE = PROJECT_ROOT / "revops_kpis"


def _modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the package (packages by their __init__)."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imported(module: str, path: Path, modules: dict[str, Path] = MODULES) -> set[str]:
    """The modules of `modules` that `module` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package, up level - 1 packages
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                if f"{source}.{alias.name}" in modules:
                    found.add(f"{source}.{alias.name}")
                elif source in modules:
                    found.add(source)
    found.discard(module)
    return found


def _graph() -> dict[str, set[str]]:
    return {module: _imported(module, path) for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per group of modules that import each other (Tarjan's strongly connected
    components, written as a path that returns to its start)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)

    circles = []
    for group in groups:
        members = set(group)
        start = min(group)
        path, seen = [start], {start}
        while True:  # walk inside the group until a module repeats
            step = min(t for t in graph[path[-1]] if t in members)
            path.append(step)
            if step in seen:
                circles.append(path[path.index(step):])
                break
            seen.add(step)
    return circles


def test_the_graph_reader_sees_every_kind_of_import(tmp_path):
    # one module importing the others each way the package writes imports
    source = tmp_path / "a.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "import pkg.b\n"
        "from pkg import c\n"
        "from . import d\n"
        "from .e import something\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.f import F\n"
        "def later():\n"
        "    from pkg.g import G\n"
        "    import json\n"
    )
    modules = {name: tmp_path / "x.py" for name in ("pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d", "pkg.e", "pkg.f", "pkg.g")}
    assert _imported("pkg.a", source, modules) == {"pkg.b", "pkg.c", "pkg.d", "pkg.e", "pkg.f", "pkg.g"}
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    # `from package import submodule` is an edge to the submodule
    suite = _imported("revops_kpis.mart_checks._suite", MODULES["revops_kpis.mart_checks._suite"])
    assert "revops_kpis.mart_checks._rules" in suite


def test_no_module_imports_itself_around_a_circle():
    circles = _cycles(_graph())
    assert circles == [], "import circles: " + "; ".join(" -> ".join(circle) for circle in circles)


def test_the_checks_core_imports_neither_package_and_they_import_not_each_other():
    graph = _graph()
    for module, imported in graph.items():
        packages = {name.split(".")[1] for name in imported if "." in name}
        if module.startswith("revops_kpis.checks"):
            assert not packages & {"export_checks", "mart_checks"}, module
        if module.startswith("revops_kpis.export_checks"):
            assert "mart_checks" not in packages, module
        if module.startswith("revops_kpis.mart_checks"):
            assert "export_checks" not in packages, module


def _import_alone(module: str) -> str | None:
    """None when `module` imports in a fresh interpreter, else the end of its traceback."""
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        timeout=300,
    )
    return None if result.returncode == 0 else result.stderr[-1500:]


def test_each_module_imports_on_its_own():
    # a fresh interpreter per module (a few at a time): no module imported first hides a
    # missing import, or a circle that breaks only when this module is the first one imported
    modules = [name for name in MODULES if not name.endswith("__main__")]
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        errors = dict(zip(modules, pool.map(_import_alone, modules)))
    failed = {module: error for module, error in errors.items() if error}
    assert failed == {}, "\n\n".join(f"{module}:\n{error}" for module, error in failed.items())
