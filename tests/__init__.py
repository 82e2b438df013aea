"""Shared test helpers and paths (import them as ``from tests import REPO, write_csv, ...``).

Every test module finds the repository, the notebooks, the fixtures and the gathered sources here,
and writes its bad-input files with :func:`write_csv`.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

import pytest

from burdenshare.paths import bundled_data_dir

REPO = Path(__file__).resolve().parents[1]
DATA = bundled_data_dir()
NOTEBOOKS = REPO / "notebooks"
FIXTURES = REPO / "tests" / "fixtures"
FIXTURE_NOTEBOOKS = FIXTURES / "notebooks"
#: The gathered sources (../shared beside the checkout); BURDENSHARE_SHARED overrides the folder.
SHARED = Path(os.environ.get("BURDENSHARE_SHARED", REPO.parent / "shared"))
RAW = SHARED / "sources" / "raw"


def need_shared(path: Path) -> Path:
    """``path`` under the gathered sources, or skip: they live outside the project."""
    if not path.exists():
        pytest.skip(
            f"{path} is not available: the publishers' files live in ../shared/sources, outside "
            "the project (set BURDENSHARE_SHARED to their folder to run this test)"
        )
    return path


def bundled_rows(name: str, n: int | None = None) -> list[dict[str, str]]:
    """The first ``n`` data rows (all if None) of a bundled CSV, as text."""
    text = (DATA / name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    return rows if n is None else rows[:n]


def write_csv(folder: Path, rows: Sequence[dict[str, str]], name: str = "mine.csv") -> Path:
    """Write ``rows`` (dicts with the same keys) as a CSV file in ``folder``; return its path."""
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path
