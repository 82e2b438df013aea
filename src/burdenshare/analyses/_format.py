"""Words and numbers the analyses write: figures without trailing zeros, country names, target
labels, citations and JSON-able key results."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..countries import name as country_name
from ..editions import citation
from ..targets import targets_by_id


def fmt(value: float, digits: int = 2) -> str:
    """A number without trailing zeros: 2.0 -> "2", 3.5 -> "3.5".

    ``digits`` decimals, or more where fewer would leave under two significant digits (0.0559
    -> "0.056", never "0.1"; 5.4 with 0 digits -> "5.4"): the number shown is the value as
    rounded, within 5% of it.
    """
    if value and math.isfinite(value):
        digits = max(digits, 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return "0" if text in ("", "-0") else text


def signed(value: float, digits: int = 2) -> str:
    """:func:`fmt` with an explicit sign: "+1.5", "-2", "0"."""
    text = fmt(value, digits)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def windows_text(windows: Iterable[int]) -> str:
    """``[1, 3, 5]`` -> ``"1, 3 and 5"`` (years, for a title)."""
    return listing([str(w) for w in windows])


def ordinal(rank: int) -> str:
    """1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd"."""
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def names(codes: Iterable[str]) -> list[str]:
    """Country names of ISO3 (or special) codes."""
    return [country_name(c) for c in codes]


def listing(items: Iterable[str], last: str = "and") -> str:
    """``["a", "b", "c"]`` -> ``"a, b and c"``."""
    words = list(items)
    return ", ".join(words[:-1]) + f" {last} {words[-1]}" if len(words) > 1 else "".join(words)


def verb(change: float, up: str = "rose", down: str = "fell", same: str = "stayed") -> str:
    """The verb for a change: rose / fell / stayed."""
    return up if change > 0 else down if change < 0 else same


def plain(value: Any, digits: int = 4) -> Any:
    """A JSON-able copy: numpy/pandas scalars to Python, floats rounded, NaN to None."""
    if isinstance(value, Mapping):
        return {str(k): plain(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple | pd.Index | np.ndarray):
        return [plain(v, digits) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return None if math.isnan(number) else round(number, digits)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return value


def trend_text(values: pd.Series, when: Callable[[Any], str], digits: int = 1) -> str:
    """First to last of a series of shares (%), with its turn when it is not monotone:
    "rose from 65% (2022) to 71% (2025) via a peak of 85% (2023)". ``when`` names an index
    value; the turns are the extremes beyond both ends, in time order."""
    known = values.dropna()
    first, last = float(known.iloc[0]), float(known.iloc[-1])
    start, end = fmt(first, digits), fmt(last, digits)
    d0, d1 = when(known.index[0]), when(known.index[-1])
    if start == end:
        text = f"was {start}% in both {d0} and {d1}"
    else:
        text = f"{verb(last - first)} from {start}% ({d0}) to {end}% ({d1})"
    turns = []
    if known.max() > max(first, last):
        turns.append((known.idxmax(), f"a peak of {fmt(known.max(), digits)}%"))
    if known.min() < min(first, last):
        turns.append((known.idxmin(), f"a low of {fmt(known.min(), digits)}%"))
    if not turns:
        return text
    ordered = [f"{words} ({when(at)})" for at, words in sorted(turns, key=lambda t: t[0])]
    return f"{text} via {' and '.join(ordered)}"


def target_label(target: str | float) -> str:
    """A short label such as "Wales 2%" or "Hague 3.5%" (a number: "3.5%")."""
    if not isinstance(target, str):
        return f"{fmt(float(target))}%"
    row = targets_by_id().loc[target]
    summit = str(row["summit"]).removeprefix("NATO ").removeprefix("The ").split(" (")[0]
    return f"{summit.removesuffix(' Summit')} {fmt(float(row['value']))}%"


def target_key(target: str | float) -> str:
    """A key-result suffix for a target: its id, or ``"3_5pct"`` for the number 3.5."""
    return target if isinstance(target, str) else f"{fmt(float(target)).replace('.', '_')}pct"


def cite(*pairs: tuple[str, str]) -> list[str]:
    """Citations for (dataset, edition) pairs."""
    return [citation(dataset, edition) for dataset, edition in pairs]


def short_source(*pairs: tuple[str, str]) -> str:
    """A compact source line naming several (dataset, edition) pairs, for under a chart."""
    parts = []
    for dataset, edition in pairs:
        text = citation(dataset, edition)
        title, _, tag = text.rpartition(" [")
        parts.append(f"{title.split(' (')[0]} [{tag}" if title else text)
    return "; ".join(parts)


def with_names(frame: pd.DataFrame, level: str = "iso3") -> pd.DataFrame:
    """Replace an ISO3 index (or index level) by country names for display."""
    out = frame.copy()
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels(
            [country_name(c) for c in out.index.levels[out.index.names.index(level)]],
            level=level,
        )
        out.index = out.index.rename("country", level=level)
    else:
        out.index = pd.Index([country_name(c) for c in out.index], name="country")
    return out
