"""Weapons-use restrictions and NATO's mechanisms for Ukraine, as of a date.

Two timelines: which donors allowed or restricted Ukraine's use of their weapons against targets
in Russia, per weapon system, with the date, who decided and the source of each report (a report
superseded by a later decision on a wider category is marked, not counted); and the dated facts
about NATO's mechanisms (NSATU, JATEC, PURL, the NATO-Ukraine Council, the EUR 40 bn pledge) and
every Ukraine Defense Contact Group meeting held (from the UDCG meetings table), with the amounts
pledged at them. Every row of every table cites its source row: ``file:line`` of the bundled
restrictions and UDCG tables, the fact id of the mechanisms table or the pledge id of the pledges
table, and the publisher's URL.

``as_of`` keeps what is dated on or before it (a report counts from the last day of its stated
period); ``countries`` narrows the donors (restrictions and named pledges; NATO's own mechanisms
are shown whatever the filter); a donor asked for that has no reported decision is named as such.
Most restriction decisions were not announced officially: the
table says on what basis each is dated; "allowed" does not mean the weapon was delivered or used.

Pairs with ``notebooks/restrictions_mechanisms.ipynb`` (same name).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
from matplotlib.figure import Figure

from .. import plots
from ..datasets import MECHANISMS, PLEDGES, RESTRICTIONS, UDCG_MEETINGS
from ..editions import editions, latest
from ..errors import ParameterError
from ..loaders.context import (
    load_mechanisms,
    load_restrictions,
    load_udcg_meetings,
    restriction_status,
)
from ..loaders.pledges import load_pledges
from ..params import MAX_COUNT, check_choices, check_date
from ..schemas import RESTRICTIONS as RESTRICTIONS_TABLE
from ._format import cite, fmt, listing, names, plain
from .result import AnalysisResult

DEFAULTS: dict[str, Any] = {"as_of": "2025-12-31", "countries": []}
#: The statuses the restrictions table allows, in the catalogue's order.
RESTRICTION_STATUSES = RESTRICTIONS_TABLE.field("status").allowed
STATUS_COLOURS = dict(
    zip(
        RESTRICTION_STATUSES,
        (plots.PALETTE[3], plots.PALETTE[1], plots.PALETTE[2], plots.GREY),
        strict=True,
    )
)
ALLOWING = ("allowed", "partially allowed")
COUNCIL = "NATO-Ukraine Council"
#: How a Contact Group meeting held is known: from a report after it (else announcements only).
REPORTED = "reported after the meeting"
UDCG = "Ukraine Defense Contact Group"
#: Kinds of mechanism facts and their colours (drawn in this order: money on top).
KINDS = {
    "decision or milestone": plots.PALETTE[2],
    "meeting": plots.PALETTE[0],
    "money pledged or funded": plots.PALETTE[1],
}
LABELS = {
    "donors": "Donors with a reported decision (count)",
    "allowing_count": "Donors allowing at least partial use against Russia (count)",
    "restricting_count": "Donors restricting at least one system (count)",
    "udcg_meetings": "Contact Group meetings held by the date (count)",
}


def span() -> tuple[dt.date, dt.date]:
    """Valid as_of dates: from the first dated fact to the end of the newest edition's month."""
    tables = (load_restrictions(), load_mechanisms(), load_udcg_meetings(alternatives=False))
    dated = pd.concat([table["date_to"] for table in tables]).dropna()
    newest = max(latest(RESTRICTIONS), latest(MECHANISMS), latest(UDCG_MEETINGS))
    end = (pd.Period(newest, freq="M").end_time).date()
    return dated.min().date(), end


def donors() -> list[str]:
    """Donor codes the filter accepts: those in the restrictions table or named in a pledge."""
    pledged = load_pledges()["donor_codes"].dropna().str.split(";").explode()
    return sorted(set(load_restrictions()["iso3"]) | set(pledged))


def validate(as_of: str = DEFAULTS["as_of"], countries: list[str] | None = None) -> dict[str, Any]:
    """An ISO date inside the data's span; ``countries``: a list of donor codes (empty = all)."""
    first, last = span()
    day = check_date("as_of", as_of, first, last)
    countries = [] if countries is None else countries
    if isinstance(countries, str) or not isinstance(countries, list):
        raise ParameterError(
            f"Parameter 'countries' must be a list of ISO3 codes (empty for all), got "
            f"{countries!r}."
        )
    if len(countries) > MAX_COUNT:
        raise ParameterError(f"Parameter 'countries' lists {len(countries)} codes; at most 1000.")
    if countries:
        check_choices("countries", countries, donors())
    return {"as_of": day, "countries": list(countries)}


