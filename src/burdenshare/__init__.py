"""burdenshare: NATO defence spending, the Hague targets and support to Ukraine.

``import burdenshare as bs`` gives the loaders (``bs.load_spending``, ``bs.load_support``, ...), the
metrics (``bs.compliance``, ``bs.pathway``, ...), ``bs.compare_releases`` (what changed between
two editions or releases) and the error types. Importing the package reads no
data: files are parsed on first use and cached for the rest of the process.
"""

from __future__ import annotations

from typing import Any

from . import loaders, metrics
from ._version import __version__
from .errors import BurdenshareError, DataError, ParameterError, ReportError, UnitError
from .loaders import *  # noqa: F403 - the loaders' public names, listed in loaders.__all__
from .metrics import *  # noqa: F403 - the metrics' public names, listed in metrics.__all__
from .revisions import compare_releases, largest_revisions


def run_report(*args: Any, **kwargs: Any) -> Any:
    """Run notebooks into a report set (``burdenshare report`` from Python); see
    :func:`burdenshare.reports.runner.run_report`. Imports the runner on first use only."""
    from .reports.runner import run_report as _run_report  # lazy: keeps papermill out of import

    return _run_report(*args, **kwargs)


__all__ = [
    "BurdenshareError",
    "DataError",
    "ParameterError",
    "ReportError",
    "UnitError",
    "__version__",
    "compare_releases",
    "largest_revisions",
    "run_report",
    *loaders.__all__,
    *metrics.__all__,
]
