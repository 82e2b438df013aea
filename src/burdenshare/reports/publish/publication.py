"""Build a run's output in a staging folder and publish it into ``--out`` in one step.

- **Lock**: a run holds ``.<out>.lock`` beside ``--out`` from start to publish, so runs on the
  same folder are serialized (the second waits, or fails at once with ``wait=False``).
- **Staging**: the run writes into ``.<out>.staging-<pid>-<random>`` beside ``--out`` (same file
  system, so the final rename is atomic). Leftovers of killed runs are removed under the lock.
- **Publish**: files in ``--out`` that the previous run did not write (the user's own) are
  carried into the staging folder (hard links where possible), then staging and ``--out`` are
  swapped atomically (``renameat2(RENAME_EXCHANGE)`` on Linux; elsewhere two renames with a
  moment of no folder), and the previous run is deleted. A reader of ``--out`` sees the previous
  complete run or the new one, never a mix.
- Where ``--out`` cannot be renamed (a mount point), the files are replaced one by one instead,
  the index and manifest last, and the run says so.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ...errors import ReportError
from ...paths import read_regular_file, resolved

#: Files of a run that are not named in its manifest's reports.
RUN_FILES = ("index.html", "manifest.json")
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _resolved(out: Path) -> Path:
    return resolved(out, lambda message: ReportError(f"--out {message}"))


def check_out(out: Path, keep_clear: Iterable[Path] = ()) -> Path:
    """``--out`` resolved and checked before any report runs: a folder (or creatable), writable,
    and not a folder the run must not replace (the current folder, one of its parents, or one
    holding ``keep_clear`` paths such as the notebooks or the cache)."""
    target = _resolved(out)
    if target.exists() and not target.is_dir():
        raise ReportError(f"--out {out}: {target} is a file; give a folder for the report set.")
    _refuse_shared_folders(out, target)
    _refuse_holding(out, target, keep_clear)
    _check_writable(out, target)
    return target


def _refuse_shared_folders(out: Path, target: Path) -> None:
    """A ReportError when ``target`` is the current folder or a parent of it, home or a root."""
    here = Path.cwd().resolve()
    if target == here or target in here.parents:
        raise ReportError(
            f"--out {out}: {target} is the current folder or one of its parents; each run"
            " replaces --out as a whole, so give a folder of its own (e.g. --out reports)."
        )
    if target == Path.home().resolve() or target.parent == target:
        raise ReportError(f"--out {out}: give a folder of its own, not {target}.")


def _refuse_holding(out: Path, target: Path, keep_clear: Iterable[Path]) -> None:
    """A ReportError when ``target`` is or holds one of ``keep_clear``."""
    for path in keep_clear:
        inner = _resolved(Path(path))
        if inner == target or target in inner.parents:
            raise ReportError(
                f"--out {out}: {target} holds {inner}, which a run must not replace; give a"
                " folder of its own."
            )


def _nearest_existing(path: Path) -> Path:
    """``path``, or its nearest parent that exists (the root at the latest)."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _check_writable(out: Path, target: Path) -> None:
    """A ReportError unless ``target`` can be created, or it and its parent can be written."""
    probe = _nearest_existing(target)
    if not probe.is_dir():
        raise ReportError(f"--out {out}: {probe} is a file, so {target} cannot be created.")
    for folder in [target.parent, target] if target.exists() else [probe]:
        if folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
            raise ReportError(f"--out {out}: {folder} is not writable; choose another --out.")


@contextlib.contextmanager
def os_errors_as_report_errors(out: Path) -> Iterator[None]:
    """A file system failure while building or publishing (disk full, permissions) ends the run
    with a ReportError; the staging folder is removed and ``out`` keeps the previous run."""
    try:
        yield
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise ReportError(
            f"writing the report set failed: {exc.strerror or exc}{where}; {out} was not"
            " changed. Free space or fix the permissions and run again (finished reports come"
            " from the cache)."
        ) from None


