"""Files of data/ that have a publisher's workbook are written from it by the package's importers.

A file entry with ``workbook`` (NATO 2024: ``raw/240617-def-exp-2024-TABLES-en.xlsx``; SIPRI 2025:
``raw/SIPRI-Milex-data-1949-2024_2.xlsx``) is parsed by :mod:`burdenshare.importers`, i.e. the
code a user runs with ``burdenshare data import``, so the bundled files and user imports cannot
drift. The result must give the same file text as the source CSV; any difference stops the build.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from burdenshare.importers import read_nato_workbook, read_sipri_workbook

from .common import RAW
from .metadata import CurationError, FileSpec

#: Dataset -> the importer that reads its publisher's workbook (path, edition label).
READERS: dict[str, Callable[[str, str], pd.DataFrame]] = {
    "nato_spending": read_nato_workbook,
    "sipri_milex": read_sipri_workbook,
}


def from_workbook(spec: FileSpec, curated: pd.DataFrame) -> pd.DataFrame:
    """The importer's frame for ``spec`` (``curated`` if the raw workbooks are not at hand)."""
    if not RAW.is_dir():
        print(f"{spec.name}: {RAW} not found, written from the source CSV without the workbook")
        return curated
    reader = READERS.get(spec.manifest["dataset"])
    if reader is None:
        raise CurationError(f"{spec.name}: no importer reads a {spec.manifest['dataset']} workbook")
    workbook = RAW / spec.workbook
    imported = reader(str(workbook), spec.edition)
    ours = imported.to_csv(index=False, lineterminator="\n").splitlines()
    theirs = curated.to_csv(index=False, lineterminator="\n").splitlines()
    differs = f"{spec.name}: the importer's file from {workbook} and the one from {spec.source}"
    for line, (a, b) in enumerate(zip(ours, theirs, strict=False), start=1):
        if a != b:
            raise CurationError(f"{differs} differ at line {line}:\n  importer: {a}\n  CSV: {b}")
    if len(ours) != len(theirs):
        raise CurationError(f"{differs} have {len(ours)} and {len(theirs)} lines")
    return imported
