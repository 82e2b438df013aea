"""Kiel Institute "Ukraine Support Tracker" tables: per-donor summaries, monthly flows, items,
heavy weapons, disbursements, donor GDP and the releases' headline figures."""

from __future__ import annotations

import pandas as pd

from .fields import DONOR_ISO3, FIELDS, bounds_of_unit, money
from .model import Bounds, Rule, TableSpec, fields_of
from .rules import code_names_row, value_within_unit

#: First month the Kiel tracker covers (it starts on 24 January 2022).
KIEL_FIRST_MONTH = pd.Timestamp("2022-01-01")
#: Last month of data in a release, where the release says so (R29: release_info.csv, "04/2026").
KIEL_DATA_THROUGH: dict[str, pd.Timestamp] = {"R29": pd.Timestamp("2026-04-01")}

SUPPORT_MEASURES = ("allocation", "commitment")
SUPPORT_AID_TYPES = ("military", "financial", "humanitarian", "total")
#: Units of the donor summaries -> their currency (None: not money).
SUPPORT_UNITS: dict[str, str | None] = {
    "billion EUR": "EUR",
    "billion USD": "USD",
    "% of 2021 GDP": None,
}
EUR_ONLY = ("EUR",)


def _unit_currency(units: dict[str, str | None]) -> Rule:
    """The currency of a money unit ("billion EUR" -> EUR), empty for a unit that is not money."""

    def ok(frame: pd.DataFrame) -> pd.Series:
        expected = frame["unit"].map(units)
        same = frame["currency"].astype(object) == expected
        return (expected.notna() & same.fillna(False)) | (
            expected.isna() & frame["currency"].isna()
        )

    def detail(frame: pd.DataFrame) -> pd.Series:
        return frame["unit"].map(
            lambda unit: (
                f"{units[unit]} for {unit!r}" if units.get(unit) else f"an empty cell for {unit!r}"
            )
        )

    return Rule("currency", ok, "the currency of the row's unit", detail, ("unit",))


def _month_in_span(frame: pd.DataFrame) -> pd.Series:
    last = frame["release"].map(KIEL_DATA_THROUGH)
    after = last.notna() & (frame["month"] > last)
    return ~((frame["month"] < KIEL_FIRST_MONTH) | after.astype(bool))


MONTH_IN_SPAN = Rule(
    "month",
    _month_in_span,
    "a month inside the tracker's span: from 2022-01 to the release's last month (R29: 2026-04)",
    uses=("release",),
)


def _zero_flag(value_column: str) -> Rule:
    """``zero_may_be_blank`` only on a value of 0."""
    return Rule(
        "zero_may_be_blank",
        lambda frame: ~frame["zero_may_be_blank"].astype(bool) | (frame[value_column] == 0),
        f"False unless {value_column} is 0",
        uses=(value_column,),
    )


DONOR_NAMES = code_names_row("donor")
#: Leading columns of the per-donor Kiel tables.
DONOR_COLUMNS = ("release", "donor", DONOR_ISO3)
AID_TYPES = FIELDS["aid_type"].but(allowed=SUPPORT_AID_TYPES)
EUR_CURRENCY = FIELDS["currency"].but(nullable=False, allowed=EUR_ONLY)
BILLION_EUR = FIELDS["unit"].but(allowed=("billion EUR",))
SPLIT_AID_TYPES = FIELDS["aid_type"].but(allowed=("military", "financial", "humanitarian"))

SUPPORT = TableSpec(
    name="kiel_support",
    description="Kiel Ukraine Support Tracker: cumulative support per donor, one row per release, "
    "donor, measure, aid type, scope and unit.",
    fields=fields_of(
        FIELDS,
        *DONOR_COLUMNS,
        "eu_member",
        FIELDS["measure"].but(allowed=SUPPORT_MEASURES),
        AID_TYPES,
        "scope",
        "value",
        FIELDS["unit"].but(allowed=tuple(SUPPORT_UNITS)),
        "currency",
        "zero_may_be_blank",
    ),
    key=("release", "iso3", "measure", "aid_type", "scope", "unit"),
    rules=(
        DONOR_NAMES,
        _unit_currency(SUPPORT_UNITS),
        value_within_unit(bounds_of_unit, None),
        Rule(
            "scope",
            lambda frame: (frame["scope"] == "bilateral") | (frame["aid_type"] == "total"),
            "bilateral unless aid_type is 'total' (EU shares are given as totals only)",
            uses=("aid_type",),
        ),
        _zero_flag("value"),
    ),
)

SUPPORT_MONTHLY = TableSpec(
    name="kiel_support_monthly",
    description="Kiel tracker: support per donor and month (allocations dated at announcement).",
    fields=fields_of(
        FIELDS,
        *DONOR_COLUMNS,
        "month",
        FIELDS["measure"].but(allowed=(*SUPPORT_MEASURES, "commitment_minus_allocation")),
        AID_TYPES,
        FIELDS["value"].but(
            description="Support in the month, in the row's unit; commitment_minus_allocation "
            "(Kiel's to_be_allocated) may be negative."
        ),
        FIELDS["unit"].but(allowed=("billion EUR", "% of 2021 GDP")),
        "currency",
        FIELDS["source_column"].but(optional=True),
    ),
    key=("release", "iso3", "month", "measure", "aid_type", "unit"),
    rules=(
        DONOR_NAMES,
        MONTH_IN_SPAN,
        _unit_currency(SUPPORT_UNITS),
        value_within_unit(
            bounds_of_unit,
            lambda frame: frame["measure"] == "commitment_minus_allocation",
            ("unit", "measure"),
        ),
    ),
)

