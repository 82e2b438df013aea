"""What one report produced, executed now or served from the cache (light: no notebook
machinery, so a run served from the cache never imports papermill or nbformat).

:class:`ReportOutcome` is the one description of a report's outcome; its three serialised views
are derived from its fields (docs/ARCHITECTURE.md, "Runner and site"):

- ``"notebook"``: ``nb.metadata["burdenshare"]["report"]`` of the executed notebook (what its page
  shows: parameters, data read, engine, failure);
- ``"manifest"``: the report's entry in the run manifest (what the landing page shows);
- ``"cache"``: the ``outcome`` of its cache entry (read back by :meth:`ReportOutcome.from_view`).

Each field says in its metadata which views carry it (:class:`Carried`); a field in no view says
so with ``carried()``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

NOTEBOOK, MANIFEST, CACHE = "notebook", "manifest", "cache"
VIEWS = (NOTEBOOK, MANIFEST, CACHE)


def utc_now() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Carried:
    """Which views carry a field of :class:`ReportOutcome`, and how.

    ``key``: its name in the views (default: the field's name). ``in_manifest``: how the manifest
    writes it, from the whole outcome (default: as it is). ``after``: the field the manifest
    lists it after (default: in field order).
    """

    views: tuple[str, ...]
    key: str = ""
    in_manifest: Callable[[ReportOutcome], Any] | None = None
    after: str = ""


def carried(
    *views: str, key: str = "", in_manifest: Any = None, after: str = ""
) -> dict[str, Carried]:
    """The metadata of a field carried by ``views`` (see :class:`Carried`)."""
    return {"carried": Carried(views, key, in_manifest, after)}


_MAIN_FILES = ("html", "ipynb", "pdf")


def files_entry(files: Mapping[str, Any], stem: str) -> dict[str, Any]:
    """The manifest's ``files`` of a report: its page, notebook and PDF by kind, its CSV
    downloads, and any other files."""
    entry: dict[str, Any] = {k: f"{stem}.{k}" for k in _MAIN_FILES if f"{stem}.{k}" in files}
    rest = sorted(set(files) - set(entry.values()))
    entry["csv"] = [name for name in rest if name.endswith(".csv")]
    other = [name for name in rest if not name.endswith(".csv")]
    if other:
        entry["other"] = other
    return entry


def _manifest_duration(outcome: ReportOutcome) -> float:
    return round(outcome.duration_s, 3)


def _manifest_headline(outcome: ReportOutcome) -> dict[str, Any]:
    return {"title": outcome.headline.get("title"), "labels": outcome.headline.get("labels", {})}


def _manifest_files(outcome: ReportOutcome) -> dict[str, Any]:
    return files_entry(outcome.files, outcome.stem)


@dataclass
class ReportOutcome:
    """What one report produced (executed now, or served from the cache).

    ``files`` maps output file names (all starting with the stem) to their bytes. ``datasets``
    are the :class:`burdenshare.tables.Read` records (as dicts) of the data the kernel loaded.
    ``timings`` splits ``duration_s`` into its steps (see :data:`TIMING_STEPS`).
    """

    notebook: str = field(metadata=carried(*VIEWS))
    stem: str = field(metadata=carried(*VIEWS))
    parameters: dict[str, Any] = field(metadata=carried(*VIEWS))
    status: str = field(metadata=carried(*VIEWS))  # "ok" or "failed"
    duration_s: float = field(
        metadata=carried(MANIFEST, CACHE, in_manifest=_manifest_duration, after="failing_cell")
    )
    error: str = field(default="", metadata=carried(*VIEWS))
    failing_cell: int | None = field(default=None, metadata=carried(*VIEWS))
    cached: bool = field(default=False, metadata=carried(MANIFEST))
    ran_at: str = field(default="", metadata=carried(*VIEWS))
    engine: str = field(default="", metadata=carried(*VIEWS))
    engine_reason: str = field(default="", metadata=carried(*VIEWS))
    # the kernel's exit status (-N: signal N); None: unknown (an ordinary kernel still running)
    kernel_exit: int | None = field(default=None, metadata=carried(*VIEWS))
    results: dict[str, Any] = field(default_factory=dict, metadata=carried(MANIFEST, CACHE))
    headline: dict[str, Any] = field(
        default_factory=dict, metadata=carried(MANIFEST, CACHE, in_manifest=_manifest_headline)
    )
    notebook_meta: dict[str, Any] = field(default_factory=dict, metadata=carried(MANIFEST, CACHE))
    datasets: list[dict[str, Any]] = field(default_factory=list, metadata=carried(*VIEWS))
    files: dict[str, bytes] = field(
        default_factory=dict, metadata=carried(MANIFEST, in_manifest=_manifest_files)
    )
    timings: dict[str, float] = field(default_factory=dict, metadata=carried(MANIFEST, CACHE))
    cache_note: str = field(default="", metadata=carried(MANIFEST, key="cache"))
    # the kernel reported the datasets it read (else: unknown): known to this run only
    measured: bool = field(default=False, metadata=carried())

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

    def to_view(self, view: str) -> dict[str, Any]:
        """The outcome as ``view`` (one of :data:`VIEWS`) carries it."""
        encode = view == MANIFEST
        return {
            how.key or name: how.in_manifest(self)
            if encode and how.in_manifest
            else getattr(self, name)
            for name, how in view_fields(view)
        }

    @classmethod
    def from_view(cls, view: str, values: Mapping[str, Any], **more: Any) -> ReportOutcome:
        """The outcome from ``values`` as ``view`` carries them (the cache's view: it keeps each
        value as it is), with ``more`` fields; TypeError for an unknown key or a missing field."""
        names = {how.key or name: name for name, how in view_fields(view)}
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise TypeError(f"the {view} view has no field {unknown[0]!r}")
        return cls(**{names[key]: value for key, value in values.items()}, **more)


def view_fields(view: str, cls: type = ReportOutcome) -> list[tuple[str, Carried]]:
    """(field name, :class:`Carried`) of the fields ``view`` carries, in its order."""
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, not {view!r}")
    found = [(f.name, f.metadata["carried"]) for f in fields(cls)]
    found = [(name, how) for name, how in found if view in how.views]
    if view != MANIFEST:
        return found
    rank = {name: float(i) for i, (name, _) in enumerate(found)}
    for name, how in found:
        if how.after:
            rank[name] = rank[how.after] + 0.5
    return sorted(found, key=lambda item: rank[item[0]])


def fields_without_views(cls: type = ReportOutcome) -> list[str]:
    """Fields of ``cls`` that do not say which views carry them (each must: see the module)."""
    return [f.name for f in fields(cls) if not isinstance(f.metadata.get("carried"), Carried)]


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
    """What the runner stores in ``nb.metadata["burdenshare"]["report"]`` (docs/ARCHITECTURE.md,
    "Runner and site")."""
    return outcome.to_view(NOTEBOOK)
