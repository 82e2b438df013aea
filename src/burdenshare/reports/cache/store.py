"""A content-addressed cache of executed reports, so unchanged reports are not run again.

A report's **key** is the sha256 of what it depends on before it runs: the notebook's bytes, its
parameters and output name, the kernelspec, the package (version and a digest of its files), the
installed dependency set and the Python version (:func:`report_key`). The data it depends on is
known only after it ran: the entry records the datasets the kernel actually loaded (with the
sha256 of the bytes read) and the catalogue of each such dataset, and a lookup serves the entry
only when those are unchanged (:class:`~burdenshare.reports.cache.provenance.DataCheck`).

Layout of the folder (safe to share between processes and machines: every file is written to a
temporary name and renamed into place)::

    objects/ab/abcdef...   file contents, named by their sha256 (verified on every read)
    entries/<key>.json     one report: its outcome, datasets, catalogues, and the objects of its
                           executed notebook and of its pages (per code/reader mode), plus a
                           checksum of the entry itself

A corrupted object or entry is detected, removed and the report re-runs: the cache never serves
bytes it cannot verify. Only successful reports are stored. Files are read only as regular files
within the size limit (a pipe or device left in the cache is an unreadable entry, never a wait).

The checksums catch accidents, not someone who can write the cache: whoever can write the folder
decides what the reports show. So the folder is created private to its user (0700), and a cache
folder that another user owns or that group or others may write is refused, as ssh refuses such a
key folder (:func:`check_cache_folder`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shlex
import stat
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ...errors import ReportError
from ...paths import read_regular_file, resolved
from ..outcome import CACHE, ReportOutcome
from .provenance import DataCheck, canonical_json, digest_of, sha256_bytes

#: Version of the cache layout; part of every key.
FORMAT = 1
#: Environment variable that overrides the default cache folder.
CACHE_ENV = "BURDENSHARE_CACHE_DIR"
#: Entries unused for this long are removed when a run ends.
MAX_AGE_DAYS = 30
#: Objects no entry refers to are removed once they are this old (a concurrent run may be about
#: to write the entry that refers to a fresh one).
ORPHAN_GRACE_S = 3600.0


def default_cache_dir() -> Path:
    """``$BURDENSHARE_CACHE_DIR``, else ``reports`` in the user cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir  # lazy: only when no folder is given

    return Path(user_cache_dir("burdenshare", appauthor=False)) / "reports"


def mode_of(show_code: bool) -> str:
    """The page variant: "code" (code shown) or "reader" (code hidden)."""
    return "code" if show_code else "reader"


def report_key(
    notebook: str,
    stem: str,
    parameters: Mapping[str, Any],
    notebook_bytes: bytes,
    environment: Mapping[str, str],
    kernel: str,
) -> tuple[str, dict[str, Any]]:
    """(key, inputs): the cache key of a report and the inputs it hashes."""
    inputs = {
        "format": FORMAT,
        "notebook": notebook,
        "stem": stem,
        "notebook_sha256": sha256_bytes(notebook_bytes),
        "parameters": json.loads(canonical_json(dict(parameters))),
        "kernel": kernel,
        **environment,
    }
    return digest_of(inputs), inputs


def _umask() -> int:
    """The process umask, read without changing it where Linux says it (changing it even for a
    moment would race with other threads creating files)."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        return int(next(line for line in status if line.startswith("Umask:")).split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def make_private_folder(folder: Path) -> None:
    """Create the cache folder if missing, private to its user (mode 0700; its parents as usual)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, 0o666 & ~_UMASK)  # mkstemp makes 0600: a shared cache is readable
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _discard(path: Path) -> None:
    """Remove a bad cache file if we can (a read-only cache only keeps it; it is never served)."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


class CacheCorrupted(Exception):
    """An object or entry did not match its checksum (it has been removed)."""


def _read(path: Path, what: str) -> bytes:
    """A cache file's bytes (CacheCorrupted for a missing, odd or oversized one)."""
    return read_regular_file(path, what=what, error=CacheCorrupted)


