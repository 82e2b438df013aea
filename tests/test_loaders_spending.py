"""NATO and SIPRI loaders against figures the publishers (and reports of them) printed.

Published figures come from the cross-check tables of ../shared/sources/nato/SOURCES.md and
../shared/sources/sipri/SOURCES.md: NATO press tables, SIPRI fact sheets and news reports of them.
Each is compared at the precision it was printed with.
"""

from __future__ import annotations

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import countries


def value(frame: pd.DataFrame, iso3: str, year: int, indicator: str) -> float:
    rows = frame[(frame.iso3 == iso3) & (frame.year == year) & (frame.indicator == indicator)]
    assert len(rows) == 1, f"expected one row for {iso3} {year} {indicator}, got {len(rows)}"
    return float(rows["value"].iloc[0])


# (edition, iso3, year, indicator, published value, decimals printed)
NATO_PUBLISHED = [
    # 2024 edition: Ukrinform / Bunatimes reports of NATO's June 2024 tables
    ("2024", "NATO_TOTAL", 2014, "defexp_usd_current_m", 943_218, 0),
    ("2024", "NATO_TOTAL", 2024, "defexp_usd_current_m", 1_474_399, 0),
    ("2024", "USA", 2024, "defexp_usd_current_m", 967_707, 0),
    ("2024", "NATO_EUR_CAN", 2024, "defexp_usd_current_m", 506_692, 0),
    ("2024", "POL", 2024, "defexp_share_gdp_pct", 4.12, 2),
    ("2024", "EST", 2024, "defexp_share_gdp_pct", 3.43, 2),
    ("2024", "USA", 2024, "defexp_share_gdp_pct", 3.38, 2),
    ("2024", "LVA", 2024, "defexp_share_gdp_pct", 3.15, 2),
    ("2024", "GRC", 2024, "defexp_share_gdp_pct", 3.08, 2),
    ("2024", "ESP", 2024, "defexp_share_gdp_pct", 1.28, 2),
    ("2024", "HRV", 2024, "defexp_share_gdp_pct", 1.81, 2),
    ("2024", "FRA", 2024, "military_personnel_k", 204.7, 1),
    ("2024", "POL", 2024, "military_personnel_k", 216.1, 1),
    ("2024", "TUR", 2024, "military_personnel_k", 481.0, 1),
    ("2024", "USA", 2024, "military_personnel_k", 1300.0, 0),
    ("2024", "NATO_TOTAL", 2024, "military_personnel_k", 3418.6, 1),
    ("2024", "GBR", 2014, "equipment_share_pct", 22.82042809, 8),
    # 2025 edition: Polskie Radio, defence-ua, particle.news; NATO average 2.76
    ("2025", "POL", 2025, "defexp_share_gdp_pct", 4.48, 2),
    ("2025", "LTU", 2025, "defexp_share_gdp_pct", 4.00, 2),
    ("2025", "LVA", 2025, "defexp_share_gdp_pct", 3.73, 2),
    ("2025", "EST", 2025, "defexp_share_gdp_pct", 3.38, 2),
    ("2025", "NOR", 2025, "defexp_share_gdp_pct", 3.35, 2),
    ("2025", "USA", 2025, "defexp_share_gdp_pct", 3.22, 2),
    ("2025", "ESP", 2025, "defexp_share_gdp_pct", 2.00, 2),
    ("2025", "ITA", 2025, "defexp_share_gdp_pct", 2.01, 2),
    ("2025", "CAN", 2025, "defexp_share_gdp_pct", 2.01, 2),
    ("2025", "NATO_TOTAL", 2025, "defexp_share_gdp_pct", 2.76, 2),
    ("2025", "SWE", 2025, "equipment_share_pct", 35.83, 2),
    # 2026 edition: assertions of an independent parser of NATO's 2026 workbook
    ("2026", "SWE", 2024, "defexp_ncu_current_m", 140_549, 0),
    ("2026", "SWE", 2026, "defexp_usd_current_m", 24_186, 0),
    ("2026", "SWE", 2026, "defexp_usd_constant_m", 21_538, 0),
    ("2026", "SWE", 2026, "defexp_share_gdp_pct", 3.22, 2),
    ("2026", "SWE", 2026, "equipment_share_pct", 25.41, 2),
    ("2026", "USA", 2026, "defexp_usd_current_m", 1_032_849, 0),
]


@pytest.mark.parametrize(
    ("edition", "iso3", "year", "indicator", "published", "decimals"), NATO_PUBLISHED
)
def test_nato_matches_published_figure(edition, iso3, year, indicator, published, decimals):
    frame = bs.load_spending(edition=edition)
    assert round(value(frame, iso3, year, indicator), decimals) == pytest.approx(published)


