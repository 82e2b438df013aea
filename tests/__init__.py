"""Shared test helpers and paths (import them as ``from tests import REPO, write_csv, ...``).

Every test module finds the repository, the notebooks, the fixtures and the gathered sources here,
and writes its bad-input files with :func:`write_csv`.

What a test needs from outside the package is a mark here, in the style of xarray's
``requires_*``: ``@requires_chromium``, ``@requires_playwright``, ``@requires_axe``,
``@requires_dask``. A test carrying one is skipped when the thing is missing, and fails under CI
(``CI`` set), which installs all of them (tests/conftest.py acts on the marks).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path

#: The test processes do without jsonschema's optional IRI format check, as the runner's warm
#: process does (burdenshare.reports.engine.warm_main): notebook validation does not use it, and
#: building its grammar when nbformat is imported cost 1.2-3 s in every pytest process (jsonschema
#: issue 1428). Set before anything imports jsonschema; kernels and CLI processes the tests start
#: are fresh interpreters and keep it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from burdenshare.paths import bundled_data_dir  # noqa: E402
from burdenshare.reports.site.pdf import find_chromium  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATA = bundled_data_dir()
NOTEBOOKS = REPO / "notebooks"
FIXTURES = REPO / "tests" / "fixtures"
FIXTURE_NOTEBOOKS = FIXTURES / "notebooks"
#: The gathered sources (../shared beside the checkout); BURDENSHARE_SHARED overrides the folder.
SHARED = Path(os.environ.get("BURDENSHARE_SHARED", REPO.parent / "shared"))
RAW = SHARED / "sources" / "raw"
#: axe-core from npm (``npm ci --prefix tests/browser``), for the accessibility checks.
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"


def _requires(thing: str, found: bool, how: str) -> pytest.MarkDecorator:
    """A mark: the test needs ``thing`` (installed by ``how``); skipped without it, failed under CI."""
    return pytest.mark.requires(thing=thing, found=found, how=how)


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


has_chromium = find_chromium() is not None
requires_chromium = _requires("chromium", has_chromium, "apt-get install chromium")
has_playwright = _has_module("playwright")
requires_playwright = _requires("playwright", has_playwright, 'pip install -e ".[test]"')
has_axe = AXE.is_file()
requires_axe = _requires("axe-core", has_axe, "npm ci --prefix tests/browser")
has_dask = _has_module("distributed")
requires_dask = _requires("dask.distributed", has_dask, 'pip install -e ".[dask]"')


#: The hypothesis profile of the quick loop (``-m "not slow"``; tests/conftest.py registers it).
QUICK_PROFILE = "quick"


def examples(n: int) -> int:
    """``max_examples`` for a property test that sets its own: ``n`` in the full run, at most the
    quick profile's number in the quick loop (``@settings(max_examples=examples(60))``)."""
    if settings.get_current_profile_name() == QUICK_PROFILE:
        return min(n, settings.default.max_examples)
    return n


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
