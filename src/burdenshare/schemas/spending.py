"""Schemas of the defence-spending tables: NATO editions, SIPRI releases, NATO targets.

Each table is a :class:`~burdenshare.validation.TableSpec`: required columns with their types, the
key that must be unique, and a pandera schema for the value rules. The indicator dictionaries
below say, for every indicator, its unit, its price basis and which values are plausible.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from ..countries import NATO_AGGREGATES, is_known_code
from ..validation import TableSpec


@dataclass(frozen=True)
class Indicator:
    """What an indicator measures: its unit, price basis and value domain."""

    unit: str
    prices: str  # "current", "constant" or "" (not a price series)
    domain: str  # "money" (>= 0), "share" (0-100), "change" (> -100), "count" (>= 0)
    description: str


#: NATO "Defence Expenditure of NATO Countries" indicators (names as in ../shared/sources/nato).
NATO_INDICATORS: dict[str, Indicator] = {
    "defexp_ncu_current_m": Indicator(
        "million national currency", "current", "money", "Defence expenditure (Table 1)"
    ),
    "defexp_ncu_constant_m": Indicator(
        "million national currency", "constant", "money", "Defence expenditure (Table 1)"
    ),
    "defexp_usd_current_m": Indicator(
        "million US$", "current", "money", "Defence expenditure (Table 2)"
    ),
    "defexp_usd_constant_m": Indicator(
        "million US$", "constant", "money", "Defence expenditure (Table 2)"
    ),
    "defexp_share_gdp_pct": Indicator(
        "% of GDP", "constant", "share", "Defence expenditure as a share of real GDP (Table 3)"
    ),
    "defexp_real_change_pct": Indicator(
        "% annual real change", "constant", "change", "Annual real change (Table 3)"
    ),
    "gdp_usd_current_m": Indicator("million US$", "current", "money", "GDP (Table 5)"),
    "gdp_usd_constant_m": Indicator("million US$", "constant", "money", "GDP (Table 5)"),
    "gdp_per_capita_constant_kusd": Indicator(
        "thousand US$ per capita", "constant", "money", "GDP per capita (Table 6)"
    ),
    "defexp_per_capita_constant_usd": Indicator(
        "US$ per capita", "constant", "money", "Defence expenditure per capita (Table 6)"
    ),
    "military_personnel_k": Indicator(
        "thousand persons", "", "count", "Military personnel (Table 7)"
    ),
    "equipment_share_pct": Indicator(
        "% of defence expenditure", "", "share", "Equipment expenditure (Table 8a)"
    ),
    "personnel_share_pct": Indicator(
        "% of defence expenditure", "", "share", "Personnel expenditure (Table 8a)"
    ),
    "infrastructure_share_pct": Indicator(
        "% of defence expenditure", "", "share", "Infrastructure expenditure (Table 8b)"
    ),
    "other_share_pct": Indicator(
        "% of defence expenditure", "", "share", "Other expenditure (Table 8b)"
    ),
}

#: SIPRI Military Expenditure Database indicators. Shares are percent here (SIPRI stores fractions).
SIPRI_INDICATORS: dict[str, Indicator] = {
    "milex_usd_constant_m": Indicator(
        "million US$", "constant", "money", "Military expenditure, constant US$"
    ),
    "milex_usd_current_m": Indicator(
        "million US$", "current", "money", "Military expenditure, current US$"
    ),
    "milex_share_gdp_pct": Indicator("% of GDP", "current", "share", "Share of GDP"),
    "milex_per_capita_usd": Indicator("US$ per capita", "current", "money", "Per capita"),
    "milex_share_govt_pct": Indicator(
        "% of government spending", "current", "share", "Share of government spending"
    ),
    "milex_lcu_current": Indicator(
        "local currency units", "current", "money", "Local currency, calendar years"
    ),
}

DEFINITIONS = ("defence expenditure", "core defence expenditure")


def _known_code(series: pd.Series) -> pd.Series:
    return series.map(is_known_code).astype(bool)


def _value_rules(indicators: dict[str, Indicator]) -> list[pa.Check]:
    """Cross-column checks: unit matches the indicator, base year where prices are constant,
    values inside the indicator's domain."""

    def unit_matches(df: pd.DataFrame) -> pd.Series:
        expected = df["indicator"].map({k: v.unit for k, v in indicators.items()})
        return expected.isna() | (df["unit"] == expected)

    def base_year_iff_constant(df: pd.DataFrame) -> pd.Series:
        constant = df["indicator"].map({k: v.prices == "constant" for k, v in indicators.items()})
        has_base = df["price_base_year"].notna()
        return (constant.fillna(has_base) == has_base).astype(bool)

    def in_domain(df: pd.DataFrame) -> pd.Series:
        domain = df["indicator"].map({k: v.domain for k, v in indicators.items()})
        v = df["value"]
        ok = pd.Series(True, index=df.index)
        ok &= ~(domain.isin(["money", "count"]) & (v < 0))
        ok &= ~((domain == "share") & ((v < 0) | (v > 100)))
        ok &= ~((domain == "change") & (v <= -100))
        return ok

    return [
        pa.Check(unit_matches, error="unit must be the indicator's unit (see schemas)"),
        pa.Check(
            base_year_iff_constant,
            error="price_base_year set exactly for constant-price indicators",
        ),
        pa.Check(
            in_domain,
            error="money and counts >= 0, shares within 0-100, real change above -100",
        ),
    ]


