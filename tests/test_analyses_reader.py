"""Shown tables carry reader values: no NaN, booleans, long floats, scientific notation, internal
ids or ISO3 lists on screen, while the CSV keeps the original values (property tests + the real
tables of the analyses)."""

from __future__ import annotations

import io
import math
import re
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare.analyses import display
from burdenshare.analyses.reader import MISSING, MISSING_NOTE, number, reader_frame
from tests import examples

#: What a reader must never see in a shown table (issue: "tables a reader can read").
RAW = re.compile(
    r"\bNaN\b|\bnan\b|<NA>|\bNone\b|\bTrue\b|\bFalse\b|\bNaT\b"
    r"|\d[eE][+-]?\d"  # scientific notation
    r"|\d\.\d{4,}"  # long floats
    r"|\b\d{4,}\.0\b"  # 1629630.0
    r"|\[['\"]"  # a Python list
    r"|\b(?:P\d{3}|[A-Z]{3,}-(?:\d{2}|NEXT))\b|\.csv:\d"  # internal ids
)

floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e13, max_value=1e13),
    st.just(float("nan")),
)


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 6))
    columns = {
        "share_gdp_pct": draw(st.lists(floats, min_size=n, max_size=n)),
        "defexp_usd_current_m": draw(st.lists(floats, min_size=n, max_size=n)),
        "ratio": draw(st.lists(floats, min_size=n, max_size=n)),
        "estimate": draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)),
        "allies": draw(
            st.lists(
                st.lists(st.sampled_from(["POL", "DEU", "USA", "EST"]), max_size=3).map(tuple),
                min_size=n,
                max_size=n,
            )
        ),
        "fact_id": [f"UDCG-{i:02d}" for i in range(n)],
        "count": draw(st.lists(st.integers(0, 10**9), min_size=n, max_size=n)),
    }
    frame = pd.DataFrame(columns)
    frame["estimate"] = frame["estimate"].astype("boolean")
    return frame


@settings(max_examples=examples(60), deadline=None)
@given(tables())
def test_no_raw_value_reaches_the_reader(table: pd.DataFrame):
    shown = reader_frame(table)
    for text in (repr(shown), shown._repr_html_()):
        found = RAW.search(text)
        assert found is None, (found.group(0), text)


@settings(max_examples=examples(60), deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_a_number_reads_back_as_its_rounded_value(value: float):
    for decimals in (0, 1, 2):
        text = number(value, decimals)
        assert "e" not in text.lower()
        assert float(text.replace(",", "")) == pytest.approx(round(value, decimals), abs=1e-9)


def test_values_are_written_for_readers():
    table = pd.DataFrame(
        {
            "iso3": ["POL", "DEU"],
            "year": [2025, 2026],
            "share_gdp_pct": [4.4812, np.nan],
            "defexp_usd_current_m": [1629630.0, 8.05801e8],
            "estimate": pd.array([True, pd.NA], dtype="boolean"),
            "allies": [("EST", "LVA"), ()],
            "status": ["zero_may_be_blank", "allowed"],
            "source_url": ["https://www.nato.int/a/b?c=1", None],
            "ref": ["restrictions_long_range.csv:15", "x.csv:2"],
        }
    )
    shown = reader_frame(table)
    cells = shown.cells
    assert list(cells.columns) == [
        "Country",
        "Year",
        "Share of GDP (%)",
        "Defence expenditure (million US$, current prices)",
        "Estimate",
        "Allies",
        "Status",
        "Source URL",
    ]
    assert cells.iloc[0].tolist() == [
        "Poland",
        "2025",
        "4.48",
        "1,629,630",
        "yes",
        "Estonia, Latvia",
        "zero may be blank",
        "https://www.nato.int/a/b?c=1",
    ]
    assert cells.iloc[1].tolist()[2:5] == [MISSING, "805,801,000", MISSING]
    assert shown.note == MISSING_NOTE and not shown.show_index
    html = shown._repr_html_()
    assert '<a href="https://www.nato.int/a/b?c=1">nato.int</a>' in html
    assert "restrictions_long_range" not in html and MISSING_NOTE in html


def test_an_iso3_index_beside_a_country_column_is_not_shown_twice():
    table = pd.DataFrame(
        {"country": ["Belgium"], "status": ["restricted"]}, index=pd.Index(["BEL"], name="iso3")
    )
    shown = reader_frame(table)
    assert not shown.show_index and list(shown.cells.columns) == ["Country", "Status"]


def test_an_analysis_reason_for_missing_values_is_kept():
    shown = reader_frame(pd.DataFrame({"x_pct": [1.0, math.nan]}), missing="– not comparable")
    assert shown.note == "– not comparable"
    assert reader_frame(pd.DataFrame({"x_pct": [1.0]})).note is None


def test_show_keeps_the_original_values_in_the_csv():
    table = pd.DataFrame({"defexp_usd_current_m": [1629630.123456], "flag": [True]})
    seen = []
    with mock.patch.object(display, "display", lambda obj, metadata=None: seen.append(metadata)):
        display.show(table, name="t")
    back = pd.read_csv(io.StringIO(seen[0][display.TABLE_KEY]["csv"]), index_col=0)
    assert back["defexp_usd_current_m"].iloc[0] == 1629630.123456
    assert bool(back["flag"].iloc[0]) is True


@pytest.mark.sweeps
@pytest.mark.parametrize(
    "module",
    [
        "alliance_overview",
        "burden_sharing",
        "what_changed",
        "country_profile",
        "hague_2035_pathways",
        "accession_opinion",
        "commitments_briefing",
        "world_comparison",
    ],
)
def test_the_tables_of_the_analyses_show_no_raw_value(module: str):
    import importlib

    result = importlib.import_module(f"burdenshare.analyses.{module}").run()
    for name, table in result.tables.items():
        shown = reader_frame(table, result.headers)
        for text in (repr(shown), shown._repr_html_()):
            found = RAW.search(text)
            assert found is None, (module, name, found.group(0))


def test_references_to_other_rows_read_as_what_they_refer_to():
    table = pd.DataFrame(
        {
            "pledge_id": ["P002", "P005", "P009"],
            "date": ["2025-08-05", "2025-08-05", "2025-08-14"],
            "donor": ["Denmark; Norway; Sweden", "Norway", "Germany"],
            "part_of": [None, "P002", "P404"],
        }
    ).set_index("pledge_id")
    cells = reader_frame(table).cells
    assert cells["Part of"].tolist() == [
        MISSING,
        "Denmark; Norway; Sweden (2025-08-05)",
        "another report",
    ]
    assert "P002" not in repr(reader_frame(table))
