"""Importers on small workbooks built here in the publishers' layouts (no ../shared needed).

Each builder writes a workbook with openpyxl that follows the official layout (NATO: TABLE1 ...
TABLE8b, year headers with ``e``, section titles, ``*`` footnote, aggregates; SIPRI: one sheet per
measure, "Country" header row, region rows, "..."/"xxx" markers, blue estimates, fractions) and
remembers every number it wrote, so the tests compare the import with what the workbook holds.
Malformed variants check that each layout break names its sheet and cell.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Font

import burdenshare as bs
from burdenshare.cli import main
from burdenshare.editions import editions
from burdenshare.importers import import_workbook, read_nato_workbook, read_sipri_workbook

# ------------------------------------------------------------------------------------------------
# NATO builder
# ------------------------------------------------------------------------------------------------
NATO_YEARS = [2022, "2023e", "2024e"]
ALLIES = [
    ("Albania", "Leks", "ALB"),
    ("Czechia", "Koruny", "CZE"),
    ("United States", "US dollars", "USA"),
]
STARRED = {"Czechia"}
FOOTNOTE = (
    "*  These Allies have national laws or political agreements which call for 2% of GDP or more"
    " to be spent on defence annually, consequently future estimates are expected to change."
)
# sheet -> (title, line under the title, sections, aggregates?, star?, currency?)
NATO_SHEETS = {
    "TABLE1": ("Defence expenditure", "Million national currency units",
               [("Current prices", "defexp_ncu_current_m"), ("Constant 2021 prices", "defexp_ncu_constant_m")], False, True, True),
    "TABLE2": ("Defence expenditure", "Million US dollars",
               [("Current prices and exchange rates", "defexp_usd_current_m"),
                ("Constant 2021 prices and exchange rates", "defexp_usd_constant_m")], True, True, False),
    "TABLE3": ("Defence expenditure as a share of GDP and annual real change", "Based on 2021 prices",
               [("Share of real GDP (%)", "defexp_share_gdp_pct"), ("Annual real change (%)", "defexp_real_change_pct")], True, True, False),
    "TABLE5": ("GDP", "Million US dollars",
               [("Current prices and exchange rates", "gdp_usd_current_m"),
                ("Constant 2021 prices and exchange rates", "gdp_usd_constant_m")], True, False, False),
    "TABLE6": ("GDP per capita and defence expenditure per capita", "2021 prices and exchange rates",
               [("GDP per capita (thousand US dollars)", "gdp_per_capita_constant_kusd"),
                ("Defence expenditure per capita (US dollars)", "defexp_per_capita_constant_usd")], True, False, False),
    "TABLE8a": ("Distribution of defence expenditure by main category", "Percentage of total defence expenditure",
                [("Equipment (a)", "equipment_share_pct"), ("Personnel (b)", "personnel_share_pct")], False, False, False),
    "TABLE8b": ("Distribution of defence expenditure by main category", "Percentage of total defence expenditure",
                [("Infrastructure (c)", "infrastructure_share_pct"), ("Other (d)", "other_share_pct")], False, False, False),
}  # fmt: skip


def build_nato(
    path: Path, *, core: bool = False, bump: float = 0.0, tweak: Callable | None = None
) -> dict[tuple[str, int, str], float]:
    """Write a NATO tables workbook; return {(iso3, year, indicator): value} of what it holds."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    written: dict[tuple[str, int, str], float] = {}
    counter = iter(range(1, 10_000))
    word = "Core defence expenditure" if core else "Defence expenditure"
    for name, (title, subtitle, sections, aggregates, star, currency) in NATO_SHEETS.items():
        ws = wb.create_sheet(name)
        number = name.removeprefix("TABLE")
        ws["B4"] = f"Table {number} : {title.replace('Defence expenditure', word)}"
        ws["B6"] = subtitle
        for i, year in enumerate(NATO_YEARS):
            ws.cell(8, 4 + i, year)
        row = 10
        for section, indicator in sections:
            ws.cell(row, 2, section)
            row += 1
            for country, cur, iso3 in ALLIES:
                label = country + ("*" if star and country in STARRED else "")
                ws.cell(row, 3, f"{label}   ({cur})" if currency else label)
                for i, year in enumerate(NATO_YEARS):
                    if (iso3, i) == ("USA", 0) and indicator == "equipment_share_pct":
                        continue  # an empty cell: absent, not zero
                    value = next(counter) / 8 + bump
                    ws.cell(row, 4 + i, value)
                    written[(iso3, int(str(year)[:4]), indicator)] = value
                row += 1
            if aggregates:
                for label, code in (
                    ("NATO Europe and Canada", "NATO_EUR_CAN"),
                    ("NATO Total", "NATO_TOTAL"),
                ):
                    ws.cell(row, 2, label)
                    for i, year in enumerate(NATO_YEARS):
                        value = next(counter) / 8
                        ws.cell(row, 4 + i, value)
                        written[(code, int(str(year)[:4]), indicator)] = value
                    row += 1
            else:
                for i in range(3):
                    ws.cell(row, 4 + i, "#REF!")  # NATO's unlabelled residue rows
                row += 1
        if star:
            ws.cell(row + 3, 3, FOOTNOTE)
        ws.cell(row + 5, 2, "-7-")
    table4 = wb.create_sheet("TABLE4", 3)
    table4["B16"] = "Table 4 : Defence expenditure real change 2014-2024e"
    ws = wb.create_sheet("TABLE7", 6)
    ws["C16"] = "Table 7 : Military personnel"
    ws["C18"] = "Thousands"
    for i, year in enumerate(NATO_YEARS):
        ws.cell(20, 5 + i, year)
    for r, (country, _, iso3) in enumerate(ALLIES, start=23):
        ws.cell(r, 4, country)
        for i, year in enumerate(NATO_YEARS):
            value = next(counter) / 8
            ws.cell(r, 5 + i, value)
            written[(iso3, int(str(year)[:4]), "military_personnel_k")] = value
    ws.cell(30, 4, "Notes: Figures for 2023 and 2024 are estimates.")
    if tweak:
        tweak(wb)
    wb.save(path)
    return written


