"""Announced pledges and packages for Ukraine."""

from __future__ import annotations

from .fields import FIELDS
from .model import Rule, TableSpec, fields_of
from .rules import dates_in_order

PLEDGES = TableSpec(
    name="pledges",
    description="Announced pledges, packages and disbursements for Ukraine, each with its source.",
    fields=fields_of(
        FIELDS,
        "pledge_id",
        "alternative_to",
        "part_of",
        "date",
        "date_precision",
        "date_from",
        "date_to",
        "donor",
        "donor_codes",
        "amount",
        "scale",
        FIELDS["currency"].but(nullable=False),
        "amount_usd_reported",
        "channel",
        FIELDS["aid_type"].but(description="Type of aid as the source words it."),
        "kind",
        "description",
        FIELDS["source_url"].but(nullable=True),
        "second_source_url",
        "note",
    ),
    key=("pledge_id",),
    rules=(
        Rule(
            "source_url",
            lambda frame: frame["source_url"].notna() | frame["alternative_to"].notna(),
            "a source_url (only alternative reports may lack one; say who in note)",
            uses=("alternative_to",),
        ),
        dates_in_order("date_from", "date_to"),
    ),
)
