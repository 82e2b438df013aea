"""User-supplied files: every problem is a DataError naming file, line, column, value, expectation."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare.paths import bundled_data_dir


@pytest.fixture
def spending_rows() -> list[dict[str, str]]:
    """The first 40 rows of the bundled 2024 edition as text (header + data)."""
    text = (bundled_data_dir() / "nato_defexp_2024.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    return rows[:40]


def write(tmp_path: Path, rows: list[dict[str, str]], name: str = "mine.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_valid_user_file_loads_every_row(tmp_path, spending_rows):
    path = write(tmp_path, spending_rows)
    frame = bs.load_spending(path=path)
    assert len(frame) == len(spending_rows)
    assert frame["value"].iloc[0] == float(spending_rows[0]["value"])


def error_for(path: Path) -> str:
    with pytest.raises(bs.DataError) as info:
        bs.load_spending(path=path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_missing_column(tmp_path, spending_rows):
    for row in spending_rows:
        del row["unit"]
    message = error_for(write(tmp_path, spending_rows))
    assert "missing column(s) 'unit'" in message


def test_unknown_country_code(tmp_path, spending_rows):
    spending_rows[4]["iso3"] = "XYZ"
    message = error_for(write(tmp_path, spending_rows))
    assert "line 6, column 'iso3'" in message and "'XYZ'" in message and "ISO3" in message


def test_duplicate_key(tmp_path, spending_rows):
    spending_rows[9] = dict(spending_rows[2])
    message = error_for(write(tmp_path, spending_rows))
    assert "line 11" in message and "unique key (same as line 4)" in message


def test_non_numeric_value(tmp_path, spending_rows):
    spending_rows[0]["value"] = "12,5k"
    message = error_for(write(tmp_path, spending_rows))
    assert "line 2, column 'value': got '12,5k', expected a number" in message


def test_negative_money(tmp_path, spending_rows):
    assert spending_rows[1]["indicator"] == "defexp_ncu_current_m"
    spending_rows[1]["value"] = "-5"
    message = error_for(write(tmp_path, spending_rows))
    assert "line 3" in message and "money and counts >= 0" in message


def test_share_outside_0_100(tmp_path):
    text = (bundled_data_dir() / "nato_defexp_2025.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))[:20]
    assert rows[3]["indicator"] == "defexp_share_gdp_pct"
    rows[3]["value"] = "130"
    message = error_for(write(tmp_path, rows))
    assert "line 5" in message and "shares within 0-100" in message


def test_implausible_year(tmp_path, spending_rows):
    spending_rows[2]["year"] = "1848"
    message = error_for(write(tmp_path, spending_rows))
    assert "line 4, column 'year'" in message and "between 1949 and 2100" in message


def test_year_after_the_edition(tmp_path, spending_rows):
    spending_rows[2]["year"] = "2031"
    message = error_for(write(tmp_path, spending_rows))
    assert "line 4" in message and "no later than the edition" in message


def test_wrong_unit(tmp_path, spending_rows):
    spending_rows[5]["unit"] = "billion US$"
    message = error_for(write(tmp_path, spending_rows))
    assert "line 7" in message and "unit must be the indicator's unit" in message


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert "empty" in error_for(path)


def test_header_only(tmp_path, spending_rows):
    path = tmp_path / "header.csv"
    path.write_text(",".join(spending_rows[0]) + "\n")
    assert "no data rows" in error_for(path)


def test_binary_garbage(tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00\x01binary\xff\xfe")
    assert "binary" in error_for(path)


def test_wrong_encoding(tmp_path, spending_rows):
    path = write(tmp_path, spending_rows)
    text = path.read_text(encoding="utf-8").replace("Albania", "Albanië", 1)
    path.write_bytes(text.encode("latin-1"))
    message = error_for(path)
    assert "line 2 is not valid UTF-8" in message and "UTF-8" in message


def test_edition_label_that_does_not_exist():
    with pytest.raises(bs.DataError, match=r"Edition '2019' .* Available: 2024, 2025, 2026"):
        bs.load_spending(edition="2019")
    with pytest.raises(bs.DataError, match="Release '1999'"):
        bs.load_sipri(release="1999")


def test_user_file_without_requested_edition(tmp_path, spending_rows):
    path = write(tmp_path, spending_rows)
    with pytest.raises(bs.DataError, match="has no edition '2026'"):
        bs.load_spending(edition="2026", path=path)


def test_every_problem_is_listed_with_a_count(tmp_path, spending_rows):
    for row in spending_rows[:12]:
        row["value"] = "n/a"
    message = error_for(write(tmp_path, spending_rows))
    assert "12 problem(s)" in message and "and 4 more" in message


def test_missing_file_is_a_data_error(tmp_path):
    assert "not found" in error_for(tmp_path / "nope.csv")


def test_sipri_user_file_is_validated(tmp_path):
    frame = bs.load_sipri()
    bad = frame.head(5).copy()
    bad.loc[2, "value"] = -3.0
    bad.loc[2, "indicator"] = "milex_usd_current_m"
    bad.loc[2, "unit"] = "million US$"
    bad.loc[2, "price_base_year"] = pd.NA
    path = tmp_path / "sipri.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(bs.DataError, match=r"line 4.*money and counts >= 0"):
        bs.load_sipri(path=path)


def test_unknown_edition_says_how_to_add_a_newer_one():
    with pytest.raises(bs.DataError, match="burdenshare data import"):
        bs.load_spending(edition="2019")
    with pytest.raises(bs.DataError, match="pass path="):
        bs.load_support(release="R99")