# ------------------------------------------------------------------------------------------------
# SIPRI builder
# ------------------------------------------------------------------------------------------------
SIPRI_YEARS = [2021, 2022, 2023]
SIPRI_COUNTRIES = [
    ("Poland", "Zlotys    ", "POL"),
    ("Ukraine", "Hryvnias", "UKR"),
    ("Austria", "Euro", "AUT"),
]
KEEP = ["POL", "UKR"]
# sheet -> (indicator, columns before the years, fraction?)
SIPRI_SHEETS = {
    "Local currency calendar years": ("milex_lcu_current", ["Country", "Currency", "Notes"], False),
    "Constant (2023) US$": ("milex_usd_constant_m", ["Country", "", "Notes"], False),
    "Current US$": ("milex_usd_current_m", ["Country", "Notes"], False),
    "Share of GDP": ("milex_share_gdp_pct", ["Country", "Notes"], True),
    "Per capita": ("milex_per_capita_usd", ["Country", "Notes"], False),
    "Share of Govt. spending": ("milex_share_govt_pct", ["Country", "Notes", "Reporting year"], True),
}  # fmt: skip
BLUE = Font(color="FF0000FF")


def build_sipri(
    path: Path, *, tweak: Callable | None = None
) -> dict[tuple[str, int, str], tuple[float, bool]]:
    """Write a SIPRI Milex workbook; return {(iso3, year, indicator): (stored value, blue)}."""
    wb = openpyxl.Workbook()
    wb.active.title = "Front page"
    written: dict[tuple[str, int, str], tuple[float, bool]] = {}
    counter = iter(range(1, 10_000))
    for name, (indicator, lead, fraction) in SIPRI_SHEETS.items():
        ws = wb.create_sheet(name)
        ws["A1"] = "Military expenditure by country, 1949-2023      © SIPRI 2024"
        ws["A3"] = (
            "Figures in blue are SIPRI estimates. Figures in red indicate highly uncertain data."
        )
        ws["A4"] = '". ." = data unavailable. "xxx" = country did not exist.'
        for c, text in enumerate(lead, start=1):
            ws.cell(6, c, text)
        first = len(lead) + 1
        for i, year in enumerate(SIPRI_YEARS):
            ws.cell(6, first + i, year)
        ws["A8"] = "Europe"
        ws["A9"] = "Central Europe"
        for r, (country, currency, iso3) in enumerate(SIPRI_COUNTRIES, start=10):
            ws.cell(r, 1, country)
            ws.cell(r, lead.index("Notes") + 1, "§4")
            if "Currency" in lead:
                ws.cell(r, 2, currency)
            for i, year in enumerate(SIPRI_YEARS):
                cell = ws.cell(r, first + i)
                if iso3 == "UKR" and i == 0:
                    cell.value = "..." if fraction else "xxx"
                    continue
                value = next(counter) / (1000 if fraction else 4)
                cell.value = value
                blue = iso3 == "UKR" and year == 2023
                if blue:
                    cell.font = BLUE
                written[(iso3, year, indicator)] = (value, blue)
    wb.create_sheet("Footnotes")["A1"] = "Footnotes and special notes"
    if tweak:
        tweak(wb)
    wb.save(path)
    return written