def run(as_of: str = DEFAULTS["as_of"], countries: list[str] | None = None) -> AnalysisResult:
    """Both timelines, the status of each donor's weapon systems on ``as_of``, and the sources."""
    p = validate(as_of, countries)
    day, chosen = pd.Timestamp(p["as_of"]), p["countries"]
    reports = restriction_reports(day, chosen)
    status = status_on(day, chosen)
    facts = mechanism_facts(day)
    meetings = udcg_meetings(day)
    key = key_results(p, reports, status, facts, meetings)
    result = AnalysisResult(title=restrictions_title(key), key_results=key)
    result.sources = cite(
        (RESTRICTIONS, latest(RESTRICTIONS)),
        (MECHANISMS, latest(MECHANISMS)),
        (PLEDGES, latest(PLEDGES)),
        (UDCG_MEETINGS, latest(UDCG_MEETINGS)),
    )
    if len(reports):
        result.figures["restrictions"] = restrictions_figure(
            reports, result.title, result.sources[0]
        )
    result.tables["status_statements"] = status_statements(status)
    result.tables["status"] = status
    result.tables["restrictions"] = reports
    if len(facts) or len(meetings):
        result.figures["mechanisms"] = mechanisms_figure(
            facts, meetings, key, f"{result.sources[1]}; {result.sources[3]}"
        )
    result.tables["mechanism_statements"] = mechanism_statements(facts, meetings)
    result.tables["mechanisms"] = facts
    result.tables["udcg_meetings"] = meetings
    result.tables["pledges"] = named_pledges(day, chosen)
    result.notes = notes(key)
    result.labels = dict(LABELS)
    result.key_results = plain(key)
    return result


def _line_refs(table: pd.DataFrame, dataset: str) -> pd.Series:
    """``file:line`` of each row of a bundled table (line 1 is the header)."""
    name = editions(dataset)[latest(dataset)].path.name
    return pd.Series([f"{name}:{i + 2}" for i in range(len(table))], index=table.index)


def restriction_reports(day: pd.Timestamp, chosen: list[str]) -> pd.DataFrame:
    """Every report known by ``day`` (of the chosen donors), oldest first, with its source row."""
    table = load_restrictions()
    table = table.assign(ref=_line_refs(table, RESTRICTIONS))
    known = table[(table["date_to"] <= day) & (table["iso3"].isin(chosen) if chosen else True)]
    columns = [
        "date",
        "country",
        "weapon_system",
        "status",
        "scope",
        "decision_by",
        "date_basis",
        "source_url",
        "iso3",
        "date_to",
    ]
    return known.sort_values(["date_to", "country"]).set_index("ref")[columns]


def status_on(day: pd.Timestamp, chosen: list[str]) -> pd.DataFrame:
    """Per donor and weapon system: the latest reported status by ``day`` and its report."""
    status = restriction_status(day.date())
    if chosen:
        status = status[status["iso3"].isin(chosen)]
    refs = restriction_reports(day, chosen).reset_index()
    status = status.merge(
        refs[["ref", "iso3", "weapon_system", "date", "status"]],
        on=["iso3", "weapon_system", "date", "status"],
        how="left",
    )
    status["standing"] = pd.Series(
        [
            ("current" if pd.isna(later) else f"current; decided separately: {later}")
            if current
            else f"superseded by {wider}"
            for current, wider, later in zip(
                status["current"], status["superseded_by"], status["exceptions"], strict=True
            )
        ],
        index=status.index,
        dtype="str",
    )
    columns = [
        "country",
        "weapon_system",
        "status",
        "date",
        "standing",
        "decision_by",
        "ref",
        "source_url",
    ]
    return status.set_index("iso3")[columns]


