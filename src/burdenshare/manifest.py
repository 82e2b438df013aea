"""The data manifest: what each data file is, where it came from, and its checksum.

``data/manifest.json`` holds one entry per bundled file (title, dataset, edition or release,
sources, licence note, sha256, row count, schema); the user data folder's ``manifest.json`` does
the same for imported editions. :func:`read_manifest` parses either and says exactly what is wrong
with a missing, corrupt or incomplete one; :func:`read_checked` returns a file's bytes only if they
match the sha256 its manifest records; :func:`verify` recomputes checksums and row counts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import DataError
from .paths import bundled_data_dir, read_data_file

MANIFEST_NAME = "manifest.json"
#: Fields every entry of data/manifest.json has.
BUNDLED_FIELDS = ("title", "dataset", "schema", "edition", "sources", "licence", "sha256", "rows")
#: Fields every entry of an imported-data manifest has (written by ``burdenshare data import``).
IMPORTED_FIELDS = ("dataset", "edition", "sha256", "rows")


def sha256_of(path: Path) -> str:
    """Hex sha256 of a data file's bytes (read as :func:`~burdenshare.paths.read_data_file`)."""
    return hashlib.sha256(read_data_file(path)).hexdigest()


def count_rows(path: Path) -> int:
    """Number of data rows of a CSV file (header excluded; quoted newlines handled)."""
    text = read_data_file(path).decode("utf-8-sig")
    return sum(1 for row in csv.reader(io.StringIO(text)) if row) - 1


def check_inside(folder: Path, names: Sequence[str]) -> None:
    """A DataError unless every manifest entry names a file inside ``folder``: a relative path
    without ``..`` that, its symbolic links followed, stays in the folder. Checked before any
    file is read, so a manifest can never make burdenshare read (and print the checksum of) a
    file elsewhere."""
    root = Path(folder).resolve()
    for name in names:
        relative = Path(name)
        outside = relative.is_absolute() or ".." in relative.parts or not name.strip()
        if not outside:
            try:
                outside = root not in (root / relative).resolve().parents
            except (OSError, RuntimeError):  # a link loop: not a file of this folder either
                outside = True
        if outside:
            raise DataError(
                f"{Path(folder) / MANIFEST_NAME}: entry {name!r} names a file outside {folder}"
                " (a manifest lists only files in its own folder); nothing was read. Restore the"
                f" manifest. {_remedy(Path(folder))}"
            )


def _is_bundled(folder: Path) -> bool:
    return folder.resolve() == bundled_data_dir().resolve()


def _remedy(folder: Path) -> str:
    if _is_bundled(folder):
        return "Reinstall burdenshare or restore data/ from a clean checkout."
    return (
        "A data folder holds manifest.json beside its CSV files (the bundled data, or your"
        " imported-data folder); if this is your imported-data folder, move it aside and import"
        " the workbooks again (`burdenshare data import`)."
    )


def read_manifest(folder: Path, required: Sequence[str] = BUNDLED_FIELDS) -> dict[str, Any]:
    """The parsed ``manifest.json`` of a data folder, checked: an object with a ``files`` object
    whose entries each have the ``required`` fields; else a :class:`DataError` naming the file,
    the place (line and column, or entry and field) and what to do."""
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        raise DataError(f"{path}: no data manifest here. {_remedy(Path(folder))}")
    raw = read_data_file(path)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: not UTF-8 text (byte {exc.start}). {_remedy(Path(folder))}"
        ) from None
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})."
            f" {_remedy(Path(folder))}"
        ) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise DataError(
            f'{path}: expected a JSON object with a "files" object (file name -> entry).'
            f" {_remedy(Path(folder))}"
        )
    for name, entry in files.items():
        if not isinstance(entry, dict):
            raise DataError(f"{path}: entry {name!r} is not an object. {_remedy(Path(folder))}")
        missing = [f for f in required if f not in entry or entry[f] in (None, "")]
        if missing:
            raise DataError(
                f"{path}: entry {name!r} lacks {', '.join(repr(m) for m in missing)}."
                f" {_remedy(Path(folder))}"
            )
    return data


@cache
def _load(folder: str) -> dict[str, Any]:
    return read_manifest(Path(folder))


def manifest(folder: Path | None = None) -> dict[str, Any]:
    """The parsed manifest of the bundled data (cached; do not modify it)."""
    return _load(str(folder or bundled_data_dir()))


def entries(dataset: str | None = None, folder: Path | None = None) -> dict[str, dict[str, Any]]:
    """Manifest entries by file name, optionally only those of one dataset."""
    files = manifest(Path(folder) if folder else None)["files"]
    return {k: v for k, v in files.items() if dataset is None or v.get("dataset") == dataset}


def check_sha256(path: Path, raw: bytes, expected: str, remedy: str) -> str:
    """The hex sha256 of ``raw`` (the bytes read from ``path``); :class:`DataError` naming the
    file and both hashes if it is not ``expected`` (what its manifest records)."""
    digest = hashlib.sha256(raw).hexdigest()
    if digest != expected:
        raise DataError(
            f"{path}: the file changed since it was recorded: its sha256 is {digest}, the"
            f" manifest ({path.parent / MANIFEST_NAME}) records {expected}. {remedy}"
        )
    return digest


#: What to do about a bundled file whose bytes differ from data/manifest.json.
BUNDLED_REMEDY = (
    "Restore it (reinstall burdenshare, or `git checkout` the file in a source checkout). To use"
    " an edited copy on purpose, save it outside the package and pass it as path= (it is then"
    " recorded as your own file)."
)


def read_checked(folder: Path, name: str) -> bytes:
    """The bytes of bundled file ``name``, after checking them against the manifest's sha256."""
    entry = entries(folder=folder).get(name)
    path = Path(folder) / name
    if entry is None:
        raise DataError(f"{path}: not listed in {Path(folder) / MANIFEST_NAME}. {_remedy(folder)}")
    raw = read_data_file(path)
    check_sha256(path, raw, str(entry["sha256"]), BUNDLED_REMEDY)
    return raw


@dataclass(frozen=True)
class Mismatch:
    """A file whose bytes or rows differ from the manifest (or that is missing or unlisted)."""

    file: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


def verify(folder: Path | None = None) -> list[Mismatch]:
    """Recompute checksums and row counts of every listed file; return the mismatches.

    Works on the bundled data and on an imported-data folder alike; a missing, corrupt or
    incomplete manifest raises :class:`DataError`.
    """
    folder = Path(folder or bundled_data_dir())
    listed = read_manifest(folder, IMPORTED_FIELDS)["files"]
    check_inside(folder, list(listed))
    problems: list[Mismatch] = []
    for name, entry in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(Mismatch(name, "file is missing"))
            continue
        try:
            digest = sha256_of(path)
        except DataError as exc:
            problems.append(Mismatch(name, f"cannot be read: {exc}"))
            continue
        if digest != entry["sha256"]:
            problems.append(
                Mismatch(
                    name, f"sha256 {digest[:12]}… differs from manifest {entry['sha256'][:12]}…"
                )
            )
        try:
            rows = count_rows(path)
        except (UnicodeDecodeError, csv.Error, DataError):
            problems.append(Mismatch(name, "is not a UTF-8 CSV file"))
            continue
        if rows != entry["rows"]:
            problems.append(Mismatch(name, f"{rows} rows, manifest says {entry['rows']}"))
    for path in sorted(folder.glob("*.csv")):
        if path.name not in listed:
            problems.append(Mismatch(path.name, "is not described in the manifest"))
    return problems
