"""Units and price basis come from the field catalogue: real growth on SIPRI's constant-US$ series
(a table without a ``prices`` column) against the growth rates SIPRI printed."""

from __future__ import annotations

import pytest

import burdenshare as bs
from burdenshare.schemas import INDICATORS

# SIPRI Fact Sheet "Trends in World Military Expenditure, 2024" (April 2025), changes 2023-2024
# in real terms, as printed (whole per cent, or one decimal below 10 %); quoted e.g. by
# https://poland.news-pravda.com/en/poland/2025/05/01/17371.html (Russia +38 %, Ukraine +2.9 %,
# Germany +28 %, Poland +31 %, US +5.7 %) and
# https://sputnikglobe.com/20250428/global-military-spending-reaches-all-time-high-of-27-trillion-1121945888.html
# (UK +2.8 %).
SIPRI_PRINTED_REAL_CHANGE_2024 = [
    ("RUS", 38, 0),
    ("UKR", 2.9, 1),
    ("DEU", 28, 0),
    ("POL", 31, 0),
    ("USA", 5.7, 1),
    ("GBR", 2.8, 1),
]


@pytest.fixture(scope="module")
def sipri_2025():
    return bs.as_panel(bs.load_sipri(release="2025"))


@pytest.mark.parametrize(("iso3", "printed", "decimals"), SIPRI_PRINTED_REAL_CHANGE_2024)
def test_real_growth_on_sipri_matches_sipri_fact_sheet(sipri_2025, iso3, printed, decimals):
    growth = bs.real_growth(sipri_2025, "milex_usd_constant_m")
    assert round(growth.loc[(iso3, 2024)], decimals) == pytest.approx(printed)


def test_sipri_panel_knows_its_constant_prices_from_the_catalogue(sipri_2025):
    units = sipri_2025.attrs["units"]
    constant = units["milex_usd_constant_m"]
    assert (constant.prices, constant.base_year, constant.currency) == ("constant", 2023, "USD")
    assert constant.unit == INDICATORS["milex_usd_constant_m"].unit == "million US$"
    assert units["milex_usd_current_m"].prices == "current"


def test_cagr_on_sipri_is_the_compound_rate_of_the_published_series(sipri_2025):
    series = sipri_2025["milex_usd_constant_m"]
    expected = 100 * ((series[("POL", 2024)] / series[("POL", 2014)]) ** (1 / 10) - 1)
    assert bs.cagr(sipri_2025, 2014, 2024, "milex_usd_constant_m")["POL"] == pytest.approx(expected)


def test_growth_of_a_current_price_sipri_series_is_refused(sipri_2025):
    with pytest.raises(bs.UnitError, match="constant-price"):
        bs.real_growth(sipri_2025, "milex_usd_current_m")
