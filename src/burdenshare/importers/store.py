"""The user data folder as a small database of imported editions and releases.

The folder is :func:`burdenshare.paths.user_data_dir_path` (``BURDENSHARE_DATA_HOME`` overrides
it), never the installed package. It holds:

- ``manifest.json``: one entry per stored table, in the format of ``data/manifest.json`` (dataset,
  schema, edition, title, sources with sha256, licence, notes, the table's sha256 and rows) plus
  where it came from (``kind``, ``source_file``, ``source_sha256``, ``imported``,
  ``import_command``). The loaders' registry (:mod:`burdenshare.editions`) reads it, so an
  imported label is served like a bundled one and takes precedence over a bundled one.
- ``tables/<table>_<label>.<sha12>.csv``: the tables. A file is written once under a name made of
  its content hash and never changed; a newer import writes a new file.
- ``.import.lock``: the lock every writer holds.

Every write follows one protocol, under an exclusive lock (:class:`filelock.FileLock`):

1. remove what interrupted imports left (temporary files, tables no entry lists);
2. read the manifest *now* and decide on it: nothing to do (the same source is stored), refuse (a
   different source for a stored label without ``replace``), or write;
3. write each new table complete and synced to disk before it gets its name (Linux:
   ``O_TMPFILE``, linked into place), so a table file is never seen half-written;
4. commit: write the new manifest to a temporary file and rename it over ``manifest.json``;
5. delete the table files the commit replaced.

A process killed at any point leaves the folder as it was before step 4 or as after it: the
manifest lists exactly the files present and their checksums (``burdenshare data verify
--imported`` passes), and the next import removes any leftover. Readers take no lock: they see
the old or the new manifest, never half of one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock, Timeout

from .._version import __version__
from ..editions import entry_command, import_command
from ..errors import DataError, ParameterError
from ..manifest import MANIFEST_NAME, entries
from ..paths import USER_DATA_ENV, bundled_data_dir, read_data_file, user_data_dir_path
from ..schemas import SPECS
from ..validation import read_table

#: Subfolder of the user data folder holding the tables.
TABLES = "tables"
#: The lock file every writer holds (it stays in place; the lock is on the open file).
LOCK_NAME = ".import.lock"
#: Seconds a writer waits for another import to finish before giving up.
LOCK_TIMEOUT = 120.0
#: Fields every manifest entry of the user folder must have.
REQUIRED_FIELDS = ("dataset", "edition", "sha256", "rows")
_TEMP = re.compile(r"^\..+\.tmp$")
#: Names the manifest may list: tables of this folder (top level: imports of burdenshare 0.1).
_ENTRY_NAME = re.compile(rf"(?:{TABLES}/)?[A-Za-z0-9_][A-Za-z0-9_.-]*\.csv")


# ------------------------------------------------------------------------------------------------
# What an importer hands to the store
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StagedTable:
    """One validated table of an import, ready to store: its dataset, file stem and CSV bytes."""

    dataset: str
    stem: str  # e.g. "nato_defexp_2026": the file is tables/<stem>.<sha12>.csv
    title: str
    data: bytes
    rows: int
    extra: dict[str, Any] = field(default_factory=dict)  # more manifest fields (e.g. data_through)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def name(self) -> str:
        return f"{TABLES}/{self.stem}.{self.sha256[:12]}.csv"


@dataclass(frozen=True)
class Release:
    """Everything one import stores: a label, its tables and where they came from."""

    kind: str  # "nato", "sipri", "kiel"
    label: str
    source: Path  # the file or folder the user gave
    source_sha256: str  # of the bytes parsed (for a set of files: of their names and sha256s)
    sources: list[dict[str, str]]  # {"file", "sha256", "what"} per file read
    tables: list[StagedTable]
    licence: str
    notes: list[str] = field(default_factory=list)


def staged_csv(
    frame: pd.DataFrame,
    dataset: str,
    stem: str,
    title: str,
    extra: dict[str, Any] | None = None,
    date_format: str | None = None,
) -> StagedTable:
    """A validated frame as the CSV bytes to store (UTF-8, ``\\n`` line ends, no index).

    The bytes are read back with the dataset's schema before anything is written, so what is
    stored is exactly what the loaders will accept.
    """
    text = frame.to_csv(index=False, lineterminator="\n", date_format=date_format)
    data = text.encode("utf-8")
    spec = SPECS[dataset]
    read_table(f"{stem}.csv (as it would be stored)", spec, raw=data)
    return StagedTable(dataset, stem, title, data, len(frame), dict(extra or {}))


@dataclass(frozen=True)
class StoredTable:
    """A table as stored: dataset, path and rows, and whether a bundled label is overridden."""

    dataset: str
    path: Path
    rows: int
    overrides_bundled: bool


@dataclass(frozen=True)
class ImportResult:
    """Outcome of an import: ``status`` is "imported", "replaced" or "unchanged".

    ``tables`` lists every table stored; ``dataset``, ``path``, ``rows`` and
    ``overrides_bundled`` describe the first (the only one for a NATO or SIPRI workbook).
    """

    kind: str
    label: str
    status: str
    tables: tuple[StoredTable, ...]

    @property
    def dataset(self) -> str:
        return self.tables[0].dataset

    @property
    def path(self) -> Path:
        return self.tables[0].path

    @property
    def rows(self) -> int:
        return self.tables[0].rows

    @property
    def overrides_bundled(self) -> bool:
        return any(t.overrides_bundled for t in self.tables)


# ------------------------------------------------------------------------------------------------
# The folder and its manifest
# ------------------------------------------------------------------------------------------------
def _named(folder: Path) -> str:
    """The folder, and the setting it came from when that was BURDENSHARE_DATA_HOME."""
    configured = os.environ.get(USER_DATA_ENV)
    if configured and Path(configured).expanduser().resolve() == folder:
        return f"{folder} ({USER_DATA_ENV})"
    return str(folder)


def user_folder(folder: str | Path | None = None) -> Path:
    """The user data folder to write to (default: :func:`user_data_dir_path`), checked.

    Raises :class:`ParameterError` for a folder inside the package or its bundled data and
    :class:`DataError` for a path that is a file (or lies below one).
    """
    path = Path(folder) if folder is not None else user_data_dir_path()
    path = path.expanduser().resolve()
    package = Path(__file__).resolve().parents[1]
    for forbidden in (package, bundled_data_dir().resolve()):
        if path == forbidden or forbidden in path.parents:
            raise ParameterError(
                f"{path} is inside the burdenshare package or its bundled data; imported"
                f" editions go to a user data folder. Set {USER_DATA_ENV} to another folder."
            )
    for part in (path, *path.parents):
        if part.exists() and not part.is_dir():
            raise DataError(
                f"{_named(path)}: {part} is a file, not a folder, so imports cannot be stored"
                f" there. Set {USER_DATA_ENV} to a folder (it is created if missing), or unset it"
                f" to use {user_data_dir_default()}."
            )
    return path


def user_data_dir_default() -> str:
    """The platform's user data folder for burdenshare (used when the variable is unset)."""
    from platformdirs import user_data_dir  # lazy: only for this message

    return user_data_dir("burdenshare", appauthor=False)


