"""Country codes, NATO membership by date and groups."""

from __future__ import annotations

import pytest

from burdenshare import countries
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
