"""Spending metrics against figures NATO published (../shared/sources/nato/SOURCES.md) and
against the algebra (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.metrics import Basis


@pytest.fixture(scope="module")
def panels() -> dict[str, pd.DataFrame]:
    return {
        e: bs.spending_panel(edition=e, include_aggregates=True) for e in ("2024", "2025", "2026")
    }


# --- compliance: NATO's own counts ---------------------------------------------------------------


def test_2024_edition_23_allies_at_2_percent_in_2024(panels):
    """NATO, June 2024: 23 allies expected to meet 2% in 2024 (Iceland publishes no figure)."""
    row = bs.compliance(panels["2024"], "wales_2pct").loc[2024]
    assert row["count"] == 23
    assert row["members"] == 32
    assert row["no_data"] == ("ISL",)
    assert set(row["below"]) >= {"ESP", "HRV"}  # published 1.28 and 1.81 (cross-check 6)
    assert "NATO_TOTAL" not in row["allies"] + row["below"]


def test_2025_edition_every_reporting_ally_at_2_percent_in_2025(panels):
    """NATO, Aug 2025: all allies reach 2% in 2025 except Iceland; no figure for Germany."""
    row = bs.compliance(panels["2025"], 2).loc[2025]
    assert row["below"] == ()
    assert row["no_data"] == ("DEU", "ISL")
    assert row["count"] == row["reporting"] == 30
    assert {"ESP", "ITA", "CAN"} <= set(row["allies"])  # published 2.00, 2.01, 2.01 (check 10)


def test_compliance_counts_only_members_of_that_year(panels):
    table = bs.compliance(panels["2024"], "vilnius_2pct")
    assert table.loc[2022, "members"] == 30  # before Finland (2023) and Sweden (2024)
    assert "SWE" not in table.loc[2023, "allies"] + table.loc[2023, "below"]
    assert (table["count"] + table["below"].map(len) == table["reporting"]).all()


def test_compliance_by_target_name_equals_number(panels):
    by_name = bs.compliance(panels["2026"], "hague_core_3_5")
    by_number = bs.compliance(panels["2026"], 3.5)
    pd.testing.assert_frame_equal(by_name, by_number)
    assert by_name.loc[2026, "count"] < bs.compliance(panels["2026"], 2).loc[2026, "count"]


# --- share of GDP recomputed vs published -------------------------------------------------------


@pytest.mark.parametrize("edition", ["2024", "2026"])
def test_share_of_real_gdp_reproduces_nato_table_3(panels, edition):
    """NATO's Table 3 share (of real GDP) from constant US$ spending / GDP, within 0.05 pp,
    allies and aggregates alike."""
    panel = panels[edition]
    share = bs.share_of_gdp(panel, "defexp_usd_constant_m", "gdp_usd_constant_m")
    published = panel["defexp_share_gdp_pct"]
    both = pd.concat([share, published], axis=1).dropna()
    assert len(both) >= 300
    assert (both.iloc[:, 0] - both.iloc[:, 1]).abs().max() < 0.05


def test_share_of_current_gdp_matches_published_for_poland_2024():
    panel = bs.spending_panel(edition="2024")
    share = bs.share_of_gdp(panel)
    assert share[("POL", 2024)] == pytest.approx(4.12, abs=0.05)  # cross-check 5


# --- target gap --------------------------------------------------------------------------------


def test_target_gap_pp_uses_published_share(panels):
    gap = bs.target_gap(panels["2025"], "wales_2pct", years=2025)
    assert round(gap.loc[("POL", 2025), "gap_pp"], 2) == pytest.approx(2 - 4.48)
    assert gap["gap_usd_current_m"].isna().all()  # the 2025 edition has no GDP table


def test_target_gap_money_is_target_minus_share_times_gdp(panels):
    panel = panels["2026"]
    gap = bs.target_gap(panel, "hague_core_3_5", years=[2025, 2026], countries=["DEU", "POL"])
    row = gap.loc[("DEU", 2026)]
    gdp = panel.loc[("DEU", 2026), "gdp_usd_current_m"]
    assert row["gap_usd_current_m"] == pytest.approx((3.5 - row["share_pct"]) / 100 * gdp)
    assert row["currency"] == "EUR"
    rate = (
        panel.loc[("POL", 2026), "defexp_ncu_current_m"]
        / panel.loc[("POL", 2026), "defexp_usd_current_m"]
    )
    pol = gap.loc[("POL", 2026)]
    assert pol["gap_ncu_current_m"] == pytest.approx(pol["gap_usd_current_m"] * rate)
    assert pol["gap_pp"] < 0  # Poland is above 3.5%
    assert set(gap.index.get_level_values("iso3")) == {"DEU", "POL"}


def test_target_gap_works_on_the_long_frame():
    long = bs.load_spending(edition="2026")
    gap_long = bs.target_gap(long, "hague_total_5", years=2026)
    gap_panel = bs.target_gap(bs.spending_panel(edition="2026"), 5, years=2026)
    pd.testing.assert_frame_equal(gap_long, gap_panel.loc[gap_long.index], check_dtype=False)


# --- real growth, per capita, equipment, movers -------------------------------------------------


def test_real_growth_reproduces_nato_real_change_2024_edition(panels):
    """NATO's "annual real change" (Table 3) from constant-price spending."""
    panel = panels["2024"]
    growth = bs.real_growth(panel, "defexp_ncu_constant_m")
    published = panel["defexp_real_change_pct"]
    both = pd.concat([growth, published], axis=1).dropna()
    assert len(both) >= 300
    assert (both.iloc[:, 0] - both.iloc[:, 1]).abs().max() < 0.005


