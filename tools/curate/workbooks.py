"""Build the bundled editions that have a publisher's workbook with the package's own importers.

NATO 2024 (``raw/240617-def-exp-2024-TABLES-en.xlsx``) and SIPRI 2025
(``raw/SIPRI-Milex-data-1949-2024_2.xlsx``) in ../shared/sources are parsed by
:mod:`burdenshare.importers`, i.e. the code a user runs with ``burdenshare data import``, so the
bundled files and user imports cannot drift. The result is also compared with the CSV-based path of
:mod:`tools.curate.spending`; any difference stops the build. Manifest entries keep the provenance
recorded in ``spending`` (same titles, sources, notes).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from burdenshare.importers import read_nato_workbook, read_sipri_workbook

from . import spending
from .common import SHARED, write_csv, write_manifest_entries

RAW = SHARED / "raw"
#: Bundled file -> (workbook in ../shared/sources/raw, edition label).
NATO_WORKBOOKS = {"nato_defexp_2024.csv": ("240617-def-exp-2024-TABLES-en.xlsx", "2024")}
SIPRI_WORKBOOKS = {"sipri_milex_2025.csv": ("SIPRI-Milex-data-1949-2024_2.xlsx", "2025")}


def _same(imported: pd.DataFrame, curated: pd.DataFrame, what: str) -> None:
    """Stop the build if the workbook path and the CSV path do not give the same file text."""
    ours = imported.to_csv(index=False, lineterminator="\n").splitlines()
    theirs = curated.to_csv(index=False, lineterminator="\n").splitlines()
    for line, (a, b) in enumerate(zip(ours, theirs, strict=False), start=1):
        if a != b:
            raise SystemExit(f"{what}: line {line} differs:\n  importer: {a}\n  CSV path: {b}")
    if len(ours) != len(theirs):
        raise SystemExit(f"{what}: importer gives {len(ours)} lines, CSV path {len(theirs)}")


def build() -> None:
    """Rebuild the workbook-backed bundled files and their manifest entries."""
    if not RAW.is_dir():
        print(f"skipped: {RAW} not found (the publishers' workbooks are not in the project)")
        return
    entries: dict[str, dict[str, Any]] = {}
    for name, (workbook, label) in NATO_WORKBOOKS.items():
        frame = read_nato_workbook(RAW / workbook, label)
        _same(frame, spending.nato_edition(label), name)
        write_csv(frame, name)
        meta = spending.NATO_EDITIONS[label]
        entries[name] = {
            "title": meta["title"],
            "dataset": "nato_spending",
            "schema": "nato_spending",
            "edition": label,
            "released": meta["released"],
            "definition": meta["definition"],
            "sources": meta["sources"],
            "licence": spending.NATO_LICENCE,
            "notes": meta["notes"],
        }
    for name, (workbook, label) in SIPRI_WORKBOOKS.items():
        frame = read_sipri_workbook(RAW / workbook, label)
        _same(frame, spending.sipri_release(label), name)
        write_csv(frame, name)
        meta = spending.SIPRI_RELEASES[label]
        entries[name] = {
            "title": meta["title"],
            "dataset": "sipri_milex",
            "schema": "sipri_milex",
            "edition": label,
            "released": meta["released"],
            "sources": meta["sources"],
            "licence": spending.SIPRI_LICENCE,
            "notes": spending.SIPRI_NOTES,
        }
    write_manifest_entries(entries)
