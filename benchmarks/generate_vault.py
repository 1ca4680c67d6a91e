"""A deterministic generator of large Obsidian-style vaults for the vaultls benchmark.

Real vaults are what make language servers slow, but nobody can ship one in a repository, so
this writes a synthetic vault that looks like one to a parser: about 5 KB and 20–40 links per
note, nested folders, frontmatter with aliases and tags, headings, block ids, native callouts
and ``ad-`` fences (whose links count), code fences, inline code and comments holding fake
links (which must not count), ~10% dangling links, links to headings and blocks, Markdown
links, embeds of attachments, duplicate names in different folders (ambiguous links) and
non-ASCII names (accents, Cyrillic, Greek, CJK, emoji outside the BMP).

The same `(notes, seed)` always gives byte-identical files: every note is generated from its
own `random.Random`, seeded from the vault seed and the note's index, after a first pass that
fixes every note's name, folder, headings and block ids (so links to headings and blocks can
be right, or deliberately wrong).

Usage::

    python benchmarks/generate_vault.py 10000            # → benchmarks/vaults/10000/
    python benchmarks/generate_vault.py 1000 --out /tmp/v --force

A finished vault has a manifest `.vaultls-bench.json` at its root (hidden, so vaultls does not
index it); a vault whose manifest is missing or from another generator version is rebuilt.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = 1
DEFAULT_SEED = 20240615
MANIFEST = ".vaultls-bench.json"
HERE = Path(__file__).resolve().parent
DEFAULT_VAULTS = HERE / "vaults"

# Plain words for prose and names.
WORDS = """
ability absence academy account action activity actor adapter address advice agency agenda
algebra alliance analysis anchor angle animal answer archive argument army arrival article
aspect assembly asset atlas attempt audience author autumn balance ballot barrier basin battle
beacon benefit bicycle biology border branch bridge budget bulletin cabinet calendar campaign
canal capital carbon career castle catalog ceiling census century chamber channel chapter
charter circuit citizen climate cluster coast colony column comet commune compass concept
council counter courier crisis culture current cycle dawn debate decade delta density deposit
desert design detail dialect diary digest diplomacy district doctrine domain draft dynamo
economy edition editor effect element embassy emblem empire energy engine epoch equation essay
estate ethics evening evidence exile factory faculty fashion federation feedback festival
fiction figure filter finance fleet forest formula fortress forum fountain fragment frontier
galaxy garden gateway genre geology gesture glacier grammar granite gravity guild habit harbor
harvest heritage highway history horizon hospital humour hypothesis identity illusion image
impulse income index industry inquiry insight instinct island journal junction justice kernel
kingdom label labour ladder language lantern lattice league lecture ledger legend lens letter
library lighthouse limit literature logic machine magnet manifesto manual margin market meadow
measure medicine memory message method migration militia mineral mirror model module moment
monument motive mountain museum narrative nation network notion novel number object ocean
office opinion orbit orchard origin outline palace pamphlet paradox parliament pattern pendulum
period petition phase pilgrim pioneer planet platform poetry policy portrait practice premise
press principle prism problem process program project proof prophet protest province quarter
question radio railway reason record reform region relay remedy republic research resource
review rhythm ritual river rumour saga sample satellite scale scheme science season sector
segment senate sentence sequence series session shelter signal sketch society soil solution
source spectrum spiral station statue strategy stream structure student summit symbol syntax
system tactic teacher temple tension territory textile theatre theory thread threshold tide
timber tower tradition treaty tribune tunnel union universe utopia valley vector verse village
vision voice volume voyage wagon warrant weather wheel window winter witness workshop yard
""".split()

# Non-ASCII words: accents, Cyrillic, Greek, CJK, and emoji outside the BMP (two UTF-16 units).
UNICODE_WORDS = [
    "Méthode",
    "Übersicht",
    "Zürich",
    "café",
    "naïve",
    "São Paulo",
    "Ærø",
    "Ŝtupo",
    "Kraków",
    "Москва",
    "революция",
    "Δύναμη",
    "Ελληνικά",
    "日本語",
    "東京",
    "革命",
    "한국어",
    "ノート",
    "🌱 Seedling",
    "🚀 Launch",
    "Ελευθερία",
    "Façade",
    "Smørrebrød",
    "Día",
]

TOP_FOLDERS = ["Areas", "Projects", "Resources", "Archive", "People", "Concepts", "Reading", "Zettel"]
CODE_LANGS = ["python", "js", "bash", "rust", "text", ""]
CALLOUTS = ["note", "tip", "warning", "info", "quote", "example"]
AD_KINDS = ["ad-note", "ad-info", "ad-quote", "ad-example"]


@dataclass
class NoteMeta:
    """What other notes need to know about a note before any text is written."""

    index: int
    folder: str  # "" for the vault root
    name: str
    headings: list[str]
    blocks: list[str]
    aliases: list[str]

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.name}.md" if self.folder else f"{self.name}.md"


@dataclass
class VaultPlan:
    notes: list[NoteMeta] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)


def _title(rng: random.Random, words: int) -> str:
    picked = [rng.choice(WORDS) for _ in range(words)]
    return " ".join(w.capitalize() if i == 0 else w for i, w in enumerate(picked))


def plan_vault(n: int, seed: int) -> VaultPlan:
    """Names, folders, headings and block ids of every note; attachment paths."""
    rng = random.Random(f"plan-{seed}-{n}")
    folders = [""]
    for top in TOP_FOLDERS:
        folders.append(top)
    for _ in range(max(4, n // 40)):
        parent = rng.choice(folders[1:])
        if parent.count("/") >= 2:  # at most three levels deep
            parent = parent.split("/")[0]
        leaf = _title(rng, 1) if rng.random() > 0.06 else rng.choice(UNICODE_WORDS)
        folders.append(f"{parent}/{leaf}")
    folders = sorted(set(folders))
    daily_folders = [f"Daily/{year}" for year in (2021, 2022, 2023, 2024)]

    plan = VaultPlan()
    taken: set[tuple[str, str]] = set()
    used_names: list[str] = []
    day = 0
    for i in range(n):
        roll = rng.random()
        if roll < 0.10:
            # Daily notes: a date as the name, in a folder per year.
            day += 1
            year = 2021 + (day // 365) % 4
            month, dom = 1 + (day // 28) % 12, 1 + day % 28
            folder, name = f"Daily/{year}", f"{year}-{month:02d}-{dom:02d}"
            if (folder, name) in taken:
                name += f" ({i})"
        else:
            folder = rng.choice(folders) if rng.random() > 0.04 else ""
            if used_names and rng.random() < 0.02:
                name = rng.choice(used_names)  # the same name in another folder: ambiguous links
            elif rng.random() < 0.08:
                name = f"{rng.choice(UNICODE_WORDS)} {rng.choice(WORDS)}"
            else:
                name = _title(rng, rng.choice((1, 2, 2, 3)))
            while (folder, name) in taken or any(c in name for c in "#^[]|"):
                name = f"{name} {rng.randint(2, 99999)}"
        taken.add((folder, name))
        used_names.append(name)
        headings = []
        for _ in range(rng.randint(4, 8)):
            text = _title(rng, rng.randint(1, 3))
            if rng.random() < 0.15:
                text += rng.choice([": an overview", " (draft)", " & notes", ", revisited", " — part 2"])
            if rng.random() < 0.05:
                text = f"{rng.choice(UNICODE_WORDS)} {text.lower()}"
            headings.append(text)
        blocks = [f"b{i:x}-{j}" for j in range(rng.randint(1, 4))]
        aliases = []
        if rng.random() < 0.45:
            aliases = [_title(rng, rng.randint(1, 2)) for _ in range(rng.randint(1, 3))]
        plan.notes.append(NoteMeta(i, folder, name, headings, blocks, aliases))
    del daily_folders

    for j in range(max(3, n // 50)):
        ext = rng.choice(["png", "png", "jpg", "pdf", "svg"])
        folder = "Attachments" if rng.random() < 0.7 else f"Attachments/{2021 + j % 4}"
        plan.attachments.append(f"{folder}/image-{j}.{ext}")
    return plan


# --------------------------------------------------------------------------- note text


class NoteWriter:
    """The text of one note, from its own seeded random generator."""

    def __init__(self, plan: VaultPlan, meta: NoteMeta, seed: int) -> None:
        self.plan = plan
        self.meta = meta
        self.rng = random.Random(seed * 1_000_003 + meta.index)
        self.links_written = 0
        self.dangling_written = 0

    # A link to a random target, of a random kind; about 10% dangling.
    def link(self) -> str:
        rng = self.rng
        self.links_written += 1
        roll = rng.random()
        if roll < 0.10:
            self.dangling_written += 1
            missing = f"{_title(rng, 2)} idea {rng.randint(1, 400)}"
            return f"[[{missing}]]" if rng.random() < 0.8 else f"[[{missing}|{rng.choice(WORDS)}]]"
        if roll < 0.13 and self.plan.attachments:
            file = rng.choice(self.plan.attachments).rsplit("/", 1)[-1]
            return f"![[{file}]]" if rng.random() < 0.7 else f"![[{file}|{rng.choice((200, 300, 640))}]]"
        if roll < 0.15:
            heading = rng.choice(self.meta.headings)
            return f"[[#{heading}]]"
        target = rng.choice(self.plan.notes)
        kind = rng.random()
        if kind < 0.55:
            return f"[[{target.name}]]"
        if kind < 0.65:
            return f"[[{target.name}|{rng.choice(WORDS)} {rng.choice(WORDS)}]]"
        if kind < 0.76:
            heading = rng.choice(target.headings)
            if rng.random() < 0.03:
                heading = "Missing heading"  # a missing-heading problem now and then
            return f"[[{target.name}#{heading}]]"
        if kind < 0.84:
            return f"[[{target.name}#^{rng.choice(target.blocks)}]]"
        if kind < 0.90 and target.folder:
            return f"[[{target.folder.rsplit('/', 1)[-1]}/{target.name}]]"
        if kind < 0.96:
            path = target.path.replace(" ", "%20")
            return f"[{rng.choice(WORDS)}]({path})" if rng.random() < 0.7 else f"[{rng.choice(WORDS)}](<{target.path}>)"
        if target.aliases:
            return f"[[{target.name}|{rng.choice(target.aliases)}]]"
        return f"[[{target.name.lower()}]]"

    def sentence(self, links: int) -> str:
        rng = self.rng
        words = [rng.choice(WORDS) for _ in range(rng.randint(8, 18))]
        words[0] = words[0].capitalize()
        for _ in range(links):
            words.insert(rng.randint(1, len(words)), self.link())
        if rng.random() < 0.08:
            words.insert(rng.randint(1, len(words)), f"#{rng.choice(WORDS)}")
        if rng.random() < 0.05:
            words.insert(rng.randint(1, len(words)), f"`[[{rng.choice(WORDS)} in inline code]]`")
        return " ".join(words) + "."

    def paragraph(self, links: int, length: int) -> str:
        out: list[str] = []
        size = 0
        spread = [0] * max(1, length // 120)
        for _ in range(links):
            spread[self.rng.randrange(len(spread))] += 1
        for count in spread:
            s = self.sentence(count)
            out.append(s)
            size += len(s)
        return " ".join(out)

    def frontmatter(self) -> str:
        rng, meta = self.rng, self.meta
        lines = ["---", f"created: 2023-{1 + meta.index % 12:02d}-{1 + meta.index % 28:02d}"]
        if meta.aliases:
            if len(meta.aliases) == 1 and rng.random() < 0.5:
                lines.append(f"aliases: {meta.aliases[0]}")
            else:
                lines.append("aliases:")
                lines.extend(f"  - {a}" for a in meta.aliases)
        tags = sorted({rng.choice(WORDS) for _ in range(rng.randint(0, 3))})
        if tags:
            lines.append(f"tags: [{', '.join(tags)}]")
        if rng.random() < 0.15:
            target = rng.choice(self.plan.notes)
            lines.append(f'related: "[[{target.name}]]"')
            self.links_written += 1
        if rng.random() < 0.3:
            lines.append(f"status: {rng.choice(['draft', 'done', 'evergreen'])}")
        lines.append("---")
        return "\n".join(lines)

    def text(self) -> str:
        rng, meta = self.rng, self.meta
        size_goal = rng.randint(4000, 7200)
        links_goal = rng.randint(20, 40)
        sections = len(meta.headings)
        per_section_links = [0] * sections
        for _ in range(links_goal):
            per_section_links[rng.randrange(sections)] += 1
        blocks_at = {rng.randrange(sections): b for b in meta.blocks}
        # Blocks not placed (two landed on one section) go at the end so every id exists.
        placed = set(blocks_at.values())
        leftover = [b for b in meta.blocks if b not in placed]

        parts = [self.frontmatter(), f"# {meta.name}", ""]
        per_section_size = size_goal // sections
        for s, heading in enumerate(meta.headings):
            level = 2 if s == 0 or rng.random() < 0.6 else 3
            parts.append(f"{'#' * level} {heading}")
            parts.append("")
            links = per_section_links[s]
            shape = rng.random()
            if shape < 0.25:
                # A list, nested items included; their links count.
                for item in range(rng.randint(3, 6)):
                    share = links // 4 if item < 3 else 0
                    links -= share
                    indent = "    " if item and rng.random() < 0.35 else ""
                    parts.append(f"{indent}- {self.sentence(share)}")
                parts.append("")
            elif shape < 0.35:
                kind = rng.choice(CALLOUTS)
                share = links // 2
                links -= share
                parts.append(f"> [!{kind}] {_title(rng, 2)}")
                parts.append(f"> {self.sentence(share)}")
                parts.append("")
            elif shape < 0.42:
                share = links // 2
                links -= share
                parts.append(f"```{rng.choice(AD_KINDS)}")
                parts.append(self.sentence(share))
                parts.append("```")
                parts.append("")
            if rng.random() < 0.3:
                lang = rng.choice(CODE_LANGS)
                parts.append(f"```{lang}")
                parts.append(f'not_a_link = "[[{_title(rng, 2)} in a code fence]]"')
                parts.append(f"# {rng.choice(WORDS)} is a comment, not a heading; #{rng.choice(WORDS)} no tag")
                parts.append("```")
                parts.append("")
            if rng.random() < 0.08:
                parts.append(f"<!-- [[{_title(rng, 2)} in a comment]] --> %% [[{rng.choice(WORDS)} hidden]] %%")
                parts.append("")
            para = self.paragraph(links, max(200, per_section_size - 300))
            if s in blocks_at:
                para += f" ^{blocks_at[s]}"
            parts.append(para)
            parts.append("")
        for block in leftover:
            parts.append(f"{self.sentence(0)} ^{block}")
            parts.append("")
        if rng.random() < 0.2:
            parts.append("| Note | Why |")
            parts.append("| ---- | --- |")
            target = rng.choice(self.plan.notes)
            parts.append(f"| [[{target.name}\\|{rng.choice(WORDS)}]] | {rng.choice(WORDS)} |")
            parts.append("")
        return "\n".join(parts)


# --------------------------------------------------------------------------- files

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def _attachment_bytes(path: str) -> bytes:
    if path.endswith(".pdf"):
        return b"%PDF-1.4\n% vaultls benchmark attachment\n%%EOF\n"
    if path.endswith(".svg"):
        return b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>\n'
    return PNG


def vault_path(n: int, base: Path = DEFAULT_VAULTS) -> Path:
    return base / str(n)


def read_manifest(root: Path) -> dict | None:
    try:
        return json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_complete(root: Path, n: int, seed: int) -> bool:
    manifest = read_manifest(root)
    return (
        manifest is not None
        and manifest.get("generator_version") == GENERATOR_VERSION
        and manifest.get("notes") == n
        and manifest.get("seed") == seed
    )


def generate(
    n: int, out: Path | None = None, seed: int = DEFAULT_SEED, force: bool = False, quiet: bool = False
) -> Path:
    """Write the vault of `n` notes (unless a complete one is already there); returns its root."""
    root = out or vault_path(n)
    if not force and is_complete(root, n, seed):
        return root
    if root.exists():
        shutil.rmtree(root)  # incomplete or stale: start over, never mix two generations
    started = time.perf_counter()
    tmp = root.with_name(root.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    plan = plan_vault(n, seed)
    made_dirs: set[str] = set()
    total_bytes = links = dangling = 0
    for meta in plan.notes:
        writer = NoteWriter(plan, meta, seed)
        data = writer.text().encode("utf-8")
        links += writer.links_written
        dangling += writer.dangling_written
        total_bytes += len(data)
        if meta.folder not in made_dirs:
            (tmp / meta.folder).mkdir(parents=True, exist_ok=True)
            made_dirs.add(meta.folder)
        with open(tmp / meta.path, "wb") as handle:
            handle.write(data)
    for rel in plan.attachments:
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_bytes(_attachment_bytes(rel))
    (tmp / ".obsidian").mkdir(exist_ok=True)
    (tmp / ".obsidian" / "app.json").write_text('{"newLinkFormat": "shortest"}\n', encoding="utf-8")
    # Which notes the benchmark opens and which names it types: fixed here, so every run of the
    # benchmark on this vault asks the same questions.
    probe_rng = random.Random(f"probe-{seed}-{n}")
    probes = [m.path for m in probe_rng.sample(plan.notes, min(8, len(plan.notes)))]
    prefixes = [m.name for m in probe_rng.sample(plan.notes, min(40, len(plan.notes)))]
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "notes": n,
        "attachments": len(plan.attachments),
        "bytes": total_bytes,
        "links": links,
        "dangling_links": dangling,
        "probe_notes": probes,
        "names": prefixes,
        "seconds": round(time.perf_counter() - started, 2),
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, root)  # the manifest and the whole vault appear together
    if not quiet:
        print(
            f"generated {n} notes ({total_bytes / 1e6:.1f} MB, {links} links, {dangling} dangling) "
            f"in {root} in {manifest['seconds']} s",
            file=sys.stderr,
        )
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sizes", nargs="*", type=int, default=[1000, 10000, 50000], help="numbers of notes (default: 1000 10000 50000)"
    )
    parser.add_argument("--out", type=Path, help="where to write (only with one size); default benchmarks/vaults/<n>")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="regenerate even when a complete vault is there")
    args = parser.parse_args(argv)
    if args.out and len(args.sizes) != 1:
        parser.error("--out needs exactly one size")
    for n in args.sizes:
        generate(n, args.out, args.seed, args.force)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
