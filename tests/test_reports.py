"""The report runner: planning, safe names, faults, forked kernels vs papermill, Dask (the site
and its browser test: tests/test_reports_site.py)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math

import nbformat
import pytest

from burdenshare.cli import main
from burdenshare.countries import nato_allies
from burdenshare.errors import ParameterError, ReportError
from burdenshare.reports import read_headline, read_results, record_results
from burdenshare.reports.engine.execute import execute_report
from burdenshare.reports.engine.warm import WarmProcess
from burdenshare.reports.planning import (
    NotebookInfo,
    Parameter,
    discover,
    output_stem,
    parse_for_each,
    plan,
    safe_path,
)
from burdenshare.reports.runner import run_report, run_reports
from tests import DATA, FIXTURE_NOTEBOOKS, REPO, requires_dask

FIXTURES = FIXTURE_NOTEBOOKS
#: The fixtures of the fault run: one success and three kinds of failure.
FAULTS = ["cell_error", "kernel_dies", "ok_report", "sleeps"]
NASTY = [
    "../../etc/passwd",
    "/tmp/absolute",
    "quote \" and ' both",
    "line\nbreak",
    "__import__('os').system('echo pwned')",
    "'); import os; os._exit(1); ('",
    "..",
    "",
]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    """Runs that name no cache folder use a fresh one, never the user's."""
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def _info(name: str, *params: str) -> NotebookInfo:
    return NotebookInfo(
        name, FIXTURES / f"{name}.ipynb", tuple(Parameter(p, "str", "''", "") for p in params)
    )


def test_default_set_is_every_notebook_plus_country_profile_for_each_ally():
    infos = [_info("alliance_overview", "year"), _info("country_profile", "country", "end_year")]
    specs = plan(infos)
    profiles = [s for s in specs if s.notebook == "country_profile"]
    assert [s.parameters for s in specs if s.notebook == "alliance_overview"] == [{}]
    assert sorted(s.parameters["country"] for s in profiles) == sorted(nato_allies())
    assert len({s.stem for s in specs}) == len(specs)
    assert plan([_info("alliance_overview", "year")]) == plan([_info("alliance_overview", "year")])


def test_default_set_shows_what_changed_for_each_source():
    specs = plan([_info("what_changed", "dataset", "old", "new", "top_n")])
    datasets = [s.parameters["dataset"] for s in specs]
    assert datasets == ["nato_spending", "sipri_milex", "kiel_support"]


def test_pdf_without_chromium_fails_before_any_report(monkeypatch, tmp_path):
    monkeypatch.setattr("burdenshare.reports.options.find_chromium", lambda: None)
    with pytest.raises(ReportError, match="--pdf needs the system's Chromium"):
        run_report(["ok_report"], out=tmp_path / "out", notebooks_dir=FIXTURES, pdf=True)
    assert not (tmp_path / "out").exists()


def test_grids_multiply_and_parameters_go_only_where_declared():
    infos = [_info("a", "country", "year"), _info("b", "year")]
    specs = plan(infos, ["a", "b"], None, parse_for_each(["country=POL,DEU", "year=2024,2025"]))
    assert sorted((s.notebook, tuple(sorted(s.parameters.items()))) for s in specs) == [
        ("a", (("country", "DEU"), ("year", 2024))),
        ("a", (("country", "DEU"), ("year", 2025))),
        ("a", (("country", "POL"), ("year", 2024))),
        ("a", (("country", "POL"), ("year", 2025))),
        ("b", (("year", 2024),)),
        ("b", (("year", 2025),)),
    ]
    assert [s.parameters for s in plan(infos, "b", {"year": 2024})] == [{"year": 2024}]
    with pytest.raises(ParameterError, match="declared by none"):
        plan(infos, ["b"], {"country": "POL"})
    with pytest.raises(ParameterError, match="set by both"):
        plan(infos, ["a"], {"year": 2024}, parse_for_each(["year=2024,2025"]))
    with pytest.raises(ParameterError, match="unknown notebook"):
        plan(infos, ["nope"])
    with pytest.raises(ParameterError, match="KEY=V1,V2"):
        parse_for_each(["country"])


@pytest.mark.parametrize("value", NASTY)
def test_output_names_stay_inside_out(value, tmp_path):
    stem = output_stem("country_profile", {"country": value})
    target = safe_path(tmp_path, stem, ".html")
    assert target.parent == tmp_path.resolve()
    assert "/" not in stem and "\n" not in stem and not stem.startswith(".")
    stems = {output_stem("country_profile", {"country": v}) for v in NASTY}
    assert len(stems) == len(NASTY)
    with pytest.raises(ReportError):
        safe_path(tmp_path, "../escape", ".html")