# ------------------------------------------------------------------------------------------------
# Parsing a well-formed workbook
# ------------------------------------------------------------------------------------------------
def test_nato_workbook_every_cell_imported(tmp_path):
    written = build_nato(tmp_path / "def-exp-2024-en.xlsx")
    frame = read_nato_workbook(tmp_path / "def-exp-2024-en.xlsx")
    got = {(r.iso3, r.year, r.indicator): r.value for r in frame.itertuples()}
    assert got == written  # every number, nothing invented (the empty cell is absent)
    assert ("USA", 2022, "equipment_share_pct") not in got
    assert set(frame["edition"]) == {"2024"}
    assert set(frame["definition"]) == {"defence expenditure"}
    assert set(frame.loc[frame["estimate"], "year"]) == {2023, 2024}
    constant = frame["prices"] == "constant"
    assert set(frame.loc[constant, "price_base_year"]) == {2021}
    assert frame.loc[~constant, "price_base_year"].isna().all()
    ncu = frame[frame.indicator.str.startswith("defexp_ncu")]
    assert dict(zip(ncu.iso3, ncu.currency, strict=True)) == {
        "ALB": "ALL",
        "CZE": "CZK",
        "USA": "USD",
    }
    starred = frame.loc[frame["note"].notna(), "iso3"]
    assert set(starred) == {"CZE"} and "2% of GDP" in frame["note"].dropna().iloc[0]
    assert frame.loc[frame.iso3.isin(["NATO_TOTAL", "NATO_EUR_CAN"]), "aggregate"].all()


def test_nato_core_definition_read_from_titles(tmp_path):
    build_nato(tmp_path / "def-exp-2026-en.xlsx", core=True)
    frame = read_nato_workbook(tmp_path / "def-exp-2026-en.xlsx", edition="2026")
    assert set(frame["definition"]) == {"core defence expenditure"}
    assert set(frame["edition"]) == {"2026"}


