"""Run a set of reports concurrently (local threads over forked kernels, or Dask) and write
executed notebooks, HTML, ``index.html`` and ``manifest.json``."""

from __future__ import annotations

import json
import os
import platform
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from .._version import __version__
from ..errors import ReportError
from ..manifest import entries
from .execute import ReportOutcome, execute_report
from .forking import ForkServer
from .planning import ReportSpec, discover, grids_of, plan, safe_path
from .site import render_index


@dataclass
class RunSummary:
    """The outcome of a report run."""

    out: Path
    outcomes: list[ReportOutcome]
    seconds: float

    @property
    def failed(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.status != "ok"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def text(self) -> str:
        """A human summary: counts, then one line per failure naming cell and error."""
        lines = [
            f"{len(self.outcomes) - len(self.failed)}/{len(self.outcomes)} reports succeeded in "
            f"{self.seconds:.1f} s; index: {self.out / 'index.html'}"
        ]
        for o in self.failed:
            cell = "?" if o.failing_cell is None else o.failing_cell
            lines.append(
                f"FAILED {o.notebook} {json.dumps(o.parameters, default=str)}: cell {cell}: "
                f"{o.error} (partial notebook: {o.stem}.ipynb)"
            )
        return "\n".join(lines)


def _quiet() -> bool:
    return not sys.stderr.isatty() or os.environ.get("CI", "").lower() in ("1", "true", "yes")


def run_reports(
    specs: Sequence[ReportSpec],
    out: Path,
    engine: str = "fork",
    jobs: int | None = None,
    timeout: float | None = None,
    no_input: bool = False,
    executor: str = "local",
    scheduler: str | Any | None = None,
    progress: bool | None = None,
) -> RunSummary:
    """Execute ``specs`` and write the report set into ``out``; failures never stop the others."""
    if not specs:
        raise ReportError("no reports to run: check --notebook / --notebooks-dir.")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = max(1, jobs or os.cpu_count() or 1)
    show = (not _quiet()) if progress is None else progress
    start = time.perf_counter()
    if executor == "dask" or scheduler is not None:
        outcomes = _run_dask(specs, engine, timeout, no_input, scheduler, _writer(out), show)
    elif executor == "local":
        outcomes = _run_local(specs, engine, jobs, timeout, no_input, _writer(out), show)
    else:
        raise ReportError(f"executor must be 'local' or 'dask', not {executor!r}.")
    order = {s.stem: i for i, s in enumerate(specs)}
    outcomes.sort(key=lambda o: order[o.stem])
    summary = RunSummary(out, outcomes, time.perf_counter() - start)
    _write_manifest(summary, engine)
    (out / "index.html").write_text(render_index(outcomes, summary.seconds), encoding="utf-8")
    return summary


def _writer(out: Path) -> Callable[[ReportOutcome], ReportOutcome]:
    def write(outcome: ReportOutcome) -> ReportOutcome:
        if outcome.ipynb:
            safe_path(out, outcome.stem, ".ipynb").write_text(outcome.ipynb, encoding="utf-8")
        if outcome.html:
            safe_path(out, outcome.stem, ".html").write_text(outcome.html, encoding="utf-8")
        return outcome

    return write


def _bar(total: int, show: bool) -> Any:
    return tqdm(total=total, disable=not show, unit="report", desc="reports")


def _run_local(
    specs: Sequence[ReportSpec],
    engine: str,
    jobs: int,
    timeout: float | None,
    no_input: bool,
    write: Callable[[ReportOutcome], ReportOutcome],
    show: bool,
) -> list[ReportOutcome]:
    outcomes = []
    with (
        ForkServer() if engine == "fork" else nullcontext() as server,
        ThreadPoolExecutor(max_workers=jobs) as pool,
        _bar(len(specs), show) as bar,
    ):
        futures = [
            pool.submit(execute_report, spec, engine, timeout, no_input, server) for spec in specs
        ]
        for future in as_completed(futures):
            outcomes.append(write(future.result()))
            bar.update()
    return outcomes


def _dask_task(spec: ReportSpec, engine: str, timeout: float | None, no_input: bool) -> Any:
    """Run on a Dask worker, in a thread of its own so nbclient gets its own event loop."""
    box: list[ReportOutcome] = []
    thread = threading.Thread(
        target=lambda: box.append(execute_report(spec, engine, timeout, no_input))
    )
    thread.start()
    thread.join()
    return box[0]


def _run_dask(
    specs: Sequence[ReportSpec],
    engine: str,
    timeout: float | None,
    no_input: bool,
    scheduler: str | Any | None,
    write: Callable[[ReportOutcome], ReportOutcome],
    show: bool,
) -> list[ReportOutcome]:
    try:
        from distributed import Client  # lazy: the optional [dask] extra
        from distributed import as_completed as dask_completed
    except ImportError:  # pragma: no cover - the [dask] extra is missing
        raise ReportError(
            "--scheduler/--executor dask needs dask.distributed: pip install 'burdenshare[dask]'."
        ) from None
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    outcomes = []
    try:
        futures = [
            client.submit(_dask_task, spec, engine, timeout, no_input, pure=False, key=spec.stem)
            for spec in specs
        ]
        with _bar(len(specs), show) as bar:
            for future in dask_completed(futures):
                outcomes.append(write(future.result()))
                bar.update()
    finally:
        if own:
            client.close()
    return outcomes


def data_checksums() -> dict[str, str]:
    """sha256 of every bundled data file, from ``data/manifest.json``."""
    return {name: entry["sha256"] for name, entry in sorted(entries().items())}


def _write_manifest(summary: RunSummary, engine: str) -> None:
    reports = []
    for o in summary.outcomes:
        row = {k: v for k, v in asdict(o).items() if k not in ("ipynb", "html")}
        row["duration_s"] = round(o.duration_s, 3)
        row["files"] = {
            kind: f"{o.stem}.{kind}"
            for kind, text in (("ipynb", o.ipynb), ("html", o.html))
            if text
        }
        reports.append(row)
    manifest = {
        "package": "burdenshare",
        "version": __version__,
        "python": platform.python_version(),
        "engine": engine,
        "seconds": round(summary.seconds, 3),
        "succeeded": len(summary.outcomes) - len(summary.failed),
        "failed": len(summary.failed),
        "data": data_checksums(),
        "reports": reports,
    }
    text = json.dumps(manifest, indent=2, sort_keys=False, default=str)
    (summary.out / "manifest.json").write_text(text + "\n", encoding="utf-8")


def run_report(
    notebooks: Sequence[str] | None = None,
    parameters: dict[str, Any] | None = None,
    for_each: dict[str, Sequence[Any] | str] | None = None,
    out: str | Path = "reports",
    *,
    notebooks_dir: str | Path | None = None,
    **options: Any,
) -> RunSummary:
    """Python form of ``burdenshare report``: plan the reports, run them, write the set.

    ``notebooks``: names (default: every notebook, plus ``country_profile`` per ally).
    ``parameters``: values for the notebooks that declare them. ``for_each``: grid values per
    parameter (a list, or ``"allies"`` for every current ally; several keys give the product).
    ``options`` go to :func:`run_reports` (``engine``, ``jobs``, ``timeout``, ``no_input``,
    ``executor``, ``scheduler``, ``progress``).
    """
    grids = grids_of(for_each)
    folder = Path(notebooks_dir) if notebooks_dir is not None else None
    specs = plan(discover(folder), notebooks, parameters, grids)
    return run_reports(specs, Path(out), **options)
