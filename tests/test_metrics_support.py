"""Support metrics against figures Kiel published, plus properties that must hold."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.errors import ParameterError, UnitError
from burdenshare.metrics import Basis
from burdenshare.metrics.support import region
from tests import examples


@pytest.fixture(scope="module")
def monthly() -> pd.DataFrame:
    return bs.load_support_monthly()


@pytest.fixture(scope="module")
def r30() -> pd.DataFrame:
    return bs.load_support("R30")


def bilateral_totals(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[
        (frame.measure == "allocation") & (frame.aid_type == "total") & (frame.scope == "bilateral")
    ]


def test_share_of_gdp_reproduces_kiel_r30_for_every_donor(r30):
    """R30 EUR totals / Kiel's 2021 GDP = Kiel's printed % of GDP, within the rounding of both
    (R30 rounds EUR bn and % to 3 decimals)."""
    ours = bs.support_share_of_gdp(bilateral_totals(r30), bs.load_donor_gdp(release="R28"))
    ours = ours.set_index("iso3")
    printed = bs.load_support("R30", currency=None)
    printed = printed[(printed.unit == "% of 2021 GDP") & (printed.scope == "bilateral")]
    printed = printed.set_index("iso3")["value"]
    both = ours.join(printed.rename("kiel"), how="inner").dropna(
        subset=["share_of_gdp_pct", "kiel"]
    )
    assert len(both) >= 40
    bound = 0.0005 + 100 * 0.0005 / both["gdp"] + 1e-9
    assert ((both["share_of_gdp_pct"] - both["kiel"]).abs() <= bound).all()
    assert round(float(ours.at["DEU", "share_of_gdp_pct"]), 2) == round(float(printed["DEU"]), 2)


def test_share_of_gdp_refuses_mixed_units(r30):
    usd = bilateral_totals(bs.load_support("R30v2", currency="USD"))
    with pytest.raises(UnitError, match="billion USD"):
        bs.support_share_of_gdp(usd, bs.load_donor_gdp(release="R28"))


def test_donors_without_gdp_get_nan_not_zero(r30):
    gdp = bs.load_donor_gdp(release="R28")
    out = bs.support_share_of_gdp(bilateral_totals(r30), gdp[gdp.iso3 != "POL"])
    assert out.set_index("iso3")["share_of_gdp_pct"].isna()["POL"]


def test_us_totals_match_kiel_press(r30):
    """US allocations: EUR 115 bn in total and 64.6 bn military (Kiel press, data to Feb/Jun 2025)."""
    totals = bs.donor_totals(r30)
    assert round(totals["USA"]) == 115
    military = bs.donor_totals(r30, aid_type="military")
    assert round(military["USA"], 1) == 64.6


def test_europe_vs_us_over_time_matches_kiel_press(monthly):
    """Cumulative allocations by region from R29's monthly flows against Kiel's press releases.
    The US figures are exact at printed precision (no new US aid after Jan 2025); Europe's differ
    by up to 3% because later releases revise and add late-reported items."""
    total = bs.monthly_flows(monthly, by="region", cumulative=True)
    military = bs.monthly_flows(monthly, by="region", aid_type="military", cumulative=True)
    assert round(total.at[pd.Timestamp("2025-02-01"), "United States"]) == 115
    assert round(military.at[pd.Timestamp("2025-06-01"), "United States"], 1) == 64.6
    assert total.at[pd.Timestamp("2025-02-01"), "Europe"] == pytest.approx(138, rel=0.03)
    assert total.at[pd.Timestamp("2024-02-29").replace(day=1), "Europe"] == pytest.approx(
        89.9, rel=0.03
    )
    assert round(military.at[pd.Timestamp("2024-02-01"), "Europe"]) == 42
    assert military.at[pd.Timestamp("2025-06-01"), "Europe"] == pytest.approx(80.5, rel=0.03)


def test_european_military_july_august_2025(monthly):
    flows = bs.monthly_flows(monthly, by="region", aid_type="military")
    value = flows.loc["2025-07-01":"2025-08-01", "Europe"].sum()
    assert round(value, 2) == 3.27  # Kiel, 10 Dec 2025 release


def test_annual_military_average_2022_2024_close_to_kiel(monthly):
    """Kiel (Dec 2025): 'roughly EUR 41.6 bn' a year in 2022-2024; R29 gives 41.89 (revisions)."""
    annual = bs.annual_support(monthly, aid_types=("military",))
    per_year = annual.groupby("year")["value"].sum()
    assert per_year.loc[2022:2024].mean() == pytest.approx(41.6, abs=0.5)
    assert annual.attrs["method"].startswith("sum of monthly values by calendar year")
    assert not annual[annual.year == 2026]["complete"].any()
    assert annual[annual.year == 2024]["complete"].all()


def test_delivery_ratio_identities():
    ratio = bs.delivery_ratio(bs.load_support("R28"))
    total = ratio[ratio.aid_type == "total"].set_index("iso3")
    assert (total["allocated"] + total["undelivered"] - total["committed"]).abs().max() < 1e-9
    assert total.at["USA", "ratio"] == pytest.approx(
        total.at["USA", "allocated"] / total.at["USA", "committed"]
    )
    assert round(total.at["USA", "allocated"], 1) == 115.4
    zero = ratio[ratio["committed"] == 0]
    assert zero["ratio"].isna().all()
    with pytest.raises(ParameterError, match="allocation and commitment"):
        bs.delivery_ratio(bs.load_support("R30v2", currency="USD"))


def test_eu_institutions_reassigned_by_kiel_shares_keep_the_total(r30):
    separate = bs.donor_totals(r30)
    reassigned = bs.donor_totals(r30, eu_institutions="reassign")
    assert "EU_INST" in separate.index and "EU_INST" not in reassigned.index
    assert reassigned.sum() == pytest.approx(separate.sum(), abs=0.05)  # 3-decimal rounding
    assert reassigned["DEU"] > separate["DEU"]
    assert reassigned["USA"] == separate["USA"]


def test_regions():
    assert region("USA") == "United States"
    assert region("EU_INST") == "Europe" and region("GBR") == "Europe" and region("DEU") == "Europe"
    assert region("JPN") == "Other" and region("CAN") == "Other"


@given(st.lists(st.floats(min_value=0.0, max_value=1e6, allow_nan=False), min_size=1, max_size=40))
def test_concentration_properties(values):
    series = pd.Series(values)
    if series.sum() <= 0:
        with pytest.raises(ParameterError):
            bs.concentration(series)
        return
    out = bs.concentration(series, top_n=len(values))
    assert out["top_n_share_pct"] == pytest.approx(100)
    assert 10_000 / max(1, (series > 0).sum()) - 1e-6 <= out["hhi"] <= 10_000 + 1e-6


def test_concentration_of_equal_donors():
    out = bs.concentration(pd.Series([2.0] * 8), top_n=2)
    assert out["hhi"] == pytest.approx(1250) and out["equivalent_donors"] == pytest.approx(8)
    assert out["top_n_share_pct"] == pytest.approx(25)


def test_spending_with_support_adds_converted_support_and_warns(monthly):
    panel = bs.spending_panel("2026")
    annual = bs.annual_support(monthly, aid_types=("military", "total"))
    annual = annual[annual.complete]
    with pytest.warns(bs.DoubleCountWarning, match="upper bound"):
        out = bs.spending_with_support(panel, annual, counts="military")
    row = out.loc[("DNK", 2024)]
    eur = annual[(annual.iso3 == "DNK") & (annual.year == 2024) & (annual.aid_type == "military")]
    usd_m = bs.convert(float(eur["value"].iloc[0]) * 1000, "EUR", "USD", 2024)
    assert row["support_usd_m"] == pytest.approx(usd_m)
    nato = panel.loc[("DNK", 2024)]
    constant = usd_m * nato["defexp_usd_constant_m"] / nato["defexp_usd_current_m"]
    assert row["share_pct"] == nato["defexp_share_gdp_pct"]  # NATO's published share
    assert row["added_pp"] == pytest.approx(100 * constant / nato["gdp_usd_constant_m"])
    assert row["share_with_support_pct"] == pytest.approx(row["share_pct"] + row["added_pp"])
    assert (out["double_count_risk"]).all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        everything = bs.spending_with_support(
            panel, annual, counts="all", double_count="acknowledge"
        )
    assert (everything["added_pp"] >= out["added_pp"].reindex(everything.index) - 1e-12).all()


def test_netherlands_with_support_is_above_nato_share_without(monthly):
    """2026 edition, Netherlands 2025: NATO publishes 2.53% of real GDP. Counting its military aid
    gave 2.45% "with support" (a current-price ratio, 2.24% + 0.22 pp): below the share without."""
    panel = bs.spending_panel("2026")
    annual = bs.annual_support(monthly, aid_types=("military",))
    out = bs.spending_with_support(panel, annual[annual.complete], double_count="acknowledge")
    row = out.loc[("NLD", 2025)]
    assert row["share_pct"] == pytest.approx(2.53)
    assert row["share_with_support_pct"] > 2.53
    assert (out["share_with_support_pct"] >= out["share_pct"]).all()


@pytest.fixture(scope="module")
def nato_panels() -> dict[str, pd.DataFrame]:
    return {e: bs.spending_panel(e) for e in ("2024", "2026")}


@given(data=st.data())
@settings(max_examples=examples(80), deadline=None)
def test_counting_support_never_lowers_the_share_shown(nato_panels, data):
    """Any ally, any year with the NATO figures and an ECB rate, any non-negative support:
    the share with support is at least NATO's share without it (or not shown at all)."""
    edition = data.draw(st.sampled_from(sorted(nato_panels)))
    panel = nato_panels[edition]
    shown = panel.dropna(subset=["defexp_share_gdp_pct", "defexp_usd_current_m"])
    keys = [k for k in shown.index if k[1] <= 2025]  # ECB annual rates to 2025
    iso3, year = data.draw(st.sampled_from(keys))
    amount = data.draw(st.floats(0.0, 500.0, allow_nan=False))
    annual = pd.DataFrame(
        {
            "iso3": [iso3],
            "donor": [iso3],
            "year": [int(year)],
            "aid_type": ["military"],
            "value": [amount],
            "unit": ["billion EUR"],
            "months": [12],
            "complete": [True],
        }
    )
    out = bs.spending_with_support(panel, annual, double_count="acknowledge")
    row = out.loc[(iso3, year)]
    published = panel.loc[(iso3, year), "defexp_share_gdp_pct"]
    assert row["share_pct"] == published
    if pd.notna(row["share_with_support_pct"]):
        assert row["share_with_support_pct"] >= published
        assert row["added_pp"] >= 0


