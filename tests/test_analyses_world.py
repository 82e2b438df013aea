"""world_comparison: every number of its headline, recomputed from the loaders directly."""

from __future__ import annotations

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.analyses import world_comparison
from burdenshare.countries import nato_allies

EUROPE_2025 = [c for c in nato_allies(2025) if c not in ("USA", "CAN", "ISL")]


def _factor(ppp: pd.DataFrame) -> pd.Series:
    rows = ppp[(ppp.indicator == "ppp_lcu_per_intl_usd") & (ppp["copy"] == "primary")]
    return rows.set_index(["iso3", "year"])["value"]


def _value(frame: pd.DataFrame, indicator: str, countries: list[str], year: int) -> pd.Series:
    rows = frame[(frame.indicator == indicator) & frame.iso3.isin(countries) & (frame.year == year)]
    return rows.set_index(["iso3", "year"])["value"]


def test_the_headline_ratios_recomputed_by_hand():
    nato, sipri, factor = (
        bs.load_spending(edition="2026"),
        bs.load_sipri("2026"),
        _factor(bs.load_ppp()),
    )
    market_europe = _value(nato, "defexp_usd_current_m", EUROPE_2025, 2025)
    assert len(market_europe) == 29  # 32 allies less the US, Canada and Iceland
    market_russia = _value(sipri, "milex_usd_current_m", ["RUS"], 2025).iloc[0]
    national = _value(nato, "defexp_ncu_current_m", EUROPE_2025, 2025)
    ppp_europe = (national / factor.reindex(national.index)).sum()
    rub = _value(sipri, "milex_lcu_current", ["RUS"], 2025)
    ppp_russia = (rub / factor.reindex(rub.index)).iloc[0] / 1e6
    market_ratio = market_europe.sum() / market_russia
    ppp_ratio = ppp_europe / ppp_russia
    assert round(market_ratio, 1) == 3.2 and round(ppp_ratio, 1) == 1.6
    result = world_comparison.run()
    assert result.key_results["europe_russia_market"] == pytest.approx(market_ratio)
    assert result.key_results["europe_russia_ppp"] == pytest.approx(ppp_ratio)
    assert result.title == (
        "In 2025 Europe's allies outspent Russia 3.2 to 1 at market exchange rates, 1.6 to 1 at "
        "purchasing-power parity (estimates)"
    )


def test_the_ranking_is_sipris_printed_top_ten_of_2024():
    """SIPRI's top ten of 2024 as printed (harici.com.tr, see test_loaders_sipri_world)."""
    table = world_comparison.run().tables["world_ranking"]
    top = table["US$ bn"].head(9).tolist()
    assert top == [997.3, 313.7, 149.0, 88.5, 86.1, 81.8, 80.3, 64.7, 64.7]
    assert list(table.index[:3]) == ["United States", "China", "Russia"]


def test_russia_2024_at_ppp_from_sipri_is_above_the_iiss_figure_as_sipris_rub_total_is():
    """SIPRI's RUB 13.8 tn for 2024 (IISS: 13.1 tn) gives 476 bn international $ (IISS 461.6)."""
    totals = world_comparison.run(start_year=2024, end_year=2024).tables["totals_bn"]
    assert totals.at[2024, "Russia, intl $ bn at PPP"] == pytest.approx(476.3, abs=0.05)


def test_country_profile_shows_the_allys_spending_at_ppp_beside_market_rates():
    from burdenshare.analyses import country_profile

    table = country_profile.run(country="POL").tables["at_ppp"]
    nato, factor = bs.load_spending(edition="2026"), _factor(bs.load_ppp())
    pln = _value(nato, "defexp_ncu_current_m", ["POL"], 2024).iloc[0]
    assert table.at[2024, "ppp_intl_usd_m"] == round(pln / factor["POL", 2024])
    assert table.at[2024, "market_usd_m"] == 34_454  # NATO 2026 edition, Table 2 (US$ m)
    assert table.index.max() == 2025  # the last year with a PPP factor (NATO goes to 2026)
    usa = country_profile.run(country="USA").tables["at_ppp"]
    assert (usa["ppp_over_market"] == 1).all()
    assert "at_ppp" not in country_profile.run(country="ISL").tables  # no NATO figure
