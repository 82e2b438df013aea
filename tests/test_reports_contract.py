"""The runner's side of the contract with the report site (CONTRACTS.md "runner <-> site"): what
it stores in each executed notebook, how it calls ``html.render_report`` (in the worker that ran
the report), ``site.render_site`` (with the run manifest and the staging folder holding the
executed notebooks) and ``pdf.print_pdfs`` (for ``--pdf``), and the manifest's layout."""

from __future__ import annotations

import json
import threading

import nbformat
import pytest

from burdenshare.reports import options
from burdenshare.reports.runner import run_report
from burdenshare.reports.site import landing as site
from burdenshare.reports.site import pages as html
from burdenshare.reports.site import pdf
from burdenshare.reports.site.pages import Rendered
from tests import FIXTURE_NOTEBOOKS

REPORT_KEYS = {
    "stem", "notebook", "parameters", "datasets", "engine", "engine_reason", "status", "error",
    "failing_cell",
}  # fmt: skip
RUN_KEYS = {
    "package", "version", "python", "dependencies", "started", "finished", "seconds", "options",
    "succeeded", "failed", "cached", "reports",
}  # fmt: skip
ENTRY_KEYS = {
    "notebook", "stem", "parameters", "status", "error", "failing_cell", "duration_s", "cached",
    "ran_at", "engine", "engine_reason", "results", "headline", "notebook_meta", "datasets",
    "files",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def site_calls(monkeypatch):
    """Stand-ins for the site's renderers that record how the runner calls them."""
    calls: dict[str, list] = {"render_report": [], "render_site": [], "print_pdfs": []}
    real_render, real_site = html.render_report, site.render_site

    def render_report(nb, *, stem, show_code):
        calls["render_report"].append(
            (stem, show_code, threading.current_thread().name, dict(nb.metadata["burdenshare"]))
        )
        page = real_render(nb, stem=stem, show_code=show_code)
        return Rendered(page.html, {f"{stem}__summary.csv": b"key,value\nrows,1\n"})

    def render_site(run, folder):
        notebooks = sorted(p.name for p in folder.glob("*.ipynb"))
        calls["render_site"].append((json.loads(json.dumps(run)), folder, notebooks))
        return real_site(run, folder)

    def print_pdfs(folder, stems):
        calls["print_pdfs"].append((folder, list(stems), sorted(p.name for p in folder.iterdir())))
        return {f"{stem}.pdf": b"%PDF-1.4 stand-in for " + stem.encode() for stem in stems}

    monkeypatch.setattr(pdf, "print_pdfs", print_pdfs)
    monkeypatch.setattr(options, "find_chromium", lambda: "/usr/bin/chromium")  # not started
    monkeypatch.setattr(html, "render_report", render_report)
    monkeypatch.setattr(site, "render_site", render_site)
    return calls


@pytest.mark.notebooks
def test_the_runner_keeps_its_side_of_the_site_contract(tmp_path, site_calls):
    out, cache = tmp_path / "out", tmp_path / "cache"
    options = dict(
        notebooks_dir=FIXTURE_NOTEBOOKS, progress=False, cache_dir=cache, pdf=True,
        engine="papermill",  # pages exported in this process, where the stand-in can see them
    )  # fmt: skip
    summary = run_report(["ok_report", "cell_error"], None, None, out, **options)
    assert [o.status for o in summary.outcomes] == ["ok", "failed"]

    # render_report: called where the report ran (a worker thread), with the provenance in place
    rendered = {
        stem: (show, where, meta) for stem, show, where, meta in site_calls["render_report"]
    }
    assert set(rendered) == {"ok_report", "cell_error"}
    for stem, (show_code, where, meta) in rendered.items():
        assert show_code is False and where != "MainThread"
        assert set(meta["report"]) >= REPORT_KEYS and meta["report"]["stem"] == stem
    assert rendered["ok_report"][2]["report"]["datasets"]
    assert rendered["cell_error"][2]["report"]["status"] == "failed"

    # render_site: the run manifest, and the staging folder with the executed notebooks in it
    (run, folder, notebooks), = site_calls["render_site"]  # fmt: skip
    assert set(run) >= RUN_KEYS and folder.parent == tmp_path and folder != out
    assert notebooks == ["cell_error.ipynb", "ok_report.ipynb"]
    assert all(set(entry) >= ENTRY_KEYS for entry in run["reports"])

    # print_pdfs: the staging folder and the stems of the pages that exist
    (pdf_folder, stems, present), = site_calls["print_pdfs"]  # fmt: skip
    assert pdf_folder == folder and stems == ["ok_report"] and "ok_report.html" in present

    manifest = json.loads((out / "manifest.json").read_text())
    ok = next(r for r in manifest["reports"] if r["stem"] == "ok_report")
    assert ok["files"] == {
        "html": "ok_report.html",
        "ipynb": "ok_report.ipynb",
        "pdf": "ok_report.pdf",
        "csv": ["ok_report__summary.csv"],
    }
    assert (out / "ok_report.pdf").read_bytes() == b"%PDF-1.4 stand-in for ok_report"
    assert (out / "ok_report__summary.csv").is_file()
    nb = json.loads((out / "ok_report.ipynb").read_text())
    assert nb["metadata"]["burdenshare"]["report"] == {
        **{k: ok[k] for k in REPORT_KEYS},
        "ran_at": ok["ran_at"],
    }
    assert manifest["options"]["pdf"] is True and manifest["site_files"] == [
        "index.html",
        "ok_report.thumb.png",
    ]

    # A second run serves ok_report, its extra files and its PDF from the cache: nothing is
    # rendered or printed again for it.
    for calls in site_calls.values():
        calls.clear()
    again = run_report(["ok_report", "cell_error"], None, None, out, **options)
    assert {o.stem: o.cached for o in again.outcomes} == {"ok_report": True, "cell_error": False}
    assert [stem for stem, *_ in site_calls["render_report"]] == ["cell_error"]
    assert site_calls["print_pdfs"] == []
    assert (out / "ok_report.pdf").read_bytes() == b"%PDF-1.4 stand-in for ok_report"
    assert (out / "ok_report__summary.csv").is_file()


@pytest.mark.notebooks
def test_pages_exported_beside_forked_kernels_are_render_reports_pages(tmp_path):
    """With forked kernels, pages are exported in children of the warm process, off the
    runner's process: byte for byte what render_report gives for the executed notebook."""
    summary = run_report(
        ["ok_report", "reads_support"], None, None, tmp_path / "out",
        notebooks_dir=FIXTURE_NOTEBOOKS, progress=False, use_cache=False,
    )  # fmt: skip
    assert summary.ok and {o.engine for o in summary.outcomes} == {"forked"}
    for outcome in summary.outcomes:
        nb = nbformat.read(tmp_path / "out" / f"{outcome.stem}.ipynb", as_version=4)
        page = html.render_report(nb, stem=outcome.stem, show_code=False)
        assert (tmp_path / "out" / f"{outcome.stem}.html").read_text() == page.html