def test_poland_2025_is_an_estimate_of_4_48_percent():
    frame = bs.load_spending(edition="2025")
    row = frame[
        (frame.iso3 == "POL") & (frame.year == 2025) & (frame.indicator == "defexp_share_gdp_pct")
    ]
    assert round(row["value"].item(), 2) == 4.48
    assert bool(row["estimate"].item()) is True
    assert not frame[(frame.year == 2022)]["estimate"].any()


def test_germany_2025_is_missing_not_zero():
    frame = bs.load_spending(edition="2025")
    germany = frame[(frame.iso3 == "DEU") & (frame.year == 2025)]
    assert "defexp_share_gdp_pct" not in set(germany.indicator)
    panel = bs.spending_panel(edition="2025")
    assert pd.isna(panel.at[("DEU", 2025), "defexp_share_gdp_pct"])


# (release, iso3, year, indicator, published, decimals) — SIPRI fact sheets and news reports
SIPRI_PUBLISHED = [
    ("2025", "UKR", 2024, "milex_usd_current_m", 64_700, -2),
    ("2025", "UKR", 2024, "milex_share_gdp_pct", 34, 0),
    ("2025", "RUS", 2024, "milex_usd_current_m", 149_000, -3),
    ("2025", "POL", 2024, "milex_usd_current_m", 38_000, -2),
    ("2025", "POL", 2024, "milex_share_gdp_pct", 4.2, 1),
    ("2025", "DEU", 2024, "milex_usd_current_m", 88_500, -2),
    ("2025", "USA", 2024, "milex_usd_current_m", 997_000, -3),
    ("2026", "POL", 2025, "milex_usd_current_m", 46_800, -2),
    ("2026", "POL", 2025, "milex_share_gdp_pct", 4.5, 1),
    # revision between releases, as SIPRI's two workbooks store it
    ("2026", "POL", 2024, "milex_usd_current_m", 34_459.5, 1),
    ("2026", "POL", 2024, "milex_share_gdp_pct", 3.75, 2),
]


@pytest.mark.parametrize(
    ("release", "iso3", "year", "indicator", "published", "decimals"), SIPRI_PUBLISHED
)
def test_sipri_matches_published_figure(release, iso3, year, indicator, published, decimals):
    frame = bs.load_sipri(release=release)
    assert round(value(frame, iso3, year, indicator), decimals) == pytest.approx(published)


def test_sipri_shares_are_percent_not_fractions():
    frame = bs.load_sipri()
    shares = frame[frame.indicator == "milex_share_gdp_pct"]
    assert (shares["unit"] == "% of GDP").all()
    # every ally spends more than 0.3% of GDP in 2024, which as a fraction would be below 0.01
    allies_2024 = shares[(shares.year == 2024) & shares.iso3.isin(countries.nato_allies(2024))]
    assert (allies_2024.set_index("iso3")["value"].drop("ISL", errors="ignore") > 0.3).all()


def test_sipri_covers_allies_ukraine_and_russia():
    frame = bs.load_sipri()
    assert set(frame.iso3) == set(countries.nato_allies()) | {"UKR", "RUS"}


@pytest.mark.parametrize("edition", ["2024", "2026"])
@pytest.mark.parametrize("indicator", ["defexp_usd_current_m", "defexp_usd_constant_m"])
def test_allies_add_up_to_nato_totals(edition, indicator):
    """Members (from their accession year) sum to NATO's published totals within rounding."""
    frame = bs.load_spending(edition=edition)
    frame = frame[frame.indicator == indicator]
    tolerance = (
        1.0 if edition == "2024" else 3.0
    )  # 2026 source rounds every ally to a whole million
    for year, rows in frame.groupby("year"):
        members = rows[rows.iso3.isin(countries.nato_allies(int(year)))]
        published = rows.set_index("iso3")["value"]
        assert members["value"].sum() == pytest.approx(published["NATO_TOTAL"], abs=tolerance)
        europe = members[members.iso3 != "USA"]["value"].sum()
        assert europe == pytest.approx(published["NATO_EUR_CAN"], abs=tolerance)


def test_gdp_of_allies_adds_up_to_nato_total_2024_edition():
    gdp = bs.load_gdp(edition="2024")
    gdp = gdp[gdp.indicator == "gdp_usd_current_m"]
    for year, rows in gdp.groupby("year"):
        members = rows[rows.iso3.isin(countries.nato_allies(int(year)))]
        total = rows.set_index("iso3").at["NATO_TOTAL", "value"]
        assert members["value"].sum() == pytest.approx(total, abs=1.0)


