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


def _one_cell_report(tmp_path: Path, stem: str, source: str):
    """The report of a notebook ``stem`` holding one code cell, in a folder of its own."""
    folder = tmp_path / "nb"
    folder.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    nbformat.write(notebook, folder / f"{stem}.ipynb")
    (spec,) = plan(discover(folder), stem)
    return spec


@pytest.mark.notebooks
def test_kernels_forked_after_jsonschema_imports_see_a_fresh_interpreters_modules(tmp_path):
    """The warm process imports jsonschema without its optional IRI checker; its kernels must
    still import jsonschema as an ordinary kernel does."""
    spec = _one_cell_report(
        tmp_path,
        "checks",
        "import sys\nimport jsonschema\nfrom burdenshare.reports import record_results\n"
        "record_results({'iri': 'iri' in jsonschema.FormatChecker().checkers,"
        " 'marker': sys.modules.get('rfc3987_syntax', 0) is None})",
    )
    with WarmProcess(preload=(*DEFAULT_PRELOAD, "jsonschema")) as server:
        assert server.failed_imports == []
        forked = execute_report(spec, "fork", server=server)  # forked after jsonschema
    ordinary = execute_report(spec, "papermill")
    assert forked.engine == "forked" and forked.status == ordinary.status == "ok"
    assert forked.results == ordinary.results
    assert forked.results["marker"] is False


@pytest.mark.notebooks
def test_kernels_forked_from_the_warm_process_have_the_country_table_read(tmp_path):
    """Almost every report reads data/countries.csv through burdenshare.countries: the warm
    process reads it once, and its kernels do not read the file again."""
    spec = _one_cell_report(
        tmp_path,
        "countries_read",
        "from burdenshare import countries\nfrom burdenshare.reports import record_results\n"
        "def refuse(*args):\n    raise AssertionError('countries.csv read again')\n"
        "countries.read_checked = refuse\n"
        "record_results({'allies': len(countries.nato_allies(2024))})",
    )
    with WarmProcess(preload=DEFAULT_PRELOAD) as server:
        forked = execute_report(spec, "fork", server=server)
    assert forked.engine == "forked", forked.engine_reason
    assert (forked.status, forked.error) == ("ok", "")
    assert forked.results == {"allies": 32}


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


def test_the_warm_process_warms_data_through_public_functions_of_a_base_layer_that_never_forks():
    """Speed work lives in the engine: the warm process calls public functions of the package,
    and the tables layer it warms starts, pickles and kills no process."""
    import ast
    import importlib

    from burdenshare import tables
    from burdenshare.reports.engine.warm import DEFAULT_LATER

    for entry in (*DEFAULT_PRELOAD, *DEFAULT_LATER):
        module, _, function = entry.partition(":")
        if module.startswith("burdenshare") and function:
            assert not any(p.startswith("_") for p in (*module.split("."), function)), entry
            assert callable(getattr(importlib.import_module(module), function)), entry
    tree = ast.parse(Path(tables.__file__).read_text())
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not names & {"fork", "pickle", "kill", "killpg", "mkdtemp", "subprocess", "signal"}


def test_a_warm_process_runs_its_exit_handlers_when_closed(tmp_path, monkeypatch):
    """The warm process exits without tearing its interpreter down, but what imported modules
    registered to run at exit (removing their temporary folders) still runs."""
    import os

    done = tmp_path / "exit-handler-ran"
    (tmp_path / "leaves_a_mark.py").write_text(
        f"import atexit, pathlib\natexit.register(pathlib.Path({str(done)!r}).write_text, 'yes')\n"
    )
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
    with WarmProcess(preload=["leaves_a_mark"], later=[]) as server:
        assert server.failed_imports == []
    assert not server.alive()
    assert done.read_text() == "yes"


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