def test_record_and_read_results_round_trip():
    numpy = pytest.importorskip("numpy")
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    clean = {"n": 3, "share": 2.5, "missing": None, "flag": True, "codes": ["POL"]}
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"application/json": clean}, metadata={"burdenshare_results": True}
        )
    ]
    nb.cells = [cell]
    assert read_results(nb) == clean
    shown = record_results({"n": numpy.int64(3), "share": numpy.float64(2.5), "gap": math.nan})
    assert shown == {"n": 3, "share": 2.5, "gap": None}
    with pytest.raises(ReportError, match="record numbers"):
        record_results({"frame": object()})


def test_results_carry_the_headline_and_labels(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append((a, k)))
    record_results({"n": 3}, title="Three allies", labels={"n": "Allies (count)"})
    (data,), options = shown[0]
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=options["metadata"])]
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert read_results(nb) == {"n": 3}
    assert read_headline(nb) == {"title": "Three allies", "labels": {"n": "Allies (count)"}}


def test_notebooks_lists_parameters(capsys):
    assert main(["notebooks", "--notebooks-dir", str(FIXTURES)]) == 0
    out = capsys.readouterr().out
    assert "ok_report" in out and 'country = "POL"' in out and "ISO3 code of the ally" in out
    assert out.splitlines()[0].startswith(f"Notebooks in {FIXTURES.resolve()}")
    assert [i.name for i in discover(FIXTURES)] == sorted(p.stem for p in FIXTURES.glob("*.ipynb"))


#: Under pytest-xdist (--dist loadgroup) the module runs on one worker, so its module fixtures
#: (one CLI run over the fixtures) are built once.
pytestmark = pytest.mark.xdist_group("test_reports")


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory):
    """One CLI run over all fixtures: one success (with a nasty label) and three kinds of failure."""
    out = tmp_path_factory.mktemp("reports")
    label = NASTY[5] + "\n" + NASTY[2]
    params = out.parent / "params.yaml"
    params.write_text(json.dumps({"label": label}))
    code = main(
        [
            "report",
            "--notebooks-dir",
            str(FIXTURES),
            "--notebook",
            *FAULTS,
            "--out",
            str(out),
            "--cache-dir",
            str(out.parent / "cache"),
            "--timeout",
            "8",
            "-f",
            str(params),
            "--jobs",
            "4",
        ]
    )
    return code, out, label


@pytest.mark.notebooks
def test_faults_are_failed_entries_with_partial_notebooks(fault_run, capsys):
    code, out, label = fault_run
    assert code == 1
    manifest = json.loads((out / "manifest.json").read_text())
    by_name = {r["notebook"]: r for r in manifest["reports"]}
    assert {n: r["status"] for n, r in by_name.items()} == {
        "cell_error": "failed",
        "kernel_dies": "failed",
        "ok_report": "ok",
        "sleeps": "failed",
    }
    expected = {
        "cell_error": ("ValueError: deliberate failure for tester", "raise ValueError"),
        "kernel_dies": ("DeadKernelError", "os._exit(3)"),
        "sleeps": ("TimeoutError: report exceeded --timeout 8 s", "time.sleep(seconds)"),
    }
    for name, (error, source) in expected.items():
        row = by_name[name]
        assert row["error"].startswith(error)
        partial = nbformat.reads((out / row["files"]["ipynb"]).read_text(), as_version=4)
        assert source in partial.cells[row["failing_cell"]].source
        assert not any("never reached" in str(c.get("outputs")) for c in partial.cells)
    assert manifest["failed"] == 3 and manifest["version"]
    ok = by_name["ok_report"]
    assert ok["results"]["label"] == label  # data, never code: the value came back verbatim
    assert ok["results"]["rows"] > 0 and ok["results"]["country"] == "POL"
    assert {(d["dataset"], d["label"], d["origin"]) for d in ok["datasets"]} == {
        ("nato_spending", "2025", "bundled"),
        ("nato_spending", "2026", "bundled"),
    }
    for read in ok["datasets"]:  # measured: the hash of the file's bytes as they are now
        assert read["sha256"] == hashlib.sha256((DATA / read["path"]).read_bytes()).hexdigest()
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["manifest.json", *manifest["site_files"]]
        + [name for r in by_name.values() for name in _names(r["files"])]
    )


def _names(files: dict) -> list[str]:
    return [n for v in files.values() for n in (v if isinstance(v, list) else [v])]


def _cells(nb) -> list:
    return [(c.cell_type, c.source, c.get("execution_count"), c.get("outputs")) for c in nb.cells]