def test_cagr_equals_compounded_published_real_change(panels):
    panel = panels["2024"]
    rate = bs.cagr(panel, 2014, 2024, "defexp_usd_constant_m")
    change = panel["defexp_real_change_pct"].xs("POL", level="iso3").loc[2015:2024]
    expected = 100 * (np.prod(1 + change / 100) ** (1 / 10) - 1)
    assert rate["POL"] == pytest.approx(expected, rel=1e-9)


def test_per_capita_reproduces_nato_table_6(panels):
    panel = panels["2024"]
    mine = bs.per_capita(panel)
    published = panel["defexp_per_capita_constant_usd"]
    both = pd.concat([mine, published], axis=1).dropna()
    assert len(both) >= 300
    assert ((both.iloc[:, 0] / both.iloc[:, 1]) - 1).abs().max() < 1e-6


def test_equipment_share_against_20_percent(panels):
    table = bs.equipment_share(panels["2025"], "wales_20pct_equipment", years=2025)
    assert table.loc[("SWE", 2025), "share_pct"] == pytest.approx(35.83, abs=0.005)  # check 15
    assert bool(table.loc[("SWE", 2025), "meets"]) is True
    assert (table["target_pct"] == 20).all()
    assert not table.index.get_level_values("iso3").isin(["NATO_TOTAL", "ISL"]).any()


def test_movers_poland_tops_2025_and_baltics_rose_most(panels):
    """Polskie Radio (Aug 2025): Poland tops NATO at 4.48% of GDP; Lithuania 4.00 second."""
    table = bs.movers(panels["2025"], 2014, 2025)
    assert table.loc["POL", "rank_end"] == 1
    assert table.loc["LTU", "rank_end"] == 2
    assert table.index[0] == "LTU"  # 0.88% -> 4.00%: the biggest rise
    assert {"FIN", "SWE"} <= set(table.index)  # ranked although they joined later
    assert "NATO_TOTAL" not in table.index


# --- units and parameters ------------------------------------------------------------------------


def test_current_with_constant_prices_raises(panels):
    with pytest.raises(bs.UnitError, match="constant vs current prices"):
        bs.share_of_gdp(panels["2026"], "defexp_usd_constant_m", "gdp_usd_current_m")


def test_eur_with_usd_raises():
    long = bs.load_spending(edition="2026")
    spend = long[long.indicator == "defexp_usd_current_m"].copy()
    spend["unit"], spend["currency"] = "million EUR", "EUR"
    mixed = pd.concat([spend, long[long.indicator == "gdp_usd_current_m"]])
    with pytest.raises(bs.UnitError, match="currency EUR vs USD"):
        bs.share_of_gdp(mixed)


def test_one_indicator_in_two_currencies_raises():
    long = bs.load_spending(edition="2026")
    spend = long[long.indicator == "defexp_usd_current_m"].copy()
    spend.loc[spend.iso3 == "DEU", "currency"] = "EUR"
    with pytest.raises(bs.UnitError, match="currenc"):
        bs.share_of_gdp(pd.concat([spend, long[long.indicator == "gdp_usd_current_m"]]))


def test_mixed_editions_or_price_bases_raise():
    with pytest.raises(bs.ParameterError, match="one edition"):
        bs.target_gap(bs.load_spending(edition="all"))
    a = bs.load_spending(edition="2024")
    b = bs.load_spending(edition="2026")
    mixed = pd.concat([a[a.year < 2020], b[b.year >= 2020]])
    with pytest.raises(bs.UnitError, match="price base years"):
        bs.real_growth(mixed)