class ReportCache:
    """The cache in ``folder`` (created private to its user on first write)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.objects = self.folder / "objects"
        self.entries = self.folder / "entries"
        self._inspections: dict[str, dict[str, Any]] = {}
        self._made = False

    def _write(self, path: Path, data: bytes) -> None:
        if not self._made:
            make_private_folder(self.folder)
            self._made = True
        _write_atomic(path, data)

    # objects ---------------------------------------------------------------------------------

    def _object_path(self, digest: str) -> Path:
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            raise CacheCorrupted(f"object name {digest!r} is not a sha256")
        return self.objects / digest[:2] / digest

    def put(self, data: bytes) -> str:
        """Store bytes; return their sha256 (an object already present is kept)."""
        digest = sha256_bytes(data)
        path = self._object_path(digest)
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):  # a pipe or link left here: replaced
                raise FileNotFoundError(path)
            os.utime(path)  # present: mark it used, so a concurrent prune keeps it
        except OSError:
            self._write(path, data)
        return digest

    def get(self, digest: str) -> bytes:
        """The bytes of an object, verified (CacheCorrupted if missing or altered)."""
        path = self._object_path(digest)
        try:
            data = _read(path, "a cache object")
        except CacheCorrupted as exc:
            if path.is_symlink() or path.exists():
                _discard(path)
            raise CacheCorrupted(f"object {digest[:12]}… is unreadable ({exc})") from None
        if sha256_bytes(data) != digest:
            _discard(path)
            raise CacheCorrupted(f"object {digest[:12]}… does not match its sha256")
        return data

    # entries ---------------------------------------------------------------------------------

    def _entry_path(self, key: str) -> Path:
        return self.entries / f"{key}.json"

    def load(self, key: str) -> dict[str, Any] | None:
        """The entry of ``key`` (None if absent; CacheCorrupted if it fails its checksum)."""
        path = self._entry_path(key)
        if not os.path.lexists(path):
            return None
        try:
            raw = _read(path, "a cache entry")
        except CacheCorrupted as exc:
            _discard(path)
            raise CacheCorrupted(f"entry {key[:12]}… is unreadable ({exc})") from None
        try:
            entry = json.loads(raw)
            body = {k: v for k, v in entry.items() if k != "checksum"}
            valid = entry.get("checksum") == digest_of(body) and entry.get("key") == key
        except (ValueError, AttributeError, TypeError):
            valid = False
        if not valid:
            _discard(path)
            raise CacheCorrupted(f"entry {key[:12]}… does not match its checksum")
        with contextlib.suppress(OSError):
            os.utime(path)  # last use, for pruning
        return entry

    def holds_entries(self) -> bool:
        """Whether any report is stored (False for a new or emptied cache)."""
        try:
            return any(True for _ in self.entries.glob("*.json"))
        except OSError:
            return False

    def _save(self, entry: dict[str, Any]) -> None:
        body = {k: v for k, v in entry.items() if k != "checksum"}
        entry = {**body, "checksum": digest_of(body)}
        self._write(self._entry_path(entry["key"]), canonical_json(entry).encode("utf-8"))

    def store(
        self,
        key: str,
        inputs: Mapping[str, Any],
        outcome: ReportOutcome,
        show_code: bool,
        catalogues: Mapping[str, str],
    ) -> None:
        """Store a successful report's outcome and files under ``key``."""
        stem = outcome.stem
        notebook = self.put(outcome.data(f"{stem}.ipynb"))
        pages = {
            name[len(stem) :]: self.put(outcome.data(name))
            for name in outcome.files
            if name != f"{stem}.ipynb"
        }
        self._save(
            {
                "format": FORMAT,
                "key": key,
                "inputs": dict(inputs),
                "stored": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                "outcome": outcome.to_view(CACHE),
                "catalogues": dict(catalogues),
                "notebook": notebook,
                "pages": {mode_of(show_code): pages},
            }
        )

    def add_pages(self, key: str, show_code: bool, files: Mapping[str, bytes], stem: str) -> None:
        """Add (or extend) the page files of one mode to an existing entry (best effort: a cache
        that cannot be written only costs time later)."""
        try:
            entry = self.load(key)
            if entry is None:
                return
            pages = entry.setdefault("pages", {}).setdefault(mode_of(show_code), {})
            for name, data in files.items():
                pages[name[len(stem) :]] = self.put(data)
            self._save(entry)
        except (CacheCorrupted, OSError):
            return

    def lookup(
        self, key: str, show_code: bool, check: DataCheck, notebook_folder: Path
    ) -> tuple[dict[str, Any] | None, dict[str, bytes], str]:
        """(entry, files, note) for ``key``.

        ``entry`` is None when the report must run (``note`` says why). Otherwise ``files`` holds
        the verified executed notebook and, when the entry has pages for this mode, the pages
        (all named with the entry's stem); without them the caller renders the notebook.
        """
        try:
            entry = self.load(key)
        except CacheCorrupted as exc:
            return None, {}, f"cache entry corrupted ({exc}): re-run"
        if entry is None:
            return None, {}, "not in the cache"
        outcome = entry.get("outcome", {})
        changed = check.changed(
            outcome.get("datasets", []), entry.get("catalogues", {}), notebook_folder
        )
        if changed:
            return None, {}, f"data changed ({changed}): re-run"
        stem = str(outcome.get("stem"))
        try:
            files = {f"{stem}.ipynb": self.get(str(entry.get("notebook")))}
            pages = entry.get("pages", {}).get(mode_of(show_code), {})
            for suffix, digest in pages.items():
                files[stem + suffix] = self.get(str(digest))
        except CacheCorrupted as exc:
            _discard(self._entry_path(key))
            return None, {}, f"cache entry corrupted ({exc}): re-run"
        return entry, files, "unchanged since the cached run"

    # notebook inspections -------------------------------------------------------------------

    def get_inspection(self, digest: str) -> dict[str, Any] | None:
        """The parameters inspected from a notebook whose bytes hash to ``digest`` (or None)."""
        if digest in self._inspections:
            return self._inspections[digest]
        path = self.folder / "notebooks" / f"{digest}.json"
        try:
            if not os.path.lexists(path):
                return None
            found = json.loads(_read(path, "a cached inspection"))
            body = found["inspection"]
            if found.get("checksum") != digest_of(body) or found.get("format") != FORMAT:
                raise ValueError("checksum")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, CacheCorrupted):
            _discard(path)
            return None
        return body

    def put_inspection(self, digest: str, inspection: dict[str, Any]) -> None:
        """Keep a notebook's inspected parameters, written by :meth:`commit_inspections` (when
        the run has gone through: a run refused at its checks writes nothing)."""
        self._inspections[digest] = inspection

    def commit_inspections(self) -> None:
        """Write the inspections kept so far (best effort: a failure only costs time later)."""
        for digest, inspection in self._inspections.items():
            record = {
                "format": FORMAT,
                "inspection": inspection,
                "checksum": digest_of(inspection),
            }
            with contextlib.suppress(OSError):
                self._write(
                    self.folder / "notebooks" / f"{digest}.json", canonical_json(record).encode()
                )
        self._inspections.clear()

    # housekeeping ----------------------------------------------------------------------------

    def prune(self, max_age_days: float = MAX_AGE_DAYS, grace_s: float = ORPHAN_GRACE_S) -> int:
        """Remove entries unused for ``max_age_days`` and objects no entry refers to (once
        older than ``grace_s``); return how many files were removed."""
        now = time.time()
        removed, referenced = self._prune_entries(now, max_age_days * 86400)
        return removed + self._prune_objects(now, grace_s, referenced)

    def _prune_entries(self, now: float, max_age_s: float) -> tuple[int, set[str]]:
        """Remove entries unused for ``max_age_s``: (how many, the objects the others use)."""
        removed = 0
        referenced: set[str] = set()
        for path in sorted(self.entries.glob("*.json")) if self.entries.is_dir() else []:
            try:
                if now - path.stat().st_mtime > max_age_s:
                    path.unlink()
                    removed += 1
                    continue
                entry = json.loads(_read(path, "a cache entry"))
            except (OSError, ValueError, CacheCorrupted):
                continue
            referenced |= _objects_of(entry)
        return removed, referenced

    def _prune_objects(self, now: float, grace_s: float, referenced: set[str]) -> int:
        """Remove objects not in ``referenced`` once older than ``grace_s``; how many."""
        removed = 0
        for path in self.objects.glob("*/*") if self.objects.is_dir() else []:
            with contextlib.suppress(OSError):
                if path.name not in referenced and now - path.stat().st_mtime > grace_s:
                    path.unlink()
                    removed += 1
        return removed


