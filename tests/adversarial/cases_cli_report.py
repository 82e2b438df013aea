"""Hostile `burdenshare report` options: each is refused before any report runs (exit code 2),
with a message naming the option, file or folder, and nothing is written."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from filelock import FileLock

from tests import FIXTURE_NOTEBOOKS
from tests.adversarial import Action, Case, CliResult, cli, process


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
        ("dask",),
    ),
    Case(
        "report no wait while another run holds out",
        _locked,
        2,
        ("--out {folder}/out", "lock {folder}/.out.lock", "--no-wait"),
    ),
]


def _loop(folder: Path) -> Path:
    """``{folder}/loop``: a symbolic link to itself."""
    (folder / "loop").symlink_to("loop")
    return folder / "loop"


def _with_loop(then: Callable[[Path], Action]) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        _loop(folder)
        return then(folder)

    return prepare


def _shared_cache(mode: int) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        (folder / "cache").mkdir()
        (folder / "cache").chmod(mode)
        return _report()(folder)

    return prepare


def _shared_cache_subfolder(folder: Path) -> Action:
    (folder / "cache" / "entries").mkdir(parents=True)
    (folder / "cache").chmod(0o700)
    (folder / "cache" / "entries").chmod(0o777)
    return _report()(folder)


def _yaml_bomb(levels: int) -> str:
    """Billion laughs under the parameter ``label`` (which ok_report declares): ``levels``
    nested anchors, each list nine of the one before (9 ** levels strings once expanded)."""
    lines = ["label:", '  - &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"  - &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def _fifo_file(folder: Path) -> Action:
    os.mkfifo(folder / "p.yaml")
    return process(
        "report", "--notebooks-dir", FIXTURE_NOTEBOOKS, "--notebook", "ok_report",
        "-f", folder / "p.yaml", "--out", folder / "out", "--cache-dir", folder / "cache",
        timeout=20,
    )  # fmt: skip


def _device_file(device: str) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        return process(
            "report", "--notebooks-dir", FIXTURE_NOTEBOOKS, "--notebook", "ok_report",
            "-f", device, "--out", folder / "out", "--cache-dir", folder / "cache", timeout=20,
        )  # fmt: skip

    return prepare


CASES += [
    Case(
        "report cache folder in a symlink loop",
        _with_loop(_report("--cache-dir", "{folder}/loop/cache")),
        2,
        ("--cache-dir {folder}/loop/cache", "symbolic link loop"),
    ),
    Case(
        "report out in a symlink loop",
        _with_loop(_report(out="{folder}/loop/out")),
        2,
        ("--out {folder}/loop/out", "symbolic link loop"),
    ),
    Case(
        "report out is a symlink loop",
        _with_loop(_report(out="{folder}/loop")),
        2,
        ("--out {folder}/loop", "symbolic link loop"),
    ),
    Case(
        "report -f in a symlink loop",
        _with_loop(_report("-f", "{folder}/loop/p.yaml")),
        2,
        ("-f {folder}/loop/p.yaml", "symbolic link loop"),
    ),
    Case(
        "report notebooks folder in a symlink loop",
        lambda f: cli("report", "--notebooks-dir", _loop(f) / "nb", "--out", f / "out"),
        2,
        ("{folder}/loop/nb",),
    ),
    Case("report -p nan", _report("-p", "label", "nan"), 2, ("'label'", "nan", "finite")),
    Case("report -p 1e999", _report("-p", "label", "1e999"), 2, ("'label'", "inf", "finite")),
    Case("report -y -inf", _report("-y", "label: -Infinity"), 2, ("'label'", "-inf")),
    Case(
        "report -y list holding nan",
        _report("-y", "label: [1.5, nan]"),
        2,
        ("-y", "'label[1]'", "nan"),
    ),
    Case(
        "report -y mapping holding 1e999",
        _report("-y", "label:\n  a:\n    b: 1e999\n"),
        2,
        ("label['a']['b']", "inf"),
    ),
    Case(
        "report -f holding nan",
        _with_file("p.yaml", "label: [NaN]\n", _report("-f", "{folder}/p.yaml")),
        2,
        ("-f {folder}/p.yaml", "'label[0]'", "nan"),
    ),
    Case(
        "report --for-each inf",
        _report("--for-each", "label=a,inf"),
        2,
        ("--for-each", "'label[1]'", "inf"),
    ),
    Case(
        "report -f billion laughs",
        _with_file("bomb.yaml", _yaml_bomb(9), _report("-f", "{folder}/bomb.yaml")),
        2,
        ("-f {folder}/bomb.yaml", "more than 100,000 values", "aliases"),
    ),
    Case(
        "report -y billion laughs",
        lambda f: _report("-y", _yaml_bomb(7))(f),
        2,
        ("-y", "more than 100,000 values"),
    ),
    Case(
        "report -y nested too deeply",
        _report("-y", "label: " + "[" * 5000 + "]" * 5000),
        2,
        ("-y", "nested too deeply"),
    ),
    Case(
        "report -f named pipe",
        _fifo_file,
        2,
        ("-f {folder}/p.yaml", "not a regular file"),
        ("processes",),
    ),
    Case(
        "report -f /dev/zero",
        _device_file("/dev/zero"),
        2,
        ("-f /dev/zero", "not a regular"),
        ("processes",),
    ),
    Case("report -f /dev/stdin", _device_file("/dev/stdin"), 2, ("-f /dev/stdin",), ("processes",)),
    Case(
        "report cache folder writable by all",
        _shared_cache(0o777),
        2,
        ("--cache-dir {folder}/cache", "writable by other users", "chmod -R go-w"),
    ),
    Case(
        "report cache folder writable by group",
        _shared_cache(0o770),
        2,
        ("--cache-dir {folder}/cache", "mode 0770"),
    ),
    Case(
        "report cache subfolder writable by all",
        _shared_cache_subfolder,
        2,
        ("{folder}/cache/entries is writable by other users",),
    ),
]


def _warnings_as_errors(*extra: str) -> Callable[[Path], Action]:
    """A report run with every warning an error: no "Exception ignored" (unclosed event loops,
    sockets) on the way out. Its output and cache lie beside the case's folder."""

    def prepare(folder: Path) -> Action:
        run = process(
            "report", "--notebooks-dir", FIXTURE_NOTEBOOKS, "--notebook", "ok_report",
            "--out", folder.parent / "out", "--cache-dir", folder.parent / "cache", *extra,
            python=("-W", "error"), timeout=120,
        )  # fmt: skip

        def action() -> CliResult:
            result = run()
            assert "Exception ignored" not in str(result), str(result)
            return result

        return action

    return prepare


