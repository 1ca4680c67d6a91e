"""Builds editors/vscode/bundled/ for one VS Code target: the vaultls server, its dependencies
and the launcher that the extension runs as `python -I -S bundled/tool/launch.py serve`.

    python3 scripts/bundle_server.py --target linux-x64      (or darwin-arm64, win32-x64, ..., universal)

Dependencies come from requirements.txt (hash-locked) as wheels only, fetched with
`pip download --only-binary=:all: --platform ... --python-version X --implementation cp` once per
CPython in PYTHON_VERSIONS, for the target's platform, so one machine builds every target. Wheels
are kept in .cache/wheels/<target>/<abi>/ (a second build downloads nothing). A lock line's
environment marker (`tomli ...; python_version < "3.11"`) is evaluated here for each target
Python, so back-ports are bundled only for the Pythons that need them.

Layout of bundled/libs:
- a distribution whose wheels for every target Python hold the same pure-Python files goes into
  libs/ once; its compiled modules sit side by side there, each named with its ABI
  (`_yaml.cpython-312-darwin.so`, `_yaml.cp312-win_amd64.pyd`), so each Python loads its own;
- any other one (bundled for some Pythons only, or whose pure files differ between Pythons)
  goes into libs/cp3XX/ for each Python, which the launcher puts before libs/.
A distribution without a wheel for some target Python: its pure-Python part from another
Python's wheel when it has one that works alone (PURE_FALLBACK), else it is left out for that
Python. `universal` bundles only pure-Python code: pure wheels, and the pure part of the rest.

bundled/tool/bundle.json says, per Python, which distributions lack their compiled modules: the
extension reads it to tell the user, once, what needs a separately installed vaultls.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from pip._vendor.packaging.markers import Marker  # pip's own copy: no extra install to build

ROOT = Path(__file__).resolve().parent.parent
REPO = ROOT.parent.parent
REQUIREMENTS = ROOT / "requirements.txt"
CACHE = ROOT / ".cache" / "wheels"
BUNDLED = ROOT / "bundled"
PYTHON_VERSIONS = ["3.10", "3.11", "3.12", "3.13", "3.14"]
COMPILED_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")

# Wheel platform tags per VS Code target, preferred first (pip wants them spelled out when it
# fetches for another machine). macOS tags name the oldest macOS VS Code runs on; pip adds the
# older ones itself.
PLATFORM_TAGS: dict[str, list[str]] = {
    "linux-x64": [
        f"{tag}_x86_64"
        for tag in ("manylinux_2_28", "manylinux_2_27", "manylinux_2_24", "manylinux_2_17", "manylinux2014")
        + ("manylinux_2_12", "manylinux2010", "manylinux_2_5", "manylinux1")
    ],
    "linux-arm64": [f"{tag}_aarch64" for tag in ("manylinux_2_28", "manylinux_2_27", "manylinux_2_17", "manylinux2014")],
    "darwin-x64": ["macosx_10_15_x86_64"],
    "darwin-arm64": ["macosx_11_0_arm64"],
    "win32-x64": ["win_amd64"],
    "win32-arm64": ["win_arm64"],
}
TARGETS = [*PLATFORM_TAGS, "universal"]
# Environment markers are evaluated for the target, not for the building machine.
MARKER_PLATFORM = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    "darwin": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
    "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
}
MACHINE = {"x64": "x86_64", "arm64": "arm64"}
# Distributions that ship only platform wheels: does their pure-Python part work without the
# compiled one? PyYAML's does (the C loader is optional); rpds-py is nothing but its compiled
# module (jsonschema needs it: without it vaultls says once that schemas are not checked).
PURE_FALLBACK = {"pyyaml": True, "rpds-py": False}
# Per-wheel metadata that differs between Pythons and that nothing reads at run time.
DROPPED_METADATA = {"RECORD", "WHEEL", "INSTALLER", "REQUESTED", "direct_url.json"}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> list[tuple[str, str, str]]:
    """(name, whole requirement text with hashes, marker) for each pin of the lock."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    entries = []
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^ ;]+)\s*(?:;\s*(.*?))?\s*((?:--hash=\S+\s*)+)$", line)
        if match is None:
            raise SystemExit(f"cannot read this line of {path.name}: {line}")
        name, version, marker, hashes = match.groups()
        entries.append((canonical(name), f"{name}=={version} {hashes.strip()}", marker or ""))
    return entries


