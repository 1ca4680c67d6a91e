"""The schemas of one vault, compiled once and kept while their files stay the same.

A schema file is read, checked and compiled into a validator (compile.py) the first time a note
needs it, and kept until one of the files it was built from changes: their modification times
are compared at most every `RECHECK_SECONDS` (`refresh`), or everything is dropped at once by
`invalidate`, which the server calls on a watched-file event. `.obsidian/types.json` is kept
the same way, and so are the template folders Obsidian's settings name (vault/templates.py). A
vault with no schema settings and no `.obsidian/types.json` costs nothing here.

The store also keeps the vault's account of the time schemas take, which decides when a slow
schema (or every schema) is not run any more (budget.py says how).

One store belongs to one `Vault` (`Vault.schemas`), made with it: the store lives and dies
with the vault whose schemas it holds. The server's threads use it at once, so what it keeps
is guarded by a lock.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vaultls.vault.contained import is_inside
from vaultls.vault.schema import budget, messages
from vaultls.vault.schema.compile import Broken, Compiled, compile_schema
from vaultls.vault.schema.documents import SchemaFileError, load_document
from vaultls.vault.schema.obsidian_types import TYPES_FILE, TypesFile, read_types
from vaultls.vault.templates import CONFIG_FILES, TemplateFolders, read_template_folders

if TYPE_CHECKING:  # pragma: no cover
    from vaultls.vault.settings import Settings

log = logging.getLogger(__name__)

RECHECK_SECONDS = 0.5  # how stale a schema may be, at most, when no file event says it changed


@dataclass(frozen=True)
class Applied:
    """A schema that applies to a note, and why (the setting or property that names it)."""

    path: str  # vault-relative (or absolute, when configured so), as written
    origin: str  # "frontmatter.schema", 'frontmatter.rules[2], glob "People/**"', "$schema"


def rule_origin(number: int, patterns: tuple[str, ...]) -> str:
    """The `Applied.origin` of the `number`th `[[frontmatter.rules]]`."""
    return f"frontmatter.rules[{number}], glob {messages.quote(', '.join(patterns))}"


class SchemaStore:
    """Compiled schemas and `.obsidian/types.json` of one vault root, cached by the files'
    modification times. Safe to use from the server's threads.

    It also keeps account of the time schemas take (budget.py): a schema that timed out on
    `slow_strikes` notes, or spent `slow_strikes` x `note_budget` seconds beyond what checking
    a note should cost, is not run again; after `max_timeouts` timeouts, or `max_excess` such
    seconds in all (loading included), no schema is; until a schema file changes
    (`invalidate`). The budgets default to budget.py's, as they are when the store is made."""

    def __init__(
        self,
        root: Path,
        *,
        note_budget: float | None = None,
        compile_budget: float | None = None,
        slow_strikes: int | None = None,
        max_timeouts: int | None = None,
    ) -> None:
        self.root = root
        self.note_budget = budget.NOTE_BUDGET if note_budget is None else note_budget
        self.compile_budget = budget.COMPILE_BUDGET if compile_budget is None else compile_budget
        self.slow_strikes = budget.SLOW_STRIKES if slow_strikes is None else slow_strikes
        self.max_timeouts = budget.MAX_TIMEOUTS if max_timeouts is None else max_timeouts
        self.max_excess = budget.MAX_EXCESS_SECONDS
        self._timeouts: dict[Path, int] = {}  # schema file → notes it timed out on
        self._timeouts_total = 0  # in this vault, loading or checking
        self._excess: dict[Path, tuple[float, int]] = {}  # schema file → (seconds beyond the free ones, notes)
        self._excess_total = 0.0
        self._lock = threading.RLock()
        self._schemas: dict[Path, Compiled | Broken] = {}
        self._documents: dict[Path, Any] = {}  # every schema file read, by absolute path
        self._stamps: dict[Path, tuple[int, int, int] | None] = {}  # file → (mtime, size, inode)
        self._types: TypesFile | None = None
        self._types_loaded = False
        self._templates: TemplateFolders | None = None
        self._checked_at = 0.0

    # ------------------------------------------------------------------ freshness

    def invalidate(self) -> None:
        """Forget every schema, document and `.obsidian/types.json` read, and the time
        accounts: a schema file changed, and whatever was built from it may be wrong."""
        with self._lock:
            self._schemas.clear()
            self._documents.clear()
            self._stamps.clear()
            self._types, self._types_loaded = None, False
            self._templates = None
            self._timeouts.clear()
            self._timeouts_total = 0
            self._excess.clear()
            self._excess_total = 0.0

    # ------------------------------------------------------------------ time budgets

    def exhausted(self) -> str | None:
        """Why no schema is run any more, if schemas took too long too often."""
        if self._timeouts_total >= self.max_timeouts:
            return f"schemas of this vault ran past their time budget {self._timeouts_total} times already"
        if self._excess_total >= self.max_excess:
            took = messages.seconds(round(self._excess_total, 1))
            return f"schemas of this vault took {took} longer than they should already"
        return None

    def slow(self, file: Path) -> str | None:
        """Why the schema `file` is not run any more, if it took too long on too many notes."""
        timeouts = self._timeouts.get(file, 0)
        if timeouts >= self.slow_strikes:
            return f"took longer than {messages.seconds(self.note_budget)} on {timeouts} notes"
        excess, notes = self._excess.get(file, (0.0, 0))
        if excess >= self.slow_strikes * self.note_budget:
            return f"took {messages.seconds(round(excess, 1))} longer than it should on {notes} notes"
        return None

    def timed_out(self, file: Path | None) -> None:
        """Count a schema that ran past its budget (checking a note, or loading: None)."""
        with self._lock:
            self._timeouts_total += 1
            if file is not None:
                self._timeouts[file] = self._timeouts.get(file, 0) + 1

    def spent(self, file: Path | None, seconds: float, free: float) -> None:
        """Account for `seconds` spent loading a schema (None) or checking a note with it,
        of which `free` are what that should cost at most; only the rest counts."""
        over = seconds - free
        if over <= 0:
            return
        with self._lock:
            self._excess_total += over
            if file is not None:
                excess, notes = self._excess.get(file, (0.0, 0))
                self._excess[file] = (excess + over, notes + 1)

    def refresh(self, force: bool = False) -> None:
        """Forget everything built from a file that changed since it was read."""
        now = time.monotonic()
        if not force and now - self._checked_at < RECHECK_SECONDS:
            return
        self._checked_at = now
        with self._lock:
            if any(_stamp(file) != stamp for file, stamp in self._stamps.items()):
                self.invalidate()

    def watches(self, file: Path, settings: Settings) -> bool:
        """Whether a change to `file` can change what this store says: a schema file read or
        configured by `settings`, a file one `$ref`s, `.obsidian/types.json`, or a file naming
        the template folders."""
        with self._lock:
            if file in self._stamps or file == self.root / TYPES_FILE:
                return True
            if any(file == self.root / name for name, _, _ in CONFIG_FILES):
                return True
        return any(path == file for _, path in self.configured(settings))

    def _remember(self, file: Path) -> None:
        self._stamps[file] = _stamp(file)

    # ------------------------------------------------------------------ types.json

    def types(self) -> TypesFile | None:
        """`.obsidian/types.json`, read once; None when there is none."""
        with self._lock:
            if not self._types_loaded:
                file = self.root / TYPES_FILE
                self._remember(file)
                self._types = read_types(self.root)
                self._types_loaded = True
            return self._types

    def templates(self) -> TemplateFolders:
        """The vault's template folders (vault/templates.py), read once."""
        with self._lock:
            if self._templates is None:
                for name, _, _ in CONFIG_FILES:
                    self._remember(self.root / name)
                self._templates = read_template_folders(self.root)
            return self._templates

    # ------------------------------------------------------------------ schemas

    def resolve_path(self, written: str, note_folder: str | None = None) -> Path:
        """The file a schema path names: absolute, else relative to the note's folder (for a
        `$schema:` property) when such a file exists, else relative to the vault root."""
        path = Path(written)
        if path.is_absolute():
            return path
        if note_folder is not None and not written.startswith("/"):
            near = self.root.joinpath(*note_folder.split("/"), written) if note_folder else self.root / written
            if near.exists():
                return Path(os.path.normpath(near))
        return Path(os.path.normpath(self.root / written.lstrip("/")))

    def schema(self, file: Path, written: str) -> Compiled | Broken:
        """The schema in `file` (`written` as the setting or note wrote it), compiled the first
        time, within `compile_budget`; a `Broken` when it cannot be used."""
        with self._lock:
            found = self._schemas.get(file)
            if found is None and not is_inside(self.root, file):
                # A cloned vault's settings or a note's `$schema:` must not make vaultls read
                # (and reveal in messages) a file elsewhere on the machine.
                found = Broken(written, "it is outside the vault, and vaultls reads no file outside it")
                self._schemas[file] = found
            exhausted = self.exhausted() if found is None else None
            if exhausted is not None:
                found = Broken(written, f"not loaded: {exhausted}")
                self._schemas[file] = found
            if found is None:
                started = time.monotonic()
                try:
                    with budget.within(self.compile_budget):
                        found = compile_schema(self.root, file, written, self._document)
                    self.spent(None, time.monotonic() - started, budget.FREE_LOAD_SECONDS)
                except budget.TimedOut:
                    self.timed_out(None)
                    took = messages.seconds(self.compile_budget)
                    found = Broken(written, f"loading and checking it took longer than {took}")
                except RecursionError:
                    found = Broken(written, "it is nested too deeply, or its $refs lead back to themselves without end")
                except Exception as exc:  # noqa: BLE001 - a schema must never take vaultls down
                    log.warning("compiling schema %s failed", file, exc_info=True)
                    found = Broken(written, f"it could not be loaded ({exc!r})")
                self._schemas[file] = found
            return found

    def _document(self, file: Path) -> Any:
        """The document in a schema file, read once (a schema and the files it `$ref`s often
        share files); its stamp is remembered, so that a change to it is noticed."""
        if file not in self._documents:
            self._remember(file)
            try:
                self._documents[file] = load_document(self.root, file)
            except SchemaFileError as exc:
                self._documents[file] = exc
        found = self._documents[file]
        if isinstance(found, SchemaFileError):
            raise found
        return found

    def configured(self, settings: Settings) -> list[tuple[Applied, Path]]:
        """The schemas the settings name (`frontmatter.schema`, then each rule's), with their
        files."""
        out = []
        if settings.frontmatter_schema:
            out.append(
                (
                    Applied(settings.frontmatter_schema, "frontmatter.schema"),
                    self.resolve_path(settings.frontmatter_schema),
                )
            )
        for number, (globs, written) in enumerate(settings.frontmatter_rules, 1):
            out.append((Applied(written, rule_origin(number, globs.patterns)), self.resolve_path(written)))
        return out


def _stamp(file: Path) -> tuple[int, int, int] | None:
    try:
        st = file.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)
