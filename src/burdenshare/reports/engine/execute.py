"""Run one report: papermill with the forked-kernel engine (or ordinary kernels), then its page.

The result is returned in memory (the executed notebook, its HTML page and extra files as bytes,
status, failing cell, the datasets the kernel loaded, which engine ran it and how long each step
took), so the same function serves local threads and Dask workers; only the runner writes into
the output folder.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbclient.exceptions import CellTimeoutError
from nbclient.util import run_sync
from papermill import __version__ as papermill_version
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.execute import (
    prepare_notebook_metadata,
    raise_for_execution_errors,
    remove_error_markers,
)
from papermill.parameterize import parameterize_notebook

from ..outcome import ReportOutcome, report_metadata, utc_now
from ..planning import ReportSpec, read_notebook
from ..results import read_headline, read_results
from .kernel_side import PROFILE_CODE, STATE_EXPRESSION, parse_state
from .kernels import FORKED, ORDINARY
from .warm import ForkedProcess, Leader, WarmProcess, default_server

ENGINE_NAME = "burdenshare"
ENGINES = ("fork", "papermill")
#: Notebook metadata (under "burdenshare") that the report site reads.
NOTEBOOK_META_KEYS = ("title", "description", "section")


class KernelGuard:
    """The kernels of a run's reports, so an interrupted run can end every one of them.

    After :meth:`stop`, running kernels are killed and no report starts a new one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: set[_Capture] = set()
        self.stopped = threading.Event()

    def add(self, capture: _Capture) -> None:
        with self._lock:
            self._active.add(capture)
        if self.stopped.is_set():
            capture.kill()

    def remove(self, capture: _Capture) -> None:
        with self._lock:
            self._active.discard(capture)

    def stop(self) -> None:
        """Kill every running kernel; later kernels are killed as soon as they start."""
        self.stopped.set()
        with self._lock:
            active = list(self._active)
        for capture in active:
            capture.kill()


@dataclass(eq=False)
class _Capture:
    nb_man: Any = None
    client: Any = None
    timed_out: bool = False
    profile: bool = False
    state: dict[str, Any] = field(default_factory=dict)
    launch_s: float = 0.0
    ready_s: float = 0.0
    guard: KernelGuard | None = None
    engine: str = ""
    engine_reason: str = ""
    process: Any = None  # the kernel's process handle (Popen or ForkedProcess), kept after it ends
    leader: Leader | None = None  # an ordinary kernel's process group, watched while it runs
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: bool = False  # the kernel is to be killed (timed out, or the run stopped)

    def provisioner(self) -> Any:
        km = getattr(self.client, "km", None)
        return getattr(km, "provisioner", None)

    def kernel_started(self) -> None:
        """Note which engine runs the kernel and its process handle (the provisioner drops it
        once the kernel has been shut down); kill it if that was asked meanwhile."""
        provisioner = self.provisioner()
        self.engine = getattr(provisioner, "engine", ORDINARY)
        self.engine_reason = getattr(provisioner, "engine_reason", "")
        self.launch_s = getattr(provisioner, "launch_seconds", 0.0) or self.launch_s
        process = getattr(provisioner, "process", None)
        with self.lock:
            self.process = process
            if process is not None and not isinstance(process, ForkedProcess):
                leader = Leader(process.pid)  # a child of this process, not yet reaped:
                if process.returncode is None:  # its pid is its own while the pidfd opens
                    self.leader = leader
                else:
                    leader.close()
            stop = self.stop
        if stop:
            self.kill()

    def kill(self) -> None:
        """Kill the kernel with its process group, never a pid that may now be another
        process's (the kernel is killed as soon as it has started, if it has not yet)."""
        with self.lock:
            self.stop = True
            process, leader = self.process, self.leader
        if isinstance(process, ForkedProcess):
            process.kill()
        elif leader is not None:
            leader.signal_group(signal.SIGKILL)
        elif process is not None and process.returncode is None:
            process.kill()  # no pidfd here: Popen signals its own unreaped child only

    def exit_status(self) -> int | None:
        """The kernel's exit status (a signal as a negative number), if it is known."""
        if isinstance(self.process, ForkedProcess):
            return self.process.status
        return None if self.process is None else self.process.returncode

    def close(self) -> None:
        if self.leader is not None:
            self.leader.close()


