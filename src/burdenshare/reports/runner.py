"""Run a set of reports into ``--out``: check the options, serve unchanged reports from the cache,
execute the others concurrently (local threads over forked kernels, or Dask), build the site in
a staging folder and publish it in one step.

Order of a run: options, ``--out`` and the Dask scheduler are checked before anything is written
or run; then the lock on ``--out`` is taken, the staging folder made, reports served or executed
(each report's files written as it finishes), PDFs printed (``pdf``), the site rendered, the
manifest written and the staging folder published. SIGINT/SIGTERM at any point ends every
kernel, removes the staging folder and leaves the published output as it was
(:class:`RunInterrupted`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import platform
import queue
import signal
import threading
import time
import uuid
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import ReportError
from ..paths import bundled_data_dir, user_data_dir_path
from .cache.provenance import DataCheck, dependencies_digest, package_digest
from .cache.store import ReportCache
from .jobs import Job, finish, from_cache, key_context, prepare, run_job, run_kernel
from .options import RunOptions, check_options, connect_scheduler
from .outcome import ReportOutcome, utc_now
from .planning import ReportSpec, discover, grids_of, plan, safe_file
from .planning import notebooks_dir as notebooks_dir_default
from .progress import Progress
from .publish.publication import Publication, check_out

#: Signals that stop a run cleanly (SIGHUP: the terminal went away). One that the process was
#: started with ignored (``nohup``, ``&`` in a script) stays ignored.
_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class RunInterrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP ended the run: kernels stopped, staging removed, ``--out``
    unchanged."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        """The shell's convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM)."""
        return 128 + self.signum


@contextlib.contextmanager
def _interruptible() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`RunInterrupted` (main thread only; later signals
    are ignored while the run cleans up)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: Any) -> None:
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        raise RunInterrupted(signum)

    previous = {
        sig: signal.getsignal(sig) for sig in _SIGNALS if signal.getsignal(sig) != signal.SIG_IGN
    }
    for sig in previous:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def _os_errors_as_report_errors(out: Path) -> Iterator[None]:
    """A file system failure while building or publishing (disk full, permissions) ends the run
    with a ReportError; the staging folder is removed and ``out`` keeps the previous run."""
    try:
        yield
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise ReportError(
            f"writing the report set failed: {exc.strerror or exc}{where}; {out} was not"
            " changed. Free space or fix the permissions and run again (finished reports come"
            " from the cache)."
        ) from None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back for a step that must not be cut in half (publishing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)


@dataclass
class RunSummary:
    """The outcome of a report run."""

    out: Path
    outcomes: list[ReportOutcome]
    seconds: float
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.status != "ok"]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def cached(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.cached]

    def text(self) -> str:
        """A human summary: counts, engines, then one line per failure naming cell and error."""
        ran = [o for o in self.outcomes if not o.cached]
        lines = [
            f"{len(self.outcomes) - len(self.failed)}/{len(self.outcomes)} reports succeeded in "
            f"{self.seconds:.1f} s ({len(ran)} ran, {len(self.cached)} from the cache); index: "
            f"{self.out / 'index.html'}"
        ]
        engines = Counter(o.engine for o in ran if o.engine)
        if engines:
            lines.append("engines: " + ", ".join(f"{n} {e}" for e, n in sorted(engines.items())))
        for reason, n in Counter(
            o.engine_reason for o in ran if o.engine == "ordinary"
        ).most_common():
            lines.append(f"  ordinary kernels ({n}): {reason}")
        for o in self.failed:
            cell = "?" if o.failing_cell is None else o.failing_cell
            partial = f"{o.stem}.ipynb" in o.files
            lines.append(
                f"FAILED {o.notebook} {json.dumps(o.parameters, default=str)}: cell {cell}: "
                f"{o.error}" + (f" (partial notebook: {o.stem}.ipynb)" if partial else "")
            )
        return "\n".join(lines)


