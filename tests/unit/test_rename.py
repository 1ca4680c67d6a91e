"""Rename plans: link forms are kept, and no link that resolved before stops resolving."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.plans import applied, assert_links_kept, build, lines_of
from vaultls.vault import names
from vaultls.vault.index import Vault
from vaultls.vault.parse import parse
from vaultls.vault.refactor import (
    RenameError,
    changed_links,
    move_files,
    rename_block,
    rename_heading,
    rename_note,
    rename_tag,
    retitle,
)
from vaultls.vault.settings import Settings


def rename(files, path, new_name, attachments=()):
    plan = rename_note(build(files, attachments), path, new_name, lines_of(files))
    assert_links_kept(files, plan, attachments)
    return applied(files, plan), plan


def test_bare_link_stays_bare():
    new, plan = rename({"Notes/Alpha.md": "", "Home.md": "see [[Alpha]] here"}, "Notes/Alpha.md", "Omega")
    assert plan.moves == {"Notes/Alpha.md": "Notes/Omega.md"}
    assert new["Home.md"] == "see [[Omega]] here"


def test_display_text_heading_block_and_embed_are_kept():
    files = {
        "Alpha.md": "# T\n## Details\nx ^key\n",
        "Home.md": "[[Alpha|shown]] [[Alpha#Details]] ![[Alpha#^key]] [[Alpha#Details|d]]",
    }
    new, _ = rename(files, "Alpha.md", "Omega")
    assert new["Home.md"] == "[[Omega|shown]] [[Omega#Details]] ![[Omega#^key]] [[Omega#Details|d]]"


def test_folder_path_link_gets_the_new_full_path():
    files = {"Notes/Alpha.md": "", "Home.md": "[[Notes/Alpha]] [[Notes/Alpha.md]]"}
    new, _ = rename(files, "Notes/Alpha.md", "Archive/Omega")
    assert new["Home.md"] == "[[Archive/Omega]] [[Archive/Omega.md]]"


def test_bare_link_becomes_a_path_when_the_new_name_is_taken_elsewhere():
    files = {"A/Alpha.md": "", "B/Omega.md": "", "Home.md": "[[Alpha]] [[Omega]]"}
    new, _ = rename(files, "A/Alpha.md", "Omega")
    assert new["Home.md"] == "[[A/Omega]] [[B/Omega]]"


def test_markdown_links_keep_percent_encoding_and_angle_brackets():
    files = {
        "Notes/Beta Note.md": "## Sec\n",
        "Home.md": "[b](Notes/Beta%20Note.md) [c](<Notes/Beta Note.md#Sec>) [d](Notes/Beta%20Note.md#Sec)",
    }
    new, _ = rename(files, "Notes/Beta Note.md", "Gamma Ray")
    assert new["Home.md"] == ("[b](Notes/Gamma%20Ray.md) [c](<Notes/Gamma Ray.md#Sec>) [d](Notes/Gamma%20Ray.md#Sec)")


def test_relative_markdown_links_stay_relative_to_the_linking_note():
    files = {"Notes/Alpha.md": "", "Notes/Sub/Gamma.md": "[a](../Alpha.md)", "Notes/Beta.md": "[a](Alpha.md)"}
    new, _ = rename(files, "Notes/Alpha.md", "Other/Alpha")
    assert new["Notes/Sub/Gamma.md"] == "[a](../../Other/Alpha.md)"
    assert new["Notes/Beta.md"] == "[a](../Other/Alpha.md)"


def test_moving_a_note_rewrites_its_own_relative_links():
    files = {"Notes/Alpha.md": "[b](Beta.md) [[Beta]]", "Notes/Beta.md": ""}
    new, plan = rename(files, "Notes/Alpha.md", "Deep/Down/Alpha")
    assert new["Deep/Down/Alpha.md"] == "[b](../../Notes/Beta.md) [[Beta]]"


def test_moving_a_note_keeps_same_folder_preference_of_its_ambiguous_links():
    files = {"A/Note.md": "[[Trotsky]]", "A/Trotsky.md": "", "B/Trotsky.md": ""}
    new, _ = rename(files, "A/Note.md", "B/Note")
    assert new["B/Note.md"] == "[[A/Trotsky]]"


def test_renaming_onto_a_name_other_links_use_keeps_those_links_on_their_note():
    files = {"Deep/In/X.md": "", "Other/Trotsky.md": "", "Home.md": "[[X]]", "Deep/In/Y.md": "[[Trotsky]]"}
    new, _ = rename(files, "Deep/In/X.md", "Trotsky")
    # Y.md shares the renamed note's folder: its `[[Trotsky]]` would now prefer the renamed note.
    assert new["Deep/In/Y.md"] == "[[Other/Trotsky]]"
    assert new["Home.md"] == "[[In/Trotsky]]"


def test_frontmatter_links_and_table_escaped_links_are_rewritten():
    files = {"Alpha.md": "", "Home.md": '---\nrelated: "[[Alpha]]"\n---\n| [[Alpha\\|a]] |\n'}
    new, _ = rename(files, "Alpha.md", "Omega")
    assert new["Home.md"] == '---\nrelated: "[[Omega]]"\n---\n| [[Omega\\|a]] |\n'


def test_title_heading_stays_as_obsidian_leaves_it():
    files = {"Alpha.md": "# Alpha\ntext\n", "Home.md": "[[Alpha#Alpha]]"}
    new, _ = rename(files, "Alpha.md", "Omega")
    assert new["Omega.md"] == "# Alpha\ntext\n"
    assert new["Home.md"] == "[[Omega#Alpha]]"


def test_title_heading_follows_the_note_name_with_links_to_it_when_asked():
    files = {"Alpha.md": "# Alpha\ntext\n", "Home.md": "[[Alpha#Alpha]]"}
    plan = rename_note(build(files), "Alpha.md", "Omega", lines_of(files), title_heading=True)
    assert_links_kept(files, plan, ())
    new = applied(files, plan)
    assert new["Omega.md"] == "# Omega\ntext\n"
    assert new["Home.md"] == "[[Omega#Omega]]"


def test_retitle_renames_the_title_of_a_note_moved_from_the_explorer():
    files = {"Alpha.md": "# Alpha\ntext\n", "Home.md": "[[Alpha#Alpha]]"}
    vault = build(files)
    plan = move_files(vault, {"Alpha.md": "Omega.md"}, lines_of(files))
    plan.merge(retitle(vault, {"Alpha.md": "Omega.md"}, lines_of(files)))
    new = applied(files, plan)
    assert new["Omega.md"] == "# Omega\ntext\n"
    assert new["Home.md"] == "[[Omega#Omega]]"


def test_retitle_leaves_a_note_moved_without_a_new_name():
    files = {"Alpha.md": "# Alpha\n"}
    assert not retitle(build(files), {"Alpha.md": "Sub/Alpha.md"}, lines_of(files)).edits


def test_changed_links_counts_links_and_the_notes_they_are_in():
    files = {"Alpha.md": "# Alpha\n", "Home.md": "[[Alpha]] and [[Alpha#Alpha]]", "Other.md": "[[Alpha]]"}
    vault = build(files)
    plan = rename_note(vault, "Alpha.md", "Omega", lines_of(files), title_heading=True)
    assert changed_links(vault, plan) == (3, 2)  # the title heading is no link


def test_non_ascii_text_before_a_link_keeps_columns_right():
    files = {"Alpha.md": "", "Home.md": "日本語 🎉 [[Alpha]] and [[Alpha|x]]"}
    new, _ = rename(files, "Alpha.md", "Ωmega")
    assert new["Home.md"] == "日本語 🎉 [[Ωmega]] and [[Ωmega|x]]"


def test_rename_refuses_an_existing_name():
    files = {"Alpha.md": "", "Omega.md": ""}
    with pytest.raises(RenameError):
        rename_note(build(files), "Alpha.md", "omega", lines_of(files))


def test_rename_refuses_characters_that_break_links():
    files = {"Alpha.md": ""}
    for bad in ("a#b", "a|b", "a[b", "a^b", ""):
        with pytest.raises(RenameError):
            rename_note(build(files), "Alpha.md", bad, lines_of(files))


def test_dangling_links_are_not_touched():
    files = {"Alpha.md": "", "Home.md": "[[Nowhere]] [[Alpha]]"}
    new, _ = rename(files, "Alpha.md", "Omega")
    assert new["Home.md"] == "[[Nowhere]] [[Omega]]"


def test_moving_a_folder_moves_every_file_and_fixes_links():
    files = {
        "Notes/A.md": "![[Notes/img.png]] [[B]]",
        "Notes/B.md": "[x](A.md)",
        "Home.md": "[[Notes/A]] [y](Notes/B.md)",
    }
    moves = {"Notes/A.md": "Moved/A.md", "Notes/B.md": "Moved/B.md", "Notes/img.png": "Moved/img.png"}
    vault = build(files, ("Notes/img.png",))
    plan = move_files(vault, moves, lines_of(files))
    assert_links_kept(files, plan, ("Notes/img.png",))
    new = applied(files, plan)
    assert new["Home.md"] == "[[Moved/A]] [y](Moved/B.md)"
    assert new["Moved/A.md"] == "![[Moved/img.png]] [[B]]"
    assert new["Moved/B.md"] == "[x](A.md)"


def test_renaming_an_attachment_rewrites_embeds_with_extension():
    files = {"Home.md": "![[Figure 1.png|100]] [f](img/Figure%201.png)"}
    vault = build(files, ("img/Figure 1.png",))
    plan = move_files(vault, {"img/Figure 1.png": "img/Chart.png"}, lines_of(files))
    assert applied(files, plan)["Home.md"] == "![[Chart.png|100]] [f](img/Chart.png)"


def test_heading_rename_rewrites_links_and_chains():
    files = {
        "Alpha.md": "# Alpha\n## Details\n### Deep\n[[#Details]]\n",
        "Home.md": (
            "[[Alpha#Details]] [[Alpha#Details#Deep]] [a](Alpha.md#Details) [b](Alpha.md#details) [[Alpha#Other]]"
        ),
    }
    vault = build(files)
    plan = rename_heading(vault, "Alpha.md", vault.notes["Alpha.md"].parsed.headings[1], "Fine Print", lines_of(files))
    assert_links_kept(files, plan)
    new = applied(files, plan)
    assert new["Alpha.md"] == "# Alpha\n## Fine Print\n### Deep\n[[#Fine Print]]\n"
    assert new["Home.md"] == (
        "[[Alpha#Fine Print]] [[Alpha#Fine Print#Deep]] [a](Alpha.md#Fine%20Print) "
        "[b](Alpha.md#fine-print) [[Alpha#Other]]"
    )


def test_heading_rename_refuses_a_name_the_note_already_has():
    files = {"Alpha.md": "# A\n## B\n"}
    vault = build(files)
    with pytest.raises(RenameError):
        rename_heading(vault, "Alpha.md", vault.notes["Alpha.md"].parsed.headings[1], "a", lines_of(files))


def test_block_rename_rewrites_block_links():
    files = {"Alpha.md": "text ^old\n", "Home.md": "[[Alpha#^old]] ![[Alpha#^old|x]]"}
    vault = build(files)
    plan = rename_block(vault, "Alpha.md", vault.notes["Alpha.md"].parsed.blocks[0], "new-id", lines_of(files))
    assert_links_kept(files, plan)
    new = applied(files, plan)
    assert new == {"Alpha.md": "text ^new-id\n", "Home.md": "[[Alpha#^new-id]] ![[Alpha#^new-id|x]]"}


def test_tag_rename_covers_case_nested_and_frontmatter():
    files = {
        "a.md": "---\ntags: [project, '#Project/x', other]\n---\n#Project and #project/sub but #projects\n",
        "b.md": "---\ntags: project\n---\n",
    }
    plan = rename_tag(build(files), "project", "work", lines_of(files))
    new = applied(files, plan)
    assert new["a.md"] == "---\ntags: [work, '#work/x', other]\n---\n#work and #work/sub but #projects\n"
    assert new["b.md"] == "---\ntags: work\n---\n"


def test_tag_rename_refuses_what_is_not_a_tag():
    files = {"a.md": "#x"}
    for bad in ("two words", "123", "a,b", ""):
        with pytest.raises(RenameError):
            rename_tag(build(files), "x", bad, lines_of(files))


def test_title_stays_when_another_heading_already_has_the_new_name():
    files = {"Alpha.md": "# Alpha\n## Omega\n", "Home.md": "[[Alpha]]"}
    new, _ = rename(files, "Alpha.md", "Omega")
    assert new["Omega.md"] == "# Alpha\n## Omega\n"
    assert new["Home.md"] == "[[Omega]]"


def test_links_through_an_alias_stay_as_written_when_aliases_resolve():
    files = {"Bonapartism.md": "---\naliases: [Bonapartist]\n---\n", "Home.md": "[[Bonapartist]] [[Bonapartism]]"}
    vault = Vault(Path("/vault"), Settings(resolve_aliases=True))
    for path, text in files.items():
        vault.upsert(path, parse(text))
    plan = rename_note(vault, "Bonapartism.md", "Caesarism", lines_of(files))
    assert applied(files, plan)["Home.md"] == "[[Bonapartist]] [[Caesarism]]"


# ----------------------------------------------------------------------------- the guarantee, on random vaults

_FOLDERS = ["", "A", "A/B", "C"]
_NAMES = ["Alpha", "Beta", "Gamma Ray", "alpha"]


@st.composite
def vaults_and_moves(draw):
    paths = draw(
        st.lists(
            st.tuples(st.sampled_from(_FOLDERS), st.sampled_from(_NAMES)).map(
                lambda t: f"{t[0]}/{t[1]}.md".lstrip("/")
            ),
            min_size=2,
            max_size=6,
            unique_by=lambda p: p.casefold(),
        )
    )
    files: dict[str, str] = {}
    for path in paths:
        links = []
        for _ in range(draw(st.integers(0, 5))):
            target = draw(st.sampled_from(paths))
            bare = target[:-3]
            name = bare.rsplit("/", 1)[-1]
            folder = path.rpartition("/")[0]
            form = draw(st.sampled_from(["bare", "path", "md-root", "md-rel", "heading", "embed"]))
            if form == "bare":
                links.append(f"[[{name}]]")
            elif form == "path":
                links.append(f"[[{bare}|shown]]")
            elif form == "md-root":
                links.append(f"[x]({target.replace(' ', '%20')})")
            elif form == "md-rel":
                links.append(f"[x](<{posixpath.relpath(target, folder or '.')}>)")
            elif form == "heading":
                links.append(f"[[{name}#Section]]")
            else:
                links.append(f"![[{bare}]]")
        files[path] = "# Title\n## Section\n" + " ".join(links) + "\n"
    old = draw(st.sampled_from(paths))
    new = f"{draw(st.sampled_from(_FOLDERS + ['D/E']))}/{draw(st.sampled_from(_NAMES + ['Delta']))}.md".lstrip("/")
    return files, old, new


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vaults_and_moves())
def test_no_link_that_resolved_breaks_when_a_note_moves(case):
    files, old, new = case
    vault = build(files)
    try:
        plan = move_files(vault, {old: new}, lines_of(files))
    except RenameError as exc:
        assert "already exists" in str(exc)
        return
    assert_links_kept(files, plan)


_HEADINGS = ["Intro", "Life and Work", "Notes: more", "intro", "Q&A", "Ünïcode"]


@st.composite
def notes_with_heading_links(draw):
    texts = draw(st.lists(st.sampled_from(_HEADINGS), min_size=1, max_size=5))
    levels = draw(st.lists(st.integers(1, 3), min_size=len(texts), max_size=len(texts)))
    target = "".join(f"{'#' * lvl} {text}\ntext\n" for lvl, text in zip(levels, texts, strict=True))
    links = []
    for _ in range(draw(st.integers(1, 6))):
        first, second = draw(st.sampled_from(texts)), draw(st.sampled_from(texts))
        form = draw(st.sampled_from(["wiki", "chain", "md", "slug", "self"]))
        if form == "wiki":
            links.append(f"[[Target#{first}|x]]")
        elif form == "chain":
            links.append(f"[[Target#{first}#{second}]]")
        elif form == "md":
            links.append(f"[x](Target.md#{first.replace(' ', '%20')})")
        elif form == "slug":
            links.append(f"[x](Target.md#{names.slug(first)})")
        else:
            target += f"[[#{first}]]\n"
    files = {"Target.md": target, "Home.md": " ".join(links) + "\n"}
    index = draw(st.integers(0, len(texts) - 1))
    new_text = draw(st.sampled_from(_HEADINGS + ["Fresh Start", "Über uns"]))
    return files, index, new_text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes_with_heading_links())
def test_no_link_that_resolved_breaks_when_a_heading_is_renamed(case):
    files, index, new_text = case
    vault = build(files)
    heading = vault.notes["Target.md"].parsed.headings[index]
    try:
        plan = rename_heading(vault, "Target.md", heading, new_text, lines_of(files))
    except RenameError:
        return  # the note already has a heading by that name (links could not tell them apart)
    assert_links_kept(files, plan)


def test_title_heading_setting_is_off_by_default_and_takes_both_spellings():
    assert Settings().rename_title_heading is False
    for layer in ({"rename": {"update_title_heading": True}}, {"rename": {"updateTitleHeading": True}}):
        settings, errors = Settings().with_layer(layer, "test")
        assert settings.rename_title_heading and errors == []