def _objects_of(entry: dict[str, Any]) -> set[str]:
    """The objects an entry refers to: its executed notebook and its pages in every mode."""
    pages = (entry.get("pages") or {}).values()
    return {str(entry.get("notebook"))} | {str(d) for mode in pages for d in mode.values()}


def check_cache_folder(folder: Path) -> Path:
    """The cache folder, checked to be creatable and writable by this user and private to it
    (ReportError otherwise, saying what to do)."""
    given = Path(folder).expanduser()
    folder = resolved(given, lambda message: ReportError(f"--cache-dir {message}"))
    probe = folder
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise ReportError(
            f"--cache-dir {given}: {probe} is a file, not a folder; choose another --cache-dir"
            " or pass --no-cache."
        )
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ReportError(
            f"--cache-dir {given}: {probe} is not writable; choose another --cache-dir or pass"
            " --no-cache."
        )
    problem = unsafe_cache_folder(folder)
    if problem:
        raise ReportError(f"--cache-dir {given}: {problem}")
    return given


def unsafe_cache_folder(folder: Path) -> str | None:
    """Why the cache in ``folder`` must not be trusted (None when it is safe or not there yet).

    Anyone who can write the cache decides what the reports it serves show (its checksums catch
    accidents, not a writer), so like ssh with a key folder, the folder and its subfolders must
    belong to this user and be writable by no one else.
    """
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows: no POSIX modes to check
        return None
    for path in _cache_folders(folder):
        problem = _unsafe_folder(path, folder)
        if problem:
            return problem
    return None


