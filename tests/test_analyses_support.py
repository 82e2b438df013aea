"""Analyses behind the support, opinion and briefing notebooks: key results against the library
and published figures (../shared/sources/support/SOURCES.md: US cumulative allocations EUR 115 bn,
of which military EUR 64.6 bn, R28/R30)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare import plots
from burdenshare.analyses import accession_opinion, commitments_briefing, ukraine_support_flows
from burdenshare.editions import editions, last_day
from burdenshare.tables import loaded, reset_loaded
from tests import examples


def test_support_flows_defaults_match_kiel_and_library():
    result = ukraine_support_flows.run()
    key = result.key_results
    assert key["top_donor"] == "USA"
    assert round(key["us_bn"]) == 115  # Kiel press: "115 billion from the US"
    support = bs.load_support("R30", "EUR")
    bilateral = support[
        (support.measure == "allocation")
        & (support.scope == "bilateral")
        & support.aid_type.isin(["military", "financial", "humanitarian"])
    ]
    assert key["total_bn"] == pytest.approx(bilateral["value"].sum(), abs=1e-3)
    totals = bilateral.groupby("iso3")["value"].sum()
    conc = bs.metrics.support.concentration(totals, 5)
    assert key["hhi"] == pytest.approx(conc["hhi"], abs=1e-3)
    regions = bs.metrics.support.by_region(bilateral)
    europe = regions.loc[regions.region == "Europe", "value"].sum()
    assert key["europe_bn"] == pytest.approx(europe, abs=1e-3)
    assert key["europe_share_pct"] > 50
    # 13 PURL rows as first reported, of which 3 are donors' parts of the DK-NO-SE package
    assert key["purl_packages"] == 10


def test_support_flows_military_only_per_gdp():
    result = ukraine_support_flows.run(
        release="R28", measure="allocation", aid_types=["military"], donors=[], per_gdp=True
    )
    key = result.key_results
    assert key["ranking_unit"] == "% of 2021 GDP"
    support = bs.load_support("R28", "EUR")
    gdp = bs.load_donor_gdp("R28").set_index("iso3")["value"]
    mil = support[
        (support.measure == "allocation")
        & (support.scope == "bilateral")
        & (support.aid_type == "military")
    ].set_index("iso3")["value"]
    share = (100 * mil / gdp).dropna().sort_values(ascending=False)
    assert key["top_donor"] == share.index[0]
    assert key["top_value"] == pytest.approx(share.iloc[0], abs=1e-4)
    assert round(key["us_bn"], 1) == 64.6  # Kiel press: US military EUR 64.6 bn


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"release": "R29"}, "'release' = 'R29'.*R28, R30, R30v2"),
        ({"measure": "pledge"}, "'measure'.*allocation, commitment"),
        ({"measure": "commitment"}, "'aid_types': release R30 has commitment figures only"),
        ({"aid_types": ["tanks"]}, "'aid_types'.*military"),
        ({"donors": ["XYZ"]}, "'donors'.*AUS"),
        ({"per_gdp": "yes"}, "'per_gdp' must be True or False"),
    ],
)
def test_support_flows_bad_parameters(params, match):
    with pytest.raises(bs.ParameterError, match=match):
        ukraine_support_flows.validate(**params)


def test_accession_opinion_defaults_show_support_rising_and_expectation_falling():
    """Issue 13: by default both series, side by side, each like with like, titled honestly."""
    result = accession_opinion.run()
    key = result.key_results
    gallup = bs.load_opinion(pollster="Gallup", measure="expect_nato_within_10y")
    within = gallup[gallup.answer_option == "within next 10 years"].sort_values("fieldwork_from")
    assert (key["compare_pollster"], key["compare_base"]) == ("Gallup", "all_respondents")
    assert key["compare_first_share_pct"] == within["share_pct"].iloc[0] == 64
    assert key["compare_last_share_pct"] == within["share_pct"].iloc[-1] == 32
    assert key["change_pp"] > 0 > key["compare_change_pp"]
    assert "rose from 51%" in result.title and "fell from 64% (2022) to 32% (2025)" in result.title
    figure = result.figures["over_time"]
    assert len(figure.axes) == 2 and plots.title_of(figure) == result.title
    assert list(result.tables) == ["waves", "compare_waves"]
    single = accession_opinion.run(compare_pollster="")
    assert (
        len(single.figures["over_time"].axes) == 1 and "compare_pollster" not in single.key_results
    )


def test_accession_opinion_like_with_like():
    key = accession_opinion.run("Rating Group", "referendum_vote_nato").key_results
    polls = bs.load_opinion(
        pollster="Rating Group", measure="referendum_vote_nato", base="all_respondents"
    )
    yes = polls[polls.answer_option == "for"].sort_values("fieldwork_from")
    assert key["base"] == "all_respondents"
    assert key["headline_answer"] == "for"
    assert key["first_share_pct"] == yes["share_pct"].iloc[0]
    assert key["last_share_pct"] == yes["share_pct"].iloc[-1]
    assert key["max_share_pct"] == yes["share_pct"].max()
    assert key["waves"] == polls["poll_id"].nunique()
    gallup = accession_opinion.run("Gallup", "expect_nato_within_10y").key_results
    assert gallup["headline_answer"] == "within next 10 years"
    assert gallup["change_pp"] < 0


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"pollster": "YouGov"}, "'pollster'.*Gallup"),
        ({"pollster": "Gallup", "measure": "referendum_vote_nato"}, "'measure'.*expect_nato"),
        ({"base": "everyone"}, "'base'.*auto, all_respondents"),
        ({"compare_pollster": "YouGov"}, "'compare_pollster' = 'YouGov'"),
        ({"compare_measure": "referendum_vote_nato"}, "'compare_measure'.*expect_nato"),
        ({"compare_pollster": None}, "'compare_pollster' must be str"),
    ],
)
def test_accession_opinion_bad_parameters(params, match):
    with pytest.raises(bs.ParameterError, match=match):
        accession_opinion.validate(**params)


def test_commitments_briefing_statements_from_data():
    result = commitments_briefing.run("2025-12-31", "as_revised")
    key = result.key_results
    panel = bs.spending_panel("2026")
    assert (
        key["allies_at_core"]
        == bs.compliance(panel, "hague_core_3_5", years=2025).loc[2025, "count"]
    )
    assert key["hague_core_pct"] == bs.target_value("hague_core_3_5")
    assert (
        key["baseline_eur_bn"]
        == bs.load_targets().set_index("target_id").at["washington_ukraine_baseline", "value"]
    )
    assert (key["nordic_package_amount"], key["nordic_package_currency"]) == (500.0, "USD")
    assert key["least_relative_to_gdp"][0] == "TUR"
    statements = result.tables["statements"]
    assert len(statements) == 7 and statements["source"].str.len().gt(0).all()
    assert statements.index[0] == "Vintage"
    assert key["allies_at_core_with_support"] >= key["allies_at_core_without_support"]


def test_commitments_briefing_as_of_leaves_out_later_facts():
    early = commitments_briefing.run("2025-08-04", "as_revised").key_results
    late = commitments_briefing.run("2025-12-31", "as_revised").key_results
    assert early["purl_packages"] == 1  # only the Netherlands' package of 4 August 2025
    assert late["purl_packages"] > early["purl_packages"]
    assert early["support_year"] == 2024 and late["support_year"] == 2025


def test_a_dated_briefing_compares_like_years_and_states_its_vintage():
    """6 August 2025: as known then, NATO's 2024 edition (published 17 June 2024) and no Kiel
    release; as revised since, the 2026 edition's 2025 count beside the 2024 count with 2024
    aid (1 -> 2), never a 2025 count beside 2024 aid."""
    known = commitments_briefing.run("2025-08-06")  # the default vintage: as known
    key = known.key_results
    assert (key["vintage"], key["edition"], key["year"]) == ("as_known", "2024", 2024)
    assert key["allies_at_core_list"] == ["POL"] and key["support_release"] is None
    assert known.title == (
        "1 of 32 allies was at the Hague 3.5% core level in 2024; Ukraine support not counted "
        "(no Kiel flows public by then are installed) (data as known on 6 August 2025)"
    )
    vintage = known.tables["statements"].at["Vintage", "statement"]
    assert "nato_spending 2024 (public by 17 June 2024)" in vintage
    assert "Not yet available: Kiel Ukraine Support Tracker" in vintage
    revised = commitments_briefing.run("2025-08-06", "as_revised")
    key = revised.key_results
    assert (key["edition"], key["year"], key["support_year"]) == ("2026", 2025, 2024)
    assert revised.title == (
        "4 of 32 allies were at the Hague 3.5% core level in 2025; in 2024, counting that "
        "year's military aid to Ukraine moves the count from 1 to 2 (an upper bound) (data as "
        "revised since, NATO 2026 edition)"
    )
    # 31 December 2025, as known: NATO's 2025 edition, which has no 2025 figure for Germany
    end = commitments_briefing.run("2025-12-31").key_results
    assert (end["edition"], end["allies_at_core"], end["allies_without_figure"]) == (
        "2025",
        3,
        ["DEU"],
    )


_SPAN = commitments_briefing.span()


@given(
    day=st.dates(_SPAN[0], _SPAN[1]),
    vintage=st.sampled_from(commitments_briefing.VINTAGES),
)
@example(day=dt.date(2026, 8, 3), vintage="as_known")  # the day before R29 was public
@example(day=dt.date(2026, 8, 4), vintage="as_known")
@example(day=dt.date(2026, 7, 9), vintage="as_known")  # the day before NATO's 2026 edition
@example(day=dt.date(2025, 8, 26), vintage="as_known")
@settings(max_examples=examples(20), deadline=None)
def test_an_as_known_briefing_never_reads_what_was_published_after_its_date(day, vintage):
    reset_loaded()
    result = commitments_briefing.run(day.isoformat(), vintage)
    key = result.key_results
    reads = loaded()
    assert reads
    if vintage == "as_known":
        for read in reads:
            if read.dataset in commitments_briefing.ROW_DATED:
                continue  # read row by row: checked below
            published = editions(read.dataset)[read.label].published
            assert published is not None and published <= day, (read, day)
        polls = bs.load_opinion(pollster="Gallup", measure="expect_nato_within_10y")
        if "confidence_last" in key:
            last = key["confidence_last"].split(":")[0]
            dates = polls.loc[polls["fieldwork_start"] == last, "published"]
            assert all(last_day(d) <= day for d in dates)
    # like years: a count beside aid of another year is that year's own count
    if key.get("support_year") is not None and key["support_year"] != key["year"]:
        assert f"in {key['support_year']}, counting that year's military aid" in result.title
    else:
        assert "that year's" not in result.title
    assert ("data as known on" in result.title) == (vintage == "as_known")


@pytest.mark.parametrize(
    ("as_of", "match"),
    [("2020-01-01", "'as_of'.*2025-06-25 to 2026-12-31"), ("soon", "'as_of'.*YYYY-MM-DD")],
)
def test_commitments_briefing_bad_dates(as_of, match):
    with pytest.raises(bs.ParameterError, match=match):
        commitments_briefing.validate(as_of)
