"""Analyses behind the spending notebooks: key results against the library and published figures.

Published figures: ../shared/sources/nato/SOURCES.md cross-check table (NATO 2024 edition: 23
allies at 2% in 2024; 2025 edition: Poland 4.48% and the NATO average 2.76% in 2025; 2026
edition: Sweden 3.22% of GDP and 25.41% on equipment in 2026).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import plots
from burdenshare.analyses import (
    alliance_overview,
    burden_sharing,
    country_profile,
    hague_2035_pathways,
    png_bytes,
)


def _json_roundtrip(data: dict) -> dict:
    return json.loads(json.dumps(data, allow_nan=False))


def test_alliance_overview_2024_edition_matches_nato_count_of_23():
    result = alliance_overview.run(year=2024, edition="2024", targets=["wales_2pct"])
    key = result.key_results
    assert key["count_wales_2pct"] == 23
    assert key["headline"].startswith("23 of 32 allies met Wales 2% in 2024")
    assert result.title == key["headline"] == plots.title_of(result.figures["league"])
    direct = bs.compliance(bs.spending_panel("2024"), "wales_2pct", years=2024).loc[2024]
    assert key["allies_wales_2pct"] == list(direct["allies"])


def test_alliance_overview_2025_edition_published_figures():
    result = alliance_overview.run(year=2025, edition="2025")
    key = result.key_results
    assert round(key["nato_total_share_gdp_pct"], 2) == 2.76
    league = result.tables["league"]
    assert league.loc["Poland", "share_gdp_pct"] == 4.48
    assert league.loc["Poland", "rank"] == 1
    # the 2025 edition has no GDP table: no money gap, and a note saying so
    assert key["money_gap_usd_m_wales_2pct"] is None
    assert any("no GDP table" in n for n in result.notes)
    assert key["no_data"] == ["DEU", "ISL"]


def test_alliance_overview_defaults_against_metrics():
    result = alliance_overview.run()
    key = _json_roundtrip(result.key_results)
    panel = bs.spending_panel("2026")
    for target in ("wales_2pct", "hague_core_3_5", "hague_total_5"):
        comp = bs.compliance(panel, target, years=2025).loc[2025]
        assert key[f"count_{target}"] == comp["count"]
        gap = bs.target_gap(panel, target, years=2025)["gap_usd_current_m"]
        assert key[f"money_gap_usd_m_{target}"] == pytest.approx(gap[gap > 0].sum(), abs=1e-3)
    split = bs.us_vs_europe_canada(panel, 2025)
    assert key["us_spending_share_pct"] == pytest.approx(
        split.loc[2025, ("USA", "spending_share_pct")], abs=1e-4
    )
    assert png_bytes(result.figures["league"]).startswith(b"\x89PNG")


def test_alliance_overview_says_the_hague_5_percent_is_a_bound_wherever_it_is_shown():
    """The 2026 edition publishes core only: Estonia and Lithuania (5.10, 5.33) meet 5% in 2026
    on core alone; the count is a lower bound and the money gap an upper bound, in the key
    result labels (the report index), the table, the figures and the headline."""
    result = alliance_overview.run(year=2026, targets=["hague_total_5", "wales_2pct"])
    key = result.key_results
    assert key["allies_hague_total_5"] == ["EST", "LTU"]
    assert result.title == key["headline"] == plots.title_of(result.figures["league"])
    assert key["headline"].startswith("At least 2 of 32 allies met Hague 5% in 2026 on core")
    assert "lower bound" in result.labels["count_hague_total_5"]
    assert "upper bound" in result.labels["money_gap_usd_m_hague_total_5"]
    assert "upper bound" not in result.labels["money_gap_usd_m_wales_2pct"]
    assert "upper bound" in result.headers["gap_usd_bn_hague_total_5"]
    assert "upper bound" in result.tables["targets"].at["Hague 5%", "reading"]
    assert result.tables["targets"].at["Wales 2%", "reading"] == "exact"
    assert "Hague 5% (core alone, at least)" in result.tables["compliance_over_time"].columns


def test_alliance_overview_money_gap_is_on_current_prices():
    """Netherlands 2026 (2026 edition): 3.5% of current GDP minus current spending, US$17.4 bn."""
    result = alliance_overview.run(year=2026, targets=["hague_core_3_5"])
    league = result.tables["league"]
    assert league.loc["Netherlands", "gap_usd_bn_hague_core_3_5"] == pytest.approx(17.38)


def test_alliance_overview_takes_targets_as_numbers():
    """The README's ``-y 'targets: [2, 3.5, 5]'``: numbers in % of GDP work like target ids."""
    result = alliance_overview.run(targets=[2, 3.5, 5])
    key = result.key_results
    panel = bs.spending_panel("2026")
    for number, suffix in ((2, "2pct"), (3.5, "3_5pct"), (5, "5pct")):
        assert key[f"count_{suffix}"] == bs.compliance(panel, number, years=2025).at[2025, "count"]
    assert key["count_2pct"] == alliance_overview.run().key_results["count_wales_2pct"]
    assert list(result.tables["targets"].index) == ["2%", "3.5%", "5%"]


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"year": 2030}, "'year'.*2014 to 2026"),
        ({"edition": "1999"}, "'edition'.*2024, 2025, 2026"),
        ({"targets": ["two_percent"]}, "'targets'.*wales_2pct"),
        ({"targets": []}, "'targets' is empty"),
        ({"year": "2025"}, "'year' must be a year such as 2026"),
        ({"targets": [2, float("nan")]}, r"'targets\[1\]' = nan is not a finite number"),
    ],
)
def test_alliance_overview_bad_parameters(params, match):
    with pytest.raises(bs.ParameterError, match=match):
        alliance_overview.validate(**params)


