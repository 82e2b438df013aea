"""SIPRI's major spenders outside NATO (2025 release), against the figures SIPRI printed.

SIPRI, "Trends in World Military Expenditure, 2024" (28 April 2025), its top ten as reported by
harici.com.tr (https://harici.com.tr/en/global-military-spending-hits-record-high-in-2024-sipri-reports):
China US$314 bn, Russia US$149 bn (7.1% of GDP), India US$86.1 bn, Saudi Arabia US$80.3 bn; by
Saba (https://saba.ye/en/news3472467.htm): Israel US$46.5 bn, Iran US$7.9 bn; by The National
(https://www.daily8.com/en/article/471ff8e8fcef7170b362df1662907333): Israel 8.8% of GDP; by
Khan Global Studies (https://currentaffairs.khanglobalstudies.com/?p=18697): China more than
India, Japan, South Korea and Australia together.
"""

from __future__ import annotations

import pytest

import burdenshare as bs

WORLD = bs.load_sipri_world()


def _value(frame, iso3: str, indicator: str, year: int = 2024) -> float:
    rows = frame[(frame.iso3 == iso3) & (frame.indicator == indicator) & (frame.year == year)]
    assert len(rows) == 1
    return float(rows.value.iloc[0])


def test_the_major_spenders_are_bundled_with_the_release_and_schema_of_sipri():
    assert sorted(WORLD.iso3.unique()) == ["AUS", "CHN", "IND", "IRN", "ISR", "JPN", "KOR", "SAU"]
    assert set(WORLD.release) == {"2025"} and WORLD.year.max() == 2024
    assert set(WORLD.indicator) == set(bs.load_sipri(release="2025").indicator)
    china = WORLD[(WORLD.iso3 == "CHN") & (WORLD.indicator == "milex_lcu_current")]
    assert set(china.currency) == {"CNY"} and china.estimate.all()


@pytest.mark.parametrize(
    ("iso3", "indicator", "printed", "digits"),
    [
        ("CHN", "milex_usd_current_m", 314, 0),
        ("IND", "milex_usd_current_m", 86.1, 1),
        ("SAU", "milex_usd_current_m", 80.3, 1),
        ("ISR", "milex_usd_current_m", 46.5, 1),
        ("IRN", "milex_usd_current_m", 7.9, 1),
        ("ISR", "milex_share_gdp_pct", 8.8, 1),
    ],
)
def test_2024_figures_round_to_what_sipri_printed(iso3, indicator, printed, digits):
    value = _value(WORLD, iso3, indicator)
    value = value / 1e3 if indicator.endswith("_m") else value
    assert round(value, digits) == printed


def test_russia_in_the_same_release_matches_sipris_printed_figures():
    sipri = bs.load_sipri(release="2025")
    assert round(_value(sipri, "RUS", "milex_usd_current_m") / 1e3) == 149
    assert round(_value(sipri, "RUS", "milex_share_gdp_pct"), 1) == 7.1


def test_china_spends_more_than_india_japan_south_korea_and_australia_together():
    usd = {c: _value(WORLD, c, "milex_usd_current_m") for c in ("CHN", "IND", "JPN", "KOR", "AUS")}
    assert usd["CHN"] > usd["IND"] + usd["JPN"] + usd["KOR"] + usd["AUS"]