def _empty_manifest() -> dict[str, Any]:
    return {"about": "Editions and releases imported with `burdenshare data import`.", "files": {}}


def read_user_manifest(folder: Path) -> dict[str, Any]:
    """The user folder's manifest (an empty one when the folder has none yet), checked.

    Raises :class:`DataError` naming the manifest, the entry and the field when it is not JSON,
    has no ``files`` table, or an entry lacks a required field.
    """
    path = folder / MANIFEST_NAME
    if not os.path.lexists(path):
        return _empty_manifest()
    try:
        text = read_data_file(path).decode("utf-8")
    except (DataError, UnicodeDecodeError) as exc:
        raise DataError(
            f"{path}: the imported-data manifest cannot be read ({exc}). Check the file's"
            " permissions, or move the folder aside and import the releases again."
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: line {exc.lineno}, column {exc.colno}: the imported-data manifest is not"
            f" valid JSON ({exc.msg}). Move the folder aside and import the releases again."
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise DataError(
            f"{path}: the imported-data manifest has no 'files' table. Move the folder aside and"
            " import the releases again."
        )
    for name, entry in data["files"].items():
        if not _ENTRY_NAME.fullmatch(name):
            raise DataError(
                f"{path}: entry '{name}' does not name a table of this folder (expected"
                f" '{TABLES}/<name>.csv'); the manifest was edited by hand. {_fix_entry(entry)}"
            )
        if not isinstance(entry, dict):
            raise DataError(f"{path}: entry '{name}' is not a JSON object. {_fix_entry(entry)}")
        missing = [f for f in REQUIRED_FIELDS if f not in entry]
        if missing:
            raise DataError(
                f"{path}: entry '{name}' lacks the field(s) {', '.join(missing)}."
                f" {_fix_entry(entry)}"
            )
    return data


def _fix_entry(entry: object) -> str:
    command = entry_command(entry) if isinstance(entry, dict) and entry.get("edition") else None
    again = f"run `{command} --replace`" if command else "import that release again"
    return f"Delete the entry (or the folder) and {again}."


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _bundled_labels(dataset: str) -> set[str]:
    return {str(e["edition"]) for e in entries(dataset).values()}


# ------------------------------------------------------------------------------------------------
# Writing: lock, new files, atomic replace, sweep
# ------------------------------------------------------------------------------------------------
def _cannot_write(folder: Path, exc: OSError) -> DataError:
    reason = exc.strerror or str(exc)
    return DataError(
        f"{_named(folder)}: cannot write imports here ({reason}). Make the folder writable, or"
        f" set {USER_DATA_ENV} to a folder you can write to. Nothing was imported."
    )


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder's exclusive import lock (created with the folder when missing)."""
    try:
        (folder / TABLES).mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / LOCK_NAME), timeout=LOCK_TIMEOUT)
        lock.acquire()
    except Timeout:
        raise DataError(
            f"{folder}: another import into this folder has held its lock for"
            f" {LOCK_TIMEOUT:.0f} s. Wait for it to finish and try again."
        ) from None
    except OSError as exc:
        raise _cannot_write(folder, exc) from None
    try:
        yield
    finally:
        lock.release()


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can sync a folder
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]
    os.fsync(handle)


