"""One report as a unit of work: served from the cache when nothing it depends on changed, else
executed (and stored). The local runner calls the two halves itself, executing on
:class:`Threads`; Dask workers call :func:`run_job` (through :func:`run_job_in_thread`), so the
cache is checked against the data on the machine that would run it.

The notebook machinery (papermill, nbformat, nbconvert) is imported only when a report has to be
executed or its page rendered: a run served entirely from the cache never loads it.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import datasets
from ..manifest import entries
from ..paths import bundled_data_dir
from .cache.provenance import DataCheck, environment, kernel_identity, sha256_bytes
from .cache.store import ReportCache, report_key, unsafe_cache_folder
from .options import RunOptions
from .outcome import CACHE, ReportOutcome, utc_now
from .planning import ReportSpec, read_notebook

if TYPE_CHECKING:  # the notebook machinery loads only when a report runs
    from .engine.execute import KernelGuard
    from .engine.warm import WarmProcess

#: Datasets the package reads without ``burdenshare.tables`` (so no report records them): the
#: sha256 of their files is part of every report's key instead.
UNRECORDED_DATASETS = (datasets.COUNTRIES,)

_KERNEL = "python3"


def _unrecorded_digest() -> str:
    folder = bundled_data_dir()
    parts = []
    for dataset in UNRECORDED_DATASETS:
        for name in sorted(entries(dataset)):
            try:
                parts.append(f"{name}:{sha256_bytes((folder / name).read_bytes())}")
            except OSError:
                parts.append(f"{name}:missing")
    return sha256_bytes("\n".join(parts).encode("utf-8"))


def key_context() -> tuple[dict[str, str], str, bool]:
    """(environment, kernelspec digest, whether the kernel runs this interpreter). The package
    and dependency digests are measured once per process; the kernelspec and the unrecorded
    data are looked up each time (they may change while a process lives on)."""
    kernel, same = kernel_identity(_KERNEL)
    return {**environment(), "reference_data": _unrecorded_digest()}, kernel, same


@dataclass
class Job:
    """A report to produce, with its notebook's bytes (read once: hashed and executed)."""

    spec: ReportSpec
    raw: bytes
    key: str = ""
    inputs: dict[str, Any] = field(default_factory=dict)
    note: str = ""


def prepare(
    spec: ReportSpec,
    cache: ReportCache | None,
    context: tuple[dict[str, str], str, bool] | None = None,
) -> Job:
    """Read the notebook and, with a cache, compute the report's key (``context``: the
    :func:`key_context` of the run, measured once)."""
    job = Job(spec, read_notebook(spec.path))
    if cache is None:
        job.note = "cache not used"
        return job
    env, kernel, same = context or key_context()
    if not same:
        job.note = (
            f"not cached: the {_KERNEL} kernelspec runs another interpreter, whose packages this"
            " run cannot check"
        )
        return job
    job.key, job.inputs = report_key(
        spec.notebook, spec.stem, spec.parameters, job.raw, env, kernel
    )
    return job


_RENDER_LOCK = threading.Lock()


def from_cache(
    job: Job, cache: ReportCache, check: DataCheck, show_code: bool
) -> ReportOutcome | None:
    """The cached outcome of ``job`` when nothing it depends on changed, else None (and
    ``job.note`` says why)."""
    entry, files, note = cache.lookup(job.key, show_code, check, Path(job.spec.path).parent)
    job.note = note
    if entry is None:
        return None
    try:
        outcome = ReportOutcome.from_view(
            CACHE, entry["outcome"], cached=True, files=files, cache_note=note, measured=True
        )
    except (TypeError, KeyError):  # an entry this version cannot read: run the report
        job.note = "cache entry unreadable: re-run"
        return None
    if f"{outcome.stem}.html" not in files:  # first time in this mode: render the cached notebook
        pages = render_cached(outcome, show_code)
        if pages is None:
            job.note = "cached notebook could not be rendered: re-run"
            return None
        cache.add_pages(job.key, show_code, pages, outcome.stem)
        outcome.files.update(pages)
    return outcome


def render_cached(outcome: ReportOutcome, show_code: bool) -> dict[str, bytes] | None:
    """The page files of a cached report in the requested mode (None if it cannot render)."""
    import nbformat  # lazy: only when a cached report lacks this mode's page

    from .site.pages import render_report  # lazy: nbconvert, likewise

    try:
        nb = nbformat.reads(outcome.data(f"{outcome.stem}.ipynb").decode("utf-8"), as_version=4)
        with _RENDER_LOCK:
            rendered = render_report(nb, stem=outcome.stem, show_code=show_code)
    except Exception:
        return None
    return {f"{outcome.stem}.html": rendered.html.encode("utf-8"), **rendered.files}


def _failed(spec: ReportSpec, what: str, exc: BaseException) -> ReportOutcome:
    return ReportOutcome(
        spec.notebook,
        spec.stem,
        dict(spec.parameters),
        "failed",
        0.0,
        f"{what}: {type(exc).__name__}: {exc}",
        ran_at=utc_now(),
    )


def run_kernel(
    job: Job,
    options: RunOptions,
    server: WarmProcess | None = None,
    guard: KernelGuard | None = None,
) -> tuple[ReportOutcome, Any]:
    """Execute the report's notebook: (outcome, executed notebook or None); never raises."""
    from .engine.execute import run_notebook  # lazy: papermill, nbformat

    try:
        return run_notebook(
            job.spec, options.engine, options.timeout, server,
            cell_timeout=options.cell_timeout, guard=guard, profile=options.profile,
            source=job.raw,
        )  # fmt: skip
    except Exception as exc:  # one report's unexpected failure must not stop the others
        return _failed(job.spec, "could not run the report", exc), None


