"""Hostile publisher's releases: NATO and SIPRI workbooks built in their official layouts with one
cell spoiled, and Kiel release file sets with one file, column or cell spoiled. Each must stop the
import naming the sheet and cell (workbooks) or the file, line and column (Kiel), and store
nothing."""

from __future__ import annotations

import datetime as dt
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

import burdenshare as bs
from burdenshare.importers import import_kiel, import_workbook, read_sipri_workbook
from tests.adversarial import Action, Case, process
from tests.test_importers_kiel import Files, build_kiel, zip_folder
from tests.test_importers_workbook import KEEP, build_nato, build_sipri


def _cell(sheet: str, ref: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    def tweak(wb: openpyxl.Workbook) -> None:
        wb[sheet][ref] = value

    return tweak


def _nato(tweak: Callable | None, label: str | None = None) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        path = folder / "def-exp-2031-en.xlsx"
        build_nato(path, tweak=tweak)
        return lambda: import_workbook("nato", path, label)

    return prepare


def _sipri(tweak: Callable | None, label: str | None = None) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        path = folder / "milex.xlsx"
        build_sipri(path, tweak=tweak)
        return lambda: read_sipri_workbook(path, label, countries=KEEP)

    return prepare


def _replace_guard(folder: Path) -> Action:
    build_nato(folder / "n1.xlsx")
    build_nato(folder / "n2.xlsx", bump=1.0)
    import_workbook("nato", folder / "n1.xlsx", "2031")
    return lambda: import_workbook("nato", folder / "n2.xlsx", "2031")


# --- Kiel -----------------------------------------------------------------------------------
def _kiel(tweak: Callable[[Files], None] | None, label: str | None = None):
    def prepare(folder: Path) -> Action:
        source = build_kiel(folder / "r31", tweak)
        return lambda: import_kiel(source, label)

    return prepare


def _set(name: str, line: int, column: str, value: str) -> Callable[[Files], None]:
    """Set one cell: file, editor line (header = 1), column name."""

    def tweak(files: Files) -> None:
        rows = files[name]
        rows[line - 1][rows[0].index(column)] = value

    return tweak


def _rename(name: str, old: str, new: str) -> Callable[[Files], None]:
    def tweak(files: Files) -> None:
        header = files[name][0]
        header[header.index(old)] = new

    return tweak


def _add_column(name: str, column: str, value: str) -> Callable[[Files], None]:
    def tweak(files: Files) -> None:
        files[name][0].append(column)
        for row in files[name][1:]:
            row.append(value)

    return tweak


def _duplicate_row(name: str, line: int) -> Callable[[Files], None]:
    def tweak(files: Files) -> None:
        files[name].append(list(files[name][line - 1]))

    return tweak


def _drop_field(name: str, line: int) -> Callable[[Files], None]:
    def tweak(files: Files) -> None:
        files[name][line - 1].pop()

    return tweak


def _missing_file(folder: Path) -> Action:
    source = build_kiel(folder / "r31")
    (source / "weapons.csv").unlink()
    return lambda: import_kiel(source)


def _latin1(folder: Path) -> Action:
    source = build_kiel(folder / "r31")
    path = source / "weapons.csv"
    path.write_bytes(path.read_bytes().replace(b"Leopard", "Léopard".encode("latin-1")))
    return lambda: import_kiel(source)


def _two_in_zip(folder: Path) -> Action:
    source = build_kiel(folder / "r31")
    archive = zip_folder(source, folder / "r31.zip", prefix="a/")
    import zipfile

    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.write(source / "data_explorer.csv", "b/data_explorer.csv")
    return lambda: import_kiel(archive)


def _not_a_zip(folder: Path) -> Action:
    path = folder / "r31.zip"
    path.write_text('"release","period"\n"31","05/2026"\n')
    return lambda: import_kiel(path)


def _two_release_rows(files: Files) -> None:
    files["release_info.csv"].append(list(files["release_info.csv"][1]))


DE = "data_explorer.csv"
CASES: list[Case] = [
    # NATO tables workbook
    Case("nato formula without a stored value", _nato(_cell("TABLE3", "E12", "=D12*1.1")), bs.DataError,
         ("sheet 'TABLE3', cell E12", "=D12*1.1", "without a stored value")),
    Case("nato negative money", _nato(_cell("TABLE2", "D11", -5)), bs.DataError,
         ("sheet 'TABLE2', cell D11", "got -5", "expected 0 <= x")),
    Case("nato share of GDP above 100", _nato(_cell("TABLE3", "D11", 250)), bs.DataError,
         ("sheet 'TABLE3', cell D11", "got 250", "0 <= x <= 100")),
    Case("nato real change below -100%", _nato(_cell("TABLE3", "D17", -150)), bs.DataError,
         ("sheet 'TABLE3', cell D17", "-100 < x")),
    Case("nato date in a number cell", _nato(_cell("TABLE5", "E12", dt.datetime(2024, 1, 1))),
         bs.DataError, ("sheet 'TABLE5', cell E12", "a number or an empty cell")),
    Case("nato boolean in a number cell", _nato(_cell("TABLE6", "F11", True)), bs.DataError,
         ("sheet 'TABLE6', cell F11", "got True")),
    Case("nato unknown ally", _nato(_cell("TABLE2", "C11", "Atlantis")), bs.DataError,
         ("sheet 'TABLE2', cell C11", "'Atlantis'", "an ally's name")),
    Case("nato edition before its data years", _nato(None, "2020"), bs.DataError,
         ("sheet 'TABLE1', cell D11", "a year no later than the edition")),
    Case("nato edition label in other digits", _nato(None, "２０３１"), bs.ParameterError,
         ("Edition label '２０３１'", "four digits 0-9")),
    Case("nato different file for an imported edition", _replace_guard, bs.DataError,
         ("nato 2031 is already imported", "n1.xlsx", "n2.xlsx", "--replace")),
    # SIPRI Milex workbook
    Case("sipri formula without a stored value", _sipri(_cell("Current US$", "D10", "=1/0")),
         bs.DataError, ("sheet 'Current US$', cell D10", "without a stored value")),
    Case("sipri negative share", _sipri(_cell("Share of GDP", "E10", -0.01)), bs.DataError,
         ("sheet 'Share of GDP', cell E10", "0 <= x <= 100")),
    Case("sipri release label in other digits", _sipri(None, "٢٠٢٤"), bs.ParameterError,
         ("Release label '٢٠٢٤'",)),
    # Kiel release files
    Case("kiel renamed column", _kiel(_rename(DE, "military", "mil")), bs.DataError,
         ("data_explorer.csv, line 1", "no column 'military'", "a new column 'mil'")),
    Case("kiel new aid type", _kiel(_add_column("total_allocations.csv", "budget_support", "1")),
         bs.DataError, ("total_allocations.csv, line 1", "'budget_support'", "new aid type")),
    Case("kiel missing file", _missing_file, bs.DataError, ("{folder}/r31", "weapons.csv missing")),
    Case("kiel name and code disagree", _kiel(_set(DE, 2, "iso", "FRA")), bs.DataError,
         ("data_explorer.csv, line 2, column 'iso'", "the code of 'Germany' (DEU)")),
    Case("kiel month after the release period", _kiel(_set("procurement_trends.csv", 4, "month", "6")),
         bs.DataError, ("procurement_trends.csv, line 4, column 'month'", "period 05/2026")),
    Case("kiel month before the tracker", _kiel(_set("total_allocations.csv", 2, "year", "2021")),
         bs.DataError, ("total_allocations.csv, line 2, column 'month'", "from 01/2022")),
    Case("kiel decimal comma", _kiel(_set(DE, 3, "military", "1,5")), bs.DataError,
         ("data_explorer.csv, line 3, column 'military'", "'1,5'")),
    Case("kiel negative allocation", _kiel(_set(DE, 2, "financial", "-1")), bs.DataError,
         ("data_explorer.csv, line 2, column 'financial'", "expected 0 <= x")),
    Case("kiel share of GDP above 100", _kiel(_set("eu_aid_shares.csv", 2, "bilateral_pct_gdp", "250")),
         bs.DataError, ("eu_aid_shares.csv, line 2, column 'bilateral_pct_gdp'", "0 <= x <= 100")),
    Case("kiel negative GDP", _kiel(_set(DE, 5, "gdp", "-336")), bs.DataError,
         ("data_explorer.csv, line 5, column 'gdp'",)),
    Case("kiel period not MM/YYYY", _kiel(_set("release_info.csv", 2, "period", "2026-05")),
         bs.DataError, ("release_info.csv, line 2, column 'period'", "MM/YYYY")),
    Case("kiel release number in other digits", _kiel(_set("release_info.csv", 2, "release", "3١")),
         bs.DataError, ("release_info.csv, line 2, column 'release'",)),
    Case("kiel two release rows", _kiel(_two_release_rows), bs.DataError,
         ("release_info.csv: 2 data rows",)),
    Case("kiel duplicated donor and month", _kiel(_duplicate_row(DE, 3)), bs.DataError,
         ("data_explorer.csv, line 11, column 'iso'", "iso=DEU, year=2026, month=4", "already on line 3")),
    Case("kiel unknown weapons category", _kiel(_set("weapons.csv", 2, "category", "Drones")),
         bs.DataError, ("weapons.csv, line 2, column 'category'", "'Drones'")),
    Case("kiel unknown donor", _kiel(_set("weapons.csv", 3, "donor", "Atlantis")), bs.DataError,
         ("weapons.csv, line 3, column 'donor'", "'Atlantis'")),
    Case("kiel empty cell", _kiel(_set(DE, 4, "gdp", "")), bs.DataError,
         ("data_explorer.csv, line 4, column 'gdp'",)),
    Case("kiel row with a field missing", _kiel(_drop_field("total_allocations.csv", 3)),
         bs.DataError, ("total_allocations.csv, line 3", "5 fields")),
    Case("kiel file not UTF-8", _latin1, bs.DataError, ("weapons.csv: line 2 is not valid UTF-8",)),
    Case("kiel second file of one name in a zip", _two_in_zip, bs.DataError,
         ("{folder}/r31.zip:b/data_explorer.csv", "a second data_explorer.csv")),
    Case("kiel text file named .zip", _not_a_zip, bs.DataError,
         ("{folder}/r31.zip: not a readable zip archive",)),
    Case("kiel release label in other digits", _kiel(None, "R٣١"), bs.ParameterError,
         ("Release label 'R٣١'",)),
]  # fmt: skip


# Bounded inputs: a small file that declares a huge sheet, pipes, devices and sparse giants are
# refused promptly (real processes, each with its own time bound).
def _sheet_bomb(folder: Path) -> Action:
    """A NATO workbook whose TABLE3 declares A1:XFD1048576 and holds one cell in row 200000."""
    plain = folder / "plain.xlsx"
    build_nato(plain)
    bomb = folder / "def-exp-2031-en.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        sheets = _sheet_parts(source)
        for item in source.infolist():
            data = source.read(item)
            if item.filename == sheets["TABLE3"]:
                text = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD1048576"/>',
                              data.decode())  # fmt: skip
                far = '<row r="200000"><c r="XFD200000" t="n"><v>1</v></c></row>'
                data = text.replace("</sheetData>", far + "</sheetData>").encode()
            out.writestr(item, data)
    plain.unlink()
    return process("data", "import", "nato", bomb, "--edition", "2031", timeout=60)


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the archive (from the workbook's relationships)."""
    book = archive.read("xl/workbook.xml").decode()
    rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'Id="([^"]+)" Target="/?(?:xl/)?([^"]+)"', rels))
    targets.update({k: v for v, k in re.findall(r'Target="/?(?:xl/)?([^"]+)"[^>]*Id="([^"]+)"', rels)})  # fmt: skip
    found = re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book)
    return {name: "xl/" + targets[rid] for name, rid in found}


