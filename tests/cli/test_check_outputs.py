"""`vaultls check` prints, byte for byte, what it printed before the whole-vault check and the
model's check became one rule set: every format (text, json, github, sarif), `--fail-on`,
`--stats` and `--orphans`, cold and warm (from the index cache), on examples/vault, every vault
in tests/vaults, a vault with every problem vaultls reports (`check_vaults.SPECIAL`) and a
generated benchmark vault of 1,000 notes. The recorded outputs are in tests/data/check_outputs/
(see `check_outputs.py` for how they were made).

Each format is also printed a second way, and must again be the same: through the vault model
(`load_vault` and `check_vault`, which a selection of notes takes) instead of the whole-vault
runner, and with the runner forced to fork its workers (as on a vault of thousands of notes).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from tests.cli import check_outputs
from vaultls import __version__, cli
from vaultls.vault import bulk_check, check_run

FORMATS = ("text", "json", "github", "sarif")


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["check", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _want(name: str, variant: str) -> dict[str, object]:
    return check_outputs.fixture(name)[variant]


def _assert_same(name: str, variant: str, got: tuple[int, str, str], cwd: Path, want_variant: str = "") -> None:
    code, out, err = got
    have = check_outputs.record(name, code, check_outputs.normalise(out, cwd, __version__), err)
    want = _want(name, want_variant or variant)
    if "stdout" in want and have != want:  # a readable diff before the assert
        assert (have["code"], have["stderr"]) == (want["code"], want["stderr"]), variant
        assert str(have["stdout"]).splitlines() == str(want["stdout"]).splitlines(), variant
    assert have == want, f"{name} {variant}: the output differs from the one recorded"


@pytest.fixture
def vaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    parent = tmp_path / "vaults"
    parent.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("VAULTLS_NO_CACHE", raising=False)
    monkeypatch.chdir(parent)
    return parent


def _check_every_variant(name: str, parent: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check_outputs.build(name, parent)
    for variant, extra in check_outputs.VARIANTS:
        _assert_same(name, variant, _run([name, *extra], capsys), parent)


SMALL = [name for name in check_outputs.VAULT_BUILDERS if name not in check_outputs.HASHED]


@pytest.mark.parametrize("name", SMALL)
def test_small_vaults_print_what_they_printed(name: str, vaults: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _check_every_variant(name, vaults, capsys)


def test_the_special_vault_prints_what_it_printed(vaults: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _check_every_variant("special", vaults, capsys)


@pytest.mark.slow
def test_a_generated_vault_prints_what_it_printed(vaults: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _check_every_variant("generated", vaults, capsys)


@pytest.mark.parametrize("name", ["example", "special"])
def test_the_model_and_the_forked_runner_print_the_same(
    name: str, vaults: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same outputs through the vault model (the CLI's way for a selection of notes), and
    through the runner with its workers forked even for a small vault."""
    check_outputs.build(name, vaults)
    # Neither from the snapshot a previous check left (tests/unit/test_check_snapshot.py).
    monkeypatch.setattr(check_run, "check_from_snapshot", _no_bulk)
    with monkeypatch.context() as patch:
        patch.setattr(check_run, "check_whole_vault", _no_bulk)
        for fmt in FORMATS:
            _assert_same(name, f"{fmt} (model)", _run([name, "--format", fmt], capsys), vaults, fmt)
    forked: list[int] = []
    real = check_run.check_whole_vault

    def spy(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        forked.append(result.workers if result is not None else -1)
        return result

    with monkeypatch.context() as patch:
        patch.setattr("threading.active_count", lambda: 1)  # whatever pytest runs besides
        patch.setattr(bulk_check, "FORK_MIN_NOTES", 0)
        patch.setattr(check_run, "check_whole_vault", spy)
        for fmt in FORMATS:
            _assert_same(name, f"{fmt} (forked)", _run([name, "--format", fmt], capsys), vaults, fmt)
        workers = bulk_check.fork_workers(None, 10_000)  # 2 on 2 cores; 0 on one
    assert forked == [workers] * len(FORMATS)


def _no_bulk(*args: Any, **kwargs: Any) -> None:
    return None


def test_hashes_are_of_the_bytes() -> None:
    """The recorded hash of a large output is the SHA-256 of its UTF-8 bytes."""
    recorded = check_outputs.record("generated", 1, "é\n", "")
    assert recorded["stdout_sha256"] == hashlib.sha256("é\n".encode()).hexdigest()
    assert recorded["stdout_lines"] == 1
