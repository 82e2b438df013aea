"""`burdenshare data import kiel`: Kiel's release files (a folder or a zip) -> release-labelled
tables in the user data folder, served as "latest" by the loaders and the analyses.

Small release sets are built here in Kiel's layout (:func:`build_kiel`, numbers from a counter,
remembered so the import can be compared with what the files hold). Release 29's real files
(../shared/sources/raw/kiel_ust_r29_website) must reproduce the bundled R29 tables, and a
synthetic R31 made from them with one more month must become "latest".
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import tables
from burdenshare.analyses import ukraine_support_flows
from burdenshare.cli import main
from burdenshare.editions import editions
from burdenshare.importers import import_kiel, read_kiel_release, verify_imported
from burdenshare.metrics.support import region
from burdenshare.paths import bundled_data_dir, user_data_dir_path
from tests import RAW, need_shared

R29_FILES = RAW / "kiel_ust_r29_website"
#: Kiel's file set: name -> its rows (header first), as text cells.
Files = dict[str, list[list[str]]]

DONORS = [("Germany", "DEU"), ("Denmark", "DNK"), ("EU (Commission and Council)", "EU")]
GDP = {"DEU": "3601.75", "DNK": "336.763", "EU": "0"}
MONTHS = [(2026, 3), (2026, 4), (2026, 5)]
MONTHLY_SOURCE_COLUMNS = list(bs.importers.kiel_release.MONTHLY_COLUMNS)


def kiel_files(release: str = "31", period: str = "05/2026") -> Files:
    """A small, well-formed release in Kiel's layout (three donors, three months)."""
    counter = iter(range(1, 10_000))

    def number() -> str:
        return f"{next(counter) / 1000:g}"

    explorer = [list(bs.importers.kiel_release.LAYOUTS["data_explorer.csv"])]
    for country, iso in DONORS:
        for year, month in MONTHS:
            fin, hum, mil = number(), number(), number()
            total = f"{float(fin) + float(hum) + float(mil):g}"
            gdp = GDP[iso]
            pct = f"{100 * float(total) / float(gdp):.12g}" if float(gdp) else "0"
            explorer.append(
                [country, iso, str(year), str(month), total, fin, hum, mil, total, "-0.5", gdp, pct]
            )
    totals = [["year", "month", "total_allocations", "military", "financial", "humanitarian"]]
    trends = [["year", "month", "stockpile", "procurement", "unspecified", "nato_purl"]]
    for year, month in MONTHS:
        totals.append([str(year), str(month), "9", "6", "2", "1"])
        trends.append([str(year), str(month), "1", "2", "2.5", "0.5"])
    shares = [
        ["country", "iso", "bilateral_pct_gdp", "eu_share_pct_gdp", "total_pct_gdp", "eu_share_bn"]
    ]
    shares += [
        ["Denmark", "DNK", "3.2", "0.5", "3.7", "1.9"],
        ["Germany", "DEU", "0.8", "0.4", "1.2", "14.1"],
    ]
    weapons = [["donor", "category", "number_of_weapons", "monetary_value_eur", "weapons_list"]]
    weapons += [
        ["Germany", "Tanks", "18", "500000000", "Leopard 2A6 (18)"],
        ["Denmark", "Howitzers", "19", "120000000", ""],
    ]
    info = [["release", "period", "date", "label"]]
    info.append(
        [release, period, "2026-09-08", f"Ukraine Support Tracker, Release {release} ({period})"]
    )
    return {
        "release_info.csv": info,
        "data_explorer.csv": explorer,
        "total_allocations.csv": totals,
        "procurement_trends.csv": trends,
        "eu_aid_shares.csv": shares,
        "weapons.csv": weapons,
    }


