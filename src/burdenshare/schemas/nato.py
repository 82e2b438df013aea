"""NATO "Defence Expenditure of NATO Countries": the long table and its indicators."""

from __future__ import annotations

import pandas as pd

from .fields import CHANGE, FIELDS, NATO_ISO3, SHARE, money, per_person, persons
from .model import Bounds, Indicator, Rule, TableSpec, fields_of
from .rules import code_names_row, currency_of_country, indicator_rules, year_within_label


def _indicator(unit: str, prices: str, description: str, bounds: Bounds | None = None) -> Indicator:
    return Indicator(unit, prices, bounds or money(unit), description)


#: NATO indicators (names as in ../shared/sources/nato): unit, price basis, bounds, meaning.
NATO_INDICATORS: dict[str, Indicator] = {
    "defexp_ncu_current_m": _indicator(
        "million national currency", "current", "Defence expenditure (Table 1)"
    ),
    "defexp_ncu_constant_m": _indicator(
        "million national currency", "constant", "Defence expenditure (Table 1)"
    ),
    "defexp_usd_current_m": _indicator("million US$", "current", "Defence expenditure (Table 2)"),
    "defexp_usd_constant_m": _indicator("million US$", "constant", "Defence expenditure (Table 2)"),
    "defexp_share_gdp_pct": _indicator(
        "% of GDP", "constant", "Defence expenditure as a share of real GDP (Table 3)", SHARE
    ),
    "defexp_real_change_pct": _indicator(
        "% annual real change", "constant", "Annual real change (Table 3)", CHANGE
    ),
    "gdp_usd_current_m": _indicator("million US$", "current", "GDP (Table 5)"),
    "gdp_usd_constant_m": _indicator("million US$", "constant", "GDP (Table 5)"),
    "gdp_per_capita_constant_kusd": _indicator(
        "thousand US$ per capita", "constant", "GDP per capita (Table 6)", per_person("thousand")
    ),
    "defexp_per_capita_constant_usd": _indicator(
        "US$ per capita", "constant", "Defence expenditure per capita (Table 6)", per_person("")
    ),
    "military_personnel_k": _indicator(
        "thousand persons", "", "Military personnel (Table 7)", persons("thousand")
    ),
    "equipment_share_pct": _indicator(
        "% of defence expenditure", "", "Equipment expenditure (Table 8a)", SHARE
    ),
    "personnel_share_pct": _indicator(
        "% of defence expenditure", "", "Personnel expenditure (Table 8a)", SHARE
    ),
    "infrastructure_share_pct": _indicator(
        "% of defence expenditure", "", "Infrastructure expenditure (Table 8b)", SHARE
    ),
    "other_share_pct": _indicator(
        "% of defence expenditure", "", "Other expenditure (Table 8b)", SHARE
    ),
}

DEFINITIONS = FIELDS["definition"].allowed


def _aggregate_flag(frame: pd.DataFrame) -> pd.Series:
    return frame["aggregate"] == frame["iso3"].isin(["NATO_TOTAL", "NATO_EUR_CAN"])


SPENDING = TableSpec(
    name="nato_spending",
    description="NATO defence expenditure, one row per ally (or aggregate), year and indicator.",
    fields=fields_of(
        FIELDS,
        NATO_ISO3,
        "country",
        "year",
        FIELDS["indicator"].but(allowed=tuple(NATO_INDICATORS)),
        "value",
        "unit",
        FIELDS["prices"].but(nullable=True),
        "price_base_year",
        "currency",
        "estimate",
        "edition",
        "definition",
        "aggregate",
        FIELDS["note"].but(optional=True),
    ),
    key=("edition", "iso3", "year", "indicator"),
    rules=(
        code_names_row("country"),
        currency_of_country("country"),
        *indicator_rules(NATO_INDICATORS, with_prices=True),
        Rule(
            "aggregate",
            _aggregate_flag,
            "True exactly for NATO_TOTAL and NATO_EUR_CAN",
            uses=("iso3",),
        ),
        year_within_label("edition", strict=False),
    ),
    indicators=NATO_INDICATORS,
)
