"""The diagnostic codes vaultls reports, described once for formats that carry rule metadata
(SARIF's `tool.driver.rules`). A code missing here still gets a rule, with a generic text."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # SARIF's rule name: PascalCase, no spaces
    short: str
    full: str
    level: str  # default severity, as SARIF names it: error, warning, note


RULES: tuple[Rule, ...] = (
    Rule(
        "dangling-link",
        "DanglingLink",
        "Link to a note or file that does not exist",
        "A wikilink, embed or Markdown link names a note or file that is not in the vault, or a "
        "path that climbs out of it. When the name is an alias of a note, the message says so: "
        "Obsidian does not resolve aliases in links. Severity is configurable "
        "(`diagnostics.dangling_links`), down to off.",
        "warning",
    ),
    Rule(
        "missing-heading",
        "MissingHeading",
        "Link to a heading the target note does not have",
        "The link's note exists, but none of its headings matches the `#Heading` part "
        "(compared as Obsidian does: case and punctuation ignored, or as a GitHub-style slug).",
        "warning",
    ),
    Rule(
        "missing-block",
        "MissingBlock",
        "Link to a block id the target note does not have",
        "The link's note exists, but no block in it carries the `^id` the link names.",
        "warning",
    ),
    Rule(
        "ambiguous-link",
        "AmbiguousLink",
        "Link whose name matches several notes",
        "More than one note has this name; the link resolves to the best candidate by Obsidian's "
        "rules, and the message lists the others. Write a longer path to say which one is meant.",
        "note",
    ),
    Rule(
        "frontmatter-yaml",
        "FrontmatterYaml",
        "Invalid YAML or duplicate property in frontmatter",
        "The YAML block at the top of the note cannot be parsed (reported at the offending "
        "line), or a property is written twice, so only its last value is kept.",
        "error",
    ),
    Rule(
        "frontmatter-schema",
        "FrontmatterSchema",
        "Frontmatter that does not match its schema",
        "A frontmatter property is missing, or its value does not match the JSON Schema configured for the note.",
        "warning",
    ),
    Rule(
        "undefined-footnote",
        "UndefinedFootnote",
        "Footnote reference without a definition",
        "A footnote reference `[^id]` names an id that the note defines nowhere with `[^id]: text` "
        "(ids are compared whatever their case). Obsidian shows it as plain text.",
        "warning",
    ),
    Rule(
        "unused-footnote",
        "UnusedFootnote",
        "Footnote definition that no reference names",
        "A footnote definition `[^id]: text` that no `[^id]` in the note refers to; Obsidian does not show it.",
        "note",
    ),
    Rule(
        "encoding",
        "Encoding",
        "File that is not valid UTF-8",
        "The note is not valid UTF-8; invalid bytes are read as U+FFFD replacement characters, so "
        "links and names near them may not be what the author wrote.",
        "warning",
    ),
)

_BY_CODE = MappingProxyType({rule.code: rule for rule in RULES})


def rule_for(code: str) -> Rule:
    known = _BY_CODE.get(code)
    if known is not None:
        return known
    name = "".join(part.capitalize() for part in code.replace("_", "-").split("-")) or "Problem"
    return Rule(code, name, f"vaultls {code}", f"Problems vaultls reports with the code `{code}`.", "warning")
