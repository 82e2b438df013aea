"""Run one report: papermill with the forked-kernel engine (or papermill's own), then HTML.

The result is returned in memory (notebook JSON, HTML, status, failing cell) so the same function
serves local threads and Dask workers; only the runner writes files.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import papermill
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.exceptions import PapermillExecutionError

from .forking import default_server
from .html import render_report
from .planning import ReportSpec
from .results import read_results

ENGINE_NAME = "burdenshare"
ENGINES = ("fork", "papermill")


@dataclass
class ReportOutcome:
    """What one report produced."""

    notebook: str
    stem: str
    parameters: dict[str, Any]
    status: str  # "ok" or "failed"
    duration_s: float
    error: str = ""
    failing_cell: int | None = None
    results: dict[str, Any] = field(default_factory=dict)
    ipynb: str = ""
    html: str = ""


@dataclass
class _Capture:
    nb_man: Any = None
    client: Any = None
    timed_out: bool = False


class CapturingEngine(NBClientEngine):
    """papermill's nbclient engine, keeping a handle on the run so partial notebooks survive."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        capture: _Capture = kwargs.pop("capture")
        kwargs.pop("input_path", None)
        capture.nb_man = nb_man
        client = PapermillNotebookClient(
            nb_man,
            kernel_name=kernel_name,
            startup_timeout=kwargs.pop("start_timeout", 60),
            log_output=kwargs.pop("log_output", False),
            stdout_file=kwargs.pop("stdout_file", None),
            stderr_file=kwargs.pop("stderr_file", None),
            **kwargs,
        )
        capture.client = client
        return client.execute()


papermill_engines.register(ENGINE_NAME, CapturingEngine)


def _kill_kernel(capture: _Capture) -> None:
    km = getattr(capture.client, "km", None)
    provisioner = getattr(km, "provisioner", None)
    pid = getattr(provisioner, "pgid", None) or getattr(provisioner, "pid", None)
    if pid:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _watchdog(capture: _Capture, timeout: float, done: threading.Event) -> None:
    if done.wait(timeout):
        return
    capture.timed_out = True
    while not done.is_set():  # the kernel may still be starting: keep trying until the run ends
        _kill_kernel(capture)
        done.wait(0.2)


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


def execute_report(
    spec: ReportSpec,
    engine: str = "fork",
    timeout: float | None = None,
    no_input: bool = False,
    server: Any = None,
) -> ReportOutcome:
    """Execute one report and render it; never raises for a failing notebook.

    ``engine="fork"`` forks the kernel from ``server`` (a :class:`ForkServer`, default the
    process-wide one); ``engine="papermill"`` starts kernels the ordinary way. ``timeout`` bounds
    the whole report in seconds (the kernel is killed when it is exceeded).
    """
    extra: dict[str, Any] = {"resources": {"metadata": {"path": str(Path(spec.path).parent)}}}
    if engine == "fork":
        bound = (server or default_server()).kernel_manager_class()
        extra.update(kernel_manager_class=bound, shutdown_kernel="immediate")
    elif engine != "papermill":
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    capture = _Capture()
    done = threading.Event()
    if timeout:
        threading.Thread(target=_watchdog, args=(capture, timeout, done), daemon=True).start()
    start = time.perf_counter()
    error, status, nb = "", "ok", None
    try:
        nb = papermill.execute_notebook(
            spec.path,
            None,
            parameters=dict(spec.parameters),
            engine_name=ENGINE_NAME,
            kernel_name="python3",
            progress_bar=False,
            request_save_on_cell_execute=False,
            capture=capture,
            **extra,
        )
    except PapermillExecutionError as exc:
        status, error = "failed", f"{exc.ename}: {exc.evalue}"
    except Exception as exc:
        status = "failed"
        error = f"{type(exc).__name__}: {exc}".strip()
        if capture.timed_out:
            error = (
                f"TimeoutError: report exceeded --timeout {timeout:g} s; kernel stopped ({error})"
            )
    finally:
        done.set()
    duration = time.perf_counter() - start
    if nb is None and capture.nb_man is not None:
        nb = capture.nb_man.nb
    outcome = ReportOutcome(
        spec.notebook, spec.stem, dict(spec.parameters), status, duration, error
    )
    if nb is None:
        return outcome
    _stable_injected_id(nb)
    if status == "failed":
        outcome.failing_cell = _failing_cell(nb)
    outcome.results = read_results(nb)
    outcome.ipynb = nbformat.writes(nb)
    try:
        outcome.html = render_report(nb, show_code=not no_input)
    except Exception as exc:  # a report whose HTML cannot be rendered is still a failed report
        outcome.status = "failed"
        outcome.error = outcome.error or f"HTML export failed: {type(exc).__name__}: {exc}"
    return outcome
