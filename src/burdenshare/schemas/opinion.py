"""Ukrainian opinion polls on NATO accession."""

from __future__ import annotations

from .fields import FIELDS
from .model import TableSpec, fields_of
from .rules import dates_in_order

OPINION = TableSpec(
    name="opinion",
    description="Ukrainian opinion polls on NATO accession: one row per poll wave, measure, answer "
    "option and base.",
    fields=fields_of(
        FIELDS,
        "poll_id",
        "pollster",
        "commissioned_by",
        "fieldwork_start",
        "fieldwork_end",
        FIELDS["date_precision"].but(
            nullable=True, allowed=(*FIELDS["date_precision"].allowed, "mixed")
        ),
        "fieldwork_from",
        "fieldwork_to",
        "published",
        FIELDS["measure"].but(description="The survey measure (which question), an identifier."),
        "question_paraphrase",
        "answer_option",
        "base",
        "base_as_published",
        "share_pct",
        "sample_size",
        "mode",
        "margin_of_error_pct",
        "source_url",
        "cross_check_url",
        "note",
    ),
    key=("poll_id", "measure", "answer_option", "base_as_published"),
    rules=(dates_in_order("fieldwork_from", "fieldwork_to"),),
)