def _unnamed_file(folder: Path, data: bytes) -> int | None:
    """A file in ``folder`` with ``data``, synced, not yet linked to any name (Linux O_TMPFILE);
    None where the platform or file system cannot make one."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not Path("/proc/self/fd").is_dir():
        return None
    try:
        handle = os.open(folder, flag | os.O_WRONLY, _mode())
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None
        raise
    try:
        _write_all(handle, data)
    except BaseException:
        os.close(handle)
        raise
    return handle


def _link_unnamed(handle: int, path: Path) -> None:
    """Give the unnamed file ``handle`` the name ``path`` (which must not exist)."""
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        # with a dir fd, os.link calls linkat(..., AT_SYMLINK_FOLLOW): the /proc link is followed
        os.link(f"/proc/self/fd/{handle}", path.name, dst_dir_fd=folder, follow_symlinks=True)
    finally:
        os.close(folder)


def _temp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")


def write_new_file(path: Path, data: bytes) -> None:
    """Create ``path`` (which must not exist) holding ``data``: it appears complete or not at all.

    On Linux the bytes go to an unnamed file that is linked to ``path`` once synced, so a killed
    process leaves nothing; elsewhere a temporary ``.<name>.*.tmp`` file is renamed into place
    (a leftover of a killed process is removed by the next import).
    """
    if path.exists():
        raise FileExistsError(errno.EEXIST, "File exists", str(path))
    handle = _unnamed_file(path.parent, data)
    if handle is not None:
        try:
            _link_unnamed(handle, path)
        finally:
            os.close(handle)
        return
    tmp = _temp_name(path)
    handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _mode())
    try:
        _write_all(handle, data)
    finally:
        os.close(handle)
    try:
        os.replace(tmp, path)  # writers hold the lock: nobody else creates ``path`` meanwhile
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def replace_file(path: Path, data: bytes) -> None:
    """Atomically replace ``path`` by ``data`` (readers see the old or the new bytes)."""
    tmp = _temp_name(path)
    handle = _unnamed_file(path.parent, data)
    if handle is not None:
        try:
            _link_unnamed(handle, tmp)
        finally:
            os.close(handle)
    else:
        handle = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _mode())
        try:
            _write_all(handle, data)
        finally:
            os.close(handle)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def leftovers(folder: Path, manifest: dict[str, Any]) -> list[Path]:
    """Files interrupted imports left: temporary files, and tables no manifest entry lists."""
    listed = {(folder / name).resolve() for name in manifest["files"]}
    found = [p for p in folder.iterdir() if p.is_file() and _TEMP.match(p.name)]
    tables = folder / TABLES
    if tables.is_dir():
        for path in tables.iterdir():
            if path.is_file() and (_TEMP.match(path.name) or path.resolve() not in listed):
                found.append(path)
    return sorted(found)


def _sweep(folder: Path, manifest: dict[str, Any]) -> None:
    for path in leftovers(folder, manifest):
        path.unlink(missing_ok=True)


# ------------------------------------------------------------------------------------------------
# Storing a release
# ------------------------------------------------------------------------------------------------
def _mine(manifest: dict[str, Any], release: Release) -> dict[str, dict[str, Any]]:
    """Entries of this kind and label (what a new import of the same release would replace)."""
    datasets = {t.dataset for t in release.tables}
    return {
        name: e
        for name, e in manifest["files"].items()
        if str(e["edition"]) == release.label
        and (e.get("kind") == release.kind or (e.get("kind") is None and e["dataset"] in datasets))
    }


def _intact(folder: Path, name: str, entry: dict[str, Any]) -> bool:
    path = folder / name
    return path.is_file() and file_sha256(path) == entry["sha256"]


def _stored(
    folder: Path, manifest: dict[str, Any], names: Sequence[str]
) -> tuple[StoredTable, ...]:
    found = []
    for name in names:
        entry = manifest["files"][name]
        dataset = str(entry["dataset"])
        found.append(
            StoredTable(
                dataset,
                folder / name,
                int(entry["rows"]),
                str(entry["edition"]) in _bundled_labels(dataset),
            )
        )
    return tuple(found)


def already_imported(
    kind: str, source_sha256: str, label: str | None, folder: Path
) -> ImportResult | None:
    """The stored result when this very source is already imported (under ``label`` if given)
    and its tables are intact; None otherwise. Reads only, takes no lock."""
    manifest = read_user_manifest(folder)
    names = [
        name
        for name, e in manifest["files"].items()
        if e.get("kind", kind) == kind
        and e.get("source_sha256") == source_sha256
        and (label is None or str(e["edition"]) == str(label))
    ]
    labels = {str(manifest["files"][n]["edition"]) for n in names}
    if len(labels) != 1 or not all(_intact(folder, n, manifest["files"][n]) for n in names):
        return None
    return ImportResult(kind, labels.pop(), "unchanged", _stored(folder, manifest, names))


def _entry(release: Release, table: StagedTable, imported: str) -> dict[str, Any]:
    source = os.path.abspath(release.source)
    command = import_command(release.kind, source, release.label)
    return {
        "title": table.title,
        "dataset": table.dataset,
        "schema": table.dataset,
        "edition": release.label,
        "kind": release.kind,
        "imported": imported,
        "source_file": release.source.name,
        "source_path": source,
        "source_sha256": release.source_sha256,
        "sources": release.sources,
        "licence": release.licence,
        "notes": [
            *release.notes,
            f"Imported with burdenshare {__version__} (`burdenshare data import {release.kind}`).",
        ],
        "import_command": command,
        **table.extra,
        "sha256": table.sha256,
        "rows": table.rows,
    }


def store_release(
    release: Release, *, replace: bool = False, folder: str | Path | None = None
) -> ImportResult:
    """Store a parsed, validated release in the user data folder (see the module docstring).

    Returns "unchanged" when the same source is already stored under this label; raises
    :class:`DataError` when a different source is stored under it and ``replace`` is False.
    """
    target = user_folder(folder)
    with locked(target):
        manifest = read_user_manifest(target)
        _sweep(target, manifest)
        previous = _mine(manifest, release)
        sources = {e.get("source_sha256") for e in previous.values()}
        if previous and sources == {release.source_sha256}:
            if all(_intact(target, n, e) for n, e in previous.items()):
                return ImportResult(
                    release.kind, release.label, "unchanged", _stored(target, manifest, previous)
                )
        elif previous and not replace:
            first = next(iter(previous.values()))
            raise DataError(
                f"{release.kind} {release.label} is already imported in {target} from"
                f" {first.get('source_file')} (sha256 {str(first.get('source_sha256'))[:12]}…,"
                f" {first.get('imported')}); {release.source.name} is a different source."
                f" Pass --replace (replace=True) to overwrite it. Nothing was changed."
            )
        created: list[Path] = []
        committed = False
        try:
            for table in release.tables:
                path = target / table.name
                if not path.exists():
                    write_new_file(path, table.data)
                    created.append(path)
            imported = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            files = {n: e for n, e in manifest["files"].items() if n not in previous}
            for table in release.tables:
                files[table.name] = _entry(release, table, imported)
            manifest["files"] = dict(sorted(files.items()))
            text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
            replace_file(target / MANIFEST_NAME, text.encode("utf-8"))
            committed = True
        except OSError as exc:
            raise _cannot_write(target, exc) from None
        finally:
            if not committed:
                for path in created:
                    path.unlink(missing_ok=True)
        new_names = {t.name for t in release.tables}
        for name in previous:
            if name not in new_names:
                (target / name).unlink(missing_ok=True)
    return ImportResult(
        release.kind,
        release.label,
        "replaced" if previous else "imported",
        _stored(target, manifest, [t.name for t in release.tables]),
    )


# ------------------------------------------------------------------------------------------------
# Checking the folder
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One problem of the user data folder, and what to do about it."""

    file: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}; {self.fix}"