class ReportClient(PapermillNotebookClient):
    """papermill's client, plus what the runner needs around the cells: timing of the kernel
    start, and the kernel's state (datasets loaded, figure time) read after the last cell."""

    capture: _Capture | None = None

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        start = time.perf_counter()
        try:
            await super().async_start_new_kernel(**kwargs)
        finally:
            if self.capture is not None:
                self.capture.launch_s = time.perf_counter() - start
                self.capture.kernel_started()
                if self.capture.guard is not None:
                    self.capture.guard.add(self.capture)

    async def async_start_new_kernel_client(self) -> Any:
        start = time.perf_counter()
        kc = await super().async_start_new_kernel_client()
        if self.capture is not None:
            self.capture.ready_s = time.perf_counter() - start
        return kc

    # nbclient's synchronous names are bound to its own coroutines: bind them to ours
    start_new_kernel = run_sync(async_start_new_kernel)
    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def _silent(self, code: str, expressions: dict[str, str] | None = None) -> dict[str, Any]:
        msg_id = self.kc.execute(
            code, silent=True, store_history=False, user_expressions=expressions or {}
        )
        reply = self.wait_for_reply(msg_id)
        return (reply or {}).get("content", {})

    def papermill_execute_cells(self) -> None:
        capture = self.capture
        if capture is not None and capture.profile:
            self._silent(PROFILE_CODE)
        super().papermill_execute_cells()  # stops at a failing cell without raising
        if capture is None:
            return
        content = self._silent("", {"state": STATE_EXPRESSION})
        found = content.get("user_expressions", {}).get("state", {})
        if found.get("status") == "ok":
            capture.state = parse_state(found["data"]["text/plain"])


class CapturingEngine(NBClientEngine):
    """papermill's nbclient engine with :class:`ReportClient`, keeping a handle on the run so
    partial notebooks survive a dead or stopped kernel."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        capture: _Capture = kwargs.pop("capture")
        kwargs.pop("input_path", None)
        capture.nb_man = nb_man
        timeout = kwargs.pop("execution_timeout", None)
        client = ReportClient(
            nb_man,
            kernel_name=kernel_name,
            startup_timeout=kwargs.pop("start_timeout", 60),
            timeout=timeout,
            log_output=kwargs.pop("log_output", False),
            stdout_file=kwargs.pop("stdout_file", None),
            stderr_file=kwargs.pop("stderr_file", None),
            **kwargs,
        )
        client.capture = capture
        capture.client = client
        return client.execute()


papermill_engines.register(ENGINE_NAME, CapturingEngine)


def _watchdog(capture: _Capture, timeout: float, done: threading.Event) -> None:
    """Kill the report's kernel after ``timeout`` seconds (once: a kernel still starting is
    killed as soon as it has started)."""
    if not done.wait(timeout):
        capture.timed_out = True
        capture.kill()


def _failing_cell(nb: Any) -> int | None:
    started = None
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        if meta.get("status") == "failed" or meta.get("exception"):
            return index
        if meta.get("start_time"):
            started = index
    return started


def _stable_injected_id(nb: Any) -> None:
    """papermill gives its injected-parameters cell a random id; use a fixed one so that running
    the same report twice writes the same notebook and HTML."""
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = "injected-parameters"


def _cells_seconds(nb: Any) -> float:
    return sum(
        float(cell.get("metadata", {}).get("papermill", {}).get("duration") or 0)
        for cell in nb.get("cells", [])
    )


def notebook_meta(nb: Any) -> dict[str, Any]:
    """The notebook's own description for the report site: title, description, section."""
    own = nb.get("metadata", {}).get("burdenshare", {}) or {}
    return {key: own[key] for key in NOTEBOOK_META_KEYS if key in own}


def _error_text(
    exc: Exception, capture: _Capture, timeout: float | None, cell_timeout: float | None
) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    if capture.timed_out:
        return f"TimeoutError: report exceeded --timeout {timeout:g} s; kernel stopped ({text})"
    if isinstance(exc, CellTimeoutError):
        return f"TimeoutError: a cell exceeded --cell-timeout {cell_timeout:g} s; kernel stopped"
    if capture.guard is not None and capture.guard.stopped.is_set():
        return "Interrupted: the run was stopped before this report finished"
    return text


def _papermill_notebook(raw: bytes) -> Any:
    """The notebook as papermill's ``load_notebook_node`` prepares it (nbformat 4, papermill's
    notebook and cell metadata present), from bytes already read."""
    nb = nbformat.reads(raw, as_version=4)
    nb = nbformat.v4.upgrade(nb) or nb
    nb.metadata.setdefault(
        "papermill",
        {
            "default_parameters": {},
            "parameters": {},
            "environment_variables": {},
            "version": papermill_version,
        },
    )
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
        cell.metadata.setdefault("papermill", {})
    return nb


