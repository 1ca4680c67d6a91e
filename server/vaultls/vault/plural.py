"""Counts in messages, grammatical: "1 link", "2 links", "1 note links", "2 notes link".

Every message with a number goes through these, so none says "1 notes" or "1 note link".
"""

from __future__ import annotations


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """The word that agrees with `n`: `singular` for one, else `plural_form` (default: + "s").
    Verbs too: `plural(n, "links", "link")`."""
    return singular if n == 1 else plural_form if plural_form is not None else singular + "s"


def counted(n: int, singular: str, plural_form: str | None = None) -> str:
    """`n` and its noun: "1 note", "3 notes", "0 notes"."""
    return f"{n} {plural(n, singular, plural_form)}"