@pytest.mark.parametrize("edition", ["2024", "2026"])
def test_share_of_gdp_recomputed_from_spending_and_gdp(edition):
    """NATO's share is of *real* GDP: constant-price spending / constant-price GDP reproduces it
    within 0.05 pp for every ally-year; current prices do too except the Netherlands, whose
    published share NATO computes differently (../shared/sources/nato/SOURCES.md)."""
    panel = bs.spending_panel(edition=edition)
    constant = panel.defexp_usd_constant_m / panel.gdp_usd_constant_m * 100
    assert (constant - panel.defexp_share_gdp_pct).dropna().abs().max() < 0.05
    current = (
        panel.defexp_usd_current_m / panel.gdp_usd_current_m * 100 - panel.defexp_share_gdp_pct
    )
    worst = current.dropna().abs().groupby("iso3").max()
    assert set(worst[worst >= 0.1].index) == {"NLD"}


def test_definition_and_base_year_per_edition():
    for edition, definition, base in [
        ("2024", "defence expenditure", 2015),
        ("2025", "defence expenditure", 2021),
        ("2026", "core defence expenditure", 2021),
    ]:
        frame = bs.load_spending(edition=edition)
        assert set(frame.definition) == {definition}
        assert set(frame.price_base_year.dropna()) == {base}
        assert bs.spending_panel(edition).attrs["definition"] == definition


def test_latest_is_newest_and_editions_never_mix():
    latest = bs.load_spending()
    assert set(latest.edition) == {"2026"}
    every = bs.load_spending(edition="all")
    assert set(every.edition) == {"2024", "2025", "2026"}
    assert len(every) == sum(len(bs.load_spending(e)) for e in ("2024", "2025", "2026"))


def test_aggregates_are_marked():
    frame = bs.load_spending()
    assert set(frame[frame["aggregate"]].iso3) == {"NATO_TOTAL", "NATO_EUR_CAN"}


def test_loading_returns_independent_copies():
    first = bs.load_spending()
    first.loc[:, "value"] = -1.0
    assert (bs.load_spending()["value"] >= -100).all()


def test_panels_are_built_once_recorded_every_time_and_returned_as_copies():
    from burdenshare import tables
    from burdenshare.loaders import nato

    assert nato.warm_latest_panels() == 2  # the newest edition, with and without aggregates
    assert list(nato.panels_warming()) == ["2026", "2026", "2025", "2025", "2024", "2024"]
    assert nato.warm_panels() == 6  # three bundled editions, with and without aggregates
    tables.reset_loaded()
    first = bs.spending_panel("2026")
    assert [(r.dataset, r.label) for r in tables.loaded()] == [("nato_spending", "2026")]
    built = tables._DERIVED[next(k for k in tables._DERIVED if k[2] is nato._panel)]
    assert first is not built
    first.loc[:, "defexp_share_gdp_pct"] = -1.0
    first.attrs["currencies"]["POL"] = "XXX"
    again = bs.spending_panel("2026")
    assert (again["defexp_share_gdp_pct"].dropna() > 0).all()
    assert again.attrs["currencies"]["POL"] == "PLN"
    for aggregates in (False, True):
        pd.testing.assert_frame_equal(
            bs.spending_panel("2026", include_aggregates=aggregates),
            nato._panel(bs.load_spending("2026"), aggregates),
        )
    tables.reset_loaded()
    nato.warm_panels()
    assert tables.loaded() == []  # warming records nothing


@pytest.mark.processes
def test_import_reads_no_data():
    import subprocess
    import sys

    code = (
        "import sys, burdenshare; "
        "from burdenshare import tables; "
        "from burdenshare import countries; "
        "print(tables._parsed.cache_info().currsize + countries._table.cache_info().currsize, "
        "[m for m in ('papermill', 'nbformat', 'openpyxl') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0 []"  # no data read, no heavy report/import machinery loaded


def test_gdp_latest_is_2026_edition():
    gdp = bs.load_gdp()
    assert set(gdp.edition) == {"2026"}
    assert set(gdp.indicator) >= {"gdp_usd_current_m", "gdp_usd_constant_m"}
    with pytest.raises(bs.DataError, match="no GDP"):
        bs.load_gdp(edition="2025")


def test_targets_are_data_with_sources():
    targets = bs.load_targets().set_index("target_id")
    assert targets.at["wales_2pct", "value"] == 2
    assert targets.at["hague_core_3_5", "value"] == 3.5
    assert targets.at["hague_related_1_5", "bound"] == "up to"
    assert targets.at["hague_total_5", "target_year"] == "2035"
    assert targets.at["washington_ukraine_baseline", "unit"] == "billion EUR"
    assert targets.at["hague_spain_exception", "value"] == 2.1
    assert targets["source_url"].str.startswith("http").all()
    assert bs.target_value("hague_total_5") == 5.0
    with pytest.raises(bs.ParameterError, match="wales_2pct"):
        bs.target_value("two_percent")
