"""What the spending metrics select: years and countries of a panel, allies in a year, targets.

The checks themselves are :mod:`burdenshare.params` (one set for the whole package); this module
applies them to a panel's years and countries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..countries import nato_allies
from ..errors import ParameterError
from ..params import MAX_COUNT, check_target, check_year
from ..targets import target_value
from ._units import aggregates


def years_of(panel: pd.DataFrame) -> list[int]:
    return sorted(int(y) for y in panel.index.get_level_values("year").unique())


def panel_year(panel: pd.DataFrame, year: Any, name: str = "year") -> int:
    """``year`` as int if the panel has it, else ParameterError naming ``name`` and the span."""
    return check_year(name, year, years_of(panel))


def check_years(
    panel: pd.DataFrame, years: int | Iterable[int] | None, name: str = "years"
) -> list[int]:
    """Every year of the panel (None), or the given year(s), each one the panel holds."""
    have = years_of(panel)
    if years is None:
        return have
    if isinstance(years, int | np.integer) or not isinstance(years, Iterable):
        return [check_year(name, years, have)]
    wanted = list(years)
    if len(wanted) > MAX_COUNT:
        raise ParameterError(
            f"Parameter {name!r} lists {len(wanted):,} years; at most {MAX_COUNT}."
        )
    return [check_year(name, y, have) for y in wanted]


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
            f"Parameter 'countries': Unknown country {', '.join(map(repr, unknown[:10]))}: not "
            f"in the data. Use ISO3 codes such as {', '.join(sorted(have)[:4])}… "
            "(bs.countries.nato_allies() lists allies)."
        )
    return countries


def allies_only(panel: pd.DataFrame) -> pd.DataFrame:
    """Rows of allies that were NATO members in that year (aggregates and non-members dropped)."""
    iso3 = panel.index.get_level_values("iso3")
    year = panel.index.get_level_values("year")
    members = {int(y): set(nato_allies(int(y))) for y in set(year)}
    keep = [c in members[int(y)] for c, y in zip(iso3, year, strict=True)]
    return panel[keep]


def target_pct(target: Any, unit: str = "% of GDP", name: str = "target") -> float:
    """A target as a number in ``unit``: an id of the commitments table or a number in (0, 100].

    Unknown ids raise ParameterError listing the ids in ``unit`` (``bs.target_value``); numbers
    must be finite, above 0 and at most 100.
    """
    if isinstance(target, str):
        value = target_value(target, unit=unit)
        if not 0 < value <= 100:
            raise ParameterError(
                f"Parameter {name!r}: target {target!r} is {value} {unit}, outside 0 to 100."
            )
        return value
    return float(check_target(name, target, unit))
