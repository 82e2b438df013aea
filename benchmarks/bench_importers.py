"""Time the workbook importers on the publishers' real files (prints seconds, rows and ratios).

Run from the repository root: ``PYTHONPATH=src python benchmarks/bench_importers.py``. Needs
../shared/sources/raw (or ``$BURDENSHARE_SHARED/sources/raw``); prints a note and exits otherwise.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from burdenshare.importers import import_workbook, read_nato_workbook, read_sipri_workbook
from burdenshare.schemas import SIPRI, SPENDING
from burdenshare.validation import read_table

REPO = Path(__file__).resolve().parents[1]
RAW = Path(os.environ.get("BURDENSHARE_SHARED", REPO.parent / "shared")) / "sources" / "raw"
CASES = [
    ("nato", "240617-def-exp-2024-TABLES-en.xlsx", read_nato_workbook, SPENDING),
    ("sipri", "SIPRI-Milex-data-1949-2024_2.xlsx", read_sipri_workbook, SIPRI),
]


def _best(run, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    if not RAW.is_dir():
        print(f"{RAW} not found: nothing to measure")
        return
    for kind, name, reader, spec in CASES:
        path = RAW / name
        parse = _best(lambda path=path, reader=reader: reader(path))
        rows = len(reader(path))
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            result = import_workbook(kind, path, folder=folder)
            store = time.perf_counter() - start
            again = _best(
                lambda path=path, kind=kind, folder=folder: import_workbook(
                    kind, path, folder=folder
                )
            )
            csv = _best(lambda result=result, spec=spec: read_table(result.path, spec))
        print(
            f"{kind:5} {name}: {rows} rows; parse+validate {parse:.2f} s, import (parse, write,"
            f" manifest) {store:.2f} s, repeat import (no-op) {again:.3f} s; reading the stored CSV"
            f" {csv:.2f} s (workbook/CSV ratio {parse / csv:.1f})"
        )


if __name__ == "__main__":
    main()
