"""Every notebook through papermill: defaults and two other parameter sets each, results read back
from the executed notebook and compared with the analysis run directly; a bad parameter fails in
the validation cell with a message naming the parameter and the valid choices.

Runs of one notebook share one kernel (defaults first, then the other sets, then the bad set:
every run re-executes the parameters cell, so no value leaks from one run to the next); two
notebooks run at a time, each in its own kernel process.
"""

from __future__ import annotations

import ast
import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import papermill as pm
import pytest
from jupyter_client import KernelManager

import burdenshare as bs
from burdenshare.analyses import ANALYSES
from burdenshare.reports import read_results
from tests import NOTEBOOKS

#: Per notebook: two parameter sets besides the defaults, and one bad set with the error text.
CASES: dict[str, dict[str, Any]] = {
    "alliance_overview": {
        "other": [
            {"year": 2024, "edition": "2024", "targets": ["wales_2pct"]},
            {"year": 2025, "edition": "2025", "targets": ["wales_2pct", "hague_core_3_5"]},
            {"targets": [2, 3.5, 5]},
        ],
        "bad": ({"edition": "1999"}, "'edition' = '1999' is not valid. Choose one of: 2024"),
    },
    "country_profile": {
        "other": [
            {"country": "DEU", "start_year": 2018, "end_year": 2024},
            {"country": "USA", "start_year": 2014, "end_year": 2025},
            {"country": "ISL"},
        ],
        "bad": ({"country": "XYZ"}, "'country' = 'XYZ' is not valid. Choose one of: ALB"),
    },
    "hague_2035_pathways": {
        "other": [
            {"core_target": "wales_2pct", "by_year": 2030, "gdp_growth": 0.01, "draws": 500},
            {"core_target": 3.0, "by_year": 2100, "draws": 1},
            {"count_ukraine_support": True, "draws": 500, "seed": 7},
        ],
        "bad": ({"core_target": "hague_4"}, "'core_target' = 'hague_4' is not valid"),
    },
    "ukraine_support_flows": {
        "other": [
            {"release": "R28", "measure": "commitment", "aid_types": ["military"], "per_gdp": True},
            {"release": "R30v2", "donors": ["USA", "DEU", "GBR"]},
        ],
        "bad": ({"release": "R29"}, "'release' = 'R29' is not valid. Choose one of: R28"),
    },
    "burden_sharing": {
        "other": [{"start_year": 2015, "end_year": 2020}, {"start_year": 2020, "end_year": 2025}],
        "bad": ({"end_year": 2040}, "'end_year' = 2040 is outside the valid range"),
    },
    "accession_opinion": {
        "other": [
            {"pollster": "KIIS", "measure": "want_nato_membership", "compare_pollster": ""},
            {"pollster": "KIIS", "measure": "referendum_vote_nato", "base": "likely_voters"},
        ],
        "bad": ({"pollster": "YouGov"}, "'pollster' = 'YouGov' is not valid. Choose one of:"),
    },
    "commitments_briefing": {
        "other": [{"as_of": "2025-08-04"}, {"as_of": "2026-06-30", "vintage": "as_revised"}],
        "bad": ({"as_of": "2020-01-01"}, "'as_of' = '2020-01-01' is outside the valid range"),
    },
    "restrictions_mechanisms": {
        "other": [{"as_of": "2024-06-01", "countries": ["DEU", "USA"]}, {"as_of": "2022-04-26"}],
        "bad": ({"countries": ["XYZ"]}, "'countries' holds invalid value(s) ['XYZ']"),
    },
    "what_changed": {
        "other": [
            {"dataset": "sipri_milex"},
            {"dataset": "kiel_support"},
            {"old": 2024, "new": 2026, "top_n": 5},
        ],
        "bad": (
            {"dataset": "kiel_support", "old": "R30", "new": "R30v2"},
            "'old' = 'R30' and 'new' = 'R30v2' of kiel_support have nothing in common",
        ),
    },
    "world_comparison": {
        "other": [{"start_year": 2022, "end_year": 2024}, {"start_year": 2014, "end_year": 2014}],
        "bad": ({"end_year": 2026}, "'end_year' = 2026 is outside the valid range"),
    },
}


def _run(name: str, params: dict[str, Any], out: Path, km: KernelManager) -> Any:
    """Execute one notebook with papermill on ``km``; return the executed notebook or the error."""
    try:
        return pm.execute_notebook(
            NOTEBOOKS / f"{name}.ipynb",
            out,
            parameters=params,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            km=km,
        )
    except pm.PapermillExecutionError as error:
        return error


