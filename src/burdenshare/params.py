"""Parameter checks for the whole package: notebooks, analyses and public metrics use these.

Every check raises :class:`~burdenshare.ParameterError` with a message that names the parameter,
the value given and what would be valid. Numbers must be finite and inside a stated range, and
sizes (years, draws, counts, list lengths) are bounded, so that no parameter can make a
computation run away with time or memory.

Bounds shared across the package are declared here once: :data:`LAST_YEAR` (the latest horizon a
pathway may reach), :data:`MAX_DRAWS` (random draws of a fan chart), :data:`MAX_COUNT` (top-n and
similar counts) and :data:`MAX_PERCENTILES`.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from .editions import editions
from .errors import ParameterError
from .targets import load_targets

#: Latest year a horizon (e.g. a pathway's target year ``by``) may reach.
LAST_YEAR = 2100
#: Most random draws a fan chart takes (its memory grows with draws x allies).
MAX_DRAWS = 1_000_000
#: Largest top-n / count parameter (there are fewer than 200 donors or countries in any table).
MAX_COUNT = 1_000
#: Most percentiles one fan chart computes.
MAX_PERCENTILES = 101


def _listing(choices: Iterable[Any], limit: int = 40) -> str:
    values = [str(c) for c in choices]
    shown = ", ".join(values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- types and choices ------------------------------------------------------------------------


def check_type(name: str, value: Any, expected: type | tuple[type, ...]) -> None:
    """Raise unless ``value`` is an instance of ``expected`` (bools are not accepted as numbers)."""
    kinds = expected if isinstance(expected, tuple) else (expected,)
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if not ok:
        wanted = " or ".join(k.__name__ for k in kinds)
        raise ParameterError(
            f"Parameter {name!r} must be {wanted}, got {_short(value)} ({type(value).__name__})."
        )


def _one_of(value: Any, options: list[Any]) -> bool:
    """Whether ``value`` is one of ``options``; a list, mapping or table never is (comparing
    one with ``in`` would fail or compare element by element)."""
    try:
        hash(value)
    except TypeError:
        return False
    return value in options


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``; else raise naming the valid choices."""
    options = list(choices)
    if not _one_of(value, options):
        raise ParameterError(
            f"Parameter {name!r} = {_short(value)} is not valid. Choose one of: "
            f"{_listing(options)}."
        )
    return value


def check_choices(name: str, values: Sequence[Any], choices: Iterable[Any]) -> list[Any]:
    """Every item of a list parameter must be a valid choice; the list must not be empty."""
    options = list(choices)
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise ParameterError(f"Parameter {name!r} must be a list, got {_short(values)}.")
    if not values:
        raise ParameterError(
            f"Parameter {name!r} is empty; give at least one of: {_listing(options)}."
        )
    bad = [v for v in values if not _one_of(v, options)]
    if bad:
        raise ParameterError(
            f"Parameter {name!r} holds invalid value(s) {_short(bad)}. Choose from: "
            f"{_listing(options)}."
        )
    return list(values)


def check_flag(name: str, value: Any) -> bool:
    """A True/False switch (not 0/1, not a string)."""
    if not isinstance(value, bool | np.bool_):
        raise ParameterError(
            f"Parameter {name!r} must be True or False, got {_short(value)} "
            f"({type(value).__name__})."
        )
    return bool(value)


# --- numbers and sizes ------------------------------------------------------------------------


def check_number(
    name: str, value: Any, low: float, high: float, *, open_low: bool = False
) -> float:
    """A finite real number with ``low <= value <= high`` (``low < value`` with ``open_low``)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ParameterError(
            f"Parameter {name!r} must be a number, got {_short(value)} ({type(value).__name__})."
        )
    number = float(value)
    relation = f"above {low} and at most {high}" if open_low else f"from {low} to {high}"
    if not math.isfinite(number):
        raise ParameterError(
            f"Parameter {name!r} = {value!r} is not a finite number; give a value {relation}."
        )
    below = number <= low if open_low else number < low
    if below or number > high:
        raise ParameterError(
            f"Parameter {name!r} = {value!r} is outside the valid range: give a value {relation}."
        )
    return number


def check_range(name: str, value: Any, low: float, high: float) -> float:
    """``low <= value <= high`` for a number parameter (finite); returns it unchanged."""
    check_number(name, value, low, high)
    return value


def check_int(name: str, value: Any, low: int, high: int) -> int:
    """A whole number (int or numpy integer, not bool) with ``low <= value <= high``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ParameterError(
            f"Parameter {name!r} must be a whole number from {low} to {high}, got "
            f"{_short(value)} ({type(value).__name__})."
        )
    if not low <= int(value) <= high:
        raise ParameterError(
            f"Parameter {name!r} = {value!r} is outside the valid range: give a whole number "
            f"from {low} to {high}."
        )
    return int(value)


