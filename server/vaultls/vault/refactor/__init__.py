"""Refactorings that keep a vault's links working, as plans (nothing is written): renaming or
moving notes and attachments, renaming headings, block ids and tags, extracting a section into a
new note, and adding an alias.

Each returns a `RenamePlan` (text changes by note and file moves) that has been checked against
the index first: a link that resolved before still resolves to the same place, or the
refactoring is refused with a `RenameError` whose message is for the user.

- `plan`: the plan, its changes and how to apply them to a note's lines
- `links`: where a link's parts are, and how its path is written for a new target
- `verify`: resolving links again against the index as it will be
- `moves`: notes and attachments renamed or moved
- `subpaths`: headings and block ids
- `tags`: tags
- `extract`: a section into a new note
- `aliases`: a name added to `aliases`
"""

from vaultls.vault.refactor.aliases import add_alias, yaml_item
from vaultls.vault.refactor.extract import Extraction, extract_section, note_name_for
from vaultls.vault.refactor.links import fragment_parts, md_escape, path_span
from vaultls.vault.refactor.moves import (
    changed_links,
    move_files,
    new_note_path,
    rename_note,
    retitle,
    title_heading,
    validate_note_name,
)
from vaultls.vault.refactor.plan import LinesOf, RenameError, RenamePlan, TextChange, apply_changes
from vaultls.vault.refactor.subpaths import rename_block, rename_heading, validate_heading_text
from vaultls.vault.refactor.tags import rename_tag, validate_tag

__all__ = (
    "Extraction",
    "LinesOf",
    "RenameError",
    "RenamePlan",
    "TextChange",
    "add_alias",
    "apply_changes",
    "changed_links",
    "extract_section",
    "fragment_parts",
    "md_escape",
    "move_files",
    "new_note_path",
    "note_name_for",
    "path_span",
    "rename_block",
    "rename_heading",
    "rename_note",
    "rename_tag",
    "retitle",
    "title_heading",
    "validate_heading_text",
    "validate_note_name",
    "validate_tag",
    "yaml_item",
)
