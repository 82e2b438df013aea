"""The loop that turns a metadata file into files of an output folder and their manifest entries."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .common import DATA, SHARED, read_source, write_csv
from .metadata import BY_HAND, CurationError, FileSpec, Metadata
from .workbooks import from_workbook, only_workbook

#: Derives a table's columns from its source frame (already renamed and with its fixed columns).
Builder = Callable[[pd.DataFrame, FileSpec, Metadata], pd.DataFrame]


def build_files(
    meta: Metadata, builders: Mapping[str, Builder], out: Path
) -> dict[str, dict[str, Any]]:
    """Write every file ``meta`` lists into ``out``; return their manifest entries."""
    missing = {spec.table for spec in meta.files.values()} - {*builders, BY_HAND}
    if missing:
        raise CurationError(f"{meta.path}: no builder for table(s) {', '.join(sorted(missing))}")
    for spec in meta.files.values():
        if spec.table == BY_HAND:
            if not (DATA / spec.name).is_file():
                raise CurationError(f"{DATA / spec.name}: missing (edited by hand; restore it)")
            if out.resolve() != DATA.resolve():
                shutil.copyfile(DATA / spec.name, out / spec.name)
            continue
        if not spec.source:  # the publisher's workbook is the only source
            frame = only_workbook(spec, meta.code("workbook_countries").get(spec.name))
            if frame is None:
                if out.resolve() != DATA.resolve():
                    shutil.copyfile(DATA / spec.name, out / spec.name)
                continue
            frame = frame[meta.tables[spec.table].columns]
        else:
            frame = tidy(spec, meta, builders[spec.table])
        if spec.workbook and spec.source:
            frame = from_workbook(spec, frame)
        write_csv(frame, out / spec.name)
    return {name: spec.manifest for name, spec in meta.files.items()}


def tidy(spec: FileSpec, meta: Metadata, builder: Builder) -> pd.DataFrame:
    """The frame of one file: source columns renamed, fixed values set, derived, selected."""
    table = meta.tables[spec.table]
    src = read_source(spec.source)
    absent = [theirs for theirs in table.renamed.values() if theirs not in src.columns]
    if absent:
        raise CurationError(
            f"{SHARED / spec.source}: no column {absent[0]!r} (renamed in {meta.path}: tables: "
            f"{spec.table})"
        )
    src = src.rename(columns={theirs: ours for ours, theirs in table.renamed.items()})
    frame = builder(src.assign(**table.fixed), spec, meta)
    absent = [column for column in table.columns if column not in frame.columns]
    if absent:
        raise CurationError(
            f"{meta.path}: tables: {spec.table}: column {absent[0]!r} is neither in "
            f"{SHARED / spec.source} nor derived by the builder"
        )
    return frame[table.columns]
