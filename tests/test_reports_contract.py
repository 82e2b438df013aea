"""The runner's side of the contract with the report site (docs/ARCHITECTURE.md, "Runner and
site"): what it stores in each executed notebook, how it calls ``html.render_report`` (in the
worker that ran the report), ``site.render_site`` (with the run manifest and the staging folder
holding the executed notebooks) and ``pdf.print_pdfs`` (for ``--pdf``), the manifest's layout,
and the views of a report's outcome (notebook metadata, manifest entry, cache entry), each
derived from ``ReportOutcome`` and written as before."""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import field, make_dataclass

import nbformat
import pytest

from burdenshare.reports import options
from burdenshare.reports.cache.provenance import DataCheck, canonical_json, digest_of
from burdenshare.reports.cache.store import ReportCache
from burdenshare.reports.jobs import Job, from_cache
from burdenshare.reports.outcome import (
    CACHE,
    MANIFEST,
    ReportOutcome,
    fields_without_views,
    report_metadata,
    view_fields,
)
from burdenshare.reports.planning import ReportSpec
from burdenshare.reports.publish.manifest import strict_json
from burdenshare.reports.runner import run_report
from burdenshare.reports.site import landing as site
from burdenshare.reports.site import pages as html
from burdenshare.reports.site import pdf
from burdenshare.reports.site.pages import Rendered
from tests import FIXTURE_NOTEBOOKS, FIXTURES

REPORT_KEYS = {
    "stem", "notebook", "parameters", "datasets", "engine", "engine_reason", "status", "error",
    "failing_cell", "kernel_exit",
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
    """With forked kernels, each page is byte for byte what render_report gives for the
    executed notebook."""
    summary = run_report(
        ["ok_report", "reads_support"], None, None, tmp_path / "out",
        notebooks_dir=FIXTURE_NOTEBOOKS, progress=False, use_cache=False,
    )  # fmt: skip
    assert summary.ok and {o.engine for o in summary.outcomes} == {"forked"}
    for outcome in summary.outcomes:
        nb = nbformat.read(tmp_path / "out" / f"{outcome.stem}.ipynb", as_version=4)
        page = html.render_report(nb, stem=outcome.stem, show_code=False)
        assert (tmp_path / "out" / f"{outcome.stem}.html").read_text() == page.html


# --- the serialised views of a report's outcome -------------------------------------------------

#: Each view of one outcome as the version before the views were derived wrote it (8d4db50):
#: the cache entry, the manifest entry (as strict JSON) and the notebook metadata (as nbformat
#: writes it, keys sorted).
VIEWS_BEFORE = FIXTURES / "outcome_views"
STEM = "ok_report__country-POL"
USER_CSV = b"iso3,year\nPOL,2024\n"
FILES = {
    f"{STEM}.ipynb": b'{"cells": []}',
    f"{STEM}.html": b"<html>page</html>",
    f"{STEM}__summary.csv": b"key,value\n",
}


def _outcome(**more) -> ReportOutcome:
    read = {
        "dataset": "nato_spending", "label": "user file", "origin": "user", "path": "mine.csv",
        "sha256": hashlib.sha256(USER_CSV).hexdigest(),
    }  # fmt: skip
    return ReportOutcome(
        "ok_report", STEM, {"country": "POL", "targets": [2, 3.5]}, "ok", 1.23456789,
        results={"share_pct": 2.2, "gap": None},
        headline={"title": "Poland spent 4.1% of GDP", "labels": {"share_pct": "Share of GDP (%)"}},
        notebook_meta={"title": "Country profile", "section": "allies"}, datasets=[read],
        engine="forked", ran_at="2026-06-01T06:00:41+00:00",
        timings={"kernel_launch": 0.01, "cells": 0.9}, files=dict(FILES), **more,
    )  # fmt: skip


#: Fields added to the views since the files in VIEWS_BEFORE were written: each view carries
#: them, and without them each view is byte for byte what the older version wrote.
ADDED_SINCE = {"kernel_exit": 0}


def _without_added(view: dict) -> dict:
    assert {k: view[k] for k in ADDED_SINCE} == ADDED_SINCE
    return {k: v for k, v in view.items() if k not in ADDED_SINCE}


def test_each_view_of_an_outcome_is_written_as_before(tmp_path):
    served = _outcome(cached=True, cache_note="unchanged since the cached run", **ADDED_SINCE)
    assert (
        strict_json(_without_added(served.to_view(MANIFEST)))
        == (VIEWS_BEFORE / "manifest_entry.json").read_text()
    )
    assert (
        json.dumps(_without_added(report_metadata(served)), indent=1, sort_keys=True) + "\n"
        == (VIEWS_BEFORE / "notebook_report.json").read_text()
    )

    before = json.loads((VIEWS_BEFORE / "cache_entry.json").read_bytes())
    cache = ReportCache(tmp_path / "cache")
    cache.store(before["key"], before["inputs"], _outcome(**ADDED_SINCE), False, {})
    now = json.loads((tmp_path / "cache" / "entries" / f"{before['key']}.json").read_bytes())
    assert canonical_json(_without_added(now["outcome"])) == canonical_json(before["outcome"])
    now["outcome"] = _without_added(now["outcome"])
    assert {k: v for k, v in now.items() if k not in ("stored", "checksum")} == {
        k: v for k, v in before.items() if k not in ("stored", "checksum")
    }


def _cache_with_entry_before(tmp_path, entry: dict) -> tuple[ReportCache, Job]:
    cache = ReportCache(tmp_path / "cache")
    for data in FILES.values():
        cache.put(data)
    (tmp_path / "cache" / "entries").mkdir()
    (tmp_path / "cache" / "entries" / f"{entry['key']}.json").write_text(canonical_json(entry))
    (tmp_path / "mine.csv").write_bytes(USER_CSV)
    spec = ReportSpec("ok_report", str(tmp_path / "ok_report.ipynb"), {"country": "POL"}, STEM)
    return cache, Job(spec, b"", key=entry["key"])


def test_a_cache_entry_written_before_the_views_is_served(tmp_path):
    entry = json.loads((VIEWS_BEFORE / "cache_entry.json").read_bytes())
    cache, job = _cache_with_entry_before(tmp_path, entry)
    served = from_cache(job, cache, DataCheck(), show_code=False)
    note = "unchanged since the cached run"
    assert served == _outcome(cached=True, cache_note=note, measured=True)
    assert served.to_view(MANIFEST)["cache"] == note and served.files == FILES

    # a field this version does not know: the report runs again
    entry["outcome"]["added_later"] = 1
    entry["checksum"] = digest_of({k: v for k, v in entry.items() if k != "checksum"})
    cache, job = _cache_with_entry_before(tmp_path / "later", entry)
    assert from_cache(job, cache, DataCheck(), show_code=False) is None
    assert job.note == "cache entry unreadable: re-run"


def test_every_field_of_the_outcome_says_which_views_carry_it():
    assert fields_without_views(ReportOutcome) == []
    later = make_dataclass("Later", [("added", int, field(default=0))], bases=(ReportOutcome,))
    assert fields_without_views(later) == ["added"]
    assert [name for name, _ in view_fields(CACHE)] == [
        "notebook", "stem", "parameters", "status", "duration_s", "error", "failing_cell",
        "ran_at", "engine", "engine_reason", "kernel_exit", "results", "headline", "notebook_meta",
        "datasets", "timings",
    ]  # fmt: skip
