"""The whole-vault runner (`vault/bulk_check.py`) and the memoised `check_vault` report
exactly what the plain per-link check reported: same problems, ranges, messages, data, order.

`_reference_check_vault` below is the check as it was before either existed (resolution of
every link through `Vault.resolve`, headings matched with `names.heading_matches`), kept here
as the yardstick."""

from __future__ import annotations

import json
import random
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_vault
from tests.unit.check_vaults import SPECIAL, filler
from vaultls import cli
from vaultls.vault import bulk_check, check_run, names
from vaultls.vault.bulk_check import check_whole_vault
from vaultls.vault.check import check_vault, schema_problems
from vaultls.vault.check_result import CheckResult
from vaultls.vault.index import Resolution, Vault, find_heading
from vaultls.vault.link_check import LinkChecker, has_heading, note_anchors
from vaultls.vault.model import Heading, Link, Range
from vaultls.vault.parse import parse
from vaultls.vault.problems import Problem, Severity, make_problem
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault

# --------------------------------------------------------------------------- the yardstick


def _reference_link_problems(vault: Vault, path: str, link: Link, res: Resolution, dangling: Any) -> list[Problem]:
    if res.dangling:
        if dangling is None:
            return []
        if res.outside:
            message = f'"{link.target}" points outside the vault'
            return [Problem(path, link.target_range, dangling, "dangling-link", message)]
        last = names.last_component(link.target)
        what = "note" if not ("." in last and not names.is_note_path(last)) else "file"
        message = f'no {what} named "{link.target}" in the vault'
        data: dict[str, Any] = {"target": link.target}
        owners = vault.alias_owners(link.target)
        if owners:
            owner = vault.notes[owners[0]].name
            message += f'; "{link.target}" is an alias of "{owner}" (Obsidian does not resolve aliases)'
            data["alias_of"] = vault.shortest_link(owners[0])
        return [Problem(path, link.target_range, dangling, "dangling-link", message, data=data)]
    out: list[Problem] = []
    target = res.targets[0]
    target_name = vault.notes[target].name if target in vault.notes else names.last_component(target)
    if res.missing == "heading":
        out.append(
            Problem(
                path,
                link.target_range,
                Severity.WARNING,
                "missing-heading",
                f'"{target_name}" has no heading "{"#".join(link.subpath)}"',
            )
        )
    elif res.missing == "block":
        out.append(
            Problem(
                path,
                link.target_range,
                Severity.WARNING,
                "missing-block",
                f'"{target_name}" has no block "^{link.block}"',
            )
        )
    if res.ambiguous:
        listed = ", ".join(res.targets[:8]) + (", …" if len(res.targets) > 8 else "")
        out.append(
            Problem(
                path,
                link.target_range,
                Severity.HINT,
                "ambiguous-link",
                f'"{link.target}" matches {len(res.targets)} '
                f"{'notes' if res.targets[0].endswith('.md') else 'files'}; Obsidian opens {res.targets[0]} "
                f"(those under this note's folder first, then the shortest path). Candidates: {listed}",
                data={"candidates": res.targets},
            )
        )
    return out


def _reference_check_vault(vault: Vault) -> list[Problem]:
    problems: list[Problem] = []
    dangling = Severity.from_name(vault.settings.dangling_links)
    for path in sorted(vault.notes):
        note = vault.notes[path]
        if not note.valid_utf8:
            problems.append(
                Problem(
                    path,
                    Range.on_line(0, 0, 0),
                    Severity.WARNING,
                    "encoding",
                    "this file is not valid UTF-8; invalid bytes are shown as \ufffd",
                )
            )
        fm = note.parsed.frontmatter
        if fm is not None:
            if fm.error is not None and fm.error_range is not None:
                problems.append(Problem(path, fm.error_range, Severity.ERROR, "frontmatter-yaml", fm.error))
            for key, key_range in fm.duplicate_keys:
                problems.append(
                    Problem(
                        path,
                        key_range,
                        Severity.WARNING,
                        "frontmatter-yaml",
                        f'duplicate property "{key}": only its last value is kept',
                    )
                )
        problems.extend(schema_problems(vault, note))
        for link in note.parsed.links:
            problems.extend(_reference_link_problems(vault, path, link, vault.resolve(path, link), dangling))
    problems.sort(key=lambda p: (p.path, p.range.start, p.code))
    return problems


