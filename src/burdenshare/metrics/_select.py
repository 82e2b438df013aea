"""What the spending metrics select: years and countries of a panel, allies in a year, targets.

The checks themselves are :mod:`burdenshare.params` (one set for the whole package); this module
applies them to a panel's years and countries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..countries import nato_allies
from ..errors import ParameterError, UnitError
from ..params import MAX_COUNT, check_target, check_year
from ..targets import target_bound, target_parts, target_value
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


#: NATO's share of GDP, the part of a target the ``measured_by`` column calls by this name.
NATO_SHARE = "defexp_share_gdp_pct"
EXACT = "exact"
LOWER_BOUND = "lower bound"


@dataclass(frozen=True)
class Scoring:
    """How a target can be scored on a panel's share column.

    ``value``: the target (% of GDP). ``reading``: :data:`EXACT` when the share is the target's
    whole measure, :data:`LOWER_BOUND` when it is only part of it (the other parts, which the
    data lacks, are spending and cannot be negative): then a share at or above the target meets
    it, a share below it gives no verdict, and ``target − share`` is an upper bound of the gap.
    ``missing``: the parts the data lacks; ``measure``: what the share measures, in words.
    """

    value: float
    reading: str
    missing: tuple[str, ...]
    measure: str

    @property
    def exact(self) -> bool:
        return self.reading == EXACT


def _measure_of(panel: pd.DataFrame, share: str) -> str:
    definition = panel.attrs.get("definition")
    return f"{share} ({definition})" if definition else share


def target_scoring(panel: pd.DataFrame, target: Any, share: str, name: str = "target") -> Scoring:
    """What ``share`` can say about ``target`` (see :class:`Scoring`).

    A number is scored exactly on ``share``. A target id is measured on the parts its
    ``measured_by`` names (:func:`burdenshare.targets.target_parts`); NATO's share of GDP stands
    for the part ``defexp_share_gdp_pct`` (every edition publishes NATO's agreed definition of
    defence expenditure, headed "core" from 2026, which the Hague 3.5% is defined on). A target
    none of whose parts the data holds (the Hague "up to 1.5%" of defence- and security-related
    spending, which NATO does not publish) raises :class:`~burdenshare.UnitError`, as does one
    bounded other than "at least" that the data measures only in part.
    """
    value = target_pct(target, name=name)
    measure = _measure_of(panel, share)
    if not isinstance(target, str):
        return Scoring(value, EXACT, (), measure)
    parts = target_parts(target)
    have = [p for p in parts if p in panel.columns or (p == NATO_SHARE and share in panel.columns)]
    missing = tuple(p for p in parts if p not in have)
    if not missing:
        return Scoring(value, EXACT, (), measure)
    if not have or target_bound(target) != "at least":
        raise UnitError(
            f"Target {target!r} is measured on {' + '.join(parts) or 'nothing stated'}, which "
            f"the data does not contain (it has {measure}; NATO publishes no defence- and "
            "security-related spending). Defence expenditure gives no verdict and no bound on "
            "it: score 'hague_core_3_5', or 'hague_total_5' (answered as a bound), instead."
        )
    return Scoring(value, LOWER_BOUND, missing, f"{measure} only")
