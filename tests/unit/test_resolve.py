"""Resolution follows Obsidian's "best match"."""

from __future__ import annotations

from tests.unit.vaults import resolve, vault_of
from vaultls.vault.settings import Settings


def test_bare_name_matches_case_insensitively():
    vault = vault_of({"Anarchism.md": "", "a.md": "[[anarchism]]"})
    assert resolve(vault, "a.md").targets == ["Anarchism.md"]


def test_names_compare_after_unicode_normalisation():
    vault = vault_of({"Me\u0301thode.md": "", "a.md": "[[Méthode]]"})  # NFD file name, NFC link
    assert resolve(vault, "a.md").targets == ["Me\u0301thode.md"]


def test_extension_in_link_is_optional():
    vault = vault_of({"Note.md": "", "a.md": "[[Note.md]]"})
    assert resolve(vault, "a.md").targets == ["Note.md"]


def test_markdown_extension_files_are_attachments_not_notes():
    vault = vault_of({"Old.markdown": "", "a.md": "[[Old]] [[Old.markdown]]"})
    assert resolve(vault, "a.md").dangling
    assert resolve(vault, "a.md", 1).targets == ["Old.markdown"]
    assert "Old.markdown" in vault.attachments


def test_folder_path_from_vault_root():
    vault = vault_of({"People/Trotsky.md": "", "Archive/Trotsky.md": "", "a.md": "[[People/Trotsky]]"})
    assert resolve(vault, "a.md").targets == ["People/Trotsky.md"]


def test_unique_path_suffix_matches():
    vault = vault_of({"Deep/People/Trotsky.md": "", "a.md": "[[People/Trotsky]]"})
    assert resolve(vault, "a.md").targets == ["Deep/People/Trotsky.md"]


def test_leading_slash_is_vault_root():
    vault = vault_of({"People/Trotsky.md": "", "a.md": "[[/People/Trotsky]]"})
    assert resolve(vault, "a.md").targets == ["People/Trotsky.md"]


def test_relative_wikilink_path():
    vault = vault_of({"A/B/x.md": "[[../C/Note]]", "A/C/Note.md": ""})
    assert resolve(vault, "A/B/x.md").targets == ["A/C/Note.md"]


def test_path_escaping_the_vault_is_outside_and_dangling():
    vault = vault_of({"a.md": "[[../../etc/passwd]]"})
    res = resolve(vault, "a.md")
    assert res.dangling and res.outside


def test_ambiguous_prefers_exact_case():
    vault = vault_of({"x/note.md": "", "y/Note.md": "", "a.md": "[[Note]]"})
    assert resolve(vault, "a.md").targets == ["y/Note.md", "x/note.md"]


def test_ambiguous_prefers_same_folder():
    vault = vault_of({"x/Note.md": "", "y/Note.md": "", "y/a.md": "[[Note]]"})
    assert resolve(vault, "y/a.md").targets[0] == "y/Note.md"


def test_ambiguous_prefers_shortest_path_then_alphabetical():
    vault = vault_of({"a/b/Note.md": "", "z/Note.md": "", "c/Note.md": "", "src.md": "[[Note]]"})
    assert resolve(vault, "src.md").targets == ["c/Note.md", "z/Note.md", "a/b/Note.md"]


def test_missing_note_is_dangling():
    vault = vault_of({"a.md": "[[Kuomintang]]"})
    assert resolve(vault, "a.md").dangling


def test_alias_is_not_a_link_target_by_default():
    vault = vault_of({"Bonapartism.md": "---\naliases: [Bonapartist]\n---\n", "a.md": "[[Bonapartist]]"})
    assert resolve(vault, "a.md").dangling
    assert vault.alias_owners("bonapartist") == ["Bonapartism.md"]


def test_alias_resolves_when_the_setting_says_so():
    vault = vault_of(
        {"Bonapartism.md": "---\naliases: [Bonapartist]\n---\n", "a.md": "[[Bonapartist]]"},
        Settings(resolve_aliases=True),
    )
    res = resolve(vault, "a.md")
    assert res.targets == ["Bonapartism.md"] and res.via_alias


def test_attachment_with_extension():
    vault = vault_of({"Attachments/Figure 1.png": "", "a.md": "![[Figure 1.png]]"})
    assert resolve(vault, "a.md").targets == ["Attachments/Figure 1.png"]


def test_note_name_with_a_dot_is_still_a_note():
    vault = vault_of({"v1.2.md": "", "a.md": "[[v1.2]]"})
    assert resolve(vault, "a.md").targets == ["v1.2.md"]


def test_heading_matches_after_strip_heading():
    vault = vault_of({"N.md": "# Foo: Bar?\n", "a.md": "[[N#foo bar]]"})
    res = resolve(vault, "a.md")
    assert res.heading is not None and res.missing is None


def test_missing_heading():
    vault = vault_of({"N.md": "# Foo\n", "a.md": "[[N#Bar]]"})
    assert resolve(vault, "a.md").missing == "heading"


def test_nested_heading_chain():
    vault = vault_of({"N.md": "# A\n## X\n# B\n## X\n", "a.md": "[[N#B#X]]"})
    assert resolve(vault, "a.md").heading.line == 3


def test_block_reference():
    vault = vault_of({"N.md": "text ^abc\n", "a.md": "[[N#^abc]] [[N#^nope]]"})
    assert resolve(vault, "a.md").block.id == "abc"
    assert resolve(vault, "a.md", 1).missing == "block"


def test_self_heading_link():
    vault = vault_of({"a.md": "# Here\n[[#Here]] [[#There]]"})
    assert resolve(vault, "a.md").targets == ["a.md"]
    assert resolve(vault, "a.md", 1).missing == "heading"


