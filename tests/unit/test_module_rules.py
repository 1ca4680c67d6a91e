"""The package's own house rules, checked on its source: small modules, no private names
used across modules, no test hooks in product code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "server" / "vaultls"
MAX_LINES = 500

pytestmark = pytest.mark.unit


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def module_name(file: Path) -> str:
    parts = list(file.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_is_over_500_lines() -> None:
    big = {module_name(f): n for f in modules() if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert big == {}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_module_imports_a_private_name_of_another() -> None:
    found = []
    for file in modules():
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                found += [
                    f"{module_name(file)}: from {node.module} import {a.name}" for a in node.names if _private(a.name)
                ]
            elif isinstance(node, ast.Import):
                found += [
                    f"{module_name(file)}: import {a.name}" for a in node.names if any(map(_private, a.name.split(".")))
                ]
    assert found == []


def test_no_module_reads_a_private_name_of_an_imported_module() -> None:
    found = []
    for file in modules():
        tree = ast.parse(file.read_text(encoding="utf-8"))
        imported = {
            alias.asname or alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, (ast.Import, ast.ImportFrom))
            for alias in node.names
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in imported
                and _private(node.attr)
            ):
                found.append(f"{module_name(file)}:{node.lineno}: {node.value.id}.{node.attr}")
    assert found == []


def test_product_code_has_no_test_hooks() -> None:
    hook = re.compile(r"VAULTLS_\w*(TEST|SPLIT)")
    found = [f"{module_name(f)}" for f in modules() if hook.search(f.read_text(encoding="utf-8"))]
    assert found == []
