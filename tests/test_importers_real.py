"""The importers on the publishers' real workbooks reproduce the bundled editions exactly.

NATO 2024 (``240617-def-exp-2024-TABLES-en.xlsx``) and SIPRI 2025
(``SIPRI-Milex-data-1949-2024_2.xlsx``) live in ../shared/sources/raw (or
``$BURDENSHARE_SHARED/sources/raw``), outside the project; the tests skip when it is absent. Each
workbook is parsed once per module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.editions import editions
from burdenshare.importers import import_workbook, read_nato_workbook, read_sipri_workbook
from burdenshare.paths import bundled_data_dir
from tests import RAW, need_shared

NATO_2024 = RAW / "240617-def-exp-2024-TABLES-en.xlsx"
SIPRI_2025 = RAW / "SIPRI-Milex-data-1949-2024_2.xlsx"


#: Under pytest-xdist (--dist loadgroup) the module runs on one worker, so its module fixtures
#: (the publishers' workbooks, parsed once) are built once.
pytestmark = [pytest.mark.xdist_group("test_importers_real"), pytest.mark.sources]


@pytest.fixture(scope="module")
def nato_2024() -> pd.DataFrame:
    return read_nato_workbook(need_shared(NATO_2024))


@pytest.fixture(scope="module")
def sipri_2025() -> pd.DataFrame:
    return read_sipri_workbook(need_shared(SIPRI_2025))


def assert_same_frame(imported: pd.DataFrame, bundled: pd.DataFrame, key: list[str]) -> int:
    """Same rows in the same order, same keys, every cell equal (floats bit for bit)."""
    assert len(imported) == len(bundled)
    assert list(imported.columns) == list(bundled.columns)
    imported = imported.reset_index(drop=True)
    for column in key:
        assert (imported[column].astype(str) == bundled[column].astype(str)).all(), column
    compared = 0
    for column in bundled.columns:
        ours, theirs = imported[column], bundled[column]
        if column == "value":
            assert np.array_equal(ours.to_numpy(float), theirs.to_numpy(float))
            compared += len(ours)
        else:
            same = (ours.astype(object) == theirs.astype(object)) | (ours.isna() & theirs.isna())
            assert same.all(), f"{column}: {imported.loc[~same, [*key, column]].head()}"
    return compared


def test_nato_2024_workbook_equals_bundled_edition(nato_2024):
    bundled = bs.load_spending(edition="2024")
    compared = assert_same_frame(nato_2024, bundled, ["iso3", "year", "indicator"])
    assert compared == 5346
    assert set(nato_2024["indicator"]) == set(bs.schemas.NATO_INDICATORS)


def test_sipri_2025_workbook_equals_bundled_release(sipri_2025):
    bundled = bs.load_sipri(release="2025")
    compared = assert_same_frame(sipri_2025, bundled, ["iso3", "year", "indicator"])
    assert compared == 9717
    assert sipri_2025["iso3"].nunique() == 34


@pytest.mark.parametrize(
    ("fixture", "bundled_name"),
    [("nato_2024", "nato_defexp_2024.csv"), ("sipri_2025", "sipri_milex_2025.csv")],
)
def test_importer_output_is_byte_identical_to_bundled_file(request, fixture, bundled_name):
    frame = request.getfixturevalue(fixture)
    text = frame.to_csv(index=False, lineterminator="\n")
    assert text.encode("utf-8") == (bundled_data_dir() / bundled_name).read_bytes()


def test_read_from_sheets_not_assumed(nato_2024, sipri_2025):
    """Edition, base year, definition, estimates and currencies come from the workbooks."""
    assert set(nato_2024["edition"]) == {"2024"}
    assert set(nato_2024["definition"]) == {"defence expenditure"}
    assert set(nato_2024["price_base_year"].dropna()) == {2015}
    assert sorted(nato_2024.loc[nato_2024["estimate"], "year"].unique()) == [2023, 2024]
    assert set(nato_2024.loc[nato_2024["note"].notna(), "iso3"]) == {
        "CZE",
        "EST",
        "LVA",
        "LTU",
        "POL",
        "ROU",
    }
    assert set(sipri_2025["release"]) == {"2025"}
    assert set(sipri_2025["price_base_year"].dropna()) == {2023}
    ukr = sipri_2025[(sipri_2025.iso3 == "UKR") & (sipri_2025.year == 2024)].set_index("indicator")
    # SIPRI April 2025, as reported (sipri/SOURCES.md cross-checks 1 and 2): US$64.7 bn, 34% of GDP.
    assert round(ukr.at["milex_usd_current_m", "value"] / 1000, 1) == 64.7
    assert round(ukr.at["milex_share_gdp_pct", "value"]) == 34
    assert ukr.at["milex_usd_current_m", "estimate"]  # blue in SIPRI's workbook
    assert ukr.at["milex_lcu_current", "currency"] == "UAH"


def test_imported_real_workbook_overrides_bundled_label(tmp_path, monkeypatch):
    monkeypatch.setenv("BURDENSHARE_DATA_HOME", str(tmp_path))
    result = import_workbook("nato", need_shared(NATO_2024))
    assert (result.status, result.label, result.overrides_bundled) == ("imported", "2024", True)
    assert editions("nato_spending")["2024"].origin == "imported"
    assert result.path.read_bytes() == (bundled_data_dir() / "nato_defexp_2024.csv").read_bytes()
    assert import_workbook("nato", NATO_2024).status == "unchanged"
