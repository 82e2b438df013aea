"""Files of data/ that have a publisher's workbook are written from it by the package's importers.

A file entry with ``workbook`` (NATO 2024: ``raw/240617-def-exp-2024-TABLES-en.xlsx``; SIPRI 2025:
``raw/SIPRI-Milex-data-1949-2024_2.xlsx``) is parsed by :mod:`burdenshare.importers`, i.e. the
code a user runs with ``burdenshare data import``, so the bundled files and user imports cannot
drift. The result must give the same file text as the source CSV; any difference stops the build.
A file with a ``workbook`` and no ``source`` (the SIPRI world spenders) is the importer's frame
for the countries ``codes: workbook_countries`` lists.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from burdenshare.importers import read_nato_workbook, read_sipri_workbook

from .common import DATA, RAW
from .metadata import CurationError, FileSpec

#: Dataset -> the importer that reads its publisher's workbook (path, edition label, countries).
READERS: dict[str, Callable[..., pd.DataFrame]] = {
    "nato_spending": read_nato_workbook,
    "sipri_milex": read_sipri_workbook,
    "sipri_world": read_sipri_workbook,
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


def only_workbook(spec: FileSpec, countries: list[str] | None) -> pd.DataFrame | None:
    """The importer's frame of a file built from its workbook alone, for ``countries``; None
    (keep data/'s file as it is) if the raw workbooks are not at hand."""
    if not countries:
        raise CurationError(f"{spec.name}: no countries under codes: workbook_countries")
    if not RAW.is_dir():
        if not (DATA / spec.name).is_file():
            raise CurationError(f"{spec.name}: {RAW} not found and no {DATA / spec.name} to keep")
        print(f"{spec.name}: {RAW} not found, data/'s file kept as it is")
        return None
    reader = READERS.get(spec.manifest["dataset"])
    if reader is None:
        raise CurationError(f"{spec.name}: no importer reads a {spec.manifest['dataset']} workbook")
    return reader(str(RAW / spec.workbook), spec.edition, countries)