def test_sipri_workbook_every_cell_imported(tmp_path):
    written = build_sipri(tmp_path / "SIPRI-Milex-data-1949-2023.xlsx")
    frame = read_sipri_workbook(tmp_path / "SIPRI-Milex-data-1949-2023.xlsx", countries=KEEP)
    assert set(frame["release"]) == {"2024"}  # data to 2023 -> the 2024 release
    kept = {k: v for k, v in written.items() if k[0] in KEEP}
    assert len(frame) == len(kept)
    for row in frame.itertuples():
        stored, blue = kept[(row.iso3, row.year, row.indicator)]
        share = row.indicator in ("milex_share_gdp_pct", "milex_share_govt_pct")
        assert row.value == (stored * 100 if share else stored)
        assert row.estimate == blue
    assert not ((frame.iso3 == "UKR") & (frame.year == 2021)).any()  # '...' and 'xxx'
    lcu = frame[frame.indicator == "milex_lcu_current"]
    assert dict(zip(lcu.iso3, lcu.currency, strict=False)) == {"POL": "PLN", "UKR": "UAH"}
    assert set(frame.loc[frame.indicator == "milex_usd_constant_m", "price_base_year"]) == {2023}


def test_sipri_default_countries_are_allies_ukraine_russia(tmp_path):
    build_sipri(tmp_path / "milex.xlsx")
    with pytest.raises(bs.DataError, match=r"no row for .*\(RUS\)"):
        read_sipri_workbook(tmp_path / "milex.xlsx")


# ------------------------------------------------------------------------------------------------
# Malformed workbooks: each names sheet, cell and expectation; nothing is stored
# ------------------------------------------------------------------------------------------------
def _drop(sheet: str) -> Callable:
    return lambda wb: wb.remove(wb[sheet])


def _shift_nato_header(wb: openpyxl.Workbook) -> None:
    ws = wb["TABLE2"]
    for i, year in enumerate(NATO_YEARS):
        ws.cell(8, 5 + i, year)
    ws.cell(8, 4).value = None


def _shift_sipri_header(wb: openpyxl.Workbook) -> None:
    ws = wb["Current US$"]
    ws.cell(6, 2, "")
    ws.cell(6, 3, "Notes")
    for i, year in enumerate(SIPRI_YEARS):
        ws.cell(6, 4 + i, year)


def _set(sheet: str, ref: str, value: object) -> Callable:
    def tweak(wb: openpyxl.Workbook) -> None:
        wb[sheet][ref] = value

    return tweak


