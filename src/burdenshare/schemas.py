"""One schema per tidy table, shared by the loaders, the importers and user-supplied files.

Each table is a :class:`~burdenshare.validation.TableSpec`: required columns with their types, the
key that must be unique, and a pandera schema for the value rules. The indicator dictionaries
below say, for every indicator, its unit, its price basis and which values are plausible.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from .countries import NATO_AGGREGATES, is_known_code
from .validation import TableSpec


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


# --- Support to Ukraine (Kiel tracker, pledges, FX, opinion, restrictions, mechanisms) ----------
# Units, labels and value rules for the support-side tables. Kiel's release labels are short and
# stable ("R28", "R29", "R30", "R30v2"); a user file of a newer release uses the same pattern.

#: Kiel release labels: "R" + two digits, optionally "v" + a version ("R30v2").
KIEL_RELEASE_PATTERN = r"^R\d{2}(v\d+)?$"
#: First month the Kiel tracker covers (it starts on 24 January 2022).
KIEL_FIRST_MONTH = pd.Timestamp("2022-01-01")
#: Last month of data in a release, where the release says so (R29: release_info.csv, "04/2026").
KIEL_DATA_THROUGH: dict[str, pd.Timestamp] = {"R29": pd.Timestamp("2026-04-01")}

SUPPORT_MEASURES = ("allocation", "commitment")
SUPPORT_AID_TYPES = ("military", "financial", "humanitarian", "total")
SUPPORT_SCOPES = ("bilateral", "eu_share", "bilateral_plus_eu_share")
#: unit -> currency (None: not money).
SUPPORT_UNITS: dict[str, str | None] = {
    "billion EUR": "EUR",
    "billion USD": "USD",
    "% of 2021 GDP": None,
}
MILITARY_SOURCES = ("stockpile", "procurement", "unspecified", "nato_purl")
HEAVY_WEAPON_CATEGORIES = ("Howitzers", "Tanks", "Air Defense", "IFV", "MLRS")
OPINION_BASES = ("all_respondents", "likely_voters", "not_stated")
RESTRICTION_STATUSES = ("restricted", "partially allowed", "allowed", "not supplied")
DATE_PRECISIONS = ("day", "month", "year")
_PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _date_range_check() -> pa.Check:
    return pa.Check.in_range(
        pd.Timestamp("1990-01-01"),
        pd.Timestamp("2100-12-31"),
        error="a date between 1990 and 2100",
    )


def _release_check() -> pa.Check:
    return pa.Check.str_matches(
        KIEL_RELEASE_PATTERN, error="a Kiel release label such as R28, R29, R30 or R30v2"
    )


def _known_codes_check() -> pa.Column:
    return pa.Column(
        checks=pa.Check(_known_code, error="an ISO3 country code or EU_INST/EU_EIB/EU_EPF")
    )


def _unit_currency_rules(df: pd.DataFrame) -> pd.Series:
    expected = df["unit"].map(SUPPORT_UNITS)
    money = expected.notna()
    same = df["currency"].astype("object") == expected
    return (money & same.fillna(False)) | (~money & df["currency"].isna())


def _support_value_rules(df: pd.DataFrame) -> pd.Series:
    v = df["value"]
    pct = df["unit"] == "% of 2021 GDP"
    return ~(v < 0) & ~(pct & (v > 100))


def _month_in_span(df: pd.DataFrame) -> pd.Series:
    last = df["release"].map(KIEL_DATA_THROUGH)
    after = last.notna() & (df["month"] > last)
    return ~((df["month"] < KIEL_FIRST_MONTH) | after.astype(bool))


_MONTH_SPAN_ERROR = (
    "a month inside the tracker's span: from 2022-01 to the release's last month (R29: 2026-04)"
)

SUPPORT = TableSpec(
    name="kiel_support",
    description="Kiel Ukraine Support Tracker: cumulative support per donor, one row per release, "
    "donor, measure, aid type, scope and unit.",
    columns={
        "release": "str",
        "donor": "str",
        "iso3": "str",
        "eu_member": "bool",
        "measure": "str",
        "aid_type": "str",
        "scope": "str",
        "value": "float",
        "unit": "str",
        "currency": "str",
        "zero_may_be_blank": "bool",
    },
    nullable=frozenset({"currency"}),
    key=("release", "iso3", "measure", "aid_type", "scope", "unit"),
    schema=pa.DataFrameSchema(
        {
            "release": pa.Column(checks=_release_check()),
            "iso3": _known_codes_check(),
            "measure": pa.Column(checks=pa.Check.isin(list(SUPPORT_MEASURES))),
            "aid_type": pa.Column(checks=pa.Check.isin(list(SUPPORT_AID_TYPES))),
            "scope": pa.Column(checks=pa.Check.isin(list(SUPPORT_SCOPES))),
            "unit": pa.Column(checks=pa.Check.isin(list(SUPPORT_UNITS))),
        },
        checks=[
            pa.Check(
                _unit_currency_rules,
                error="currency EUR for 'billion EUR', USD for 'billion USD', empty for % of GDP",
            ),
            pa.Check(_support_value_rules, error="money >= 0 and % of GDP within 0-100"),
            pa.Check(
                lambda df: (df["scope"] == "bilateral") | (df["aid_type"] == "total"),
                error="EU-share scopes only with aid_type 'total'",
            ),
            pa.Check(
                lambda df: ~df["zero_may_be_blank"].astype(bool) | (df["value"] == 0),
                error="zero_may_be_blank only on a value of 0",
            ),
        ],
    ),
)

SUPPORT_MONTHLY = TableSpec(
    name="kiel_support_monthly",
    description="Kiel tracker: support per donor and month (allocations dated at announcement).",
    columns={
        "release": "str",
        "donor": "str",
        "iso3": "str",
        "month": "month",
        "measure": "str",
        "aid_type": "str",
        "value": "float",
        "unit": "str",
        "currency": "str",
        "source_column": "str",
    },
    nullable=frozenset({"currency", "source_column"}),
    optional=frozenset({"source_column"}),
    key=("release", "iso3", "month", "measure", "aid_type", "unit"),
    schema=pa.DataFrameSchema(
        {
            "release": pa.Column(checks=_release_check()),
            "iso3": _known_codes_check(),
            "measure": pa.Column(
                checks=pa.Check.isin([*SUPPORT_MEASURES, "commitment_minus_allocation"])
            ),
            "aid_type": pa.Column(checks=pa.Check.isin(list(SUPPORT_AID_TYPES))),
            "unit": pa.Column(checks=pa.Check.isin(["billion EUR", "% of 2021 GDP"])),
        },
        checks=[
            pa.Check(_month_in_span, error=_MONTH_SPAN_ERROR),
            pa.Check(
                _unit_currency_rules,
                error="currency EUR for 'billion EUR', empty for % of GDP",
            ),
            pa.Check(
                lambda df: (
                    (df["measure"] == "commitment_minus_allocation") | _support_value_rules(df)
                ),
                error="money >= 0 (except commitment_minus_allocation) and % of GDP within 0-100",
            ),
        ],
    ),
)

SUPPORT_MONTHLY_TOTALS = TableSpec(
    name="kiel_support_monthly_totals",
    description="Kiel tracker: all donors per month, military allocations split by source.",
    columns={
        "release": "str",
        "donor_group": "str",
        "month": "month",
        "measure": "str",
        "aid_type": "str",
        "military_source": "str",
        "value": "float",
        "unit": "str",
        "currency": "str",
        "source_file": "str",
    },
    nullable=frozenset({"military_source", "source_file"}),
    optional=frozenset({"source_file"}),
    key=("release", "donor_group", "month", "measure", "aid_type", "military_source"),
    schema=pa.DataFrameSchema(
        {
            "release": pa.Column(checks=_release_check()),
            "donor_group": pa.Column(checks=pa.Check.isin(["ALL_DONORS"])),
            "measure": pa.Column(checks=pa.Check.isin(list(SUPPORT_MEASURES))),
            "aid_type": pa.Column(checks=pa.Check.isin(list(SUPPORT_AID_TYPES))),
            "military_source": pa.Column(
                nullable=True, checks=pa.Check.isin(list(MILITARY_SOURCES))
            ),
            "value": pa.Column(checks=pa.Check.ge(0, error="money >= 0")),
            "unit": pa.Column(checks=pa.Check.isin(["billion EUR"])),
            "currency": pa.Column(checks=pa.Check.isin(["EUR"])),
        },
        checks=[
            pa.Check(_month_in_span, error=_MONTH_SPAN_ERROR),
            pa.Check(
                lambda df: df["military_source"].isna() | (df["aid_type"] == "military"),
                error="military_source only on military rows",
            ),
        ],
    ),
)

SUPPORT_ITEMS = TableSpec(
    name="kiel_items",
    description="Kiel tracker item level (sub-activities), reduced columns.",
    columns={
        "release": "str",
        "row": "int",
        "donor": "str",
        "iso3": "str",
        "announcement_date": "date",
        "aid_type": "str",
        "measure": "str",
        "value_eur": "float",
        "value_eur_redistributed": "float",
        "activity_value_eur": "float",
        "month_index": "int",
        "month_exists": "bool",
        "unit": "str",
        "zero_may_be_blank": "bool",
    },
    nullable=frozenset({"announcement_date"}),
    key=("release", "row"),
    schema=pa.DataFrameSchema(
        {
            "release": pa.Column(checks=_release_check()),
            "iso3": _known_codes_check(),
            "announcement_date": pa.Column(
                nullable=True,
                checks=pa.Check.ge(pd.Timestamp("2022-01-01"), error="a date from 2022 on"),
            ),
            "aid_type": pa.Column(checks=pa.Check.isin(["military", "financial", "humanitarian"])),
            "measure": pa.Column(checks=pa.Check.isin(list(SUPPORT_MEASURES))),
            "month_index": pa.Column(checks=pa.Check.ge(0)),
            "unit": pa.Column(checks=pa.Check.isin(["EUR"])),
        },
        checks=[
            pa.Check(
                lambda df: ~df["zero_may_be_blank"].astype(bool) | (df["value_eur"] == 0),
                error="zero_may_be_blank only on a value of 0",
            ),
        ],
    ),
)

HEAVY_WEAPONS = TableSpec(
    name="kiel_heavy_weapons",
    description="Kiel tracker: heavy weapons per donor and category (count and EUR value).",
    columns={
        "release": "str",
        "donor": "str",
        "iso3": "str",
        "category": "str",
        "number": "int",
        "value": "float",
        "unit": "str",
        "currency": "str",
        "weapons_list": "str",
    },
    nullable=frozenset({"weapons_list"}),
    key=("release", "iso3", "category"),
    schema=pa.DataFrameSchema(
        {
            "release": pa.Column(checks=_release_check()),
            "iso3": _known_codes_check(),
            "category": pa.Column(checks=pa.Check.isin(list(HEAVY_WEAPON_CATEGORIES))),
            "number": pa.Column(checks=pa.Check.ge(0, error="a count >= 0")),
            "value": pa.Column(checks=pa.Check.ge(0, error="money >= 0")),
            "unit": pa.Column(checks=pa.Check.isin(["EUR"])),
            "currency": pa.Column(checks=pa.Check.isin(["EUR"])),
        }
    ),
)

DISBURSEMENTS = TableSpec(
    name="kiel_disbursements",
    description="Kiel tracker: budget-support disbursements per donor and month.",
    columns={
        "release": "str",
        "donor": "str",
        "iso3": "str",
        "eu_member": "bool",
        "month": "month",
        "measure": "str",
        "aid_type": "str",
        "value": "float",
        "unit": "str",
        "currency": "str",
    },
    key=("release", "iso3", "month"),
    schema=pa.DataFrameSchema(
        {
            "release": pa.Column(checks=_release_check()),
            "iso3": _known_codes_check(),
            "measure": pa.Column(checks=pa.Check.isin(["disbursement"])),
            "aid_type": pa.Column(checks=pa.Check.isin(["financial"])),
            "unit": pa.Column(checks=pa.Check.isin(["billion EUR"])),
            "currency": pa.Column(checks=pa.Check.isin(["EUR"])),
        },
        checks=[pa.Check(_month_in_span, error=_MONTH_SPAN_ERROR)],
    ),
)

DONOR_GDP = TableSpec(
    name="kiel_donor_gdp",
    description="The 2021 GDP Kiel divides by for % of donor GDP.",
    columns={
        "release": "str",
        "donor": "str",
        "iso3": "str",
        "gdp_year": "int",
        "value": "float",
        "unit": "str",
        "prices": "str",
        "currency": "str",
        "note": "str",
    },
    nullable=frozenset({"value", "note"}),
    optional=frozenset({"note"}),
    key=("release", "iso3", "gdp_year"),
    schema=pa.DataFrameSchema(
        {
            "release": pa.Column(checks=_release_check()),
            "iso3": _known_codes_check(),
            "gdp_year": pa.Column(checks=_year_check(2000, 2100)),
            "value": pa.Column(nullable=True, checks=pa.Check.gt(0, error="GDP > 0")),
            "unit": pa.Column(checks=pa.Check.isin(["billion EUR"])),
            "prices": pa.Column(checks=pa.Check.isin(["current"])),
            "currency": pa.Column(checks=pa.Check.isin(["EUR"])),
        }
    ),
)

HEADLINES = TableSpec(
    name="kiel_headlines",
    description="Headline figures of Kiel tracker releases as printed in press releases/reports.",
    columns={
        "release_published": "date",
        "data_through": "date",
        "donor_group": "str",
        "measure": "str",
        "aid_type": "str",
        "period": "str",
        "value": "float",
        "unit": "str",
        "currency": "str",
        "statement": "str",
        "source_url": "str",
        "second_source_url": "str",
        "note": "str",
    },
    nullable=frozenset({"release_published", "currency", "statement", "second_source_url", "note"}),
    key=("data_through", "donor_group", "measure", "aid_type", "period", "unit"),
    schema=pa.DataFrameSchema(
        {
            "data_through": pa.Column(
                checks=pa.Check.ge(pd.Timestamp("2022-01-24"), error="a date from 2022-01-24 on")
            ),
            "measure": pa.Column(
                checks=pa.Check.isin(
                    ["allocation", "commitment", "commitment_not_yet_allocated", "disbursement"]
                )
            ),
            "unit": pa.Column(
                checks=pa.Check.isin(["billion EUR", "million EUR", "billion USD", "% change"])
            ),
            "source_url": pa.Column(checks=pa.Check.str_startswith("http")),
        },
        checks=[
            pa.Check(
                lambda df: (df["unit"] == "% change") | (df["value"] >= 0),
                error="money >= 0",
            ),
            pa.Check(
                lambda df: (
                    df["currency"].isna() | (df["unit"].str.split().str[-1] == df["currency"])
                ),
                error="currency matching the unit",
            ),
        ],
    ),
)


#: ISO 4217 codes withdrawn after the period they are used for (pycountry no longer lists them).
FORMER_CURRENCIES = frozenset({"BGN", "HRK"})


def _is_currency(series: pd.Series) -> pd.Series:
    from .currencies import is_currency

    return series.map(lambda c: c in FORMER_CURRENCIES or is_currency(c)).astype(bool)


PLEDGES = TableSpec(
    name="pledges",
    description="Announced pledges, packages and disbursements for Ukraine, each with its source.",
    columns={
        "pledge_id": "str",
        "alternative_to": "str",
        "part_of": "str",
        "date": "str",
        "date_precision": "str",
        "date_from": "date",
        "date_to": "date",
        "donor": "str",
        "donor_codes": "str",
        "amount": "float",
        "scale": "str",
        "currency": "str",
        "amount_usd_reported": "float",
        "channel": "str",
        "aid_type": "str",
        "kind": "str",
        "description": "str",
        "source_url": "str",
        "second_source_url": "str",
        "note": "str",
    },
    nullable=frozenset(
        {
            "alternative_to",
            "part_of",
            "donor_codes",
            "amount_usd_reported",
            "source_url",
            "second_source_url",
            "note",
        }
    ),
    key=("pledge_id",),
    schema=pa.DataFrameSchema(
        {
            "pledge_id": pa.Column(checks=pa.Check.str_matches(r"^[A-Z]\d{3}$")),
            "date": pa.Column(checks=pa.Check.str_matches(_PARTIAL_DATE)),
            "date_precision": pa.Column(checks=pa.Check.isin(list(DATE_PRECISIONS))),
            "date_from": pa.Column(checks=_date_range_check()),
            "amount": pa.Column(checks=pa.Check.ge(0, error="money >= 0")),
            "amount_usd_reported": pa.Column(
                nullable=True, checks=pa.Check.ge(0, error="money >= 0")
            ),
            "scale": pa.Column(checks=pa.Check.isin(["million", "billion"])),
            "currency": pa.Column(
                checks=pa.Check(_is_currency, error="an ISO 4217 currency code such as EUR")
            ),
            "kind": pa.Column(checks=pa.Check.isin(["pledge", "disbursement"])),
            "source_url": pa.Column(nullable=True, checks=pa.Check.str_startswith("http")),
        },
        checks=[
            pa.Check(
                lambda df: df["source_url"].notna() | df["alternative_to"].notna(),
                error="a source_url (only alternative reports may lack one; say who in note)",
            ),
            pa.Check(lambda df: df["date_from"] <= df["date_to"], error="date_from <= date_to"),
        ],
    ),
)

FX = TableSpec(
    name="fx",
    description="Annual average exchange rates: units of a currency per 1 EUR (ECB reference rates).",
    columns={
        "year": "int",
        "currency": "str",
        "rate": "float",
        "unit": "str",
        "n_daily_obs": "int",
    },
    nullable=frozenset({"n_daily_obs"}),
    key=("year", "currency"),
    schema=pa.DataFrameSchema(
        {
            "year": pa.Column(checks=_year_check(1999, 2100)),
            "currency": pa.Column(
                checks=[
                    pa.Check(_is_currency, error="an ISO 4217 currency code such as USD"),
                    pa.Check.ne("EUR", error="a currency other than EUR (the base)"),
                ]
            ),
            "rate": pa.Column(checks=pa.Check.gt(0, error="a rate > 0")),
        },
        checks=[
            pa.Check(
                lambda df: df["unit"] == df["currency"] + " per 1 EUR",
                error="unit '<currency> per 1 EUR'",
            )
        ],
    ),
)


def _partial_dates(column: str, nullable: bool = False) -> pa.Column:
    return pa.Column(
        nullable=nullable,
        checks=pa.Check.str_matches(_PARTIAL_DATE, error="YYYY-MM-DD, YYYY-MM or YYYY"),
    )


OPINION = TableSpec(
    name="opinion",
    description="Ukrainian opinion polls on NATO accession: one row per poll wave, measure, answer "
    "option and base.",
    columns={
        "poll_id": "str",
        "pollster": "str",
        "commissioned_by": "str",
        "fieldwork_start": "str",
        "fieldwork_end": "str",
        "date_precision": "str",
        "fieldwork_from": "date",
        "fieldwork_to": "date",
        "published": "str",
        "measure": "str",
        "question_paraphrase": "str",
        "answer_option": "str",
        "base": "str",
        "base_as_published": "str",
        "share_pct": "float",
        "sample_size": "int",
        "mode": "str",
        "margin_of_error_pct": "float",
        "source_url": "str",
        "cross_check_url": "str",
        "note": "str",
    },
    nullable=frozenset(
        {
            "commissioned_by",
            "fieldwork_start",
            "fieldwork_end",
            "date_precision",
            "fieldwork_from",
            "fieldwork_to",
            "sample_size",
            "mode",
            "margin_of_error_pct",
            "cross_check_url",
            "note",
        }
    ),
    key=("poll_id", "measure", "answer_option", "base_as_published"),
    schema=pa.DataFrameSchema(
        {
            "fieldwork_start": _partial_dates("fieldwork_start", nullable=True),
            "fieldwork_end": _partial_dates("fieldwork_end", nullable=True),
            "published": _partial_dates("published"),
            "date_precision": pa.Column(
                nullable=True, checks=pa.Check.isin([*DATE_PRECISIONS, "mixed"])
            ),
            "fieldwork_from": pa.Column(nullable=True, checks=_date_range_check()),
            "base": pa.Column(checks=pa.Check.isin(list(OPINION_BASES))),
            "share_pct": pa.Column(
                checks=pa.Check.in_range(0, 100, error="a share within 0-100 (%)")
            ),
            "sample_size": pa.Column(nullable=True, checks=pa.Check.gt(0)),
            "margin_of_error_pct": pa.Column(nullable=True, checks=pa.Check.in_range(0, 100)),
            "source_url": pa.Column(checks=pa.Check.str_startswith("http")),
        },
        checks=[
            pa.Check(
                lambda df: ~(df["fieldwork_from"] > df["fieldwork_to"]),
                error="fieldwork_from <= fieldwork_to",
            )
        ],
    ),
)

RESTRICTIONS = TableSpec(
    name="restrictions",
    description="Allied limits on Ukraine's use of donated weapons against targets in Russia.",
    columns={
        "iso3": "str",
        "country": "str",
        "weapon_system": "str",
        "status": "str",
        "scope": "str",
        "date": "str",
        "date_precision": "str",
        "date_from": "date",
        "date_to": "date",
        "date_basis": "str",
        "decision_by": "str",
        "source_url": "str",
        "cross_check_url": "str",
        "note": "str",
    },
    nullable=frozenset({"decision_by", "cross_check_url", "note"}),
    key=("iso3", "weapon_system", "date", "status"),
    schema=pa.DataFrameSchema(
        {
            "iso3": pa.Column(checks=pa.Check(_known_code, error="an ISO3 country code")),
            "status": pa.Column(checks=pa.Check.isin(list(RESTRICTION_STATUSES))),
            "date": _partial_dates("date"),
            "date_precision": pa.Column(checks=pa.Check.isin(list(DATE_PRECISIONS))),
            "date_from": pa.Column(checks=_date_range_check()),
            "source_url": pa.Column(checks=pa.Check.str_startswith("http")),
        },
        checks=[
            pa.Check(lambda df: df["date_from"] <= df["date_to"], error="date_from <= date_to")
        ],
    ),
)

MECHANISMS = TableSpec(
    name="mechanisms",
    description="Dated facts about NATO-level support mechanisms for Ukraine.",
    columns={
        "fact_id": "str",
        "institution": "str",
        "fact_type": "str",
        "date": "str",
        "date_precision": "str",
        "date_from": "date",
        "date_to": "date",
        "value": "float",
        "unit": "str",
        "location": "str",
        "chair_or_lead": "str",
        "description": "str",
        "source_url": "str",
        "cross_check_url": "str",
        "note": "str",
    },
    nullable=frozenset(
        {
            "date",
            "date_precision",
            "date_from",
            "date_to",
            "value",
            "unit",
            "location",
            "chair_or_lead",
            "description",
            "cross_check_url",
            "note",
        }
    ),
    key=("fact_id",),
    schema=pa.DataFrameSchema(
        {
            "fact_id": pa.Column(checks=pa.Check.str_matches(r"^[A-Z]+-[A-Z0-9]+$")),
            "date": _partial_dates("date", nullable=True),
            "date_from": pa.Column(nullable=True, checks=_date_range_check()),
            "value": pa.Column(nullable=True, checks=pa.Check.ge(0, error="a value >= 0")),
            "source_url": pa.Column(checks=pa.Check.str_startswith("http")),
        },
        checks=[
            pa.Check(
                lambda df: df["value"].isna() | df["unit"].notna(),
                error="a unit wherever there is a value",
            )
        ],
    ),
)

#: Every support-side table by name (the manifest's "schema" field).
SUPPORT_SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        SUPPORT,
        SUPPORT_MONTHLY,
        SUPPORT_MONTHLY_TOTALS,
        SUPPORT_ITEMS,
        HEAVY_WEAPONS,
        DISBURSEMENTS,
        DONOR_GDP,
        HEADLINES,
        PLEDGES,
        FX,
        OPINION,
        RESTRICTIONS,
        MECHANISMS,
    )
}


#: Every TableSpec by the schema name that data/manifest.json records for each file.
SPECS: dict[str, TableSpec] = {
    spec.name: spec for spec in (SPENDING, SIPRI, TARGETS)
} | SUPPORT_SPECS
