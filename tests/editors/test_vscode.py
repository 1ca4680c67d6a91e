"""The VS Code extension (editors/vscode): its unit tests, its bundled server, and an
end-to-end run in a real VS Code.

- `test_extension_unit_tests`: `npm test` in editors/vscode (node's test runner over the
  compiled TypeScript: server discovery order, settings mapping, ...), no VS Code needed.
- `test_vsix_contents`, `test_bundled_server_*`: the built .vsix carries the server and its
  launcher, and the bundle runs as the extension starts it (`python -I -S
  bundled/tool/launch.py`) on every Python 3.10-3.13 found here, not only on the one that built
  it, without importing anything from its working folder or PYTHONPATH.
- `test_vscode_end_to_end`: code-server 4.100.3 (VS Code 1.100) with the .vsix installed,
  driven by Debian's Chromium through playwright-core (tests/editors/vscode_e2e/e2e.mjs), on a
  copy of examples/vault, with no `vaultls` on PATH so that the bundled server runs. The copy
  carries modules (`vaultls/`, `json.py`, `multiprocessing.py`, ...) that would leave a marker
  file outside the vault if anything the extension starts imported them: none may appear.
- `test_vscode_restricted_mode`: the same in an untrusted workspace (Restricted Mode), with a
  `python3` inside the vault first on PATH that must not run until the workspace is trusted.

What they need is installed by `.ci/install-vscode.sh` (Chromium, code-server in .cache/,
playwright-core, the extension's node_modules, the .vsix). When something is missing the tests
skip locally and FAIL when $CI is set. The .vsix is rebuilt first when the server or the
extension changed since it was built (about 10 s).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXTENSION = REPO / "editors" / "vscode"
E2E = Path(__file__).resolve().parent / "vscode_e2e"
EXAMPLE_VAULT = Path(os.environ.get("VAULTLS_EXAMPLE_VAULT") or REPO / "examples" / "vault")
CODE_SERVER_VERSION = "4.100.3"
CODE_SERVER = REPO / ".cache" / f"code-server-{CODE_SERVER_VERSION}" / "node_modules" / ".bin" / "code-server"
CHROMIUM = os.environ.get("VAULTLS_CHROMIUM") or "/usr/bin/chromium"
ARTIFACTS = REPO / "test-artifacts"
VERSION = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))["version"]
# `npm run package` builds this machine's target; tests/packaging checks every target's .vsix.
_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(platform.machine().lower())
HOST_TARGET = f"{sys.platform}-{_ARCH}" if _ARCH and sys.platform in ("linux", "darwin", "win32") else "universal"
VSIX = EXTENSION / f"vaultls-{HOST_TARGET}-{VERSION}.vsix"

# What the end-to-end test relies on in examples/vault (the same notes as test_neovim.py).
DANGLING_NOTE = "Events/Chinese Revolution 1927.md"  # has a link to a note that does not exist:
DANGLING_TARGET = "Northern Expedition"  # this one
TARGET_NOTE = "Permanent Revolution"  # an existing note with one name only ...
TARGET_PATH = "Concepts/Permanent Revolution.md"
TARGET_TEXT = "backward countries"  # ... and words from its text (the hover preview shows them)
CHECK_VAULT_CODE = "frontmatter-yaml"  # a problem only in a note the test never opens
SECOND_NOTE = "Second vault note"  # the one note of a second workspace folder (multi-root)
# Modules a hostile vault may carry, to be imported in place of the real ones by a Python whose
# sys.path has the working folder (`python -m`, `-c`) or the vault (PYTHONPATH): each leaves a
# marker file named after it, outside the vault, if it is ever imported.
POISON_MODULES = [
    "vaultls/__init__.py",
    "vaultls.py",
    "json.py",
    "multiprocessing.py",
    "yaml.py",
    "sqlite3.py",
    "pygls/__init__.py",
    "lsprotocol.py",
    "runpy.py",
]


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI is set, so this is a failure, not a skip; run .ci/install-vscode.sh)")
    pytest.skip(f"{what}; run `bash .ci/install-vscode.sh`")


def _run(
    cmd: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def npm() -> str:
    exe = shutil.which("npm")
    if exe is None:
        _missing("npm not found")
    if not (EXTENSION / "node_modules" / "vscode-languageclient").is_dir():
        _missing("editors/vscode/node_modules is missing (npm ci)")
    return exe  # type: ignore[return-value]


def _newest_source_mtime() -> float:
    roots = [REPO / "server" / "vaultls", EXTENSION / "src", EXTENSION / "launcher", EXTENSION / "scripts"]
    files = [p for root in roots for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [EXTENSION / name for name in ("package.json", "requirements.txt", ".vscodeignore", "README.md")]
    return max(p.stat().st_mtime for p in files if p.exists())


@pytest.fixture(scope="module")
def vsix(npm: str) -> Path:
    """The built .vsix, rebuilt when it is older than the server or extension sources."""
    bundle = EXTENSION / "bundled" / "libs" / "vaultls"
    if not VSIX.exists() or not bundle.is_dir() or VSIX.stat().st_mtime < _newest_source_mtime():
        result = _run([npm, "run", "package"], EXTENSION, timeout=300)
        if result.returncode != 0:
            pytest.fail(f"`npm run package` failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return VSIX


def test_extension_unit_tests(npm: str) -> None:
    result = _run([npm, "test"], EXTENSION, timeout=180)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    passed = re.search(r"^# pass (\d+)$", output, re.M)
    failed = re.search(r"^# fail (\d+)$", output, re.M)
    assert passed and int(passed.group(1)) > 0, output[-4000:]
    assert failed and int(failed.group(1)) == 0, output[-4000:]


def test_vsix_contents(vsix: Path) -> None:
    names = set(zipfile.ZipFile(vsix).namelist())
    for required in [
        "extension/package.json",
        "extension/dist/extension.js",
        "extension/readme.md",
        "extension/changelog.md",
        "extension/LICENSE.txt",
        "extension/images/icon.png",
        "extension/bundled/tool/launch.py",  # what the extension runs: python -I -S launch.py
        "extension/bundled/libs/vaultls/__init__.py",
        "extension/bundled/libs/vaultls/__main__.py",
        "extension/bundled/libs/vaultls/cli.py",
        "extension/bundled/libs/pygls/__init__.py",
        "extension/bundled/libs/lsprotocol/types.py",
        "extension/bundled/tool/bundle.json",  # what each Python lacks, for the extension to say
        "extension/bundled/libs/cp310/exceptiongroup/__init__.py",  # cattrs needs it below Python 3.11
        "extension/bundled/libs/cp310/tomli/__init__.py",  # vaultls needs it below Python 3.11
        "extension/bundled/libs/jsonschema/__init__.py",
        "extension/bundled/libs/rpds/__init__.py",
        "extension/media/graph_view.js",  # the graph panel's view (scripts/copy_graph_view.mjs)
        "extension/media/graph_view.css",
    ]:
        assert required in names, f"{required} is not in {vsix.name}"
    unwanted = [
        n
        for n in names
        if "__pycache__" in n
        or n.endswith(".pyc")
        or n.startswith("extension/src/")
        or n.startswith("extension/out/")
        or n.startswith("extension/node_modules/")
        or n.startswith("extension/launcher/")
        or "/bundled/libs/bin/" in n
    ]
    assert not unwanted, unwanted[:10]
    # The launcher shipped is the one in the repository.
    launcher = zipfile.ZipFile(vsix).read("extension/bundled/tool/launch.py").decode("utf-8")
    assert launcher == (EXTENSION / "launcher" / "launch.py").read_text(encoding="utf-8")
    # Every module of the server is in the bundle.
    for source in (REPO / "server" / "vaultls").rglob("*.py"):
        rel = source.relative_to(REPO / "server").as_posix()
        assert f"extension/bundled/libs/{rel}" in names, f"{rel} is missing from the bundle"


def test_package_json_contributes_every_server_setting() -> None:
    """editors/vscode/package.json has a `vaultls.*` setting for each setting the server reads,
    and none the server does not know (except those it passes through: the extension's own
    server.*, trace.*, enable and start, and the log settings, read apart from the others)."""
    from vaultls.vault import settings as server_settings

    def snake(name: str) -> str:
        return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()

    properties = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))["contributes"]["configuration"][
        "properties"
    ]
    contributed = {snake(key.removeprefix("vaultls.")) for key in properties}
    contributed = {key for key in contributed if key.split(".")[0] not in server_settings.PASSTHROUGH_SECTIONS}
    known = set(server_settings.SETTING_KEYS)  # dotted snake_case names the server reads
    assert contributed == known, (
        f"missing in package.json: {sorted(known - contributed)}; unknown to the server: {sorted(contributed - known)}"
    )


def _requirement_names(lines: list[str]) -> set[str]:
    names = set()
    for line in lines:
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)", line.strip())
        if match and not line.strip().startswith("#"):
            names.add(re.sub(r"[-_.]+", "-", match.group(1)).lower())
    return names


def test_requirements_lock_covers_pyproject() -> None:
    """requirements.txt (the bundle's lock) has every runtime dependency of pyproject.toml, pinned
    with hashes, the back-ports with their markers; if not, run editors/vscode/scripts/lock-requirements.sh."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = _requirement_names(project["dependencies"])
    lock = (EXTENSION / "requirements.txt").read_text(encoding="utf-8")
    pins = [line for line in lock.splitlines() if re.match(r"^[A-Za-z0-9]", line)]
    locked = _requirement_names(pins)
    missing = wanted - locked
    assert not missing, f"requirements.txt lacks {sorted(missing)}: run editors/vscode/scripts/lock-requirements.sh"
    for line in pins:
        assert "==" in line, f"not an exact pin: {line}"
        if line.startswith(("tomli==", "exceptiongroup==")):  # back-ports: bundled below 3.11 only
            assert "; python_full_version < '3.11'" in line, line
    assert lock.count("--hash=sha256:") >= len(pins)


def _pythons() -> dict[str, str]:
    """Python 3.10-3.13 interpreters on this machine, by minor version (pyenv's or on PATH)."""
    found: dict[str, str] = {}
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    for minor in ("3.10", "3.11", "3.12", "3.13"):
        candidates = sorted(pyenv_root.glob(f"versions/{minor}.*/bin/python{minor}"), reverse=True)
        candidates += [Path(p) for p in [shutil.which(f"python{minor}")] if p]
        for exe in candidates:
            # A pyenv shim for a version that is not selected exists but does not run.
            if (
                exe.is_file()
                and os.access(exe, os.X_OK)
                and subprocess.run([str(exe), "-S", "-c", "pass"], capture_output=True, timeout=30).returncode == 0
            ):
                found[minor] = str(exe)
                break
    return found


PYTHONS = _pythons()


def _poison(folder: Path, markers: Path) -> None:
    """Puts POISON_MODULES in `folder`; each writes `markers`/<its name> when imported."""
    markers.mkdir(parents=True, exist_ok=True)
    for rel in POISON_MODULES:
        module = folder / rel
        module.parent.mkdir(parents=True, exist_ok=True)
        marker = markers / f"{folder.name}-{rel.replace('/', '_')}"
        module.write_text(f"open({str(marker)!r}, 'w').write('imported')\n", encoding="utf-8")


@pytest.mark.parametrize("minor", ["3.10", "3.11", "3.12", "3.13"])
def test_bundled_server_runs_on_python(minor: str, vsix: Path, tmp_path: Path) -> None:
    """The bundle (built with one Python) answers `--version` and an LSP initialize on another,
    started as the extension starts it, and imports nothing from its working folder even when
    that is a hostile vault (and PYTHONPATH names it too: -I ignores it)."""
    python = PYTHONS.get(minor)
    if python is None:
        pytest.skip(f"no Python {minor} on this machine")
    launcher = EXTENSION / "bundled" / "tool" / "launch.py"
    hostile = tmp_path / "hostile"
    markers = tmp_path / "markers"
    _poison(hostile, markers)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PYTHONPATH"] = str(hostile)
    version = _run([python, "-I", "-S", str(launcher), "--version"], hostile, timeout=60, env=env)
    assert version.returncode == 0, version.stderr[-3000:]
    assert version.stdout.strip() == f"vaultls {VERSION}"
    # The compiled dependencies load on this Python too (one .so per CPython in the bundle).
    imports = _run(
        [
            python,
            "-I",
            "-S",
            "-c",
            # The launcher puts bundled/libs (and libs/cp3XX) on sys.path when imported.
            f"import sys; sys.path.insert(0, {str(launcher.parent)!r}); "
            "import launch, jsonschema, referencing, rpds, yaml; "
            "import importlib.util as u; "
            "backports = [u.find_spec(m) is not None for m in ('tomli', 'exceptiongroup')]; "
            "print(yaml.__with_libyaml__, backports)",
        ],
        hostile,
        timeout=60,
        env=env,
    )
    assert imports.returncode == 0, imports.stderr[-3000:]
    with_libyaml, backports = imports.stdout.split(" ", 1)
    # tomli and exceptiongroup are there below 3.11 only (the standard library has them after).
    assert backports.strip() == str([minor == "3.10"] * 2), imports.stdout
    if sys.platform == "linux" and os.uname().machine == "x86_64":
        assert with_libyaml == "True", "PyYAML's C accelerator is not bundled for this Python"

    # A minimal LSP session over stdio: initialize, shutdown, exit.
    def message(payload: dict) -> bytes:
        body = json.dumps(payload).encode()
        return f"Content-Length: {len(body)}\r\n\r\n".encode() + body

    messages = b"".join(
        [
            message(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "initialize",
                    "params": {"processId": None, "rootUri": None, "capabilities": {}},
                }
            ),
            message({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
            message({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None}),
            message({"jsonrpc": "2.0", "method": "exit", "params": None}),
        ]
    )
    proc = subprocess.run(
        [python, "-I", "-S", str(launcher), "serve"],
        input=messages,
        env=env,
        cwd=hostile,
        capture_output=True,
        timeout=60,
    )
    answers = {m.get("id"): m for m in _lsp_messages(proc.stdout) if "id" in m and "method" not in m}
    assert 1 in answers, (proc.stdout[-2000:], proc.stderr[-3000:].decode("utf-8", "replace"))
    capabilities = answers[1]["result"]["capabilities"]
    assert capabilities.get("completionProvider") and capabilities.get("definitionProvider"), capabilities
    assert capabilities.get("hoverProvider"), capabilities
    assert "vaultls.checkVault" in capabilities.get("executeCommandProvider", {}).get("commands", []), capabilities
    assert 2 in answers and "error" not in answers[2], answers.get(2)
    assert sorted(p.name for p in markers.iterdir()) == [], "the bundled server imported modules of its working folder"


def _lsp_messages(data: bytes) -> list[dict]:
    messages = []
    while data:
        header, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            break
        length = int(re.search(rb"Content-Length: *(\d+)", header, re.I).group(1))  # type: ignore[union-attr]
        messages.append(json.loads(rest[:length]))
        data = rest[length:]
    return messages


def _path_without_vaultls() -> str:
    """PATH minus the venv running the tests and any folder with a `vaultls` in it."""
    keep = []
    venv_bin = Path(sys.executable).parent
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if not entry:
            continue
        if Path(entry) == venv_bin or (Path(entry) / "vaultls").exists():
            continue
        keep.append(entry)
    return os.pathsep.join(keep)


@pytest.fixture(scope="module")
def e2e_tools() -> dict[str, str]:
    node = shutil.which("node")
    if node is None:
        _missing("node not found")
    if not CODE_SERVER.exists():
        _missing(f"code-server {CODE_SERVER_VERSION} is not installed in {CODE_SERVER.parents[2]}")
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        _missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not (E2E / "node_modules" / "playwright-core").is_dir():
        _missing("playwright-core is not installed in tests/editors/vscode_e2e (npm ci there)")
    return {"node": node}  # type: ignore[dict-item]


def _end_to_end(
    tools: dict[str, str], vsix: Path, tmp_path: Path, scenario: str, settings: dict, venv_in_vault: bool = False
) -> str:
    """Runs e2e.mjs on a copy of examples/vault; returns its output (asserts it passed).
    `venv_in_vault`: the vault gets a `.venv/bin/python3`, first on PATH, that leaves a marker
    whenever it runs (and then runs the real python3)."""
    vault = tmp_path / "vault"
    shutil.copytree(EXAMPLE_VAULT, vault)
    for rel in (DANGLING_NOTE, TARGET_PATH):
        assert (vault / rel).exists(), f"examples/vault has no {rel}; update test_vscode.py"
    markers = tmp_path / "markers"
    _poison(vault, markers)

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PATH"] = _path_without_vaultls()
    found = shutil.which("vaultls", path=env["PATH"])
    assert found is None, f"vaultls is still on PATH for code-server: {found}"
    assert shutil.which("python3", path=env["PATH"]) or shutil.which("python", path=env["PATH"]), (
        "no python3 on PATH for the bundled server"
    )
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(tmp_path / "xdg" / name.lower())
    venv = {}
    if venv_in_vault:
        real = shutil.which("python3", path=env["PATH"])
        venv_python = vault / ".venv" / "bin" / "python3"
        venv_marker = tmp_path / "venv-python-ran"
        venv_python.parent.mkdir(parents=True)
        venv_python.write_text(f"#!/bin/sh\necho \"$*\" >> '{venv_marker}'\nexec '{real}' \"$@\"\n", encoding="utf-8")
        venv_python.chmod(0o755)
        env["PATH"] = os.pathsep.join([str(venv_python.parent), env["PATH"]])
        venv = {"venvPython": str(venv_python), "venvMarker": str(venv_marker)}
        # code-server gives the extension host the environment of a login shell (`$SHELL -i -l
        # -c ...`), whose profile sets PATH anew: this "shell" runs the command in the
        # environment it got, so that the PATH above is the extension host's.
        shell = tmp_path / "shell"
        shell.write_text('#!/bin/sh\nfor last; do :; done\nexec /bin/sh -c "$last"\n', encoding="utf-8")
        shell.chmod(0o755)
        env["SHELL"] = str(shell)

    # A second workspace folder, a vault of its own: its link to a note of the first vault dangles.
    second = tmp_path / "second"
    (second / ".obsidian").mkdir(parents=True)
    (second / f"{SECOND_NOTE}.md").write_text(f"# {SECOND_NOTE}\n\nSee [[{TARGET_NOTE}]].\n", encoding="utf-8")
    _poison(second, markers)
    workspace_file = tmp_path / "vaults.code-workspace"
    workspace_file.write_text(json.dumps({"folders": [{"path": str(vault)}, {"path": str(second)}]}), encoding="utf-8")

    config = {
        "scenario": scenario,
        "workspaceFile": str(workspace_file),
        "secondVault": {
            "name": second.name,
            "path": str(second),
            "note": f"{SECOND_NOTE}.md",
            "danglingTarget": TARGET_NOTE,
        },
        "markers": str(markers),
        **venv,
        "settings": settings,
        "codeServer": str(CODE_SERVER),
        "vsix": str(vsix),
        "vault": str(vault),
        "vaultName": vault.name,
        "work": str(tmp_path / "work"),
        "artifacts": str(ARTIFACTS),
        # The features run takes the README's screenshots (editors/vscode/images/ has a copy).
        "screenshots": str(ARTIFACTS / "screenshots") if scenario == "features" else None,
        "chromium": CHROMIUM,
        "env": env,
        "note": DANGLING_NOTE,
        "danglingTarget": DANGLING_TARGET,
        "targetNote": TARGET_NOTE,
        "targetPath": TARGET_PATH,
        "targetText": TARGET_TEXT,
        "checkVaultCode": CHECK_VAULT_CODE,
        "noteNames": sorted(note.stem for note in vault.rglob("*.md")),
        "timeoutMs": 20000,
    }
    config_file = tmp_path / "e2e.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    started = time.monotonic()
    try:
        result = _run([tools["node"], str(E2E / "e2e.mjs"), str(config_file)], E2E, timeout=240)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"the end-to-end run took over 240 s:\n{error.stdout or ''}\n{error.stderr or ''}")
    print(result.stdout)
    print(f"end-to-end run: {time.monotonic() - started:.1f} s")
    imported = sorted(p.name for p in markers.iterdir())
    assert not imported, f"code from the vault ran: {imported}\n{result.stdout}\n{result.stderr}"
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert "not ok" not in result.stdout
    return result.stdout


def test_vscode_end_to_end(e2e_tools: dict[str, str], vsix: Path, tmp_path: Path) -> None:
    """Problems panel, [[ completion, hover, F12, Check Vault, a second workspace folder and a
    settings change, with the bundled server and the first python3 on PATH; in vaults full of
    modules that must never be imported, by servers that run isolated and outside the vaults."""
    output = _end_to_end(e2e_tools, vsix, tmp_path, "features", {})
    assert "ok - F12 on the link opens the target note" in output
    # VS Code's own Markdown support and vaultls: one outline tree, each reference once (issue 24).
    assert "ok - the outline lists each heading of the note once" in output
    assert "ok - Shift+F12 on the title lists each reference once" in output
    assert "ok - Shift+F12 on a link lists each reference once" in output
    # The quick fix makes the note where Obsidian would (the vault root by default) and opens it.
    assert f'ok - "Create note" on the dangling link opens {DANGLING_TARGET}.md, made at the vault root' in output
    assert "ok - the servers run isolated (-I), in the extension's folder, not in a vault" in output
    assert "ok - nothing in the vaults was imported" in output


@pytest.mark.skipif(sys.platform == "win32", reason="the vault's fake python3 is a shell script")
def test_vscode_restricted_mode(e2e_tools: dict[str, str], vsix: Path, tmp_path: Path) -> None:
    """An untrusted workspace (Restricted Mode) whose vault has a `.venv/bin/python3` first on
    PATH: the servers run (diagnostics, Check Vault, both folders; isolated, outside the vaults)
    with the next python3 on PATH, and the vault's never runs; once the workspace is trusted the
    extension finds the server again, and then the vault's python3 is tried first, as outside
    Restricted Mode."""
    settings = {
        "security.workspace.trust.enabled": True,
        "security.workspace.trust.startupPrompt": "never",
        "security.workspace.trust.banner": "never",
    }
    output = _end_to_end(e2e_tools, vsix, tmp_path, "restricted", settings, venv_in_vault=True)
    assert "ok - the workspace opens in Restricted Mode" in output
    assert "ok - the Problems panel lists the dangling link to Northern Expedition" in output
    assert "ok - vaultls: Check Vault lists the problems of notes that are not open" in output
    assert "ok - in Restricted Mode the vault's own python3 (first on PATH) did not run" in output
    assert "ok - trusting the workspace finds the server again, now with the Python inside it" in output


def test_vscode_bad_python_setting_notifies_once(e2e_tools: dict[str, str], vsix: Path, tmp_path: Path) -> None:
    """A vaultls.server.python that does not exist: one notification that names the setting."""
    output = _end_to_end(e2e_tools, vsix, tmp_path, "bad-python", {"vaultls.server.python": "/nonexistent/bin/python3"})
    assert "ok - opening more notes adds no notification" in output
