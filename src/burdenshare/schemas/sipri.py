"""SIPRI Military Expenditure Database: the long table and its indicators."""

from __future__ import annotations

from dataclasses import replace

from .fields import FIELDS, SHARE, YEAR_RELEASE, money, per_person
from .model import Indicator, TableSpec, fields_of
from .rules import code_names_row, currency_of_country, indicator_rules, year_within_label

#: SIPRI indicators. Shares are percent here (SIPRI stores fractions).
SIPRI_INDICATORS: dict[str, Indicator] = {
    "milex_usd_constant_m": Indicator(
        "million US$", "constant", money("million"), "Military expenditure, constant US$"
    ),
    "milex_usd_current_m": Indicator(
        "million US$", "current", money("million"), "Military expenditure, current US$"
    ),
    "milex_share_gdp_pct": Indicator("% of GDP", "current", SHARE, "Share of GDP"),
    "milex_per_capita_usd": Indicator("US$ per capita", "current", per_person(""), "Per capita"),
    "milex_share_govt_pct": Indicator(
        "% of government spending", "current", SHARE, "Share of government spending"
    ),
    "milex_lcu_current": Indicator(
        "local currency units", "current", money("units"), "Local currency, calendar years"
    ),
}

SIPRI = TableSpec(
    name="sipri_milex",
    description="SIPRI military expenditure, one row per country, year and indicator.",
    fields=fields_of(
        FIELDS,
        "iso3",
        "country",
        "year",
        FIELDS["indicator"].but(allowed=tuple(SIPRI_INDICATORS)),
        "value",
        "unit",
        "price_base_year",
        "currency",
        "estimate",
        YEAR_RELEASE,
    ),
    key=("release", "iso3", "year", "indicator"),
    rules=(
        code_names_row("country"),
        currency_of_country("country"),
        *indicator_rules(SIPRI_INDICATORS, with_prices=False),
        year_within_label("release", strict=True),
    ),
    indicators=SIPRI_INDICATORS,
)

#: SIPRI's major spenders outside NATO: the same columns and checks as :data:`SIPRI`.
SIPRI_WORLD = replace(
    SIPRI,
    name="sipri_world",
    description="SIPRI military expenditure of the major spenders outside NATO (sipri_milex's "
    "columns), one row per country, year and indicator.",
)