def _strict(value: Any) -> Any:
    """``value`` with non-finite floats as text ("nan", "inf"), so the JSON is strict."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    return value


def strict_json(value: Any) -> str:
    """JSON text of ``value`` that any strict parser accepts (no NaN or Infinity)."""
    return json.dumps(_strict(value), indent=2, allow_nan=False, default=str) + "\n"


def _files_entry(outcome: ReportOutcome) -> dict[str, Any]:
    stem, files = outcome.stem, {}
    names = sorted(outcome.files)
    for kind in ("html", "ipynb", "pdf"):
        if f"{stem}.{kind}" in outcome.files:
            files[kind] = f"{stem}.{kind}"
    main = {f"{stem}.{kind}" for kind in ("html", "ipynb", "pdf")}
    files["csv"] = [n for n in names if n.endswith(".csv") and n not in main]
    other = [n for n in names if n not in main and not n.endswith(".csv")]
    if other:
        files["other"] = other
    return files


def report_entry(outcome: ReportOutcome) -> dict[str, Any]:
    """One report's entry in the run manifest."""
    return {
        "notebook": outcome.notebook,
        "stem": outcome.stem,
        "parameters": outcome.parameters,
        "status": outcome.status,
        "error": outcome.error,
        "failing_cell": outcome.failing_cell,
        "duration_s": round(outcome.duration_s, 3),
        "cached": outcome.cached,
        "ran_at": outcome.ran_at,
        "engine": outcome.engine,
        "engine_reason": outcome.engine_reason,
        "results": outcome.results,
        "headline": {
            "title": outcome.headline.get("title"),
            "labels": outcome.headline.get("labels", {}),
        },
        "notebook_meta": outcome.notebook_meta,
        "datasets": outcome.datasets,
        "files": _files_entry(outcome),
        "timings": outcome.timings,
        "cache": outcome.cache_note,
    }


def build_manifest(
    outcomes: Sequence[ReportOutcome],
    options: RunOptions,
    started: str,
    seconds: float,
) -> dict[str, Any]:
    """The run manifest (see CONTRACTS.md "runner <-> site")."""
    return {
        "package": "burdenshare",
        "version": __version__,
        "package_sha256": package_digest(),
        "python": platform.python_version(),
        "dependencies": dependencies_digest(),
        "started": started,
        "finished": utc_now(),
        "seconds": round(seconds, 3),
        "options": options.as_manifest(),
        "succeeded": sum(o.status == "ok" for o in outcomes),
        "failed": sum(o.status != "ok" for o in outcomes),
        "cached": sum(o.cached for o in outcomes),
        "reports": [report_entry(o) for o in outcomes],
    }


def _writer(staging: Path, options: RunOptions) -> Callable[[ReportOutcome], ReportOutcome]:
    def write(outcome: ReportOutcome) -> ReportOutcome:
        start = time.perf_counter()
        if not options.pdf:
            outcome.files.pop(f"{outcome.stem}.pdf", None)
        for name, data in outcome.files.items():
            safe_file(staging, name, outcome.stem).write_bytes(data)
        outcome.timings["write"] = round(time.perf_counter() - start, 4)
        return outcome

    return write


def _run_local(
    specs: Sequence[ReportSpec],
    options: RunOptions,
    cache: ReportCache | None,
    write: Callable[[ReportOutcome], ReportOutcome],
    progress: Progress,
    server: Any = None,
) -> tuple[list[ReportOutcome], dict[str, str]]:
    """Serve what the cache holds, execute the rest on local threads (``server``: a warm process
    launched early, or None); also return each report's cache key by stem (for PDFs added
    later)."""
    check = DataCheck()
    outcomes: list[ReportOutcome] = []
    misses: list[Job] = []
    keys: dict[str, str] = {}
    context = key_context() if cache is not None else None
    for spec in specs:
        job = prepare(spec, cache, context)
        keys[spec.stem] = job.key
        outcome = None
        if cache is not None and job.key and not options.force:
            outcome = from_cache(job, cache, check, options.show_code)
        if outcome is None:
            misses.append(job)
        else:
            outcomes.append(write(outcome))
            progress.done(outcome)
    if misses:
        outcomes += _execute_local(misses, options, cache, check, write, progress, server)
    return outcomes, keys