def test_markdown_link_relative_to_linking_note_first():
    vault = vault_of({"x/Note.md": "", "Note.md": "", "x/a.md": "[t](Note.md)"})
    assert resolve(vault, "x/a.md").targets == ["x/Note.md"]


def test_markdown_link_from_vault_root():
    vault = vault_of({"Folder/My Note.md": "", "x/a.md": "[t](Folder/My%20Note.md)"})
    assert resolve(vault, "x/a.md").targets == ["Folder/My Note.md"]


def test_markdown_link_fragment_as_slug_or_text():
    vault = vault_of({"N.md": "# My Heading\n", "a.md": "[a](N.md#my-heading) [b](N.md#My%20Heading)"})
    assert resolve(vault, "a.md").heading is not None
    assert resolve(vault, "a.md", 1).heading is not None


def test_markdown_relative_link_climbing_out_is_outside():
    vault = vault_of({"a.md": "[x](../../../etc/passwd)"})
    assert resolve(vault, "a.md").outside


def test_shortest_link_is_bare_name_when_unique():
    vault = vault_of({"People/Kropotkin.md": ""})
    assert vault.shortest_link("People/Kropotkin.md") == "Kropotkin"


def test_shortest_link_uses_shortest_unique_suffix():
    vault = vault_of({"a/People/Trotsky.md": "", "b/Archive/Trotsky.md": ""})
    assert vault.shortest_link("a/People/Trotsky.md") == "People/Trotsky"


def test_shortest_link_of_attachment_keeps_extension():
    vault = vault_of({"Attachments/Figure 1.png": ""})
    assert vault.shortest_link("Attachments/Figure 1.png") == "Figure 1.png"


# --------------------------------------------------------------------------- Obsidian fidelity


def test_heading_chain_needs_every_part_in_order():
    vault = vault_of({"N.md": "# Sub\n# Old\n", "a.md": "[[N#Old#Sub]]"})
    assert resolve(vault, "a.md").missing == "heading"


def test_heading_chain_part_must_be_deeper_than_the_one_before():
    vault = vault_of({"N.md": "## A\n## B\n", "a.md": "[[N#A#B]]"})
    assert resolve(vault, "a.md").missing == "heading"


def test_heading_chain_finds_a_deeper_heading_inside_the_section():
    vault = vault_of({"N.md": "# A\n## X\n### B\n", "a.md": "[[N#A#B]]"})
    assert resolve(vault, "a.md").heading.line == 2


def test_heading_chain_stops_at_the_end_of_the_section():
    vault = vault_of({"N.md": "# A\n# C\n## B\n", "a.md": "[[N#A#B]]"})
    assert resolve(vault, "a.md").missing == "heading"


def test_wikilink_heading_is_not_matched_as_a_github_slug():
    vault = vault_of({"N.md": "### Ohitetut viestit\n", "a.md": "[[N#Ohitetut-viestit]] [[N#Ohitetut viestit]]"})
    assert resolve(vault, "a.md").missing == "heading"
    assert resolve(vault, "a.md", 1).missing is None


def test_markdown_link_heading_may_be_a_github_slug():
    vault = vault_of({"N.md": "### Ohitetut viestit\n", "a.md": "[x](N.md#ohitetut-viestit)"})
    assert resolve(vault, "a.md").missing is None


def test_absolute_path_resolves_only_to_that_exact_path():
    vault = vault_of({"Deep/Folder/Note.md": "", "a.md": "[[/Folder/Note]] ![](/pics/a.png)", "img/a.png": ""})
    assert resolve(vault, "a.md").dangling
    assert resolve(vault, "a.md", 1).dangling


def test_absolute_markdown_path_from_the_vault_root():
    vault = vault_of({"pics/a.png": "", "x/a.md": "![](/pics/a.png)"})
    assert resolve(vault, "x/a.md").targets == ["pics/a.png"]


def test_relative_markdown_link_steps_up_then_falls_back_to_a_path_ending():
    vault = vault_of({"C/D/pic.png": "", "A/src.md": "![](../D/pic.png)"})
    assert resolve(vault, "A/src.md").targets == ["C/D/pic.png"]


def test_relative_markdown_link_exact_path_comes_first():
    vault = vault_of({"C/D/pic.png": "", "D/pic.png": "", "A/src.md": "![](../D/pic.png)"})
    assert resolve(vault, "A/src.md").targets == ["D/pic.png"]


def test_relative_link_never_steps_above_the_vault_root():
    vault = vault_of({"pic.png": "", "A/src.md": "![](../../../pic.png)"})
    assert resolve(vault, "A/src.md").targets == ["pic.png"]


def test_ambiguous_prefers_candidates_anywhere_under_the_linking_notes_folder():
    vault = vault_of({"A/sub/X.md": "# H\n", "B/X.md": "# H\n", "A/src.md": "[[X#H]]"})
    assert resolve(vault, "A/src.md").targets == ["A/sub/X.md", "B/X.md"]


def test_ambiguous_from_elsewhere_prefers_the_shortest_path():
    vault = vault_of({"A/sub/X.md": "", "B/X.md": "", "C/src.md": "[[X]]"})
    assert resolve(vault, "C/src.md").targets == ["B/X.md", "A/sub/X.md"]


def test_names_are_lowercased_not_casefolded():
    vault = vault_of({"Strasse.md": "", "a.md": "[[Straße]] [[STRASSE]]"})
    assert resolve(vault, "a.md").dangling
    assert resolve(vault, "a.md", 1).targets == ["Strasse.md"]
