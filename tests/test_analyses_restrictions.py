"""restrictions_mechanisms: the status of each donor's weapons on a date and NATO's mechanisms,
every row citing its source row (checked against the bundled CSV files themselves)."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare import plots
from burdenshare.analyses import restrictions_mechanisms as rm
from tests import DATA, examples


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_status_on_a_date_follows_the_reports():
    result = rm.run("2025-12-31")
    key = result.key_results
    status = bs.restriction_status("2025-12-31")
    assert key["donors"] == status["iso3"].nunique() == 16
    current = status[status["current"]]
    allowing = current.loc[current["status"].isin(["allowed", "partially allowed"]), "iso3"]
    restricting = current.loc[current["status"] == "restricted", "iso3"]
    assert key["allowing"] == sorted(set(allowing))
    assert key["restricting"] == sorted(set(restricting)) == ["BEL", "GBR", "ITA", "USA"]
    # ATACMS: allowed for Kursk in November 2024, under a Pentagon review again by August 2025
    atacms = result.tables["status"].query("weapon_system == 'ATACMS'")
    assert atacms["status"].tolist() == ["restricted"] and atacms["date"].tolist() == ["2025-08-23"]
    assert plots.title_of(result.figures["restrictions"]) == result.title
    assert result.title.startswith(
        "By 31 December 2025, 14 of 16 donors with a reported decision allowed"
    )


def test_a_later_decision_on_a_wider_category_supersedes_the_earlier_one_on_its_part():
    """Merz (2025-05-26): no range restrictions on any German-supplied weapon; the 2024 Kharkiv
    counter-fire permission for German artillery is no longer what was allowed."""
    status = bs.restriction_status("2025-12-31", country="DEU").set_index("weapon_system")
    part = "German-supplied weapons (e.g. artillery, rocket launchers)"
    assert status.loc[part, "status"] == "partially allowed" and not status.loc[part, "current"]
    assert status.loc[part, "superseded_by"] == "all German-supplied weapons (2025-05-26)"
    assert status.loc["all German-supplied weapons", "current"]
    assert status.loc["Taurus", "current"]  # not supplied: a supply decision, not a part
    # before Merz's statement the 2024 permission was current
    before = bs.restriction_status("2025-05-25", country="DEU").set_index("weapon_system")
    assert before["current"].all()
    # the analysis marks it and counts only current reports
    result = rm.run("2025-12-31", ["DEU"])
    statements = result.tables["status_statements"]["statement"]
    assert statements[f"Germany: {part}"].startswith("superseded by all German-supplied weapons")
    assert result.key_results["superseded"] == 1


def _overlap(a: pd.Series, b: pd.Series) -> bool:
    """Two reports on the same category, or one on a category that includes the other's."""
    same = a["weapon_system"] == b["weapon_system"]
    inside = b["weapon_system"] in str(a["covers"]).split(";") or a["weapon_system"] in str(
        b["covers"]
    ).split(";")
    return a["iso3"] == b["iso3"] and (same or inside)


def _exception(wider: pd.Series, part: pd.Series) -> bool:
    return part["weapon_system"] in str(wider["exceptions"]).split("; ")


@settings(max_examples=examples(60), deadline=None)
@given(day=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2026, 12, 31)))
def test_no_two_current_reports_for_overlapping_categories(day):
    """Whatever the day: among current rows, two on overlapping categories of one donor are only
    conflicting reports of the same day on the same category, or a part decided later and named
    as an exception of the wider one; every superseded row names a current wider row."""
    status = bs.restriction_status(day)
    current = status[status["current"]]
    rows = list(current.iterrows())
    for i, (_, a) in enumerate(rows):
        for _, b in rows[i + 1 :]:
            if not _overlap(a, b):
                continue
            same_report_day = a["weapon_system"] == b["weapon_system"] and a["date"] == b["date"]
            assert same_report_day or _exception(a, b) or _exception(b, a), (day, a, b)
    for _, row in status[~status["current"]].iterrows():
        wider = current[
            (current["iso3"] == row["iso3"])
            & (current["weapon_system"] + " (" + current["date"] + ")" == row["superseded_by"])
        ]
        assert len(wider) == 1 and wider["date_to"].iloc[0] > row["date_to"]


def test_every_restriction_row_cites_its_line_in_the_bundled_file():
    table = rm.run("2025-12-31").tables["restrictions"]
    rows = _csv_rows("restrictions_long_range.csv")
    assert len(table) == len(rows)
    for ref, row in table.iterrows():
        name, line = ref.split(":")
        source = rows[int(line) - 2]
        assert name == "restrictions_long_range.csv"
        assert (source["iso3"], source["weapon_system"], source["date"], source["status"]) == (
            row["iso3"],
            row["weapon_system"],
            row["date"],
            row["status"],
        )
        assert source["source_url"] == row["source_url"]


def test_mechanisms_cite_fact_ids_and_the_pledged_amounts():
    result = rm.run("2025-12-31")
    facts = result.tables["mechanisms"]
    raw = {r["fact_id"]: r for r in _csv_rows("nato_ukraine_mechanisms.csv")}
    assert set(facts.index) <= set(raw)
    for fact_id, row in facts.iterrows():
        assert row["source_url"] == raw[fact_id]["source_url"]
    # the 27th Contact Group meeting: EUR 21 bn pledged (its own fact); the 26th: from the
    # pledges table (P015, "almost $2 billion"), cited by pledge id
    assert facts.loc["UDCG-27", "amount"] == "21 EUR billion pledged"
    assert facts.loc["UDCG-26", "amount"] == "2 USD billion"
    assert facts.loc["UDCG-26", "pledge_ref"] == "P015"
    assert "NATO-Ukraine Council" in set(facts["lane"])
    assert result.key_results["undated_facts"] == ["NSATU: commander"]  # NSATU-04, undated