def _run_all(name: str, folder: Path) -> dict[tuple[str, int], Any]:
    """Defaults (0), the other sets (1, 2) and the bad set (-1) of one notebook, one kernel."""
    case = CASES[name]
    jobs = [(0, {}), *enumerate(case["other"], start=1), (-1, case["bad"][0])]
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(NOTEBOOKS))
    try:
        return {
            (name, which): _run(name, params, folder / f"{name}_{which}.ipynb", km)
            for which, params in jobs
        }
    finally:
        km.shutdown_kernel(now=True)


#: Under pytest-xdist (--dist loadgroup) the module runs on one worker, so its module fixtures
#: (the notebooks executed once) are built once.
pytestmark = pytest.mark.xdist_group("test_notebooks")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, int], Any]:
    """All runs: (name, 0) defaults, (name, 1..2) other sets, (name, -1) the bad set."""
    folder = tmp_path_factory.mktemp("executed")
    found: dict[tuple[str, int], Any] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for runs in pool.map(lambda name: _run_all(name, folder), CASES):
            found.update(runs)
    return found


def _same(recorded: Any, direct: Any, path: str = "") -> None:
    """Recorded (JSON) results equal the direct ones (floats to 1e-6, relative)."""
    if isinstance(direct, dict):
        assert set(recorded) == set(direct), f"{path}: keys differ"
        for key in direct:
            _same(recorded[key], direct[key], f"{path}.{key}")
    elif isinstance(direct, list):
        assert len(recorded) == len(direct), f"{path}: lengths differ"
        for i, (a, b) in enumerate(zip(recorded, direct, strict=True)):
            _same(a, b, f"{path}[{i}]")
    elif isinstance(direct, float) and not isinstance(recorded, bool):
        assert math.isclose(recorded, direct, rel_tol=1e-6, abs_tol=1e-9), path
    else:
        assert recorded == direct, f"{path}: {recorded!r} != {direct!r}"


PARAMETER_SETS = [(name, i) for name, case in CASES.items() for i in range(len(case["other"]) + 1)]


@pytest.mark.notebooks
@pytest.mark.parametrize(("name", "which"), PARAMETER_SETS)
def test_notebook_results_equal_the_library(executed, name: str, which: int):
    nb = executed[(name, which)]
    assert not isinstance(nb, Exception), f"{name} set {which} failed: {nb}"
    recorded = read_results(nb)
    params = {} if which == 0 else CASES[name]["other"][which - 1]
    direct = json.loads(json.dumps(ANALYSES[name].run(**params).key_results))
    assert recorded, f"{name}: no results recorded"
    _same(recorded, direct)


@pytest.mark.notebooks
@pytest.mark.parametrize("name", list(CASES))
def test_bad_parameter_fails_in_the_validation_cell(executed, name: str):
    error = executed[(name, -1)]
    assert isinstance(error, pm.PapermillExecutionError), f"{name} ran with a bad parameter"
    assert error.ename == "ParameterError"
    assert CASES[name]["bad"][1] in error.evalue
    nb = pm.iorw.load_notebook_node(str(NOTEBOOKS / f"{name}.ipynb"))
    # papermill inserts its injected-parameters cell after the parameters cell
    validation = [i for i, c in enumerate(nb.cells) if "analysis.validate(" in c.source]
    assert error.cell_index == validation[0] + 1


@pytest.mark.notebooks
def test_published_figures_through_the_notebooks(executed):
    """Spot checks of recorded results against figures the publishers printed."""
    nato_2024 = read_results(executed[("alliance_overview", 1)])
    assert nato_2024["count_wales_2pct"] == 23  # NATO, June 2024: 23 allies at 2% in 2024
    nato_2025 = read_results(executed[("alliance_overview", 2)])
    assert round(nato_2025["nato_total_share_gdp_pct"], 2) == 2.76  # NATO 2025 average
    usa = read_results(executed[("country_profile", 2)])
    assert round(usa["support_total_eur_bn"]) == 115  # Kiel: "115 billion from the US"
    panel = bs.spending_panel("2026")
    assert usa["share_end_pct"] == pytest.approx(panel.at[("USA", 2025), "defexp_share_gdp_pct"])


def test_every_notebook_is_covered():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(CASES) == sorted(ANALYSES)


@pytest.mark.parametrize("name", list(CASES))
def test_parameters_are_typed_and_documented(name: str):
    found = pm.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    assert found, f"{name}: no parameters cell"
    for param in found.values():
        assert param["inferred_type_name"] not in ("None", ""), param
        assert param["help"], f"{name}.{param['name']} has no comment"
    defaults = ANALYSES[name].DEFAULTS
    assert {k: ast.literal_eval(v["default"]) for k, v in found.items()} == defaults
