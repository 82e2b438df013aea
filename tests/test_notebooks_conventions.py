"""The committed notebooks follow the conventions the report site reads (docs/ARCHITECTURE.md,
"Runner and site"): report metadata, ``usage`` cells, a last cell recording the finding with
labelled results, tables and figures shown with names; they open clean in JupyterLab (kernelspec
and language as ipykernel writes them) and stay thin (parameters first, validation next, no logic
of their own)."""

from __future__ import annotations

import functools
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from ipykernel.kernelspec import KERNEL_NAME, get_kernel_dict

from burdenshare.analyses import ANALYSES
from burdenshare.analyses.display import FIGURE_KEY, TABLE_KEY
from burdenshare.reports.results import RESULTS_KEY
from tests import NOTEBOOKS

PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
#: What ipykernel writes as language_info (read in a child process: importing the kernel here
#: would make later imports of tqdm believe they run inside a notebook).
LANGUAGE = (
    "import json; from ipykernel.ipkernel import IPythonKernel as K; "
    "print(json.dumps(K.language_info))"
)
SECTIONS = {"alliance", "hague", "world", "support", "opinion", "countries", "changes"}


@functools.cache
def _ipykernel_language() -> dict:
    done = subprocess.run(
        [sys.executable, "-c", LANGUAGE], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_kernelspec_and_language_are_what_ipykernel_writes(path: Path):
    """JupyterLab marks a notebook changed on open when these differ from the running kernel's."""
    meta = _load(path)["metadata"]
    spec = get_kernel_dict()
    assert meta["kernelspec"] == {
        "display_name": spec["display_name"],
        "language": spec["language"],
        "name": KERNEL_NAME,
    }
    language = dict(_ipykernel_language())
    recorded = dict(meta["language_info"])
    assert recorded.pop("version").split(".")[:2] == language.pop("version").split(".")[:2]
    assert recorded == language


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_report_metadata_usage_cells_and_the_recorded_finding(path: Path):
    nb = _load(path)
    meta = nb["metadata"]["burdenshare"]
    assert set(meta) == {"title", "description", "section", "terms"}
    assert meta["title"].strip() and meta["description"].strip() and meta["section"] in SECTIONS
    cells = nb["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert code[0]["metadata"]["tags"] == ["parameters"]
    assert "analysis.validate(" in "".join(code[1]["source"])
    usage = [c for c in cells if "usage" in c["metadata"].get("tags", [])]
    assert usage and all(c["cell_type"] == "markdown" for c in usage)
    last = "".join(code[-1]["source"])
    assert "record_results(result.key_results, title=result.title, labels=result.labels)" in last
    recorded = [o for o in code[-1]["outputs"] if o.get("metadata", {}).get(RESULTS_KEY)]
    assert len(recorded) == 1
    title, labels = recorded[0]["metadata"]["title"], recorded[0]["metadata"]["labels"]
    results = recorded[0]["data"]["application/json"]
    assert title.strip() and labels and set(labels) <= set(results)
    assert all("(" in label for label in labels.values()), "every label states its unit"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_tables_and_figures_are_shown_with_names(path: Path):
    outputs = [o for c in _load(path)["cells"] for o in c.get("outputs", [])]
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert figures, "a report leads with a figure"
    for output in figures:
        meta = output["metadata"][FIGURE_KEY]
        assert meta["name"] and meta["title"]
    for output in tables:
        meta = output["metadata"][TABLE_KEY]
        assert meta["name"] and meta["csv"].count("\n") >= 2
    # the report leads with its first figure, whose title states the finding
    assert figures[0]["metadata"][FIGURE_KEY]["title"]


def test_a_shown_table_keeps_machine_names_in_its_csv_and_readable_headers_on_screen():
    outputs = [
        o
        for c in _load(NOTEBOOKS / "alliance_overview.ipynb")["cells"]
        for o in c.get("outputs", [])
        if o.get("metadata", {}).get(TABLE_KEY, {}).get("name") == "league"
    ]
    csv = outputs[0]["metadata"][TABLE_KEY]["csv"]
    assert csv.splitlines()[0].startswith("country,rank,share_gdp_pct,estimate,gap_pp_wales_2pct")
    html = "".join(outputs[0]["data"]["text/html"])
    assert "Share of GDP (%)" in html and "Gap to Wales 2% (pp)" in html
    assert "share_gdp_pct" not in html


def test_no_output_carries_a_figure_repr_or_an_error():
    for path in PATHS:
        for cell in _load(path)["cells"]:
            for output in cell.get("outputs", []):
                assert output["output_type"] != "error", path.name
                text = "".join(output.get("data", {}).get("text/plain", ""))
                assert "<Figure size" not in text and "Line2D" not in text, path.name


def test_every_notebook_has_its_analysis():
    assert sorted(p.stem for p in PATHS) == sorted(ANALYSES)


def test_csv_in_the_metadata_reads_back():
    import pandas as pd

    for output in (
        o for c in _load(NOTEBOOKS / "country_profile.ipynb")["cells"] for o in c.get("outputs", [])
    ):
        meta = output.get("metadata", {}).get(TABLE_KEY)
        if meta:
            frame = pd.read_csv(io.StringIO(meta["csv"]))
            assert len(frame) and len(frame.columns) >= 2
