"""Schemas from a stranger cannot hang vaultls or exhaust its memory (vault/schema/budget.py,
vault/schema/bounded_regex/): backtracking patterns, billion-laughs YAML, deep nesting, exponential
`anyOf`, `$ref`s that lead back to themselves, quadratic `uniqueItems`; a schema past its time
budget is one clear problem and the note's other checks still happen.

Each test runs under `bounded(seconds)`, a SIGALRM that fails it instead of letting it hang."""

from __future__ import annotations

import contextlib
import json
import random
import re
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write_vault
from vaultls.vault import schema
from vaultls.vault.check import check_note, check_vault
from vaultls.vault.schema import bounded_regex, documents
from vaultls.vault.schema import budget as schema_budget
from vaultls.vault.settings import build_settings
from vaultls.vault.store.loader import load_vault

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="needs SIGALRM to bound the tests")

EVIL = "^(a+)+$"
EVIL_TEXT = "a" * 40 + "b"


class TookTooLong(Exception):
    pass


@contextlib.contextmanager
def bounded(seconds: int):
    """Fail (rather than hang) when the block runs longer than `seconds`."""

    def expire(signum, frame):
        raise TookTooLong(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def vault(root: Path, files: dict[str, str]):
    write_vault(root, files)
    settings, errors = build_settings(root)
    assert errors == []
    loaded, _ = load_vault(root, settings)
    return loaded


def problems(root: Path, files: dict[str, str]) -> list[tuple[str, str]]:
    """(path, message) of every frontmatter-schema problem of the vault, sorted."""
    found = check_vault(vault(root, files))
    return sorted((p.path, p.message) for p in found if p.code == "frontmatter-schema")


DRAFT = "https://json-schema.org/draft/2020-12/schema"


def nested_any_of(levels: int, dialect: bool = False) -> dict:
    """`levels` of `anyOf: [{$ref: level below}, {allOf: [{$ref: level below}, ...]}]` that all
    fail on a string: jsonschema tries 2**levels paths. `dialect`: every level names its
    `$schema` (which makes jsonschema pick its own validator class for it)."""
    defs: dict = {"l0": {"type": "integer"}}
    for i in range(1, levels + 1):
        below = {"$ref": f"#/$defs/l{i - 1}"}
        defs[f"l{i}"] = {"anyOf": [below, {"allOf": [below, {"minimum": 5}]}]}
        if dialect:
            defs[f"l{i}"]["$schema"] = DRAFT
    return {
        "$defs": defs,
        "properties": {"x": {"$ref": f"#/$defs/l{levels}"}},
        **({"$schema": DRAFT} if dialect else {}),
    }


def billion_laughs() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        name, below = chr(97 + i), chr(96 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{below}"] * 9) + "]")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- bounded_regex


PATTERNS = [
    r"^(a+)+$",
    r"a|b",
    r"^$",
    r"$",
    r"^",
    r"\b",
    r"\Bb",
    r"(?i)HeLLo",
    r"[^a-c]+x",
    r"a{2,3}b",
    r"a{2,}?b",
    r"(a|ab)(c|bcd)(d*)",
    r"^\d{4}-\d{2}-\d{2}$",
    r"(?m)^b$",
    r"(?s)a.b",
    r"a.b",
    r"(?=a)ab",
    r"(?!a)\w",
    r"(?<=a)b",
    r"(?<!a)b",
    r"(\w)\1",
    r"(?i)(\w)\1",
    r"(a)?(?(1)b|c)",
    r"^[a-z0-9-]+$",
    r"[\w.-]+@[\w-]+\.\w+",
    r"(?:a|b)*?c",
    r"x*",
    r"(a*)*b",
    r"(a|aa)+$",
    r"^(?:(?:a|b)c)+$",
    r"\Aab\Z",
    r"ab$",
    r"(?a)\w+",
    r"[\d\s]+",
    r"[^\W\d]",
    r"(?i)[a-f]",
    r"(?i)[^a-f]",
    "é",
    "(?i)É",
    r"[\U0001F600-\U0001F64F]",
    r"(?x) a b # comment",
    r"(?:)",
    r"()",
    r"(|a)+b",
    r"a{0}",
    r"(?:ab){2,4}",
    r"\.",
    r"[-a]",
    r"\\",
    r"a\nb",
    r"\S+\s\S+",
    r"^https?://",
    r"(ab|a)c",
    r"^(?P<y>\d+)-(?P=y)$",
    r"((a)|b)+(?(2)c|d)",
    r"(?<=\d{3})x",
    r"^\s*$",
    r"\Z",
    r"\n$",
    r"(?m)$",
    r"(?m)a$",
    "ß",
    "(?i)ß",
    "(?i)ſ",
    "(?i)k",
    r"\bfoo\b",
    r"^(?!.*--)[a-z-]+$",
]
if sys.version_info >= (3, 11):
    PATTERNS += [r"a++b", r"(?>a+)b", r"(?>a|ab)c", r"a*+a", r"(?>(a|ab))+c"]


def test_bounded_regex_finds_what_re_finds():
    rng = random.Random(7)
    alphabet = "abcdxy0123 \n-_.éÉßſKk@"
    with bounded(60):
        for pattern in PATTERNS:
            compiled = re.compile(pattern)
            for _ in range(200):
                text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
                expected = compiled.search(text) is not None
                assert bounded_regex.search(pattern, text, time.monotonic() + 5) is expected, (pattern, text)


def test_catastrophic_patterns_are_answered_at_once():
    """What `re` needs days (or minutes) for takes milliseconds: no state is explored twice."""
    cases = [
        (r"^(a+)+$", "a" * 40 + "b", False),
        (r"^(a|aa)+$", "a" * 60 + "b", False),
        (r"^(\w+\s?)*$", "word " * 30 + "!", False),
        (r"[a-z]*X", "a" * 100_000, False),  # quadratic in `re`
        (r"^(a+)+$", "a" * 10_000, True),
    ]
    with bounded(10):
        for pattern, text, expected in cases:
            started = time.monotonic()
            assert bounded_regex.search(pattern, text, time.monotonic() + 5) is expected
            assert time.monotonic() - started < 2, pattern


def test_a_search_stops_at_its_deadline():
    """Back-references make the captured text part of the state: such a search may be slow,
    and the deadline stops it."""
    with bounded(10):
        started = time.monotonic()
        with pytest.raises(bounded_regex.Timeout):
            bounded_regex.search(r"(\w+)\1x", "ab" * 5000, time.monotonic() + 0.1)
        assert time.monotonic() - started < 2


def test_invalid_and_huge_expressions_are_refused():
    with pytest.raises(re.error):
        bounded_regex.compile_pattern("(unclosed", time.monotonic() + 1)
    with pytest.raises(re.error, match="too large"):
        bounded_regex.compile_pattern("(?:a{1000}){1000}", time.monotonic() + 1)
    assert not bounded_regex.is_valid("(unclosed")
    assert not bounded_regex.is_valid(r"(?<=a+)b")
    assert bounded_regex.is_valid(r"^[a-z]+$")


# --------------------------------------------------------------------------- patterns in schemas


def test_a_backtracking_pattern_is_checked_at_once(tmp_path):
    files = {
        "s.json": json.dumps({"properties": {"code": {"type": "string", "pattern": EVIL}}}),
        "bad.md": f"---\n$schema: s.json\ncode: {EVIL_TEXT}\n---\n",
        "good.md": "---\n$schema: s.json\ncode: aaaa\n---\n",
    }
    with bounded(20):
        started = time.monotonic()
        found = problems(tmp_path, files)
        assert time.monotonic() - started < 5
    assert found == [("bad.md", f'"code" must match the pattern {EVIL}')]


def test_backtracking_patterns_on_property_names(tmp_path):
    """`patternProperties`, `additionalProperties` next to it, `unevaluatedProperties` and
    `propertyNames` match schema patterns against property names."""
    key = EVIL_TEXT
    files = {
        "pp.json": json.dumps({"patternProperties": {EVIL: {"type": "integer"}}}),
        "ap.json": json.dumps({"patternProperties": {EVIL: {}}, "additionalProperties": False}),
        "up.json": json.dumps({"allOf": [{"patternProperties": {EVIL: {}}}], "unevaluatedProperties": False}),
        "pn.json": json.dumps({"propertyNames": {"pattern": EVIL}}),
        "pp.md": f"---\n$schema: pp.json\n{key}: text\naaa: text\n---\n",
        "ap.md": f"---\n$schema: ap.json\n{key}: 1\naaa: 1\n---\n",
        "up.md": f"---\n$schema: up.json\n{key}: 1\naaa: 1\n---\n",
        "pn.md": f"---\n$schema: pn.json\n{key}: 1\n---\n",
    }
    with bounded(20):
        started = time.monotonic()
        found = problems(tmp_path, files)
        assert time.monotonic() - started < 5
    assert found == [
        ("ap.md", f'"{key}" is not an allowed property'),
        ("pn.md", f"frontmatter must match the pattern {EVIL}"),
        ("pp.md", '"aaa" must be a whole number'),
        ("up.md", f'"{key}" is not an allowed property'),
    ]


def test_unique_items_is_not_quadratic(tmp_path):
    """jsonschema compares every pair of items that cannot be sorted: 8,000 mappings would be
    32 million comparisons."""
    items = "".join(f"  - {{n: {i}}}\n" for i in range(8_000))
    files = {
        "s.json": json.dumps({"properties": {"list": {"type": "array", "uniqueItems": True}}}),
        "unique.md": f"---\n$schema: s.json\nlist:\n{items}---\n",
        "twice.md": f"---\n$schema: s.json\nlist:\n{items}  - {{n: 7}}\n---\n",
        "numbers.md": "---\n$schema: s.json\nlist: [1, 1.0]\n---\n",
        "booleans.md": "---\n$schema: s.json\nlist: [1, true, 0, false, {a: [1]}, {a: [true]}]\n---\n",
    }
    v = vault(tmp_path, files)  # parsing the notes is not what is measured
    with bounded(60):
        started = time.monotonic()
        found = sorted((p.path, p.message) for p in check_vault(v) if p.code == "frontmatter-schema")
        assert time.monotonic() - started < 5
    assert [path for path, _ in found] == ["numbers.md", "twice.md"]
    assert all("must not list the same item twice" in message for _, message in found)


# --------------------------------------------------------------------------- documents


def test_a_billion_laughs_schema_is_refused_at_once(tmp_path):
    files = {"laughs.yaml": billion_laughs(), "n.md": "---\n$schema: laughs.yaml\n---\n"}
    with bounded(10):
        found = problems(tmp_path, files)
    assert found == [
        (
            "n.md",
            'schema "laughs.yaml" named by $schema cannot be used: '
            f"aliases expand to more than {schema_budget.MAX_SCHEMA_VALUES:,} values",
        )
    ]


def test_a_self_containing_alias_is_refused(tmp_path):
    with pytest.raises(documents.Unusable, match="contains it"):
        documents.check_yaml("a: &a [1, *a]\n", documents.YAML_LOADER)


def test_aliases_within_the_limits_still_load(tmp_path):
    files = {
        "s.yaml": "$defs:\n  name: &name {type: string, minLength: 1}\nproperties:\n  a: *name\n  b: *name\n",
        "n.md": "---\n$schema: s.yaml\na: ''\nb: x\n---\n",
    }
    assert problems(tmp_path, files) == [("n.md", '"a" is empty')]


@pytest.mark.parametrize(
    "name,text",
    [
        ("deep.json", "[" * 200_000 + "]" * 200_000),
        ("deep2.json", json.dumps(json.loads("[" * 150 + "]" * 150))),
        ("deep.yaml", "".join(" " * i + "a:\n" for i in range(150))),
        ("deep2.yaml", "x: " + "[" * 150 + "]" * 150 + "\n"),
    ],
)
def test_a_deeply_nested_schema_is_refused(tmp_path, name, text):
    files = {name: text, "n.md": f"---\n$schema: {name}\n---\n"}
    with bounded(10):
        found = problems(tmp_path, files)
    assert found == [
        (
            "n.md",
            f'schema "{name}" named by $schema cannot be used: '
            f"it is nested more than {schema_budget.MAX_SCHEMA_DEPTH} levels deep",
        )
    ]


def test_a_schema_with_too_many_values_is_refused(tmp_path):
    files = {"big.json": json.dumps({"enum": list(range(150_000))}), "n.md": "---\n$schema: big.json\n---\n"}
    with bounded(20):
        found = problems(tmp_path, files)
    assert found == [
        (
            "n.md",
            'schema "big.json" named by $schema cannot be used: '
            f"it has more than {schema_budget.MAX_SCHEMA_VALUES:,} values",
        )
    ]


# --------------------------------------------------------------------------- $ref


@pytest.mark.parametrize(
    "document,ref",
    [
        ({"$ref": "#"}, "#"),
        ({"properties": {"a": {"$ref": "#/properties/a"}}}, "#/properties/a"),
        (
            {
                "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}},
                "properties": {"x": {"$ref": "#/$defs/a"}},
            },
            None,
        ),
        ({"not": {"$ref": "#"}}, "#"),
    ],
)
def test_a_ref_that_leads_back_to_itself_is_refused(tmp_path, document, ref):
    files = {"s.json": json.dumps(document), "n.md": "---\n$schema: s.json\nx: 1\na: 1\n---\n"}
    with bounded(10):
        found = problems(tmp_path, files)
    [(path, message)] = found
    assert path == "n.md"
    assert message.startswith('schema "s.json" named by $schema cannot be used: $ref "')
    assert message.endswith('" leads back to itself without end')
    if ref is not None:
        assert f'$ref "{ref}"' in message


def test_a_ref_loop_reached_only_through_any_of_is_one_problem(tmp_path):
    files = {
        "s.json": json.dumps({"anyOf": [{"type": "null"}, {"$ref": "#"}]}),
        "n.md": "---\n$schema: s.json\nx: 1\n---\n",
    }
    with bounded(10):
        found = problems(tmp_path, files)
    assert found == [
        (
            "n.md",
            'schema "s.json" named by $schema cannot be used: checking this note with it '
            "recursed without end (its $refs lead back to themselves, or the note or the schema "
            "is nested too deeply)",
        )
    ]


def test_recursion_through_the_value_still_works(tmp_path):
    """A schema that refers to itself for a nested value is fine: each step goes one level
    deeper into the note's value."""
    files = {
        "s.json": json.dumps({"type": "object", "properties": {"child": {"$ref": "#"}, "n": {"type": "integer"}}}),
        "n.md": "---\n$schema: s.json\nchild: {child: {child: {n: x}}}\n---\n",
    }
    assert problems(tmp_path, files) == [("n.md", '"child.child.child.n" must be a whole number')]


# --------------------------------------------------------------------------- time budgets


@pytest.mark.parametrize("dialect", [False, True])
def test_exponential_any_of_gets_one_problem_and_the_rest_is_checked(tmp_path, dialect):
    files = {
        ".vaultls.toml": '[frontmatter]\nschema = "base.json"\n',
        "base.json": json.dumps({"properties": {"title": {"type": "string"}}}),
        "slow.json": json.dumps(nested_any_of(25, dialect)),
        "n.md": "---\ntitle: 3\n$schema: slow.json\nx: text\n---\n[[Nowhere]]\n",
    }
    v = vault(tmp_path, files)
    with bounded(20):
        started = time.monotonic()
        found = check_note(v, "n.md")
        took = time.monotonic() - started
    assert took < schema_budget.NOTE_BUDGET + 2
    messages = sorted((p.code, p.message) for p in found)
    assert messages == [
        ("dangling-link", 'no note named "Nowhere" in the vault'),
        ("frontmatter-schema", '"title" must be text'),
        (
            "frontmatter-schema",
            'schema "slow.json" named by $schema took longer than 0.5 s to check this note; not checked',
        ),
    ]
    [slow] = [p for p in found if "took longer" in p.message]
    assert int(slow.severity) == 1  # an error, whatever frontmatter.severity says


def test_a_slow_referenced_file_with_its_own_dialect_is_stopped_too(tmp_path):
    files = {
        "s.json": json.dumps({"$schema": DRAFT, "properties": {"x": {"$ref": "slow.json#/properties/x"}}}),
        "slow.json": json.dumps(nested_any_of(25, dialect=True)),
        "n.md": "---\n$schema: s.json\nx: text\n---\n",
    }
    with bounded(20):
        found = problems(tmp_path, files)
    assert found == [
        ("n.md", 'schema "s.json" named by $schema took longer than 0.5 s to check this note; not checked')
    ]


def test_a_schema_slow_on_several_notes_is_set_aside(tmp_path, monkeypatch):
    monkeypatch.setattr(schema_budget, "NOTE_BUDGET", 0.2)
    files = {"slow.json": json.dumps(nested_any_of(25))}
    files.update({f"n{i:03}.md": "---\n$schema: slow.json\nx: text\n---\n" for i in range(200)})
    with bounded(30):
        started = time.monotonic()
        found = problems(tmp_path, files)
        took = time.monotonic() - started
    assert took < 0.2 * schema_budget.SLOW_STRIKES + 5
    assert len(found) == 200  # one problem per note
    timed_out = 'schema "slow.json" named by $schema took longer than 0.2 s to check this note; not checked'
    set_aside = (
        f'schema "slow.json" named by $schema took longer than 0.2 s on {schema_budget.SLOW_STRIKES} '
        "notes; not checked any more"
    )
    assert [m for _, m in found[: schema_budget.SLOW_STRIKES]] == [timed_out] * schema_budget.SLOW_STRIKES
    assert {m for _, m in found[schema_budget.SLOW_STRIKES :]} == {set_aside}


def test_a_schema_just_under_the_budget_is_set_aside_too(tmp_path, monkeypatch):
    """A schema that takes a good part of the budget on every note (never all of it) would
    cost 10,000 notes that much each: the time beyond what a note should cost is counted."""
    monkeypatch.setattr(schema_budget, "NOTE_BUDGET", 2.0)
    monkeypatch.setattr(schema_budget, "SLOW_STRIKES", 1)
    files = {"slow.json": json.dumps(nested_any_of(10))}  # some 0.05 s a note
    files.update({f"n{i:03}.md": "---\n$schema: slow.json\nx: text\n---\n" for i in range(100)})
    with bounded(60):
        started = time.monotonic()
        found = problems(tmp_path, files)
        took = time.monotonic() - started
    assert len(found) == 100
    assert took < 2.0 + 10
    assert not any("to check this note" in m for _, m in found)
    checked = [m for _, m in found if "slow.json" not in m]
    set_aside = [m for _, m in found if "slow.json" in m]
    assert checked and set_aside
    assert all(m.startswith('schema "slow.json" named by $schema took ') for m in set_aside)
    assert all(m.endswith(" notes; not checked any more") and "longer than it should on" in m for m in set_aside)


def test_many_different_slow_schemas_cost_a_bounded_time(tmp_path, monkeypatch):
    """A vault whose every note names its own slow schema: after `MAX_TIMEOUTS` timeouts no
    schema is run or loaded any more, until a schema file changes."""
    monkeypatch.setattr(schema_budget, "NOTE_BUDGET", 0.1)
    files = {f"s{i:02}.json": json.dumps(nested_any_of(25 + i)) for i in range(30)}
    files.update({f"n{i:02}.md": f"---\n$schema: s{i:02}.json\nx: text\n---\n" for i in range(30)})
    with bounded(30):
        started = time.monotonic()
        found = problems(tmp_path, files)
        took = time.monotonic() - started
    assert took < 0.1 * schema_budget.MAX_TIMEOUTS + 5
    assert len(found) == 30
    limit = schema_budget.MAX_TIMEOUTS
    assert all("took longer than 0.1 s to check this note" in m for _, m in found[:limit])
    assert all(
        m.endswith(
            f"cannot be used: not loaded: schemas of this vault ran past their time budget {limit} times already"
        )
        for _, m in found[limit:]
    )
    # A schema file that changes starts the count again.
    assert "to check this note" in problems(tmp_path, {"s29.json": json.dumps(nested_any_of(24))})[0][1]


def test_loading_a_schema_has_its_own_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(schema_budget, "COMPILE_BUDGET", 0.2)
    big = {"allOf": [{"properties": {f"p{i}": {"type": "string"}}} for i in range(10_000)]}
    files = {"big.json": json.dumps(big), "n.md": "---\n$schema: big.json\n---\n"}
    with bounded(20):
        started = time.monotonic()
        found = problems(tmp_path, files)
        assert time.monotonic() - started < 5
    assert found == [
        ("n.md", 'schema "big.json" named by $schema cannot be used: loading and checking it took longer than 0.2 s')
    ]


def test_completion_reads_a_hostile_schema_within_the_budget(tmp_path, monkeypatch):
    """Completion and hover walk the schema's `anyOf`s and `$ref`s: a schema that reaches the
    same wide `anyOf` again and again through `$ref`s gives what was read within the budget."""
    monkeypatch.setattr(schema_budget, "NOTE_BUDGET", 0.2)
    defs = {f"l{i}": {"anyOf": [{"$ref": f"#/$defs/l{i + 1}"}] * 50, "properties": {f"p{i}": {}}} for i in range(12)}
    defs["l12"] = {"properties": {"deep": {"type": "string"}}}
    files = {"s.json": json.dumps({"$defs": defs, "$ref": "#/$defs/l0"}), "n.md": "---\n$schema: s.json\n---\n"}
    v = vault(tmp_path, files)
    with bounded(20):
        started = time.monotonic()
        infos = schema.properties(v, v.notes["n.md"])
        assert time.monotonic() - started < 3
    assert "p0" in infos


def test_valid_schemas_are_as_fast_as_before(tmp_path):
    """The budgets cost real schemas nothing that matters: 300 notes, patterns included."""
    document = {
        "type": "object",
        "required": ["slug"],
        "properties": {
            "slug": {"type": "string", "pattern": "^[a-z0-9-]+$"},
            "date": {"type": "string", "format": "date"},
            "tags": {"type": "array", "items": {"type": "string", "pattern": r"^\w+$"}, "uniqueItems": True},
        },
        "patternProperties": {"^x-": {"type": "string"}},
        "additionalProperties": False,
    }
    files = {".vaultls.toml": '[frontmatter]\nschema = "s.json"\n', "s.json": json.dumps(document)}
    for i in range(300):
        files[f"n{i:03}.md"] = f"---\nslug: note-{i}\ndate: 2024-01-{1 + i % 28:02}\ntags: [a, b{i}]\nx-y: z\n---\n"
    files["bad.md"] = "---\nslug: Not A Slug\ntags: [a, a]\nother: 1\n---\n"
    with bounded(30):
        started = time.monotonic()
        found = problems(tmp_path, files)
        assert time.monotonic() - started < 10
    assert found == [
        ("bad.md", '"other" is not an allowed property'),
        ("bad.md", '"slug" must match the pattern ^[a-z0-9-]+$'),
        ("bad.md", '"tags" must not list the same item twice'),
    ]
