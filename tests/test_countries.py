"""Country codes, NATO membership by date and groups."""

from __future__ import annotations

import pytest

from burdenshare import countries
from burdenshare.currencies import country_currencies as countries_currencies
from burdenshare.errors import ParameterError


def test_alliance_size_over_time():
    assert len(countries.nato_allies(2014)) == 28
    assert len(countries.nato_allies(2017)) == 29  # Montenegro
    assert len(countries.nato_allies(2020)) == 30  # North Macedonia
    assert len(countries.nato_allies(2023)) == 31  # Finland
    assert len(countries.nato_allies(2024)) == 32  # Sweden
    assert "SWE" not in countries.nato_allies("2024-03-06")
    assert "SWE" in countries.nato_allies("2024-03-07")


def test_groups():
    assert "USA" not in countries.group("europe_canada", 2026)
    assert len(countries.group("europe_canada", 2026)) == 31
    assert len(countries.eu_members(2026)) == 27
    assert "GBR" in countries.eu_members(2019) and "GBR" not in countries.eu_members(2021)
    assert countries.group("baltics") == ["EST", "LTU", "LVA"]
    with pytest.raises(ParameterError, match="nordics"):
        countries.group("scandinavia")


def test_codes_and_names():
    assert countries.is_known_code("POL") and countries.is_known_code("NATO_TOTAL")
    assert not countries.is_known_code("XYZ")
    assert countries.name("TUR") == "Türkiye"
    assert countries.name("JPN") == "Japan"
    with pytest.raises(ParameterError):
        countries.name("XYZ")


def test_codes_match_exactly():
    assert not countries.is_known_code("alb") and not countries.is_known_code("Alb")
    assert countries.is_iso3("ALB") and not countries.is_iso3("NATO_TOTAL")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Turkey", "TUR"),
        ("TÜRKIYE\xa0", "TUR"),
        ("Czech Republic", "CZE"),
        ("United States of America", "USA"),
        ("Russian Federation", "RUS"),
        ("EU (Commission and Council)", "EU_INST"),
        ("European Peace Facility", "EU_EPF"),
        ("NATO Europe and Canada", "NATO_EUR_CAN"),
        ("Japan", "JPN"),
    ],
)
def test_publisher_names_resolve_to_codes(name, code):
    assert countries.code_for_name(name) == code
    assert countries.code_matches_name(code, name)


def test_a_code_and_a_name_that_disagree_are_caught():
    assert not countries.code_matches_name("RUS", "Poland")
    assert countries.code_for_name("Atlantis") is None
    assert not countries.code_matches_name("ATL", "Atlantis")


def test_aliases_are_written_as_names_are_compared():
    assert all(countries.normal_name(alias) == alias for alias in countries.NAME_ALIASES)


def test_every_bundled_code_and_name_agree():
    """The agreement rule holds for every (code, name) pair the bundled tables use."""
    import burdenshare as bs

    pairs = {
        *bs.load_spending("all")[["iso3", "country"]].itertuples(index=False),
        *bs.load_sipri("all")[["iso3", "country"]].itertuples(index=False),
        *bs.load_support("all", currency=None)[["iso3", "donor"]].itertuples(index=False),
        *bs.load_support_items()[["iso3", "donor"]].itertuples(index=False),
        *bs.load_restrictions()[["iso3", "country"]].itertuples(index=False),
    }
    pairs = {tuple(pair) for pair in pairs}
    assert {
        ("TUR", "Turkiye"),
        ("TUR", "Türkiye"),
        ("EU_INST", "EU (Commission and Council)"),
    } <= pairs
    assert [pair for pair in pairs if not countries.code_matches_name(*pair)] == []


def test_country_currencies_follow_cldr():
    assert {"BGN", "EUR"} <= countries_currencies("BGR")
    assert "PLN" in countries_currencies("POL") and "EUR" not in countries_currencies("POL")
    assert countries_currencies("NATO_TOTAL") == frozenset()
