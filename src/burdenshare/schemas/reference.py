"""The reference tables the base lookups read: NATO targets, ECB exchange rates, countries."""

from __future__ import annotations

from .fields import FIELDS, YEARS, bounds_of_unit
from .model import Bounds, Rule, TableSpec, fields_of
from .rules import dates_in_order, value_within_unit


def _target_bounds(unit: str) -> Bounds | None:
    return YEARS if unit == "year" else bounds_of_unit(unit)


TARGETS = TableSpec(
    name="targets",
    description="NATO commitments: spending targets and related pledges, with sources.",
    fields=fields_of(
        FIELDS,
        "target_id",
        "summit",
        FIELDS["date"].but(
            type="date",
            description="Day the summit agreed it (YYYY-MM-DD).",
            pattern="",
            bounds=FIELDS["date_from"].bounds,
        ),
        "description",
        FIELDS["value"].but(description="The target's number, in its unit.", nullable=True),
        FIELDS["unit"].but(nullable=True),
        "bound",
        "measured_by",
        "target_year",
        "text_as_published",
        "source_url",
        "second_source_url",
        "note",
    ),
    key=("target_id",),
    rules=(value_within_unit(_target_bounds, None),),
)

FX = TableSpec(
    name="fx",
    description="Annual average exchange rates: units of a currency per 1 EUR (ECB reference rates).",
    fields=fields_of(
        FIELDS,
        FIELDS["year"].but(bounds=Bounds(1999, 2100)),
        FIELDS["currency"].but(nullable=False, description="The currency quoted against EUR."),
        "rate",
        "unit",
        "n_daily_obs",
    ),
    key=("year", "currency"),
    rules=(
        Rule("currency", lambda frame: frame["currency"] != "EUR", "a currency other than EUR"),
        Rule(
            "unit",
            lambda frame: frame["unit"] == frame["currency"] + " per 1 EUR",
            "'<currency> per 1 EUR'",
            lambda frame: "'" + frame["currency"].astype(str) + " per 1 EUR'",
            ("currency",),
        ),
    ),
)

COUNTRIES = TableSpec(
    name="countries",
    description="Countries: NATO accession dates and EU membership (read by burdenshare.countries).",
    fields=fields_of(FIELDS, "iso3", "name", "nato_accession", "eu_accession", "eu_exit"),
    key=("iso3",),
    rules=(dates_in_order("eu_accession", "eu_exit"),),
)
