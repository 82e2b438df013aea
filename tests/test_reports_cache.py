"""Incremental runs: a report runs again only when something it depends on changed (its notebook,
parameters, the data it actually read, the package, the dependencies, Python); otherwise it comes
from a content-addressed cache that never serves bytes it cannot verify. Provenance is measured:
each report records the sha256 of the bytes its kernel read."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from burdenshare.reports.cache.provenance import (
    DataCheck,
    catalogue_digests,
    installed_distributions,
)
from burdenshare.reports.cache.store import CacheCorrupted, ReportCache, report_key
from burdenshare.reports.runner import run_report
from tests import DATA, FIXTURE_NOTEBOOKS, NOTEBOOKS, REPO, requires_dask

ENV = {"package": "burdenshare 0.1.0", "python": "cpython 3.11.7"}
HEAVY = {"papermill", "nbformat", "nbclient", "nbconvert", "jupyter_client", "ipykernel", "zmq"}


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_edition(dataset: str, bundled: str, label: str, data: bytes | None = None) -> Path:
    """Install a bundled file's bytes (or ``data``) as an imported edition in the user data
    folder, with a manifest entry as ``burdenshare data import`` writes one."""
    folder = Path(os.environ["BURDENSHARE_DATA_HOME"])
    folder.mkdir(parents=True, exist_ok=True)
    data = (DATA / bundled).read_bytes() if data is None else data
    (folder / bundled).write_bytes(data)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {"files": {}}
    rows = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8")))) - 1
    manifest["files"][bundled] = {
        "dataset": dataset,
        "edition": label,
        "source_file": bundled,
        "source_sha256": _sha(data),
        "imported": "2026-06-01T06:00:00+00:00",
        "rows": rows,
        "sha256": _sha(data),
    }
    manifest_path.write_text(json.dumps(manifest))
    return folder / bundled


def test_the_key_changes_with_each_input_and_only_then():
    key = report_key("nb", "nb__x-1", {"x": 1, "y": [2]}, b"{}", ENV, "native")[0]
    assert key == report_key("nb", "nb__x-1", {"y": [2], "x": 1}, b"{}", dict(ENV), "native")[0]
    others = [
        report_key("nb", "nb__x-1", {"x": 1, "y": [2]}, b"{ }", ENV, "native"),
        report_key("nb", "nb__x-1", {"x": 2, "y": [2]}, b"{}", ENV, "native"),
        report_key("nb", "nb__x-2", {"x": 1, "y": [2]}, b"{}", ENV, "native"),
        report_key("nb", "nb__x-1", {"x": 1, "y": [2]}, b"{}", {**ENV, "python": "3.12"}, "native"),
        report_key("nb", "nb__x-1", {"x": 1, "y": [2]}, b"{}", ENV, "a kernelspec"),
    ]
    assert len({key, *(k for k, _ in others)}) == 6


def test_installed_distributions_are_measured():
    names = installed_distributions()
    assert any(n.startswith("pandas-") for n in names)
    assert any(n.startswith("papermill-") for n in names)


def test_objects_and_entries_are_verified(tmp_path):
    cache = ReportCache(tmp_path)
    digest = cache.put(b"page")
    assert cache.get(digest) == b"page" and digest == _sha(b"page")
    path = tmp_path / "objects" / digest[:2] / digest
    path.write_bytes(b"pagf")
    with pytest.raises(CacheCorrupted, match="does not match its sha256"):
        cache.get(digest)
    assert not path.exists()  # removed: the next run stores it again
    with pytest.raises(CacheCorrupted, match="not a sha256"):
        cache.get("../../etc/passwd")
    cache._save({"key": "k" * 64, "outcome": {}})
    assert cache.load("k" * 64)["outcome"] == {}
    entry = tmp_path / "entries" / f"{'k' * 64}.json"
    entry.write_text(entry.read_text().replace('"outcome":{}', '"outcome":{"status":"ok"}'))
    with pytest.raises(CacheCorrupted, match="does not match its checksum"):
        cache.load("k" * 64)
    assert not entry.exists()


def test_prune_keeps_what_entries_use(tmp_path):
    cache = ReportCache(tmp_path)
    used, orphan = cache.put(b"used"), cache.put(b"orphan")
    cache._save({"key": "a" * 64, "notebook": used, "pages": {}})
    cache._save({"key": "b" * 64, "notebook": used, "pages": {}})
    old = time.time() - 40 * 86400
    os.utime(tmp_path / "entries" / f"{'b' * 64}.json", (old, old))
    assert cache.prune(grace_s=3600) == 1  # the stale entry; the orphan is too fresh to go
    assert cache.prune(grace_s=0) == 1  # now the orphan
    assert cache.get(used) == b"used"
    assert not (tmp_path / "objects" / orphan[:2] / orphan).exists()


@pytest.mark.processes
def test_data_check_sees_changed_files_and_new_editions():
    check = DataCheck()
    read = {
        "dataset": "kiel_support",
        "label": "R30",
        "origin": "bundled",
        "path": "kiel_support_r30.csv",
        "sha256": _sha((DATA / "kiel_support_r30.csv").read_bytes()),
    }
    catalogues = check.catalogues([read])
    assert check.changed([read], catalogues, FIXTURE_NOTEBOOKS) == ""
    assert "changed" in check.changed([{**read, "sha256": "0" * 64}], catalogues, FIXTURE_NOTEBOOKS)
    assert "is gone" in check.changed([{**read, "path": "nope.csv"}], catalogues, FIXTURE_NOTEBOOKS)
    before = catalogue_digests()
    import_edition("kiel_support", "kiel_support_r30.csv", "R30")
    after = catalogue_digests()
    assert {d for d in after if after[d] != before.get(d)} == {"kiel_support"}
    assert "installed editions of kiel_support changed" in DataCheck().changed(
        [read], catalogues, FIXTURE_NOTEBOOKS
    )


# --- runs -------------------------------------------------------------------------------------


def _run(folder: Path, out: Path, cache: Path, *, may_fail: bool = False, **options) -> dict:
    summary = run_report(
        options.pop("notebooks", None),
        options.pop("parameters", None),
        options.pop("for_each", None),
        out,
        notebooks_dir=folder,
        cache_dir=cache,
        progress=False,
        **options,
    )
    assert summary.ok or may_fail, summary.text()
    return {o.stem: o for o in summary.outcomes}


def _ran(outcomes: dict) -> set[str]:
    return {stem for stem, o in outcomes.items() if not o.cached}


def _warm_cli(*args: str | Path) -> tuple[dict, list[str]]:
    """Run the CLI in a fresh process; return its result and the heavy modules it imported."""
    code = (
        "import json, sys\n"
        "from burdenshare.cli import main\n"
        "code = main(sys.argv[1:])\n"
        f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(HEAVY)!r}))\n"
        "print(json.dumps({'code': code, 'heavy': heavy}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "report", *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "CI": "1"},
        timeout=600,
    )
    return json.loads(done.stdout.splitlines()[-1]), done.stderr.splitlines()


@pytest.fixture
def fixtures(tmp_path) -> Path:
    """A copy of the fixture notebooks that a test may edit."""
    folder = tmp_path / "notebooks"
    shutil.copytree(FIXTURE_NOTEBOOKS, folder)
    return folder


FIXTURE_SET = {"notebooks": ["ok_report", "reads_support", "marks_and_sleeps"]}
FIXTURE_PARAMS = {"seconds": 0}


@pytest.mark.notebooks
def test_unchanged_reports_come_from_the_cache_without_a_kernel(fixtures, tmp_path, monkeypatch):
    from burdenshare.reports import runner

    calls: list[str] = []  # the warm process is launched before planning when all will run
    launch, plan = runner._launch_server, runner.plan
    monkeypatch.setattr(runner, "_launch_server", lambda: (calls.append("launch"), launch())[1])
    monkeypatch.setattr(runner, "plan", lambda *a: (calls.append("plan"), plan(*a))[1])
    out, cache = tmp_path / "out", tmp_path / "cache"
    cold = _run(fixtures, out, cache, parameters=FIXTURE_PARAMS, **FIXTURE_SET)
    assert _ran(cold) == set(cold)
    assert calls == ["launch", "plan"] and all(o.engine == "forked" for o in cold.values())
    pages = {  # the reports' own files (not the site's index and thumbnails)
        p.name: p.read_bytes() for p in out.glob("*_*.*") if p.suffix in (".html", ".ipynb")
    }
    assert len(pages) == 6
    result, log = _warm_cli(
        "--notebooks-dir", fixtures, "--out", out, "--cache-dir", cache,
        "--notebook", *FIXTURE_SET["notebooks"], "-p", "seconds", "0",
    )  # fmt: skip
    assert result == {"code": 0, "heavy": []}  # no kernel, not even the notebook machinery
    assert len([line for line in log if line.startswith("[") and " cached (ran " in line]) == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["cached"] == 3 and all(r["cached"] for r in manifest["reports"])
    for report in manifest["reports"]:  # the original run's date and duration
        assert report["ran_at"] == cold[report["stem"]].ran_at
        assert report["duration_s"] == round(cold[report["stem"]].duration_s, 3)
    assert {n: (out / n).read_bytes() for n in pages} == pages

    # Showing the code is another page of the same executed notebook: rendered, not re-run.
    calls.clear()
    shown = _run(fixtures, out, cache, parameters=FIXTURE_PARAMS, show_code=True, **FIXTURE_SET)
    assert _ran(shown) == set()
    assert calls == ["plan"]  # nothing to run: no warm process
    assert "load_support" in (out / "reads_support.html").read_text()  # the code is shown
    assert "load_support" not in pages["reads_support.html"].decode()

    # --force re-runs everything; --no-cache neither reads nor writes the cache.
    calls.clear()
    assert _ran(_run(fixtures, out, cache, parameters=FIXTURE_PARAMS, force=True, **FIXTURE_SET))
    assert calls == ["launch", "plan"]
    nothing = tmp_path / "unused-cache"
    ran = _run(fixtures, out, nothing, parameters=FIXTURE_PARAMS, use_cache=False, **FIXTURE_SET)
    assert _ran(ran) == set(ran) and not nothing.exists()


@pytest.mark.notebooks
def test_exactly_the_reports_that_read_a_changed_input_run_again(fixtures, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = _run(fixtures, out, cache, parameters=FIXTURE_PARAMS, **FIXTURE_SET)
    readers = {
        stem for stem, o in first.items() if any(d["dataset"] == "kiel_support" for d in o.datasets)
    }
    assert readers == {"reads_support"}

    # A Kiel release is imported: the reports that read Kiel support data run again.
    import_edition("kiel_support", "kiel_support_r30.csv", "R30")
    after_import = _run(fixtures, out, cache, parameters=FIXTURE_PARAMS, **FIXTURE_SET)
    assert _ran(after_import) == readers
    read = next(d for d in after_import["reads_support"].datasets if d["label"] == "R30")
    assert (read["origin"], read["path"]) == ("imported", "kiel_support_r30.csv")
    assert "installed editions of kiel_support changed" in after_import["reads_support"].cache_note

    # One notebook is edited: only its reports run again.
    path = fixtures / "marks_and_sleeps.ipynb"
    doc = json.loads(path.read_text())
    doc["cells"].append({"cell_type": "markdown", "id": "added", "metadata": {}, "source": "x"})
    path.write_text(json.dumps(doc))
    assert _ran(_run(fixtures, out, cache, parameters=FIXTURE_PARAMS, **FIXTURE_SET)) == {
        "marks_and_sleeps__seconds-0"
    }
    # New parameters are a new report.
    assert _ran(_run(fixtures, out, cache, parameters={"seconds": 0.01}, **FIXTURE_SET)) == {
        "marks_and_sleeps__seconds-0.01"
    }


@pytest.mark.notebooks
def test_provenance_is_the_hash_of_the_bytes_read(fixtures, tmp_path):
    """The sha256 a report records is that of the bytes its kernel read: a file changed behind
    the manifest's back is refused (never served from the cache, never recorded with the old
    checksum), and a re-imported file is recorded with its new bytes."""
    out, cache = tmp_path / "out", tmp_path / "cache"
    original = (DATA / "nato_defexp_2025.csv").read_bytes()
    imported = import_edition("nato_spending", "nato_defexp_2025.csv", "2025")
    first = _run(fixtures, out, cache, notebooks=["ok_report"])["ok_report"]
    read = next(d for d in first.datasets if d["label"] == "2025")
    assert (read["origin"], read["sha256"]) == ("imported", _sha(original))

    changed = original.replace(b"iso3,", b'"iso3",', 1)  # same values, other bytes
    assert len(changed) == len(original) + 2
    imported.write_bytes(changed)  # behind the manifest's back
    tampered = _run(fixtures, out, cache, notebooks=["ok_report"], may_fail=True)["ok_report"]
    assert not tampered.cached and tampered.status == "failed"
    assert _sha(changed) in tampered.error and _sha(original) in tampered.error

    import_edition("nato_spending", "nato_defexp_2025.csv", "2025", data=changed)  # re-imported
    second = _run(fixtures, out, cache, notebooks=["ok_report"])["ok_report"]
    assert not second.cached and second.status == "ok"
    read = next(d for d in second.datasets if d["label"] == "2025")
    assert read["sha256"] == _sha(changed) != _sha(original)
    manifest = json.loads((out / "manifest.json").read_text())
    assert read in manifest["reports"][0]["datasets"]
    nb = json.loads((out / "ok_report.ipynb").read_text())
    assert read in nb["metadata"]["burdenshare"]["report"]["datasets"]
    assert second.results == first.results  # the values did not change, only the bytes
    assert _ran(_run(fixtures, out, cache, notebooks=["ok_report"])) == set()


@pytest.mark.notebooks
def test_a_corrupted_cache_is_detected_and_run_again(fixtures, tmp_path):
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = _run(fixtures, out, cache, notebooks=["ok_report", "reads_support"])
    page = (out / "ok_report.html").read_bytes()
    blob = cache / "objects" / _sha(page)[:2] / _sha(page)
    blob.write_bytes(page.replace(b"<html", b"<htmX", 1))
    second = _run(fixtures, out, cache, notebooks=["ok_report", "reads_support"])
    assert _ran(second) == {"ok_report"}
    assert "corrupted" in second["ok_report"].cache_note
    assert (out / "ok_report.html").read_bytes() == page  # never the altered bytes
    assert second["ok_report"].results == first["ok_report"].results
    for entry in (cache / "entries").glob("*.json"):
        entry.write_bytes(entry.read_bytes()[:-20])  # truncated
    assert _ran(_run(fixtures, out, cache, notebooks=["ok_report", "reads_support"])) == {
        "ok_report",
        "reads_support",
    }


@pytest.mark.dask
@pytest.mark.notebooks
@requires_dask
def test_the_cache_works_with_the_dask_executor(fixtures, tmp_path):
    import distributed

    out, cache = tmp_path / "out", tmp_path / "cache"
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        run = {"scheduler": client, "parameters": FIXTURE_PARAMS, **FIXTURE_SET}
        cold = _run(fixtures, out, cache, **run)
        warm = _run(fixtures, out, cache, **run)
    assert _ran(cold) == set(cold) and _ran(warm) == set()
    assert {s: o.results for s, o in warm.items()} == {s: o.results for s, o in cold.items()}
    assert json.loads((out / "manifest.json").read_text())["options"]["executor"] == "dask"


@pytest.mark.notebooks
def test_default_set_runs_again_only_where_something_changed(tmp_path):
    """The nightly job: the default set cold, again with nothing changed (no kernel at all),
    after a Kiel release is imported (exactly its readers), after one notebook is edited."""
    notebooks, out, cache = tmp_path / "notebooks", tmp_path / "out", tmp_path / "cache"
    shutil.copytree(NOTEBOOKS, notebooks, ignore=shutil.ignore_patterns(".*"))
    cold = _run(notebooks, out, cache)
    assert len(cold) == len(list(notebooks.glob("*.ipynb"))) + 31 + 2 and _ran(cold) == set(cold)

    result, log = _warm_cli("--notebooks-dir", notebooks, "--out", out, "--cache-dir", cache)
    assert result == {"code": 0, "heavy": []}
    assert len([line for line in log if " cached (ran " in line]) == len(cold)

    readers = {
        s for s, o in cold.items() if any(d["dataset"] == "kiel_support" for d in o.datasets)
    }
    assert "ukraine_support_flows" in readers and "accession_opinion" not in readers
    import_edition("kiel_support", "kiel_support_r30.csv", "R30")
    assert _ran(_run(notebooks, out, cache)) == readers

    path = notebooks / "accession_opinion.ipynb"
    doc = json.loads(path.read_text())
    doc["cells"].append({"cell_type": "markdown", "id": "added", "metadata": {}, "source": "x"})
    path.write_text(json.dumps(doc, indent=1))
    assert _ran(_run(notebooks, out, cache)) == {"accession_opinion"}


@pytest.mark.notebooks
def test_a_report_whose_reads_are_unknown_is_never_cached(tmp_path):
    """If the kernel cannot say what it read, serving the report later could be stale: it runs
    every time."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    doc = json.loads((FIXTURE_NOTEBOOKS / "reads_support.ipynb").read_text())
    hide = "__import__ = None  # shadows the builtin in this namespace, so the query fails"
    doc["cells"].append(
        {"cell_type": "code", "execution_count": None, "id": "hide", "metadata": {},
         "outputs": [], "source": hide}
    )  # fmt: skip
    (folder / "hides_import.ipynb").write_text(json.dumps(doc))
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = _run(folder, out, cache)["hides_import"]
    assert first.status == "ok" and not first.measured and first.datasets == []
    assert "not stored: the kernel did not report the data it read" in first.cache_note
    assert _ran(_run(folder, out, cache)) == {"hides_import"}
