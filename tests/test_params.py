"""Parameter checks (one set for the package): errors name the parameter, the value and the choices
or range; numbers are finite and bounded; years are ones the data holds."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    with pytest.raises(ParameterError, match="'start_year' must be a whole number"):
        params.check_year_span("start_year", 2014.5, "end_year", 2015, 2014, 2026)
    assert params.check_year_span("a", np.int64(2015), "b", 2015, 2014, 2026) == (2015, 2015)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_check_number_accepts_exactly_the_finite_values_in_range(value):
    inside = math.isfinite(value) and -1.0 <= value <= 1.0
    if inside:
        assert params.check_number("g", value, -1.0, 1.0) == value
    else:
        with pytest.raises(ParameterError, match="'g'"):
            params.check_number("g", value, -1.0, 1.0)


@given(st.integers(-(10**12), 10**12))
def test_check_int_bounds(value):
    if 1 <= value <= 1000:
        assert params.check_int("n", value, 1, 1000) == value
    else:
        with pytest.raises(ParameterError, match=rf"'n' = {value} is outside the valid range"):
            params.check_int("n", value, 1, 1000)


@pytest.mark.parametrize("value", [True, 2.0, "3", None, math.nan])
def test_check_int_refuses_what_is_not_a_whole_number(value):
    with pytest.raises(ParameterError, match="'n' must be a whole number from 1 to 10"):
        params.check_int("n", value, 1, 10)


def test_check_values_bounds_size_finiteness_and_range():
    assert params.check_values("g", [0.01, -0.02], -1, 1, max_size=10).tolist() == [0.01, -0.02]
    with pytest.raises(ParameterError, match="'g' has 11 values; at most 10"):
        params.check_values("g", np.zeros(11), -1, 1, max_size=10)
    with pytest.raises(ParameterError, match="'g' has missing or infinite values"):
        params.check_values("g", [0.0, math.inf], -1, 1, max_size=10)
    with pytest.raises(ParameterError, match=r"'g' holds 1.0, .* strictly between -1 and 1"):
        params.check_values("g", [0.0, 1.0], -1, 1, max_size=10, open_bounds=True)
    with pytest.raises(ParameterError, match="'g' is empty"):
        params.check_values("g", [], -1, 1, max_size=10)
    with pytest.raises(ParameterError, match="'g' must hold numbers"):
        params.check_values("g", ["fast"], -1, 1, max_size=10)


def test_year_names_the_span_of_the_data():
    assert params.check_year("year", np.int64(2020), range(2014, 2027)) == 2020
    with pytest.raises(ParameterError, match=r"'year' = 2030 is outside the data: .*2014 to 2026"):
        params.check_year("year", 2030, range(2014, 2027))
    with pytest.raises(ParameterError, match="'year' must be a year such as 2026"):
        params.check_year("year", "2025", range(2014, 2027))
    with pytest.raises(ParameterError, match="that the data holds"):
        params.check_year("year", 2016, [2014, 2015, 2020])


def test_dates_flags_editions_and_targets():
    first, last = dt.date(2025, 6, 25), dt.date(2026, 12, 31)
    assert params.check_date("as_of", "2025-12-31", first, last) == dt.date(2025, 12, 31)
    with pytest.raises(ParameterError, match="'as_of' = '31/12/2025' is not a date"):
        params.check_date("as_of", "31/12/2025", first, last)
    with pytest.raises(ParameterError, match="'flag' must be True or False, got 1"):
        params.check_flag("flag", 1)
    assert params.check_edition("edition", 2024, "nato_spending") == "2024"
    with pytest.raises(
        ParameterError, match=r"'edition' = '1999' is not valid\. Choose one of: 2024"
    ):
        params.check_edition("edition", "1999", "nato_spending")
    assert params.check_targets("targets", ["wales_2pct", 3.5, 5]) == ["wales_2pct", 3.5, 5.0]
    with pytest.raises(ParameterError, match=r"'targets\[1\]' = 0 is outside the valid range"):
        params.check_targets("targets", [2, 0])
    with pytest.raises(ParameterError, match="'targets' holds invalid value"):
        params.check_targets("targets", ["two_percent"])
    with pytest.raises(ParameterError, match="'target' must be a target id"):
        params.check_target("target", None)