@pytest.mark.notebooks
def test_a_forked_kernels_exit_status_is_recorded(tmp_path):
    """The warm process reaps its kernels only when the runner asks, so the exit status is the
    kernel's own: a kernel that exits with 7 says 7; one the runner shut down says SIGKILL."""
    import signal

    folder = tmp_path / "nb"
    folder.mkdir()
    cell = nbformat.v4.new_code_cell("import os\nos._exit(7)")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), folder / "exits.ipynb")
    (exits,) = plan(discover(folder), "exits")
    (ok,) = plan(discover(FIXTURE_NOTEBOOKS), "ok_report")
    with WarmProcess() as server:
        crashed = execute_report(exits, "fork", server=server)
        finished = execute_report(ok, "fork", server=server)
    assert (crashed.engine, crashed.status, crashed.kernel_exit) == ("forked", "failed", 7)
    assert (finished.engine, finished.status) == ("forked", "ok")
    assert finished.kernel_exit == -signal.SIGKILL  # nbclient's immediate shutdown


def _record_signals(monkeypatch) -> list[tuple]:
    import os

    sent: list[tuple] = []
    monkeypatch.setattr(os, "kill", lambda *a: sent.append(("kill", *a)))
    monkeypatch.setattr(os, "killpg", lambda *a: sent.append(("killpg", *a)))
    return sent


def _group_leader() -> subprocess.Popen:
    return subprocess.Popen([PY, "-c", "import time; time.sleep(60)"], start_new_session=True)


def _capture_of(process: subprocess.Popen | None):
    """A report's capture whose (stand-in) provisioner has launched ``process``."""
    from types import SimpleNamespace

    from burdenshare.reports.engine.execute import _Capture

    provisioner = SimpleNamespace(process=process)
    return _Capture(client=SimpleNamespace(km=SimpleNamespace(provisioner=provisioner)))


def test_kills_never_signal_a_pid_whose_group_is_gone(monkeypatch):
    """Once a kernel has been reaped its pid (and group id) may belong to another process:
    stopping the run must send it nothing, neither to the group nor to the bare pid."""
    from burdenshare.reports.engine.execute import KernelGuard
    from burdenshare.reports.engine.warm import UNKNOWN_STATUS, ForkedProcess

    ordinary, forked = _group_leader(), _group_leader()
    capture = _capture_of(ordinary)
    capture.kernel_started()
    server = WarmProcess()  # never started: as if it had died and its kernels were reaped
    handle = server.children[forked.pid] = ForkedProcess(forked.pid, server)
    for process in (ordinary, forked):
        process.kill()
        process.wait()
    sent = _record_signals(monkeypatch)
    guard = KernelGuard()
    guard.add(capture)
    guard.stop()
    server.kill_children()
    handle.terminate()
    assert sent == []
    assert (handle.poll(), handle.status) == (UNKNOWN_STATUS, None)


def test_a_timed_out_kernel_is_killed_once_with_its_group_even_while_starting(monkeypatch):
    """The watchdog does not retry kills every 0.2 s: a kernel that starts after the timeout is
    killed as soon as it has started, once, with its process group."""
    import os
    import signal
    import threading

    from burdenshare.reports.engine.execute import _watchdog
    from burdenshare.reports.engine.warm import Leader

    capture = _capture_of(None)  # the kernel is still starting
    _watchdog(capture, 0.01, threading.Event())
    assert capture.timed_out
    code = "import subprocess, time\nprint(subprocess.Popen(['sleep', '60']).pid, flush=True)\n"
    kernel = subprocess.Popen(  # leads its group, with a child of its own in it
        [PY, "-c", code + "time.sleep(60)"], start_new_session=True, stdout=subprocess.PIPE
    )
    child = Leader(int(kernel.stdout.readline()))
    killpg, calls = os.killpg, []
    monkeypatch.setattr(os, "killpg", lambda *a: (calls.append(a), killpg(*a)))
    capture.provisioner().process = kernel
    capture.kernel_started()
    assert kernel.wait(timeout=10) == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while not child.exited() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert child.exited()  # the group went with it
    time.sleep(0.3)
    assert calls == [(kernel.pid, signal.SIGKILL)]


