"""The package's layers (README, "How it is built"): a package imports only itself and the packages
below it, and no two modules import each other, directly or round a longer loop.

Every import counts: at module level, inside a function (the lazy imports that keep `validate` fast)
and under ``TYPE_CHECKING``. Each subpackage's ``__init__`` says what it owns and which packages it
may import, and imports nothing itself (importing a subpackage must cost nothing).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO_ROOT

PACKAGE = "wslconfig_assistant"
# Lowest first. The package's own __init__ (its __version__) sits below them all; __main__ and simulator
# (the documented `python -m` starts of the command line and of the wsl.exe simulator) above.
STARTS = ("__main__", "simulator")
LAYERS = ("core", "wslconfig", "system", "storage", "wsl", "compliance", "bench", "cli")


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(root: Path) -> dict[str, list[tuple[str, int]]]:
    """Every module of the package -> the package's modules it imports, with the line."""
    modules = {module_name(root, p): p for p in sorted(root.rglob("*.py"))}
    found: dict[str, list[tuple[str, int]]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        edges: list[tuple[str, int]] = []
        for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                # `from pkg.sub import module` imports the module; `from pkg.module import name` the module
                targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names]
            else:
                continue
            for dotted in targets:
                module = dotted
                while module and module not in modules:  # `import json` or a name of no module here
                    module = module.rpartition(".")[0]
                if module.split(".")[0] == root.name and module != name and (module, node.lineno) not in edges:
                    edges.append((module, node.lineno))
        found[name] = edges
    return found


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return -1  # the package itself: __version__
    if parts[1] in STARTS:
        return len(LAYERS)
    return LAYERS.index(parts[1])


def layering_violations(root: Path) -> list[str]:
    problems = []
    for module, edges in imports(root).items():
        for target, line in edges:
            if layer(target) > layer(module):
                allowed = ", ".join(LAYERS[: layer(module) + 1])
                problems.append(f"{module} (line {line}) imports {target}, a higher layer: "
                                f"{module.split('.')[1]} may import {allowed}")
    return problems


def cycles(root: Path) -> list[list[str]]:
    """The import cycles between modules: each as a loop of modules, first = last (Tarjan's SCCs)."""
    graph = {module: sorted({t for t, _ in edges}) for module, edges in imports(root).items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(component)

    for v in graph:
        if v not in index:
            visit(v)
    return [_loop(graph, sorted(component)) for component in components]


def _loop(graph: dict[str, list[str]], component: list[str]) -> list[str]:
    """One loop through a strongly connected component, to name in the failure."""
    inside, path = set(component), [component[0]]
    while True:
        step = next(w for w in graph[path[-1]] if w in inside)
        if step in path:
            return [*path[path.index(step):], step]
        path.append(step)


ROOT = REPO_ROOT / PACKAGE


def test_no_package_imports_a_higher_layer() -> None:
    assert layering_violations(ROOT) == []


def test_no_import_cycles() -> None:
    assert [" -> ".join(loop) for loop in cycles(ROOT)] == []


def test_the_layers_are_the_subpackages() -> None:
    """Every module lives in a layer (only the package's __init__ and the two `python -m` starts sit outside)."""
    top = {p.stem for p in ROOT.glob("*.py")} | {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    assert top == {"__init__", *STARTS, *LAYERS}


@pytest.mark.parametrize("package", LAYERS)
def test_each_package_says_what_it_owns_and_imports_nothing(package: str) -> None:
    init = ROOT / package / "__init__.py"
    tree = ast.parse(init.read_text("utf-8"))
    doc = ast.get_docstring(tree)
    assert doc
    below = LAYERS[: LAYERS.index(package)]
    assert f"May import: {', '.join(below) if below else 'nothing of the package'}." in " ".join(doc.split())
    statements = [node for node in tree.body if not isinstance(node, ast.Expr)]
    assert all(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in statements)


# -- the checker itself finds what it must (a checker that finds nothing would pass any tree)

def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / PACKAGE
    for name, text in {"__init__.py": "", **{f"{layer}/__init__.py": "" for layer in LAYERS}, **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    return root


def test_a_lazy_import_of_a_higher_layer_is_named(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "wsl/wslexe.py": "def run():\n    from wslconfig_assistant.cli.output import escaped\n",
        "cli/output.py": "from wslconfig_assistant.wsl import wslexe\n",
        "core/errors.py": "from wslconfig_assistant import __version__\n",
    })
    assert layering_violations(root) == [
        "wslconfig_assistant.wsl.wslexe (line 2) imports wslconfig_assistant.cli.output, a higher layer: "
        "wsl may import core, wslconfig, system, storage, wsl"]


def test_relative_and_type_checking_imports_count(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "core/findings.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..wslconfig import values\n",
        "wslconfig/values.py": "from . import reader\n",
        "wslconfig/reader.py": "",
    })
    assert [p.split(" (")[0] for p in layering_violations(root)] == ["wslconfig_assistant.core.findings"]
    assert ("wslconfig_assistant.wslconfig.reader", 1) in imports(root)["wslconfig_assistant.wslconfig.values"]


def test_a_cycle_is_named_even_through_lazy_imports(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "cli/main.py": "def dispatch():\n    from wslconfig_assistant.cli import completion\n",
        "cli/completion.py": "import wslconfig_assistant.cli.parser\n",
        "cli/parser.py": "def build():\n    from wslconfig_assistant.cli.main import dispatch\n",
        "cli/other.py": "from wslconfig_assistant.cli import parser\n",
    })
    assert cycles(root) == [["wslconfig_assistant.cli.completion", "wslconfig_assistant.cli.parser",
                             "wslconfig_assistant.cli.main", "wslconfig_assistant.cli.completion"]]
