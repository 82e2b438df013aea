"""Store imported editions in the user data folder, with a manifest like data/manifest.json.

The folder is :func:`burdenshare.paths.user_data_dir_path` (``BURDENSHARE_DATA_HOME`` overrides
it), never the installed package. Each edition is one tidy CSV (``nato_defexp_<label>.csv``,
``sipri_milex_<label>.csv``) plus an entry in that folder's ``manifest.json``: dataset, edition,
source workbook name and sha256, import time, rows and the CSV's sha256. The loaders' registry
reads this manifest, so ``load_spending(edition=...)`` / ``load_sipri(release=...)`` serve the
import, taking precedence over a bundled edition with the same label.

Writes are atomic: the workbook is parsed and validated in memory first, then the CSV and the
manifest are each written to a temporary file and renamed into place, manifest last.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .._version import __version__
from ..errors import DataError, ParameterError
from ..manifest import MANIFEST_NAME, count_rows, entries, sha256_of
from ..paths import bundled_data_dir, user_data_dir_path
from .nato_workbook import read_nato_workbook
from .sipri_workbook import read_sipri_workbook


@dataclass(frozen=True)
class Kind:
    """What one publisher's workbook becomes."""

    dataset: str
    file_pattern: str
    reader: Callable[..., pd.DataFrame]
    label_column: str
    title: str
    licence: str


KINDS: dict[str, Kind] = {
    "nato": Kind(
        "nato_spending",
        "nato_defexp_{label}.csv",
        read_nato_workbook,
        "edition",
        "Defence Expenditure of NATO Countries",
        "NATO public release; reproduction permitted with attribution (nato.int terms of use).",
    ),
    "sipri": Kind(
        "sipri_milex",
        "sipri_milex_{label}.csv",
        read_sipri_workbook,
        "release",
        "SIPRI Military Expenditure Database",
        "(c) SIPRI; use of the data with citation (SIPRI terms of use).",
    ),
}


@dataclass(frozen=True)
class ImportResult:
    """Outcome of :func:`import_workbook`: ``status`` is "imported", "replaced" or "unchanged"."""

    dataset: str
    label: str
    path: Path
    rows: int
    status: str
    overrides_bundled: bool


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_folder(folder: Path) -> Path:
    folder = folder.expanduser().resolve()
    package = Path(__file__).resolve().parents[1]
    for forbidden in (package, bundled_data_dir().resolve()):
        if folder == forbidden or forbidden in folder.parents:
            raise ParameterError(
                f"{folder} is inside the burdenshare package or its bundled data; imported"
                " editions go to a user data folder. Set BURDENSHARE_DATA_HOME to another folder."
            )
    return folder


def read_user_manifest(folder: Path) -> dict[str, Any]:
    """The user folder's manifest (an empty one when the folder has none yet)."""
    path = folder / MANIFEST_NAME
    if not path.is_file():
        return {"about": "Editions imported with `burdenshare data import`.", "files": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("files"), dict):
            raise KeyError("files")
        return data
    except (json.JSONDecodeError, KeyError, AttributeError) as exc:
        raise DataError(
            f"{path}: the imported-data manifest is unreadable ({exc}). Move the folder aside and"
            " import the workbooks again."
        ) from None


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
    try:
        write(Path(tmp))
        with open(tmp, "rb") as stream:
            os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _bundled_labels(dataset: str) -> set[str]:
    return {str(e["edition"]) for e in entries(dataset).values()}


def import_workbook(
    kind: str,
    workbook: str | Path,
    label: str | None = None,
    *,
    replace: bool = False,
    folder: str | Path | None = None,
) -> ImportResult:
    """Parse a publisher's workbook and store it as an imported edition.

    ``kind``: "nato" or "sipri". ``label``: the edition/release label (default: read from the
    workbook). Importing the same file again is a no-op ("unchanged"); a different file for an
    edition already imported needs ``replace=True``. ``folder`` defaults to the user data folder.
    Nothing is written unless the whole workbook parsed and validated.
    """
    if kind not in KINDS:
        raise ParameterError(f"Unknown workbook kind {kind!r}; choose one of {', '.join(KINDS)}.")
    spec = KINDS[kind]
    source = Path(workbook)
    if not source.is_file():
        raise DataError(f"{source}: file not found. Check the path you passed.")
    if label is not None and not (len(str(label)) == 4 and str(label).isdigit()):
        raise ParameterError(f"Edition label {label!r}: expected a year such as 2026.")
    target_folder = _check_folder(Path(folder) if folder else user_data_dir_path())
    source_sha = _sha256(source)
    current = read_user_manifest(target_folder)
    mine = {n: e for n, e in current["files"].items() if e.get("dataset") == spec.dataset}

    for name, entry in mine.items():
        same_file = entry.get("source_sha256") == source_sha
        wanted = label is None or str(entry.get("edition")) == str(label)
        csv_path = target_folder / name
        if (
            same_file
            and wanted
            and csv_path.is_file()
            and sha256_of(csv_path) == entry.get("sha256")
        ):
            return ImportResult(
                spec.dataset,
                str(entry["edition"]),
                csv_path,
                int(entry["rows"]),
                "unchanged",
                str(entry["edition"]) in _bundled_labels(spec.dataset),
            )

    frame = spec.reader(source, label)
    new_label = str(frame[spec.label_column].iloc[0])
    name = spec.file_pattern.format(label=new_label)
    previous = mine.get(name)
    if previous is not None and previous.get("source_sha256") != source_sha and not replace:
        raise DataError(
            f"{spec.dataset} {spec.label_column} {new_label} was already imported from"
            f" {previous.get('source_file')} (sha256 {str(previous.get('source_sha256'))[:12]}…,"
            f" {previous.get('imported')}); {source.name} is a different file. Pass --replace"
            " (replace=True) to overwrite it."
        )

    target_folder.mkdir(parents=True, exist_ok=True)
    csv_path = target_folder / name
    _write_atomic(
        csv_path,
        lambda tmp: frame.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8"),
    )
    current["files"][name] = {
        "title": f"{spec.title} ({new_label}), imported from {source.name}",
        "dataset": spec.dataset,
        "schema": spec.dataset,
        "edition": new_label,
        "imported": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "source_file": source.name,
        "source_sha256": source_sha,
        "sources": [
            {"file": source.name, "sha256": source_sha, "what": "publisher's workbook as given"}
        ],
        "licence": spec.licence,
        "notes": [f"Imported with burdenshare {__version__} (`burdenshare data import {kind}`)."],
        "sha256": sha256_of(csv_path),
        "rows": count_rows(csv_path),
    }
    current["files"] = dict(sorted(current["files"].items()))
    text = json.dumps(current, indent=2, ensure_ascii=False) + "\n"
    _write_atomic(target_folder / MANIFEST_NAME, lambda tmp: tmp.write_text(text, "utf-8"))
    return ImportResult(
        spec.dataset,
        new_label,
        csv_path,
        len(frame),
        "replaced" if previous is not None else "imported",
        new_label in _bundled_labels(spec.dataset),
    )
