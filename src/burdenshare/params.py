"""Validation of notebook and report parameters, with errors that name the parameter and choices.

Notebooks call these right after their ``parameters`` cell so that a bad value fails at once with
a :class:`~burdenshare.ParameterError` saying which parameter is wrong and what would be valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .errors import ParameterError


def _listing(choices: Iterable[Any], limit: int = 40) -> str:
    values = [str(c) for c in choices]
    shown = ", ".join(values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def check_type(name: str, value: Any, expected: type | tuple[type, ...]) -> None:
    """Raise unless ``value`` is an instance of ``expected`` (bools are not accepted as numbers)."""
    kinds = expected if isinstance(expected, tuple) else (expected,)
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if not ok:
        wanted = " or ".join(k.__name__ for k in kinds)
        raise ParameterError(
            f"Parameter {name!r} must be {wanted}, got {value!r} ({type(value).__name__})."
        )


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``; else raise naming the valid choices."""
    options = list(choices)
    if value not in options:
        raise ParameterError(
            f"Parameter {name!r} = {value!r} is not valid. Choose one of: {_listing(options)}."
        )
    return value


def check_choices(name: str, values: Sequence[Any], choices: Iterable[Any]) -> list[Any]:
    """Every item of a list parameter must be a valid choice; the list must not be empty."""
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise ParameterError(f"Parameter {name!r} must be a list, got {values!r}.")
    if not values:
        raise ParameterError(
            f"Parameter {name!r} is empty; give at least one of: {_listing(choices)}."
        )
    options = list(choices)
    bad = [v for v in values if v not in options]
    if bad:
        raise ParameterError(
            f"Parameter {name!r} holds invalid value(s) {bad!r}. Choose from: {_listing(options)}."
        )
    return list(values)


def check_range(name: str, value: float, low: float, high: float) -> float:
    """``low <= value <= high`` for a number parameter."""
    check_type(name, value, (int, float))
    if not low <= value <= high:
        raise ParameterError(
            f"Parameter {name!r} = {value!r} is outside the valid range {low} to {high}."
        )
    return value


def check_year_span(
    start_name: str, start: int, end_name: str, end: int, low: int, high: int
) -> None:
    """Two year parameters inside the data's span and in order."""
    check_range(start_name, start, low, high)
    check_range(end_name, end, low, high)
    check_type(start_name, start, int)
    check_type(end_name, end, int)
    if start > end:
        raise ParameterError(
            f"Parameter {start_name!r} ({start}) must not be after {end_name!r} ({end})."
        )