def finish(
    job: Job,
    outcome: ReportOutcome,
    nb: Any,
    options: RunOptions,
    cache: ReportCache | None,
    check: DataCheck,
) -> ReportOutcome:
    """Export the executed report's page and store a success in the cache; never raises."""
    from .engine.execute import render_outcome  # lazy: nbformat

    if nb is not None:
        try:
            render_outcome(nb, outcome, options.show_code)
        except Exception as exc:
            outcome = _failed(job.spec, "could not export the page", exc)
    outcome.cache_note = job.note
    if cache is not None and job.key and outcome.status == "ok":
        _store(job, outcome, options.show_code, cache, check)
    return outcome


def _store(
    job: Job, outcome: ReportOutcome, show_code: bool, cache: ReportCache, check: DataCheck
) -> None:
    """Store a successful report in the cache (unless the data it read is unknown); its cache
    note says whether it was stored."""
    if not outcome.measured:
        outcome.cache_note = f"{job.note}; not stored: the kernel did not report the data it read"
        return
    start = time.perf_counter()
    catalogues = check.catalogues(outcome.datasets)
    try:
        cache.store(job.key, job.inputs, outcome, show_code, catalogues)
    except OSError as exc:  # a full or read-only cache must not fail the report
        outcome.cache_note = f"{job.note}; not stored ({exc.strerror or exc})"
    else:
        outcome.cache_note = f"{job.note}; stored"
    outcome.timings["cache_store"] = round(time.perf_counter() - start, 4)


def execute(
    job: Job,
    options: RunOptions,
    cache: ReportCache | None,
    check: DataCheck,
    server: WarmProcess | None = None,
    guard: KernelGuard | None = None,
) -> ReportOutcome:
    """Execute the report, export its page and store a success in the cache; never raises."""
    if options.engine == "fork" and server is None:
        from .engine.warm import default_server  # lazy: jupyter_client

        server = default_server()
    outcome, nb = run_kernel(job, options, server, guard)
    return finish(job, outcome, nb, options, cache, check)


def run_job(spec: ReportSpec, options: RunOptions) -> ReportOutcome:
    """Serve or execute one report (what a Dask worker runs). File contents come back as bytes,
    since the caller may be on another machine."""
    cache = None
    if options.use_cache and options.cache_dir and not unsafe_cache_folder(options.cache_dir):
        cache = ReportCache(options.cache_dir)  # a worker never trusts a cache others can write
    check = DataCheck()
    job = prepare(spec, cache)
    outcome = None
    if cache is not None and job.key and not options.force:
        outcome = from_cache(job, cache, check, options.show_code)
    if outcome is None:
        outcome = execute(job, options, cache, check)
    outcome.files = {name: outcome.data(name) for name in outcome.files}
    return outcome


def run_job_in_thread(spec: ReportSpec, options: RunOptions) -> ReportOutcome:
    """:func:`run_job` in a thread of its own, so nbclient gets its own event loop (what the
    runner submits to Dask); an unexpected error is a failed report, never a lost task."""
    box: list[ReportOutcome] = []

    def work() -> None:
        try:
            box.append(run_job(spec, options))
        except Exception as exc:
            box.append(_failed(spec, "could not run the report on the worker", exc))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return box[0]


def close_thread_loop() -> None:
    """Close the event loop that nbclient's ``run_sync`` left in this worker thread (it keeps one
    per thread and never closes it: "unclosed event loop" and its sockets at exit). The next
    call in the thread makes a new one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # no loop in this thread
        return
    if not loop.is_running() and not loop.is_closed():
        loop.close()
    asyncio.set_event_loop(None)


class Threads:
    """The local runner's threads: ``width`` kernel threads execute notebooks, each handing its
    executed notebook to one of ``width`` page threads that exports the page and stores the
    report (:func:`finish`), so its kernel slot is free at once. Outcomes arrive in ``done``."""

    def __init__(
        self,
        width: int,
        options: RunOptions,
        cache: ReportCache | None,
        check: DataCheck,
        server: WarmProcess | None,
        guard: KernelGuard,
    ):
        self.options, self.cache, self.check = options, cache, check
        self.server, self.guard = server, guard
        self.done: queue.Queue[ReportOutcome] = queue.Queue()
        self._kernels = ThreadPoolExecutor(max_workers=width, thread_name_prefix="report")
        self._pages = ThreadPoolExecutor(max_workers=width, thread_name_prefix="page")

    def submit(self, job: Job) -> None:
        """Execute ``job``; its outcome arrives in :attr:`done`."""
        self._kernels.submit(self._kernel, job)

    def _kernel(self, job: Job) -> None:
        try:
            outcome, nb = run_kernel(job, self.options, self.server, self.guard)
        finally:
            close_thread_loop()
        try:
            self._pages.submit(self._page, job, outcome, nb)
        except RuntimeError:  # the run is stopping: no more pages
            self.done.put(outcome)

    def _page(self, job: Job, outcome: ReportOutcome, nb: Any) -> None:
        if self.guard.stopped.is_set():
            self.done.put(outcome)
            return
        try:
            self.done.put(finish(job, outcome, nb, self.options, self.cache, self.check))
        finally:
            close_thread_loop()

    def close(self) -> None:
        """Wait for the threads at work; drop what has not started."""
        self._kernels.shutdown(wait=True, cancel_futures=True)
        self._pages.shutdown(wait=True, cancel_futures=True)
