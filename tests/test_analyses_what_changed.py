"""what_changed: revisions between two editions or releases, checked by hand against two bundled
CSV files each (the rows and values are named in the tests), the labels "previous"/"latest"
resolved per dataset, an imported Kiel release used as ``new``, and clear errors for a bad
pair."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare import plots, tables
from burdenshare.analyses import what_changed as wc
from burdenshare.countries import nato_allies
from burdenshare.importers import import_kiel, import_workbook
from tests import RAW, bundled_rows, need_shared
from tests.test_importers_kiel import build_kiel


def _values(name: str, indicator: str, year: int) -> dict[str, float]:
    """ISO3 -> value of one indicator in one year, read from a bundled CSV as text (no loader)."""
    return {
        r["iso3"]: float(r["value"])
        for r in bundled_rows(name)
        if r["indicator"] == indicator and r["year"] == str(year)
    }


def _kiel_totals(name: str, unit: str) -> dict[str, float]:
    """ISO3 -> total bilateral allocations in ``unit``, read from a bundled Kiel CSV as text."""
    return {
        r["iso3"]: float(r["value"])
        for r in bundled_rows(name)
        if (r["measure"], r["aid_type"], r["scope"], r["unit"])
        == ("allocation", "total", "bilateral", unit)
    }


@pytest.fixture(scope="module")
def nato() -> bs.analyses.AnalysisResult:
    return wc.run()


# --- NATO ---------------------------------------------------------------------------------------


def test_nato_defaults_compare_the_two_newest_editions(nato):
    key = nato.key_results
    assert (key["dataset"], key["old"], key["new"]) == ("nato_spending", "2025", "2026")
    # nato_defexp_2025.csv line 97: EST,Estonia,2025,defexp_share_gdp_pct,3.37882703,...
    # nato_defexp_2026.csv line 1768: EST,Estonia,2025,defexp_share_gdp_pct,3.93,...
    top = nato.tables["share_revisions"].iloc[0]
    assert top.name == ("Estonia", 2025)
    assert (top["old_share_gdp_pct"], top["new_share_gdp_pct"]) == (3.37882703, 3.93)
    assert top["revision_pp"] == pytest.approx(3.93 - 3.37882703, abs=1e-12)
    assert key["largest_iso3"] == "EST" and key["largest_revision_pp"] == pytest.approx(0.5512)
    # the next one: ALB 2025, 2.01 (2025 edition, line 13) -> 1.48 (2026 edition, line 1677)
    second = nato.tables["share_revisions"].iloc[1]
    assert second.name == ("Albania", 2025) and second["revision_pp"] == pytest.approx(-0.53)
    sizes = nato.tables["share_revisions"]["revision_pp"].abs().tolist()
    assert sizes == sorted(sizes, reverse=True) and len(sizes) == wc.DEFAULTS["top_n"]


def test_nato_counts_at_two_percent_by_each_edition(nato):
    counts = nato.tables["counts"]
    for edition, column in (("2025", "old_count"), ("2026", "new_count")):
        shares = _values(f"nato_defexp_{edition}.csv", "defexp_share_gdp_pct", 2025)
        by_hand = sum(1 for code in nato_allies(2025) if shares.get(code, 0.0) >= 2.0)
        assert counts.at[2025, column] == by_hand
    assert (counts.at[2025, "old_count"], counts.at[2025, "new_count"]) == (30, 28)
    assert nato.title == (
        "By NATO's 2026 edition (core defence expenditure), 28 allies were at or above 2% of GDP "
        "in 2025, 2 fewer than by the 2025 edition (30)"
    )
    assert plots.title_of(nato.figures["counts"]) == nato.title
    assert list(nato.figures) == ["counts", "share_revisions"]  # the lead figure states the title


def test_nato_crossings_explain_every_count_that_moved(nato):
    moved = nato.tables["crossings"].reset_index()
    in_2025 = moved[moved["year"] == 2025].set_index("iso3")
    # ALB 2.01 -> 1.48, CZE 2.00044022 -> 1.86, SVN 2.023794942 -> 1.57 (revised below 2%);
    # Germany has no 2025 figure in NATO's 2025 edition, 2.22 in the 2026 edition
    assert in_2025["now"].to_dict() == {
        "ALB": "below",
        "CZE": "below",
        "DEU": "at or above",
        "SVN": "below",
    }
    assert in_2025.at["DEU", "why"] == "no figure in 2025"
    assert in_2025.at["CZE", "old_share_gdp_pct"] == 2.00044022
    assert in_2025.at["CZE", "new_share_gdp_pct"] == 1.86
    counts = nato.tables["counts"]
    up = moved[moved["now"] == "at or above"].groupby("year").size()
    down = moved[moved["now"] == "below"].groupby("year").size()
    net = up.reindex(counts.index, fill_value=0) - down.reindex(counts.index, fill_value=0)
    assert net.tolist() == counts["change"].tolist()
    assert nato.key_results["years_counts_moved"] == [2018, 2024, 2025]


def test_nato_rounding_of_the_2026_edition_is_named(nato):
    # nato_defexp_2025.csv line 257: POL,Poland,2018,defexp_share_gdp_pct,1.995933772
    # nato_defexp_2026.csv line 1982: POL,Poland,2018,defexp_share_gdp_pct,2.0 (two decimals)
    key = nato.key_results
    assert key["rounding_pp"] == 0.005
    assert key["crossed_within_rounding"] == [["POL", 2018]]
    poland = nato.tables["crossings"].loc[("Poland", 2018)]
    assert poland["why"] == "within rounding" and poland["revision_pp"] == pytest.approx(
        2.0 - 1.995933772, abs=1e-12
    )
    revised = nato.tables["share_revisions"]
    assert not revised["within_rounding"].any()  # the largest ten are real revisions
    assert key["shares_revised"] == key["shares_compared"] == 371
    assert 0 < key["shares_revised_beyond_rounding"] < key["shares_revised"]
    notes = " ".join(nato.notes)
    assert "Poland 2018 crossed the line only within rounding" in notes


def test_nato_definition_change_and_missing_money_are_stated(nato):
    key = nato.key_results
    assert key["definition_changed"]
    assert (key["old_definition"], key["new_definition"]) == (
        "defence expenditure",
        "core defence expenditure",
    )
    notes = " ".join(nato.notes)
    assert "the 2026 edition core defence expenditure (the Hague concept)" in notes
    assert key["money_compared"] == 0 and key["editions_without_money"] == ["2025"]
    assert "money_revisions" not in nato.tables and "(2025: no money tables)" in notes


def test_nato_money_revisions_where_both_editions_have_money():
    result = wc.run(old="2024", new="2026", top_n=3)
    money = result.tables["money_revisions"]
    # nato_defexp_2024.csv line 694: ALB,Albania,2024,defexp_usd_current_m,516.1140243060375
    # nato_defexp_2026.csv line 2534: ALB,Albania,2024,defexp_usd_current_m,367.0
    first = money.loc[("Albania", 2024)]
    assert (first["old_usd_current_m"], first["new_usd_current_m"]) == (516.1140243060375, 367.0)
    assert first["revision_pct"] == pytest.approx(100 * (367.0 / 516.1140243060375 - 1))
    assert money.index[0] == ("Albania", 2024)
    # TUR 2024: 22776.382187304534 (line 1002) -> 28274.0 (line 2924)
    assert money.loc[("Türkiye", 2024), "revision_usd_current_m"] == pytest.approx(
        28274.0 - 22776.382187304534
    )
    # the 2024 edition counted 23 allies at 2% in 2024 (NATO, June 2024); the 2026 edition 17
    key = result.key_results
    assert (key["count_year"], key["old_count"], key["new_count"]) == (2024, 23, 17)
    assert key["money_compared"] > 0 and "Money:" not in " ".join(result.notes)


@pytest.mark.parametrize(("old", "new"), [("2024", "2025"), ("2024", "2026"), ("2025", "2026")])
def test_every_count_change_is_its_crossings(old, new):
    result = wc.run(old=old, new=new)
    counts, moved = result.tables["counts"], result.tables["crossings"].reset_index()
    sign = moved["now"].map({"at or above": 1, "below": -1})
    net = sign.groupby(moved["year"]).sum().reindex(counts.index, fill_value=0)
    assert net.tolist() == counts["change"].tolist()
    assert set(moved["year"]) <= set(counts.index)


# --- SIPRI --------------------------------------------------------------------------------------


def test_sipri_revisions_to_the_year_before_the_newest():
    result = wc.run(dataset="sipri_milex")
    key = result.key_results
    assert (key["old"], key["new"], key["revised_year"]) == ("2025", "2026", 2024)
    old = _values("sipri_milex_2025.csv", "milex_lcu_current", 2024)
    new = _values("sipri_milex_2026.csv", "milex_lcu_current", 2024)
    both = set(old) & set(new)
    assert key["countries_compared"] == len(both) == 34
    assert key["countries_revised"] == sum(old[c] != new[c] for c in both) == 27
    # sipri_milex_2025.csv line 9198: LUX,Luxembourg,2024,milex_lcu_current,805800961.5967268
    # sipri_milex_2026.csv line 9667: LUX,Luxembourg,2024,milex_lcu_current,571689000.0 (estimate)
    lux = result.tables["revisions"].loc["Luxembourg"]
    assert (lux["old_lcu"], lux["new_lcu"]) == (805800961.5967268, 571689000.0)
    assert lux["revision_lcu_pct"] == pytest.approx(100 * (571689000.0 / 805800961.5967268 - 1))
    assert not lux["old_estimate"] and lux["new_estimate"]
    # share of GDP: 0.9626791570256221 (line 5123) -> 0.6633640549787028 (line 5327)
    assert lux["revision_pp"] == pytest.approx(0.6633640549787028 - 0.9626791570256221)
    assert result.title == (
        "SIPRI's 2026 release revised 27 of 34 countries' 2024 military expenditure in local "
        "currency; Luxembourg's most (-29.1%)"
    )
    assert plots.title_of(result.figures["revisions"]) == result.title


# --- Kiel ---------------------------------------------------------------------------------------


def test_kiel_defaults_compare_donor_totals_in_euros():
    result = wc.run(dataset="kiel_support")
    key = result.key_results
    # R30v2 (USD) has no earlier USD release; R29 gives totals only as % of GDP: R28 -> R30
    assert (key["old"], key["new"], key["unit"]) == ("R28", "R30", "billion EUR")
    old = _kiel_totals("kiel_support_r28.csv", "billion EUR")
    new = _kiel_totals("kiel_support_r30.csv", "billion EUR")
    # R30 rounds to 3 decimals: a change of at most 0.0005 bn EUR may be the rounding alone
    moved = [c for c in old if abs(new[c] - old[c]) > 0.0005 * (1 + 1e-6)]
    assert key["donors_compared"] == len(old) == 42 and key["donors_moved"] == len(moved) == 26
    totals = result.tables["donor_totals"]
    # kiel_support_r28.csv line 105: EU_INST ... allocation,total,bilateral,84.4252911857266
    # kiel_support_r30.csv line 14: EU_INST ... allocation,total,bilateral,95.275
    assert totals.index[0] == "EU_INST" and totals.at["EU_INST", "new_bilateral"] == 95.275
    assert totals.at["EU_INST", "change_bilateral"] == pytest.approx(95.275 - 84.4252911857266)
    # DEU: 25.294509050280748 (R28 line 135) -> 30.632 (R30 line 23)
    assert totals.at["DEU", "change_bilateral"] == pytest.approx(30.632 - 25.294509050280748)
    assert key["donors_down"] == sum(new[c] < old[c] for c in moved)
    assert result.title.startswith("From Kiel's R28 to R30 release, 26 of 42 donors' total")


def test_kiel_change_within_rounding_is_not_a_move():
    result = wc.run(dataset="kiel_support", top_n=40)
    totals = result.tables["donor_totals"]
    # USA: 115.38064937220787 (R28 line 385) -> 115.381 (R30 line 5), R30's three decimals
    assert totals.at["USA", "within_rounding"]
    # Austria: 0.8808354557486475 (R28 line 15) -> 0.256 (R30 line 266): a real move down
    assert not totals.at["AUT", "within_rounding"]
    assert totals.at["AUT", "change_bilateral"] == pytest.approx(0.256 - 0.8808354557486475)


def test_kiel_releases_without_money_in_common_compare_shares_of_gdp():
    result = wc.run(dataset="kiel_support", old="R29", new="R30")
    assert result.key_results["unit"] == "% of 2021 GDP"
    # kiel_support_r29.csv line 2: DNK ... allocation,total,bilateral,3.273931,% of 2021 GDP
    # kiel_support_r30.csv line 60: DNK ... allocation,total,bilateral,3.458,% of 2021 GDP
    denmark = result.tables["donor_totals"].loc["DNK"]
    assert (denmark["old_bilateral"], denmark["new_bilateral"]) == (3.273931, 3.458)


def test_an_imported_release_is_the_new_one(tmp_path):
    import_kiel(build_kiel(tmp_path / "r31"))  # a small R31 in Kiel's layout (test data)
    result = wc.run(dataset="kiel_support")
    key = result.key_results
    assert (key["old"], key["new"], key["unit"]) == ("R30", "R31", "% of 2021 GDP")
    totals = result.tables["donor_totals"]
    # R30 line 60: DNK 3.458 % of 2021 GDP; the small R31 says 3.2
    assert (totals.at["DNK", "old_bilateral"], totals.at["DNK", "new_bilateral"]) == (3.458, 3.2)
    # R30: DEU 0.85; R31 gives one decimal, 0.8: within its rounding
    assert totals.at["DEU", "within_rounding"] and key["donors_moved"] == 1
    assert "EU_INST" in key["only_old"]  # R31's shares cover EU members only
    weapons = wc.run(dataset="kiel_heavy_weapons", old="R29", new="R31")
    # kiel_heavy_weapons_r29.csv line 24: Germany, Tanks, 90, EUR 206,006,134; R31: 18 tanks
    rows = weapons.tables["revisions"].set_index(["iso3", "category", "quantity"])
    assert rows.at[("DEU", "Tanks", "number"), "old_value"] == 90
    assert rows.at[("DEU", "Tanks", "number"), "new_value"] == 18
    monthly = wc.run(dataset="kiel_support_monthly")
    assert (monthly.key_results["old"], monthly.key_results["new"]) == ("R29", "R31")
    # R29's months run to 2026-04, the small R31's from 2026-03: only those two months are in
    # both; of the 28 values both give, one is unchanged (the rest is added or removed)
    assert monthly.key_results["compared"] == monthly.key_results["revised"] + 1 == 28
    assert set(monthly.tables["revisions"]["month"].dt.strftime("%Y-%m")) <= {"2026-03", "2026-04"}


@pytest.mark.sources
def test_an_imported_nato_edition_is_read(tmp_path, monkeypatch):
    """NATO's own 2024 workbook imported: the report reads the imported edition, same figures."""
    bundled = wc.run(old="2024", new="2026").key_results
    monkeypatch.setenv("BURDENSHARE_DATA_HOME", str(tmp_path))
    import_workbook("nato", need_shared(RAW / "240617-def-exp-2024-TABLES-en.xlsx"))
    tables.reset_loaded()
    imported = wc.run(old="2024", new="2026").key_results
    origins = {(r.dataset, r.label): r.origin for r in tables.loaded()}
    assert origins[("nato_spending", "2024")] == "imported"
    assert origins[("nato_spending", "2026")] == "bundled"
    assert imported == bundled and imported["old_count"] == 23


