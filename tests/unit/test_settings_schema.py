"""The JSON Schema of `.vaultls.toml` (docs/vaultls.schema.json) is made from the settings'
definition, describes every setting, and accepts every TOML example the docs show, which
vaultls accepts too."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import jsonschema
import pytest

from vaultls.vault.settings import SETTING_KEYS, Settings
from vaultls.vault.settings_schema import DESCRIBED, schema_text, settings_schema

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
DOCS = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def _toml_examples() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for i, m in enumerate(re.finditer(r"```toml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)):
            found.append((f"{doc.relative_to(REPO)}#{i + 1}", m.group(1)))
    return found


def test_the_committed_schema_is_the_generated_one():
    assert (REPO / "docs" / "vaultls.schema.json").read_text(encoding="utf-8") == schema_text()


def test_every_setting_is_described():
    assert sorted(DESCRIBED) == sorted(SETTING_KEYS)


def test_the_schema_is_a_valid_json_schema():
    jsonschema.Draft7Validator.check_schema(settings_schema())


@pytest.mark.parametrize(("where", "example"), _toml_examples(), ids=lambda v: v if "#" in str(v) else "")
def test_every_toml_example_in_the_docs_is_valid(where, example):
    data = tomllib.loads(example)
    jsonschema.validate(data, settings_schema())
    _, errors = Settings().with_layer(data, where)
    assert errors == []


def test_the_schema_rejects_what_vaultls_rejects():
    validator = jsonschema.Draft7Validator(settings_schema())
    for bad in (
        {"diagnostics": {"dangling_link": "off"}},
        {"diagnostics": {"severity": {"nope": "off"}}},
        {"gitignore": "yes"},
    ):
        assert list(validator.iter_errors(bad)), bad
        assert Settings().with_layer(bad, "x")[1], bad


def test_the_examples_are_found():
    assert len(_toml_examples()) >= 2 and json.dumps(settings_schema())