def test_national_currency_growth_on_a_user_panel_with_explicit_units():
    panel = pd.DataFrame(
        {"spend": [100.0, 110.0]},
        index=pd.MultiIndex.from_tuples([("POL", 2024), ("POL", 2025)], names=["iso3", "year"]),
    )
    panel.attrs["units"] = {"spend": Basis("million PLN", "current", None, "PLN")}
    with pytest.raises(bs.UnitError, match="constant-price"):
        bs.real_growth(panel, "spend")
    panel.attrs["units"]["spend"] = Basis("million PLN", "constant", 2021, "PLN")
    assert bs.real_growth(panel, "spend")[("POL", 2025)] == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: bs.compliance(p, "wales_3pct"), "Unknown target 'wales_3pct'"),
        (lambda p: bs.compliance(p, "wales_20pct_equipment"), "not expressed in '% of GDP'"),
        (lambda p: bs.compliance(p, 2, years=1990), "1990 is outside the data"),
        (lambda p: bs.target_gap(p, countries=["XYZ"]), "Unknown country 'XYZ'"),
        (lambda p: bs.cagr(p, 2024, 2014), "must be before"),
        (lambda p: bs.share_of_gdp(p, "defexp_usd_current_m", "gdp_eur"), "no column 'gdp_eur'"),
        (lambda p: bs.equipment_share(p, 2.0 + 200), "'target' = 202.0 is outside the valid range"),
    ],
)
def test_bad_parameters_say_what_to_do(panels, call, message):
    with pytest.raises(bs.ParameterError, match=message):
        call(panels["2026"])


def test_metrics_do_not_modify_their_input(panels):
    panel = panels["2026"]
    before = panel.copy()
    bs.target_gap(panel)
    bs.compliance(panel)
    bs.movers(panel, 2014, 2026)
    pd.testing.assert_frame_equal(panel, before)


# --- properties ------------------------------------------------------------------------------------


def _series_panel(values: list[float], column: str, basis: Basis) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([["POL"], range(2000, 2000 + len(values))])
    panel = pd.DataFrame({column: values}, index=index.set_names(["iso3", "year"]))
    panel.attrs["units"] = {column: basis}
    return panel


CONSTANT = Basis("million US$", "constant", 2021, "USD")


@given(st.floats(0.1, 1e7), st.integers(2, 15))
def test_cagr_of_a_constant_series_is_zero(level, years):
    panel = _series_panel([level] * years, "x", CONSTANT)
    assert bs.cagr(panel, 2000, 1999 + years, "x")["POL"] == pytest.approx(0.0, abs=1e-9)
    assert bs.real_growth(panel, "x").dropna().abs().max() < 1e-9


@given(st.lists(st.floats(1.0, 1e6), min_size=3, max_size=12))
@settings(max_examples=50)
def test_cagr_compounds_the_yearly_growth(values):
    panel = _series_panel(values, "x", CONSTANT)
    yearly = bs.real_growth(panel, "x").dropna() / 100
    rate = bs.cagr(panel, 2000, 1999 + len(values), "x")["POL"] / 100
    assert (1 + rate) ** (len(values) - 1) == pytest.approx(np.prod(1 + yearly), rel=1e-9)


@given(st.floats(0.05, 40), st.floats(1.0, 1e8), st.floats(0.5, 10))
def test_gap_money_closes_the_gap(start_share, gdp, target):
    """Adding the money gap to spending brings the share exactly to the target."""
    spend = start_share / 100 * gdp
    index = pd.MultiIndex.from_tuples([("POL", 2024)], names=["iso3", "year"])
    usd = Basis("million US$", "current", None, "USD")
    share = Basis("% of GDP", "constant", 2021, None)
    panel = pd.DataFrame(
        {
            "defexp_usd_current_m": [spend],
            "gdp_usd_current_m": [gdp],
            "defexp_share_gdp_pct": [100 * spend / gdp],
        },
        index=index,
    )
    panel.attrs["units"] = {
        "defexp_usd_current_m": usd,
        "gdp_usd_current_m": usd,
        "defexp_share_gdp_pct": share,
    }
    gap = bs.target_gap(panel, target).iloc[0]
    assert 100 * (spend + gap["gap_usd_current_m"]) / gdp == pytest.approx(target, rel=1e-9)
