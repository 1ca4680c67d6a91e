"""The layers of `vaultls check` and of storage, read from the source with `ast` (nothing is
imported; see test_import_graph.py for how imports are read):

- storage (`vaultls.vault.store`) feeds the model, never the other way: only storage itself
  and the runners that drive it (the server's indexer, the whole-vault check and its entry)
  import it;
- `vaultls.report` renders what the model found and reads no file: it imports no storage;
- the CLI asks the model's public entry (`vault.check_run`), not the loader or the runner;
- no module imports another's private name (`from x import _y`), nor reaches one through the
  module (`x._y`).
"""

from __future__ import annotations

import ast

from tests.unit.test_import_graph import PACKAGE_ROOT, imported_modules, module_files

STORE = "vaultls.vault.store"
# What may drive storage: the runners above the model's core.
DRIVERS = {"vaultls.vault.indexer", "vaultls.vault.bulk_check", "vaultls.vault.check_run"}


def _imports(prefix: str) -> list[tuple[str, str, int]]:
    """(module, module it imports, line) for every module whose name starts with `prefix`."""
    modules = module_files()
    found = []
    for name, path in modules.items():
        if name == prefix or name.startswith(prefix + "."):
            found += [(name, target, line) for target, line in imported_modules(name, path, modules)]
    return found


def _is(target: str, package: str) -> bool:
    return target == package or target.startswith(package + ".")


def test_only_storage_and_its_drivers_import_storage():
    offending = [
        f"{name}:{line} imports {target}"
        for name, target, line in _imports("vaultls.vault")
        if _is(target, STORE) and not _is(name, STORE) and name not in DRIVERS
    ]
    assert not offending, "\n".join(offending)


def test_the_report_reads_no_file():
    offending = [
        f"{name}:{line} imports {target}" for name, target, line in _imports("vaultls.report") if _is(target, STORE)
    ]
    assert not offending, "\n".join(offending)
    for path in (PACKAGE_ROOT / "vaultls" / "report").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = {
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
        }
        assert not calls & {"open", "read_text", "read_bytes", "scandir", "listdir"}, path


def test_the_cli_asks_the_models_entry_for_a_check():
    targets = {target for name, target, _ in _imports("vaultls.cli")}
    assert "vaultls.vault.check_run" in targets
    assert not targets & {"vaultls.vault.store.loader", "vaultls.vault.bulk_check", "vaultls.vault.check"}


def test_no_module_uses_another_modules_private_names():
    modules = module_files()
    offending = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}  # local name → vaultls module it stands for
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("vaultls"):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        offending.append(f"{name}:{node.lineno}: from {node.module} import {alias.name}")
                    if f"{node.module}.{alias.name}" in modules:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("vaultls") and alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                offending.append(f"{name}:{node.lineno}: {node.value.id}.{node.attr}")
    assert not offending, "\n".join(offending)