def mechanism_facts(day: pd.Timestamp) -> pd.DataFrame:
    """Dated facts by ``day``, on a lane per mechanism, with amounts (from the fact or from a
    Contact Group pledge of the same day) and a kind: meeting, money, decision or milestone."""
    facts = load_mechanisms()
    facts = facts[facts["date_to"] <= day].copy()
    money = facts["unit"].fillna("").str.contains("EUR|USD")
    facts["amount"] = [
        f"{fmt(v)} {u.split(' (')[0]}" if m else None
        for v, u, m in zip(facts["value"], facts["unit"].fillna(""), money, strict=True)
    ]
    pledged, at_meeting = contact_group_pledges(day), facts["institution"].eq(UDCG)
    for column in ("pledged", "pledge_ref"):
        facts[column] = facts["date_to"].map(pledged[column]).where(at_meeting)
    facts["amount"] = facts["amount"].fillna(facts.pop("pledged"))
    facts["lane"] = facts["institution"]
    council = facts[
        facts["chair_or_lead"].fillna("").str.contains(COUNCIL)
        | facts["description"].fillna("").str.contains(COUNCIL)
    ].assign(lane=COUNCIL)
    facts = pd.concat([facts, council]).sort_values(["date_to", "fact_id"])
    held = facts["fact_type"].str.startswith("meeting") & ~facts["fact_type"].str.contains(
        "announced"
    )
    meeting = held | facts["lane"].eq(COUNCIL)
    facts["kind"] = "decision or milestone"
    facts.loc[meeting, "kind"] = "meeting"
    facts.loc[facts["amount"].notna(), "kind"] = "money pledged or funded"
    columns = [
        "date",
        "lane",
        "fact_type",
        "amount",
        "kind",
        "chair_or_lead",
        "description",
        "source_url",
        "date_to",
        "pledge_ref",
    ]
    return facts.set_index("fact_id")[columns]


def udcg_meetings(day: pd.Timestamp) -> pd.DataFrame:
    """Contact Group meetings held by ``day`` (main rows of the UDCG table), with their source
    row, the amounts pledged at them (pledges table) and whether a post-meeting report exists."""
    table = load_udcg_meetings()
    table = table.assign(ref=_line_refs(table, UDCG_MEETINGS))
    held = table[(table["report"] == "meeting") & (table["date_to"] <= day)]
    pledged = contact_group_pledges(day)
    held = held.assign(
        pledged=held["date_to"].map(pledged["pledged"]),
        pledge_ref=held["date_to"].map(pledged["pledge_ref"]),
        evidence=held["post_meeting_report"].map(
            {True: REPORTED, False: "announcement and previews only"}
        ),
    )
    columns = [
        "meeting_no",
        "date",
        "location",
        "meeting_format",
        "chair_or_lead",
        "pledged",
        "evidence",
        "source_url",
        "date_to",
        "pledge_ref",
    ]
    return held.set_index("ref")[columns]


def contact_group_pledges(day: pd.Timestamp) -> pd.DataFrame:
    """Totals pledged at Contact Group meetings (pledges table, first reports), by day."""
    pledges = load_pledges(alternatives=False)
    rows = pledges[pledges["channel"].str.startswith("UDCG") & (pledges["date_to"] <= day)]
    rows = rows.assign(
        pledged=[
            f"{fmt(a)} {c} {s}"
            for a, c, s in zip(rows["amount"], rows["currency"], rows["scale"], strict=True)
        ],
    )
    found = rows.groupby("date_to").agg(
        pledged=("pledged", "; ".join), pledge_ref=("pledge_id", ";".join)
    )
    return found


def named_pledges(day: pd.Timestamp, chosen: list[str]) -> pd.DataFrame:
    """PURL and Contact Group pledges by ``day`` as announced (never summed), of chosen donors."""
    pledges = load_pledges()
    rows = pledges[
        (pledges["date_to"] <= day) & (pledges["channel"].str.startswith(("PURL", "UDCG")))
    ]
    if chosen:
        codes = rows["donor_codes"].fillna("").str.split(";")
        rows = rows[codes.map(lambda c: bool(set(c) & set(chosen))).astype(bool)]
    columns = [
        "date",
        "donor",
        "amount",
        "scale",
        "currency",
        "channel",
        "alternative_to",
        "part_of",
        "source_url",
    ]
    return rows.set_index("pledge_id")[columns]


