"""Parameter checks shared by the metrics: years, countries, allies in a year."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..countries import nato_allies
from ..errors import ParameterError
from ..targets import target_value
from ._units import aggregates


def years_of(panel: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in panel.index.get_level_values("year").unique())


def check_year(panel: pd.DataFrame, year: int, what: str = "year") -> int:
    """``year`` as int if the data has it, else ParameterError listing the span."""
    have = years_of(panel)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ParameterError(f"{what} must be a year such as 2024, got {year!r}.") from None
    if year not in have:
        span = f"{have[0]}-{have[-1]}" if have else "no years"
        raise ParameterError(f"{what} {year} is outside the data ({span}); pick a year in it.")
    return year


def check_years(panel: pd.DataFrame, years: int | Iterable[int] | None) -> list[int]:
    if years is None:
        return years_of(panel)
    if isinstance(years, int | str):
        years = [years]
    return [check_year(panel, y) for y in years]


def check_countries(panel: pd.DataFrame, countries: str | Iterable[str] | None) -> list[str]:
    """ISO3 codes present in the panel (allies and, if asked, aggregates), else ParameterError."""
    have = set(panel.index.get_level_values("iso3"))
    if countries is None:
        return sorted(have - aggregates(panel))
    if isinstance(countries, str):
        countries = [countries]
    countries = list(countries)
    unknown = [c for c in countries if c not in have]
    if unknown:
        raise ParameterError(
            f"Unknown country {', '.join(map(repr, unknown))}: not in the data. Use ISO3 codes "
            f"such as {', '.join(sorted(have)[:4])}… (bs.countries.nato_allies() lists allies)."
        )
    return countries


def allies_only(panel: pd.DataFrame) -> pd.DataFrame:
    """Rows of allies that were NATO members in that year (aggregates and non-members dropped)."""
    iso3 = panel.index.get_level_values("iso3")
    year = panel.index.get_level_values("year")
    members = {int(y): set(nato_allies(int(y))) for y in set(year)}
    keep = [c in members[int(y)] for c, y in zip(iso3, year, strict=True)]
    return panel[keep]


def target_pct(target: str | float, unit: str = "% of GDP") -> float:
    """A target as a number (``bs.target_value``), with a ParameterError for bad values."""
    if isinstance(target, bool) or not isinstance(target, str | int | float):
        raise ParameterError(
            f"target must be a target id such as 'wales_2pct' or a number, got {target!r}."
        )
    value = target_value(target, unit=unit)
    if not 0 < value <= 100:
        raise ParameterError(f"target must be between 0 and 100 ({unit}), got {value}.")
    return value
