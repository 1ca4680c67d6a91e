"""Regular expressions from a stranger's schema, matched in bounded time and memory.

Python's `re` backtracks: `^(a+)+$` against forty `a`s and a `b` tries some 2**40 ways,
`[a-z]*X` against a long value takes time quadratic in its length, and nothing can stop a
running match (not even a thread: it holds the GIL). A vault's schemas (`pattern`,
`patternProperties`, `format: regex`) come from whoever wrote the vault, so their expressions
are matched here instead, with the very syntax and meaning `re` gives them (what jsonschema
itself does):

- `re`'s own parser reads the expression (compiler.py), so what is valid, and what each part
  means, is `re`'s. Each single-character test (a literal, a class, `.`, `\\d`, with the flags
  in force) and each anchor (`^`, `$`, `\\b`, ...) is a tiny `re` pattern matched at one
  position, which cannot backtrack.
- The structure (sequences, alternatives, repeats, groups, look-arounds, atomic groups) runs on
  a small backtracking machine (machine.py) that remembers every (instruction, position) it has
  explored without success and never explores it again (RE2's "bit-state" idea): a search costs
  at most instructions x (length + 1) steps, whatever the expression. Only back-references
  (`\\1`) and conditionals (`(?(1)a|b)`) make the captured text part of the state; such an
  expression may still be slow, and the deadline stops it.
- Every search has a deadline (`time.monotonic()` value): past it, `Timeout` is raised. An
  expression larger than `MAX_INSTRUCTIONS` once its counted repeats are unrolled is refused
  (`PatternTooLarge`, a `re.error`).

Only whether there is a match is computed (what `pattern` needs), never the match itself.
"""

from vaultls.vault.schema.bounded_regex.compiler import MAX_INSTRUCTIONS, PatternTooLarge, compile_pattern, is_valid
from vaultls.vault.schema.bounded_regex.machine import MAX_STATES, search
from vaultls.vault.schema.bounded_regex.program import Program, Timeout

__all__ = (
    "MAX_INSTRUCTIONS",
    "MAX_STATES",
    "PatternTooLarge",
    "Program",
    "Timeout",
    "compile_pattern",
    "is_valid",
    "search",
)
