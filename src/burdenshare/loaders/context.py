"""Context for the support analyses: allied limits on long-range strikes, NATO mechanisms.

``load_restrictions()`` columns: ``iso3, country, weapon_system, covers, status (restricted |
partially allowed | allowed | not supplied), scope, date, date_precision, date_from, date_to,
date_basis, decision_by, source_url, cross_check_url, note``. One row per reported change or
restatement; conflicting reports are both kept; ``covers`` names the narrower categories a wider
one includes (``restriction_status`` marks what a later wider decision superseded). Most decisions were not announced officially (``date_basis``);
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
from ..params import check_flag
from ..schemas import MECHANISMS, RESTRICTIONS, UDCG_MEETINGS
from ..schemas.context import covered
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
    """What was allowed on a day: per country and weapon system, the latest report known by then,
    with ``current`` False where a later decision on a wider category superseded it.

    A report counts from the last day of its stated period (a month-only date from the month's
    end). A row's ``covers`` names the narrower categories of its country that it includes: a
    later report on the wider category supersedes an earlier one on a part of it
    (``superseded_by``: the wider category and its date); a part decided later than (or on the
    same day as) the wider category stays current and is named in the wider row's
    ``exceptions``. Reports of equal date on one category are all returned and current
    (conflicting reports are not resolved). Pairs with no report by then are absent. ``country``
    (ISO3) and ``weapon_system`` narrow the result after supersession is judged.
    """
    if isinstance(on, dt.datetime) or not isinstance(on, str | dt.date):
        raise ParameterError(f"on={on!r} is not a date; use YYYY-MM-DD text or a datetime.date.")
    try:
        day = pd.Timestamp(on)
    except (ValueError, TypeError):
        raise ParameterError(f"on={on!r} is not a date; use YYYY-MM-DD.") from None
    if pd.isna(day):
        raise ParameterError(f"on={on!r} is not a date; use YYYY-MM-DD.")
    table = load_restrictions(path)
    for column, wanted in (("iso3", country), ("weapon_system", weapon_system)):
        if wanted is not None and not isinstance(wanted, str):
            raise ParameterError(
                f"{column}={wanted!r} must be one text value (or None for every one)."
            )
        if wanted is not None and wanted not in set(table[column]):
            options = ", ".join(sorted(set(table[column])))
            raise ParameterError(f"{column}={wanted!r} is unknown; choose one of {options}.")
    known = table[table["date_to"] <= day]
    latest = known.groupby(["iso3", "weapon_system"])["date_to"].transform("max")
    status = _superseded(known[known["date_to"] == latest])
    for column, wanted in (("iso3", country), ("weapon_system", weapon_system)):
        if wanted is not None:
            status = status[status[column] == wanted]
    return status.sort_values(["iso3", "weapon_system"]).reset_index(drop=True)


def _superseded(latest: pd.DataFrame) -> pd.DataFrame:
    """``latest`` with ``current``, ``superseded_by`` and ``exceptions`` judged from ``covers``."""
    empty = pd.Series(None, index=latest.index, dtype="str")
    status = latest.assign(current=True, superseded_by=empty, exceptions=empty)
    parts = covered(status)
    for wider, names in parts[parts.map(bool)].items():
        iso3, when = status.at[wider, "iso3"], status.at[wider, "date_to"]
        later = []
        for name in names:
            rows = status.index[(status["iso3"] == iso3) & (status["weapon_system"] == name)]
            for row in rows:
                if status.at[row, "date_to"] < when:
                    status.at[row, "current"] = False
                    status.at[row, "superseded_by"] = (
                        f"{status.at[wider, 'weapon_system']} ({status.at[wider, 'date']})"
                    )
                elif name not in later:
                    later.append(name)
        if later:
            status.at[wider, "exceptions"] = "; ".join(later)
    return status


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
    check_flag("alternatives", alternatives)
    frame = load_table(datasets.UDCG_MEETINGS, UDCG_MEETINGS, path)
    if not alternatives:
        frame = frame[frame["report"] == "meeting"].reset_index(drop=True)
    return frame
