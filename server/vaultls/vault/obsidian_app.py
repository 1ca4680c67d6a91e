"""Obsidian's app settings (`.obsidian/app.json`), the few vaultls follows.

Read like every Obsidian settings file (`contained.read_json`: inside the vault, a regular
file, size-capped); a missing, unreadable or malformed file is Obsidian's defaults, never an error:
the file is Obsidian's, and the user cannot fix it from vaultls.

- `newFileLocation` (`root` | `current` | `folder`, with `newFileFolderPath`): where a new
  note goes; Obsidian's default is the vault root.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vaultls.vault import names
from vaultls.vault.contained import NotReadable, read_json
from vaultls.vault.index import normalise_path

APP_FILE = ".obsidian/app.json"


def read_app_json(root: Path) -> dict[str, Any]:
    """The settings of `.obsidian/app.json` (empty when there is none or it cannot be used)."""
    try:
        data = read_json(root, root / APP_FILE)
    except (OSError, NotReadable):
        return {}
    return data if isinstance(data, dict) else {}


def new_note_folder(app: dict[str, Any], linking_note: str) -> str:
    """The folder (vault path, "" for the root) where Obsidian puts a new note created from a
    link in `linking_note`: `newFileLocation` `current` is that note's folder, `folder` is
    `newFileFolderPath`, anything else the root (Obsidian's default)."""
    location = app.get("newFileLocation")
    if location == "current":
        return linking_note.rpartition("/")[0]
    if location == "folder":
        folder = app.get("newFileFolderPath")
        if isinstance(folder, str):
            return normalise_path(folder.replace("\\", "/").strip().strip("/")) or ""
    return ""


def new_note_path(app: dict[str, Any], linking_note: str, target: str, relative: bool) -> str | None:
    """The vault path of the note a link to the missing `target` creates; None when it would
    be outside the vault. A target with a folder (`[[Folder/New]]`) is a path from the vault
    root, as Obsidian takes it; a `relative` one (a Markdown link, `./`, `../`) is from the
    linking note's folder; a bare name goes to `new_note_folder`."""
    target = target.replace("\\", "/")
    here = linking_note.rpartition("/")[0]
    if relative:
        rel = normalise_path(f"{here}/{target}" if here else target)
    elif "/" in target.strip("/"):
        rel = normalise_path(target.lstrip("/"))
    else:
        folder = new_note_folder(app, linking_note)
        bare = target.strip("/")
        rel = f"{folder}/{bare}" if folder else bare
    if not rel:
        return None
    return rel if names.is_note_path(rel) else rel + ".md"
