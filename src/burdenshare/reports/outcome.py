"""What one report produced, executed now or served from the cache (light: no notebook
machinery, so a run served from the cache never imports papermill or nbformat)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


def utc_now() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass
class ReportOutcome:
    """What one report produced (executed now, or served from the cache).

    ``files`` maps output file names (all starting with the stem) to their bytes. ``datasets`` are the :class:`burdenshare.tables.Read`
    records (as dicts) of the data the kernel loaded. ``timings`` splits ``duration_s`` into its
    steps (see :data:`TIMING_STEPS`).
    """

    notebook: str
    stem: str
    parameters: dict[str, Any]
    status: str  # "ok" or "failed"
    duration_s: float
    error: str = ""
    failing_cell: int | None = None
    results: dict[str, Any] = field(default_factory=dict)
    headline: dict[str, Any] = field(default_factory=dict)
    notebook_meta: dict[str, Any] = field(default_factory=dict)
    datasets: list[dict[str, Any]] = field(default_factory=list)
    engine: str = ""
    engine_reason: str = ""
    kernel_exit: int | None = None  # the kernel's exit status (-N: signal N); None: unknown
    cached: bool = False
    ran_at: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    cache_note: str = ""
    measured: bool = False  # the kernel reported the datasets it read (else: unknown)

    def data(self, name: str) -> bytes:
        """The bytes of one output file."""
        return self.files[name]

    @property
    def ipynb(self) -> str:
        """The executed notebook's JSON text ("" when there is none)."""
        name = f"{self.stem}.ipynb"
        return self.data(name).decode("utf-8") if name in self.files else ""

    @property
    def html(self) -> str:
        """The report page's HTML text ("" when there is none)."""
        name = f"{self.stem}.html"
        return self.data(name).decode("utf-8") if name in self.files else ""


#: The steps of a report's time, as recorded in ``ReportOutcome.timings``: getting a kernel
#: process (fork, or ordinary start), waiting for it to answer, the cells, the figures rendered in
#: the cells (part of "cells"; measured when profiling), exporting the page, storing it in the
#: cache, writing it into the staging folder.
TIMING_STEPS = (
    "kernel_launch",
    "kernel_ready",
    "cells",
    "figures",
    "html",
    "cache_store",
    "write",
)


def report_metadata(outcome: ReportOutcome) -> dict[str, Any]:
    """What the runner stores in ``nb.metadata["burdenshare"]["report"]`` (see CONTRACTS)."""
    return {
        "stem": outcome.stem,
        "notebook": outcome.notebook,
        "parameters": outcome.parameters,
        "datasets": outcome.datasets,
        "engine": outcome.engine,
        "engine_reason": outcome.engine_reason,
        "status": outcome.status,
        "error": outcome.error,
        "failing_cell": outcome.failing_cell,
        "ran_at": outcome.ran_at,
    }