# --- parameters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"dataset": "fx"}, "'dataset' = 'fx' is not valid. Choose one of: nato_spending"),
        ({"new": "1999"}, "'new' = '1999' is not valid. Choose one of: 2024, 2025, 2026, latest"),
        ({"old": "R28"}, "'old' = 'R28' is not valid"),
        ({"old": "2026", "new": "2026"}, "'old' and 'new' are both '2026'"),
        ({"old": "2026", "new": "2025"}, "'old' = '2026' comes after 'new' = '2025'"),
        (
            {"dataset": "kiel_support", "old": "R30", "new": "R30v2"},
            "'old' = 'R30' and 'new' = 'R30v2' of kiel_support have nothing in common",
        ),
        (
            {"dataset": "kiel_support", "old": "R28", "new": "R29"},
            "'old' = 'R28' and 'new' = 'R29' of kiel_support have nothing in common",
        ),
        (
            {"dataset": "kiel_support", "new": "R30v2"},
            "'old' = 'previous': no label of kiel_support before 'R30v2' shares a unit",
        ),
        ({"new": "2024"}, "'old' = 'previous': '2024' is the earliest label of nato_spending"),
        ({"dataset": "kiel_support_monthly"}, "has one release installed (R29)"),
        ({"top_n": 0}, "'top_n' = 0 is outside the valid range"),
        ({"top_n": 41}, "'top_n' = 41 is outside the valid range"),
        ({"top_n": True}, "'top_n' must be a whole number"),
        ({"new": 2026.0}, "'new' must be str"),
    ],
)
def test_bad_parameters_are_named(params, message):
    with pytest.raises(bs.ParameterError) as caught:
        wc.validate(**params)
    assert message in str(caught.value)


