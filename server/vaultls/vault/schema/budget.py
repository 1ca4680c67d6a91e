"""What a frontmatter schema may cost, and the deadline that enforces it.

A schema may come from a stranger (a pull request that CI checks with `vaultls check`, where any
note can name one with `$schema:`), and must not be able to hang vaultls or exhaust its memory:

- Reading (documents.py): a schema file is at most `contained.MAX_CONFIG_BYTES`; a document
  nested deeper than `MAX_SCHEMA_DEPTH` or with more than `MAX_SCHEMA_VALUES` values (YAML
  aliases expanded) is refused before it is built.
- Regular expressions (`pattern`, `patternProperties`, `format: regex`) are matched by
  `bounded_regex`, never by `re`, whose backtracking cannot be stopped.
- Time: validation runs under a deadline (`within`), which the validator classes of guarded.py
  look at before every keyword. Loading a schema (checking it against its meta-schema,
  following its `$ref`s) has its own deadline, `COMPILE_BUDGET`.

How the budgets are spent (validate.py, and the accounts `SchemaStore` keeps):
- One note's schema checks (every schema applying to it) get `NOTE_BUDGET` seconds. A note
  whose checks run past it gets one problem, "schema X took longer than `NOTE_BUDGET` s to
  check this note; not checked", and every other check of the note still happens.
- A schema that timed out on `SLOW_STRIKES` notes is slow: for the rest of the run (until one
  of the schema files changes) it is not run again, and each note it applies to gets one
  problem saying so, at no cost. So is a schema that stays just under the budget: the time a
  note's check takes beyond `FREE_NOTE_SECONDS` is counted, and a schema with `SLOW_STRIKES` x
  `NOTE_BUDGET` such seconds is slow too.
- After `MAX_TIMEOUTS` timeouts in one vault (loading or checking, any schemas), or
  `MAX_EXCESS_SECONDS` counted seconds (loading counts beyond `FREE_LOAD_SECONDS`), schemas
  are not run or loaded any more in that run: a vault whose every note names a different slow
  schema still costs at most about `MAX_TIMEOUTS` x `COMPILE_BUDGET` seconds in all.
So a large vault with hostile schemas finishes in bounded time: about `MAX_EXCESS_SECONDS` plus
`FREE_NOTE_SECONDS` per note and schema at worst, and no single note's check stalls the caller
for more than `COMPILE_BUDGET` per schema loaded for it plus `NOTE_BUDGET`. Real schemas stay
far below every one of these limits.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import monotonic
from typing import Any

from vaultls.vault.parse import MAX_FRONTMATTER_VALUES
from vaultls.vault.schema import bounded_regex

NOTE_BUDGET = 0.5  # seconds for all the schema checks of one note
COMPILE_BUDGET = 1.0  # seconds to load one schema: meta-schema check, `$ref`s, patterns
SLOW_STRIKES = 3  # notes a schema may time out on before it is not run any more
MAX_TIMEOUTS = 10  # timeouts in one vault before no schema is run any more
# What checking one note with a schema, or loading one, may cost before the time beyond it is
# counted: far more than a real schema needs, so that only a hostile (or broken) one is.
FREE_NOTE_SECONDS = 0.005
FREE_LOAD_SECONDS = 0.2
MAX_EXCESS_SECONDS = 10.0  # counted seconds in one vault before no schema is run any more
MAX_SCHEMA_VALUES = MAX_FRONTMATTER_VALUES  # a schema is allowed what a note's frontmatter is
MAX_SCHEMA_DEPTH = 100

TimedOut = bounded_regex.Timeout


# The deadline in force, per thread: the server checks notes from several threads at once, each
# under its own budget. A context (`within`) rather than a parameter, because it must reach the
# keyword functions jsonschema calls, whose signature is jsonschema's.
class _Deadline(threading.local):
    at = math.inf


_deadline = _Deadline()


@contextmanager
def within(seconds: float) -> Iterator[float]:
    """Run the block under a deadline `seconds` from now (this thread only); yields it."""
    previous = _deadline.at
    _deadline.at = at = monotonic() + seconds
    try:
        yield at
    finally:
        _deadline.at = previous


def check() -> None:
    """Raise `TimedOut` when the current deadline has passed."""
    if monotonic() > _deadline.at:
        raise TimedOut()


Keyword = Callable[[Any, Any, Any, Any], Any]  # jsonschema's (validator, value, instance, schema)


def on_time(function: Keyword) -> Keyword:
    """The jsonschema keyword function `function`, which first raises `TimedOut` when the
    current deadline has passed."""

    def keyword(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        # `check()` inlined: this runs before every keyword of every validation.
        if monotonic() > _deadline.at:
            raise TimedOut()
        return function(validator, value, instance, schema)

    keyword.__name__ = getattr(function, "__name__", "keyword")
    return keyword


def _regex_deadline() -> float:
    at = _deadline.at
    return at if at != math.inf else monotonic() + NOTE_BUDGET


def search(pattern: str, text: str) -> bool:
    """`re.search(pattern, text) is not None`, in bounded time (`TimedOut` past the deadline,
    or `NOTE_BUDGET` from now without one)."""
    return bounded_regex.search(pattern, text, _regex_deadline())


def precompile(pattern: str) -> None:
    """Compile `pattern` now (it is kept), so that the notes checked with it do not pay for
    that; `re.error` when it cannot be used."""
    bounded_regex.compile_pattern(pattern, _regex_deadline())
