"""The one place where the report engine relies on another package's private behaviour.

Forked kernels must behave as ordinary ones do, and two things a fresh kernel gets from its own
interpreter have no public API in a forked child:

- :func:`run_exit_handlers`: a kernel child of the warm process ends with ``os._exit`` (it must
  never return into the warm process's loop nor tear down the state it inherited), so the
  ``atexit`` handlers its kernel registered (IPython saves its history) are run explicitly,
  with CPython's ``atexit._run_exitfuncs``.
- :func:`set_pandas_option_default`: pandas fixes the *default* of ``display.max_columns`` when
  it is imported (0 in a terminal, 20 in a kernel); the warm process imported pandas outside a
  kernel, so a forked kernel replaces the registered default in ``pandas._config.config``
  (``pd.set_option`` sets the value only; ``pd.reset_option`` would bring back 0).

:func:`problems` checks, cheaply and without starting anything, that both still exist with the
shape used here; the runner starts kernels the ordinary way (and says why in its summary) when
it returns anything. ``tests/test_reports_compat.py`` pins the behaviour each one relies on.
"""

from __future__ import annotations

import atexit
import functools
import importlib.util
import re
from pathlib import Path
from typing import Any

#: What the run summary says when :func:`problems` finds something.
FALLBACK = "kernels started the ordinary way"

#: The shape of pandas' option registry (``pandas/_config/config.py``) that
#: :func:`set_pandas_option_default` relies on: a module-level dict of named tuples with a
#: ``defval`` field.
_REGISTRY = re.compile(r"^_registered_options\b\s*[:=]", re.MULTILINE)
_DEFAULT_FIELD = re.compile(
    r"^class RegisteredOption\(NamedTuple\):\n(?:(?:    .*)?\n)*?    defval\b", re.MULTILINE
)


def run_exit_handlers() -> None:
    """Run and clear this process's ``atexit`` handlers now, last registered first (what a normal
    interpreter exit does before it tears the interpreter down)."""
    atexit._run_exitfuncs()


def set_pandas_option_default(pandas: Any, key: str, value: Any) -> None:
    """Make ``value`` both the default and the current value of pandas option ``key``, as if
    pandas had registered it so (``pandas``: the imported module)."""
    from pandas._config import config  # lazy: only where pandas is imported already

    registered = config._registered_options[key]
    config._registered_options[key] = registered._replace(defval=value)
    pandas.set_option(key, value)


@functools.cache
def _pandas_config_problem() -> str:
    """Why pandas' option registry lacks the shape :func:`set_pandas_option_default` uses ("" if
    it has it, or pandas is not installed). Reads the module's source (about a millisecond):
    importing pandas costs a second in the runner, which does not otherwise import it."""
    spec = importlib.util.find_spec("pandas")  # the top-level package only: nothing is imported
    if spec is None or spec.origin is None:
        return ""
    source = Path(spec.origin).parent / "_config" / "config.py"
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        return f"pandas' option registry could not be read ({source}: {exc})"
    if not (_REGISTRY.search(text) and _DEFAULT_FIELD.search(text)):
        return (
            f"pandas {_version('pandas')} no longer keeps registered options as"
            " pandas._config.config._registered_options of RegisteredOption(defval=...)"
        )
    return ""


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "(unknown version)"


def problems() -> list[str]:
    """What no longer has the shape this module relies on (empty: forked kernels are safe)."""
    found = []
    if not callable(getattr(atexit, "_run_exitfuncs", None)):
        found.append("this Python has no atexit._run_exitfuncs to end a forked kernel with")
    pandas = _pandas_config_problem()
    if pandas:
        found.append(pandas)
    return found


def fallback_reason() -> str:
    """``""`` when kernels may be forked, else what the run summary says instead."""
    found = problems()
    return f"{FALLBACK}: {'; '.join(found)}" if found else ""
