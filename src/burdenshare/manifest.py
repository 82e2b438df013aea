"""The data manifest: what each bundled file is, where it came from, and its checksum.

``data/manifest.json`` holds one entry per file (title, dataset, edition or release, sources,
licence note, sha256, row count, schema). :func:`verify` recomputes checksums and row counts.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import DataError
from .paths import bundled_data_dir

MANIFEST_NAME = "manifest.json"


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def count_rows(path: Path) -> int:
    """Number of data rows of a CSV file (header excluded; quoted newlines handled)."""
    text = Path(path).read_text(encoding="utf-8-sig")
    return sum(1 for row in csv.reader(io.StringIO(text)) if row) - 1


@cache
def _load(folder: str) -> dict[str, Any]:
    path = Path(folder) / MANIFEST_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"{path}: the data manifest is missing. Reinstall burdenshare or restore data/."
        ) from None


def manifest(folder: Path | None = None) -> dict[str, Any]:
    """The parsed manifest of the bundled data (cached; a copy-safe dict)."""
    return _load(str(folder or bundled_data_dir()))


def entries(dataset: str | None = None, folder: Path | None = None) -> dict[str, dict[str, Any]]:
    """Manifest entries by file name, optionally only those of one dataset."""
    files = manifest(Path(folder) if folder else None)["files"]
    return {k: v for k, v in files.items() if dataset is None or v.get("dataset") == dataset}


@dataclass(frozen=True)
class Mismatch:
    """A file whose bytes or rows differ from the manifest (or that is missing or unlisted)."""

    file: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.problem}"


def verify(folder: Path | None = None) -> list[Mismatch]:
    """Recompute checksums and row counts of every listed file; return the mismatches."""
    folder = Path(folder or bundled_data_dir())
    listed = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    problems: list[Mismatch] = []
    for name, entry in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            problems.append(Mismatch(name, "file is missing"))
            continue
        digest = sha256_of(path)
        if digest != entry["sha256"]:
            problems.append(
                Mismatch(
                    name, f"sha256 {digest[:12]}… differs from manifest {entry['sha256'][:12]}…"
                )
            )
        try:
            rows = count_rows(path)
        except UnicodeDecodeError:
            problems.append(Mismatch(name, "is not UTF-8 text"))
            continue
        if rows != entry["rows"]:
            problems.append(Mismatch(name, f"{rows} rows, manifest says {entry['rows']}"))
    for path in sorted(folder.glob("*.csv")):
        if path.name not in listed:
            problems.append(Mismatch(path.name, "is not described in the manifest"))
    return problems
