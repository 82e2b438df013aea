"""Imports into one user data folder from real processes: started at the same moment, and killed
with SIGKILL at points inside an import. Afterwards the folder verifies, every completed import is
listed, and the next import leaves no leftovers.

Each child imports burdenshare first, then waits for a "go" file, so that the imports themselves
start together. Kill points are set in the child by wrapping one function of the store so that it
kills its own process (SIGKILL: no cleanup code runs) before or after the real call.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from burdenshare.importers import import_workbook, verify_imported
from burdenshare.importers.store import file_sha256, leftovers, read_user_manifest
from tests import REPO
from tests.test_importers_workbook import build_nato

pytestmark = pytest.mark.processes

CHILD = r"""
import os, signal, sys, time
point, go = sys.argv[1], sys.argv[2]
from burdenshare.cli import main
from burdenshare.importers import kinds, store

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def before(module, name):
    def wrapped(*args, **kwargs):
        die()
    setattr(module, name, wrapped)

def after(module, name):
    real = getattr(module, name)
    def wrapped(*args, **kwargs):
        real(*args, **kwargs)
        die()
    setattr(module, name, wrapped)

if point == "parse":
    before(kinds, "read_nato_workbook")
elif point == "table-written":
    after(store, "write_new_file")
elif point == "before-commit":
    before(os, "replace")
elif point == "after-commit":
    after(os, "replace")
open(go + "." + str(os.getpid()), "w").close()
while not os.path.exists(go):
    time.sleep(0.002)
sys.exit(main(sys.argv[3:]))
"""


def _spawn(home: Path, go: Path, point: str, *argv: str | Path) -> subprocess.Popen:
    env = {**os.environ, "BURDENSHARE_DATA_HOME": str(home), "PYTHONPATH": str(REPO / "src")}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, point, str(go), *map(str, argv)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run_together(home: Path, commands: list[tuple[str, list[str | Path]]], go: Path):
    """Start the commands, let them all reach the barrier, release them; (code, stderr) each."""
    children = [_spawn(home, go, point, *argv) for point, argv in commands]
    deadline = time.monotonic() + 120
    while len(list(go.parent.glob(go.name + ".*"))) < len(children):
        assert time.monotonic() < deadline, "children did not start"
        assert all(c.poll() is None for c in children), [c.communicate() for c in children]
        time.sleep(0.01)
    go.touch()
    results = []
    for child in children:
        _, err = child.communicate(timeout=120)
        results.append((child.returncode, err))
    return results


def _listed(home: Path) -> dict[str, str]:
    """Label -> source sha256 of every NATO entry the folder's manifest lists."""
    files = read_user_manifest(home)["files"]
    return {str(e["edition"]): e["source_sha256"] for e in files.values()}


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("workbooks")
    paths = [folder / f"def-exp-{i}.xlsx" for i in range(4)]
    for i, path in enumerate(paths):
        build_nato(path, bump=float(i))
    return paths


@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_imports_keep_every_entry(tmp_path, workbooks, attempt):
    home = tmp_path / "home"
    labels = [str(2031 + i) for i in range(len(workbooks))]
    commands = [
        ("none", ["data", "import", "nato", path, "--edition", label])
        for path, label in zip(workbooks, labels, strict=True)
    ]
    results = _run_together(home, commands, tmp_path / "go")
    assert [code for code, _ in results] == [0] * len(commands), results
    assert _listed(home) == {
        label: file_sha256(path) for label, path in zip(labels, workbooks, strict=True)
    }
    assert verify_imported(home) == (len(labels), [])
    assert leftovers(home, read_user_manifest(home)) == []


@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_imports_of_one_edition_respect_replace(tmp_path, workbooks, attempt):
    home = tmp_path / "home"
    commands = [("none", ["data", "import", "nato", p, "--edition", "2031"]) for p in workbooks]
    results = _run_together(home, commands, tmp_path / "go")
    codes = [code for code, _ in results]
    assert sorted(codes) == [0, 2, 2, 2], results
    winner = workbooks[codes.index(0)]
    for code, err in results:
        if code == 2:
            assert "is already imported" in err and "--replace" in err, err
            assert "Traceback" not in err
    assert _listed(home) == {"2031": file_sha256(winner)}
    assert verify_imported(home) == (1, [])


KILL_POINTS = {
    # point: (the killed import is listed afterwards?, leftovers it may leave)
    "parse": (False, 0),
    "table-written": (False, 1),
    "before-commit": (False, 2),
    "after-commit": (True, 1),  # the replaced table is not yet deleted
}


@pytest.mark.parametrize("point", KILL_POINTS)
def test_sigkill_inside_an_import(tmp_path, workbooks, point):
    home = tmp_path / "home"
    first = import_workbook("nato", workbooks[0], "2031", folder=home)
    assert first.status == "imported"
    # the killed import replaces 2031 with another workbook: every write step is exercised
    argv = ["data", "import", "nato", workbooks[1], "--edition", "2031", "--replace"]
    ((code, err),) = _run_together(home, [(point, argv)], tmp_path / "go")
    assert code == -signal.SIGKILL, err
    listed, left = KILL_POINTS[point]
    expected = workbooks[1] if listed else workbooks[0]
    assert _listed(home) == {"2031": file_sha256(expected)}
    assert verify_imported(home) == (1, [])
    assert len(leftovers(home, read_user_manifest(home))) == left
    # the next import (here: the same command again) ends with no leftover of the killed one
    again = import_workbook("nato", workbooks[1], "2031", replace=True, folder=home)
    assert again.status == ("unchanged" if listed else "replaced")
    import_workbook("nato", workbooks[2], "2032", folder=home)
    assert leftovers(home, read_user_manifest(home)) == []
    assert not [p for p in home.rglob("*") if p.name.endswith(".tmp")]
    assert verify_imported(home) == (2, [])


def test_sigkill_at_random_moments(tmp_path, workbooks):
    """Kill imports after a random delay once they start; every state the kills leave verifies,
    and each import that finished before its kill is listed."""
    home = tmp_path / "home"
    rng = random.Random(20260808)
    finished: dict[str, str] = {}
    for attempt in range(8):
        label = str(2040 + attempt)
        path = workbooks[attempt % len(workbooks)]
        go = tmp_path / f"go{attempt}"
        child = _spawn(home, go, "none", "data", "import", "nato", path, "--edition", label)
        while not list(tmp_path.glob(go.name + ".*")):
            assert child.poll() is None, child.communicate()
            time.sleep(0.01)
        go.touch()
        time.sleep(rng.uniform(0.0, 0.6))
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=120)
        if child.returncode == 0:
            finished[label] = file_sha256(path)
        listed = _listed(home) if (home / "manifest.json").exists() else {}
        assert finished.items() <= listed.items()
        assert set(listed) <= {str(2040 + a) for a in range(attempt + 1)}
        if (home / "manifest.json").exists():
            assert verify_imported(home)[1] == []
    import_workbook("nato", workbooks[0], "2050", folder=home)
    assert leftovers(home, read_user_manifest(home)) == []
    assert json.loads((home / "manifest.json").read_text())["files"]
