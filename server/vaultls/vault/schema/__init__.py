"""Frontmatter schemas: which JSON Schemas apply to a note, what is wrong with its frontmatter
according to them and to Obsidian's property types, and what they say about its properties.

One job a module:
- store.py: the schemas of one vault (`SchemaStore`, held by `Vault.schemas`), compiled once
  and kept while their files stay the same; the vault's account of the time schemas take.
- documents.py: reading a schema file safely (inside the vault, size, aliases, depth).
- compile.py: one schema file into a validator: dialect, `$ref`s, patterns.
- validate.py: a note's frontmatter checked (`check_frontmatter`), and the configured schemas
  that cannot be used (`configuration_problems`).
- messages.py: jsonschema's errors in the user's words, at the right ranges.
- describe.py: what the schemas say about each property, for completion and hover.
- budget.py: what a schema may cost, and the deadline; guarded.py: jsonschema's validator
  classes that keep the deadline; bounded_regex/: regular expressions in bounded time.
- obsidian_types.py: `.obsidian/types.json`, and YAML values as JSON.

A schema may come from a stranger: what it may cost in time and memory is bounded as budget.py
describes.
"""

from vaultls.vault.schema.describe import PropertyInfo, properties
from vaultls.vault.schema.messages import SchemaIssue
from vaultls.vault.schema.obsidian_types import TYPES_FILE, is_date, is_datetime, read_types, to_json
from vaultls.vault.schema.store import SchemaStore
from vaultls.vault.schema.validate import SCHEMA_KEY, ConfigProblem, check_frontmatter, configuration_problems

__all__ = (
    "SCHEMA_KEY",
    "TYPES_FILE",
    "ConfigProblem",
    "PropertyInfo",
    "SchemaIssue",
    "SchemaStore",
    "check_frontmatter",
    "configuration_problems",
    "is_date",
    "is_datetime",
    "properties",
    "read_types",
    "to_json",
)