def _special_source(kind: str, name: str, make: Callable[[Path], None]) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        make(folder / name)
        return process("data", "import", kind, folder / name, timeout=30)

    return prepare


def _kiel_with(name: str, make: Callable[[Path], None]) -> Callable[[Path], Action]:
    """Kiel's release files with ``name`` replaced by what ``make`` puts there."""

    def prepare(folder: Path) -> Action:
        source = build_kiel(folder / "r31")
        (source / name).unlink()
        make(source / name)
        return process("data", "import", "kiel", source, timeout=30)

    return prepare


def _sparse(size: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        with path.open("wb") as handle:
            handle.truncate(size)

    return make


CASES += [
    Case("nato: a sheet declaring A1:XFD1048576 with a cell in row 200000", _sheet_bomb, 2,
         ("sheet 'TABLE3'", "beyond 10,000 rows"), ("processes",)),
    Case("nato: workbook is a named pipe", _special_source("nato", "w.xlsx", os.mkfifo), 2,
         ("{folder}/w.xlsx", "not a regular file"), ("processes",)),
    Case("sipri: workbook is /dev/zero", lambda f: process("data", "import", "sipri", "/dev/zero"),
         2, ("/dev/zero", "not a regular file"), ("processes",)),
    Case("nato: a 3 GB sparse workbook", _special_source("nato", "big.xlsx", _sparse(3 * 10**9)), 2,
         ("{folder}/big.xlsx", "size limit"), ("processes",)),
    Case("kiel: weapons.csv of 3 GB (sparse) in a folder", _kiel_with("weapons.csv", _sparse(3 * 10**9)),
         2, ("{folder}/r31/weapons.csv", "size limit"), ("processes",)),
    Case("kiel: weapons.csv a named pipe in a folder", _kiel_with("weapons.csv", os.mkfifo), 2,
         ("{folder}/r31/weapons.csv", "not a regular file"), ("processes",)),
    Case("kiel: the release is /dev/zero", lambda f: process("data", "import", "kiel", "/dev/zero"),
         2, ("/dev/zero", "not a regular file"), ("processes",)),
    Case("kiel: the release zip is a named pipe", _special_source("kiel", "r.zip", os.mkfifo), 2,
         ("{folder}/r.zip", "not a regular file"), ("processes",)),
]  # fmt: skip
