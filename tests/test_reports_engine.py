"""Which engine runs a report's kernel, and why: forked from the warm process when the kernelspec
runs this interpreter with ipykernel (in the forms ipykernel writes), ordinary otherwise or when
the warm process is gone; per-cell timeouts."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from burdenshare.reports.engine.execute import execute_report
from burdenshare.reports.engine.kernels import classify_kernel_command
from burdenshare.reports.engine.warm import DEFAULT_PRELOAD, WarmProcess
from burdenshare.reports.planning import discover, plan
from burdenshare.reports.runner import run_report
from tests import FIXTURE_NOTEBOOKS

PY = sys.executable
CONN = ["-f", "/run/kernel-1.json"]


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.mark.parametrize(
    ("cmd", "reason"),
    [
        ([PY, "-m", "ipykernel_launcher", *CONN], "with -m ipykernel_launcher"),
        (  # what `python -m ipykernel install` writes on CPython 3.11+
            [PY, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", *CONN],
            "with -Xfrozen_modules=off -m ipykernel_launcher",
        ),
        (
            [PY, "-X", "frozen_modules=off", "-m", "ipykernel_launcher", *CONN],
            "with -X frozen_modules=off -m ipykernel_launcher",
        ),
        ([PY, "-m", "ipykernel", *CONN], "with -m ipykernel"),
        (  # --profile and other kernel options go to the kernel app
            [PY, "-m", "ipykernel_launcher", *CONN, "--profile", "reports"],
            "with -m ipykernel_launcher",
        ),
    ],
)
def test_kernelspecs_ipykernel_writes_are_forked(cmd, reason):
    args, why = classify_kernel_command(cmd, PY)
    assert args == cmd[cmd.index("-m") + 2 :]
    assert why == f"the kernelspec runs this interpreter {reason}"


@pytest.mark.parametrize(
    ("cmd", "reason"),
    [
        ([PY, "-O", "-m", "ipykernel_launcher", *CONN], "passes '-O -m'"),
        ([PY, "-m", "other_kernel", *CONN], "runs module 'other_kernel'"),
        (["/opt/elsewhere/bin/python3", "-m", "ipykernel_launcher", *CONN], "runs /opt/elsewhere"),
        ([PY, "script.py"], "passes 'script.py'"),
        ([], "empty command"),
    ],
)
def test_other_kernel_commands_run_ordinary_kernels_and_say_why(cmd, reason):
    args, why = classify_kernel_command(cmd, PY)
    assert args is None and reason in why


def _install_kernelspec(prefix: Path, argv: list[str] | None = None) -> Path:
    """A real kernelspec, written by ipykernel's own installer (optionally with another argv)."""
    subprocess.run(
        [PY, "-m", "ipykernel", "install", "--prefix", str(prefix), "--name", "python3"],
        check=True,
        capture_output=True,
    )
    spec = prefix / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    if argv is not None:
        doc = json.loads(spec.read_text())
        doc["argv"] = argv
        spec.write_text(json.dumps(doc))
    return spec


