"""The kinds of publisher's release `burdenshare data import` reads, and the import itself.

``nato``: NATO's "Defence Expenditure of NATO Countries" tables workbook; ``sipri``: SIPRI's Milex
workbook; ``kiel``: the Kiel Ukraine Support Tracker's release files (a folder or a zip). Each kind
parses its source into validated tables (:mod:`.nato_workbook`, :mod:`.sipri_workbook`,
:mod:`.kiel_release`), which :func:`~.store.store_release` stores in the user data folder.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import datasets
from ..errors import DataError, ParameterError
from ..paths import read_regular_file
from .kiel_release import LICENCE as KIEL_LICENCE
from .kiel_release import fingerprint, read_files, read_kiel_release
from .labels import check_kiel_label, check_year_label
from .nato_workbook import read_nato_workbook
from .sipri_workbook import read_sipri_workbook
from .store import (
    ImportResult,
    Release,
    already_imported,
    staged_csv,
    store_release,
    user_folder,
)


@dataclass(frozen=True)
class Kind:
    """One kind of release: what it is, how to fingerprint and read it, how its label looks."""

    what: str
    fingerprint: Callable[[Path], str]
    read: Callable[[Path, str | None], Release]
    check_label: Callable[[object], str]
    word: str  # "edition" or "release"


def _file_sha(path: Path) -> str:
    if path.is_dir():
        raise DataError(f"{path}: is a folder; pass the publisher's .xlsx workbook file.")
    return hashlib.sha256(read_regular_file(path, what="an .xlsx workbook")).hexdigest()


def _workbook_release(
    kind: str,
    path: Path,
    frame: pd.DataFrame,
    dataset: str,
    stem: str,
    title: str,
    licence: str,
) -> Release:
    label = str(frame["edition" if dataset == datasets.NATO_SPENDING else "release"].iloc[0])
    sha = _file_sha(path)
    table = staged_csv(
        frame, dataset, f"{stem}_{label}", f"{title} ({label}), imported from {path.name}"
    )
    return Release(
        kind,
        label,
        path,
        sha,
        [{"file": path.name, "sha256": sha, "what": "publisher's workbook as given"}],
        [table],
        licence,
    )


def _read_nato(path: Path, label: str | None) -> Release:
    frame = read_nato_workbook(path, label)
    return _workbook_release(
        "nato",
        path,
        frame,
        datasets.NATO_SPENDING,
        "nato_defexp",
        "Defence Expenditure of NATO Countries",
        "NATO public release; reproduction permitted with attribution (nato.int terms of use).",
    )


def _read_sipri(path: Path, label: str | None) -> Release:
    frame = read_sipri_workbook(path, label)
    return _workbook_release(
        "sipri",
        path,
        frame,
        datasets.SIPRI_MILEX,
        "sipri_milex",
        "SIPRI Military Expenditure Database",
        "(c) SIPRI; use of the data with citation (SIPRI terms of use).",
    )


#: Kiel dataset -> (file stem, what the table holds).
KIEL_TABLES = {
    datasets.KIEL_MONTHLY: ("kiel_monthly_by_donor", "monthly flows per donor"),
    datasets.KIEL_MONTHLY_TOTALS: (
        "kiel_monthly_totals",
        "monthly totals, military aid by source incl. NATO PURL",
    ),
    datasets.KIEL_SUPPORT: ("kiel_support", "EU members' aid as % of GDP and their EU shares"),
    datasets.KIEL_HEAVY_WEAPONS: ("kiel_heavy_weapons", "heavy weapons per donor and category"),
}
KIEL_NOTES = [
    "Money is nominal billion EUR (heavy weapons: EUR); monthly files hold flows per month.",
    "Allocations are dated at announcement (Kiel's month), not at delivery; months without"
    " activity are absent rows, not zeros.",
    "commitment_minus_allocation is Kiel's to_be_allocated and can be negative.",
    "% of donor GDP divides by the donor's 2021 GDP (Kiel's convention).",
    "EU institutions are EU_INST (Kiel's code EU), never an ISO3 code.",
]


def _fingerprint_kiel(path: Path) -> str:
    return fingerprint(read_files(path))


def _read_kiel(path: Path, label: str | None) -> Release:
    release = read_kiel_release(path, label)
    info = release.info
    extra = {
        "released": info.published.isoformat(),
        "data_through": f"{info.data_through:%Y-%m}",
        "release_title": info.title,
    }
    tables = []
    for dataset, frame in release.written.items():
        stem, what = KIEL_TABLES[dataset]
        title = f"Kiel Ukraine Support Tracker {info.label}: {what}, imported from {path.name}"
        tables.append(
            staged_csv(frame, dataset, f"{stem}_{info.label.lower()}", title, extra, "%Y-%m")
        )
    sources = [
        {"file": f.name, "sha256": f.sha256, "what": "Kiel release file as given"}
        for f in release.files.values()
    ]
    named = (
        f"Release as named in release_info.csv: {info.title}; data through"
        f" {info.data_through:%m/%Y}, published {info.published}."
    )
    return Release(
        "kiel",
        info.label,
        path,
        fingerprint(release.files),
        sources,
        tables,
        KIEL_LICENCE,
        [named, *KIEL_NOTES],
    )


KINDS: dict[str, Kind] = {
    "nato": Kind(
        "NATO 'Defence Expenditure of NATO Countries' tables workbook (.xlsx)",
        _file_sha,
        _read_nato,
        check_year_label,
        "edition",
    ),
    "sipri": Kind(
        "SIPRI Military Expenditure Database workbook (.xlsx)",
        _file_sha,
        _read_sipri,
        lambda label: check_year_label(label, "Release label"),
        "release",
    ),
    "kiel": Kind(
        "Kiel Ukraine Support Tracker release files (a folder or a .zip of the six CSV files)",
        _fingerprint_kiel,
        _read_kiel,
        check_kiel_label,
        "release",
    ),
}


def import_release(
    kind: str,
    source: str | Path,
    label: str | None = None,
    *,
    replace: bool = False,
    folder: str | Path | None = None,
) -> ImportResult:
    """Parse a publisher's release and store it in the user data folder.

    ``kind``: "nato", "sipri" or "kiel". ``label``: the edition/release label to store (default:
    read from the source). Importing the same source again is a no-op ("unchanged"); a different
    source for a label already imported needs ``replace=True``. ``folder`` defaults to the user
    data folder (``BURDENSHARE_DATA_HOME``). Nothing is written unless the whole source parsed
    and validated; see :mod:`.store` for how the folder stays consistent.
    """
    if kind not in KINDS:
        choices = "; ".join(f"{name}: {k.what}" for name, k in KINDS.items())
        raise ParameterError(f"Unknown kind {kind!r}; choose one of {choices}.")
    spec = KINDS[kind]
    if label is not None:
        label = spec.check_label(label)
    target = user_folder(folder)
    path = Path(source)
    found = already_imported(kind, spec.fingerprint(path), label, target)
    if found is not None:
        return found
    return store_release(spec.read(path, label), replace=replace, folder=target)


def import_workbook(
    kind: str,
    workbook: str | Path,
    label: str | None = None,
    *,
    replace: bool = False,
    folder: str | Path | None = None,
) -> ImportResult:
    """Import a NATO or SIPRI workbook (``kind`` "nato" or "sipri"); see :func:`import_release`."""
    if kind not in ("nato", "sipri"):
        raise ParameterError(f"Unknown workbook kind {kind!r}; choose one of nato, sipri.")
    return import_release(kind, workbook, label, replace=replace, folder=folder)


def import_kiel(
    source: str | Path,
    release: str | None = None,
    *,
    replace: bool = False,
    folder: str | Path | None = None,
) -> ImportResult:
    """Import Kiel's release files (a folder or a zip); see :func:`import_release`."""
    return import_release("kiel", source, release, replace=replace, folder=folder)
