"""The shape of vaultls's imports, read from the source with `ast` (nothing is imported):

- no cycle among vaultls's own modules, counting every import statement anywhere in a file
  (inside functions, under `if TYPE_CHECKING:`), so no module needs a lazy import to break one;
- the pure model, `vaultls.vault`, imports neither pygls nor lsprotocol nor the layers above it
  (`vaultls.lsp`, `vaultls.report`, `vaultls.cli`).

An edge goes from a module to each vaultls module an import statement names: `import a.b` names
`a.b`; `from a import b` names the module `a.b` when there is one, else `a` (b is a name defined
in it); relative imports are resolved against the importing module's package. A package's
`__init__` is the module of the package's own name.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from itertools import pairwise
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[2] / "server"
TOP = "vaultls"


def module_files(root: Path = PACKAGE_ROOT, top: str = TOP) -> dict[str, Path]:
    """Every module of the package `top` under `root`, by dotted name."""
    found: dict[str, Path] = {}
    for path in sorted((root / top).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported_modules(name: str, path: Path, modules: Collection[str]) -> Iterator[tuple[str, int]]:
    """(module an import statement names, its line) for every import anywhere in the file,
    resolved as the module docstring says; modules of other packages keep their written name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: `from . import x`, `from ..a import x`
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, node.module] if node.module else parts)
            for alias in node.names:
                module = f"{base}.{alias.name}"
                yield (module if module in modules else base), node.lineno


def import_graph(modules: dict[str, Path]) -> dict[str, dict[str, int]]:
    """module → {module of `modules` it imports: line of the first such import}."""
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        edges: dict[str, int] = {}
        for target, line in imported_modules(name, path, modules):
            if target in modules and target != name:
                edges[target] = min(line, edges.get(target, line))
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One cycle of the graph (its modules in order, the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, {})):
            if state.get(target) == 1:
                return path[path.index(target) :] + [target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def describe(cycle: list[str], graph: dict[str, dict[str, int]], modules: dict[str, Path]) -> str:
    steps = [f"  {a} -> {b}  ({modules[a]}:{graph[a][b]})" for a, b in pairwise(cycle)]
    return "import cycle:\n" + "\n".join(steps)


PACKAGE = {  # a package whose imports are known, to check the reader itself
    "pkg/__init__.py": "from pkg import a\n",
    "pkg/a.py": "from pkg.sub import b\nfrom .sub.b import NAME\n",
    "pkg/sub/__init__.py": "",
    "pkg/sub/b.py": (
        "from typing import TYPE_CHECKING\nimport os\nif TYPE_CHECKING:\n    from ..c import C\n"
        "def f():\n    from .. import d\n"
    ),
    "pkg/c.py": "C = 1\n",
    "pkg/d.py": "import pkg.a\n",
}


def test_the_reader_finds_every_kind_of_import(tmp_path: Path):
    for rel, text in PACKAGE.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    modules = module_files(tmp_path, "pkg")
    graph = import_graph(modules)
    assert graph == {
        "pkg": {"pkg.a": 1},  # `from pkg import a`: the module a, not the package itself
        "pkg.a": {"pkg.sub.b": 1},  # absolute and relative, both to the module b
        "pkg.sub": {},
        "pkg.sub.b": {"pkg.c": 4, "pkg.d": 6},  # under TYPE_CHECKING, inside a function; not os
        "pkg.c": {},
        "pkg.d": {"pkg.a": 1},
    }
    cycle = find_cycle(graph)
    assert cycle == ["pkg.a", "pkg.sub.b", "pkg.d", "pkg.a"]
    assert "pkg.sub.b -> pkg.d" in describe(cycle, graph, modules)
    del graph["pkg.d"]["pkg.a"]
    assert find_cycle(graph) is None


def test_no_import_cycles():
    modules = module_files()
    assert "vaultls.lsp.server" in modules and "vaultls.vault.index" in modules
    graph = import_graph(modules)
    cycle = find_cycle(graph)
    assert cycle is None, describe(cycle, graph, modules)


FORBIDDEN_IN_THE_MODEL = ("pygls", "lsprotocol", "vaultls.lsp", "vaultls.report", "vaultls.cli")


def test_the_model_imports_no_lsp_library_nor_a_layer_above_it():
    modules = module_files()
    assert "vaultls.vault.index" in modules
    offending = []
    for name, path in modules.items():
        if name != "vaultls.vault" and not name.startswith("vaultls.vault."):
            continue
        for target, line in imported_modules(name, path, modules):
            if any(target == bad or target.startswith(bad + ".") for bad in FORBIDDEN_IN_THE_MODEL):
                offending.append(f"{path.relative_to(PACKAGE_ROOT)}:{line}: {target}")
    assert not offending, "the pure model imports:\n" + "\n".join(sorted(set(offending)))