@pytest.mark.notebooks
def test_installed_kernelspec_is_forked_and_engines_are_recorded(tmp_path, monkeypatch):
    spec = _install_kernelspec(tmp_path / "k")
    assert "-Xfrozen_modules=off" in json.loads(spec.read_text())["argv"]
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "k" / "share" / "jupyter"))
    cache = tmp_path / "cache"
    summary = run_report(
        "ok_report", None, None, tmp_path / "out", notebooks_dir=FIXTURE_NOTEBOOKS,
        progress=False, cache_dir=cache,
    )  # fmt: skip
    (outcome,) = summary.outcomes
    assert (outcome.status, outcome.engine) == ("ok", "forked"), outcome.error
    assert "-Xfrozen_modules=off -m ipykernel_launcher" in outcome.engine_reason
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["reports"][0]["engine"] == "forked"
    assert "engines: 1 forked" in summary.text()

    # A kernelspec a fork cannot honour: an ordinary kernel, the reason in summary and manifest;
    # the kernelspec is part of the cache key, so the report runs again.
    argv = [PY, "-O", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    _install_kernelspec(tmp_path / "k", argv)
    summary = run_report(
        "ok_report", None, None, tmp_path / "out", notebooks_dir=FIXTURE_NOTEBOOKS,
        progress=False, cache_dir=cache,
    )  # fmt: skip
    (outcome,) = summary.outcomes
    assert (outcome.status, outcome.cached, outcome.engine) == ("ok", False, "ordinary")
    assert "passes '-O -m'" in outcome.engine_reason
    assert "ordinary kernels (1): the kernelspec passes '-O -m'" in summary.text()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["reports"][0]["engine_reason"] == outcome.engine_reason


@pytest.mark.notebooks
def test_when_the_warm_process_dies_reports_fall_back_to_ordinary_kernels(tmp_path):
    summary = run_report(
        ["kills_warm_process", "ok_report"],
        None,
        {"country": ["POL", "DEU", "FRA"]},
        tmp_path / "out",
        notebooks_dir=FIXTURE_NOTEBOOKS,
        progress=False,
        use_cache=False,
        jobs=2,
    )
    assert summary.ok, summary.text()
    by_stem = {o.stem: o for o in summary.outcomes}
    killer = by_stem["kills_warm_process"]
    assert killer.engine == "ordinary"
    assert "re-ran on an ordinary kernel" in killer.engine_reason
    assert "the warm process exited" in killer.engine_reason
    page = (tmp_path / "out" / "kills_warm_process.ipynb").read_text()
    assert "ordinary kernel" in page  # the report ran to its end on the fallback kernel
    after = [o for o in summary.outcomes if o.notebook == "ok_report" and o.engine == "ordinary"]
    assert after, "reports after the warm process died must run on ordinary kernels"
    assert all("warm process exited" in o.engine_reason for o in after)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["succeeded"] == 4 and (tmp_path / "out" / "index.html").is_file()


@pytest.mark.notebooks
def test_cell_timeout_stops_the_report_at_that_cell(tmp_path):
    summary = run_report(
        ["marks_and_sleeps", "ok_report"],
        {"seconds": 30},
        None,
        tmp_path / "out",
        notebooks_dir=FIXTURE_NOTEBOOKS,
        progress=False,
        use_cache=False,
        cell_timeout=3,
    )
    by_stem = {o.notebook: o for o in summary.outcomes}
    slow = by_stem["marks_and_sleeps"]
    assert slow.status == "failed"
    assert slow.error == "TimeoutError: a cell exceeded --cell-timeout 3 s; kernel stopped"
    nb = json.loads((tmp_path / "out" / f"{slow.stem}.ipynb").read_text())
    assert "while time.monotonic() < deadline" in "".join(nb["cells"][slow.failing_cell]["source"])
    assert by_stem["ok_report"].status == "ok"


@pytest.mark.notebooks
def test_kernels_forked_after_jsonschema_imports_see_a_fresh_interpreters_modules(tmp_path):
    """The warm process imports jsonschema without its optional IRI checker; its kernels must
    still import jsonschema as an ordinary kernel does."""
    cells = [
        nbformat.v4.new_code_cell(
            "import sys\nimport jsonschema\nfrom burdenshare.reports import record_results\n"
            "record_results({'iri': 'iri' in jsonschema.FormatChecker().checkers,"
            " 'marker': sys.modules.get('rfc3987_syntax', 0) is None})"
        )
    ]
    folder = tmp_path / "nb"
    folder.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "checks.ipynb")
    (spec,) = plan(discover(folder), "checks")
    with WarmProcess(preload=(*DEFAULT_PRELOAD, "jsonschema")) as server:
        assert server.failed_imports == []
        forked = execute_report(spec, "fork", server=server)  # forked after jsonschema
    ordinary = execute_report(spec, "papermill")
    assert forked.engine == "forked" and forked.status == ordinary.status == "ok"
    assert forked.results == ordinary.results
    assert forked.results["marker"] is False


def test_profiling_counts_each_figure_once_from_layout_to_png(monkeypatch):
    import pandas as pd
    from matplotlib.backend_bases import FigureCanvasBase

    from burdenshare import plots
    from burdenshare.reports.engine import kernel_side

    monkeypatch.setattr(FigureCanvasBase, "print_figure", FigureCanvasBase.print_figure)
    monkeypatch.setattr(plots, "render_png", plots.render_png)  # both restored afterwards
    monkeypatch.setattr(kernel_side, "_drawing", {"seconds": 0.0, "on": False, "depth": 0})
    assert kernel_side.figure_seconds() is None
    kernel_side.start_profile()
    kernel_side.start_profile()  # idempotent: wrapped once
    fig = plots.time_lines(
        pd.DataFrame({"a": [1.0, 2.0]}, index=[2024, 2025]), title="t", ylabel="x", source="s"
    )
    lay_out = plots.lay_out
    monkeypatch.setattr(plots, "lay_out", lambda f: (time.sleep(0.2), lay_out(f))[1])
    start = time.perf_counter()
    png = plots.render_png(fig)  # its print_figure inside is not counted again
    elapsed = time.perf_counter() - start
    assert png.startswith(b"\x89PNG")
    assert 0.2 <= kernel_side.figure_seconds() <= elapsed  # the layout counts too


@pytest.mark.processes
def test_warm_process_reads_the_backend_registry_once_for_every_kernel():
    """A kernel selects the inline backend; matplotlib checks the name against its registry,
    which reads every package's entry points the first time. The warm process does it for all."""
    code = (
        "import importlib.metadata, matplotlib\n"
        "from burdenshare.reports.engine.kernel_side import INLINE_BACKEND, warm_matplotlib\n"
        "warm_matplotlib()\n"
        "def unread(*a, **k):\n"
        "    raise AssertionError('entry points read again')\n"
        "importlib.metadata.entry_points = unread\n"
        "matplotlib.rcParams['backend'] = INLINE_BACKEND\n"
        "print(matplotlib.rcParams['backend'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "module://matplotlib_inline.backend_inline"


def test_a_warm_process_closed_before_it_is_ready_is_killed_not_awaited(tmp_path, monkeypatch):
    """A run that fails while planning closes the warm process it launched early at once."""
    import os

    (tmp_path / "slow_import.py").write_text("import time\ntime.sleep(60)\n")
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    server = WarmProcess(preload=["slow_import"], later=[]).launch()
    time.sleep(0.5)  # the warm process is importing
    start = time.monotonic()
    server.close()
    assert time.monotonic() - start < 5
    assert not server.alive()