def test_spending_with_support_refuses_mixed_bases_and_bad_switches(monthly):
    panel = bs.spending_panel("2026")
    annual = bs.annual_support(monthly, aid_types=("military",))
    with pytest.raises(UnitError, match="current-price US\\$"):
        bs.spending_with_support(panel, annual, spending="defexp_usd_constant_m")
    with pytest.raises(UnitError, match="constant-price"):
        bs.spending_with_support(panel, annual, constant="defexp_usd_current_m")
    with pytest.raises(UnitError, match="differ"):
        bs.spending_with_support(panel, annual, gdp="gdp_usd_current_m")


def test_a_current_price_share_gets_support_on_current_prices(monthly):
    """A share of current GDP (here the current-price ratio set as a column) is raised by support
    as % of current GDP: with and without stay on one basis whatever the share."""
    panel = bs.spending_panel("2026").copy()
    panel["share_current"] = 100 * panel["defexp_usd_current_m"] / panel["gdp_usd_current_m"]
    panel.attrs["units"] = {"share_current": Basis("% of GDP", "current")}
    annual = bs.annual_support(monthly, aid_types=("military",))
    out = bs.spending_with_support(
        panel,
        annual[annual.complete],
        share="share_current",
        gdp="gdp_usd_current_m",
        double_count="acknowledge",
    )
    row = out.loc[("NLD", 2025)]
    assert row["share_pct"] == pytest.approx(2.24, abs=0.005)  # 29,815 / 1,331,901
    expected = 100 * row["support_usd_m"] / panel.loc[("NLD", 2025), "gdp_usd_current_m"]
    assert row["added_pp"] == pytest.approx(expected)
    with pytest.raises(UnitError, match="differ"):
        bs.spending_with_support(panel, annual, share="share_current", double_count="acknowledge")
    with pytest.raises(ParameterError, match="double_count"):
        bs.spending_with_support(panel, annual, double_count="ignore")
    with pytest.raises(ParameterError, match="counts"):
        bs.spending_with_support(panel, annual, counts="humanitarian", double_count="acknowledge")


def test_support_relative_to_defence_budget(monthly):
    panel = bs.spending_panel("2026")
    annual = bs.annual_support(monthly, aid_types=("military",))
    out = bs.support_vs_defence(annual[annual.complete], panel)
    row = out.loc[("DNK", 2023)]
    assert row["pct_of_defence"] == pytest.approx(100 * row["support_usd_m"] / row["defence_usd_m"])
    # Denmark's 2023 military aid exceeded half of its own defence budget in the tracker
    assert row["pct_of_defence"] > 50
