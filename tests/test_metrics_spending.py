"""Spending metrics against figures NATO published (../shared/sources/nato/SOURCES.md) and
against the algebra (hypothesis)."""

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
def panels() -> dict[str, pd.DataFrame]:
    return {
        e: bs.spending_panel(edition=e, include_aggregates=True) for e in ("2024", "2025", "2026")
    }


# --- compliance: NATO's own counts ---------------------------------------------------------------


def test_2024_edition_23_allies_at_2_percent_in_2024(panels):
    """NATO, June 2024: 23 allies expected to meet 2% in 2024 (Iceland publishes no figure)."""
    row = bs.compliance(panels["2024"], "wales_2pct").loc[2024]
    assert row["count"] == 23
    assert row["members"] == 32
    assert row["no_data"] == ("ISL",)
    assert set(row["below"]) >= {"ESP", "HRV"}  # published 1.28 and 1.81 (cross-check 6)
    assert "NATO_TOTAL" not in row["allies"] + row["below"]


def test_2025_edition_every_reporting_ally_at_2_percent_in_2025(panels):
    """NATO, Aug 2025: all allies reach 2% in 2025 except Iceland; no figure for Germany."""
    row = bs.compliance(panels["2025"], 2).loc[2025]
    assert row["below"] == ()
    assert row["no_data"] == ("DEU", "ISL")
    assert row["count"] == row["reporting"] == 30
    assert {"ESP", "ITA", "CAN"} <= set(row["allies"])  # published 2.00, 2.01, 2.01 (check 10)


def test_compliance_counts_only_members_of_that_year(panels):
    table = bs.compliance(panels["2024"], "vilnius_2pct")
    assert table.loc[2022, "members"] == 30  # before Finland (2023) and Sweden (2024)
    assert "SWE" not in table.loc[2023, "allies"] + table.loc[2023, "below"]
    assert (table["count"] + table["below"].map(len) == table["reporting"]).all()


def test_compliance_by_target_name_equals_number(panels):
    by_name = bs.compliance(panels["2026"], "hague_core_3_5")
    by_number = bs.compliance(panels["2026"], 3.5)
    pd.testing.assert_frame_equal(by_name, by_number)
    assert by_name.loc[2026, "count"] < bs.compliance(panels["2026"], 2).loc[2026, "count"]


# --- share of GDP recomputed vs published -------------------------------------------------------


@pytest.mark.parametrize("edition", ["2024", "2026"])
def test_share_of_real_gdp_reproduces_nato_table_3(panels, edition):
    """NATO's Table 3 share (of real GDP) from constant US$ spending / GDP, within 0.05 pp,
    allies and aggregates alike."""
    panel = panels[edition]
    share = bs.share_of_gdp(panel, "defexp_usd_constant_m", "gdp_usd_constant_m")
    published = panel["defexp_share_gdp_pct"]
    both = pd.concat([share, published], axis=1).dropna()
    assert len(both) >= 300
    assert (both.iloc[:, 0] - both.iloc[:, 1]).abs().max() < 0.05


def test_share_of_current_gdp_matches_published_for_poland_2024():
    panel = bs.spending_panel(edition="2024")
    share = bs.share_of_gdp(panel)
    assert share[("POL", 2024)] == pytest.approx(4.12, abs=0.05)  # cross-check 5


# --- target gap --------------------------------------------------------------------------------


def test_target_gap_pp_uses_published_share(panels):
    gap = bs.target_gap(panels["2025"], "wales_2pct", years=2025)
    assert round(gap.loc[("POL", 2025), "gap_pp"], 2) == pytest.approx(2 - 4.48)
    assert gap["gap_usd_current_m"].isna().all()  # the 2025 edition has no GDP table


