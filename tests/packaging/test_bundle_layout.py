"""How scripts/bundle_server.py lays out bundled/libs from each Python's wheels: shared where
every Python has the same pure-Python files, per Python (libs/cp3XX/) otherwise; and how it
reads the lock's environment markers for a target Python."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "editors" / "vscode" / "scripts" / "bundle_server.py"
_spec = importlib.util.spec_from_file_location("bundle_server", SCRIPT)
assert _spec and _spec.loader
bundle_server = importlib.util.module_from_spec(_spec)
sys.modules["bundle_server"] = bundle_server
_spec.loader.exec_module(bundle_server)

PYTHONS = bundle_server.PYTHON_VERSIONS


def _yaml(abi: str) -> dict[str, bytes]:
    return {"yaml/__init__.py": b"pure", f"yaml/_yaml.cpython-{abi[2:]}-darwin.so": abi.encode()}


def test_same_pure_files_are_shared_and_compiled_modules_sit_side_by_side() -> None:
    per_python = {v: {"pyyaml": _yaml(bundle_server.abi(v))} for v in PYTHONS}
    files = bundle_server.layout(per_python)
    assert files["yaml/__init__.py"] == b"pure"
    assert sorted(p for p in files if p.endswith(".so")) == sorted(
        f"yaml/_yaml.cpython-{bundle_server.abi(v)[2:]}-darwin.so" for v in PYTHONS
    )
    assert not [p for p in files if p.startswith("cp3")]


def test_pure_files_that_differ_between_pythons_go_per_python() -> None:
    per_python = {v: {"pkg": {"pkg/__init__.py": v.encode()}} for v in PYTHONS}
    files = bundle_server.layout(per_python)
    assert files == {f"{bundle_server.abi(v)}/pkg/__init__.py": v.encode() for v in PYTHONS}


def test_a_distribution_some_pythons_lack_goes_per_python() -> None:
    per_python = {v: ({"tomli": {"tomli/__init__.py": b"x"}} if v == "3.10" else {}) for v in PYTHONS}
    assert bundle_server.layout(per_python) == {"cp310/tomli/__init__.py": b"x"}


def test_back_port_markers_are_evaluated_for_the_target_python() -> None:
    entries = [("tomli", "tomli==2.5.0 --hash=sha256:0", "python_full_version < '3.11'"), ("attrs", "attrs==1", "")]
    assert [n for n, _ in bundle_server.wanted(entries, "win32-arm64", "3.10")] == ["tomli", "attrs"]
    assert [n for n, _ in bundle_server.wanted(entries, "win32-arm64", "3.12")] == ["attrs"]
    platform_marker = [("pywin32", "pywin32==1", "sys_platform == 'win32'")]
    assert bundle_server.wanted(platform_marker, "win32-x64", "3.12") and not bundle_server.wanted(
        platform_marker, "darwin-arm64", "3.12"
    )


def test_the_lock_is_read_with_its_markers() -> None:
    entries = bundle_server.read_lock(bundle_server.REQUIREMENTS)
    markers = {name: marker for name, _, marker in entries}
    assert markers["tomli"] == markers["exceptiongroup"] == "python_full_version < '3.11'"
    assert all("--hash=sha256:" in requirement for _, requirement, _ in entries)
