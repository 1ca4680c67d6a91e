"""The template folders a vault declares: notes there are templates, not notes to check.

A template holds placeholders (`created: {{date}}`, `[[{{title}}]]`, Templater's `<% ... %>`)
that become text only when the template is inserted into another note. Obsidian's core
Templates plugin names its folder in `.obsidian/templates.json` (`{"folder": "Templates"}`),
the Templater plugin in `.obsidian/plugins/templater-obsidian/data.json`
(`{"templates_folder": "Templates"}`). Notes in either folder (and its subfolders) get no
link, YAML or schema problems unless the `templates.check` setting asks for them
(vault/check.py applies this); they are indexed like any note, so their names still complete.

Both files are read inside the vault only (`contained.read_json`: regular, size-capped);
one that cannot be used is ignored with a message (`TemplateFolders.problems`), never an error.
A folder that is empty, the vault root, or climbs out of it (`..`) names no template folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vaultls.vault.contained import NotReadable, read_json

__all__ = ("CONFIG_FILES", "TemplateFolders", "read_template_folders")

# (file, key naming the folder, who it belongs to): what Obsidian and Templater read.
CONFIG_FILES = (
    (".obsidian/templates.json", "folder", "Obsidian's Templates plugin"),
    (".obsidian/plugins/templater-obsidian/data.json", "templates_folder", "Templater"),
)


@dataclass(frozen=True)
class TemplateFolders:
    """The vault's template folders (vault-relative, `/`-separated, no trailing `/`) and what
    was wrong with the files that name them."""

    folders: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    def contains(self, path: str) -> bool:
        """Whether the note at vault path `path` lies in a template folder. Letter case is
        ignored, as the names of a vault's notes are."""
        if not self.folders:
            return False
        lowered = path.lower()
        return any(lowered.startswith(folder.lower() + "/") for folder in self.folders)


def read_template_folders(root: Path) -> TemplateFolders:
    """The template folders `root`'s Obsidian settings declare."""
    folders: list[str] = []
    problems: list[str] = []
    for file, key, owner in CONFIG_FILES:
        try:
            data = read_json(root, root / file)
        except FileNotFoundError:
            continue
        except NotReadable as exc:
            problems.append(f"{file} {exc}; the template folder of {owner} is not known, so its templates are checked")
            continue
        written = data.get(key) if isinstance(data, dict) else None
        if written is None:
            continue
        folder = folder_path(written) if isinstance(written, str) else None
        if folder is None:
            if not (isinstance(written, str) and not written.strip()):
                problems.append(f"{file}: `{key}` of {owner} ({written!r}) names no folder inside the vault; ignored")
            continue
        if folder not in folders:
            folders.append(folder)
    return TemplateFolders(tuple(folders), tuple(problems))


def folder_path(written: str) -> str | None:
    """A folder as Obsidian's settings write it (`Templates`, `/Templates/`, `a\\b`) as a vault
    path; None for the vault root, an empty name, or one that climbs out (`..`)."""
    parts = [part for part in written.replace("\\", "/").split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)
