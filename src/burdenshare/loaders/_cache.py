"""Per-process cache of validated tables, keyed by file identity (path, size, mtime, inode).

The inode is part of the key because imports replace files by renaming a new file into place: a
replaced file is a new inode even when its size and timestamp happen to match the old one.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from ..validation import TableSpec, read_table


@lru_cache(maxsize=64)
def _cached(path: str, size: int, mtime_ns: int, inode: int, spec: TableSpec) -> pd.DataFrame:
    return read_table(path, spec)


def read_cached(path: Path | str, spec: TableSpec) -> pd.DataFrame:
    """Validated table from ``path``; later calls for an unchanged file reuse the parsed frame.

    Returns a copy, so callers may modify it freely.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return read_table(path, spec)  # raises a DataError naming the file
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    return _cached(*key, spec).copy()


def warm_cache() -> int:
    """Parse and validate every bundled table once, so later loads in this process (and in
    processes forked from it, such as the report runner's kernels) start from memory.

    Returns the number of tables read. Files whose schema has no TableSpec are skipped.
    """
    from ..manifest import entries
    from ..paths import bundled_data_dir
    from ..schemas import SPECS

    folder = bundled_data_dir()
    count = 0
    for name, entry in entries().items():
        spec = SPECS.get(entry.get("schema", ""))
        if spec is not None:
            read_cached(folder / name, spec)
            count += 1
    return count
