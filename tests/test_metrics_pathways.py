"""Pathways to a target: the algebra of the two methods, the fan chart against a plain
numpy.percentile over every draw, and parameter errors."""

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
def p26() -> pd.DataFrame:
    return bs.spending_panel(edition="2026")


def _one_ally(share: float, gdp: float, change: float = 5.0) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([["EST"], range(2020, 2027)], names=["iso3", "year"])
    panel = pd.DataFrame(
        {
            "defexp_share_gdp_pct": share,
            "gdp_usd_constant_m": gdp,
            "defexp_real_change_pct": change,
        },
        index=index,
    )
    panel.attrs["units"] = {
        "defexp_share_gdp_pct": Basis("% of GDP", "constant", 2021),
        "gdp_usd_constant_m": Basis("million US$", "constant", 2021, "USD"),
        "defexp_real_change_pct": Basis("% annual real change", "constant", 2021),
    }
    return panel


@given(
    share=st.floats(0.3, 6.0),
    target=st.floats(0.5, 8.0),
    growth=st.floats(-0.05, 0.08),
    by=st.integers(2027, 2050),
    method=st.sampled_from(["linear", "real_growth"]),
)
@settings(max_examples=examples(60), deadline=None)
def test_a_path_ends_on_its_target(share, target, growth, by, method):
    path = bs.pathway(
        _one_ally(share, 1000.0),
        target,
        by,
        gdp_growth=growth,
        method=method,
        hold_if_above=False,
        countries="EST",
    ).loc["EST"]
    assert path.index[0] == 2026 and path.index[-1] == by
    assert path["share_pct"].iloc[0] == pytest.approx(share)
    assert path["share_pct"].iloc[-1] == pytest.approx(target, rel=1e-9)
    end_gdp = 1000.0 * (1 + growth) ** (by - 2026)
    assert path["spending_usd_constant_m"].iloc[-1] == pytest.approx(target / 100 * end_gdp)
    # r = ((T / s0) (1 + g)^n)^(1/n) - 1, the average real growth of spending on either path
    n = by - 2026
    r = ((target / share) * (1 + growth) ** n) ** (1 / n) - 1
    assert path["required_real_growth_pct"].iloc[0] == pytest.approx(100 * r)
    spend = path["spending_usd_constant_m"]
    assert (spend.iloc[-1] / spend.iloc[0]) ** (1 / n) - 1 == pytest.approx(r, rel=1e-9, abs=1e-12)
    if method == "real_growth":
        yearly = spend.pct_change().dropna()
        assert np.allclose(yearly, r, rtol=1e-9, atol=1e-12)
    else:
        assert np.allclose(np.diff(path["share_pct"]), (target - share) / n)


def test_allies_above_an_at_least_target_hold_their_share(p26):
    path = bs.pathway(p26, "wales_2pct", 2030, gdp_growth=0.01, countries=["POL"]).loc["POL"]
    assert np.allclose(path["share_pct"], path["share_pct"].iloc[0])
    assert (path["cumulative_extra_usd_constant_m"] == 0).all()


def test_extra_spending_over_holding_todays_share(p26):
    path = bs.pathway(p26, "hague_core_3_5", 2035, gdp_growth=0.01, method="linear").loc["DEU"]
    gdp0 = p26.loc[("DEU", 2026), "gdp_usd_constant_m"]
    years = np.arange(2027, 2036)
    share = path.loc[years, "share_pct"].to_numpy()
    s0 = path.loc[2026, "share_pct"]
    expected = ((share - s0) / 100 * gdp0 * 1.01 ** (years - 2026)).sum()
    assert path.loc[2035, "cumulative_extra_usd_constant_m"] == pytest.approx(expected)


def test_start_is_the_latest_published_share(p26):
    summary = bs.pathway_summary(p26, gdp_growth=0.015)
    assert (summary["start_year"] == 2026).all()
    assert summary.loc["SWE", "start_share_pct"] == pytest.approx(3.22)  # cross-check 13
    assert "ISL" not in summary.index and "NATO_TOTAL" not in summary.index
    # Germany has no 2025 figure in the 2025 edition: its path starts from 2024
    p25 = bs.spending_panel(edition="2025")
    assert bs.pathway_summary(p25, gdp_growth=0.015).loc["DEU", "start_year"] == 2024


def test_on_track_compares_recent_real_growth_with_required(p26):
    summary = bs.pathway_summary(p26, gdp_growth="recent", recent_years=3)
    change = p26["defexp_real_change_pct"].xs("DEU", level="iso3").loc[2024:2026]
    recent = 100 * (np.prod(1 + change / 100) ** (1 / 3) - 1)
    assert summary.loc["DEU", "recent_real_growth_pct"] == pytest.approx(recent)
    gdp = p26["gdp_usd_constant_m"].xs("DEU", level="iso3")
    assert summary.loc["DEU", "gdp_growth_pct"] == pytest.approx(
        100 * ((gdp[2026] / gdp[2023]) ** (1 / 3) - 1)
    )
    expected = summary["recent_real_growth_pct"] >= summary["required_real_growth_pct"]
    assert (summary["on_track"] == expected).all()


@given(
    changes=st.lists(st.floats(-15.0, 40.0), min_size=5, max_size=5),
    share=st.floats(0.5, 6.0),
    growth=st.floats(-0.02, 0.05),
)
@settings(max_examples=examples(60), deadline=None)
def test_a_track_verdict_holds_across_every_window(changes, share, growth):
    """On or off track only where every window agrees; the rest depend on the window, and an
    ally already at the target is counted apart whatever its growth."""
    panel = _one_ally(share, 1000.0)
    panel.loc[("EST", slice(2022, 2026)), "defexp_real_change_pct"] = changes
    found = bs.track_verdicts(panel, 3.5, 2035, gdp_growth=growth, countries="EST").loc["EST"]
    alone = [
        bs.pathway_summary(
            panel, 3.5, 2035, gdp_growth=growth, countries="EST", recent_years=w
        ).loc["EST", "on_track"]
        for w in (1, 3, 5)
    ]
    assert [found[f"on_track_{w}y"] for w in (1, 3, 5)] == alone
    if share >= 3.5:
        assert found["verdict"] == "already there"
    elif all(alone):
        assert found["verdict"] == "on track"
    elif not any(alone):
        assert found["verdict"] == "off track"
    else:
        assert found["verdict"] == "depends on the window"


