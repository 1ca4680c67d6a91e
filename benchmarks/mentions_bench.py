"""Unlinked mentions: the command `vaultls.unlinkedMentions` (every unlinked mention of one note
in the vault) and the code actions of a note (where "Link to [[Name]]" comes from), as an
editor asks for them once the server has indexed the vault. run.py measures them in every run;
alone, for the sizes given:

    python benchmarks/mentions_bench.py --sizes 10000

The first command reads the vault's notes (those that may hold the note's names are scanned);
it is timed apart. It starts the scan of every other note in the background, in slices: the
time until that is done is measured by asking for another note every 2 s. Then the command
for other notes (the scans kept), and again after one note was edited (that note alone
scanned again). Code actions are asked at words of
four open notes' text; the first request of each note (its scan) is timed apart.

The generated vault is the worst case for mentions: its notes are named with the same few
hundred words its prose is made of, so nearly every word of every note is some note's name.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate_vault  # noqa: E402 - the sibling module, found through the path set above
import lsp_wire  # noqa: E402 - the same
from pull_scenario import CAPABILITIES, PullClient  # noqa: E402 - the same

COMMAND_TARGET_MS = 300.0
ACTION_TARGET_MS = 20.0
_WORD = re.compile(r"\b[a-z]{4,}\b")


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")


def _figures(samples: list[float]) -> dict[str, float]:
    return {"p50": _p(samples, 0.5), "p95": _p(samples, 0.95), "max": _p(samples, 1.0), "n": len(samples)}


def word_positions(text: str, count: int) -> list[dict[str, int]]:
    """Up to `count` positions inside plain words of a note's body (not its frontmatter, where
    "Link all" is offered), spread over its lines."""
    lines = text.split("\n")
    found = []
    body = lines.index("---", 1) + 1 if lines[0] == "---" and "---" in lines[1:] else 0
    for number, line in enumerate(lines[body:], body):
        if line.startswith(("#", "---", "```", "|", ">")) or "[[" in line:
            continue
        m = _WORD.search(line)
        if m and line.isascii():
            found.append({"line": number, "character": m.start() + 1})
    step = max(1, len(found) // count)
    return found[::step][:count]


async def _command(client: PullClient, uri: str) -> tuple[float, int]:
    took, result = await client.request(
        "workspace/executeCommand", {"command": "vaultls.unlinkedMentions", "arguments": [uri]}, timeout=600
    )
    return took, len(result or [])


async def measure(root: Path, cache_home: Path, log: Path, notes: list[str], positions: int = 25) -> dict[str, Any]:
    """The mention figures on one vault (see the module's docstring), in milliseconds."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as stderr:
        proc = await lsp_wire.spawn_server(root, cache_home, stderr)
    client = PullClient(proc, root)
    try:
        await client.request(
            "initialize",
            {
                "processId": os.getpid(),
                "rootUri": root.as_uri(),
                "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
                "capabilities": CAPABILITIES,
            },
        )
        client.notify("initialized", {})
        await asyncio.wait_for(client.indexed.wait(), 600)
        uris = [(root / rel).as_uri() for rel in notes]
        texts = [(root / rel).read_text(encoding="utf-8") for rel in notes]
        first_ms, first_count = await _command(client, uris[0])
        # The first command starts scanning every note in the background: wait for it (a
        # command of another note reads nothing once it is done).
        started = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(2.0)
            took, _ = await _command(client, uris[1])
            if took * 1000 <= COMMAND_TARGET_MS or asyncio.get_running_loop().time() - started > 600:
                break
        complete_s = asyncio.get_running_loop().time() - started
        warm, counts = [], []
        for uri in uris[1:]:
            took, count = await _command(client, uri)
            warm.append(took)
            counts.append(count)
        # One note edited: only it is scanned again.
        edited, edited_text = uris[-1], texts[-1]
        client.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": edited, "languageId": "markdown", "version": 1, "text": edited_text}},
        )
        end = edited_text.count("\n")
        change = {"range": {"start": {"line": end, "character": 0}, "end": {"line": end, "character": 0}}}
        client.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": edited, "version": 2},
                "contentChanges": [{**change, "text": "A new line that names nothing.\n"}],
            },
        )
        after_edit, _ = await _command(client, uris[0])
        # Code actions at words of open notes.
        for uri, text in zip(uris[:-1], texts[:-1], strict=True):
            client.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
            )
        await asyncio.sleep(1.0)  # the opened notes' diagnostics
        first_action, actions, offered = [], [], 0
        for uri, text in zip(uris, texts, strict=True):
            for n, position in enumerate(word_positions(text, positions)):
                took, result = await client.request(
                    "textDocument/codeAction",
                    {
                        "textDocument": {"uri": uri},
                        "range": {"start": position, "end": position},
                        "context": {"diagnostics": []},
                    },
                )
                (first_action if n == 0 else actions).append(took)
                offered += sum(1 for a in result or [] if str(a.get("title", "")).startswith("Link to"))
                await asyncio.sleep(0.005)
        return {
            "notes": len(uris),
            "command_first_ms": first_ms * 1000,
            "command_first_mentions": first_count,
            "index_complete_s": complete_s,
            "command": _figures(warm),
            "command_mentions_max": max(counts, default=0),
            "command_after_edit_ms": after_edit * 1000,
            "code_action": _figures(actions),
            "code_action_first": _figures(first_action),
            "link_to_offered": offered,
        }
    finally:
        try:
            await client.request("shutdown", None, timeout=10)
            client.notify("exit", None)
            await asyncio.wait_for(proc.wait(), 10)
        except (asyncio.TimeoutError, ConnectionError):
            proc.kill()
            await proc.wait()


def notes_to_ask(probes: list[str]) -> list[str]:
    """Five probe notes (named with two words, one word, a date...)."""
    return probes[:5]


def row(n: int, figures: dict[str, Any]) -> str:
    return (
        f"unlinked mentions, {n:,} notes: first command {figures['command_first_ms']:.0f} ms "
        f"({figures['command_first_mentions']} mentions), every note scanned in the background "
        f"{figures['index_complete_s']:.0f} s later; then p50 "
        f"{figures['command']['p50']:.0f} ms, max {figures['command']['max']:.0f} ms "
        f"(target ≤ {COMMAND_TARGET_MS:.0f} ms; up to {figures['command_mentions_max']} mentions), "
        f"after one edit {figures['command_after_edit_ms']:.0f} ms; code action p95 "
        f"{figures['code_action']['p95']:.1f} ms (target ≤ {ACTION_TARGET_MS:.0f} ms), "
        f"first of a note max {figures['code_action_first']['max']:.0f} ms"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The unlinked mention figures alone.")
    parser.add_argument("--sizes", default="10000", help="comma-separated note counts (default 10000)")
    parser.add_argument("--vaults", type=Path, default=generate_vault.DEFAULT_VAULTS)
    parser.add_argument("--positions", type=int, default=25, help="code action requests per note (default 25)")
    args = parser.parse_args(argv)
    for n, root, probes, cache in lsp_wire.each_vault(args.sizes, args.vaults, "mentions"):
        figures = asyncio.run(measure(root, cache, cache / "server.log", notes_to_ask(probes), args.positions))
        print(row(n, figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
