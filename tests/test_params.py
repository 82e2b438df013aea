"""Parameter validation names the parameter and the valid choices."""

from __future__ import annotations

import pytest

from burdenshare import params
from burdenshare.errors import ParameterError


def test_choice_error_names_parameter_and_choices():
    with pytest.raises(ParameterError, match=r"'country' = 'XYZ' .* POL, DEU"):
        params.check_choice("country", "XYZ", ["POL", "DEU"])
    assert params.check_choice("country", "POL", ["POL"]) == "POL"


def test_choices_reject_strings_empty_lists_and_bad_items():
    with pytest.raises(ParameterError, match="must be a list"):
        params.check_choices("donors", "POL", ["POL"])
    with pytest.raises(ParameterError, match="is empty"):
        params.check_choices("donors", [], ["POL"])
    with pytest.raises(ParameterError, match=r"\['XX'\]"):
        params.check_choices("donors", ["POL", "XX"], ["POL"])


def test_numbers_and_years():
    with pytest.raises(ParameterError, match="outside the valid range"):
        params.check_range("gdp_growth", 0.9, -0.1, 0.1)
    with pytest.raises(ParameterError, match="must be int"):
        params.check_type("year", True, int)
    with pytest.raises(ParameterError, match="must not be after"):
        params.check_year_span("start_year", 2020, "end_year", 2015, 2014, 2026)
    with pytest.raises(ParameterError, match="must be int"):
        params.check_year_span("start_year", 2014.5, "end_year", 2015, 2014, 2026)
