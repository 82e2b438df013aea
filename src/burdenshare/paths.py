"""Where the bundled data and the user's imported data live, and how a data file is read.

Every data file (bundled, imported or passed as ``path=``) is read with :func:`read_data_file`: only
a regular file (never a device, a pipe or a folder, which could block or never end) and only up to
:func:`max_file_bytes`, so a wrong path cannot exhaust memory.
"""

from __future__ import annotations

import os
import stat
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


def read_data_file(path: Path | str) -> bytes:
    """The bytes of a data file, or a :class:`DataError` saying why it is not read.

    Refused: a missing path, anything that is not a regular file (folder, device such as
    /dev/zero, pipe, socket) and a file larger than :func:`max_file_bytes`.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DataError(f"{path}: file not found. Check the path you passed.") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise DataError(f"{path}: is a folder, not a CSV file.")
    if not stat.S_ISREG(info.st_mode):
        raise DataError(
            f"{path}: is not a regular file (a device, pipe or socket); pass a CSV file on disk."
        )
    limit = max_file_bytes()
    if info.st_size > limit:
        raise DataError(_too_large(path, info.st_size, limit))
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror}).") from None
    if len(raw) > limit:  # the file grew while we read it
        raise DataError(_too_large(path, len(raw), limit))
    return raw


def _too_large(path: Path, size: int, limit: int) -> str:
    return (
        f"{path}: {size / 1e6:,.1f} MB is above the size limit of {limit / 1e6:,.0f} MB for a data"
        f" file. If the file is right, raise the limit: set {MAX_FILE_ENV} to a larger number of"
        " megabytes (e.g. 500)."
    )
