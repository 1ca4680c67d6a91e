"""`vaultls check` on a vault whose schemas are hostile (a pull request CI checks): the real
command, in a subprocess bounded in time (`timeout=`) and memory (RLIMIT_AS), ends with a
clear problem for each note instead of hanging or exhausting the machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write_vault

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_AS is POSIX")

MEMORY_LIMIT = 2 * 1024**3  # far more than vaultls needs, far less than a billion laughs


def limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_check(root: Path, timeout: float = 60) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "VAULTLS_NO_CACHE": "1"}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "vaultls", "check", "--format", "json", str(root)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        preexec_fn=limit_memory,
    )
    return proc, time.monotonic() - started


def schema_messages(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    problems = json.loads(proc.stdout)
    return sorted((p["path"], p["message"]) for p in problems if p["code"] == "frontmatter-schema")


def nested_any_of(levels: int) -> dict:
    defs: dict = {"l0": {"type": "integer"}}
    for i in range(1, levels + 1):
        below = {"$ref": f"#/$defs/l{i - 1}"}
        defs[f"l{i}"] = {"anyOf": [below, {"allOf": [below, {"minimum": 5}]}]}
    return {"$defs": defs, "properties": {"x": {"$ref": f"#/$defs/l{levels}"}}}


def test_a_backtracking_pattern(tmp_path):
    root = write_vault(
        tmp_path / "v",
        {
            ".vaultls.toml": '[frontmatter]\nschema = "s.json"\n',
            "s.json": json.dumps(
                {
                    "properties": {"code": {"type": "string", "pattern": "^(a+)+$"}},
                    "patternProperties": {"^(a|aa)+$": {"type": "integer"}},
                }
            ),
            "bad.md": "---\ncode: " + "a" * 40 + "b\n---\n",
            "key.md": "---\n" + "a" * 41 + ": text\n---\n",
        },
    )
    proc, took = run_check(root)
    assert took < 20
    assert schema_messages(proc) == [
        ("bad.md", '"code" must match the pattern ^(a+)+$'),
        ("key.md", f'"{"a" * 41}" must be a whole number'),
    ]


def test_a_billion_laughs_schema(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        name, below = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{below}"] * 9) + "]")
    root = write_vault(
        tmp_path / "v",
        {"laughs.yaml": "\n".join(lines) + "\n", "n.md": "---\n$schema: laughs.yaml\ntitle: x\n---\n"},
    )
    proc, took = run_check(root)
    assert took < 20
    assert schema_messages(proc) == [
        ("n.md", 'schema "laughs.yaml" named by $schema cannot be used: aliases expand to more than 100,000 values')
    ]


def test_a_deeply_nested_json_schema(tmp_path):
    root = write_vault(
        tmp_path / "v", {"deep.json": "[" * 200_000 + "]" * 200_000, "n.md": "---\n$schema: deep.json\n---\n"}
    )
    proc, took = run_check(root)
    assert took < 20
    assert schema_messages(proc) == [
        ("n.md", 'schema "deep.json" named by $schema cannot be used: it is nested more than 100 levels deep')
    ]


def test_a_slow_schema_named_by_every_note(tmp_path):
    """200 notes name a schema whose `anyOf`s take 2**25 steps: each gets one problem, the
    schema is set aside after 3 timeouts, and the whole check takes a few seconds."""
    files = {"slow.json": json.dumps(nested_any_of(25))}
    files.update({f"n{i:03}.md": f"---\n$schema: slow.json\nx: text\n---\n[[n{i + 1:03}]]\n" for i in range(200)})
    root = write_vault(tmp_path / "v", files)
    proc, took = run_check(root)
    assert took < 30
    found = schema_messages(proc)
    assert len(found) == 200
    assert {m for _, m in found} == {
        'schema "slow.json" named by $schema took longer than 0.5 s to check this note; not checked',
        'schema "slow.json" named by $schema took longer than 0.5 s on 3 notes; not checked any more',
    }
    # The notes' other checks still happen: n199 links to a note that does not exist.
    problems = json.loads(proc.stdout)
    assert [p["path"] for p in problems if p["code"] == "dangling-link"] == ["n199.md"]


@pytest.mark.parametrize(
    "document", [{"$ref": "#"}, {"properties": {"a": {"$ref": "#/properties/a"}}}], ids=["root", "chain"]
)
def test_a_ref_that_leads_back_to_itself(tmp_path, document):
    root = write_vault(tmp_path / "v", {"s.json": json.dumps(document), "n.md": "---\n$schema: s.json\na: 1\n---\n"})
    proc, took = run_check(root)
    assert took < 20
    [(path, message)] = schema_messages(proc)
    assert path == "n.md"
    assert message.startswith('schema "s.json" named by $schema cannot be used: $ref "#')
    assert message.endswith('" leads back to itself without end')
