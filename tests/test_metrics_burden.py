"""Burden sharing against NATO's published totals (2024 edition, Ukrinform/Bunatimes reports:
USA 967,707 of NATO total 1,474,399 million US$ in 2024; Europe and Canada 506,692) and the
algebra of shares and the burden index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.metrics import Basis
from tests import examples


@pytest.fixture(scope="module")
def p24() -> pd.DataFrame:
    return bs.spending_panel(edition="2024", include_aggregates=True)


def test_us_share_of_nato_spending_2024_matches_published_totals(p24):
    published_share = 100 * 967_707 / 1_474_399
    table = bs.us_vs_europe_canada(p24, 2024)
    assert table.loc[2024, ("USA", "spending")] == pytest.approx(967_707, abs=1)
    assert table.loc[2024, ("EUR_CAN", "spending")] == pytest.approx(506_692, abs=3)
    assert table.loc[2024, ("USA", "spending_share_pct")] == pytest.approx(
        published_share, abs=0.01
    )


@pytest.mark.parametrize("year", [2014, 2024])
def test_allies_sum_to_nato_total_published(p24, year):
    """The alliance in burden_shares (members that year) adds up to NATO's published total."""
    shares = bs.burden_shares(p24, year)
    assert shares["spending"].sum() == pytest.approx(
        p24.loc[("NATO_TOTAL", year), "defexp_usd_current_m"], abs=3
    )
    assert "NATO_TOTAL" not in shares.index.get_level_values("iso3")


def test_shares_sum_to_100_and_alliance_index_is_1(p24):
    shares = bs.burden_shares(p24)
    sums = shares.groupby(level="year")[["spending_share_pct", "gdp_share_pct"]].sum()
    assert np.allclose(sums, 100)
    weighted = (shares["burden_index"] * shares["gdp_share_pct"]).groupby(level="year").sum()
    assert np.allclose(weighted, 100)
    everyone = set(shares.index.get_level_values("iso3"))
    assert np.allclose(bs.group_burden(p24, everyone)["burden_index"], 1)


def test_us_carries_more_than_its_economic_weight(p24):
    """USA at 3.38% of GDP in 2024 (cross-check 5): index = its share of GDP / the alliance's."""
    table = bs.burden_shares(p24, 2024)
    usa = table.loc[("USA", 2024)]
    ratio_of_shares = (usa["spending"] / usa["gdp"]) / (
        table["spending"].sum() / table["gdp"].sum()
    )
    assert usa["burden_index"] == pytest.approx(ratio_of_shares)
    assert usa["burden_index"] > 1
    assert table.loc[("ESP", 2024), "burden_index"] < 1  # 1.28% of GDP (cross-check 6)


def test_sweden_counts_from_2024_only(p24):
    assert "SWE" not in bs.burden_shares(p24, 2023).index.get_level_values("iso3")
    assert "SWE" in bs.burden_shares(p24, 2024).index.get_level_values("iso3")


def test_national_currency_or_mixed_prices_raise(p24):
    with pytest.raises(bs.UnitError, match="national currency"):
        bs.burden_shares(p24, spending="defexp_ncu_current_m")
    with pytest.raises(bs.UnitError, match="constant vs current"):
        bs.burden_shares(p24, spending="defexp_usd_constant_m", gdp="gdp_usd_current_m")


def test_year_outside_data(p24):
    with pytest.raises(bs.ParameterError, match="2030 is outside the data"):
        bs.burden_shares(p24, 2030)


@given(
    st.lists(
        st.tuples(st.floats(0.01, 1e6), st.floats(1.0, 1e8)),
        min_size=2,
        max_size=10,
    )
)
@settings(max_examples=examples(60))
def test_shares_properties(rows):
    codes = ["BEL", "DEU", "FRA", "ITA", "NLD", "NOR", "POL", "USA", "CAN", "DNK"][: len(rows)]
    index = pd.MultiIndex.from_product([codes, [2024]], names=["iso3", "year"])
    panel = pd.DataFrame(rows, index=index, columns=["s", "g"])
    usd = Basis("million US$", "current", None, "USD")
    panel.attrs["units"] = {"s": usd, "g": usd}
    shares = bs.burden_shares(panel, spending="s", gdp="g")
    assert shares["spending_share_pct"].sum() == pytest.approx(100)
    assert shares["gdp_share_pct"].sum() == pytest.approx(100)
    assert bs.group_burden(panel, codes, spending="s", gdp="g")["burden_index"].iloc[
        0
    ] == pytest.approx(1)
    assert (shares["burden_index"] * shares["gdp_share_pct"]).sum() == pytest.approx(100)