def test_labels_as_numbers_and_keywords():
    # papermill's -p new 2026 passes a number
    assert wc.validate(old=2024, new=2026)["old"] == "2024"
    assert wc.validate(old="2024")["new"] == "2026"
    assert wc.validate(new="2025") == {
        "dataset": "nato_spending",
        "old": "2024",
        "new": "2025",
        "top_n": 10,
        "unit": "% of GDP",
    }


@pytest.mark.parametrize("dataset", ["nato_spending", "sipri_milex", "kiel_support"])
def test_key_results_are_json_and_labelled(dataset):
    result = wc.run(dataset=dataset, top_n=3)
    key = result.key_results
    assert json.loads(json.dumps(key, allow_nan=False)) == key
    assert set(result.labels) <= set(key) and all("(" in v for v in result.labels.values())
    assert set(result.tables) <= set(wc.CAPTIONS)
    assert result.title.strip() and not any(
        isinstance(v, float) and math.isnan(v) for v in key.values()
    )
    status = result.tables["status"]
    assert int(status["revised"].sum()) == key["revised"]
    assert int(status["added"].sum()) == key["added"]


@given(
    st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1, max_size=30),
    st.integers(0, 6),
)
def test_rounding_found_is_never_finer_than_the_rounding_applied(values, places):
    rounded = pd.Series(np.round(values, places))
    found = wc.decimals(rounded)
    assert found is not None and found <= places
    rows = pd.DataFrame({"status": "revised", "old_value": pd.Series(values), "new_value": rounded})
    # the coarser label decides: a change no larger than half its last decimal is rounding
    tolerance = wc.rounding(rows)
    assert tolerance >= 0.5 * 10.0**-places
    assert not wc.beyond(rounded - pd.Series(values), tolerance).any()
