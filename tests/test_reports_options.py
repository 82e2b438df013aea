"""Report options, parameters and grids are checked before any report runs; the manifest is strict
JSON; progress lines for logs."""

from __future__ import annotations

import json
import math
import re
from types import SimpleNamespace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from burdenshare.errors import ParameterError, ReportError
from burdenshare.reports.options import RunOptions, check_options
from burdenshare.reports.planning import (
    NotebookInfo,
    Parameter,
    discover,
    merge_parameters,
    parse_for_each,
    plan,
)
from burdenshare.reports.progress import Progress, line
from burdenshare.reports.publish.manifest import strict_json
from tests import FIXTURE_NOTEBOOKS


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("timeout", -5, "--timeout -5"),
        ("timeout", 0, "--timeout 0"),
        ("timeout", math.inf, "--timeout inf"),
        ("timeout", math.nan, "--timeout nan"),
        ("timeout", "10", "--timeout '10'"),
        ("timeout", True, "--timeout True"),
        ("cell_timeout", -1.5, "--cell-timeout -1.5"),
        ("cell_timeout", math.inf, "--cell-timeout inf"),
        ("jobs", 0, "--jobs 0"),
        ("jobs", -2, "--jobs -2"),
        ("jobs", 1.5, "--jobs 1.5"),
        ("engine", "turbo", "--engine 'turbo'"),
        ("executor", "slurm", "--executor 'slurm'"),
    ],
)
def test_bad_options_are_refused_naming_the_option(field, value, shown):
    with pytest.raises(ParameterError) as info:
        check_options(RunOptions(**{field: value}))
    assert shown in str(info.value)


def test_good_options_are_completed(tmp_path):
    checked = check_options(RunOptions(timeout=30, cell_timeout=2.5, cache_dir=tmp_path / "c"))
    assert checked.timeout == 30.0 and checked.cell_timeout == 2.5
    assert checked.jobs >= 1 and checked.cache_dir == tmp_path / "c"
    assert check_options(RunOptions(use_cache=False)).cache_dir is None
    assert RunOptions.from_kwargs(no_input=False).show_code is True
    assert RunOptions.from_kwargs(no_input=True).show_code is False
    with pytest.raises(ParameterError, match="unknown report option"):
        RunOptions.from_kwargs(timout=3)


def test_cache_folder_must_be_writable(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ReportError, match="--cache-dir"):
        check_options(RunOptions(cache_dir=blocker / "cache"))


def test_parameter_files_must_exist_and_hold_a_plain_mapping(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("country: POL\ntargets: [2, 3.5]\n")
    assert merge_parameters([good], ["year: 2024"], [("label", "x")]) == {
        "country": "POL",
        "targets": [2, 3.5],
        "year": 2024,
        "label": "x",
    }
    with pytest.raises(ParameterError, match=re.escape(f"-f {tmp_path / 'missing.yaml'}")):
        merge_parameters([tmp_path / "missing.yaml"])
    broken = tmp_path / "broken.yaml"
    broken.write_text("country: POL\ntargets: [2, 3.5\n")
    with pytest.raises(ParameterError, match=r"broken.yaml line \d+ column \d+"):
        merge_parameters([broken])
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(f'x: !!python/object/apply:os.mkdir ["{tmp_path / "pwned"}"]\n')
    with pytest.raises(ParameterError, match=r"hostile\.yaml line 1 column 4"):
        merge_parameters([hostile])
    assert not (tmp_path / "pwned").exists()
    listed = tmp_path / "list.yaml"
    listed.write_text("- POL\n- DEU\n")
    with pytest.raises(ParameterError, match="must be a YAML mapping"):
        merge_parameters([listed])
    with pytest.raises(ParameterError, match="not a parameter name"):
        merge_parameters(None, ["'two words': 1"])


def test_grid_keys_once_and_never_also_as_a_parameter():
    with pytest.raises(ParameterError, match="--for-each country is given twice"):
        parse_for_each(["country=POL", "country=DEU"])
    with pytest.raises(ParameterError, match="not a parameter name"):
        parse_for_each(["bad key=1"])
    infos = [NotebookInfo("a", FIXTURE_NOTEBOOKS / "a.ipynb", (Parameter("country", "", "", ""),))]
    with pytest.raises(ParameterError, match=r"\['country'\] are set by both"):
        plan(infos, ["a"], {"country": "POL"}, parse_for_each(["country=DEU,FRA"]))


def test_a_name_given_as_text_is_one_notebook():
    specs = plan(discover(FIXTURE_NOTEBOOKS), "ok_report")
    assert [s.notebook for s in specs] == ["ok_report"]


def test_default_set_keeps_a_value_given_for_a_grid_parameter():
    infos = [
        NotebookInfo(
            "country_profile",
            FIXTURE_NOTEBOOKS / "x.ipynb",
            (Parameter("country", "", "", ""),),
        )
    ]
    assert [s.parameters for s in plan(infos, None, {"country": "DEU"})] == [{"country": "DEU"}]


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b'{"cells": [}', "line 1 column 12"),
        (b"\xff\xfe not text", "byte 0 is not UTF-8"),
        (b"[1, 2]", "not a Jupyter notebook"),
    ],
)
def test_a_corrupt_notebook_is_named(tmp_path, content, where):
    (tmp_path / "fine.ipynb").write_bytes((FIXTURE_NOTEBOOKS / "ok_report.ipynb").read_bytes())
    (tmp_path / "broken.ipynb").write_bytes(content)
    with pytest.raises(ReportError) as info:
        discover(tmp_path)
    assert str(tmp_path / "broken.ipynb") in str(info.value) and where in str(info.value)