def _launch_server() -> Any:
    """A warm process, launched (its imports run while this process goes on; its dead_reason
    says why if it could not start)."""
    from .engine.warm import WarmProcess  # lazy: jupyter_client (only when a report runs)

    server = WarmProcess()
    with contextlib.suppress(ReportError):  # dead_reason says why; reported when it is used
        server.launch()
    return server


def _launch_early(setup: _Setup) -> None:
    """Launch the warm process before the reports are planned when every report will run (no
    cache, --force, or an empty cache): its imports then overlap the planning. Otherwise it is
    launched once the cache has been asked, only if some report is not there."""
    options, cache = setup.options, setup.cache
    if options.engine != "fork" or options.executor != "local":
        return
    if cache is None or options.force or not cache.holds_entries():
        setup.server = _launch_server()


def _execute_local(
    misses: list[Job],
    options: RunOptions,
    cache: ReportCache | None,
    check: DataCheck,
    write: Callable[[ReportOutcome], ReportOutcome],
    progress: Progress,
    server: Any = None,
) -> list[ReportOutcome]:
    """Execute reports on ``jobs`` threads; each hands its executed notebook to a second set of
    threads that export the page and store the report, so its kernel slot is free at once.
    ``server``: a warm process already launched (else one is launched here for engine "fork")."""
    if server is None and options.engine == "fork":
        server = _launch_server()  # its imports run while this process imports the machinery
    from .engine.execute import KernelGuard, warm_up_pages  # lazy: papermill, nbformat

    guard = KernelGuard()
    if server is not None:
        warm_up_pages()  # while the warm process finishes its imports
        try:
            server.wait_ready()
        except ReportError as exc:
            progress.say(f"{exc}; reports run on ordinary kernels")
    done: queue.Queue[ReportOutcome] = queue.Queue()
    width = min(options.jobs or 1, len(misses))
    kernels = ThreadPoolExecutor(max_workers=width, thread_name_prefix="report")
    pages = ThreadPoolExecutor(max_workers=width, thread_name_prefix="page")

    def page(job: Job, outcome: ReportOutcome, nb: Any) -> None:
        if guard.stopped.is_set():
            done.put(outcome)
            return
        try:
            done.put(finish(job, outcome, nb, options, cache, check))
        finally:
            close_thread_loop()

    def kernel(job: Job) -> None:
        try:
            outcome, nb = run_kernel(job, options, server, guard)
        finally:
            close_thread_loop()
        try:
            pages.submit(page, job, outcome, nb)
        except RuntimeError:  # the run is stopping: no more pages
            done.put(outcome)

    outcomes: list[ReportOutcome] = []
    try:
        for job in misses:
            kernels.submit(kernel, job)
        for _ in misses:
            outcome = write(done.get())
            outcomes.append(outcome)
            progress.done(outcome)
    except BaseException:
        guard.stop()
        if server is not None:
            server.kill_children()
        raise
    finally:
        kernels.shutdown(wait=True, cancel_futures=True)
        pages.shutdown(wait=True, cancel_futures=True)
        if server is not None:
            server.close()
    return outcomes


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


def _dask_task(spec: ReportSpec, options: RunOptions) -> ReportOutcome:
    """Run on a Dask worker, in a thread of its own so nbclient gets its own event loop."""
    box: list[Any] = []

    def work() -> None:
        try:
            box.append(run_job(spec, options))
        except Exception as exc:  # reported as a failed report, never a lost task
            box.append(
                ReportOutcome(
                    spec.notebook,
                    spec.stem,
                    dict(spec.parameters),
                    "failed",
                    0.0,
                    f"could not run the report on the worker: {type(exc).__name__}: {exc}",
                    ran_at=utc_now(),
                )
            )

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return box[0]