def _papermill_execute(
    nb: Any, input_path: str, parameters: dict[str, Any], **engine_kwargs: Any
) -> Any:
    """papermill's ``execute_notebook`` for a notebook in memory and no output file, step by
    step with papermill's own functions (parameters injected, metadata, error cell on failure).

    Calling ``execute_notebook`` itself with a notebook object would record the whole input
    notebook (its committed outputs too) as the run's ``input_path``, doubling every executed
    notebook, and serialise the notebook twice for nothing (to read it, and to write it with no
    output path). Here ``input_path`` is the notebook's file name, as papermill's command line
    records a path.
    """
    if parameters:
        nb = parameterize_notebook(
            nb, parameters, report_mode=False, kernel_name="python3", engine_name=ENGINE_NAME
        )
    nb = remove_error_markers(prepare_notebook_metadata(nb, input_path, None))
    nb = papermill_engines.execute_notebook_with_engine(
        ENGINE_NAME,
        nb,
        input_path=input_path,
        output_path=None,
        kernel_name="python3",
        progress_bar=False,
        **engine_kwargs,
    )
    raise_for_execution_errors(nb, None)
    return nb


def _run_papermill(
    spec: ReportSpec,
    source: Any,
    engine: str,
    server: WarmProcess | None,
    timeout: float | None,
    cell_timeout: float | None,
    capture: _Capture,
) -> tuple[Any, str, str]:
    """Execute; return (notebook or None, status, error)."""
    extra: dict[str, Any] = {"resources": {"metadata": {"path": str(Path(spec.path).parent)}}}
    if engine == "fork" and server is not None:
        bound = server.kernel_manager_class()
        extra.update(kernel_manager_class=bound, shutdown_kernel="immediate")
    if cell_timeout:
        extra["execution_timeout"] = cell_timeout
    done = threading.Event()
    if timeout:
        threading.Thread(target=_watchdog, args=(capture, timeout, done), daemon=True).start()
    nb, status, error = None, "ok", ""
    try:
        nb = _papermill_execute(
            source, Path(spec.path).name, dict(spec.parameters), capture=capture, **extra
        )
    except PapermillExecutionError as exc:
        status, error = "failed", f"{exc.ename}: {exc.evalue}"
    except Exception as exc:
        status, error = "failed", _error_text(exc, capture, timeout, cell_timeout)
    finally:
        done.set()
        if capture.guard is not None:
            capture.guard.remove(capture)
        capture.close()
    if nb is None and capture.nb_man is not None:
        nb = capture.nb_man.nb
    return nb, status, error


def execute_report(
    spec: ReportSpec,
    engine: str = "fork",
    timeout: float | None = None,
    show_code: bool = False,
    server: WarmProcess | None = None,
    *,
    cell_timeout: float | None = None,
    guard: KernelGuard | None = None,
    profile: bool = False,
    source: bytes | None = None,
) -> ReportOutcome:
    """Execute one report and export its page; never raises for a failing notebook.

    ``engine="fork"`` forks the kernel from ``server`` (a :class:`WarmProcess`, default the
    process-wide one), falling back to an ordinary kernel when it cannot (the outcome says why);
    ``engine="papermill"`` starts kernels the ordinary way. ``timeout`` bounds the whole report
    and ``cell_timeout`` each cell, in seconds. ``source``: the notebook's bytes, when the caller
    has read (and hashed) them already. The two steps are :func:`run_notebook` and
    :func:`render_outcome` (the local runner runs them on separate threads, so a kernel slot is
    free while a page is exported).
    """
    if engine == "fork":
        server = server or default_server()
    outcome, nb = run_notebook(
        spec, engine, timeout, server, cell_timeout=cell_timeout, guard=guard,
        profile=profile, source=source,
    )  # fmt: skip
    if nb is not None:
        render_outcome(nb, outcome, show_code)
    return outcome