def test_target_gap_money_is_target_share_of_current_gdp_minus_current_spending(panels):
    panel = panels["2026"]
    gap = bs.target_gap(panel, "hague_core_3_5", years=[2025, 2026], countries=["DEU", "POL"])
    row = gap.loc[("DEU", 2026)]
    gdp = panel.loc[("DEU", 2026), "gdp_usd_current_m"]
    spending = panel.loc[("DEU", 2026), "defexp_usd_current_m"]
    assert row["gap_usd_current_m"] == pytest.approx(0.035 * gdp - spending)
    assert row["gap_usd_current_m"] == pytest.approx((3.5 - row["share_current_pct"]) / 100 * gdp)
    assert row["currency"] == "EUR"
    rate = (
        panel.loc[("POL", 2026), "defexp_ncu_current_m"]
        / panel.loc[("POL", 2026), "defexp_usd_current_m"]
    )
    pol = gap.loc[("POL", 2026)]
    assert pol["gap_ncu_current_m"] == pytest.approx(pol["gap_usd_current_m"] * rate)
    assert pol["gap_pp"] < 0  # Poland is above 3.5%
    assert set(gap.index.get_level_values("iso3")) == {"DEU", "POL"}


def test_netherlands_money_gap_is_on_current_prices_not_real_share_times_current_gdp(panels):
    """2026 edition, Netherlands 2026: NATO's share of real GDP 2.58% (published), current-price
    ratio 2.29% (SOURCES.md). 3.5% of current GDP minus current spending is US$17.4 bn; the old
    mixed product 0.92 pp x current GDP gave US$13.2 bn."""
    gap = bs.target_gap(panels["2026"], "hague_core_3_5", years=2026, countries="NLD")
    row = gap.loc[("NLD", 2026)]
    assert row["share_pct"] == pytest.approx(2.58)
    assert row["gap_pp"] == pytest.approx(0.92)
    assert row["share_current_pct"] == pytest.approx(2.29, abs=0.005)
    assert row["gap_usd_current_m"] / 1000 == pytest.approx(17.38, abs=0.01)
    assert row["gap_reading"] == "exact"


@given(data=st.data())
@settings(max_examples=examples(60), deadline=None)
def test_money_gap_reaches_exactly_the_target_share_of_current_gdp(panels, data):
    """Spending plus the money gap is the target share of current GDP, for any ally-year and
    target: one basis, whatever NATO's share of real GDP says."""
    panel = panels["2026"]
    index = panel.dropna(subset=["gdp_usd_current_m", "defexp_usd_current_m"]).index
    iso3, year = data.draw(st.sampled_from(list(index)))
    if iso3.startswith("NATO"):
        return
    target = data.draw(st.floats(0.1, 10.0))
    row = bs.target_gap(panel, target, years=int(year), countries=iso3).iloc[0]
    gdp = panel.loc[(iso3, year), "gdp_usd_current_m"]
    reached = panel.loc[(iso3, year), "defexp_usd_current_m"] + row["gap_usd_current_m"]
    assert 100 * reached / gdp == pytest.approx(target, rel=1e-9)


def test_target_gap_works_on_the_long_frame():
    long = bs.load_spending(edition="2026")
    gap_long = bs.target_gap(long, "hague_total_5", years=2026)
    gap_panel = bs.target_gap(bs.spending_panel(edition="2026"), 5, years=2026)
    assert (gap_long["gap_reading"] == "upper bound").all()
    assert (gap_panel["gap_reading"] == "exact").all()
    pd.testing.assert_frame_equal(
        gap_long.drop(columns="gap_reading"),
        gap_panel.loc[gap_long.index].drop(columns="gap_reading"),
        check_dtype=False,
    )


# --- targets scored only by what they measure -----------------------------------------------------


def test_hague_total_from_core_data_is_a_lower_bound_never_missed(panels):
    """2026 edition (core only): Estonia 5.10 and Lithuania 5.33 in 2026 meet 5% on core alone;
    no ally is 'below' 5%, the rest are not shown (the related part is not published)."""
    row = bs.compliance(panels["2026"], "hague_total_5").loc[2026]
    assert row["allies"] == ("EST", "LTU")
    assert row["below"] == ()
    assert row["reading"] == "lower bound"
    assert row["count"] + len(row["not_shown"]) == row["reporting"] == 31
    gap = bs.target_gap(panels["2026"], "hague_total_5", years=2026)
    assert (gap["gap_reading"] == "upper bound").all()


