"""The options of a report run, checked before any report runs.

Every check raises :class:`~burdenshare.errors.ParameterError` (or ``ReportError`` for folders
and the scheduler) naming the option, the value and what to give instead.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ParameterError, ReportError
from .cache.store import check_cache_folder, default_cache_dir
from .site.pdf import find_chromium, printer_missing

ENGINES = ("fork", "papermill")
EXECUTORS = ("local", "dask")
#: Seconds allowed to reach a Dask scheduler before the run gives up.
SCHEDULER_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class RunOptions:
    """How a set of reports runs.

    ``engine``: "fork" (kernels forked from a warm process) or "papermill" (ordinary kernels).
    ``jobs``: concurrent reports (default: the cores). ``timeout``: seconds per report;
    ``cell_timeout``: seconds per cell. ``show_code``: pages show code cells (default: reader
    mode). ``pdf``: also print each page to PDF. ``executor``/``scheduler``: local threads or a
    Dask cluster. ``cache_dir``: the report cache (default :func:`default_cache_dir`);
    ``use_cache=False`` neither reads nor writes it; ``force`` re-runs every report (and stores
    the results). ``wait``: wait for another run on the same output folder (else fail at once).
    ``progress``: None for automatic (a bar on a terminal, one line per report otherwise).
    ``profile``: also time figure drawing inside the kernels.
    """

    engine: str = "fork"
    jobs: int | None = None
    timeout: float | None = None
    cell_timeout: float | None = None
    show_code: bool = False
    pdf: bool = False
    executor: str = "local"
    scheduler: Any = None
    cache_dir: Path | None = None
    use_cache: bool = True
    force: bool = False
    wait: bool = True
    progress: bool | None = None
    profile: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_kwargs(cls, **kwargs: Any) -> RunOptions:
        """Options from keyword arguments; ``no_input`` is the old name of ``not show_code``."""
        if "no_input" in kwargs:
            no_input = kwargs.pop("no_input")
            kwargs.setdefault("show_code", not no_input)
        unknown = sorted(set(kwargs) - {f for f in cls.__dataclass_fields__ if f != "extra"})
        if unknown:
            raise ParameterError(
                f"unknown report option(s) {unknown}; see help(burdenshare.run_report)."
            )
        return cls(**kwargs)

    def as_manifest(self) -> dict[str, Any]:
        """The options as recorded in the run manifest (plain JSON values)."""
        scheduler = self.scheduler
        if scheduler is not None and not isinstance(scheduler, str):
            scheduler = type(scheduler).__name__
        return {
            "engine": self.engine,
            "jobs": self.jobs,
            "timeout": self.timeout,
            "cell_timeout": self.cell_timeout,
            "show_code": self.show_code,
            "pdf": self.pdf,
            "executor": self.executor,
            "scheduler": scheduler,
            "cache_dir": str(self.cache_dir) if self.use_cache and self.cache_dir else None,
            "force": self.force,
            "profile": self.profile,
        }


def _seconds(name: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParameterError(f"{name} {value!r}: give a number of seconds, e.g. {name} 600.")
    if not math.isfinite(value) or value <= 0:
        raise ParameterError(
            f"{name} {value:g}: give a positive, finite number of seconds, e.g. {name} 600"
            " (leave it out for no limit)."
        )
    return float(value)


def _executor(options: RunOptions) -> str:
    """The executor: "dask" whenever a scheduler is given."""
    executor = "dask" if options.scheduler is not None else options.executor
    if executor not in EXECUTORS:
        raise ParameterError(
            f"--executor {options.executor!r}: choose one of {', '.join(EXECUTORS)}."
        )
    return executor


def _jobs(jobs: Any) -> int:
    """The number of concurrent reports: as given (a whole number, 1 or more), else the cores."""
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"--jobs {jobs!r}: give a whole number of reports, 1 or more.")
    return jobs or os.cpu_count() or 1


def check_options(options: RunOptions) -> RunOptions:
    """The options, checked and completed (jobs and cache folder filled in)."""
    if options.engine not in ENGINES:
        raise ParameterError(f"--engine {options.engine!r}: choose one of {', '.join(ENGINES)}.")
    executor = _executor(options)
    jobs = _jobs(options.jobs)
    timeout = _seconds("--timeout", options.timeout)
    cell_timeout = _seconds("--cell-timeout", options.cell_timeout)
    missing = printer_missing(find_chromium()) if options.pdf else None
    if missing:
        raise ReportError(missing)
    cache_dir = None
    if options.use_cache:
        cache_dir = check_cache_folder(options.cache_dir or default_cache_dir())
    return replace(
        options,
        executor=executor,
        jobs=jobs,
        timeout=timeout,
        cell_timeout=cell_timeout,
        cache_dir=cache_dir,
    )


def connect_scheduler(scheduler: Any, timeout: float = SCHEDULER_TIMEOUT_S) -> tuple[Any, bool]:
    """(Dask client, whether we own it) for ``scheduler`` (an address or a Client), or a one-line
    ReportError when no scheduler answers within ``timeout`` seconds."""
    try:
        from distributed import Client  # lazy: the optional [dask] extra
    except ImportError:  # pragma: no cover - the [dask] extra is missing
        raise ReportError(
            "--scheduler/--executor dask needs dask.distributed: pip install 'burdenshare[dask]'."
        ) from None
    if isinstance(scheduler, Client):
        return scheduler, False
    try:
        if scheduler is None:
            return Client(processes=False, dashboard_address=None), True
        return Client(str(scheduler), timeout=timeout), True
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReportError(
            f"--scheduler {scheduler}: no Dask scheduler answered within {timeout:g} s ({reason});"
            " check the address (e.g. tcp://host:8786) and that the scheduler is running."
        ) from None