def run_notebook(
    spec: ReportSpec,
    engine: str = "fork",
    timeout: float | None = None,
    server: WarmProcess | None = None,
    *,
    cell_timeout: float | None = None,
    guard: KernelGuard | None = None,
    profile: bool = False,
    source: bytes | None = None,
) -> tuple[ReportOutcome, Any]:
    """Execute one report: (outcome without files, executed notebook or None). The notebook's
    metadata carries the report's provenance; :func:`render_outcome` adds the files."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    server = (server or default_server()) if engine == "fork" else None
    ran_at = utc_now()
    start = time.perf_counter()
    raw = source if source is not None else read_notebook(spec.path)
    capture = _Capture(profile=profile, guard=guard)
    nb, status, error = _run_papermill(
        spec, _papermill_notebook(raw), engine, server, timeout, cell_timeout, capture
    )
    used, reason = _engine_used(engine, capture)
    if status == "failed" and _died_with_the_warm_process(used, server, capture):
        assert server is not None
        return _rerun_on_an_ordinary_kernel(
            spec, engine, timeout, server, raw, cell_timeout=cell_timeout, guard=guard,
            profile=profile,
        )  # fmt: skip
    duration = time.perf_counter() - start
    outcome = ReportOutcome(
        spec.notebook, spec.stem, dict(spec.parameters), status, duration, error, ran_at=ran_at
    )
    outcome.engine, outcome.engine_reason = used, reason
    outcome.kernel_exit = capture.exit_status()
    outcome.timings = {
        "kernel_launch": round(capture.launch_s, 4),
        "kernel_ready": round(capture.ready_s, 4),
    }
    if nb is None:
        return outcome, None
    _read_executed(nb, outcome, capture)
    store_report_metadata(nb, outcome)
    return outcome, nb


def _engine_used(engine: str, capture: _Capture) -> tuple[str, str]:
    """(engine that ran the kernel, why)."""
    if engine != "fork":
        return ORDINARY, "--engine papermill: ordinary kernels"
    return capture.engine or ORDINARY, capture.engine_reason or "the kernel did not start"


def _died_with_the_warm_process(used: str, server: WarmProcess | None, capture: _Capture) -> bool:
    """Whether the report's forked kernel went with the warm process (the run did not stop it,
    nor did its timeout)."""
    stopped = capture.guard is not None and capture.guard.stopped.is_set()
    died = used == FORKED and server is not None and not server.alive()
    return died and not stopped and not capture.timed_out


def _rerun_on_an_ordinary_kernel(
    spec: ReportSpec,
    engine: str,
    timeout: float | None,
    server: WarmProcess,
    raw: bytes,
    **options: Any,
) -> tuple[ReportOutcome, Any]:
    """The warm process died while this report ran (its kernel went with it): run the report
    again, on an ordinary kernel, and say so."""
    retry, retried = run_notebook(spec, engine, timeout, server, source=raw, **options)
    retry.engine_reason = (
        f"{server.dead_reason} while this report ran; re-ran on an ordinary kernel"
    )
    if retried is not None:
        store_report_metadata(retried, retry)
    return retry, retried


def _read_executed(nb: Any, outcome: ReportOutcome, capture: _Capture) -> None:
    """Fill ``outcome`` from the executed notebook and what its kernel reported."""
    _stable_injected_id(nb)
    if outcome.status == "failed":
        outcome.failing_cell = _failing_cell(nb)
    outcome.results = read_results(nb)
    outcome.headline = read_headline(nb)
    outcome.notebook_meta = notebook_meta(nb)
    outcome.datasets = list(capture.state.get("datasets", []))
    outcome.measured = "datasets" in capture.state
    outcome.timings["cells"] = round(_cells_seconds(nb), 4)
    for timing, measured in (("figures", "figure_seconds"), ("kernel_cpu", "cpu_seconds")):
        if capture.state.get(measured) is not None:
            outcome.timings[timing] = round(float(capture.state[measured]), 4)


def store_report_metadata(nb: Any, outcome: ReportOutcome) -> None:
    """Put the report's provenance into the executed notebook's metadata."""
    own = nb.metadata.get("burdenshare")
    own = dict(own) if isinstance(own, dict) else {}
    own["report"] = report_metadata(outcome)
    nb.metadata["burdenshare"] = own


def _page(nb: Any, stem: str, show_code: bool) -> dict[str, bytes]:
    """The page files of an executed notebook, exported in this process."""
    from ..site.pages import render_report  # lazy: nbconvert, when the first page is exported

    rendered = render_report(nb, stem=stem, show_code=show_code)
    return {f"{stem}.html": rendered.html.encode("utf-8"), **rendered.files}


def _warm_up_pages() -> None:
    import nbformat.v4 as v4  # lazy: the warm-up thread only

    nb = v4.new_notebook(
        cells=[v4.new_markdown_cell("# Warm-up\n\nText with *emphasis*."), v4.new_code_cell("1")]
    )
    nb.cells[1].outputs = [
        v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1)
    ]
    with contextlib.suppress(Exception):  # a page that fails now fails again, reported, later
        _page(nb, "warm-up", show_code=False)


def warm_up_pages() -> threading.Thread:
    """Import the page export (nbconvert) and export one small page in a thread of this
    process, started while the warm process imports (about 0.6 s of CPU that the first page
    would otherwise take while kernels compete for the cores); returns the thread."""
    thread = threading.Thread(target=_warm_up_pages, name="warm-up-pages", daemon=True)
    thread.start()
    return thread


def render_outcome(nb: Any, outcome: ReportOutcome, show_code: bool) -> None:
    """Serialise the executed notebook and export its page into ``outcome.files``; a page that
    cannot be exported makes the report failed, the notebook is kept."""
    start = time.perf_counter()
    outcome.files[f"{outcome.stem}.ipynb"] = nbformat.writes(nb).encode("utf-8")
    try:
        outcome.files.update(_page(nb, outcome.stem, show_code))
    except Exception as exc:  # a report whose page cannot be rendered is still a failed report
        outcome.status = "failed"
        outcome.error = outcome.error or f"HTML export failed: {type(exc).__name__}: {exc}"
    outcome.timings["html"] = round(time.perf_counter() - start, 4)