@pytest.mark.parametrize("edition", ["2024", "2025", "2026"])
def test_related_spending_target_is_refused(panels, edition):
    with pytest.raises(bs.UnitError, match="defence- and security-related"):
        bs.compliance(panels[edition], "hague_related_1_5")
    with pytest.raises(bs.UnitError, match="no verdict"):
        bs.target_gap(panels[edition], "hague_related_1_5")
    with pytest.raises(bs.UnitError, match="defence- and security-related"):
        bs.pathway_summary(panels[edition], "hague_related_1_5", 2035, gdp_growth=0.015)


PARTS = ("defexp_share_gdp_pct", "defence- and security-related spending", "resilience spending")


@given(
    parts=st.lists(st.sampled_from(PARTS), min_size=1, max_size=3, unique=True),
    bound=st.sampled_from(["at least", "up to", ""]),
    value=st.floats(0.5, 6.0),
)
@settings(max_examples=examples(40), deadline=None)
def test_any_target_is_scored_only_on_the_measure_the_data_holds(panels, parts, bound, value):
    """A target of any composition (a user's own targets table): a verdict only where the data
    holds the whole measure; on part of an "at least" target only 'meets' (a lower bound); on
    none of it, or part of another kind of target, a refusal."""
    import burdenshare.targets as targets_module

    row = {"value": value, "unit": "% of GDP", "bound": bound, "measured_by": " + ".join(parts)}
    table = pd.DataFrame([row], index=pd.Index(["my_target"], name="target_id"))
    panel = panels["2026"]
    whole, some = parts == ["defexp_share_gdp_pct"], "defexp_share_gdp_pct" in parts
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(targets_module, "targets_by_id", lambda: table)
        if not whole and not (some and bound == "at least"):
            with pytest.raises(bs.UnitError):
                bs.compliance(panel, "my_target")
            return
        verdict = bs.compliance(panel, "my_target", years=2026).loc[2026]
        gap = bs.target_gap(panel, "my_target", years=2026)
    share = panel["defexp_share_gdp_pct"].xs(2026, level="year")
    assert all(share[c] >= value for c in verdict["allies"])
    if whole:
        assert verdict["reading"] == "exact" and all(share[c] < value for c in verdict["below"])
    else:
        assert verdict["reading"] == "lower bound" and verdict["below"] == ()
    assert set(gap["gap_reading"]) == {"exact" if whole else "upper bound"}


def _valued_targets() -> list[str]:
    table = bs.load_targets()
    return sorted(table.loc[table["unit"].eq("% of GDP") & table["value"].notna(), "target_id"])


@pytest.mark.parametrize("edition", ["2024", "2025", "2026"])
@pytest.mark.parametrize("target", _valued_targets())
def test_a_verdict_never_claims_more_than_the_measure_allows(panels, edition, target):
    """Every target of the table, every edition: 'meets' or 'below' only on the target's whole
    measure; on part of it (a lower bound) only 'meets', and only at or above the target; on none
    of it, a refusal."""
    from burdenshare.targets import target_parts

    panel = panels[edition]
    parts = target_parts(target)
    measured = [p for p in parts if p in panel.columns]
    if not measured:
        with pytest.raises(bs.UnitError):
            bs.compliance(panel, target)
        return
    table = bs.compliance(panel, target)
    share = panel["defexp_share_gdp_pct"]
    for year, row in table.iterrows():
        for code in row["allies"]:
            assert share[(code, year)] >= row["target_pct"]
        if len(measured) < len(parts):
            assert row["below"] == () and row["reading"] == "lower bound"
        else:
            assert row["not_shown"] == () and row["reading"] == "exact"
        shown = len(row["allies"]) + len(row["below"]) + len(row["not_shown"])
        assert shown == row["reporting"]


# --- real growth, per capita, equipment, movers -------------------------------------------------


def test_real_growth_reproduces_nato_real_change_2024_edition(panels):
    """NATO's "annual real change" (Table 3) from constant-price spending."""
    panel = panels["2024"]
    growth = bs.real_growth(panel, "defexp_ncu_constant_m")
    published = panel["defexp_real_change_pct"]
    both = pd.concat([growth, published], axis=1).dropna()
    assert len(both) >= 300
    assert (both.iloc[:, 0] - both.iloc[:, 1]).abs().max() < 0.005