def stage_files(staging: Path, files: Mapping[str, bytes]) -> None:
    """Write the site's ``files`` (relative names, in subfolders too) into ``staging``, refusing
    a name outside it or one a report's file already has."""
    inside = staging.resolve()
    for name, data in files.items():
        target = (staging / name).resolve()
        if inside not in target.parents:
            raise ReportError(f"the site renderer named a file outside the run: {name!r}")
        if os.path.lexists(target):  # a report's own file: never replaced by the site's
            raise ReportError(
                f"the site's file {name!r} has the name of a report's file; rename the"
                " notebook (or report this as a bug)."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _make_parents(target: Path, out: Path) -> list[Path]:
    """Create ``target``'s missing parents; return those created (deepest last)."""
    missing = [p for p in reversed(target.parents) if not p.exists()]
    for folder in missing:
        try:
            folder.mkdir()
        except OSError as exc:
            for made in reversed(missing[: missing.index(folder)]):
                with contextlib.suppress(OSError):
                    made.rmdir()
            raise ReportError(
                f"--out {out}: cannot create {folder} ({exc.strerror}); choose another --out."
            ) from None
    return missing


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where that is not supported."""
    try:
        rename = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    rename.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if rename(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def run_files(folder: Path) -> set[str]:
    """Top-level names in ``folder`` that its published run wrote (from its manifest)."""
    manifest = _published_manifest(folder)
    listed: list[Any] = list(manifest.get("site_files") or [])
    for report in manifest.get("reports") or []:
        listed.extend(_report_files(report))
    return set(RUN_FILES) | {str(name).split("/")[0] for name in listed if name}


def _published_manifest(folder: Path) -> dict[str, Any]:
    """The run manifest in ``folder`` (empty when it is missing or not a JSON object)."""
    try:
        raw = read_regular_file(folder / "manifest.json", what="a run manifest", error=OSError)
        manifest = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _report_files(report: Any) -> list[Any]:
    """The file names a report's manifest entry lists (its ``files``: names or lists of them)."""
    if not isinstance(report, dict):
        return []
    listed: list[Any] = []
    for value in (report.get("files") or {}).values():
        listed.extend(value if isinstance(value, list) else [value])
    return listed


def _open_lock_file(path: Path) -> None:
    """Create the lock file (or open it) without waiting: a named pipe or device left at its
    name is an OSError, never a wait for a reader."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    handle = os.open(path, flags, 0o666)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
    finally:
        os.close(handle)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


class Publication:
    """The lock, staging folder and publish step of one run into ``out`` (a context manager).

    ``say`` receives progress messages (waiting for the lock, publishing file by file).
    """

    def __init__(
        self, out: Path, *, wait: bool = True, say: Callable[[str], None] = lambda _: None
    ):
        self.out = Path(out)
        self.target = _resolved(self.out)
        self.wait = wait
        self.say = say
        name = self.target.name
        self.lock_path = self.target.parent / f".{name}.lock"
        self._prefix = f".{name}.staging-"
        self._lock = FileLock(str(self.lock_path), thread_local=False)
        self.staging: Path | None = None
        self.published = False
        self._made: list[Path] = []

    def __enter__(self) -> Publication:
        self._made = _make_parents(self.target, self.out)
        try:
            # filelock takes a lock file it cannot open for one held by another run: open it
            # ourselves first, so that case is an error rather than an endless wait.
            _open_lock_file(self.lock_path)
            self._lock.acquire(timeout=0)
        except Timeout:
            if not self.wait:
                self._remove_made()
                raise ReportError(
                    f"--out {self.out}: another burdenshare report run is writing it (lock"
                    f" {self.lock_path}); wait for it to finish, or run without --no-wait to"
                    " queue behind it."
                ) from None
            self.say(
                f"waiting for another burdenshare report run on {self.out} to finish (lock"
                f" {self.lock_path})"
            )
            self._lock.acquire(poll_interval=0.1)
        except OSError as exc:
            self._remove_made()
            raise ReportError(
                f"--out {self.out}: cannot create the lock {self.lock_path} ({exc.strerror});"
                " remove it if it is not a regular file, or choose another --out."
            ) from None
        try:
            self._remove_leftovers()
            self.staging = (
                self.target.parent / f"{self._prefix}{os.getpid()}-{secrets.token_hex(4)}"
            )
            self.staging.mkdir()
        except BaseException:
            self._lock.release()
            raise
        return self

    def _remove_made(self) -> None:
        for folder in reversed(self._made):
            with contextlib.suppress(OSError):
                folder.rmdir()

    def _remove_leftovers(self) -> None:
        """Staging folders of runs that were killed (we hold the lock, so none is in use)."""
        for path in self.target.parent.glob(f"{self._prefix}*"):
            shutil.rmtree(path, ignore_errors=True)

    def __exit__(self, *exc: object) -> None:
        try:
            if self.staging is not None and self.staging.exists():
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._lock.release()

    def _carry_over(self, staging: Path) -> None:
        """Copy (hard-link) the user's own files from ``--out`` into ``staging``."""
        ours = run_files(self.target)
        for entry in os.scandir(self.target):
            if entry.name in ours or (staging / entry.name).exists():
                continue
            target = staging / entry.name
            if entry.is_dir(follow_symlinks=False):
                shutil.copytree(entry.path, target, symlinks=True, copy_function=_link_or_copy)
            elif entry.is_symlink():
                os.symlink(os.readlink(entry.path), target)
            else:
                _link_or_copy(entry.path, str(target))

    def publish(self, last: Iterable[str] = RUN_FILES) -> None:
        """Make the staging folder the content of ``--out`` (see the module docstring)."""
        staging = self.staging
        if staging is None:
            raise ReportError("nothing to publish: the staging folder was not created.")
        if not self.target.exists():
            os.rename(staging, self.target)
        else:
            self._carry_over(staging)
            try:
                staging = self._swap(staging)
            except OSError as exc:
                if exc.errno not in (errno.EBUSY, errno.EXDEV, errno.EACCES, errno.EPERM):
                    raise
                self.say(
                    f"{self.out} cannot be replaced as a whole ({exc.strerror}); updating it file"
                    " by file"
                )
                self._replace_files(staging, list(last))
            shutil.rmtree(staging, ignore_errors=True)
        self.staging = None
        self.published = True

    def _swap(self, staging: Path) -> Path:
        """Put ``staging`` in place of ``--out``; return the folder now holding the old run."""
        if _exchange(staging, self.target):
            return staging
        aside = self.target.parent / f"{self._prefix}{os.getpid()}-old"
        os.rename(self.target, aside)
        try:
            os.rename(staging, self.target)
        except OSError:
            os.rename(aside, self.target)
            raise
        return aside

    def _replace_files(self, staging: Path, last: list[str]) -> None:
        """Fallback publish: move each new file in (atomic per file), drop the previous run's
        files that this run does not have, the index and manifest last."""
        stale = run_files(self.target)
        names = sorted(os.listdir(staging), key=lambda n: (n in last, n))
        for name in names:
            target = self.target / name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(staging / name, target)
        for name in stale - set(names):
            path = self.target / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