def _subfolders(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_dir() and not p.is_symlink()]


def _cache_folders(folder: Path) -> list[Path]:
    """``folder``, its subfolders and those of its ``objects`` (as far as they can be listed)."""
    folders = [folder]
    with contextlib.suppress(OSError):
        folders += _subfolders(folder)
        objects = folder / "objects"
        if objects.is_dir() and not objects.is_symlink():
            folders += _subfolders(objects)
    return folders


def _unsafe_folder(path: Path, folder: Path) -> str | None:
    """Why ``path``, a folder of the cache in ``folder``, makes it untrustworthy (or None)."""
    try:
        info = path.lstat()
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode) and path != folder:
        return f"{path} is a symbolic link; remove it (the cache never needs one)."
    if info.st_uid != os.getuid():
        return (
            f"{path} belongs to another user (uid {info.st_uid}), who decides what the cached"
            " reports show; use a cache folder of your own (--cache-dir DIR) or pass"
            " --no-cache."
        )
    if info.st_mode & 0o022:
        return (
            f"{path} is writable by other users (mode {stat.S_IMODE(info.st_mode):04o}), and"
            " whoever can write the cache decides what the cached reports show. Make it"
            f" private: chmod -R go-w {shlex.quote(str(folder))} (or choose another"
            " --cache-dir, or pass --no-cache)."
        )
    return None