def test_cagr_equals_compounded_published_real_change(panels):
    panel = panels["2024"]
    rate = bs.cagr(panel, 2014, 2024, "defexp_usd_constant_m")
    change = panel["defexp_real_change_pct"].xs("POL", level="iso3").loc[2015:2024]
    expected = 100 * (np.prod(1 + change / 100) ** (1 / 10) - 1)
    assert rate["POL"] == pytest.approx(expected, rel=1e-9)


def test_per_capita_reproduces_nato_table_6(panels):
    panel = panels["2024"]
    mine = bs.per_capita(panel)
    published = panel["defexp_per_capita_constant_usd"]
    both = pd.concat([mine, published], axis=1).dropna()
    assert len(both) >= 300
    assert ((both.iloc[:, 0] / both.iloc[:, 1]) - 1).abs().max() < 1e-6


def test_equipment_share_against_20_percent(panels):
    table = bs.equipment_share(panels["2025"], "wales_20pct_equipment", years=2025)
    assert table.loc[("SWE", 2025), "share_pct"] == pytest.approx(35.83, abs=0.005)  # check 15
    assert bool(table.loc[("SWE", 2025), "meets"]) is True
    assert (table["target_pct"] == 20).all()
    assert not table.index.get_level_values("iso3").isin(["NATO_TOTAL", "ISL"]).any()


def test_movers_poland_tops_2025_and_baltics_rose_most(panels):
    """Polskie Radio (Aug 2025): Poland tops NATO at 4.48% of GDP; Lithuania 4.00 second."""
    table = bs.movers(panels["2025"], 2014, 2025)
    assert table.loc["POL", "rank_end"] == 1
    assert table.loc["LTU", "rank_end"] == 2
    assert table.index[0] == "LTU"  # 0.88% -> 4.00%: the biggest rise
    assert {"FIN", "SWE"} <= set(table.index)  # ranked although they joined later
    assert "NATO_TOTAL" not in table.index


# --- units and parameters ------------------------------------------------------------------------


def test_current_with_constant_prices_raises(panels):
    with pytest.raises(bs.UnitError, match="constant vs current prices"):
        bs.share_of_gdp(panels["2026"], "defexp_usd_constant_m", "gdp_usd_current_m")


def test_eur_with_usd_raises():
    long = bs.load_spending(edition="2026")
    spend = long[long.indicator == "defexp_usd_current_m"].copy()
    spend["unit"], spend["currency"] = "million EUR", "EUR"
    mixed = pd.concat([spend, long[long.indicator == "gdp_usd_current_m"]])
    with pytest.raises(bs.UnitError, match="currency EUR vs USD"):
        bs.share_of_gdp(mixed)


def test_one_indicator_in_two_currencies_raises():
    long = bs.load_spending(edition="2026")
    spend = long[long.indicator == "defexp_usd_current_m"].copy()
    spend.loc[spend.iso3 == "DEU", "currency"] = "EUR"
    with pytest.raises(bs.UnitError, match="currenc"):
        bs.share_of_gdp(pd.concat([spend, long[long.indicator == "gdp_usd_current_m"]]))


def test_mixed_editions_or_price_bases_raise():
    with pytest.raises(bs.ParameterError, match="one edition"):
        bs.target_gap(bs.load_spending(edition="all"))
    a = bs.load_spending(edition="2024")
    b = bs.load_spending(edition="2026")
    mixed = pd.concat([a[a.year < 2020], b[b.year >= 2020]])
    with pytest.raises(bs.UnitError, match="price base years"):
        bs.real_growth(mixed)


def _until(panel: pd.DataFrame, last: int) -> pd.DataFrame:
    return panel[panel.index.get_level_values("year") <= last]


def _from(panel: pd.DataFrame, first: int) -> pd.DataFrame:
    return panel[panel.index.get_level_values("year") >= first]


def test_wide_splice_of_two_editions_is_refused():
    """The issue's case: 2024 edition up to 2018 + 2026 edition from 2019 gave Germany 30.3% real
    growth in 2019 (NATO: 9.22%)."""
    old, new = bs.spending_panel("2024"), bs.spending_panel("2026")
    spliced = pd.concat([_until(old, 2018), _from(new, 2019)]).sort_index()
    with pytest.raises(bs.UnitError, match="chain_editions"):
        bs.real_growth(spliced)
    with pytest.raises(bs.UnitError, match="price base"):
        bs.cagr(spliced, 2014, 2026)
    with pytest.raises(bs.ParameterError, match="mixes editions"):
        bs.real_growth(pd.concat([old, new]))


