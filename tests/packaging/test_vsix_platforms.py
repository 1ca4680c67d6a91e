"""Every platform's .vsix (`npm run package:all` in editors/vscode): its compiled modules are for
that platform and each CPython it claims, by file name and by the binary's own header, nothing
of another platform is in it, and its pure-Python part works with the compiled modules hidden.

Builds the seven .vsix files when any is missing or older than the sources (wheels come from
PyPI; editors/vscode/.cache/wheels keeps them for the next build). Needs npm and
editors/vscode/node_modules (.ci/install-vscode.sh): when missing the tests skip locally and
FAIL when $CI is set.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "editors" / "vscode"
VERSION = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))["version"]
PYTHONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
COMPILED = (".so", ".pyd", ".dylib", ".dll")

# Per target: the ABI tag in a compiled module's name ({abi} is cp310 ...), and what its header says.
TARGETS = {
    "linux-x64": (r"\.cpython-{v}-x86_64-linux-gnu\.so", ("ELF", 0x3E)),
    "linux-arm64": (r"\.cpython-{v}-aarch64-linux-gnu\.so", ("ELF", 0xB7)),
    "darwin-x64": (r"\.cpython-{v}-darwin\.so", ("Mach-O", 0x01000007)),
    "darwin-arm64": (r"\.cpython-{v}-darwin\.so", ("Mach-O", 0x0100000C)),
    "win32-x64": (r"\.cp{v}-win_amd64\.pyd", ("PE", 0x8664)),
    "win32-arm64": (r"\.cp{v}-win_arm64\.pyd", ("PE", 0xAA64)),
    "universal": (None, None),
}
# Distributions whose compiled modules PyPI has no wheel of, for a target and Python (the
# bundle then has their pure part, or nothing: see bundle.json). Anything else missing is a bug.
KNOWN_GAPS = {
    ("win32-arm64", "3.10"): ["pyyaml", "rpds-py"],
    ("win32-arm64", "3.11"): ["pyyaml"],
    **{("universal", v): ["pyyaml", "rpds-py"] for v in PYTHONS},
}
# The compiled modules' top-level folders, by distribution.
DIST_OF = {"yaml": "pyyaml", "rpds": "rpds-py"}


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI is set, so this is a failure, not a skip; run .ci/install-vscode.sh)")
    pytest.skip(f"{what}; run `bash .ci/install-vscode.sh`")


def _vsix(target: str) -> Path:
    return EXTENSION / f"vaultls-{target}-{VERSION}.vsix"


def _newest_source_mtime() -> float:
    roots = [REPO / "server" / "vaultls", EXTENSION / "src", EXTENSION / "launcher", EXTENSION / "scripts"]
    files = [p for root in roots for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [EXTENSION / name for name in ("package.json", "requirements.txt", ".vscodeignore", "README.md")]
    return max(p.stat().st_mtime for p in files if p.exists())


@pytest.fixture(scope="session")
def vsix_files() -> dict[str, Path]:
    """The .vsix of every target, built by `npm run package:all` when one is missing or stale."""
    npm = shutil.which("npm")
    if npm is None:
        _missing("npm not found")
    if not (EXTENSION / "node_modules" / ".bin" / "vsce").exists():
        _missing("editors/vscode/node_modules is missing (npm ci)")
    # pytest-xdist may run this module's tests in two workers: one builds, the other waits.
    lock = EXTENSION / ".cache" / "package-all.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        newest = _newest_source_mtime()
        if any(not _vsix(t).exists() or _vsix(t).stat().st_mtime < newest for t in TARGETS):
            result = subprocess.run(
                [npm, "run", "package:all"], cwd=EXTENSION, capture_output=True, text=True, timeout=900
            )
            assert result.returncode == 0, (
                f"`npm run package:all` failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
            )
            print(result.stdout.splitlines()[-1])  # "built ... in N s"
    return {t: _vsix(t) for t in TARGETS}


def _header(data: bytes) -> tuple[str, list[int]]:
    """(format, machines) from an ELF, Mach-O (thin or fat) or PE header."""
    if data[:4] == b"\x7fELF":
        assert data[4] == 2, "not a 64-bit ELF"
        endian = "<" if data[5] == 1 else ">"
        return "ELF", [struct.unpack_from(endian + "H", data, 18)[0]]
    if data[:4] == b"\xcf\xfa\xed\xfe":  # MH_MAGIC_64, little-endian
        return "Mach-O", [struct.unpack_from("<i", data, 4)[0]]
    if data[:4] == b"\xca\xfe\xba\xbe":  # FAT_MAGIC: several architectures in one file
        count = struct.unpack_from(">I", data, 4)[0]
        return "Mach-O", [struct.unpack_from(">i", data, 8 + 20 * i)[0] for i in range(count)]
    if data[:2] == b"MZ":
        offset = struct.unpack_from("<I", data, 0x3C)[0]
        assert data[offset : offset + 4] == b"PE\0\0", "MZ without a PE header"
        return "PE", [struct.unpack_from("<H", data, offset + 4)[0]]
    return "unknown", []


def _contents(vsix: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(vsix) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("target", list(TARGETS))
def test_vsix_is_named_and_tagged_for_its_target(target: str, vsix_files: dict[str, Path]) -> None:
    files = _contents(vsix_files[target])
    manifest = files["extension.vsixmanifest"].decode("utf-8")
    platform = re.search(r'TargetPlatform="([^"]+)"', manifest)
    assert (platform.group(1) if platform else "universal") == target
    assert json.loads(files["extension/package.json"])["version"] == VERSION
    bundle = json.loads(files["extension/bundled/tool/bundle.json"])
    assert (bundle["target"], bundle["version"]) == (target, VERSION)


@pytest.mark.parametrize("target", list(TARGETS))
def test_compiled_modules_are_for_the_target_and_each_python(target: str, vsix_files: dict[str, Path]) -> None:
    files = _contents(vsix_files[target])
    bundle = json.loads(files["extension/bundled/tool/bundle.json"])
    compiled = {name: data for name, data in files.items() if name.endswith(COMPILED)}
    stray = [n for n in files if n.endswith((".exe", ".pyc")) or "/bin/" in n or "__pycache__" in n]
    assert not stray, stray
    if target == "universal":
        assert not compiled, sorted(compiled)
        return
    pattern, (kind, machine) = TARGETS[target]
    abis: dict[str, set[str]] = {}  # module (without its tag) -> the CPython ABIs it is built for
    for name, data in compiled.items():
        rel = name.removeprefix("extension/bundled/libs/")
        assert rel != name, f"a compiled file outside bundled/libs: {name}"
        folder, _, inner = rel.partition("/")
        own = re.fullmatch(r"cp3\d+", folder)  # libs/cp3XX/ holds what only that Python gets
        rel = inner if own else rel
        tag = re.search(pattern.format(v=r"(3\d+)") + "$", rel)
        assert tag, f"{rel}: no CPython ABI tag of {target} in its name"
        abi = f"cp{tag.group(1)}"
        assert not own or folder == abi, f"{rel}: a {abi} module in {folder}/"
        assert _header(data) == (kind, [machine]), f"{rel}: header {_header(data)}, not {kind} {machine:#x}"
        abis.setdefault(rel[: tag.start()], set()).add(abi)
    assert abis, f"no compiled module in the {target} .vsix"
    for module, built in abis.items():
        dist = DIST_OF.get(module.split("/")[0], module.split("/")[0])
        expected = {f"cp{v.replace('.', '')}" for v in PYTHONS if dist not in KNOWN_GAPS.get((target, v), [])}
        assert built == expected, f"{module}: built for {sorted(built)}, expected {sorted(expected)}"
    for python in PYTHONS:
        assert bundle["pythons"][python]["missing"] == KNOWN_GAPS.get((target, python), []), python


def _host_pythons() -> list[str]:
    """This Python, and a 3.10 when there is one (the back-ports are bundled for it only)."""
    found = [sys.executable]
    pyenv = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    for exe in sorted(pyenv.glob("versions/3.10.*/bin/python3.10")) + [
        Path(p) for p in [shutil.which("python3.10")] if p
    ]:
        if (
            sys.version_info[:2] != (3, 10)
            and subprocess.run([exe, "-S", "-c", "pass"], capture_output=True).returncode == 0
        ):
            found.append(str(exe))
            break
    return found


@pytest.mark.parametrize("target", list(TARGETS))
def test_pure_python_part_works_with_compiled_modules_hidden(
    target: str, vsix_files: dict[str, Path], tmp_path: Path
) -> None:
    """Unpacked with every compiled module removed, the bundle still starts and checks a vault
    (as on a Python it has no wheels for): YAML through PyYAML's pure loader, and schemas off
    (jsonschema needs rpds-py) rather than a crash."""
    with zipfile.ZipFile(vsix_files[target]) as archive:
        archive.extractall(tmp_path / "x")
    for path in (tmp_path / "x").rglob("*"):
        if path.suffix in COMPILED:
            path.unlink()
    launcher = tmp_path / "x" / "extension" / "bundled" / "tool" / "launch.py"
    vault = tmp_path / "vault"
    shutil.copytree(REPO / "examples" / "vault", vault)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k != "VIRTUAL_ENV"}
    # The pure part is the same for every target; the universal one is also tried on 3.10.
    for python in _host_pythons() if target == "universal" else [sys.executable]:
        probe = subprocess.run(
            [
                python,
                "-I",
                "-S",
                "-B",
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); "
                "import launch, yaml, vaultls.lsp.server; print(yaml.__with_libyaml__)",
                str(launcher.parent),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
        assert probe.returncode == 0, probe.stderr[-3000:]
        assert probe.stdout.strip() == "False"
        # The demo vault configures schemas: they cannot be checked, and `check` says so (status 2).
        check = subprocess.run(
            [python, "-I", "-S", "-B", str(launcher), "check", str(vault)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        assert check.returncode == 2 and "`jsonschema` is not installed" in check.stderr, check.stderr[-3000:]
        # Everything else is checked as usual.
        (vault / ".vaultls.toml").unlink()
        check = subprocess.run(
            [python, "-I", "-S", "-B", str(launcher), "check", str(vault)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        assert check.returncode == 1, check.stderr[-3000:]
        assert "dangling-link" in check.stdout and "frontmatter-yaml" in check.stdout, check.stdout[-3000:]
        (vault / ".vaultls.toml").write_bytes((REPO / "examples" / "vault" / ".vaultls.toml").read_bytes())