@pytest.mark.notebooks
def test_forked_kernels_give_papermills_outputs(tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)  # exercise the inline backend (PNG outputs)
    spec = plan(discover(FIXTURES), ["ok_report"], {"country": "DEU", "label": "same"})[0]
    with WarmProcess() as server:
        forked = execute_report(spec, "fork", server=server)
    plain = execute_report(spec, "papermill")
    assert forked.status == plain.status == "ok"
    a, b = nbformat.reads(forked.ipynb, 4), nbformat.reads(plain.ipynb, 4)
    assert _cells(a) == _cells(b)
    assert any("image/png" in o.get("data", {}) for c in a.cells for o in c.get("outputs", []))
    assert (
        forked.results
        == plain.results
        == {"country": "DEU", "label": "same", "rows": forked.results["rows"], "start_year": 2014}
    )


@pytest.mark.notebooks
@pytest.mark.parametrize("name", ["ok_report", "cell_error"])
def test_executed_notebooks_are_what_papermills_command_writes(name, tmp_path, monkeypatch):
    """The runner runs papermill's steps itself (no JSON round trips): the executed notebook
    has the cells, error banner and metadata papermill's command line writes, and records the
    notebook's file name as its input, not a copy of the input notebook."""
    import papermill

    monkeypatch.delenv("MPLBACKEND", raising=False)
    parameters = {"country": "DEU", "label": "same"} if name == "ok_report" else {}
    spec = plan(discover(FIXTURES), [name], parameters)[0]
    ours = nbformat.reads(execute_report(spec, "papermill").ipynb, 4)
    with pytest.raises(Exception) if name == "cell_error" else contextlib.nullcontext():
        papermill.execute_notebook(
            str(spec.path), str(tmp_path / "pm.ipynb"), parameters=parameters,
            kernel_name="python3", progress_bar=False,
        )  # fmt: skip
    theirs = nbformat.read(tmp_path / "pm.ipynb", 4)
    assert _cells(ours) == _cells(theirs)
    assert [c.metadata.get("tags") for c in ours.cells] == [
        c.metadata.get("tags") for c in theirs.cells
    ]
    timing = {"start_time", "end_time", "duration", "input_path", "output_path"}
    mine, pm = ours.metadata.papermill, theirs.metadata.papermill
    assert {k: v for k, v in mine.items() if k not in timing} == {
        k: v for k, v in pm.items() if k not in timing
    }
    assert mine["input_path"] == f"{name}.ipynb" and mine["output_path"] is None


@pytest.mark.dask
@pytest.mark.notebooks
@requires_dask
def test_dask_cluster_gives_the_local_results(tmp_path):
    import distributed

    specs = plan(discover(FIXTURES), ["ok_report"], None, parse_for_each(["country=POL,FRA"]))
    local = run_reports(specs, tmp_path / "local", progress=False, use_cache=False)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = run_reports(
            specs, tmp_path / "dask", scheduler=client, progress=False, use_cache=False
        )
    assert local.ok and remote.ok, remote.text()
    for x, y in zip(local.outcomes, remote.outcomes, strict=True):
        assert (x.stem, x.results) == (y.stem, y.results)
        assert _cells(nbformat.reads(x.ipynb, 4)) == _cells(nbformat.reads(y.ipynb, 4))


@pytest.mark.notebooks
def test_same_set_twice_gives_the_same_outputs(tmp_path):
    """Two runs of the same reports on the same data write the same notebooks, HTML and results."""
    specs = plan(
        discover(REPO / "notebooks"),
        ["alliance_overview", "country_profile"],
        None,
        parse_for_each(["country=NOR,EST"]),
    )
    first = run_reports(specs, tmp_path / "a", progress=False, use_cache=False)
    second = run_reports(specs, tmp_path / "b", progress=False, use_cache=False)
    assert first.ok and second.ok
    for spec in specs:
        a = nbformat.read(tmp_path / "a" / f"{spec.stem}.ipynb", 4)
        b = nbformat.read(tmp_path / "b" / f"{spec.stem}.ipynb", 4)
        assert _cells(a) == _cells(b), spec.stem
        assert read_results(a) == read_results(b) != {}
        html_a = (tmp_path / "a" / f"{spec.stem}.html").read_text()
        assert html_a == (tmp_path / "b" / f"{spec.stem}.html").read_text(), spec.stem


@pytest.mark.notebooks
def test_run_report_from_python_matches_the_cli_plan(tmp_path):
    import burdenshare as bs

    summary = bs.run_report(
        ["ok_report"],
        {"label": "py"},
        {"country": ["EST", "LVA"]},
        tmp_path,
        notebooks_dir=FIXTURES,
        progress=False,
    )
    assert summary.ok
    got = {o.results["country"]: o.results["label"] for o in summary.outcomes}
    assert got == {"EST": "py", "LVA": "py"}
    assert (tmp_path / "index.html").is_file()
