"""restrictions_mechanisms: the status of each donor's weapons on a date and NATO's mechanisms,
every row citing its source row (checked against the bundled CSV files themselves)."""

from __future__ import annotations

import csv
import re

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import plots
from burdenshare.analyses import restrictions_mechanisms as rm
from tests import DATA


def _csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_status_on_a_date_follows_the_reports():
    result = rm.run("2025-12-31")
    key = result.key_results
    status = bs.restriction_status("2025-12-31")
    assert key["donors"] == status["iso3"].nunique() == 16
    allowing = status.loc[status["status"].isin(["allowed", "partially allowed"]), "iso3"]
    restricting = status.loc[status["status"] == "restricted", "iso3"]
    assert key["allowing"] == sorted(set(allowing))
    assert key["restricting"] == sorted(set(restricting)) == ["BEL", "GBR", "ITA", "USA"]
    # ATACMS: allowed for Kursk in November 2024, under a Pentagon review again by August 2025
    atacms = result.tables["status"].query("weapon_system == 'ATACMS'")
    assert atacms["status"].tolist() == ["restricted"] and atacms["date"].tolist() == ["2025-08-23"]
    assert plots.title_of(result.figures["restrictions"]) == result.title
    assert result.title.startswith("By 31 December 2025, 14 of 16 donors allowed")


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
    numbered = [f for f, r in raw.items() if re.fullmatch(r"meeting \d+", r["fact_type"])]
    meetings = [f for f in numbered if raw[f]["institution"] == rm.UDCG]
    assert result.key_results["udcg_meetings"] == len(meetings) == 12
    assert "NATO-Ukraine Council" in set(facts["lane"])
    assert result.key_results["undated_facts"] == ["NSATU-04", "PURL-06"]


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
        ({"as_of": "2026-01-01"}, r"'as_of'.*to 2025-12-31"),
        ({"as_of": "yesterday"}, "'as_of'.*YYYY-MM-DD"),
        ({"countries": "DEU"}, "'countries' must be a list"),
        ({"countries": ["XYZ"]}, r"'countries' holds invalid value\(s\) \['XYZ'\]"),
    ],
)
def test_bad_parameters(params, match):
    with pytest.raises(bs.ParameterError, match=match):
        rm.validate(**params)