def write_files(folder: Path, files: Files) -> Path:
    """Write a file set as Kiel does (text quoted, numbers bare); return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        lines = []
        for i, row in enumerate(rows):
            cells = [f'"{c}"' if i == 0 or not _numeric(c) else c for c in row]
            lines.append(",".join(cells))
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def build_kiel(folder: Path, tweak: Callable[[Files], None] | None = None, **kwargs: str) -> Path:
    """Write a small release (optionally changed by ``tweak``) into ``folder``."""
    files = kiel_files(**kwargs)
    if tweak:
        tweak(files)
    return write_files(folder, files)


def zip_folder(folder: Path, archive: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(folder.iterdir()):
            zipped.write(path, prefix + path.name)
    return archive


def read_files(folder: Path) -> Files:
    return {
        p.name: list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"))))
        for p in folder.glob("*.csv")
    }


# ------------------------------------------------------------------------------------------------
# A small release: every cell imported, nothing invented
# ------------------------------------------------------------------------------------------------
def test_small_release_every_cell_imported(tmp_path):
    files = kiel_files()
    release = read_kiel_release(write_files(tmp_path / "r31", files))
    assert release.info.label == "R31"
    assert release.info.data_through == pd.Timestamp("2026-05-01")
    monthly = release.tables["kiel_support_monthly"]
    assert len(monthly) == 7 * (len(files["data_explorer.csv"]) - 1)
    eu = monthly[monthly["iso3"] == "EU_INST"]
    assert set(eu["donor"]) == {"EU (Commission and Council)"}  # Kiel's code EU -> EU_INST
    header = files["data_explorer.csv"][0]
    for row in files["data_explorer.csv"][1:]:
        cells = dict(zip(header, row, strict=True))
        code = "EU_INST" if cells["iso"] == "EU" else cells["iso"]
        month = pd.Timestamp(int(cells["year"]), int(cells["month"]), 1)
        got = monthly[(monthly["iso3"] == code) & (monthly["month"] == month)]
        by_column = dict(zip(got["source_column"], got["value"], strict=True))
        assert by_column == {c: float(cells[c]) for c in MONTHLY_SOURCE_COLUMNS}
    totals = release.tables["kiel_support_monthly_totals"]
    purl = totals[totals["military_source"] == "nato_purl"]
    assert list(purl["value"]) == [0.5, 0.5, 0.5] and set(purl["aid_type"]) == {"military"}
    shares = release.tables["kiel_support"].set_index(["iso3", "scope", "unit"])["value"]
    assert shares[("DEU", "eu_share", "billion EUR")] == 14.1
    assert release.tables["kiel_support"]["eu_member"].all()
    weapons = release.tables["kiel_heavy_weapons"]
    assert dict(zip(weapons["iso3"], weapons["number"], strict=True)) == {"DEU": 18, "DNK": 19}
    assert weapons["weapons_list"].isna().tolist() == [False, True]  # an empty list stays empty


def test_import_serves_latest_and_records_origin(tmp_path):
    source = build_kiel(tmp_path / "r31")
    result = import_kiel(source)
    assert (result.status, result.label) == ("imported", "R31")
    assert {t.dataset for t in result.tables} == {
        "kiel_support_monthly",
        "kiel_support_monthly_totals",
        "kiel_support",
        "kiel_heavy_weapons",
    }
    tables.reset_loaded()
    monthly = bs.load_support_monthly()  # "latest" is now the import
    assert set(monthly["release"]) == {"R31"}
    assert monthly["month"].max() == pd.Timestamp("2026-05-01")
    assert set(bs.load_support_monthly_totals()["release"]) == {"R31"}
    assert set(bs.load_heavy_weapons()["release"]) == {"R31"}
    assert set(bs.load_support_monthly(release="R29")["release"]) == {"R29"}  # bundled still there
    assert set(bs.load_support_monthly(release="all")["release"]) == {"R29", "R31"}
    reads = [r for r in tables.loaded() if r.label == "R31"]
    assert {r.origin for r in reads} == {"imported"}
    entry = json.loads((user_data_dir_path() / "manifest.json").read_text())["files"]
    monthly_entry = entry[result.tables[0].path.relative_to(user_data_dir_path()).as_posix()]
    assert monthly_entry["data_through"] == "2026-05" and monthly_entry["released"] == "2026-09-08"
    assert monthly_entry["import_command"] == f"burdenshare data import kiel {source} --release R31"
    assert {s["file"] for s in monthly_entry["sources"]} == set(bs.importers.kiel_release.LAYOUTS)
    assert verify_imported() == (4, [])


def test_zip_and_folder_are_the_same_release(tmp_path):
    folder = build_kiel(tmp_path / "r31")
    archive = zip_folder(folder, tmp_path / "r31.zip", prefix="data/")
    assert import_kiel(archive).status == "imported"
    again = import_kiel(folder)  # the same six files: nothing to do
    assert again.status == "unchanged" and again.label == "R31"


def test_release_label_override_and_replace(tmp_path):
    first = build_kiel(tmp_path / "a")
    assert import_kiel(first, "R31v2").label == "R31v2"
    second = build_kiel(tmp_path / "b", tweak=lambda f: f["weapons.csv"][1].__setitem__(2, "20"))
    with pytest.raises(bs.DataError, match="--replace"):
        import_kiel(second, "R31v2")
    assert import_kiel(second, "R31v2", replace=True).status == "replaced"
    weapons = bs.load_heavy_weapons(release="R31v2")
    assert weapons.set_index("iso3").at["DEU", "number"] == 20
    assert verify_imported()[1] == []
    assert len(list((user_data_dir_path() / "tables").iterdir())) == 4  # the old four are gone


@pytest.mark.parametrize("label", ["R３１", "31", "R31 ", "r31", "R3"])
def test_release_labels_are_ascii(tmp_path, label):
    source = build_kiel(tmp_path / "r31")
    with pytest.raises(bs.ParameterError, match="Kiel release label"):
        import_kiel(source, label)


def test_cli_import_kiel(tmp_path, capsys):
    source = build_kiel(tmp_path / "r31")
    assert main(["data", "import", "kiel", str(source)]) == 0
    out = capsys.readouterr().out
    assert "Imported kiel release R31" in out and "load_support_monthly(release='R31')" in out
    assert main(["data", "import", "kiel", str(source), "--release", "R31"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert main(["data", "verify", "--imported"]) == 0
    assert "OK: 4 imported table(s)" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------------
# Release 29 as published reproduces the bundled tables; R31 = R29 + one month becomes latest
# ------------------------------------------------------------------------------------------------
BUNDLED_R29 = {
    "kiel_support_monthly": "kiel_monthly_by_donor_r29.csv",
    "kiel_support_monthly_totals": "kiel_monthly_totals_r29.csv",
    "kiel_support": "kiel_support_r29.csv",
    "kiel_heavy_weapons": "kiel_heavy_weapons_r29.csv",
}


@pytest.fixture(scope="module")
def r29() -> bs.importers.KielRelease:
    return read_kiel_release(need_shared(R29_FILES))


@pytest.mark.sources
def test_r29_files_reproduce_bundled_tables_value_for_value(r29):
    loaders = {
        "kiel_support_monthly": lambda: bs.load_support_monthly(release="R29"),
        "kiel_support_monthly_totals": lambda: bs.load_support_monthly_totals(release="R29"),
        "kiel_support": lambda: bs.load_support("R29", currency=None),
        "kiel_heavy_weapons": lambda: bs.load_heavy_weapons(release="R29"),
    }
    compared = {}
    for dataset, load in loaders.items():
        bundled, imported = load(), r29.tables[dataset]
        assert list(imported.columns) == list(bundled.columns)
        pd.testing.assert_frame_equal(imported, bundled, check_exact=True, check_dtype=False)
        compared[dataset] = len(imported)
    assert compared == {
        "kiel_support_monthly": 7553,
        "kiel_support_monthly_totals": 416,
        "kiel_support": 108,
        "kiel_heavy_weapons": 61,
    }
    assert r29.info.label == "R29" and r29.info.data_through == pd.Timestamp("2026-04-01")


@pytest.mark.sources
def test_r29_import_is_byte_identical_and_overrides_bundled(r29, tmp_path):
    result = import_kiel(R29_FILES)
    assert result.overrides_bundled
    for table in result.tables:
        assert (
            table.path.read_bytes()
            == (bundled_data_dir() / BUNDLED_R29[table.dataset]).read_bytes()
        )
    assert editions("kiel_support_monthly")["R29"].origin == "imported"
    # Kiel's published figures, unchanged: NATO PURL Aug 2025 = EUR 1.883 bn (Kiel press: 1.9 bn)
    totals = bs.load_support_monthly_totals(release="R29")
    purl = totals[(totals["military_source"] == "nato_purl") & (totals["month"] == "2025-08-01")]
    assert round(float(purl["value"].iloc[0]), 3) == 1.883


def _one_more_month(files: Files) -> None:
    """R31 from R29's files: release 31 with data through 05/2026 (May copies April's rows)."""
    files["release_info.csv"][1] = [
        "31",
        "05/2026",
        "2026-09-08",
        "Ukraine Support Tracker, Release 31 (05/2026)",
    ]
    for name in ("data_explorer.csv", "total_allocations.csv", "procurement_trends.csv"):
        header = files[name][0]
        year, month = header.index("year"), header.index("month")
        april = [r for r in files[name][1:] if r[year] == "2026" and r[month] == "4"]
        files[name] += [[*r[:month], "5", *r[month + 1 :]] for r in april]


@pytest.fixture
def r31(tmp_path) -> Path:
    files = read_files(need_shared(R29_FILES))
    _one_more_month(files)
    return write_files(tmp_path / "r31", files)


@pytest.mark.sources
def test_r31_becomes_latest_for_loaders_and_the_flows_analysis(r31):
    before = ukraine_support_flows.run().key_results
    assert before["monthly_last_month"] == "2026-04"
    assert import_kiel(r31).label == "R31"
    monthly = bs.load_support_monthly()
    assert set(monthly["release"]) == {"R31"}
    april, may = (monthly[monthly["month"] == m] for m in ("2026-04-01", "2026-05-01"))
    assert len(may) == len(april) > 0
    after = ukraine_support_flows.run().key_results
    assert after["monthly_last_month"] == "2026-05"
    # May repeats April's flows, so Europe's cumulative allocations grow by April's flow
    flows = april[
        (april["measure"] == "allocation")
        & (april["unit"] == "billion EUR")
        & april["aid_type"].isin(after["aid_types"])
    ]
    europe_april = flows.loc[flows["iso3"].map(region) == "Europe", "value"].sum()
    assert europe_april > 0
    assert np.isclose(after["monthly_europe_bn"] - before["monthly_europe_bn"], europe_april)


@pytest.mark.sources
def test_r31_name_and_code_disagreeing_is_an_error_not_a_new_country(r31):
    files = read_files(r31)
    row = next(r for r in files["data_explorer.csv"][1:] if r[0] == "Germany")
    row[1] = "FRA"
    write_files(r31, files)
    with pytest.raises(bs.DataError) as info:
        import_kiel(r31)
    message = str(info.value)
    assert "data_explorer.csv, line " in message and "column 'iso'" in message
    assert "got 'FRA', expected the code of 'Germany' (DEU)" in message
    assert not (user_data_dir_path() / "manifest.json").exists()


@pytest.mark.sources
def test_r31_month_after_its_period_is_an_error(r31):
    files = read_files(r31)
    files["total_allocations.csv"][-1][1] = "6"  # June 2026, after 05/2026
    write_files(r31, files)
    with pytest.raises(bs.DataError, match=r"total_allocations.csv, line 54, column 'month'"):
        import_kiel(r31)


@pytest.mark.sources
def test_unchanged_import_reads_the_files_once_more_but_writes_nothing(r31):
    import_kiel(r31)
    manifest = user_data_dir_path() / "manifest.json"
    stamp = manifest.stat().st_mtime_ns
    shutil.copytree(r31, r31.with_name("copy"))
    assert import_kiel(r31.with_name("copy")).status == "unchanged"
    assert manifest.stat().st_mtime_ns == stamp
