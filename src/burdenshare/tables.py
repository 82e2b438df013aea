"""Reading validated tables: a per-process cache, and a record of every file a process read.

Every loader reads through here. A file is parsed and validated once per process (the cache key is
its identity: path, size, mtime and inode; imports replace files by renaming, so a replaced file is
a new inode even when its size and timestamp match), and each *load* is recorded with the sha256 of
the bytes that were parsed (:func:`loaded`), so a report can say exactly which data it used.

A bundled or imported edition is used only if its bytes have the sha256 its manifest records: the
bytes are hashed anyway for the record, so the check costs one comparison on first read. A changed
file raises a :class:`~burdenshare.DataError` naming the file, both hashes and what to do.

A bundled file whose bytes match is parsed and typed but not checked again against its schema's
rules: those bytes are the ones the package's tests check against the same schemas
(``tests/test_schemas.py`` reads every bundled table with every rule), so the check could find
nothing and cost half of each parse. Imported editions (checked against the schema of the
version that imported them) and user files are always checked in full.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from .editions import Edition, resolve
from .errors import DataError
from .manifest import BUNDLED_REMEDY, MANIFEST_NAME, check_sha256, entries
from .paths import bundled_data_dir, file_identity, read_data_file
from .schemas import SPECS, TableSpec
from .validation import read_table


@dataclass(frozen=True)
class Read:
    """One load of a data file: which dataset and edition, from where, and the bytes' sha256.

    ``origin`` is "bundled", "imported" or "user" (a file passed as ``path=``); ``path`` is
    relative to its data folder for bundled and imported files, as given for user files.
    """

    dataset: str
    label: str
    origin: str
    path: str
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_READS: list[Read] = []


def loaded() -> list[Read]:
    """The loads of this process since the last :func:`reset_loaded`, each file once, in order."""
    return list(dict.fromkeys(_READS))


def reset_loaded() -> None:
    """Forget the loads recorded so far (a forked report kernel starts with none)."""
    _READS.clear()


@lru_cache(maxsize=64)
def _parsed(
    path: str,
    resolved: str,
    inode: int,
    size: int,
    mtime_ns: int,
    spec: TableSpec,
    expected: str | None,
    remedy: str,
    bundled: bool,
) -> tuple[pd.DataFrame, str]:
    raw = read_data_file(path)
    if expected is None:
        digest = hashlib.sha256(raw).hexdigest()
    else:  # hashed before parsing: a changed file is never parsed, let alone used
        digest = check_sha256(Path(path), raw, expected, remedy)
    # a bundled file's bytes matched: the tests checked these bytes against the rules
    rules = not (bundled and expected is not None)
    return read_table(path, spec, raw=raw, rules=rules), digest


def _key(
    path: Path, spec: TableSpec, expected: str | None, remedy: str, bundled: bool
) -> tuple[Any, ...] | None:
    """The arguments of :func:`_parsed` for a file as it is now (None: missing or irregular)."""
    identity = file_identity(path)
    if identity is None:
        return None
    return (str(path), str(path.resolve()), *identity, spec, expected, remedy, bundled)


def _read(
    path: Path,
    spec: TableSpec,
    expected: str | None = None,
    remedy: str = "",
    bundled: bool = False,
) -> tuple[pd.DataFrame, str]:
    key = _key(path, spec, expected, remedy, bundled)
    if key is None:  # missing, a folder, a device or unreadable
        read_data_file(path)  # raises a DataError naming the file and why
        raise DataError(f"{path}: changed while it was being read; try again.")
    return _parsed(*key)


def _read_installed(edition: Edition, spec: TableSpec) -> tuple[pd.DataFrame, str]:
    """An installed edition's table, its file checked against the sha256 of its manifest."""
    if not edition.path.is_file():
        raise DataError(
            f"{edition.path}: the {edition.origin} file of {edition.dataset} {edition.label}"
            f" (listed in {edition.folder / MANIFEST_NAME}) is missing. {edition.remedy()}"
        )
    bundled = edition.origin == "bundled"
    remedy = BUNDLED_REMEDY if bundled else edition.remedy()
    return _read(edition.path, spec, edition.sha256 or None, remedy, bundled)