def _year_check(low: int, high: int) -> pa.Check:
    return pa.Check.in_range(low, high, error=f"a year between {low} and {high}")


SPENDING = TableSpec(
    name="nato_spending",
    description="NATO defence expenditure, one row per ally (or aggregate), year and indicator.",
    columns={
        "iso3": "str",
        "country": "str",
        "year": "int",
        "indicator": "str",
        "value": "float",
        "unit": "str",
        "prices": "str",
        "price_base_year": "int",
        "currency": "str",
        "estimate": "bool",
        "edition": "str",
        "definition": "str",
        "aggregate": "bool",
        "note": "str",
    },
    nullable=frozenset({"prices", "price_base_year", "currency", "note"}),
    optional=frozenset({"note"}),
    key=("edition", "iso3", "year", "indicator"),
    schema=pa.DataFrameSchema(
        {
            "iso3": pa.Column(
                checks=pa.Check(_known_code, error="an ISO3 country code or NATO aggregate")
            ),
            "year": pa.Column(checks=_year_check(1949, 2100)),
            "indicator": pa.Column(
                checks=pa.Check.isin(list(NATO_INDICATORS), error="a NATO indicator name")
            ),
            "prices": pa.Column(nullable=True, checks=pa.Check.isin(["current", "constant"])),
            "price_base_year": pa.Column(nullable=True, checks=_year_check(1949, 2100)),
            "edition": pa.Column(
                checks=pa.Check.str_matches(r"^\d{4}$", error="an edition year such as 2026")
            ),
            "definition": pa.Column(checks=pa.Check.isin(list(DEFINITIONS))),
        },
        checks=[
            *_value_rules(NATO_INDICATORS),
            pa.Check(
                lambda df: df["aggregate"] == df["iso3"].isin(NATO_AGGREGATES),
                error="aggregate is True exactly for NATO_TOTAL and NATO_EUR_CAN",
            ),
            pa.Check(
                lambda df: df["year"] <= pd.to_numeric(df["edition"], errors="coerce").fillna(9999),
                error="a year no later than the edition",
            ),
        ],
    ),
)

SIPRI = TableSpec(
    name="sipri_milex",
    description="SIPRI military expenditure, one row per country, year and indicator.",
    columns={
        "iso3": "str",
        "country": "str",
        "year": "int",
        "indicator": "str",
        "value": "float",
        "unit": "str",
        "price_base_year": "int",
        "currency": "str",
        "estimate": "bool",
        "release": "str",
    },
    nullable=frozenset({"price_base_year", "currency"}),
    key=("release", "iso3", "year", "indicator"),
    schema=pa.DataFrameSchema(
        {
            "iso3": pa.Column(checks=pa.Check(_known_code, error="an ISO3 country code")),
            "year": pa.Column(checks=_year_check(1949, 2100)),
            "indicator": pa.Column(
                checks=pa.Check.isin(list(SIPRI_INDICATORS), error="a SIPRI indicator name")
            ),
            "price_base_year": pa.Column(nullable=True, checks=_year_check(1949, 2100)),
            "release": pa.Column(
                checks=pa.Check.str_matches(r"^\d{4}$", error="a release year such as 2026")
            ),
        },
        checks=[
            *_value_rules(SIPRI_INDICATORS),
            pa.Check(
                lambda df: df["year"] < pd.to_numeric(df["release"], errors="coerce").fillna(9999),
                error="a year before the release year",
            ),
        ],
    ),
)

TARGETS = TableSpec(
    name="targets",
    description="NATO commitments: spending targets and related pledges, with sources.",
    columns={
        "target_id": "str",
        "summit": "str",
        "date": "date",
        "description": "str",
        "value": "float",
        "unit": "str",
        "bound": "str",
        "measured_by": "str",
        "target_year": "str",
        "text_as_published": "str",
        "source_url": "str",
        "second_source_url": "str",
        "note": "str",
    },
    nullable=frozenset(
        {"value", "unit", "bound", "measured_by", "target_year", "second_source_url", "note"}
    ),
    key=("target_id",),
    schema=pa.DataFrameSchema(
        {
            "target_id": pa.Column(checks=pa.Check.str_matches(r"^[a-z0-9_]+$")),
            "bound": pa.Column(
                nullable=True, checks=pa.Check.isin(["at least", "up to", "exactly"])
            ),
            "source_url": pa.Column(checks=pa.Check.str_startswith("http")),
        },
        checks=[
            pa.Check(
                lambda df: (
                    ~(
                        df["unit"].isin(["% of GDP", "% of defence expenditure"])
                        & ((df["value"] < 0) | (df["value"] > 100))
                    )
                ),
                error="percentage targets within 0-100",
            ),
        ],
    ),
)
