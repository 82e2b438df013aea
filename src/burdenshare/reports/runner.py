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

import contextlib
import json
import queue
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ReportError
from ..paths import bundled_data_dir, user_data_dir_path
from .cache.provenance import DataCheck
from .cache.store import ReportCache
from .jobs import Job, Threads, from_cache, key_context, prepare, run_job_in_thread
from .options import RunOptions, check_options, connect_scheduler
from .outcome import ReportOutcome, utc_now
from .planning import ReportSpec, discover, grids_of, plan, safe_file
from .planning import notebooks_dir as notebooks_dir_default
from .progress import Progress
from .publish.manifest import build_manifest, strict_json
from .publish.publication import Publication, check_out, os_errors_as_report_errors, stage_files
from .publish.signals import RunInterrupted, interruptible, signals_held

__all__ = ["RunInterrupted", "RunSummary", "run_report", "run_reports"]


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
            f"{self.out / 'index.html'}",
            *_engine_lines(ran),
            *(_failure_line(o) for o in self.failed),
        ]
        return "\n".join(lines)


def _engine_lines(ran: Sequence[ReportOutcome]) -> list[str]:
    """How many reports ran on each engine, and why any ran on ordinary kernels."""
    engines = Counter(o.engine for o in ran if o.engine)
    if not engines:
        return []
    reasons = Counter(o.engine_reason for o in ran if o.engine == "ordinary")
    return [
        "engines: " + ", ".join(f"{n} {e}" for e, n in sorted(engines.items())),
        *(f"  ordinary kernels ({n}): {reason}" for reason, n in reasons.most_common()),
    ]


def _failure_line(o: ReportOutcome) -> str:
    """One failed report: notebook, parameters, failing cell, error, partial notebook."""
    cell = "?" if o.failing_cell is None else o.failing_cell
    partial = f" (partial notebook: {o.stem}.ipynb)" if f"{o.stem}.ipynb" in o.files else ""
    params = json.dumps(o.parameters, default=str)
    return f"FAILED {o.notebook} {params}: cell {cell}: {o.error}{partial}"


def _writer(
    staging: Path, options: RunOptions, progress: Progress
) -> Callable[[ReportOutcome], ReportOutcome]:
    """What happens to each finished report: its files written into ``staging`` (its PDF only
    with ``--pdf``), then it counts as done."""

    def write(outcome: ReportOutcome) -> ReportOutcome:
        start = time.perf_counter()
        if not options.pdf:
            outcome.files.pop(f"{outcome.stem}.pdf", None)
        for name, data in outcome.files.items():
            safe_file(staging, name, outcome.stem).write_bytes(data)
        outcome.timings["write"] = round(time.perf_counter() - start, 4)
        progress.done(outcome)
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
    if misses:
        outcomes += _execute_local(misses, options, cache, check, write, progress, server)
    return outcomes, keys


def _launch_server() -> Any:
    """A warm process, launched (its imports run while this process goes on; its dead_reason
    says why if it could not start)."""
    from .engine import compat
    from .engine.warm import WarmProcess  # lazy: jupyter_client (only when a report runs)

    server = WarmProcess()
    server.dead_reason = compat.fallback_reason()  # an upgrade changed what forks rely on
    if not server.dead_reason:
        with contextlib.suppress(ReportError):  # dead_reason says why; reported when used
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


#: How often the runner's main thread wakes while it waits for reports (to act on signals).
WAKE_S = 0.1


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
    _wait_ready(server, progress)
    threads = Threads(min(options.jobs or 1, len(misses)), options, cache, check, server, guard)
    try:
        for job in misses:
            threads.submit(job)
        return [write(_next(threads.done)) for _ in misses]
    except BaseException:
        guard.stop()
        if server is not None:
            server.kill_children()
        raise
    finally:
        threads.close()
        if server is not None:
            server.close()


def _next(done: queue.Queue[ReportOutcome]) -> ReportOutcome:
    """The next finished report, waiting in short steps: a signal the system hands to another
    thread only sets a flag, which this thread acts on (RunInterrupted) when it next wakes, not
    when a long report ends."""
    while True:
        with contextlib.suppress(queue.Empty):
            return done.get(timeout=WAKE_S)


def _wait_ready(server: Any, progress: Progress) -> None:
    """Wait for the warm process to answer; if it cannot, say that reports run on ordinary
    kernels."""
    if server is None:
        return
    try:
        server.wait_ready()
    except ReportError as exc:
        progress.say(f"{exc}; reports run on ordinary kernels")


def _run_dask(
    specs: Sequence[ReportSpec],
    options: RunOptions,
    client: Any,
    write: Callable[[ReportOutcome], ReportOutcome],
) -> list[ReportOutcome]:
    from distributed import as_completed as dask_completed  # lazy: the optional [dask] extra

    sent = replace(options, scheduler=None)  # a Client object does not travel to workers
    token = uuid.uuid4().hex[:8]
    futures = [
        client.submit(run_job_in_thread, spec, sent, pure=False, key=f"report-{spec.stem}-{token}")
        for spec in specs
    ]
    try:
        return [write(future.result()) for future in dask_completed(futures)]
    except BaseException:
        client.cancel(futures)
        raise


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
    """Serve or execute the reports, stage the site and publish it (under the lock)."""
    options = setup.options
    mode = None if options.progress is None or options.progress else "off"
    progress = Progress(len(specs), mode)
    started = utc_now()
    try:
        with (
            interruptible(),
            os_errors_as_report_errors(setup.out),
            Publication(setup.out, wait=options.wait, say=progress.say) as pub,
        ):
            staging = pub.staging
            assert staging is not None
            outcomes = _produce(specs, setup, staging, progress)
            run = _stage_site(outcomes, options, started, setup.start, staging)
            with signals_held():
                pub.publish()
    finally:
        progress.close()
    if setup.cache is not None:
        _tidy(setup.cache)
    return RunSummary(setup.out, outcomes, time.perf_counter() - setup.start, run)


def _produce(
    specs: Sequence[ReportSpec], setup: _Setup, staging: Path, progress: Progress
) -> list[ReportOutcome]:
    """Every report's outcome (files written into ``staging``), in the order of ``specs``."""
    options, cache = setup.options, setup.cache
    write = _writer(staging, options, progress)
    keys: dict[str, str] = {}
    if setup.client is not None:
        outcomes = _run_dask(specs, options, setup.client, write)
    else:
        outcomes, keys = _run_local(specs, options, cache, write, progress, setup.server)
    order = {s.stem: i for i, s in enumerate(specs)}
    outcomes.sort(key=lambda o: order[o.stem])
    if options.pdf:
        _print_pdfs(staging, outcomes, cache, keys, options.show_code)
    return outcomes


def _stage_site(
    outcomes: list[ReportOutcome], options: RunOptions, started: str, start: float, staging: Path
) -> dict[str, Any]:
    """Render the site beside the reports in ``staging`` and write the run manifest; return it."""
    from .site.landing import render_site  # lazy: the site's renderer is needed at publish only

    run = build_manifest(outcomes, options, started, time.perf_counter() - start)
    site_files = render_site(run, staging)
    stage_files(staging, site_files)
    run["site_files"] = sorted(site_files)
    run["seconds"] = round(time.perf_counter() - start, 3)
    (staging / "manifest.json").write_text(strict_json(run), encoding="utf-8")
    return run


def _tidy(cache: ReportCache) -> None:
    """After a published run: keep the notebooks' inspections, prune old entries (best effort)."""
    cache.commit_inspections()
    with contextlib.suppress(OSError):
        cache.prune()


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
