"""Schemas of the support-side tables: Kiel tracker, pledges, exchange rates, opinion polls,
restrictions on long-range weapons and NATO mechanisms for Ukraine."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from ..currencies import is_currency
from ..validation import TableSpec
from .spending import _known_code, _year_check

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


#: Leading columns of the per-donor Kiel tables, and their checks.
_DONOR_COLUMNS = {"release": "str", "donor": "str", "iso3": "str"}


def _donor_checks() -> dict[str, pa.Column]:
    return {"release": pa.Column(checks=_release_check()), "iso3": _known_codes_check()}


def _zero_flag_check(value_column: str) -> pa.Check:
    """``zero_may_be_blank`` (a 0 the extraction may have written for a blank) only on a 0."""
    return pa.Check(
        lambda df: ~df["zero_may_be_blank"].astype(bool) | (df[value_column] == 0),
        error="zero_may_be_blank only on a value of 0",
    )


_MONTH_SPAN_ERROR = (
    "a month inside the tracker's span: from 2022-01 to the release's last month (R29: 2026-04)"
)

SUPPORT = TableSpec(
    name="kiel_support",
    description="Kiel Ukraine Support Tracker: cumulative support per donor, one row per release, "
    "donor, measure, aid type, scope and unit.",
    columns={
        **_DONOR_COLUMNS,
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
            **_donor_checks(),
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
            _zero_flag_check("value"),
        ],
    ),
)

SUPPORT_MONTHLY = TableSpec(
    name="kiel_support_monthly",
    description="Kiel tracker: support per donor and month (allocations dated at announcement).",
    columns={
        **_DONOR_COLUMNS,
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
            **_donor_checks(),
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
            **_donor_checks(),
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
            _zero_flag_check("value_eur"),
        ],
    ),
)

HEAVY_WEAPONS = TableSpec(
    name="kiel_heavy_weapons",
    description="Kiel tracker: heavy weapons per donor and category (count and EUR value).",
    columns={
        **_DONOR_COLUMNS,
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
            **_donor_checks(),
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
        **_DONOR_COLUMNS,
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
            **_donor_checks(),
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
        **_DONOR_COLUMNS,
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
            **_donor_checks(),
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
