"""`vaultls check` and its formats run on the pure model: no pygls, no lsprotocol."""

from __future__ import annotations

import subprocess
import sys


def test_check_and_every_format_import_no_lsp_library():
    code = (
        "import sys, vaultls.cli, vaultls.report, vaultls.report.sarif, vaultls.report.github, "
        "vaultls.report.reports, vaultls.vault.graph; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.strip() == "[]"
