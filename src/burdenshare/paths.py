"""Where the bundled data and the user's imported data live, and how a data file is read.

Every file read from outside the program (data files, workbooks, YAML parameter files, notebooks,
cache entries) is read with :func:`read_regular_file`: only a regular file (never a device, a pipe
or a folder, which could block or never end) and only up to :func:`max_file_bytes`, so a wrong
path cannot hang a run or exhaust memory.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from functools import cache
from pathlib import Path

from platformdirs import user_data_dir

from .errors import DataError

#: Environment variable that overrides the folder of user-imported editions.
USER_DATA_ENV = "BURDENSHARE_DATA_HOME"
#: Environment variable that raises (or lowers) the size limit of a data file, in megabytes.
MAX_FILE_ENV = "BURDENSHARE_MAX_FILE_MB"
#: Default size limit of one data file: 100 MB (the largest bundled file is under 2 MB).
DEFAULT_MAX_FILE_MB = 100


@cache
def bundled_data_dir() -> Path:
    """The folder of the data shipped with the package (found once per process).

    In a wheel the files sit inside the package (``burdenshare/data``); in a source checkout or an
    editable install they sit in the repository's top-level ``data/`` folder.
    """
    inside = Path(__file__).resolve().parent / "data"
    if (inside / "manifest.json").is_file():
        return inside
    return Path(__file__).resolve().parents[2] / "data"


def user_data_dir_path() -> Path:
    """The folder of editions the user imported (``BURDENSHARE_DATA_HOME`` overrides it)."""
    override = os.environ.get(USER_DATA_ENV)
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir("burdenshare", appauthor=False))


def file_identity(path: Path | str) -> tuple[int, int, int] | None:
    """A regular file's identity now: (inode, size, mtime in ns); None for anything else or a
    path that cannot be read. Imports and atomic writes replace a file by renaming a new one over
    it, so a replaced file has a new inode even when its size and timestamp match."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def max_file_bytes() -> int:
    """Size limit of one data file in bytes: ``BURDENSHARE_MAX_FILE_MB`` megabytes, default 100."""
    text = os.environ.get(MAX_FILE_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_FILE_MB * 1_000_000
    try:
        megabytes = float(text)
    except ValueError:
        megabytes = float("nan")
    if not 0 < megabytes < 1e6:
        raise DataError(
            f"{MAX_FILE_ENV}={text!r} is not a size in megabytes; set a number such as 500, or"
            f" unset it for the default of {DEFAULT_MAX_FILE_MB}."
        )
    return int(megabytes * 1_000_000)


def read_regular_file(
    path: Path | str,
    *,
    what: str = "a CSV file",
    error: Callable[[str], Exception] = DataError,
    limit: int | None = None,
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (default :func:`max_file_bytes`),
    or ``error(message)`` saying why it is not read. Every input boundary reads through here.

    Refused: a missing path, a symbolic link loop, anything that is not a regular file (folder,
    device such as /dev/zero, named pipe, socket) and a file above the limit. The file is opened
    without blocking (a named pipe with no writer cannot hold the read up) and checked on the open
    handle, so a path swapped after a check cannot slip through.
    """
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{path}: file not found. Check the path you passed.") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise error(f"{path}: {LOOP_ADVICE}") from None
        if exc.errno == errno.EISDIR:
            raise error(f"{path}: is a folder, not {what}.") from None
        raise error(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{path}: is a folder, not {what}.")
        if not stat.S_ISREG(info.st_mode):
            raise error(
                f"{path}: is not a regular file (a device, pipe or socket); pass {what} on disk."
            )
        limit = max_file_bytes() if limit is None else limit
        if info.st_size > limit:
            raise error(_too_large(path, info.st_size, limit))
        os.set_blocking(fd, True)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror}).") from None
    finally:
        os.close(fd)
    if size > limit:  # the file grew while we read it
        raise error(_too_large(path, size, limit))
    return b"".join(chunks)


def read_data_file(path: Path | str) -> bytes:
    """The bytes of a data file, or a :class:`DataError` saying why it is not read (see
    :func:`read_regular_file`)."""
    return read_regular_file(path)


#: What to do about a symbolic link loop.
LOOP_ADVICE = (
    "a symbolic link loop (a link that leads back to itself); fix or remove the link, or give"
    " another path."
)


def missing_reason(path: Path | str) -> str | None:
    """Why ``path`` cannot be found ("not found", a link loop, no permission), or None if it
    exists."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return "not found"
    except OSError as exc:
        return LOOP_ADVICE if exc.errno == errno.ELOOP else f"cannot be reached ({exc.strerror})"
    return None


def resolved(path: Path | str, error: Callable[[str], Exception] = DataError) -> Path:
    """``path`` made absolute with its symbolic links followed; a link loop is ``error(message)``
    naming the path (instead of pathlib's RuntimeError)."""
    try:
        return Path(os.path.abspath(Path(path).expanduser().resolve()))
    except (RuntimeError, OSError) as exc:
        if isinstance(exc, OSError) and exc.errno != errno.ELOOP:
            raise
        raise error(f"{path}: {LOOP_ADVICE}") from None


def _too_large(path: Path, size: int, limit: int) -> str:
    return (
        f"{path}: {size / 1e6:,.1f} MB is above the size limit of {limit / 1e6:,.0f} MB for an"
        f" input file. If the file is right, raise the limit: set {MAX_FILE_ENV} to a larger"
        " number of megabytes (e.g. 500)."
    )