NATO_BROKEN = [
    ("missing sheet", _drop("TABLE5"), ["no sheet 'TABLE5'", "TABLE1"]),
    ("header row shifted", _shift_nato_header, ["sheet 'TABLE2', cell D11", "year columns E8:G8", "shifted"]),
    ("text in a number cell", _set("TABLE3", "E12", "n/a"), ["sheet 'TABLE3', cell E12", "'n/a'", "a number"]),
    ("duplicated country", _set("TABLE8a", "C13", "Albania"), ["sheet 'TABLE8a', cell C13", "once per section", "row 11"]),
    ("unknown currency", _set("TABLE1", "C11", "Albania   (Gold)"), ["sheet 'TABLE1', cell C11", "Unknown currency name 'Gold'"]),
    ("missing section", _set("TABLE3", "B16", "Something else"), ["sheet 'TABLE3'", "Annual real change"]),
]  # fmt: skip
SIPRI_BROKEN = [
    ("missing sheet", _drop("Per capita"), ["no sheet 'Per capita'"]),
    ("header row shifted", _shift_sipri_header, ["sheet 'Current US$', cell C10", "year columns D6:F6"]),
    ("text in a number cell", _set("Share of GDP", "D10", "4,1%"), ["sheet 'Share of GDP', cell D10", "'4,1%'", "a number"]),
    ("duplicated country", _set("Current US$", "A12", "Poland"), ["sheet 'Current US$', cell A12", "once", "row 10"]),
    ("percent instead of fractions", _set("Share of GDP", "E10", 4.15), ["sheet 'Share of GDP', cell E10", "a fraction"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "tweak", "expected"), NATO_BROKEN, ids=[c[0] for c in NATO_BROKEN]
)
def test_malformed_nato_workbook_names_sheet_and_cell(tmp_path, case, tweak, expected):
    path = tmp_path / "broken.xlsx"
    build_nato(path, tweak=tweak)
    with pytest.raises(bs.DataError) as info:
        import_workbook("nato", path)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message, f"{case}: {part!r} not in {message}"
    assert [p.name for p in Path(bs.paths.user_data_dir_path()).glob("*")] == []


@pytest.mark.parametrize(
    ("case", "tweak", "expected"), SIPRI_BROKEN, ids=[c[0] for c in SIPRI_BROKEN]
)
def test_malformed_sipri_workbook_names_sheet_and_cell(tmp_path, case, tweak, expected):
    path = tmp_path / "broken.xlsx"
    build_sipri(path, tweak=tweak)
    with pytest.raises(bs.DataError) as info:
        read_sipri_workbook(path, countries=KEEP)
    message = str(info.value)
    assert str(path) in message
    for part in expected:
        assert part in message, f"{case}: {part!r} not in {message}"


def test_not_a_workbook(tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_text("iso3,year\nPOL,2024\n")
    with pytest.raises(bs.DataError, match=r"not a readable \.xlsx workbook"):
        read_nato_workbook(path)


# ------------------------------------------------------------------------------------------------
# The store: loaders serve imports, same file is a no-op, a different file needs --replace
# ------------------------------------------------------------------------------------------------
def test_import_then_load_serves_the_new_edition(tmp_path):
    written = build_nato(tmp_path / "def-exp-2031-en.xlsx")
    result = import_workbook("nato", tmp_path / "def-exp-2031-en.xlsx", "2031")
    assert (result.status, result.label, result.overrides_bundled) == ("imported", "2031", False)
    frame = bs.load_spending(edition="2031")
    assert len(frame) == len(written)
    assert bs.load_spending()["edition"].iloc[0] == "2031"  # newest label is "latest"
    folder = bs.paths.user_data_dir_path()
    name = result.path.relative_to(folder).as_posix()
    assert name.startswith("tables/nato_defexp_2031.") and name.endswith(".csv")
    entry = json.loads((folder / "manifest.json").read_text())["files"][name]
    assert entry["dataset"] == "nato_spending" and entry["edition"] == "2031"
    assert entry["source_file"] == "def-exp-2031-en.xlsx" and len(entry["source_sha256"]) == 64
    assert entry["rows"] == len(written) and entry["imported"]
    assert bs.manifest.verify(folder) == []


def _panel_values(panel: pd.DataFrame) -> dict:
    return panel.drop(columns="estimate").stack().dropna().to_dict()


def _allies(long: pd.DataFrame) -> dict:
    rows = long[~long["aggregate"] & long["value"].notna()]
    return {(r.iso3, r.year, r.indicator): r.value for r in rows.itertuples()}


def test_same_file_twice_is_a_no_op_and_another_file_needs_replace(tmp_path):
    first = build_nato(tmp_path / "n1.xlsx")
    second = build_nato(tmp_path / "n2.xlsx", bump=1.0)  # the same edition, revised figures
    assert first != second
    first_import = import_workbook("nato", tmp_path / "n1.xlsx")
    assert first_import.status == "imported"
    folder = bs.paths.user_data_dir_path()
    before = (folder / "manifest.json").read_bytes()
    csv_stat = first_import.path.stat()
    old = bs.load_spending(edition="2024")  # the import overrides the bundled 2024 edition
    assert {(r.iso3, r.year, r.indicator): r.value for r in old.itertuples()} == first
    assert _panel_values(bs.spending_panel("2024")) == _allies(old)
    assert import_workbook("nato", tmp_path / "n1.xlsx").status == "unchanged"
    assert (folder / "manifest.json").read_bytes() == before
    assert first_import.path.stat().st_mtime_ns == csv_stat.st_mtime_ns
    with pytest.raises(bs.DataError, match="--replace"):
        import_workbook("nato", tmp_path / "n2.xlsx")
    assert (folder / "manifest.json").read_bytes() == before
    replaced = import_workbook("nato", tmp_path / "n2.xlsx", replace=True)
    assert replaced.status == "replaced"
    assert not first_import.path.exists()  # the replaced table is gone, the new one listed
    assert [p.name for p in (folder / "tables").iterdir()] == [replaced.path.name]
    new = bs.load_spending(edition="2024")  # same process: the cache must not serve the old file
    assert {(r.iso3, r.year, r.indicator): r.value for r in new.itertuples()} == second
    assert _panel_values(bs.spending_panel("2024")) == _allies(new) != _allies(old)
    assert bs.manifest.verify(folder) == []


def test_imported_label_overrides_bundled(tmp_path):
    written = build_nato(tmp_path / "def-exp-2024-en.xlsx")
    assert editions("nato_spending")["2024"].origin == "bundled"
    result = import_workbook("nato", tmp_path / "def-exp-2024-en.xlsx")
    assert result.overrides_bundled
    assert editions("nato_spending")["2024"].origin == "imported"
    assert len(bs.load_spending(edition="2024")) == len(written)


def test_refuses_to_write_inside_the_package(tmp_path):
    build_nato(tmp_path / "n.xlsx")
    with pytest.raises(bs.ParameterError, match="BURDENSHARE_DATA_HOME"):
        import_workbook("nato", tmp_path / "n.xlsx", folder=bs.paths.bundled_data_dir())


def test_cli_import_and_info(tmp_path, capsys):
    build_sipri(tmp_path / "milex.xlsx")
    build_nato(tmp_path / "nato.xlsx")
    assert main(["data", "import", "nato", str(tmp_path / "nato.xlsx"), "--edition", "2030"]) == 0
    assert "Imported nato edition 2030" in capsys.readouterr().out
    assert main(["data", "import", "nato", str(tmp_path / "nato.xlsx"), "--edition", "2030"]) == 0
    assert "nothing to do" in capsys.readouterr().out
    # The small SIPRI workbook lacks Russia: a clear error, exit code 2, nothing stored.
    assert main(["data", "import", "sipri", str(tmp_path / "milex.xlsx")]) == 2
    assert "(RUS)" in capsys.readouterr().err
    assert main(["data", "info"]) == 0
    out = capsys.readouterr().out
    bundled, imported = out.split("Imported editions")
    assert "nato_defexp_2024.csv" in bundled
    assert "nato_spending      2030" in imported and "sipri_milex" not in imported


# ------------------------------------------------------------------------------------------------
# Formulas: served by the value the workbook stored; without one, the import stops at the cell
# ------------------------------------------------------------------------------------------------
def _store_formula_value(path: Path, formula: str, value: float) -> None:
    """Write ``value`` as the stored result of ``formula`` (as Excel does when it saves)."""
    import zipfile

    copy = path.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(
                    f"<f>{formula}</f><v /></c>".encode(),
                    f"<f>{formula}</f><v>{value}</v></c>".encode(),
                )
            target.writestr(item, data)
    copy.replace(path)


def test_formula_cells_are_read_as_their_stored_values(tmp_path):
    path = tmp_path / "def-exp-2024-en.xlsx"
    written = build_nato(path, tweak=_set("TABLE3", "E12", "=D12*2"))
    with pytest.raises(bs.DataError, match=r"sheet 'TABLE3', cell E12 \(=D12\*2\)"):
        read_nato_workbook(path)
    _store_formula_value(path, "D12*2", 0.25)
    frame = read_nato_workbook(path)
    assert len(frame) == len(written)  # no row dropped
    got = frame[(frame.iso3 == "CZE") & (frame.year == 2023)].set_index("indicator")["value"]
    assert got["defexp_share_gdp_pct"] == 0.25  # E12 = Czechia 2023e, the value Excel stored
