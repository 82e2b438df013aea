"""Context for the support analyses: allied limits on long-range strikes, NATO mechanisms.

``load_restrictions()`` columns: ``iso3, country, weapon_system, status (restricted | partially
allowed | allowed | not supplied), scope, date, date_precision, date_from, date_to, date_basis,
decision_by, source_url, cross_check_url, note``. One row per reported change or restatement;
conflicting reports are both kept. Most decisions were not announced officially (``date_basis``);
"allowed" does not mean the weapon was delivered or used.

``load_mechanisms()`` columns: ``fact_id, institution, fact_type, date, date_precision,
date_from, date_to, value, unit, location, chair_or_lead, description, source_url,
cross_check_url, note``: NSATU, JATEC, PURL, Ukraine Defense Contact Group meetings, NATO's
EUR 40 bn baseline pledge (2024) and the Hague rule counting Ukraine support (2025).

``load_udcg_meetings()`` columns: ``meeting_no, report, date, date_precision, date_from, date_to,
location, meeting_format, chair_or_lead, outcome, post_meeting_report, source_url, source_title,
source_date, note``: every Ukraine Defense Contact Group meeting (1-33, April 2022 to February
2026). ``report`` is ``meeting`` for a meeting's main row; a source that disagrees with it on the
date or the format is its own row (``alternative date``, ``alternative format``), and a planned
meeting that was called off is ``not held``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from .. import datasets
from ..errors import ParameterError
from ..schemas import MECHANISMS, RESTRICTIONS, UDCG_MEETINGS
from ..tables import load_table


def load_restrictions(path: str | Path | None = None) -> pd.DataFrame:
    """Reported limits on the use of donated weapons inside Russia (see the module docstring)."""
    return load_table(datasets.RESTRICTIONS, RESTRICTIONS, path)


def restriction_status(
    on: str | dt.date,
    country: str | None = None,
    weapon_system: str | None = None,
    path: str | Path | None = None,
) -> pd.DataFrame:
    """The reported status on a day, per country and weapon system.

    For each (iso3, weapon_system) the latest report known by ``on`` is kept: a report counts from
    the last day of its stated period (a month-only date from the month's end). Reports of equal
    date are all returned (conflicting reports are not resolved). Pairs with no report by then
    are absent. ``country`` (ISO3) and ``weapon_system`` narrow the result.
    """
    try:
        day = pd.Timestamp(on)
    except (ValueError, TypeError):
        raise ParameterError(f"on={on!r} is not a date; use YYYY-MM-DD.") from None
    table = load_restrictions(path)
    for column, wanted in (("iso3", country), ("weapon_system", weapon_system)):
        if wanted is not None:
            if wanted not in set(table[column]):
                options = ", ".join(sorted(set(table[column])))
                raise ParameterError(f"{column}={wanted!r} is unknown; choose one of {options}.")
            table = table[table[column] == wanted]
    known = table[table["date_to"] <= day]
    latest = known.groupby(["iso3", "weapon_system"])["date_to"].transform("max")
    return (
        known[known["date_to"] == latest]
        .sort_values(["iso3", "weapon_system"])
        .reset_index(drop=True)
    )


def load_mechanisms(path: str | Path | None = None) -> pd.DataFrame:
    """Dated facts about NATO's support mechanisms for Ukraine (see the module docstring).

    ``value`` + ``unit`` hold any number (personnel, EUR/USD amounts, nations attending); the unit
    states currency and scale. Undated facts have empty dates.
    """
    return load_table(datasets.MECHANISMS, MECHANISMS, path)


def load_udcg_meetings(path: str | Path | None = None, alternatives: bool = True) -> pd.DataFrame:
    """Ukraine Defense Contact Group meetings (see the module docstring).

    ``alternatives=False`` keeps one row per meeting held: its main row (``report == "meeting"``),
    without the dissenting reports and the meeting that was not held. Count meetings by a date
    from ``date_to`` (a meeting counts from the last day of its stated date).
    """
    frame = load_table(datasets.UDCG_MEETINGS, UDCG_MEETINGS, path)
    if not alternatives:
        frame = frame[frame["report"] == "meeting"].reset_index(drop=True)
    return frame
