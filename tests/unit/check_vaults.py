"""Vaults that hold every case a whole-vault check reports, as {path: content}: used by the
tests that compare the bulk check with the model's (test_check_fast.py) and by the
byte-identical output test (tests/cli/test_check_outputs.py)."""

from __future__ import annotations

import json
import random
import unicodedata

NFD_NAME = unicodedata.normalize("NFD", "Café")
SCHEMA = {
    "type": "object",
    "required": ["title"],
    "properties": {"title": {"type": "string"}, "n": {"type": "integer"}},
}

SPECIAL: dict[str, str | bytes] = {
    ".vaultls.toml": '[frontmatter]\n[[frontmatter.rules]]\nglob = "Typed/**"\nschema = "schemas/typed.json"\n',
    "schemas/typed.json": json.dumps(SCHEMA),
    "schemas/own.json": json.dumps({"type": "object", "properties": {"n": {"type": "string"}}}),
    "Home.md": (
        "---\naliases: [Start, Hub]\ntags: [a]\n---\n# Home\n\n## Section: One!\n\n### Deep *part*\n\n"
        "para ^home-block\n\n## Other\n\n"
        "[[Alpha]] [[Alpha#Intro]] [[Alpha#Intro#Detail]] [[Alpha#Detail]] [[Alpha#Nope]] [[Alpha#Intro#Nope]]\n"
        "[[Alpha#^a1]] [[Alpha#^missing]] [[#Section One]] [[#section-one]] [[#^home-block]] [[#^nope]]\n"
        "[[#Nowhere]] [[Dup]] [[A/Dup]] [[B/Dup]] [[Dup#Heading]] [[Nothing here]] [[Start]] [[Beta alias]]\n"
        "![[pic.png]] [[pic.png#page=3]] [[missing.pdf]] [[docs/report.pdf]] [[../../etc/passwd]]\n"
        "[rel](Sub/Child.md) [rel2](Sub/Child.md#Child%20heading) [bad](Sub/Gone.md) [up](../Out.md)\n"
        "[[Café]] [[café#Über]] [[Sub/Child#child-heading]] [[sub/child]] [[./Alpha]] [[Dup#^blk]]\n"
    ),
    "Alpha.md": "# Intro\n\n## Detail\n\ntext ^a1\n\n# Detail\n\n[[Home#Other]] [[Home#Section One#Deep part]]\n",
    "A/Dup.md": "# Heading\n\n[[Dup]] [[Dup#Heading]] [[../Home]] [[./Dup]] [x](Dup.md) [y](../B/Dup.md#Heading)\n",
    "B/Dup.md": "# Other\n\nline ^blk\n\n[[Dup]] [[Dup#Heading]] [[Dup#^blk]] [[B/Dup#Other]]\n",
    "C/D/Dup.md": "[[Dup]] [[dup]] [[Beta alias]] [[Hub]]\n",
    "Sub/Child.md": (
        "---\naliases: Beta alias\n---\n# Child heading\n\n[[Home]] [up](../Home.md#Other) [[Home#^home-block]]\n"
    ),
    f"{NFD_NAME}.md": "# Über\n\n[[Home]] [[Café]]\n",
    "Broken.md": "---\ntitle: [unclosed\n---\n[[Home]]\n",
    "Dupkeys.md": "---\nk: 1\nk: 2\ncreated: 2023-02-22\n---\n[[Home]]\n",
    "Bad utf8.md": b"# Bad \xff bytes\n\n[[Home]] [[Nope]]\n",
    "Typed/Ok.md": "---\ntitle: fine\n---\n[[Home]]\n",
    "Typed/Wrong.md": "---\nn: x\ncreated: 2024-01-01\n---\n[[Home]]\n",
    "Own schema.md": "---\n$schema: schemas/own.json\nn: 3\ncreated: 2024-01-01\n---\n",
    "Missing schema.md": "---\n$schema: schemas/none.json\n---\n",
    "Code.md": "```\n[[Not a link]]\n```\n`[[nor this]]` [[Home#Home]]\n",
    "pic.png": b"\x89PNG",
    "docs/report.pdf": b"%PDF",
    ".obsidian/app.json": "{}",
}


def filler(count: int, seed: int = 7) -> dict[str, str]:
    """Many notes with links of every sort between them, some to names several folders hold."""
    rng = random.Random(seed)
    folders = ["", "X/", "Y/", "X/Z/", "Ünï/"]
    words = ["Dup", "Alpha", "Home", "Start", "Hub", "Café", NFD_NAME, "Ghost", "pic.png"]
    files: dict[str, str] = {}
    for i in range(count):
        name = f"{folders[i % len(folders)]}Note {i % (count // 3 or 1)}.md"
        links = []
        for _ in range(8):
            pick = rng.random()
            if pick < 0.4:
                target = f"Note {rng.randrange(count // 2)}"
            elif pick < 0.6:
                target = rng.choice(words)
            elif pick < 0.7:
                target = f"{rng.choice(folders)}Note {rng.randrange(count // 3)}"
            else:
                target = f"Gone {rng.randrange(50)}"
            anchor = rng.choice(["", "", "#Head", "#Head#Sub", "#^b1", "#Missing", "#head"])
            links.append(f"[[{target}{anchor}]]")
        links.append(f"[md](Note%20{rng.randrange(count // 3)}.md)")
        links.append(f"[up](../Note%20{rng.randrange(count // 3)}.md#Head)")
        fm = f"---\naliases: [Alias {i}]\n---\n" if i % 10 == 0 else ""
        files.setdefault(name, f"{fm}# Head\n\n## Sub\n\nx ^b1\n\n" + " ".join(links) + " [[Alias 3]]\n")
    return files
