"""Hostile `burdenshare report` options: each is refused before any report runs (exit code 2),
with a message naming the option, file or folder, and nothing is written."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from tests import FIXTURE_NOTEBOOKS
from tests.adversarial import Action, Case, cli


def _report(*extra: str | Path, out: str = "out") -> Callable[[Path], Action]:
    """A case running ok_report with ``extra`` options into ``{folder}/out`` (own cache)."""

    def prepare(folder: Path) -> Action:
        args = [str(a).format(folder=folder) for a in extra]
        return cli(
            "report",
            "--notebooks-dir",
            FIXTURE_NOTEBOOKS,
            "--notebook",
            "ok_report",
            "--out",
            out.format(folder=folder) if "{folder}" in out else folder / out,
            "--cache-dir",
            folder / "cache",
            *args,
        )

    return prepare


def _with_file(name: str, text: str, then: Callable[[Path], Action]) -> Callable[[Path], Action]:
    """Write ``{folder}/name`` first, then prepare ``then``."""

    def prepare(folder: Path) -> Action:
        (folder / name).write_text(text.format(folder=folder), encoding="utf-8")
        return then(folder)

    return prepare


def _notebooks_with(name: str, content: bytes) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        notebooks = folder / "nb"
        notebooks.mkdir()
        shutil.copy(FIXTURE_NOTEBOOKS / "ok_report.ipynb", notebooks)
        (notebooks / name).write_bytes(content)
        return cli(
            "report", "--notebooks-dir", notebooks, "--out", folder / "out",
            "--cache-dir", folder / "cache",
        )  # fmt: skip

    return prepare


def _out_holding_the_notebooks(folder: Path) -> Action:
    notebooks = folder / "out" / "nb"
    notebooks.mkdir(parents=True)
    shutil.copy(FIXTURE_NOTEBOOKS / "ok_report.ipynb", notebooks)
    return cli(
        "report", "--notebooks-dir", notebooks, "--out", folder / "out",
        "--cache-dir", folder / "cache",
    )  # fmt: skip


def _locked(folder: Path) -> Action:
    run = _report("--no-wait")(folder)
    lock = FileLock(str(folder / ".out.lock"))
    lock.acquire()  # another run is publishing into out (the lock file exists before the case)
    lock.release()

    def action():
        with lock:
            return run()

    return action


CASES: list[Case] = [
    Case("report timeout negative", _report("--timeout", "-5"), 2, ("--timeout -5", "positive")),
    Case("report timeout infinite", _report("--timeout", "inf"), 2, ("--timeout inf", "finite")),
    Case("report timeout nan", _report("--timeout", "nan"), 2, ("--timeout nan",)),
    Case("report cell timeout zero", _report("--cell-timeout", "0"), 2, ("--cell-timeout 0",)),
    Case("report jobs zero", _report("--jobs", "0"), 2, ("--jobs 0", "1 or more")),
    Case(
        "report jobs not a number",
        _report("--jobs", "two"),
        2,
        ("--jobs", "'two' is not a whole number"),
    ),
    Case(
        "report out is a file",
        _with_file("taken", "a file", _report(out="{folder}/taken")),
        2,
        ("--out {folder}/taken", "is a file"),
    ),
    Case(
        "report out below a file",
        _with_file("taken", "a file", _report(out="{folder}/taken/reports")),
        2,
        ("--out {folder}/taken/reports", "{folder}/taken is a file"),
    ),
    Case(
        "report out not creatable",
        _report(out="/proc/burdenshare-reports"),
        2,
        ("--out /proc/burdenshare-reports",),
    ),
    Case(
        "report out holds the notebooks",
        _out_holding_the_notebooks,
        2,
        ("--out {folder}/out", "holds {folder}/out/nb"),
    ),
    Case(
        "report parameters file missing",
        _report("-f", "{folder}/missing.yaml"),
        2,
        ("-f {folder}/missing.yaml", "no such parameters file"),
    ),
    Case(
        "report parameters file invalid yaml",
        _with_file("p.yaml", "country: POL\nlabel: [unclosed\n", _report("-f", "{folder}/p.yaml")),
        2,
        ("-f {folder}/p.yaml line 3 column 1",),
    ),
    Case(
        "report parameters file python object",
        _with_file(
            "p.yaml",
            'label: !!python/object/apply:builtins.open ["{folder}/pwned", "w"]\n',
            _report("-f", "{folder}/p.yaml"),
        ),
        2,
        ("-f {folder}/p.yaml line 1 column 8", "Python objects and tags are refused"),
    ),
    Case(
        "report parameters file not a mapping",
        _with_file("p.yaml", "- POL\n- DEU\n", _report("-f", "{folder}/p.yaml")),
        2,
        ("-f {folder}/p.yaml", "YAML mapping"),
    ),
    Case(
        "report grid key twice",
        _report("--for-each", "country=POL", "--for-each", "country=DEU"),
        2,
        ("--for-each country is given twice",),
    ),
    Case(
        "report grid key also a parameter",
        _report("-p", "country", "POL", "--for-each", "country=DEU,FRA"),
        2,
        ("['country'] are set by both -p/-y/-f and --for-each",),
    ),
    Case(
        "report grid without values",
        _report("--for-each", "country"),
        2,
        ("--for-each 'country'", "KEY=V1,V2"),
    ),
    Case(
        "report corrupt notebook",
        _notebooks_with("broken.ipynb", b'{"cells": [, "metadata": {}}'),
        2,
        ("{folder}/nb/broken.ipynb", "line 1 column 12"),
    ),
    Case(
        "report notebook that is not one",
        _notebooks_with("list.ipynb", b"[1, 2, 3]"),
        2,
        ("{folder}/nb/list.ipynb", "not a Jupyter notebook"),
    ),
    Case(
        "report notebooks folder missing",
        lambda f: cli("report", "--notebooks-dir", f / "none", "--out", f / "out"),
        2,
        ("{folder}/none",),
    ),
    Case("report unknown notebook", _report("--notebook", "nope"), 2, ("'nope'",)),
    Case(
        "report parameter nobody declares",
        _report("-p", "colour", "red"),
        2,
        ("['colour']", "declared by none"),
    ),
    Case(
        "report cache folder is a file",
        _with_file("cache.txt", "a file", _report("--cache-dir", "{folder}/cache.txt/c")),
        2,
        ("--cache-dir {folder}/cache.txt/c", "is a file"),
    ),
    Case(
        "report unreachable scheduler",
        _report("--scheduler", "tcp://127.0.0.1:9"),
        2,
        ("--scheduler tcp://127.0.0.1:9", "within 10 s"),
    ),
    Case(
        "report no wait while another run holds out",
        _locked,
        2,
        ("--out {folder}/out", "lock {folder}/.out.lock", "--no-wait"),
    ),
]