SUPPORT_MONTHLY_TOTALS = TableSpec(
    name="kiel_support_monthly_totals",
    description="Kiel tracker: all donors per month, military allocations split by source.",
    fields=fields_of(
        FIELDS,
        "release",
        FIELDS["donor_group"].but(allowed=("ALL_DONORS",)),
        "month",
        FIELDS["measure"].but(allowed=SUPPORT_MEASURES),
        AID_TYPES,
        "military_source",
        FIELDS["value"].but(unit="billion EUR", bounds=money("billion")),
        BILLION_EUR,
        EUR_CURRENCY,
        FIELDS["source_file"].but(optional=True),
    ),
    key=("release", "donor_group", "month", "measure", "aid_type", "military_source"),
    rules=(
        MONTH_IN_SPAN,
        Rule(
            "military_source",
            lambda frame: frame["military_source"].isna() | (frame["aid_type"] == "military"),
            "an empty cell unless aid_type is 'military'",
            uses=("aid_type",),
        ),
    ),
)

SUPPORT_ITEMS = TableSpec(
    name="kiel_items",
    description="Kiel tracker item level (sub-activities), reduced columns.",
    fields=fields_of(
        FIELDS,
        "release",
        "row",
        "donor",
        DONOR_ISO3,
        "announcement_date",
        SPLIT_AID_TYPES,
        FIELDS["measure"].but(allowed=SUPPORT_MEASURES),
        "value_eur",
        "value_eur_redistributed",
        "activity_value_eur",
        "month_index",
        "month_exists",
        FIELDS["unit"].but(allowed=EUR_ONLY),
        "zero_may_be_blank",
    ),
    key=("release", "row"),
    rules=(DONOR_NAMES, _zero_flag("value_eur")),
)

HEAVY_WEAPONS = TableSpec(
    name="kiel_heavy_weapons",
    description="Kiel tracker: heavy weapons per donor and category (count and EUR value).",
    fields=fields_of(
        FIELDS,
        *DONOR_COLUMNS,
        "category",
        "number",
        FIELDS["value"].but(description="Value of the weapons.", unit="EUR", bounds=money("EUR")),
        FIELDS["unit"].but(allowed=EUR_ONLY),
        EUR_CURRENCY,
        "weapons_list",
    ),
    key=("release", "iso3", "category"),
    rules=(DONOR_NAMES,),
)

DISBURSEMENTS = TableSpec(
    name="kiel_disbursements",
    description="Kiel tracker: budget-support disbursements per donor and month.",
    fields=fields_of(
        FIELDS,
        *DONOR_COLUMNS,
        "eu_member",
        "month",
        FIELDS["measure"].but(allowed=("disbursement",)),
        FIELDS["aid_type"].but(allowed=("financial",)),
        FIELDS["value"].but(
            description="Amount paid in the month (Kiel's sheet has two small negative values).",
            unit="billion EUR",
            bounds=money("billion", signed=True),
        ),
        BILLION_EUR,
        EUR_CURRENCY,
    ),
    key=("release", "iso3", "month"),
    rules=(DONOR_NAMES, MONTH_IN_SPAN),
)

DONOR_GDP = TableSpec(
    name="kiel_donor_gdp",
    description="The 2021 GDP Kiel divides by for % of donor GDP.",
    fields=fields_of(
        FIELDS,
        *DONOR_COLUMNS,
        "gdp_year",
        FIELDS["value"].but(
            description="The donor's GDP; empty where Kiel gives none.",
            unit="billion EUR",
            nullable=True,
            bounds=Bounds(0, money("billion").high, low_open=True),
        ),
        BILLION_EUR,
        FIELDS["prices"].but(allowed=("current",)),
        EUR_CURRENCY,
        FIELDS["note"].but(optional=True),
    ),
    key=("release", "iso3", "gdp_year"),
    rules=(DONOR_NAMES,),
)

HEADLINES = TableSpec(
    name="kiel_headlines",
    description="Headline figures of Kiel tracker releases as printed in press releases/reports.",
    fields=fields_of(
        FIELDS,
        "release_published",
        "data_through",
        "donor_group",
        FIELDS["measure"].but(
            allowed=("allocation", "commitment", "commitment_not_yet_allocated", "disbursement")
        ),
        "aid_type",
        "period",
        "value",
        FIELDS["unit"].but(allowed=("billion EUR", "million EUR", "billion USD", "% change")),
        "currency",
        "statement",
        "source_url",
        "second_source_url",
        "note",
    ),
    key=("data_through", "donor_group", "measure", "aid_type", "period", "unit"),
    rules=(
        value_within_unit(bounds_of_unit, None),
        _unit_currency(
            {"billion EUR": "EUR", "million EUR": "EUR", "billion USD": "USD", "% change": None}
        ),
    ),
)