def _record(edition: Edition, digest: str) -> None:
    relative = edition.path.name
    _READS.append(Read(edition.dataset, edition.label, edition.origin, relative, digest))


def read_edition(edition: Edition, spec: TableSpec) -> pd.DataFrame:
    """The validated table of an installed edition (a copy the caller may modify); recorded."""
    frame, digest = _read_installed(edition, spec)
    _record(edition, digest)
    return frame.copy()


#: Results of :func:`read_derived` by (sha256 of the bytes, spec, function, arguments), newest last.
_DERIVED: OrderedDict[tuple[Hashable, ...], pd.DataFrame] = OrderedDict()
_DERIVED_MAX = 64
_DERIVED_LOCK = threading.Lock()  # threads of one process (e.g. a Dask worker) share the cache


def read_derived(
    edition: Edition,
    spec: TableSpec,
    derive: Callable[..., pd.DataFrame],
    *args: Hashable,
    record: bool = True,
) -> pd.DataFrame:
    """``derive(table, *args)`` of an installed edition's validated table (a copy the caller may
    modify), computed once per content of the file: the cache key is the sha256 of the bytes
    parsed, so a replaced file gets a new result. ``derive`` must be a pure function of its
    arguments that leaves the table unchanged. The read is recorded as :func:`read_edition`
    records it (unless ``record`` is False, for warming a cache)."""
    frame, digest = _read_installed(edition, spec)
    if record:
        _record(edition, digest)
    key = (digest, spec, derive, args)
    with _DERIVED_LOCK:
        result = _DERIVED.get(key)
        if result is not None:
            _DERIVED.move_to_end(key)
    if result is None:
        result = derive(frame.copy(), *args)
        with _DERIVED_LOCK:
            _DERIVED[key] = result
            while len(_DERIVED) > _DERIVED_MAX:
                _DERIVED.popitem(last=False)
    return result.copy()


def read_user_file(path: str | Path, spec: TableSpec) -> pd.DataFrame:
    """A user-supplied file validated against ``spec`` (a copy); recorded with origin "user"."""
    frame, digest = _read(Path(path), spec)
    labels = _labels(frame)
    _READS.append(Read(spec.name, labels, "user", str(path), digest))
    return frame.copy()


def _labels(frame: pd.DataFrame) -> str:
    for column in ("edition", "release"):
        if column in frame.columns:
            return ",".join(sorted(map(str, frame[column].dropna().unique())))
    return ""


def load_table(dataset: str, spec: TableSpec, path: str | Path | None) -> pd.DataFrame:
    """A user file (validated against ``spec``) or the newest installed edition of ``dataset``."""
    if path is not None:
        return read_user_file(path, spec)
    return read_edition(resolve(dataset, "latest")[0], spec)


def _bundled_tables() -> list[tuple[Path, TableSpec, str]]:
    """Every bundled file with a TableSpec: (path, spec, the sha256 its manifest records)."""
    folder = bundled_data_dir()
    found = []
    for name, entry in entries().items():
        spec = SPECS.get(entry.get("schema", ""))
        if spec is not None:
            found.append((folder / name, spec, str(entry["sha256"])))
    return found


def warming() -> Iterator[str]:
    """:func:`warm_cache` one table at a time, for a process with other work between tables
    (the report runner's warm process warms them while no kernel is asked for): checks, parses
    and types the next bundled table (see the module doc), then yields its file name."""
    for path, spec, sha256 in _bundled_tables():
        _read(path, spec, sha256, BUNDLED_REMEDY, bundled=True)
        yield path.name


def warm_cache() -> int:
    """Check and parse every bundled table once, so later loads in this process (and in
    processes forked from it, such as the report runner's kernels) start from memory.

    Nothing is recorded as loaded. Returns the number of tables read; files whose schema has no
    TableSpec are skipped.
    """
    return sum(1 for _ in warming())
