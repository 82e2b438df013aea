"""World Bank PPP factors: the bundled file against the World Bank's values, and a user's file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import burdenshare as bs
from tests import DATA


def _primary(indicator: str = "ppp_lcu_per_intl_usd") -> pd.DataFrame:
    ppp = bs.load_ppp()
    return ppp[(ppp["copy"] == "primary") & (ppp.indicator == indicator)]


def test_one_primary_factor_per_country_and_year_2014_2025():
    factors = _primary()
    assert len(factors) == 34 * 12
    assert not factors.duplicated(["iso3", "year"]).any()
    assert factors.year.min() == 2014 and factors.year.max() == 2025
    by = factors.set_index(["iso3", "year"]).value
    # WDI 2026-07-13 (PA.NUS.PPP): the values as the World Bank's file stores them.
    assert by["RUS", 2024] == pytest.approx(29.0330725994197, rel=1e-12)
    assert by["USA", 2024] == 1
    assert set(factors.vintage.astype(str)) == {"2026-07-13"}


def test_bulgaria_keeps_its_unit_change_between_copies():
    ppp = bs.load_ppp()
    bgr = ppp[(ppp.iso3 == "BGR") & (ppp.indicator == "ppp_lcu_per_intl_usd")]
    primary = bgr[bgr["copy"] == "primary"].set_index("year")
    earlier = bgr[bgr["copy"] == "disagreeing"].set_index("year")
    assert set(primary.currency) == {"EUR"} and set(primary.unit) == {"EUR per international $"}
    assert set(earlier.currency) == {"BGN"} and set(earlier.unit) == {"BGN per international $"}
    ratio = earlier.value / primary.value.reindex(earlier.index)
    assert ratio.between(1.9558, 1.9559).all()  # the fixed BGN per EUR rate, 1.95583


def test_extrapolated_years_are_estimates_and_the_ratio_is_the_older_vintage():
    factors = _primary()
    assert factors.loc[factors.year >= 2022, "estimate"].all()
    assert not factors.loc[factors.year <= 2021, "estimate"].any()
    ratio = _primary("price_level_ratio")
    assert set(ratio.vintage.astype(str)) == {"2025-10-07"}
    assert ratio.year.max() == 2024 and ratio.currency.isna().all()
    assert ratio.set_index(["iso3", "year"]).value["RUS", 2024] == pytest.approx(0.314081420115992)


def _user_file(tmp_path: Path, change: dict[str, str]) -> Path:
    frame = pd.read_csv(DATA / "wb_ppp_2026.csv", dtype=str, keep_default_na=False).head(5)
    for column, value in change.items():
        frame.loc[2, column] = value
    path = tmp_path / "my_ppp.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def test_a_users_file_goes_through_the_same_checks(tmp_path: Path):
    good = _user_file(tmp_path, {})
    assert len(bs.load_ppp(path=good)) == 5
    wrong_unit = _user_file(tmp_path, {"unit": "EUR per international $"})  # Albania: lek
    with pytest.raises(
        bs.DataError,
        match=r"(?s)my_ppp\.csv.*line 4, column 'unit'.*expected 'ALL per international \$'",
    ):
        bs.load_ppp(path=wrong_unit)
    negative = _user_file(tmp_path, {"value": "-3"})
    with pytest.raises(bs.DataError, match=r"(?s)line 4.*'value'.*got '-3'"):
        bs.load_ppp(path=negative)
