"""Running `vaultls check` in-process for the CI-format and report tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from vaultls.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def check(capsys, *args: str) -> Run:
    """`vaultls check ARGS` in this process; usage errors (argparse exits) give code 2 too."""
    capsys.readouterr()  # drop what earlier steps printed
    try:
        code = main(["check", *args])
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def vault_in_repo(tmp_path, write_vault, files: dict[str, str], folder: str = "notes"):
    """A git-like repository at tmp_path/repo (a `.git` folder is all `find_vault_root` looks at)
    holding an Obsidian vault (`.obsidian/`) in the subfolder `folder`. Returns the repo root."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    write_vault(repo / folder, {".obsidian/app.json": "{}", **files})
    return repo