def _full(problems: list[Problem]) -> list[tuple]:
    """Everything of each problem, `data` (which `==` ignores) included."""
    return [(p.path, p.range, p.severity, p.code, p.message, p.data) for p in problems]


# --------------------------------------------------------------------------- vaults


def _settings(root: Path):
    settings, errors = build_settings(root)
    assert errors == []
    return settings


def _compare(root: Path, **kwargs: Any) -> CheckResult:
    settings = _settings(root)
    vault, skipped = load_vault(root, settings, use_cache=False)
    expected = _reference_check_vault(vault)
    assert _full(check_vault(vault)) == _full(expected)
    result = check_whole_vault(root, settings, strict=True, **kwargs)
    assert result is not None
    assert _full(result.problems) == _full(expected)
    assert result.skipped == skipped
    return result


# --------------------------------------------------------------------------- tests


def test_special_cases_in_process(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", SPECIAL)
    result = _compare(root, use_cache=False, workers=0)
    codes = {p.code for p in result.problems}
    assert {
        "dangling-link",
        "ambiguous-link",
        "missing-heading",
        "missing-block",
        "encoding",
        "frontmatter-yaml",
        "frontmatter-schema",
    } <= codes
    assert any("points outside the vault" in p.message for p in result.problems)
    assert any(p.data and "alias_of" in p.data for p in result.problems)


def test_special_cases_with_aliases_resolved_and_errors(tmp_path: Path) -> None:
    files = dict(SPECIAL)
    files[".vaultls.toml"] = (
        '[links]\nresolve_aliases = true\n[diagnostics]\ndangling_links = "error"\n' + files[".vaultls.toml"]
    )
    root = write_vault(tmp_path / "v", files)
    _compare(root, use_cache=False, workers=0)


def test_dangling_off_and_schemas_off(tmp_path: Path) -> None:
    files = dict(SPECIAL)
    files[".vaultls.toml"] = '[diagnostics]\ndangling_links = "off"\n[frontmatter]\nseverity = "off"\n'
    root = write_vault(tmp_path / "v", files)
    result = _compare(root, use_cache=False, workers=0)
    assert not any(p.code in ("dangling-link", "frontmatter-schema") for p in result.problems)


def test_types_json(tmp_path: Path) -> None:
    files = dict(SPECIAL)
    files[".obsidian/types.json"] = json.dumps({"types": {"created": "datetime", "n": "number", "k": "checkbox"}})
    root = write_vault(tmp_path / "v", files)
    result = _compare(root, use_cache=False, workers=0)
    assert any(p.code == "frontmatter-schema" and "Dupkeys" in p.path for p in result.problems)


def test_forked_cold_then_warm_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large enough for the index cache: a cold run (parsed in two forked workers, which
    store the cache) and a warm one (read from the cache) report the same."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    files = {**filler(400), **SPECIAL}
    root = write_vault(tmp_path / "v", files)
    monkeypatch.setattr("vaultls.vault.store.cache.RACY_SECONDS", -1.0)  # files just written may be cached
    cold = _compare(root, workers=2)
    warm = _compare(root, workers=2)
    assert cold.workers in (0, 2) and warm.workers == cold.workers
    assert cold.cached == 0 and warm.cached == len([f for f in files if f.endswith(".md")])
    in_process = _compare(root, workers=0)
    assert in_process.workers == 0
    assert any(Path(tmp_path / "cache" / "vaultls").glob("*.sqlite3"))


def test_forked_run_really_forks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("threading.active_count", lambda: 1)  # whatever pytest runs besides
    root = write_vault(tmp_path / "v", {**filler(150, seed=3), **SPECIAL})
    result = _compare(root, use_cache=False, workers=2)
    assert result.workers == 2


def test_a_dead_worker_means_the_in_process_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("threading.active_count", lambda: 1)

    def dies(*args: Any) -> None:
        raise SystemExit(3)

    monkeypatch.setattr(bulk_check, "round_two", _only_in_parent(bulk_check.round_two, dies))
    root = write_vault(tmp_path / "v", {**filler(60, seed=5), **SPECIAL})
    result = _compare(root, use_cache=False, workers=2)
    assert result.workers == 0


def _only_in_parent(real: Any, in_child: Any) -> Any:
    import os

    parent = os.getpid()

    def run(*args: Any) -> Any:
        return real(*args) if os.getpid() == parent else in_child(*args)

    return run


def test_unreadable_and_vanishing_notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write_vault(tmp_path / "v", {"A.md": "[[B]] [[C]]", "B.md": "[[A#x]]", "C.md": "# x"})
    real = bulk_check.parse_files

    def flaky(base: str, rels: list[str]) -> list:
        out = real(base, rels)
        return [(r[0], None, True, None) if r[0] == "C.md" else r for r in out]

    monkeypatch.setattr(bulk_check, "parse_files", flaky)
    result = check_whole_vault(root, _settings(root), use_cache=False, workers=0, strict=True)
    assert result is not None
    assert result.skipped == [("C.md", "unreadable")]
    assert [(p.path, p.code) for p in result.problems] == [("A.md", "dangling-link"), ("B.md", "missing-heading")]


def test_memoised_resolution_matches_resolve_from_every_folder(tmp_path: Path) -> None:
    """`LinkChecker` answers each (folder, kind, target) as `Vault.resolve` would from there,
    though it resolves a wikilink once for all folders that hold none of its candidates."""
    root = write_vault(tmp_path / "v", {**filler(120, seed=11), **SPECIAL})
    settings = _settings(root)
    vault, _ = load_vault(root, settings, use_cache=False)
    checker = LinkChecker(vault)
    dangling = Severity.from_name(settings.dangling_links)
    sources = sorted(vault.notes)
    links = [link for path in sources for link in vault.notes[path].parsed.links]
    rng = random.Random(1)
    for _ in range(3000):
        source = rng.choice(sources)
        link = rng.choice(links)
        folder = source.rpartition("/")[0]
        got = checker.templates(source, folder, link.kind, link.target, link.subpath, link.block)
        want = _reference_link_problems(vault, source, link, vault.resolve(source, link), dangling)
        assert [(s, c, m, d) for s, c, m, d in got] == [(p.severity, p.code, p.message, p.data) for p in want]


def test_has_heading_is_find_heading() -> None:
    rng = random.Random(5)
    texts = ["Intro", "Detail", "Section: One!", "section one", "Über", "Deep *part*", "a/b", "A B", "x", ""]
    for _ in range(3000):
        headings = [
            Heading(rng.randint(1, 4), rng.choice(texts), i, Range.on_line(i, 0, 1)) for i in range(rng.randint(0, 7))
        ]
        chain = tuple(rng.choice(texts + ["section-one", "deep-part", "Nope"]) for _ in range(rng.randint(1, 3)))
        anchors = note_anchors([(h.level, h.text) for h in headings], [])
        assert has_heading(anchors[0], chain) == (find_heading(headings, chain) is not None), (headings, chain)


def test_make_problem_is_the_constructor() -> None:
    rng = Range.on_line(1, 2, 3)
    made = make_problem("a.md", rng, Severity.HINT, "code", "message", {"x": [1]})
    plain = Problem("a.md", rng, Severity.HINT, "code", "message", {"x": [1]})
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    with pytest.raises(AttributeError):
        made.code = "other"  # type: ignore[misc]


def test_the_cache_encoding_is_read_as_tuples() -> None:
    note = parse("---\naliases: [x]\n---\n# H\n[[T#H|d]] ^b\n")
    from vaultls.vault.store.encoding import encode, view_of_encoding
    from vaultls.vault.view import view_of_parsed

    fast = view_of_encoding("n.md", encode(note), True)
    slow = view_of_parsed("n.md", note, True)
    assert fast == slow


def test_cli_whole_vault_output_is_the_model_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    root = write_vault(tmp_path / "v", {**filler(80, seed=2), **SPECIAL})
    outputs = []
    for fast in (True, False):
        if not fast:
            monkeypatch.setattr(check_run, "check_whole_vault", lambda *a, **k: None)
        for fmt in ("text", "json"):
            code = cli.main(["check", str(root), "--format", fmt, "--fail-on", "error"])
            outputs.append((fmt, code, capsys.readouterr()))
    assert outputs[:2] == outputs[2:]
    assert outputs[0][1] == 1 and "dangling-link" in outputs[0][2].out


def test_names_fast_paths_match_their_definitions() -> None:
    """names.py takes a shorter way for ASCII text; the results are those of the definitions
    (the regexes and Unicode normalisation), for every ASCII character and some others."""
    import re

    strip_re = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~\[\]\\/]+")
    spaces_re = re.compile(r"\s+")
    slug_re = re.compile(r"[^\w\- ]+")

    def key(text: str) -> str:
        return unicodedata.normalize("NFC", text).lower()

    def strip_note_suffix(path: str) -> str:
        return path[:-3] if path.lower().endswith(".md") else path

    rng = random.Random(0)
    alphabet = [chr(c) for c in range(128)] + list("éÉİıßΣ\u00a0\u2003") + [".md", ".MD", ".markdown", ".mArkdown", "/"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert names.strip_heading(text) == key(spaces_re.sub(" ", strip_re.sub(" ", text)).strip())
        assert names.slug(text) == slug_re.sub("", unicodedata.normalize("NFC", text).lower().strip()).replace(" ", "-")
        assert names.key(text) == key(text)
        assert names.nfc(text) == unicodedata.normalize("NFC", text)
        assert names.is_note_path(text) == text.lower().endswith(".md")
        assert names.strip_note_suffix(text) == strip_note_suffix(text)
        assert names.last_component(text) == text.rsplit("/", 1)[-1]


def test_text_rendering_of_rows_is_the_text_format(tmp_path: Path) -> None:
    import io

    from vaultls.report import groups_of, text

    root = write_vault(tmp_path / "v", SPECIAL)
    result = check_whole_vault(root, _settings(root), use_cache=False, workers=0, strict=True)
    assert result is not None
    plain, by_note = io.StringIO(), io.StringIO()
    text.write_groups(groups_of([(root, p) for p in result.problems]), plain, root)
    text.write_groups([(root, path, rows) for path, rows in result.by_note], by_note, root)
    assert by_note.getvalue() == plain.getvalue()
    assert text.summary_of(result.severities(), result.notes_with_problems()) == text.summary(
        [(root, p) for p in result.problems]
    )


def test_cli_forked_every_format_is_the_model_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """The CLI on a whole vault, checked in forked workers (as a large vault is), prints in
    every format exactly what the model-based check prints."""
    monkeypatch.setattr("threading.active_count", lambda: 1)
    monkeypatch.setattr(bulk_check, "FORK_MIN_NOTES", 0)
    monkeypatch.chdir(tmp_path)
    root = write_vault(tmp_path / "v", {**filler(90, seed=9), **SPECIAL})
    used: list[int] = []
    real = bulk_check.check_whole_vault

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        used.append(result.workers if result is not None else -1)
        return result

    outputs: dict[tuple[bool, str], tuple] = {}
    for fast in (True, False):
        monkeypatch.setattr(check_run, "check_whole_vault", spy if fast else (lambda *a, **k: None))
        for fmt in ("text", "json", "github", "sarif"):
            code = cli.main(["check", str(root), "--format", fmt])
            captured = capsys.readouterr()
            outputs[(fast, fmt)] = (code, captured.out, captured.err)
    assert used == [bulk_check.fork_workers(None, 10_000)] * 4  # 2 on 2 cores; 0 on one
    for fmt in ("text", "json", "github", "sarif"):
        assert outputs[(True, fmt)] == outputs[(False, fmt)], fmt
