"""Notes in the template folders a vault declares (Obsidian's `.obsidian/templates.json`,
Templater's `data.json`) are templates: their placeholders are no problems, unless the
`templates.check` setting asks for them; they are still notes of the index."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultls.vault.check import check_vault
from vaultls.vault.check_run import check_files
from vaultls.vault.graph import link_stats, orphans
from vaultls.vault.schema import SchemaStore, configuration_problems
from vaultls.vault.settings import Settings, build_settings
from vaultls.vault.store.loader import load_vault
from vaultls.vault.templates import folder_path, read_template_folders

TEMPLATE = "---\ncreated: {{date}}\ndone: {{done}}\n---\n# {{title}}\n\n[[{{title}}]] and [[Missing]]\n"
CORE = ".obsidian/templates.json"
TEMPLATER = ".obsidian/plugins/templater-obsidian/data.json"


def problems_by_note(root: Path, files: dict[str, str], settings: Settings | None = None) -> dict[str, list[str]]:
    write_vault(root, files)
    if settings is None:
        settings, _ = build_settings(root)
    vault = load_vault(root, settings)[0]
    found: dict[str, list[str]] = {}
    for problem in check_vault(vault):
        found.setdefault(problem.path, []).append(problem.code)
    return found


def test_notes_in_the_folder_of_templates_json_have_no_problems(tmp_path: Path) -> None:
    found = problems_by_note(
        tmp_path, {CORE: json.dumps({"folder": "Templates"}), "Templates/Daily.md": TEMPLATE, "Note.md": TEMPLATE}
    )
    assert "Templates/Daily.md" not in found
    assert "frontmatter-yaml" in found["Note.md"] and "dangling-link" in found["Note.md"]


def test_notes_in_the_folder_of_templater_have_no_problems(tmp_path: Path) -> None:
    found = problems_by_note(
        tmp_path,
        {
            TEMPLATER: json.dumps({"templates_folder": "Meta/Templater", "trigger_on_file_creation": True}),
            "Meta/Templater/Sub/Meeting.md": "[[<% tp.file.title %>]]\n" + TEMPLATE,
        },
    )
    assert found == {}


def test_both_folders_are_template_folders(tmp_path: Path) -> None:
    write_vault(tmp_path, {CORE: '{"folder": "/Templates/"}', TEMPLATER: '{"templates_folder": "Tpl\\\\Sub"}'})
    assert read_template_folders(tmp_path).folders == ("Templates", "Tpl/Sub")


def test_the_setting_checks_templates_as_notes(tmp_path: Path) -> None:
    settings, _ = build_settings(None, ({"templates": {"check": True}}, "test"))
    found = problems_by_note(tmp_path, {CORE: '{"folder": "Templates"}', "Templates/Daily.md": TEMPLATE}, settings)
    assert "dangling-link" in found["Templates/Daily.md"] and "frontmatter-yaml" in found["Templates/Daily.md"]


def test_the_setting_is_read_from_vaultls_toml(tmp_path: Path) -> None:
    write_vault(tmp_path, {".vaultls.toml": "[templates]\ncheck = true\n"})
    settings, errors = build_settings(tmp_path)
    assert settings.templates_check and errors == []


def test_a_template_is_still_a_note_links_find(tmp_path: Path) -> None:
    found = problems_by_note(
        tmp_path, {CORE: '{"folder": "Templates"}', "Templates/Daily.md": TEMPLATE, "Note.md": "[[Daily]]\n"}
    )
    assert found == {}


def test_a_note_named_like_the_folder_but_outside_it_is_checked(tmp_path: Path) -> None:
    found = problems_by_note(tmp_path, {CORE: '{"folder": "Templates"}', "Templates old/Daily.md": TEMPLATE})
    assert "Templates old/Daily.md" in found


def test_whole_vault_check_and_check_of_one_note_agree(tmp_path: Path) -> None:
    write_vault(tmp_path, {CORE: '{"folder": "Templates"}', "Templates/Daily.md": TEMPLATE, "Note.md": TEMPLATE})
    settings, _ = build_settings(tmp_path)
    whole = check_files(tmp_path, settings)
    some = check_files(tmp_path, settings, {"Templates", "Note.md"})
    assert [path for path, _ in whole.by_note] == [path for path, _ in some.by_note] == ["Note.md"]
    assert whole.by_note == some.by_note


@pytest.mark.parametrize(
    ("written", "folder"),
    [
        ("Templates", "Templates"),
        ("/Templates/", "Templates"),
        ("./a//b/", "a/b"),
        ("a\\b", "a/b"),
        ("/", None),
        ("", None),
        ("../outside", None),
        ("a/../../b", None),
    ],
)
def test_folder_as_obsidian_writes_it(written: str, folder: str | None) -> None:
    assert folder_path(written) == folder


def test_bad_json_is_ignored_with_a_message(tmp_path: Path) -> None:
    write_vault(tmp_path, {CORE: "{folder: Templates", "Templates/Daily.md": TEMPLATE})
    found = read_template_folders(tmp_path)
    assert found.folders == ()
    [message] = found.problems
    assert message.startswith(f"{CORE} is not valid JSON")
    problems = configuration_problems(SchemaStore(tmp_path), Settings())
    assert [(p.message, p.fatal) for p in problems] == [(message, False)]


def test_a_folder_outside_the_vault_is_ignored_with_a_message(tmp_path: Path) -> None:
    write_vault(tmp_path, {CORE: '{"folder": "../elsewhere"}'})
    found = read_template_folders(tmp_path)
    assert found.folders == () and "names no folder inside the vault" in found.problems[0]


def test_no_message_when_the_check_of_templates_is_asked_for(tmp_path: Path) -> None:
    write_vault(tmp_path, {CORE: "not json"})
    assert configuration_problems(SchemaStore(tmp_path), Settings(templates_check=True)) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_settings_file_linking_outside_the_vault_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text('{"folder": "Templates"}', encoding="utf-8")
    root = write_vault(tmp_path / "vault", {"Templates/Daily.md": TEMPLATE})
    (root / ".obsidian").mkdir()
    (root / CORE).symlink_to(outside)
    found = read_template_folders(root)
    assert found.folders == () and "outside the vault" in found.problems[0]


def test_settings_file_that_is_not_an_object_names_no_folder(tmp_path: Path) -> None:
    write_vault(tmp_path, {CORE: "[1, 2]", TEMPLATER: '{"templates_folder": 3}'})
    found = read_template_folders(tmp_path)
    assert found.folders == () and len(found.problems) == 1  # the number is said; the list names nothing


def test_changing_templates_json_takes_effect_after_the_store_is_invalidated(tmp_path: Path) -> None:
    write_vault(tmp_path, {CORE: '{"folder": "Templates"}'})
    store = SchemaStore(tmp_path)
    assert store.templates().contains("Templates/Daily.md")
    assert store.watches(tmp_path / CORE, Settings()) and store.watches(tmp_path / TEMPLATER, Settings())
    (tmp_path / CORE).write_text('{"folder": "Other"}', encoding="utf-8")
    store.invalidate()
    assert not store.templates().contains("Templates/Daily.md") and store.templates().contains("Other/x.md")


def test_templates_are_not_orphans_and_their_placeholders_are_no_dangling_names(tmp_path: Path) -> None:
    write_vault(tmp_path, {CORE: '{"folder": "Templates"}', "Templates/Daily.md": TEMPLATE, "Note.md": "[[Gone]]\n"})
    settings, _ = build_settings(tmp_path)
    vault = load_vault(tmp_path, settings)[0]
    assert orphans(vault) == ["Note.md"]
    stats = link_stats(vault)
    assert (stats.notes, stats.links) == (1, 1)
    assert [d.name for d in stats.dangling_names] == ["Gone"]
