"""The extension's package.json has what a marketplace listing needs, and the files it names."""

from __future__ import annotations

import json
import struct
from pathlib import Path

EXTENSION = Path(__file__).resolve().parents[2] / "editors" / "vscode"
PACKAGE = json.loads((EXTENSION / "package.json").read_text(encoding="utf-8"))


def test_listing_fields_are_filled_in() -> None:
    for key in ("name", "displayName", "description", "publisher", "license", "repository", "homepage", "bugs"):
        assert PACKAGE.get(key), f"package.json has no {key}"
    assert PACKAGE["categories"] and set(PACKAGE["categories"]) <= {
        "Programming Languages", "Snippets", "Linters", "Themes", "Debuggers", "Formatters", "Keymaps",
        "SCM Providers", "Other", "Extension Packs", "Language Packs", "Data Science", "Machine Learning",
        "Visualization", "Notebooks", "Education", "Testing", "AI", "Chat",
    }  # fmt: skip
    assert len(PACKAGE["keywords"]) >= 3 and "obsidian" in PACKAGE["keywords"]
    banner = PACKAGE["galleryBanner"]
    assert banner["color"].startswith("#") and banner["theme"] in ("dark", "light")


def test_icon_is_a_square_png_of_at_least_128_pixels() -> None:
    data = (EXTENSION / PACKAGE["icon"]).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width == height >= 128, (width, height)


def test_readme_and_changelog_are_there() -> None:
    assert (EXTENSION / "README.md").stat().st_size > 1000
    assert "## " + PACKAGE["version"] in (EXTENSION / "CHANGELOG.md").read_text(encoding="utf-8")
