"""burdenshare: NATO defence spending, the Hague targets and support to Ukraine.

``import burdenshare as bs`` gives the loaders (``bs.load_spending``, ``bs.load_support``, ...), the
metrics (``bs.compliance``, ``bs.pathway``, ...), ``bs.compare_releases`` (what changed between
two editions or releases) and the error types. Importing the package reads no data and imports
no pandas: the loaders and metrics are imported on first use of one of their names (so the
``burdenshare`` command starts its work before pandas is loaded); files are parsed on first use
and cached for the rest of the process.
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING, Any

from ._version import __version__ as __version__
from .errors import BurdenshareError as BurdenshareError
from .errors import DataError as DataError
from .errors import ParameterError as ParameterError
from .errors import ReportError as ReportError
from .errors import UnitError as UnitError

if TYPE_CHECKING:  # what the lazy names below resolve to, for type checkers and editors
    from . import loaders as loaders
    from . import metrics as metrics
    from .loaders import *  # noqa: F403
    from .metrics import *  # noqa: F403
    from .revisions import compare_releases as compare_releases
    from .revisions import largest_revisions as largest_revisions

#: Modules whose public names (their ``__all__``) the package gives, imported on first use.
_LAZY_MODULES = ("loaders", "metrics")
#: Other names the package gives, and the module each comes from.
_LAZY_NAMES = {"compare_releases": "revisions", "largest_revisions": "revisions"}
_EAGER = [
    "BurdenshareError",
    "DataError",
    "ParameterError",
    "ReportError",
    "UnitError",
    "__version__",
    "run_report",
]


def run_report(*args: Any, **kwargs: Any) -> Any:
    """Run notebooks into a report set (``burdenshare report`` from Python); see
    :func:`burdenshare.reports.runner.run_report`. Imports the runner on first use only."""
    from .reports.runner import run_report as _run_report  # lazy: keeps papermill out of import

    return _run_report(*args, **kwargs)


def _public() -> list[str]:
    names = list(_EAGER) + list(_LAZY_NAMES)
    for module in _LAZY_MODULES:
        names += importlib.import_module(f".{module}", __name__).__all__
    return names


def __getattr__(name: str) -> Any:
    """A loader, metric or revisions function on first use (PEP 562), then kept here."""
    if name == "__all__":
        value: Any = _public()
    elif name in _LAZY_MODULES:
        value = importlib.import_module(f".{name}", __name__)
    elif name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f".{_LAZY_NAMES[name]}", __name__), name)
    elif name.startswith("_") or importlib.util.find_spec(f"{__name__}.{name}") is not None:
        # Private names, and submodules not imported yet (``from burdenshare import datasets``
        # asks for the attribute first, then imports the submodule): nothing to load here.
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    else:
        for module_name in _LAZY_MODULES:
            module = importlib.import_module(f".{module_name}", __name__)
            if name in module.__all__:
                value = getattr(module, name)
                break
        else:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_public()))
