"""Storage: the vault's files and the index cache, and the loading of a whole vault from them.

- walk.py: which files a vault has (hidden folders, excludes, symbolic links kept inside);
- read.py: reading one note (regular files only, size-capped, decoded) and parsing many;
- cache.py: the persistent index cache of parsed notes (one SQLite file a vault);
- encoding.py: how the cache holds one note, and the check's view of that;
- loader.py: a whole vault loaded from the walk, the cache and parse workers;
- workers.py: the isolated worker processes that parse a cold vault.

Storage depends on the model (parse, index, check's note view), never the other way: nothing
in `vaultls.vault` outside this package imports it but the runners that drive it (the
indexer, the whole-vault check).
"""
