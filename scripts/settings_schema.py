"""Write docs/vaultls.schema.json, the JSON Schema of `.vaultls.toml`, from the settings'
definition (server/vaultls/vault/settings_schema.py). Run it after adding a setting;
tests/unit/test_settings_schema.py fails until then."""

from __future__ import annotations

from pathlib import Path

from vaultls.vault.settings_schema import schema_text

if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "docs" / "vaultls.schema.json"
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target}")
