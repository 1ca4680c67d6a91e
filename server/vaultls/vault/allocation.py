"""The garbage collector paused while a vault's worth of objects is made, and those objects
frozen out of it afterwards (`bulk_allocation`).

This changes the whole process (`gc.disable`, `gc.freeze`), so the model never does it on its
own: the program that loads vaults decides. The `vaultls check` command wraps its checks in
it; the language server hands it to its `Indexer`, which wraps each pass of its first scan.
Code that only uses the model (tests, a script) gets the collector as Python has it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def bulk_allocation() -> Iterator[None]:
    """No cyclic garbage collection while a vault's worth of objects is made, then every
    object alive frozen out of it (`gc.freeze`).

    Loading builds millions of small objects that all stay alive; each few hundred of them
    triggered a collection that walked the young ones, and the occasional full collection
    walked them all, which more than doubled the time of a load. Afterwards, a full
    collection over a 10,000-note index took about a second: frozen, the index is never
    walked again, so no later request pays for it at random. The model holds no reference
    cycles, so nothing frozen is leaked (acyclic garbage is freed by reference counting as
    always). Garbage already waiting for the collector is collected first, so that none of it
    is frozen (cheap: before the first load the heap is the program's modules; later, what was
    frozen is not walked again). Nested uses are fine: only the outermost one re-enables the
    collector."""
    was_enabled = gc.isenabled()
    if was_enabled:
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