@pytest.mark.parametrize("first_new", range(2015, 2025))
@pytest.mark.parametrize("column", ["defexp_usd_constant_m", "defexp_ncu_constant_m"])
def test_a_splice_that_keeps_one_editions_attrs_is_refused(first_new, column):
    """combine_first keeps the newer panel's attrs (base year 2021) over 2015-price years: the
    panel's own published real change exposes it, whatever the splice year."""
    old, new = bs.spending_panel("2024"), bs.spending_panel("2026")
    spliced = _from(new, first_new).combine_first(_until(old, first_new - 1))
    assert spliced.attrs["price_base_year"] == 2021
    with pytest.raises(bs.UnitError, match="joins editions"):
        bs.real_growth(spliced, column)


@pytest.mark.parametrize("edition", ["2024", "2026"])
@pytest.mark.parametrize("column", ["defexp_usd_constant_m", "defexp_ncu_constant_m"])
def test_one_edition_passes_the_splice_check(panels, edition, column):
    assert bs.real_growth(panels[edition], column).notna().sum() > 300


def test_chain_editions_reproduces_nato_published_growth(panels):
    old, new = panels["2024"], panels["2026"]
    chained = bs.chain_editions(_until(old, 2018), _from(new, 2019))
    growth = bs.real_growth(chained)
    assert growth[("DEU", 2019)] == pytest.approx(9.22, abs=0.005)  # 2026 edition, Table 3
    published = pd.concat([_until(old, 2018), _from(new, 2019)])["defexp_real_change_pct"]
    both = pd.concat([growth, published], axis=1).dropna()
    both = both[~both.index.get_level_values("iso3").str.startswith("NATO")]
    assert len(both) > 300
    assert (both.iloc[:, 0] - both.iloc[:, 1]).abs().max() < 1.1  # integer money of small allies
    assert chained.attrs["price_base_year"] == 2021
    assert chained.loc[("DEU", 2018), "edition"] == "2024"
    whole = bs.chain_editions(new, old)  # any order; the newest edition wins where it has data
    assert bs.cagr(whole, 2014, 2026)["DEU"] == pytest.approx(8.12, abs=0.005)
    assert (whole["edition"] == "2026").all()


def test_chain_editions_needs_editions():
    panel = bs.spending_panel("2026")
    with pytest.raises(bs.ParameterError, match="two editions"):
        bs.chain_editions(panel)
    with pytest.raises(bs.ParameterError, match="same edition"):
        bs.chain_editions(panel, panel)
    with pytest.raises(bs.ParameterError, match="attrs"):
        bs.chain_editions(panel, pd.DataFrame(panel))


def test_recent_gdp_growth_of_a_spliced_panel_is_refused():
    old, new = bs.spending_panel("2024"), bs.spending_panel("2026")
    spliced = pd.concat([_until(old, 2018), _from(new, 2019)]).sort_index()
    with pytest.raises(bs.UnitError, match="price base"):
        bs.pathway_summary(spliced, "hague_core_3_5", 2035, gdp_growth="recent")
    with pytest.raises(bs.UnitError, match="price base"):
        bs.movers(spliced, 2014, 2024, "defexp_usd_constant_m")


def test_national_currency_growth_on_a_user_panel_with_explicit_units():
    panel = pd.DataFrame(
        {"spend": [100.0, 110.0]},
        index=pd.MultiIndex.from_tuples([("POL", 2024), ("POL", 2025)], names=["iso3", "year"]),
    )
    panel.attrs["units"] = {"spend": Basis("million PLN", "current", None, "PLN")}
    with pytest.raises(bs.UnitError, match="constant-price"):
        bs.real_growth(panel, "spend")
    panel.attrs["units"]["spend"] = Basis("million PLN", "constant", 2021, "PLN")
    assert bs.real_growth(panel, "spend")[("POL", 2025)] == pytest.approx(10.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: bs.compliance(p, "wales_3pct"), "Unknown target 'wales_3pct'"),
        (lambda p: bs.compliance(p, "wales_20pct_equipment"), "not expressed in '% of GDP'"),
        (lambda p: bs.compliance(p, 2, years=1990), "1990 is outside the data"),
        (lambda p: bs.target_gap(p, countries=["XYZ"]), "Unknown country 'XYZ'"),
        (lambda p: bs.cagr(p, 2024, 2014), "must be before"),
        (lambda p: bs.share_of_gdp(p, "defexp_usd_current_m", "gdp_eur"), "no column 'gdp_eur'"),
        (lambda p: bs.equipment_share(p, 2.0 + 200), "'target' = 202.0 is outside the valid range"),
    ],
)
def test_bad_parameters_say_what_to_do(panels, call, message):
    with pytest.raises(bs.ParameterError, match=message):
        call(panels["2026"])


