"""Report runner: discover parameterized notebooks, expand grids, serve unchanged reports from a
content-addressed cache, execute the others concurrently on kernels forked from a warm process
(or on Dask), export HTML, and publish the report site atomically. Notebooks record key results
with :func:`record_results`."""

from __future__ import annotations

from .results import read_headline, read_results, record_results

__all__ = [
    "NotebookInfo",
    "ReportOutcome",
    "ReportSpec",
    "RunInterrupted",
    "RunOptions",
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

_LAZY = {  # heavy parts (papermill, nbformat) load on first use only
    "NotebookInfo": "planning",
    "ReportSpec": "planning",
    "discover": "planning",
    "plan": "planning",
    "ReportOutcome": "outcome",
    "execute_report": "engine.execute",
    "RunOptions": "options",
    "RunInterrupted": "runner",
    "RunSummary": "runner",
    "run_report": "runner",
    "run_reports": "runner",
}


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)