#: Runs in a fresh process: a warm process closed at one moment of its life (argv: the moment,
#: the fixture notebooks, a scratch folder outside TMPDIR).
_CLOSE_AT = r"""
import sys, threading, time
from pathlib import Path
from burdenshare.reports.engine.execute import execute_report
from burdenshare.reports.engine.warm import WarmProcess
from burdenshare.reports.planning import discover, plan

moment, fixtures, scratch = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
server = WarmProcess().launch()
if moment == "importing":
    time.sleep(1.0)
    server.close()
    sys.exit()
server.wait_ready()
if moment == "report":
    (spec,) = plan(discover(fixtures), "ok_report")
    assert execute_report(spec, "fork", server=server).status == "ok"
if moment == "kernel":  # closed while its kernel runs; the kernel finishes, then is shut down
    marker, release = scratch / "marker", scratch / "release"
    parameters = {"marker": str(marker), "release": str(release), "seconds": 60}
    (spec,) = plan(discover(fixtures), "marks_and_sleeps", parameters)
    done = []
    report = threading.Thread(target=lambda: done.append(execute_report(spec, server=server)))
    report.start()
    while not marker.exists() and report.is_alive():
        time.sleep(0.05)
    server.close()
    release.touch()
    report.join()
    assert done[0].status == "ok", done[0].error
    assert done[0].kernel_exit is None  # its warm process was gone: the status is unknown
server.close()
"""


def _session_members(sid: int) -> list[str]:
    """The live (not zombie) processes of session ``sid``: ``"pid command"``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            found.append(f"{stat.parent.name} {text[: text.rindex(')') + 1]}")
    return found


def _leftovers(cmd: list[str], tmp_path: Path, stop_after: Path | None = None) -> tuple:
    """Run ``cmd`` in a session of its own with a private TMPDIR (SIGTERM once ``stop_after``
    exists); then (its return code, what is left in TMPDIR, live processes of its session)."""
    import os
    import signal

    private = tmp_path / "tmp"
    private.mkdir()
    env = {**os.environ, "TMPDIR": str(private)}
    process = subprocess.Popen(cmd, env=env, start_new_session=True, stderr=subprocess.PIPE)
    if stop_after is not None:
        deadline = time.monotonic() + 300
        while not stop_after.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
    _, errors = process.communicate(timeout=300)
    deadline = time.monotonic() + 5
    while (alive := _session_members(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = sorted(str(p.relative_to(private)) for p in private.rglob("*"))
    return process.returncode, left, alive, errors.decode(errors="replace")


@pytest.mark.processes
@pytest.mark.parametrize("moment", ["importing", "ready", "kernel", "report"])
def test_a_warm_process_closed_at_any_moment_leaves_no_file_and_no_process(tmp_path, moment):
    """Nothing outlives the run in TMPDIR (the table helper used to leave ~5.7 MB of pickles
    there when closed while importing), and no kernel or helper of the run lives on."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    cmd = [PY, "-c", _CLOSE_AT, moment, str(FIXTURE_NOTEBOOKS), str(scratch)]
    code, left, alive, errors = _leftovers(cmd, tmp_path)
    assert code == 0, errors
    assert left == [] and alive == []


@pytest.mark.processes
def test_a_runner_stopped_by_sigterm_mid_run_leaves_no_file_and_no_process(tmp_path):
    marker = tmp_path / "marker"
    cmd = [
        PY, "-m", "burdenshare", "report", "--notebook", "marks_and_sleeps",
        "--notebooks-dir", str(FIXTURE_NOTEBOOKS), "--out", str(tmp_path / "out"), "--no-cache",
        "-p", "seconds", "60", "-p", "marker", str(marker),
    ]  # fmt: skip
    code, left, alive, errors = _leftovers(cmd, tmp_path, stop_after=marker)
    assert code != 0 and "Traceback" not in errors, errors
    assert left == [] and alive == []
