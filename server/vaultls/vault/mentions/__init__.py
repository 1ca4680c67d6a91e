"""Unlinked mentions: plain text in one note that names another note (its name or an alias).

- `dictionary`: the vault's names and aliases as phrases, by first word, and the skip rule;
- `scan`: a note's prose, and the phrases found in it;
- `index`: every note's scan, kept between requests and redone only for what changed;
- `links`: the link that replaces a mention, and the plan that links many.
"""

from vaultls.vault.mentions.dictionary import STOP_WORDS, Dictionary, skipped
from vaultls.vault.mentions.index import Mention, MentionIndex, TextOf
from vaultls.vault.mentions.links import link_mentions, link_text, written
from vaultls.vault.mentions.scan import prose_lines, scan

__all__ = (
    "STOP_WORDS",
    "Dictionary",
    "Mention",
    "MentionIndex",
    "TextOf",
    "link_mentions",
    "link_text",
    "prose_lines",
    "scan",
    "skipped",
    "written",
)