def _run_dask(
    specs: Sequence[ReportSpec],
    options: RunOptions,
    client: Any,
    write: Callable[[ReportOutcome], ReportOutcome],
    progress: Progress,
) -> list[ReportOutcome]:
    from distributed import as_completed as dask_completed  # lazy: the optional [dask] extra

    sent = replace(options, scheduler=None)  # a Client object does not travel to workers
    token = uuid.uuid4().hex[:8]
    futures = [
        client.submit(_dask_task, spec, sent, pure=False, key=f"report-{spec.stem}-{token}")
        for spec in specs
    ]
    outcomes = []
    try:
        for future in dask_completed(futures):
            outcome = write(future.result())
            outcomes.append(outcome)
            progress.done(outcome)
    except BaseException:
        client.cancel(futures)
        raise
    return outcomes


def _print_pdfs(
    staging: Path,
    outcomes: list[ReportOutcome],
    cache: ReportCache | None,
    keys: dict[str, str],
    show_code: bool,
) -> None:
    from .site.pdf import print_pdfs  # lazy: the site stream's PDF printer (system Chromium)

    wanted = [
        o.stem
        for o in outcomes
        if o.status == "ok" and f"{o.stem}.html" in o.files and f"{o.stem}.pdf" not in o.files
    ]
    if not wanted:
        return
    printed = print_pdfs(staging, wanted)
    by_stem = {o.stem: o for o in outcomes}
    for stem in wanted:
        name = f"{stem}.pdf"
        if name not in printed:
            continue
        safe_file(staging, name, stem).write_bytes(printed[name])
        by_stem[stem].files[name] = printed[name]
        if cache is not None and keys.get(stem):
            cache.add_pages(keys[stem], show_code, {name: printed[name]}, stem)


def _keep_clear(folders: Sequence[Path], options: RunOptions) -> list[Path]:
    """Folders that ``--out`` must not hold: the notebooks, the data, the cache."""
    found = {Path(f) for f in folders} | {bundled_data_dir(), user_data_dir_path()}
    if options.use_cache and options.cache_dir:
        found.add(Path(options.cache_dir))
    return sorted(found)


@dataclass
class _Setup:
    """A run's checked options, output folder and Dask client (connected before any report)."""

    options: RunOptions
    out: Path
    client: Any = None
    own_client: bool = False
    cache: ReportCache | None = None
    server: Any = None  # a warm process launched before planning (see _launch_early)
    start: float = field(default_factory=time.perf_counter)

    def close(self) -> None:
        if self.own_client and self.client is not None:
            self.client.close()
            self.client = None
        if self.server is not None:  # idempotent: the run closes it when it is done with it
            self.server.close()
            self.server = None


def _set_up(out: str | Path, options: RunOptions, folders: Sequence[Path]) -> _Setup:
    """Check everything a run needs before it starts (nothing is written or run)."""
    options = check_options(options)
    out = Path(out)
    check_out(out, _keep_clear(folders, options))
    setup = _Setup(options, out)
    if options.use_cache and options.cache_dir:
        setup.cache = ReportCache(options.cache_dir)
    if options.executor == "dask":
        setup.client, setup.own_client = connect_scheduler(options.scheduler)
    return setup


def run_reports(
    specs: Sequence[ReportSpec],
    out: str | Path,
    options: RunOptions | None = None,
    **kwargs: Any,
) -> RunSummary:
    """Execute ``specs`` (or serve them from the cache) and publish the report set into ``out``.

    ``options`` (or the same as keyword arguments, see :class:`RunOptions`) are checked before
    anything runs. Failing reports never stop the others. Raises :class:`RunInterrupted` on
    SIGINT/SIGTERM and ``ReportError`` when the run cannot be set up or published.
    """
    specs = list(specs)
    if not specs:
        raise ReportError("no reports to run: check --notebook / --notebooks-dir.")
    options = options or RunOptions.from_kwargs(**kwargs)
    setup = _set_up(out, options, [Path(s.path).parent for s in specs])
    try:
        _launch_early(setup)
        return _run(specs, setup)
    finally:
        setup.close()