def test_country_profile_sweden_matches_published_2026_edition():
    key = country_profile.run(country="SWE", start_year=2014, end_year=2026).key_results
    assert round(key["share_end_pct"], 2) == 3.22
    assert round(key["equipment_share_end_pct"], 2) == 25.41
    assert key["estimate_end"] is True


def test_country_profile_against_library():
    result = country_profile.run(country="DEU", start_year=2018, end_year=2024)
    key = result.key_results
    panel = bs.spending_panel("2026")
    assert key["share_end_pct"] == pytest.approx(panel.at[("DEU", 2024), "defexp_share_gdp_pct"])
    assert key["real_cagr_pct"] == pytest.approx(bs.cagr(panel, 2018, 2024)["DEU"], abs=1e-4)
    # the pathway assumes the Hague pathways report's GDP growth (1.5% a year), stated beside it
    summary = bs.pathway_summary(
        panel, "hague_core_3_5", 2035, gdp_growth=0.015, start_year=2024, countries="DEU"
    ).loc["DEU"]
    assert key["required_real_growth_pct"] == pytest.approx(
        summary["required_real_growth_pct"], abs=1e-4
    )
    assert key["gdp_growth_pct"] == pytest.approx(1.5)
    assert "(GDP +1.5%/yr)" in plots.title_of(result.figures["pathway"])
    sipri = bs.load_sipri()
    row = sipri[
        (sipri.iso3 == "DEU") & (sipri.year == 2024) & (sipri.indicator == "milex_share_gdp_pct")
    ]
    assert key["sipri_last_share_pct"] == pytest.approx(float(row["value"].iloc[0]), abs=1e-4)
    assert list(result.tables["history"].index) == list(range(2018, 2025))
    assert plots.title_of(result.figures["share_of_gdp"]).startswith("Germany's defence spending")


def test_country_profile_support_section_matches_kiel():
    key = country_profile.run(country="USA").key_results
    # Kiel press (data to Feb 2025): US total 115 bn EUR, military EUR 64.6 bn (support SOURCES.md)
    assert round(key["support_total_eur_bn"]) == 115
    assert round(key["support_military_eur_bn"], 1) == 64.6
    dnk = country_profile.run(country="DNK").key_results
    assert dnk["pledge_ids"] == ["P002", "P003", "P008"]


def test_country_profile_iceland_has_no_nato_figure_but_a_profile():
    """Iceland has no armed forces: no NATO share, gap or pathway; SIPRI and support remain."""
    result = country_profile.run(country="ISL")
    key = result.key_results
    assert key["nato_figures"] is False and key["share_end_pct"] is None
    assert "gaps" not in result.tables and "pathway" not in result.figures
    sipri = bs.load_sipri()
    row = sipri[(sipri.iso3 == "ISL") & (sipri.indicator == "milex_share_gdp_pct")]
    last = row.sort_values("year").iloc[-1]
    assert (key["sipri_last_year"], key["sipri_last_share_pct"]) == (last["year"], last["value"])
    assert "P008" in key["pledge_ids"]  # the Nordic-Baltic PURL package of November 2025


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"country": "XYZ"}, "'country' = 'XYZ'.*POL"),
        ({"country": "RUS"}, "'country' = 'RUS'.*USA"),
        ({"start_year": 2010}, "'start_year'.*2014 to 2026"),
        ({"start_year": 2020, "end_year": 2019}, "'start_year' \\(2020\\) must not be after"),
        ({"end_year": 2015}, "'end_year' = 2015 is too early"),
    ],
)
def test_country_profile_bad_parameters(params, match):
    with pytest.raises(bs.ParameterError, match=match):
        country_profile.validate(**params)


