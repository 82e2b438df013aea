"""User files for the support-side loaders: every problem is a DataError naming file, line, column,
value and expectation; bad parameters are ParameterErrors. Plus a property test of convert()."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare import schemas
from burdenshare.paths import bundled_data_dir

# loader name -> (call with a path, bundled file used as a template, its TableSpec)
LOADERS: dict[str, tuple[Callable[[Path], pd.DataFrame], str, schemas.TableSpec]] = {
    "support": (
        lambda p: bs.load_support("all", currency=None, path=p),
        "kiel_support_r29.csv",
        schemas.SUPPORT,
    ),
    "support_r28": (
        lambda p: bs.load_support("all", currency=None, path=p),
        "kiel_support_r28.csv",
        schemas.SUPPORT,
    ),
    "monthly": (
        lambda p: bs.load_support_monthly(path=p),
        "kiel_monthly_by_donor_r29.csv",
        schemas.SUPPORT_MONTHLY,
    ),
    "totals": (
        lambda p: bs.load_support_monthly_totals(path=p),
        "kiel_monthly_totals_r29.csv",
        schemas.SUPPORT_MONTHLY_TOTALS,
    ),
    "items": (lambda p: bs.load_support_items(path=p), "kiel_items_r28.csv", schemas.SUPPORT_ITEMS),
    "weapons": (
        lambda p: bs.load_heavy_weapons(path=p),
        "kiel_heavy_weapons_r29.csv",
        schemas.HEAVY_WEAPONS,
    ),
    "disbursements": (
        lambda p: bs.load_disbursements(path=p),
        "kiel_disbursements_r28.csv",
        schemas.DISBURSEMENTS,
    ),
    "gdp": (lambda p: bs.load_donor_gdp(path=p), "kiel_donor_gdp.csv", schemas.DONOR_GDP),
    "headlines": (
        lambda p: bs.load_support_headlines(path=p),
        "kiel_release_headlines.csv",
        schemas.HEADLINES,
    ),
    "pledges": (lambda p: bs.load_pledges(path=p), "pledges_2024_2025.csv", schemas.PLEDGES),
    "fx": (lambda p: bs.load_fx(path=p), "fx_ecb_annual.csv", schemas.FX),
    "opinion": (lambda p: bs.load_opinion(path=p), "opinion_ukraine_nato.csv", schemas.OPINION),
    "restrictions": (
        lambda p: bs.load_restrictions(path=p),
        "restrictions_long_range.csv",
        schemas.RESTRICTIONS,
    ),
    "mechanisms": (
        lambda p: bs.load_mechanisms(path=p),
        "nato_ukraine_mechanisms.csv",
        schemas.MECHANISMS,
    ),
}


def rows_of(name: str, n: int = 30) -> list[dict[str, str]]:
    text = (bundled_data_dir() / LOADERS[name][1]).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))[:n]


def write(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "mine.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def error_for(name: str, path: Path) -> str:
    with pytest.raises(bs.DataError) as info:
        LOADERS[name][0](path)
    message = str(info.value)
    assert str(path) in message
    return message


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_valid_user_file_loads_every_row(tmp_path, name):
    rows = rows_of(name)
    assert len(LOADERS[name][0](write(tmp_path, rows))) == len(rows)


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_missing_column(tmp_path, name):
    spec = LOADERS[name][2]
    column = next(c for c in spec.key if c not in spec.optional)
    rows = rows_of(name)
    for row in rows:
        del row[column]
    assert f"missing column(s) '{column}'" in error_for(name, write(tmp_path, rows))


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_duplicate_key(tmp_path, name):
    rows = rows_of(name, 5)
    rows.append(dict(rows[1]))
    message = error_for(name, write(tmp_path, rows))
    assert "line 7" in message and "unique key (same as line 3)" in message


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_empty_binary_and_wrongly_encoded_files(tmp_path, name):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in error_for(name, empty)
    binary = tmp_path / "book.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00garbage\x00\xff")
    assert "binary" in error_for(name, binary)
    latin = tmp_path / "latin.csv"
    text = (bundled_data_dir() / LOADERS[name][1]).read_text(encoding="utf-8")
    latin.write_bytes(
        "\n".join(text.splitlines()[:3]).encode("utf-8") + "\nTürkiye é\n".encode("latin-1")
    )
    assert "UTF-8" in error_for(name, latin)


# (loader, row, column, bad value, words the message must contain)
BAD_CELLS = [
    ("support", 0, "iso3", "XYZ", ["column 'iso3'", "'XYZ'", "ISO3"]),
    ("support", 0, "iso3", "EUU", ["column 'iso3'", "EU_INST"]),
    ("support", 0, "value", "n/a", ["column 'value'", "'n/a'", "a number"]),
    ("support_r28", 1, "value", "-1.5", ["money >= 0"]),
    ("support", 0, "value", "150", ["% of GDP within 0-100"]),
    ("support", 0, "unit", "million EUR", ["column 'unit'", "'million EUR'"]),
    ("support_r28", 1, "currency", "GBP", ["currency EUR for 'billion EUR'"]),
    ("support", 0, "release", "Release 29", ["column 'release'", "Kiel release label"]),
    ("support", 0, "measure", "disbursement", ["column 'measure'", "'disbursement'", "allocation"]),
    ("support", 0, "aid_type", "total_bilateral", ["column 'aid_type'", "military"]),
    ("support", 0, "scope", "eu_share", ["unique key"]),  # now the key of another row
    ("monthly", 0, "month", "2021-12", ["tracker's span"]),
    ("monthly", 0, "month", "2026-07", ["tracker's span", "R29: 2026-04"]),
    ("monthly", 0, "month", "2025-13", ["column 'month'", "a month YYYY-MM"]),
    ("monthly", 0, "measure", "pledge", ["column 'measure'", "'pledge'"]),
    ("monthly", 0, "value", "-0.5", ["money >= 0"]),
    ("monthly", 0, "iso3", "ZZZ", ["column 'iso3'", "ISO3"]),
    ("totals", 0, "military_source", "loans", ["column 'military_source'", "nato_purl"]),
    ("totals", 0, "month", "2019-04", ["tracker's span"]),
    ("totals", 0, "currency", "USD", ["column 'currency'", "'USD'"]),
    ("items", 0, "measure", "pledge", ["column 'measure'", "'pledge'"]),
    ("items", 0, "unit", "billion EUR", ["column 'unit'"]),
    ("items", 0, "announcement_date", "2022-02-30", ["column 'announcement_date'", "YYYY-MM-DD"]),
    ("weapons", 0, "number", "-3", ["column 'number'", "a count >= 0"]),
    ("weapons", 0, "value", "-1", ["column 'value'", "money >= 0"]),
    ("weapons", 0, "category", "Boats", ["column 'category'", "'Boats'"]),
    ("disbursements", 0, "month", "2021-06", ["tracker's span"]),
    ("disbursements", 0, "unit", "billion USD", ["column 'unit'"]),
    ("gdp", 0, "gdp_year", "1850", ["column 'gdp_year'", "a year between 2000 and 2100"]),
    ("gdp", 0, "value", "-10", ["column 'value'", "GDP > 0"]),
    ("gdp", 0, "release", "R2x", ["Kiel release label"]),
    ("headlines", 0, "unit", "billion GBP", ["currency matching the unit"]),
    ("headlines", 0, "value", "-4", ["money >= 0"]),
    ("pledges", 0, "currency", "ZZZ", ["column 'currency'", "ISO 4217"]),
    ("pledges", 0, "amount", "-500", ["column 'amount'", "money >= 0"]),
    ("pledges", 0, "amount", "five hundred", ["column 'amount'", "a number"]),
    ("pledges", 0, "date", "summer 2025", ["column 'date'"]),
    ("pledges", 0, "source_url", "", ["a source_url"]),
    ("fx", 0, "currency", "XXY", ["column 'currency'", "ISO 4217"]),
    ("fx", 0, "currency", "EUR", ["a currency other than EUR"]),
    ("fx", 0, "year", "1850", ["column 'year'", "a year between 1999 and 2100"]),
    ("fx", 0, "unit", "EUR per 1 USD", ["unit '<currency> per 1 EUR'"]),
    ("fx", 0, "rate", "-1.1", ["column 'rate'", "a rate > 0"]),
    ("fx", 0, "rate", "1,08", ["column 'rate'", "a number"]),
    ("opinion", 0, "share_pct", "101", ["column 'share_pct'", "0-100"]),
    ("opinion", 0, "share_pct", "-2", ["column 'share_pct'", "0-100"]),
    ("opinion", 0, "base", "everyone", ["column 'base'", "'everyone'"]),
    ("opinion", 0, "published", "June 2015", ["column 'published'", "YYYY-MM"]),
    ("restrictions", 0, "iso3", "XYZ", ["column 'iso3'", "ISO3"]),
    ("restrictions", 0, "status", "maybe", ["column 'status'", "'maybe'"]),
    ("mechanisms", 0, "value", "-3", ["column 'value'", "a value >= 0"]),
    ("mechanisms", 0, "source_url", "www.example", ["column 'source_url'"]),
]


@pytest.mark.parametrize(("name", "row", "column", "bad", "words"), BAD_CELLS)
def test_bad_cell_is_named(tmp_path, name, row, column, bad, words):
    rows = rows_of(name)
    rows[row][column] = bad
    message = error_for(name, write(tmp_path, rows))
    assert f"line {row + 2}" in message
    for word in words:
        assert word in message


def test_unknown_release_label_and_currency_parameters():
    with pytest.raises(bs.DataError, match="Available: R28, R29, R30, R30v2"):
        bs.load_support("R99")
    with pytest.raises(bs.ParameterError, match="not a Kiel release label"):
        bs.load_support("Release 28")
    with pytest.raises(bs.ParameterError, match="'EUR', 'USD'"):
        bs.load_support(currency="GBP")
    with pytest.raises(bs.ParameterError, match="needs a currency"):
        bs.load_support("latest", currency=None)
    with pytest.raises(bs.DataError, match="currency=None"):
        bs.load_support("R30v2", currency="EUR")
    with pytest.raises(bs.ParameterError, match="R28, R29"):
        bs.load_donor_gdp("R30")


def test_restriction_status_rejects_bad_parameters():
    with pytest.raises(bs.ParameterError, match="not a date"):
        bs.restriction_status("yesterday-ish")
    with pytest.raises(bs.ParameterError, match="USA"):
        bs.restriction_status("2025-01-01", country="XYZ")


_FX = bs.load_fx()
_YEARS = sorted(_FX["year"].unique())


@settings(max_examples=200, deadline=None)
@given(
    st.data(),
    st.floats(min_value=1e-6, max_value=1e12, allow_nan=False, allow_infinity=False),
)
def test_converting_there_and_back_is_the_identity(data, amount):
    year = data.draw(st.sampled_from(_YEARS))
    available = ["EUR", *sorted(_FX.loc[_FX["year"] == year, "currency"])]
    source = data.draw(st.sampled_from(available))
    target = data.draw(st.sampled_from(available))
    there = bs.convert(amount, source, target, year)
    assert bs.convert(there, target, source, year) == pytest.approx(amount, rel=1e-12)
    assert there > 0