def marker_environment(target: str, python: str) -> dict[str, str]:
    system, _, arch = target.partition("-")
    env = dict(MARKER_PLATFORM.get(system, {"sys_platform": "", "platform_system": "", "os_name": ""}))
    env.update(
        python_version=python,
        python_full_version=f"{python}.0",
        implementation_name="cpython",
        platform_python_implementation="CPython",
        implementation_version=f"{python}.0",
        platform_machine=MACHINE.get(arch, ""),
        platform_release="",
        platform_version="",
    )
    return env


def wanted(entries: list[tuple[str, str, str]], target: str, python: str) -> list[tuple[str, str]]:
    env = marker_environment(target, python)
    return [(n, r) for n, r, m in entries if not m or Marker(m).evaluate(env)]


def abi(python: str) -> str:
    return "cp" + python.replace(".", "")


def pip_download(requirements: list[str], dest: Path, python: str, platforms: list[str]) -> subprocess.CompletedProcess:
    dest.mkdir(parents=True, exist_ok=True)
    lock = dest / "requirements.txt"
    lock.write_text("\n".join(requirements) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-input", "--quiet"]
    cmd += ["--no-deps", "--require-hashes", "--only-binary=:all:", "--dest", str(dest)]
    cmd += ["--implementation", "cp", "--python-version", python, "--abi", abi(python)]
    cmd += [arg for tag in platforms for arg in ("--platform", tag)]
    cmd += ["-r", str(lock)]
    return subprocess.run(cmd, capture_output=True, text=True)


def wheel_name(path: Path) -> str:
    return canonical(path.name.split("-")[0])


def fetch(target: str, python: str, pins: list[tuple[str, str]]) -> dict[str, Path]:
    """The wheel of each pin for this target and Python, {name: wheel}; a pin with no wheel for
    them is left out. Downloads only what .cache does not hold yet (keyed by the pins)."""
    key = hashlib.sha256("\n".join(r for _, r in pins).encode()).hexdigest()[:16]
    dest = CACHE / target / abi(python)
    stamp = dest / f"complete-{key}.json"
    if stamp.exists():
        names = json.loads(stamp.read_text(encoding="utf-8"))
        return {name: dest / file for name, file in names.items()}
    if dest.exists():
        shutil.rmtree(dest)
    platforms = PLATFORM_TAGS.get(target, ["any"])
    remaining = dict(pins)
    if target == "universal":
        # Pure wheels only; the pure part of the others is taken from linux-x64's wheels.
        remaining = {n: r for n, r in remaining.items() if n not in PURE_FALLBACK}
    while remaining:
        result = pip_download(list(remaining.values()), dest, python, platforms)
        if result.returncode == 0:
            break
        # One pin has no wheel for this platform and Python: note it, fetch the rest.
        found = re.search(r"No matching distribution found for ([A-Za-z0-9._-]+)==", result.stderr)
        name = canonical(found.group(1)) if found else None
        if name not in remaining:
            raise SystemExit(f"pip download failed for {target}, Python {python}:\n{result.stderr}")
        print(f"  {target}, Python {python}: no wheel of {name}")
        del remaining[name]
    wheels = {wheel_name(p): p for p in dest.glob("*.whl")}
    stamp.write_text(json.dumps({n: p.name for n, p in sorted(wheels.items())}), encoding="utf-8")
    return wheels


def is_compiled(name: str) -> bool:
    return name.endswith(COMPILED_SUFFIXES)


def unpack(wheel: Path, pure_only: bool = False) -> dict[str, bytes]:
    """The files a wheel installs into site-packages, {posix path: content}."""
    files: dict[str, bytes] = {}
    with zipfile.ZipFile(wheel) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            parts = info.filename.split("/")
            if parts[0].endswith(".data"):
                if len(parts) < 3 or parts[1] not in ("purelib", "platlib"):
                    continue  # scripts, headers, data: not importable
                parts = parts[2:]
            if parts[0].endswith(".dist-info") and parts[-1] in DROPPED_METADATA:
                continue
            if "__pycache__" in parts or parts[-1].endswith(".pyc"):
                continue
            if pure_only and is_compiled(parts[-1]):
                continue
            files["/".join(parts)] = archive.read(info)
    return files


def collect(target: str, entries: list[tuple[str, str, str]]) -> tuple[dict[str, dict[str, dict[str, bytes]]], dict]:
    """{python: {distribution: files}} for the target, and what bundle.json says per Python."""
    per_python: dict[str, dict[str, dict[str, bytes]]] = {}
    report: dict[str, dict[str, list[str]]] = {}
    for python in PYTHON_VERSIONS:
        pins = wanted(entries, target, python)
        wheels = fetch(target, python, pins)
        if target == "universal":
            fallback = fetch("linux-x64", python, [(n, r) for n, r in pins if n in PURE_FALLBACK])
            wheels.update({n: p for n, p in fallback.items() if PURE_FALLBACK.get(n)})
        dists = {name: unpack(wheels[name], pure_only=target == "universal") for name, _ in pins if name in wheels}
        per_python[python] = dists
        report[python] = {"without_wheel": sorted(n for n, _ in pins if n not in wheels)}
    # A distribution with no wheel for some Python: its pure part from another Python's wheel.
    for python, dists in per_python.items():
        for name in report[python]["without_wheel"]:
            donor = next((d[name] for d in per_python.values() if name in d), None)
            if PURE_FALLBACK.get(name) and donor is not None:
                dists[name] = {path: data for path, data in donor.items() if not is_compiled(path)}
        # What this Python lacks: a distribution, or the compiled part of one that has it.
        report[python]["missing"] = sorted(
            name
            for name, _ in wanted(entries, target, python)
            if name not in dists or (name in PURE_FALLBACK and not any(is_compiled(p) for p in dists[name]))
        )
    return per_python, report


def layout(per_python: dict[str, dict[str, dict[str, bytes]]]) -> dict[str, bytes]:
    """{path under libs/: content}: shared where every Python has the same pure files, else per
    Python under cp3XX/."""
    out: dict[str, bytes] = {}
    names = sorted({name for dists in per_python.values() for name in dists})
    for name in names:
        present = {python: dists[name] for python, dists in per_python.items() if name in dists}
        pure = [{p: d for p, d in files.items() if not is_compiled(p)} for files in present.values()]
        compiled: dict[str, bytes] = {}
        clash = False
        for files in present.values():
            for path, data in files.items():
                if is_compiled(path):
                    clash |= compiled.setdefault(path, data) != data
        shared = len(present) == len(per_python) and all(p == pure[0] for p in pure) and not clash
        for python, files in present.items():
            prefix = "" if shared else f"{abi(python)}/"
            for path, data in files.items():
                out[prefix + path] = data
    return out


def build(target: str) -> None:
    if target not in TARGETS:
        raise SystemExit(f"unknown target {target!r}; one of {', '.join(TARGETS)}")
    print(f"bundling the vaultls server for {target}")
    entries = read_lock(REQUIREMENTS)
    per_python, report = collect(target, entries)
    files = layout(per_python)
    shutil.rmtree(BUNDLED, ignore_errors=True)
    libs = BUNDLED / "libs"
    for rel, data in files.items():
        path = libs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    server = REPO / "server" / "vaultls"
    shutil.copytree(server, libs / "vaultls", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    tool = BUNDLED / "tool"
    tool.mkdir(parents=True)
    shutil.copyfile(ROOT / "launcher" / "launch.py", tool / "launch.py")
    version = re.search(r'__version__ = "([^"]+)"', (server / "__init__.py").read_text(encoding="utf-8"))
    info = {
        "target": target,
        "version": version.group(1) if version else "",
        "compiled": sorted(name for name, _, _ in entries if name in PURE_FALLBACK),
        "pythons": {python: {"missing": entry["missing"]} for python, entry in report.items()},
    }
    (tool / "bundle.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    for python, entry in report.items():
        if entry["missing"]:
            print(f"  Python {python}: without compiled {', '.join(entry['missing'])}")
    check(target)
    print(f"bundled the vaultls server for {target} into {libs}")


def host_target() -> str:
    machine = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(os.uname().machine.lower(), "")
    return f"{sys.platform}-{machine}"


def check(target: str) -> None:
    """The bundle answers `--version` as the extension starts it, with the building Python,
    when it can run here."""
    if target not in (host_target(), "universal") or os.environ.get("VAULTLS_BUNDLE_SKIP_CHECK") == "1":
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    subprocess.run([sys.executable, "-I", "-S", "-B", str(BUNDLED / "tool" / "launch.py"), "--version"], check=True, env=env, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", default=host_target(), help="a VS Code target, or universal (default: this machine)")
    build(parser.parse_args().target)


if __name__ == "__main__":
    main()
