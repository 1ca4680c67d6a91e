"""Every diagnostic code has one description for SARIF (report/rules.py) and one page that
explains it (docs/codes/), which editors and SARIF link to."""

from __future__ import annotations

from pathlib import Path

import pytest

from vaultls.report.rules import RULES
from vaultls.vault.problems import CODES, code_help

DOCS = Path(__file__).resolve().parents[2] / "docs" / "codes"


def test_the_rules_describe_exactly_the_codes():
    assert sorted(rule.code for rule in RULES) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_each_code_has_its_page(code):
    page = DOCS / f"{code}.md"
    assert page.read_text(encoding="utf-8").startswith(f"# {code}\n")
    assert f"]({code}.md)" in (DOCS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", CODES)
def test_each_codes_help_address_is_its_page_in_the_repository(code):
    assert code_help(code).endswith(f"/docs/codes/{code}.md")


def test_the_vs_code_severity_setting_offers_exactly_the_codes():
    import json

    package = json.loads((DOCS.parents[1] / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    setting = package["contributes"]["configuration"]["properties"]["vaultls.diagnostics.severity"]
    assert setting["propertyNames"]["enum"] == list(CODES)
