"""Report runner: discover parameterized notebooks, expand grids, execute them concurrently on
kernels forked from a warm process (or on Dask), export HTML, write ``index.html`` and
``manifest.json``. Notebooks record key results with :func:`record_results`."""

from __future__ import annotations

from .results import read_headline, read_results, record_results

__all__ = [
    "NotebookInfo",
    "ReportOutcome",
    "ReportSpec",
    "RunSummary",
    "discover",
    "execute_report",
    "plan",
    "read_headline",
    "read_results",
    "record_results",
    "run_report",
    "run_reports",
]


def __getattr__(name: str):  # heavy parts (papermill, nbformat) load on first use only
    if name in ("NotebookInfo", "ReportSpec", "discover", "plan"):
        from . import planning as _plan

        return getattr(_plan, name)
    if name in ("ReportOutcome", "execute_report"):
        from . import execute

        return getattr(execute, name)
    if name in ("RunSummary", "run_report", "run_reports"):
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