def test_track_verdicts_on_the_2026_edition(p26):
    """Spain: +2.2% in 2026 and +23.1% a year over three years against 8.0% needed."""
    found = bs.track_verdicts(p26, gdp_growth=0.015)
    spain = found.loc["ESP"]
    assert round(spain["required_real_growth_pct"], 2) == 8.01
    assert round(spain["recent_real_growth_pct_1y"], 1) == 2.2
    assert round(spain["recent_real_growth_pct_3y"], 1) == 23.1
    assert spain["verdict"] == "depends on the window"
    assert found.loc["EST", "verdict"] == "already there"  # 5.1% of GDP in 2026
    assert found.loc["USA", "verdict"] == "off track"
    assert found["verdict"].value_counts().to_dict() == {
        "depends on the window": 14,
        "on track": 9,
        "already there": 5,
        "off track": 3,
    }
    with pytest.raises(bs.ParameterError, match="'windows'"):
        bs.track_verdicts(p26, gdp_growth=0.015, windows=[])


def _fan_by_loop(panel, draws, percentiles):
    """Reference: every draw, every year, numpy.percentile — one ally at a time."""
    path = bs.pathway(panel, gdp_growth=0.0)
    summary = bs.pathway_summary(panel, gdp_growth=0.0)
    out = {}
    for code, row in summary.iterrows():
        s = path.loc[code, "share_pct"].to_numpy()
        n = len(s) - 1
        gdp0 = panel.loc[(code, row["start_year"]), "gdp_usd_constant_m"]
        x = 1 + draws[:, None]
        k = np.arange(n + 1)[None, :]
        spending = s / 100 * gdp0 * x**k
        out[code] = np.percentile(spending, percentiles, axis=0).T
    return out


def test_fan_matches_percentiles_over_every_draw(p26):
    rng = np.random.default_rng(7)
    draws = rng.normal(0.015, 0.01, 2001)
    fan = bs.pathway_fan(p26, gdp_growth=draws, percentiles=(5, 50, 95))
    reference = _fan_by_loop(p26, draws, [5, 50, 95])
    for code, expected in reference.items():
        got = fan.loc[code, "spending_usd_constant_m"].to_numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-12)
    trend = fan.loc["DEU", "trend_share_pct"]
    assert (trend["p5"] <= trend["p50"]).all() and (trend["p50"] <= trend["p95"]).all()


def test_fan_with_one_growth_rate_equals_the_pathway(p26):
    fan = bs.pathway_fan(p26, gdp_growth=0.02, percentiles=(10, 90))
    path = bs.pathway(p26, gdp_growth=0.02)
    for measure in path.columns:
        np.testing.assert_allclose(fan[(measure, "p10")], path[measure], rtol=1e-12)
        np.testing.assert_allclose(fan[(measure, "p90")], path[measure], rtol=1e-12)


def test_fan_accepts_draws_per_ally(p26):
    allies = list(bs.pathway_summary(p26, gdp_growth=0.0).index)
    draws = pd.DataFrame(
        np.random.default_rng(3).normal(0.01, 0.01, (500, len(allies))), columns=allies
    )
    fan = bs.pathway_fan(p26, gdp_growth=draws, percentiles=(50,))
    x = 1 + draws["POL"].to_numpy()
    gdp0 = p26.loc[("POL", 2026), "gdp_usd_constant_m"]
    share = p26.loc[("POL", 2026), "defexp_share_gdp_pct"]
    expected = np.percentile(share / 100 * gdp0 * x**9, 50)
    assert fan.loc[("POL", 2035), ("spending_usd_constant_m", "p50")] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"gdp_growth": 1.5}, "strictly between -1 and 1"),
        ({"gdp_growth": 0.01, "target": "hague_3pct"}, "Unknown target 'hague_3pct'"),
        ({"gdp_growth": 0.01, "by": 2020}, "must come after the start year"),
        ({"gdp_growth": 0.01, "start_year": 2040}, "2040 is outside the data"),
        ({"gdp_growth": 0.01, "countries": ["XYZ"]}, "Unknown country 'XYZ'"),
        ({"gdp_growth": 0.01, "method": "exponential"}, "'method' = 'exponential'"),
        ({"gdp_growth": {"POL": 0.01}}, "no value for ALB"),
        ({"gdp_growth": "fast"}, "'gdp_growth' must be"),
        ({"gdp_growth": [0.01, 0.02]}, "use pathway_fan for draws"),
    ],
)
def test_bad_pathway_parameters(p26, kwargs, message):
    with pytest.raises(bs.ParameterError, match=message):
        bs.pathway(p26, **kwargs)


def test_bad_fan_parameters(p26):
    with pytest.raises(bs.ParameterError, match="shape"):
        bs.pathway_fan(p26, gdp_growth=np.zeros((10, 3)))
    with pytest.raises(bs.ParameterError, match=r"'percentiles' holds 150\.0"):
        bs.pathway_fan(p26, gdp_growth=np.zeros(10), percentiles=(5, 150))
    with pytest.raises(bs.ParameterError, match="missing or infinite"):
        bs.pathway_fan(p26, gdp_growth=np.array([0.01, np.nan]))