def _run(specs: Sequence[ReportSpec], setup: _Setup) -> RunSummary:
    options, cache, client = setup.options, setup.cache, setup.client
    mode = None if options.progress is None or options.progress else "off"
    progress = Progress(len(specs), mode)
    started = utc_now()
    start = setup.start
    try:
        with (
            _interruptible(),
            _os_errors_as_report_errors(setup.out),
            Publication(setup.out, wait=options.wait, say=progress.say) as pub,
        ):
            staging = pub.staging
            assert staging is not None
            write = _writer(staging, options)
            keys: dict[str, str] = {}
            if client is not None:
                outcomes = _run_dask(specs, options, client, write, progress)
            else:
                outcomes, keys = _run_local(specs, options, cache, write, progress, setup.server)
            order = {s.stem: i for i, s in enumerate(specs)}
            outcomes.sort(key=lambda o: order[o.stem])
            if options.pdf:
                _print_pdfs(staging, outcomes, cache, keys, options.show_code)
            from .site.landing import (
                render_site,  # lazy: the site's renderer is needed at publish only
            )

            run = build_manifest(outcomes, options, started, time.perf_counter() - start)
            site_files = render_site(run, staging)
            for name, data in site_files.items():
                target = (staging / name).resolve()
                if staging.resolve() not in target.parents:
                    raise ReportError(f"the site renderer named a file outside the run: {name!r}")
                if os.path.lexists(target):  # a report's own file: never replaced by the site's
                    raise ReportError(
                        f"the site's file {name!r} has the name of a report's file; rename the"
                        " notebook (or report this as a bug)."
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            run["site_files"] = sorted(site_files)
            run["seconds"] = round(time.perf_counter() - start, 3)
            (staging / "manifest.json").write_text(strict_json(run), encoding="utf-8")
            with _signals_held():
                pub.publish()
    finally:
        progress.close()
    if cache is not None:
        cache.commit_inspections()
        with contextlib.suppress(OSError):
            cache.prune()
    return RunSummary(setup.out, outcomes, time.perf_counter() - start, run)


def run_report(
    notebooks: Sequence[str] | str | None = None,
    parameters: dict[str, Any] | None = None,
    for_each: dict[str, Sequence[Any] | str] | None = None,
    out: str | Path = "reports",
    *,
    notebooks_dir: str | Path | None = None,
    **options: Any,
) -> RunSummary:
    """Python form of ``burdenshare report``: plan the reports, run them, publish the set.

    ``notebooks``: a name or names (default: every notebook, plus ``country_profile`` per ally).
    ``parameters``: values for the notebooks that declare them. ``for_each``: grid values per
    parameter (a list, or ``"allies"`` for every current ally; several keys give the product).
    ``options``: see :class:`~burdenshare.reports.options.RunOptions` (``engine``, ``jobs``,
    ``timeout``, ``cell_timeout``, ``show_code``, ``pdf``, ``executor``, ``scheduler``,
    ``cache_dir``, ``use_cache``, ``force``, ``wait``, ``progress``, ``profile``).
    Everything is checked before any report runs.
    """
    if isinstance(notebooks, str):  # one name, not a sequence of letters
        notebooks = [notebooks]
    folder = Path(notebooks_dir) if notebooks_dir is not None else notebooks_dir_default()
    setup = _set_up(out, RunOptions.from_kwargs(**options), [folder])
    try:
        _launch_early(setup)
        specs = plan(discover(folder, setup.cache), notebooks, parameters, grids_of(for_each))
        if not specs:
            raise ReportError(f"no reports to run: {folder} has no notebooks.")
        return _run(specs, setup)
    finally:
        setup.close()