def test_hague_pathways_against_library():
    result = hague_2035_pathways.run()
    key = result.key_results
    panel = bs.spending_panel("2026")
    summary = bs.pathway_summary(panel, "hague_core_3_5", 2035, gdp_growth=0.015)
    assert key["allies"] == len(summary) == 31
    assert key["allies_below_core"] == 26 and key["allies_already_there"] == 5
    # a verdict counts only where the 1-, 3- and 5-year windows agree
    windows = {
        w: bs.pathway_summary(panel, "hague_core_3_5", 2035, gdp_growth=0.015, recent_years=w)
        for w in (1, 3, 5)
    }
    below = summary.index[summary["start_share_pct"] < 3.5]
    agree = pd.DataFrame({w: s.loc[below, "on_track"] for w, s in windows.items()})
    assert key["allies_on_track"] == int(agree.all(axis=1).sum()) == 9
    assert key["allies_off_track_count"] == int((~agree).all(axis=1).sum()) == 3
    assert key["allies_depends_on_window"] == 26 - 9 - 3
    assert key["on_track_by_window"] == {"1y": 11, "3y": 21, "5y": 20}
    table = result.tables["window_sensitivity"]
    assert list(table["on track"]) == [11, 21, 20, 9, 9, 8]  # GDP +1.5%/yr, then +1% and +2%
    assert table.index[-1] == "every window (1, 3 and 5), GDP +2%/yr"
    # Spain: +2.2% in 2026 against 8.0% needed, on track only over windows holding 2025's jump
    assert key["verdict"]["ESP"] == "depends on the window"
    assert key["required_real_growth_pct"]["ESP"] == pytest.approx(8.01, abs=0.005)
    assert result.title.startswith("3.5% by 2035: of 26 allies below it, 9 grow fast enough")
    assert "1, 3 and 5 years" in result.title and "5 are there already" in result.title
    assert key["extra_core_usd_constant_m"] == pytest.approx(
        summary["cumulative_extra_usd_constant_m"].sum(), rel=1e-9
    )
    draws = np.random.default_rng(2035).normal(0.015, 0.005, 2000)
    fan = bs.pathway_fan(panel, "hague_core_3_5", 2035, gdp_growth=draws)
    p50 = fan[("spending_usd_constant_m", "p50")].xs(2035, level="year").sum() / 1000
    assert key["spending_by_year_p50_usd_bn"] == pytest.approx(p50, abs=1e-3)
    # with one draw shared by all allies, the sum of per-ally medians is the median of the sum
    shared = np.sort(draws)
    per_draw = [
        bs.pathway(panel, "hague_core_3_5", 2035, gdp_growth=float(g))["spending_usd_constant_m"]
        .xs(2035, level="year")
        .sum()
        for g in (shared[999], shared[1000])
    ]
    assert p50 * 1000 == pytest.approx(np.mean(per_draw), rel=1e-9)


def test_hague_pathways_ukraine_support_raises_start_shares():
    plain = hague_2035_pathways.run(draws=100).key_results
    counted = hague_2035_pathways.run(draws=100, count_ukraine_support=True).key_results
    assert counted["ukraine_support_year"] == 2025
    assert all(v >= 0 for v in counted["ukraine_support_added_pp"].values())
    assert counted["extra_core_usd_constant_m"] < plain["extra_core_usd_constant_m"]
    assert counted["allies_below_core"] <= plain["allies_below_core"]


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"core_target": "hague_4"}, "'core_target'.*hague_core_3_5"),
        ({"by_year": 2026}, "'by_year'"),
        ({"draws": 0}, "'draws'"),
        ({"gdp_growth": "2%"}, "'gdp_growth' must be"),
        ({"count_ukraine_support": 1}, "'count_ukraine_support' must be True or False"),
        ({"draws": 10**7}, "'draws' = 10000000 is outside the valid range"),
        ({"by_year": 10**7}, "'by_year' = 10000000 is outside the valid range.*2100"),
        ({"gdp_growth": float("inf")}, "'gdp_growth' = inf is not a finite number"),
        ({"seed": -1}, "'seed' = -1 is outside the valid range"),
    ],
)
def test_hague_pathways_bad_parameters(params, match):
    with pytest.raises(bs.ParameterError, match=match):
        hague_2035_pathways.validate(**params)


def test_burden_sharing_against_library():
    result = burden_sharing.run(start_year=2014, end_year=2026)
    key = result.key_results
    panel = bs.spending_panel("2026")
    split = bs.us_vs_europe_canada(panel, [2014, 2026])
    assert key["eur_can_index_2014"] == pytest.approx(
        split.loc[2014, ("EUR_CAN", "burden_index")], abs=1e-4
    )
    shares = bs.burden_shares(panel, 2026).xs(2026, level="year")
    assert key["count_above_weight"] == int((shares["burden_index"] > 1).sum())
    assert key["top_index_ally"] == shares["burden_index"].idxmax()
    table = result.tables["index_with_ukraine_support"]
    # counting Europe's larger share of military aid raises its index and lowers the US one
    assert (table["Europe and Canada index, with support"] > table["Europe and Canada index"]).all()
    assert key["support_years"] == [2022, 2023, 2024, 2025]


def test_burden_sharing_span_before_the_war_has_no_support_table():
    result = burden_sharing.run(start_year=2015, end_year=2020)
    assert "index_with_ukraine_support" not in result.tables
    assert isinstance(result.tables["us_vs_europe_canada"], pd.DataFrame)
    with pytest.raises(bs.ParameterError, match="'end_year'"):
        burden_sharing.validate(start_year=2014, end_year=2031)
