"""Context for the support analyses: allied limits on long-range strikes, NATO mechanisms, the
Ukraine Defense Contact Group's meetings."""

from __future__ import annotations

import pandas as pd

from .fields import FIELDS, MONEY_CAP
from .model import Bounds, Rule, TableSpec, fields_of
from .rules import code_names_row, dates_in_order


def covered(frame: pd.DataFrame) -> pd.Series:
    """The weapon systems each row's ``covers`` names (empty list where none)."""
    return frame["covers"].map(lambda text: [] if pd.isna(text) else str(text).split(";"))


def _covers_known(frame: pd.DataFrame) -> pd.Series:
    """True where every system a row covers is another weapon_system of the same country."""
    systems = frame.groupby("iso3")["weapon_system"].agg(set)
    return pd.Series(
        [
            all(name in systems.get(iso3, set()) and name != own for name in names)
            for iso3, own, names in zip(
                frame["iso3"], frame["weapon_system"], covered(frame), strict=True
            )
        ],
        index=frame.index,
        dtype=bool,
    )


RESTRICTIONS = TableSpec(
    name="restrictions",
    description="Allied limits on Ukraine's use of donated weapons against targets in Russia.",
    fields=fields_of(
        FIELDS,
        "iso3",
        "country",
        "weapon_system",
        "covers",
        "status",
        FIELDS["scope"].but(description="What the status covers, as reported.", allowed=()),
        "date",
        "date_precision",
        "date_from",
        "date_to",
        "date_basis",
        "decision_by",
        "source_url",
        "cross_check_url",
        "note",
    ),
    key=("iso3", "weapon_system", "date", "status"),
    rules=(
        code_names_row("country"),
        Rule(
            "covers",
            _covers_known,
            "weapon_system values of the row's country, separated by ';', other than its own",
            uses=("iso3", "weapon_system"),
        ),
        dates_in_order("date_from", "date_to"),
    ),
)

MECHANISMS = TableSpec(
    name="mechanisms",
    description="Dated facts about NATO-level support mechanisms for Ukraine.",
    fields=fields_of(
        FIELDS,
        "fact_id",
        "institution",
        "fact_type",
        FIELDS["date"].but(nullable=True),
        FIELDS["date_precision"].but(nullable=True),
        FIELDS["date_from"].but(nullable=True),
        FIELDS["date_to"].but(nullable=True),
        FIELDS["value"].but(
            description="A number about the mechanism (staff, money, nations), in the row's unit.",
            nullable=True,
            bounds=Bounds(0, MONEY_CAP),
        ),
        FIELDS["unit"].but(
            description="Unit of the value, with currency and scale where it is money.",
            nullable=True,
        ),
        "location",
        "chair_or_lead",
        FIELDS["description"].but(nullable=True),
        "source_url",
        "cross_check_url",
        "note",
    ),
    key=("fact_id",),
    rules=(
        Rule(
            "unit",
            lambda frame: frame["value"].isna() | frame["unit"].notna(),
            "a unit wherever there is a value",
            uses=("value",),
        ),
        dates_in_order("date_from", "date_to"),
    ),
)


def _one_main_row(frame: pd.DataFrame) -> pd.Series:
    """True unless the row is a second main row for its meeting number."""
    main = frame["report"] == "meeting"
    return ~(main & frame["meeting_no"].where(main).duplicated(keep="first"))


def _numbered(frame: pd.DataFrame) -> pd.Series:
    """Meetings and alternative reports carry a number, and only a main row's number; a meeting
    not held carries none."""
    held = frame["report"] != "not held"
    numbers = set(frame.loc[frame["report"] == "meeting", "meeting_no"].dropna())
    return (frame["meeting_no"].notna() == held) & (
        frame["meeting_no"].isna() | frame["meeting_no"].isin(numbers)
    )


UDCG_MEETINGS = TableSpec(
    name="udcg_meetings",
    description="Meetings of the Ukraine Defense Contact Group (Ramstein format), each sourced.",
    fields=fields_of(
        FIELDS,
        "meeting_no",
        "report",
        "date",
        "date_precision",
        "date_from",
        "date_to",
        FIELDS["location"].but(nullable=False),
        "meeting_format",
        FIELDS["chair_or_lead"].but(
            description="Who chaired (or was to chair) the meeting.", nullable=False
        ),
        "outcome",
        "post_meeting_report",
        "source_url",
        "source_title",
        "source_date",
        "note",
    ),
    key=("meeting_no", "report", "date", "meeting_format"),
    rules=(
        Rule(
            "meeting_no",
            _numbered,
            "the number of a meeting that has a main row (empty only for a meeting not held)",
            uses=("report",),
        ),
        Rule("meeting_no", _one_main_row, "one main row per meeting number", uses=("report",)),
        dates_in_order("date_from", "date_to"),
    ),
)
