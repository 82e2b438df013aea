"""bs.compare_releases and `burdenshare data diff`: revisions checked by hand against two bundled
files each (the rows and values are named in the tests)."""

from __future__ import annotations

import math
import subprocess
import sys

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.cli import main
from burdenshare.importers import import_kiel
from tests.test_importers_kiel import build_kiel


def _row(diff: pd.DataFrame, **key: object) -> pd.Series:
    mask = pd.Series(True, index=diff.index)
    for column, value in key.items():
        mask &= diff[column] == value
    (found,) = diff.index[mask]
    return diff.loc[found]


@pytest.fixture(scope="module")
def nato_2024_2025() -> pd.DataFrame:
    return bs.compare_releases("nato_spending", "2024", "2025")


def test_nato_share_revised_between_editions(nato_2024_2025):
    # nato_defexp_2024.csv: POL,Poland,2024,defexp_share_gdp_pct,4.120190989357147,... 2015,True
    # nato_defexp_2025.csv: POL,Poland,2024,defexp_share_gdp_pct,3.788951289,... 2021,True
    row = _row(nato_2024_2025, iso3="POL", year=2024, indicator="defexp_share_gdp_pct")
    assert (row.old_value, row.new_value) == (4.120190989357147, 3.788951289)
    assert row.revision == pytest.approx(3.788951289 - 4.120190989357147, abs=1e-15)
    assert row.revision_pct == pytest.approx(-8.0394, abs=1e-4)
    assert row.status == "revised" and row.country == "Poland"
    # a share of real GDP stays comparable, but its base year changed (2015 -> 2021 prices)
    assert row.basis_changed and (row.old_price_base_year, row.new_price_base_year) == (2015, 2021)
    assert row.old_estimate and row.new_estimate and not row.definition_changed
    assert nato_2024_2025.attrs == {
        "dataset": "nato_spending",
        "old": "2024",
        "new": "2025",
        "old_definition": "defence expenditure",
        "new_definition": "defence expenditure",
    }


def test_nato_2025_edition_drops_the_money_tables(nato_2024_2025):
    # the 2025 edition's money tables were not available: those series disappear, not zeros
    money = nato_2024_2025[nato_2024_2025["indicator"] == "defexp_usd_current_m"]
    assert len(money) > 0 and (money["status"] == "removed").all()
    assert money["dropped_series"].all() and money["new_value"].isna().all()
    # Germany 2025 is missing in NATO's own 2025 tables (only its personnel is given): no row
    germany = nato_2024_2025[(nato_2024_2025["iso3"] == "DEU") & (nato_2024_2025["year"] == 2025)]
    assert germany["indicator"].tolist() == ["military_personnel_k"]
    added = nato_2024_2025[nato_2024_2025["status"] == "added"]
    assert set(added["year"]) == {2025}  # the new year is added, not revised


def test_nato_2026_core_definition_flagged():
    diff = bs.compare_releases("nato_spending", "2024", "2026")
    # both files: USA,United States,2024,defexp_usd_current_m,967707.0 (2024 edition: estimate)
    row = _row(diff, iso3="USA", year=2024, indicator="defexp_usd_current_m")
    assert (row.old_value, row.new_value, row.revision) == (967707.0, 967707.0, 0.0)
    assert row.status == "unchanged" and row.definition_changed
    assert row.old_estimate and not row.new_estimate
    gdp = _row(diff, iso3="USA", year=2024, indicator="gdp_usd_current_m")
    assert not gdp.definition_changed  # GDP does not depend on the definition
    assert diff.attrs["new_definition"] == "core defence expenditure"
    # money at constant prices of another base year: both values shown, no revision computed
    constant = _row(diff, iso3="ALB", year=2014, indicator="defexp_ncu_constant_m")
    assert (constant.old_value, constant.new_value) == (18893.951763457313, 20446.0)
    assert constant.status == "not comparable" and math.isnan(constant.revision)