def test_metrics_do_not_modify_their_input(panels):
    panel = panels["2026"]
    before = panel.copy()
    bs.target_gap(panel)
    bs.compliance(panel)
    bs.movers(panel, 2014, 2026)
    pd.testing.assert_frame_equal(panel, before)


# --- properties ------------------------------------------------------------------------------------


def _series_panel(values: list[float], column: str, basis: Basis) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([["POL"], range(2000, 2000 + len(values))])
    panel = pd.DataFrame({column: values}, index=index.set_names(["iso3", "year"]))
    panel.attrs["units"] = {column: basis}
    return panel


CONSTANT = Basis("million US$", "constant", 2021, "USD")


@given(st.floats(0.1, 1e7), st.integers(2, 15))
def test_cagr_of_a_constant_series_is_zero(level, years):
    panel = _series_panel([level] * years, "x", CONSTANT)
    assert bs.cagr(panel, 2000, 1999 + years, "x")["POL"] == pytest.approx(0.0, abs=1e-9)
    assert bs.real_growth(panel, "x").dropna().abs().max() < 1e-9


@given(st.lists(st.floats(1.0, 1e6), min_size=3, max_size=12))
@settings(max_examples=examples(50))
def test_cagr_compounds_the_yearly_growth(values):
    panel = _series_panel(values, "x", CONSTANT)
    yearly = bs.real_growth(panel, "x").dropna() / 100
    rate = bs.cagr(panel, 2000, 1999 + len(values), "x")["POL"] / 100
    assert (1 + rate) ** (len(values) - 1) == pytest.approx(np.prod(1 + yearly), rel=1e-9)


@given(st.floats(0.05, 40), st.floats(1.0, 1e8), st.floats(0.5, 10))
def test_gap_money_closes_the_gap(start_share, gdp, target):
    """Adding the money gap to spending brings the share exactly to the target."""
    spend = start_share / 100 * gdp
    index = pd.MultiIndex.from_tuples([("POL", 2024)], names=["iso3", "year"])
    usd = Basis("million US$", "current", None, "USD")
    share = Basis("% of GDP", "constant", 2021, None)
    panel = pd.DataFrame(
        {
            "defexp_usd_current_m": [spend],
            "gdp_usd_current_m": [gdp],
            "defexp_share_gdp_pct": [100 * spend / gdp],
        },
        index=index,
    )
    panel.attrs["units"] = {
        "defexp_usd_current_m": usd,
        "gdp_usd_current_m": usd,
        "defexp_share_gdp_pct": share,
    }
    gap = bs.target_gap(panel, target).iloc[0]
    assert 100 * (spend + gap["gap_usd_current_m"]) / gdp == pytest.approx(target, rel=1e-9)


@settings(max_examples=examples(20), deadline=None)
@given(st.randoms(use_true_random=False))
def test_row_order_never_changes_an_answer(rng):
    panel = bs.spending_panel("2026")
    rows = list(range(len(panel)))
    rng.shuffle(rows)
    shuffled = panel.iloc[rows]
    pd.testing.assert_series_equal(bs.real_growth(shuffled), bs.real_growth(panel))
    pd.testing.assert_series_equal(bs.cagr(shuffled, 2014, 2026), bs.cagr(panel, 2014, 2026))
    pd.testing.assert_frame_equal(
        bs.compliance(shuffled, "wales_2pct"), bs.compliance(panel, "wales_2pct")
    )