@pytest.mark.parametrize(
    ("as_of", "held", "last"),
    [
        ("2022-04-26", 1, "2022-04-26"),
        ("2024-05-31", 22, "2024-05-20"),
        ("2025-12-31", 32, "2025-12-16"),
        ("2026-02-28", 33, "2026-02-12"),
    ],
)
def test_contact_group_meetings_are_counted_from_the_udcg_table(as_of, held, last):
    """../shared/sources/udcg/SOURCES.md: 22 meetings by May 2024 (the mechanisms table holds only
    5 of them), 32 by December 2025, a 33rd on 12 February 2026."""
    result = rm.run(as_of)
    key = result.key_results
    assert key["udcg_meetings"] == held and key["udcg_last_meeting"] == last
    meetings = result.tables["udcg_meetings"]
    assert meetings["meeting_no"].tolist() == list(range(1, held + 1))
    rows = _csv_rows("udcg_meetings.csv")
    for ref, row in meetings.iterrows():
        name, line = ref.split(":")
        assert name == "udcg_meetings.csv"
        source = rows[int(line) - 2]
        assert (source["meeting_no"], source["date"], source["report"]) == (
            str(row["meeting_no"]),
            row["date"],
            "meeting",
        )
    assert f"{held} Contact Group meetings held" in plots.title_of(result.figures["mechanisms"])
    statement = result.tables["mechanism_statements"].loc[rm.UDCG, "statement"]
    assert statement.startswith(f"{held} meetings held; the latest, no. {held}, on {last}")


def test_a_category_of_all_a_donors_weapons_covers_its_other_categories_in_use():
    """A report on "all X-supplied weapons" must say which of the donor's other categories it
    includes (every one with a use status; "not supplied" is a supply decision), else a later
    statement on all of them could sit beside an earlier one on a part as if both held."""
    table = bs.load_restrictions()
    wide = table[table["weapon_system"].str.startswith("all ")]
    assert len(wide) >= 1
    for _, row in wide.iterrows():
        others = table[
            (table["iso3"] == row["iso3"])
            & (table["weapon_system"] != row["weapon_system"])
            & (table["status"] != "not supplied")
        ]
        assert set(others["weapon_system"]) <= set(str(row["covers"]).split(";")), row


@settings(max_examples=examples(25), deadline=None)
@given(data=st.data())
def test_every_donor_asked_for_is_counted_or_named(data):
    chosen = data.draw(st.lists(st.sampled_from(rm.donors()), min_size=1, max_size=6, unique=True))
    key = rm.run("2025-12-31", chosen).key_results
    with_decision = set(bs.restriction_status("2025-12-31")["iso3"]) & set(chosen)
    assert key["donors"] == len(with_decision)
    assert key["without_decision"] == sorted(set(chosen) - with_decision)


def test_a_donor_without_a_reported_decision_is_named_not_dropped():
    result = rm.run("2025-12-31", ["ISL", "DEU", "GBR"])
    assert result.key_results["without_decision"] == ["ISL"]
    assert result.title.startswith(
        "By 31 December 2025, 2 of the 2 donors selected with a reported decision"
    )
    assert result.title.endswith("; no reported decision for Iceland")
    alone = rm.run("2025-12-31", ["ISL"])
    assert alone.title.endswith("in the data for Iceland")
    assert rm.run("2025-12-31").key_results["without_decision"] == []


def test_as_of_leaves_out_later_reports_and_facts():
    early = rm.run("2024-06-01")
    key = early.key_results
    assert (early.tables["restrictions"]["date_to"] <= pd.Timestamp("2024-06-01")).all()
    assert "FRA" not in key["allowing"]  # France's SCALP-EG statement came in November 2024
    assert key["purl_packages_funded"] == 0
    assert "PURL" not in set(early.tables["mechanisms"]["lane"])
    before = rm.run("2022-04-26")
    assert before.key_results["donors"] == 0 and "restrictions" not in before.figures
    assert before.title.startswith("No reported decision")


def test_countries_narrow_the_donors_and_their_pledges():
    result = rm.run("2025-12-31", ["DEU", "USA"])
    assert set(result.tables["status"].index) == {"DEU", "USA"}
    pledges = result.tables["pledges"]
    assert len(pledges) and pledges["donor"].str.contains("Germany|United States").all()
    assert result.key_results["facts"] == rm.run("2025-12-31").key_results["facts"]


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"as_of": "2021-01-01"}, r"'as_of' = '2021-01-01' is outside the valid range 2022-04-26"),
        ({"as_of": "2026-03-01"}, r"'as_of'.*to 2026-02-28"),
        ({"as_of": "yesterday"}, "'as_of'.*YYYY-MM-DD"),
        ({"countries": "DEU"}, "'countries' must be a list"),
        ({"countries": ["XYZ"]}, r"'countries' holds invalid value\(s\) \['XYZ'\]"),
    ],
)
def test_bad_parameters(params, match):
    with pytest.raises(bs.ParameterError, match=match):
        rm.validate(**params)