def _refused_by_loaders(entry: dict[str, Any]) -> str | None:
    """Why the loaders would refuse this entry (the rules :mod:`burdenshare.editions` applies to
    a dataset's labels), or None."""
    from ..editions import IMPORTABLE, check_label

    dataset = str(entry["dataset"])
    if dataset not in IMPORTABLE:
        return f"{dataset!r} is not a dataset that can be imported"
    try:
        check_label(dataset, entry["edition"])
    except (ParameterError, DataError) as exc:
        return str(exc).rstrip(".")
    return None


def verify_imported(folder: str | Path | None = None) -> tuple[int, list[Finding]]:
    """Check every stored table against the user manifest: (tables checked, problems).

    A deleted table is reported with the command that imports it again. Leftovers of interrupted
    imports are not problems (the next import removes them).
    """
    from ..manifest import count_rows  # the same row count data verify uses

    target = user_folder(folder)
    manifest = read_user_manifest(target)
    findings: list[Finding] = []
    for name, entry in sorted(manifest["files"].items()):
        path = target / name
        command = entry_command(entry)
        again = f"import it again: `{command}` (with the file as you downloaded it)"
        replace = f"import it again: `{command} --replace` (with the file as you downloaded it)"
        what = f"{entry['dataset']} {entry['edition']}"
        refused = _refused_by_loaders(entry)
        if refused:
            findings.append(
                Finding(
                    name,
                    f"{what}: the loaders refuse this entry ({refused})",
                    "delete the entry (or move the folder aside) and import the release again",
                )
            )
            continue
        if not path.is_file():
            findings.append(Finding(name, f"{what} was deleted", again))
            continue
        digest = file_sha256(path)
        if digest != entry["sha256"]:
            findings.append(
                Finding(
                    name,
                    f"{what}: sha256 {digest[:12]}… differs from the manifest's"
                    f" {str(entry['sha256'])[:12]}… (the file was changed)",
                    replace,
                )
            )
            continue
        try:
            rows = count_rows(path)
        except (UnicodeDecodeError, DataError):
            rows = -1
        if rows != entry["rows"]:
            findings.append(
                Finding(name, f"{what}: {rows} rows, the manifest says {entry['rows']}", again)
            )
    return len(manifest["files"]), findings
