"""The field catalogue and the table specs built from it: each column defined once, every number
bounded, the pandera schemas accept every bundled file, `data describe` documents every dataset,
and problems in a typed frame carry their row."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare import datasets, editions, manifest, schemas
from burdenshare.cli import main
from burdenshare.errors import DataError, ParameterError
from burdenshare.schemas.fields import FIELDS
from burdenshare.schemas.model import NUMERIC
from burdenshare.validation import check_frame, find_problems, read_table
from tests import DATA, examples


def _bundled(name: str) -> pd.DataFrame:
    entry = manifest.entries()[name]
    return read_table(DATA / name, schemas.SPECS[entry["schema"]])


def test_every_column_comes_from_the_catalogue():
    used = set()
    for spec in schemas.SPECS.values():
        for field in spec.fields:
            assert field.name in FIELDS, f"{spec.name}.{field.name} is not in the catalogue"
            base = FIELDS[field.name]
            assert field.type == base.type or spec.name == "targets", (spec.name, field.name)
            used.add(field.name)
    assert used == set(FIELDS)  # and no catalogue entry is unused


def test_every_number_is_bounded_on_both_sides_and_finite():
    for spec in schemas.SPECS.values():
        for field in spec.fields:
            if field.type in NUMERIC:
                bounds = field.bounds
                assert bounds is not None and bounds.low is not None and bounds.high is not None
                assert math.isfinite(bounds.low) and math.isfinite(bounds.high)
        for name, indicator in spec.indicators.items():
            assert math.isfinite(indicator.bounds.low) and math.isfinite(indicator.bounds.high), (
                name
            )


def test_columns_nullable_and_optional_are_derived_from_the_fields():
    spec = schemas.SPENDING
    assert list(spec.columns)[:4] == ["iso3", "country", "year", "indicator"]
    assert spec.columns["price_base_year"] == "int"
    assert spec.nullable == {"prices", "price_base_year", "currency", "note"}
    assert spec.optional == {"note"}
    assert spec.key == ("edition", "iso3", "year", "indicator")
    nullable = {name for name, column in spec.schema.columns.items() if column.nullable}
    assert nullable == spec.nullable


@pytest.mark.sweeps
@pytest.mark.parametrize("name", sorted(manifest.entries()))
def test_pandera_schema_accepts_every_bundled_file(name):
    spec = schemas.SPECS[manifest.entries()[name]["schema"]]
    frame = _bundled(name)
    spec.schema.validate(frame)
    assert find_problems(frame, spec) == []


@pytest.mark.parametrize("dataset", sorted({e["dataset"] for e in manifest.entries().values()}))
def test_describe_documents_every_bundled_dataset(dataset, capsys):
    assert main(["data", "describe", dataset]) == 0
    out = capsys.readouterr().out
    spec = schemas.SPECS[dataset]
    assert out.startswith(f"{dataset}: {spec.description}")
    lines = out.splitlines()
    for field in spec.fields:
        row = next(line for line in lines if line.split(" ", 1)[0] == field.name)
        assert field.description in row
        if field.unit:
            assert field.unit in row
    assert out == schemas.describe(spec)


def test_describe_shows_units_bounds_and_indicators():
    text = schemas.describe(schemas.SPENDING)
    assert "defexp_share_gdp_pct            % of GDP" in text
    assert "0 <= x <= 100" in text and "-100 < x <= 1000" in text
    assert "an ally's upper-case ISO3 code" in text
    opinion = schemas.describe(schemas.OPINION)
    assert "share_pct" in opinion and "% of the base" in opinion


def test_describe_without_dataset_lists_them_and_unknown_is_an_error(capsys):
    assert main(["data", "describe"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in schemas.SPECS)
    assert main(["data", "describe", "nato"]) == 2
    assert "dataset 'nato' is unknown" in capsys.readouterr().err


def test_find_problems_gives_rows_and_check_frame_lines():
    frame = _bundled("nato_defexp_2025.csv").head(30).copy()
    frame.loc[3, "value"] = 150.0
    frame.loc[7, "iso3"] = "alb"
    frame.loc[12] = frame.loc[2]
    problems = find_problems(frame, schemas.SPENDING)
    assert [(p.row, p.column, p.line) for p in problems] == [
        (3, "value", None),
        (7, "iso3", None),
        (12, "edition/iso3/year/indicator", None),
    ]
    assert problems[0].expected == "0 <= x <= 100 for defexp_share_gdp_pct (% of GDP)"
    assert problems[2].first_row == 2 and "same as row 2" in problems[2].expected
    with pytest.raises(DataError) as info:
        check_frame(frame, schemas.SPENDING, "sheet X", lines=range(10, 40))
    assert [p.line for p in info.value.problems] == [13, 17, 22]
    assert "same as line 12" in str(info.value)


def test_find_problems_names_a_missing_column_and_an_empty_cell():
    frame = _bundled("fx_ecb_annual.csv").head(5)
    assert [p.column for p in find_problems(frame.drop(columns="rate"), schemas.FX)] == ["rate"]
    frame = frame.copy()
    frame.loc[1, "rate"] = np.nan
    (problem,) = find_problems(frame, schemas.FX)
    assert (problem.row, problem.expected) == (1, "a finite number (the cell is empty)")


_SHARES = _bundled("nato_defexp_2025.csv")
_SHARES = _SHARES[_SHARES.indicator == "defexp_share_gdp_pct"].head(20).reset_index(drop=True)


@settings(max_examples=examples(60), deadline=None)
@given(st.floats(allow_nan=False), st.integers(min_value=0, max_value=19))
def test_a_share_outside_0_100_is_exactly_one_problem_naming_the_bound(value, row):
    frame = _SHARES.copy()
    frame.loc[row, "value"] = value
    problems = find_problems(frame, schemas.SPENDING)
    if 0 <= value <= 100:
        assert problems == []
    else:
        (problem,) = problems
        assert (problem.row, problem.column, problem.value) == (row, "value", value)
        assert "0 <= x <= 100" in problem.expected


def test_duplicate_keys_are_found_in_one_pass_and_listed_first_with_lines():
    """21,000 repeated rows (the issue's case): every repeat found, the first ones listed."""
    frame = _bundled("sipri_milex_2026.csv").head(3000)
    repeated = pd.concat([frame] * 8, ignore_index=True)
    problems = find_problems(repeated, schemas.SIPRI)
    assert len(problems) == 21000
    assert problems[0].row == 3000 and problems[0].first_row == 0
    assert problems[-1].row == 23999 and problems[-1].first_row == 2999
    with pytest.raises(DataError) as info:
        check_frame(repeated, schemas.SIPRI, "big.csv")
    message = str(info.value)
    assert "21000 problem(s)" in message and "line 3002" in message and "same as line 2" in message


def test_every_dataset_has_one_label_rule_and_the_bundled_labels_follow_it():
    ids = {v for k, v in vars(datasets).items() if k.isupper() and isinstance(v, str)}
    assert ids == set(editions.LABEL_RULES) == set(schemas.SPECS)
    for entry in manifest.entries().values():
        assert editions.label_rule(entry["dataset"]).matches(str(entry["edition"]))


def test_labels_order_by_number():
    kiel = ["R31", "R30v10", "R30v2", "R28", "R30", "R29"]
    ordered = sorted(kiel, key=lambda label: editions.label_order("kiel_support", label))
    assert ordered == ["R28", "R29", "R30", "R30v2", "R30v10", "R31"]
    assert list(editions.editions("kiel_support")) == ["R28", "R29", "R30", "R30v2"]
    assert editions.latest("nato_spending") == "2026"
    assert editions.latest("opinion") == "2025-12"


@pytest.mark.parametrize("label", ["２０２６", "٢٠٢٦", "20266", "2026 ", "v2026", ""])
def test_edition_labels_are_four_ascii_digits(label):
    with pytest.raises(ParameterError, match="four ASCII digits"):
        editions.check_label("nato_spending", label)
    assert editions.check_label("nato_spending", "2026") == "2026"
