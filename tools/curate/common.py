"""Helpers the curation modules share: folders, reading sources, code-table lookups, writing files.

The curation reads and writes files itself (pandas and the csv module), so it does not depend on
the package's loaders, schemas or manifest code, which change on their own schedule.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from .metadata import CurationError, FileSpec, Metadata

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SHARED = Path(os.environ.get("BURDENSHARE_SHARED", REPO.parent / "shared")) / "sources"
RAW = SHARED / "raw"
MANIFEST_NAME = "manifest.json"
ABOUT = (
    "Provenance of every bundled file: title, dataset, edition or release, sources, "
    "licence or terms note, sha256 and row count. Rebuilt by `python -m tools.curate`."
)


def read_source(relative: str) -> pd.DataFrame:
    """A source CSV from ../shared/sources, every cell as text (empty cells stay '')."""
    path = SHARED / relative
    if not path.is_file():
        raise CurationError(
            f"{path}: source file not found; set BURDENSHARE_SHARED to the folder that holds "
            "sources/ (the gathered sources live outside the project)"
        )
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _unknown(
    values: pd.Series, known: pd.Series, spec: FileSpec, meta: Metadata, code: str
) -> None:
    """Raise for the first value that no entry of code table ``code`` covers."""
    if known.all():
        return
    position = int((~known.to_numpy()).argmax())
    raise CurationError(
        f"{SHARED / spec.source}: data row {values.index[position] + 1}: "
        f"{values.iloc[position]!r} is not in codes: {code} of {meta.path}; add it there"
    )


def lookup(values: pd.Series, meta: Metadata, code: str, spec: FileSpec) -> pd.Series:
    """``values`` translated by code table ``code``; a value it lacks is an error."""
    table = meta.code(code)
    _unknown(values, values.isin(list(table)), spec, meta, code)
    return values.map(table)


def by_prefix(values: pd.Series, meta: Metadata, code: str, spec: FileSpec) -> pd.Series:
    """``values`` translated by the first key of code table ``code`` that each one starts with."""
    table = meta.code(code)
    found = values.map(lambda text: next((table[k] for k in table if text.startswith(k)), None))
    _unknown(values, found.notna(), spec, meta, code)
    return found


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a tidy CSV (UTF-8, '\\n' line ends, floats in shortest round-trip form)."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count_rows(path: Path) -> int:
    """Data rows of a CSV file (header excluded, quoted line breaks inside a row)."""
    text = path.read_text(encoding="utf-8-sig")
    return sum(1 for row in csv.reader(io.StringIO(text)) if row) - 1


def write_manifest(folder: Path, entries: dict[str, dict[str, Any]]) -> None:
    """Merge entries into ``folder``/manifest.json, adding each file's sha256 and row count."""
    path = folder / MANIFEST_NAME
    current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"files": {}}
    current.setdefault("about", ABOUT)
    for name, entry in entries.items():
        file = folder / name
        current["files"][name] = {**entry, "sha256": sha256_of(file), "rows": count_rows(file)}
    current["files"] = dict(sorted(current["files"].items()))
    path.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