def test_manifest_json_is_strict():
    text = strict_json({"a": math.nan, "b": [math.inf, -math.inf, 1.5], "c": {"d": None}})

    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    assert json.loads(text, parse_constant=refuse) == {
        "a": "nan",
        "b": ["inf", "-inf", 1.5],
        "c": {"d": None},
    }


def _outcome(**fields):
    base = dict(
        notebook="country_profile",
        parameters={"country": "DEU"},
        status="ok",
        duration_s=1.23,
        cached=False,
        ran_at="2026-06-01T06:00:41+00:00",
        error="",
    )
    return SimpleNamespace(**{**base, **fields})


def test_log_lines_name_report_status_and_time(capsys):
    assert line(12, 38, _outcome()) == "[12/38] country_profile country=DEU ok 1.2 s"
    assert line(3, 38, _outcome(cached=True)) == (
        "[3/38] country_profile country=DEU cached (ran 2026-06-01T06:00:41+00:00 in 1.2 s)"
    )
    failed = _outcome(status="failed", error="ValueError: bad\ntraceback")
    assert line(5, 38, failed) == "[5/38] country_profile country=DEU FAILED 1.2 s: ValueError: bad"
    progress = Progress(2)  # stderr is captured, not a terminal: one line per report
    assert progress.mode == "lines"
    progress.done(_outcome())
    progress.done(_outcome(parameters={"country": "POL"}))
    assert capsys.readouterr().err.splitlines() == [
        "[1/2] country_profile country=DEU ok 1.2 s",
        "[2/2] country_profile country=POL ok 1.2 s",
    ]


@pytest.mark.parametrize("name", ["index", "INDEX", "manifest"])
def test_report_names_never_collide_with_the_sites_files(name):
    info = NotebookInfo(name, FIXTURE_NOTEBOOKS / f"{name}.ipynb", ())
    (spec,) = plan([info])
    assert spec.stem == f"{name}__report"


@pytest.mark.parametrize(
    ("text", "value"),
    [("NO", "NO"), ("2024-12-31", "2024-12-31"), ("017", 17), ("1e3", 1000.0), ("yes", "yes"),
     ("true", True), ("None", None), ("0x10", "0x10"), ("1_000", 1000), ("-2.5", -2.5)],
)  # fmt: skip
def test_yaml_and_p_read_a_value_alike(text, value):
    from_p = merge_parameters(None, None, [("x", text)])["x"]
    from_y = merge_parameters(None, [f"x: {text}"])["x"]
    assert from_p == from_y == value and type(from_p) is type(from_y)


def test_quoted_yaml_values_stay_text_and_nulls_are_none():
    assert merge_parameters(None, ["{a: '017', b: \"true\", c: ~, d: null, e: }"]) == {
        "a": "017",
        "b": "true",
        "c": None,
        "d": None,
        "e": None,
    }


@given(st.from_regex(r"[A-Za-z0-9_.+-]{1,12}", fullmatch=True))
def test_a_plain_value_means_the_same_in_p_and_yaml(text):
    """Any one-word value: -p and -y/-f read it as the same value, or both refuse it."""
    outcomes = []
    for read in (lambda: merge_parameters(None, None, [("x", text)]), lambda: merge_parameters(None, [f"x: {text}"])):  # fmt: skip
        try:
            value = read()["x"]
            outcomes.append((type(value), value))
        except ParameterError:
            outcomes.append("refused")
    assume(not text.startswith("-") or outcomes[1] != "refused")  # YAML: "- " starts a list
    assert outcomes[0] == outcomes[1]