def check_values(
    name: str,
    values: Any,
    low: float,
    high: float,
    *,
    max_size: int,
    open_bounds: bool = False,
) -> np.ndarray:
    """An array of finite numbers in range, with at most ``max_size`` elements (memory bound).

    ``open_bounds``: ``low < v < high`` instead of ``low <= v <= high``.
    """
    size = int(np.size(values)) if not isinstance(values, str) else 1
    if size > max_size:
        raise ParameterError(
            f"Parameter {name!r} has {size:,} values; at most {max_size:,} are allowed."
        )
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(
            f"Parameter {name!r} must hold numbers, got {_short(values)}."
        ) from None
    if array.size == 0:
        raise ParameterError(f"Parameter {name!r} is empty; give at least one value.")
    if not np.isfinite(array).all():
        raise ParameterError(
            f"Parameter {name!r} has missing or infinite values; give a finite value for each."
        )
    outside = (array <= low) | (array >= high) if open_bounds else (array < low) | (array > high)
    if outside.any():
        bad = float(array[outside].ravel()[0])
        relation = "strictly between" if open_bounds else "from"
        joint = "and" if open_bounds else "to"
        raise ParameterError(
            f"Parameter {name!r} holds {bad!r}, outside the valid range: give values "
            f"{relation} {low} {joint} {high}."
        )
    return array


# --- years and dates --------------------------------------------------------------------------


def check_year(name: str, value: Any, years: Iterable[int]) -> int:
    """A year (whole number) that the data holds; the message names the data's span."""
    have = sorted({int(y) for y in years})
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise ParameterError(
            f"Parameter {name!r} must be a year such as {have[-1] if have else 2024} (a whole "
            f"number), got {_short(value)} ({type(value).__name__})."
        )
    year = int(value)
    if year not in have:
        span = f"choose a year from {have[0]} to {have[-1]}" if have else "the data has no years"
        gaps = "" if not have or len(have) == have[-1] - have[0] + 1 else " that the data holds"
        raise ParameterError(f"Parameter {name!r} = {year} is outside the data: {span}{gaps}.")
    return year


def check_year_span(
    start_name: str, start: Any, end_name: str, end: Any, low: int, high: int
) -> tuple[int, int]:
    """Two year parameters inside ``low..high`` and in order (``start <= end``)."""
    first = check_int(start_name, start, low, high)
    last = check_int(end_name, end, low, high)
    if first > last:
        raise ParameterError(
            f"Parameter {start_name!r} ({first}) must not be after {end_name!r} ({last})."
        )
    return first, last


def check_date(name: str, value: Any, first: dt.date, last: dt.date) -> dt.date:
    """An ISO date text (YYYY-MM-DD) from ``first`` to ``last``; returns the date."""
    check_type(name, value, str)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ParameterError(
            f"Parameter {name!r} = {value!r} is not a date; write it as YYYY-MM-DD, from "
            f"{first} to {last}."
        ) from None
    if not first <= day <= last:
        raise ParameterError(
            f"Parameter {name!r} = {value!r} is outside the valid range {first} to {last}."
        )
    return day


# --- data choices: editions and targets -------------------------------------------------------


def check_edition(name: str, value: Any, dataset: str) -> str:
    """An installed edition (or release) label of ``dataset``; an int year is read as its label."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        value = str(value)
    check_type(name, value, str)
    return check_choice(name, value, list(editions(dataset)))


def valued_targets(unit: str = "% of GDP") -> list[str]:
    """Ids of the "at least" targets in the commitments table that carry a value in ``unit``."""
    table = load_targets()
    keep = table["value"].notna() & (table["unit"] == unit) & (table["bound"] == "at least")
    return [str(t) for t in table.loc[keep, "target_id"]]


def check_target(name: str, value: Any, unit: str = "% of GDP") -> str | float:
    """A target: an id of the commitments table in ``unit``, or a number above 0 and at most 100."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_):
        return check_number(name, value, 0.0, 100.0, open_low=True)
    if not isinstance(value, str):
        raise ParameterError(
            f"Parameter {name!r} must be a target id such as {valued_targets(unit)[0]!r} or a "
            f"number in {unit}, got {_short(value)} ({type(value).__name__})."
        )
    return check_choice(name, value, valued_targets(unit))


def check_targets(name: str, values: Any, unit: str = "% of GDP") -> list[str | float]:
    """A non-empty list of targets (ids or numbers, see :func:`check_target`), at most 20."""
    if isinstance(values, str) or not isinstance(values, Sequence):
        raise ParameterError(f"Parameter {name!r} must be a list, got {_short(values)}.")
    if not values:
        raise ParameterError(
            f"Parameter {name!r} is empty; give at least one of: {_listing(valued_targets(unit))}"
            " or a number."
        )
    if len(values) > 20:
        raise ParameterError(f"Parameter {name!r} lists {len(values)} targets; at most 20.")
    bad = [v for v in values if isinstance(v, str) and v not in valued_targets(unit)]
    if bad:
        raise ParameterError(
            f"Parameter {name!r} holds invalid value(s) {_short(bad)}. Choose from: "
            f"{_listing(valued_targets(unit))}, or give numbers in {unit}."
        )
    return [check_target(f"{name}[{i}]", v, unit) for i, v in enumerate(values)]