CASES += [
    Case(
        "report -W error: no unclosed loops",
        _warnings_as_errors(),
        0,
        ("1/1 reports",),
        ("notebooks", "processes"),
    ),
    Case(
        "report -W error on ordinary kernels",
        _warnings_as_errors("--engine", "papermill", "--no-cache"),
        0,
        ("1/1 reports",),
        ("notebooks", "processes"),
    ),
]


def _notebook_called(name: str) -> Callable[[Path], Action]:
    """A report run whose notebook is named like one of the site's own files. The run's output
    lies beside the case's folder; the action checks the site's page survived."""

    def prepare(folder: Path) -> Action:
        notebooks = folder / "nb"
        notebooks.mkdir()
        shutil.copy(FIXTURE_NOTEBOOKS / "ok_report.ipynb", notebooks / f"{name}.ipynb")
        out = folder.parent / "out"
        run = cli(
            "report", "--notebooks-dir", notebooks, "--out", out,
            "--cache-dir", folder.parent / "cache",
        )  # fmt: skip

        def action() -> CliResult:
            result = run()
            manifest = json.loads((out / "manifest.json").read_text())
            page = manifest["reports"][0]["files"]["html"]
            assert page == f"{name}__report.html", page
            assert "index.html" in manifest["site_files"]
            assert "<title>" in (out / "index.html").read_text() and (out / page).is_file()
            return result

        return action

    return prepare


CASES += [
    Case(
        "report notebook named index",
        _notebook_called("index"),
        0,
        ("1/1 reports",),
        ("notebooks",),
    ),
    Case(
        "report notebook named Manifest", _notebook_called("Manifest"), 0, ("1/1",), ("notebooks",)
    ),
]


def _notebook_special(make: Callable[[Path], None]) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        notebooks = folder / "nb"
        notebooks.mkdir()
        shutil.copy(FIXTURE_NOTEBOOKS / "ok_report.ipynb", notebooks)
        make(notebooks / "odd.ipynb")
        return process(
            "report", "--notebooks-dir", notebooks, "--out", folder / "out",
            "--cache-dir", folder / "cache", timeout=30,
        )  # fmt: skip

    return prepare


def _to_dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _cache_left_pipes(folder: Path) -> Action:
    """A cache whose entries and objects were replaced by named pipes (a broken or hostile
    cache): the report runs again instead of waiting on them."""
    cache, out = folder.parent / "cache", folder.parent / "out"
    args = ("report", "--notebooks-dir", FIXTURE_NOTEBOOKS, "--notebook", "ok_report",
            "--out", out, "--cache-dir", cache)  # fmt: skip
    first = cli(*args)()
    assert first.code == 0, str(first)
    for path in [*cache.glob("entries/*.json"), *cache.glob("objects/*/*")]:
        path.unlink()
        os.mkfifo(path)
    return process(*args, timeout=120)


CASES += [
    Case("report notebook is a named pipe", _notebook_special(os.mkfifo), 2,
         ("{folder}/nb/odd.ipynb", "not a regular file"), ("processes",)),
    Case("report notebook links to /dev/zero", _notebook_special(_to_dev_zero), 2,
         ("{folder}/nb/odd.ipynb", "not a regular file"), ("processes",)),
    Case("report cache entries are named pipes", _cache_left_pipes, 0, ("1 ran",), ("notebooks", "processes")),
]  # fmt: skip


def _lock_left_as(make: Callable[[Path], None]) -> Callable[[Path], Action]:
    """Something other than a file left where the run's lock beside --out goes."""

    def prepare(folder: Path) -> Action:
        make(folder / ".out.lock")
        return process(
            "report", "--notebooks-dir", FIXTURE_NOTEBOOKS, "--notebook", "ok_report",
            "--out", folder / "out", "--cache-dir", folder / "cache", timeout=30,
        )  # fmt: skip

    return prepare


CASES += [
    Case("report lock left as a named pipe", _lock_left_as(os.mkfifo), 2,
         ("--out {folder}/out", "lock {folder}/.out.lock", "not a regular file"), ("processes",)),
]  # fmt: skip