def _statements(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    """(topic, statement, source row, URL) tuples as a table indexed by topic."""
    table = pd.DataFrame(
        [
            {"topic": t, "statement": s, "source_row": ref, "source_url": url}
            for t, s, ref, url in rows
        ],
        columns=["topic", "statement", "source_row", "source_url"],
    )
    return table.set_index("topic")


def statements_markdown(statements: pd.DataFrame) -> str:
    """The statements as Markdown for readers: one paragraph each, its source a link named by the
    source's site (the source row stays in the table's CSV)."""
    paragraphs = []
    for topic, row in statements.iterrows():
        url = row["source_url"]
        source = ""
        if isinstance(url, str) and url:
            site = (urlsplit(url).hostname or "source").removeprefix("www.")
            source = f" Source: [{_escaped(site)}](<{url}>)."
        paragraphs.append(f"**{_escaped(str(topic))}**: {_escaped(str(row['statement']))}.{source}")
    return "\n\n".join(paragraphs)


def _escaped(text: str) -> str:
    """Text with Markdown's emphasis and link characters escaped."""
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def status_statements(status: pd.DataFrame) -> pd.DataFrame:
    """One sentence per donor's weapon system (its latest report: current, or superseded by a
    later decision on a wider category), with its source row and URL."""
    rows = []
    for _, row in status.iterrows():
        who = f"; decided by {row['decision_by']}" if pd.notna(row["decision_by"]) else ""
        topic = f"{row['country']}: {row['weapon_system']}"
        statement = f"{row['status']} (reported {row['date']}{who})"
        if not row["standing"].startswith("current"):
            statement = f"{row['standing']}; was {statement}"
        elif row["standing"] != "current":
            statement += f"; {row['standing'].removeprefix('current; ')}"
        rows.append((topic, statement, row["ref"], row["source_url"]))
    return _statements(rows)


def mechanism_statements(facts: pd.DataFrame, meetings: pd.DataFrame) -> pd.DataFrame:
    """One sentence per mechanism (its latest dated fact), with its fact id and URL; the Contact
    Group's from the UDCG meetings table (meetings held, the latest one)."""
    rows = []
    for lane, rows_of_lane in facts[facts["lane"] != UDCG].groupby("lane", sort=False):
        fact_id, row = rows_of_lane.index[-1], rows_of_lane.iloc[-1]
        amount = f": {row['amount']}" if pd.notna(row["amount"]) else ""
        statement = f"latest dated fact: {row['fact_type']}{amount} ({row['date']})"
        rows.append((lane, statement, fact_id, row["source_url"]))
    if len(meetings):
        ref, last = meetings.index[-1], meetings.iloc[-1]
        statement = (
            f"{len(meetings)} meetings held; the latest, no. {last['meeting_no']}, on "
            f"{last['date']} ({last['location']}, {last['meeting_format']})"
        )
        if last["evidence"] != REPORTED:
            statement += "; known from its announcement and previews only"
        rows.append((UDCG, statement, ref, last["source_url"]))
    return _statements(rows)


def key_results(
    p: dict[str, Any],
    reports: pd.DataFrame,
    status: pd.DataFrame,
    facts: pd.DataFrame,
    meetings: pd.DataFrame,
) -> dict[str, Any]:
    """Who allows and who restricts on ``as_of`` (current reports only); which donors asked for
    have no reported decision; how many reports, facts and Contact Group meetings."""
    current = status[status["standing"].str.startswith("current")]
    allowing = sorted(set(current.index[current["status"].isin(ALLOWING)]))
    restricting = sorted(set(current.index[current["status"] == "restricted"]))
    return {
        "as_of": p["as_of"].isoformat(),
        "countries": p["countries"],
        "restrictions_edition": latest(RESTRICTIONS),
        "mechanisms_edition": latest(MECHANISMS),
        "reports": len(reports),
        "donors": int(status.index.nunique()),
        "without_decision": sorted(set(p["countries"]) - set(status.index)),
        "allowing": allowing,
        "allowing_count": len(allowing),
        "restricting": restricting,
        "restricting_count": len(restricting),
        "facts": int(facts.index.nunique()),
        "superseded": len(status) - len(current),
        "udcg_meetings": len(meetings),
        "udcg_last_meeting": meetings["date"].iloc[-1] if len(meetings) else None,
        "udcg_without_post_meeting_report": sorted(
            int(n) for n in meetings.loc[meetings["evidence"] != REPORTED, "meeting_no"]
        ),
        "purl_packages_funded": int(
            facts[(facts["lane"] == "PURL") & facts["fact_type"].str.contains("funded")].shape[0]
        ),
        "undated_facts": undated_facts(),
    }


def undated_facts() -> list[str]:
    """Mechanism facts without a date, as readers name them: "NSATU: commander"."""
    facts = load_mechanisms()
    undated = facts[facts["date_to"].isna()].sort_values("fact_id")
    return [f"{row['institution']}: {row['fact_type']}" for _, row in undated.iterrows()]


def restrictions_title(key: dict[str, Any]) -> str:
    """ "By 31 December 2025, 15 of 16 donors ... allowed at least partial use ...; 3 restricted"."""
    day = dt.date.fromisoformat(key["as_of"])
    missing = listing(names(key["without_decision"]))
    if not key["donors"]:
        return f"No reported decision on strikes into Russia by {day:%d %B %Y} in the data" + (
            f" for {missing}" if missing else ""
        )
    restricting = names(key["restricting"])
    who = f" ({listing(restricting)})" if 0 < len(restricting) <= 4 else ""
    donors = (
        f"the {key['donors']} donors selected with a reported decision"
        if key["countries"]
        else f"{key['donors']} donors with a reported decision"
    )
    return (
        f"By {day:%d %B %Y}, {key['allowing_count']} of {donors} allowed at least "
        f"partial use of their weapons against targets in Russia; {key['restricting_count']} "
        f"restricted at least one system{who}"
        + (f"; no reported decision for {missing}" if missing else "")
    )


def restrictions_figure(reports: pd.DataFrame, title: str, source: str) -> Figure:
    """Each report on its donor's lane (donor: weapon system), coloured by status."""
    events = reports.assign(lane=reports["country"] + ": " + reports["weapon_system"])
    events = events.sort_values(["country", "date_to"])
    return plots.timeline(
        events.rename(columns={"date_to": "when"}),
        title=title,
        source=source,
        colours=STATUS_COLOURS,
        lane="lane",
        date="when",
        kind="status",
    )


def mechanisms_figure(
    facts: pd.DataFrame, meetings: pd.DataFrame, key: dict[str, Any], source: str
) -> Figure:
    """NATO's mechanisms on lanes, meetings and money marked, amounts written beside them; the
    Contact Group's lane shows every meeting held (UDCG table) and its other dated facts."""
    day = dt.date.fromisoformat(key["as_of"])
    held = meetings.assign(lane=UDCG, amount=meetings["pledged"])
    held["kind"] = held["amount"].notna().map({True: "money pledged or funded", False: "meeting"})
    others = facts[~((facts["lane"] == UDCG) & facts["fact_type"].str.startswith("meeting"))]
    events = pd.concat([others.reset_index(), held.reset_index()], ignore_index=True)
    return plots.timeline(
        events.sort_values("date_to"),
        title=(
            f"By {day:%d %B %Y}: {key['udcg_meetings']} Contact Group meetings held and "
            f"{key['purl_packages_funded']} PURL funding announcements in the data"
        ),
        source=source,
        colours=KINDS,
        lane="lane",
        date="date_to",
        kind="kind",
        note="amount",
    )


def notes(key: dict[str, Any]) -> list[str]:
    found = [
        "Most decisions on long-range use were not announced officially; 'date_basis' says on "
        "what each report is dated. 'Allowed' does not mean the weapon was delivered or used.",
        f"Restrictions as gathered for the {key['restrictions_edition']} edition and mechanisms "
        f"for the {key['mechanisms_edition']} edition: later decisions are not in the data.",
        "Amounts are as announced, in their own currencies; they are never summed. The "
        f"{COUNCIL} lane shows facts of the mechanisms table that name the Council.",
    ]
    if key["udcg_without_post_meeting_report"]:
        found.append(
            "Contact Group meetings counted as held but known only from announcements and "
            "same-day previews (no report after the meeting found): meeting no. "
            f"{listing(str(n) for n in key['udcg_without_post_meeting_report'])}."
        )
    if key["superseded"]:
        found.append(
            f"{key['superseded']} report(s) superseded by a later decision on a wider category "
            "of the same donor's weapons are shown as superseded and not counted."
        )
    if key["undated_facts"]:
        found.append(
            f"Facts without a date (not on the timeline): {listing(key['undated_facts'])}."
        )
    return found