def test_kiel_releases_in_one_currency():
    diff = bs.compare_releases("kiel_support", "R28", "R30")
    # kiel_support_r28.csv: USA allocation total bilateral 115.38064937220787 billion EUR
    # kiel_support_r30.csv: USA allocation total bilateral 115.381 billion EUR (3 decimals)
    row = _row(
        diff,
        iso3="USA",
        measure="allocation",
        aid_type="total",
        scope="bilateral",
        unit="billion EUR",
    )
    assert (row.old_value, row.new_value) == (115.38064937220787, 115.381)
    assert row.revision == pytest.approx(0.00035062779213, abs=1e-12)
    # R30 also gives % of 2021 GDP, R28 does not: a new series
    pct = _row(
        diff,
        iso3="USA",
        measure="allocation",
        aid_type="total",
        scope="bilateral",
        unit="% of 2021 GDP",
    )
    assert pct.status == "added" and pct.new_series and pct.new_value == 0.585
    with pytest.raises(bs.UnitError, match="no unit in common"):
        bs.compare_releases("kiel_support", "R30", "R30v2")  # EUR vs USD: never converted


def test_imported_release_compared_with_bundled(tmp_path):
    import_kiel(build_kiel(tmp_path / "r31"))
    diff = bs.compare_releases("kiel_support_monthly", "R29", "latest")
    assert diff.attrs["new"] == "R31"
    may = diff[diff["month"] == "2026-05-01"]
    assert len(may) > 0 and (may["status"] == "added").all()
    weapons = bs.compare_releases("kiel_heavy_weapons", "R29", "R31")
    # kiel_heavy_weapons_r29.csv: Germany Tanks; the small R31 says 18 tanks, EUR 500,000,000
    tanks = _row(weapons, iso3="DEU", category="Tanks", quantity="number")
    assert tanks.new_value == 18 and tanks.unit == "count"


@pytest.mark.processes
def test_an_import_by_another_process_is_seen_at_once(tmp_path):
    from burdenshare.editions import editions, latest

    assert latest("kiel_support_monthly") == "R29"  # read (and remembered) before the import
    before = editions("kiel_support_monthly")
    release = build_kiel(tmp_path / "r31")
    done = subprocess.run(
        [sys.executable, "-m", "burdenshare", "data", "import", "kiel", str(release)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert latest("kiel_support_monthly") == "R31"
    assert editions("kiel_support_monthly")["R31"].origin == "imported"
    assert list(before) == list(editions("kiel_support_monthly"))[:-1]


def test_bad_requests():
    with pytest.raises(bs.ParameterError, match="choose one of nato_spending"):
        bs.compare_releases("fx", "2024", "2025")
    with pytest.raises(bs.DataError, match="'1999'"):
        bs.compare_releases("nato_spending", "2024", "1999")
    with pytest.raises(bs.ParameterError, match="old='all'"):
        bs.compare_releases("nato_spending", "all", "2025")


@pytest.mark.parametrize(
    ("dataset", "label"),
    [("sipri_milex", "2025"), ("nato_spending", "2026"), ("kiel_support", "R30")],
)
def test_a_release_against_itself_is_unchanged(dataset, label):
    diff = bs.compare_releases(dataset, label, label)
    assert (diff["status"] == "unchanged").all()
    assert (diff["revision"] == 0).all() and not diff["new_series"].any()


def test_largest_revisions_first(nato_2024_2025):
    top = bs.largest_revisions(nato_2024_2025, 3)
    assert (top["status"] == "revised").all()
    sizes = top["revision_pct"].abs().tolist()
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == nato_2024_2025["revision_pct"].abs().max()


def test_cli_diff_prints_summary_and_writes_csv(tmp_path, capsys):
    out = tmp_path / "diff.csv"
    assert main(["data", "diff", "nato_spending", "2024", "2025", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "nato_spending: 2024 -> 2025" in printed and "Largest revisions" in printed
    written = pd.read_csv(out)
    assert len(written) == len(bs.compare_releases("nato_spending", "2024", "2025"))
    pol = written[(written.iso3 == "POL") & (written.year == 2024)]
    assert pol.set_index("indicator").at["defexp_share_gdp_pct", "new_value"] == 3.788951289


def test_latest_is_the_newest_installed_label_for_every_dataset():
    assert bs.compare_releases("nato_spending", "2024", "latest").attrs["new"] == "2026"
    with pytest.raises(bs.UnitError, match="R30v2 in billion USD"):
        bs.compare_releases("kiel_support", "R30", "latest")  # newest Kiel release is in USD
