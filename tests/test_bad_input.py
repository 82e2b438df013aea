"""User files through every loader: a valid file loads every row as the bundled data does (the
hostile ones are cases in tests/adversarial/cases_loaders.py), the error lists every problem with
a count, and converting money there and back is the identity."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import burdenshare as bs
from burdenshare.validation import read_table
from tests import DATA, examples, write_csv
from tests.adversarial.cases_loaders import LOADERS, template_rows


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_valid_user_file_loads_every_row_as_bundled(tmp_path, name):
    rows = template_rows(name)
    mine = LOADERS[name].load(write_csv(tmp_path, rows))
    assert len(mine) == len(rows)
    bundled = read_table(DATA / LOADERS[name].template, LOADERS[name].spec)
    pd.testing.assert_frame_equal(mine, bundled.head(len(rows)), check_exact=True)


def test_blank_space_around_cells_and_blank_lines_are_tolerated(tmp_path):
    rows = template_rows("fx", 5)
    path = write_csv(tmp_path, [{k: f" {v} " for k, v in row.items()} for row in rows])
    path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    assert bs.load_fx(path=path)["rate"].tolist() == [float(r["rate"]) for r in rows]


def test_every_problem_is_listed_with_a_count(tmp_path):
    rows = template_rows("nato", 40)
    for row in rows[:12]:
        row["value"] = "n/a"
    with pytest.raises(bs.DataError) as info:
        bs.load_spending(path=write_csv(tmp_path, rows))
    message = str(info.value)
    assert "12 problem(s)" in message and "and 4 more" in message
    assert len(info.value.problems) == 12
    assert [p.line for p in info.value.problems] == list(range(2, 14))


def test_user_file_holding_two_editions_needs_one_named(tmp_path):
    rows = template_rows("nato", 3) + [dict(r, edition="2025") for r in template_rows("nato", 3)]
    path = write_csv(tmp_path, rows)
    with pytest.raises(bs.DataError, match="holds editions 2024, 2025"):
        bs.load_spending(path=path)
    assert set(bs.load_spending(edition="2025", path=path)["edition"]) == {"2025"}


_FX = bs.load_fx()
_YEARS = sorted(_FX["year"].unique())


@settings(max_examples=examples(200), deadline=None)
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


def test_a_text_repeated_in_a_column_is_one_string_object(tmp_path):
    # A forked report kernel that copies a bundled table writes to the page of every string it
    # copies: one object per distinct text keeps that to a handful of pages.
    rows = template_rows("nato", 60)
    for row in rows:
        row["iso3"] = f" {row['iso3']}"  # stripped to the same text as the other cells
    frame = bs.load_spending(path=write_csv(tmp_path, rows))
    for column in ("iso3", "indicator", "edition"):
        cells = frame[column].dropna().to_list()
        assert len(cells) == 60
        assert len({id(cell) for cell in cells}) == len(set(cells)) < 60
