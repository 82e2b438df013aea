"""Hostile inputs, one :class:`Case` each, gathered by tests/test_adversarial.py.

Each area keeps its cases in a module of its own here (``cases_<area>.py`` with a ``CASES`` list):
loaders via ``path=``, importers, ``data verify``, CLI options, public metrics. A case prepares its
input in a temporary folder and returns the action to try; the test asserts the action fails with
the expected error (or CLI exit code), that the message names the offending place, and that
nothing was written or changed: the bundled data, the user data folder and the case's own folder
are byte for byte as they were before the action.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import burdenshare
from burdenshare.cli import main

#: What a case's ``prepare`` returns: the hostile action, called once with no arguments.
Action = Callable[[], Any]


@dataclass(frozen=True)
class Case:
    """One hostile input.

    ``prepare(folder)`` writes whatever the case needs into ``folder`` (a fresh temporary folder)
    and returns the action. ``error`` is the exception type the action must raise, or an int: the
    action is then a CLI call (see :func:`cli`) that must return that exit code. ``names``: text
    the message must contain (the file, line and column; sheet and cell; or parameter), where
    ``{folder}`` stands for the case's folder. ``kinds``: why the case is slow, as marks of
    tests/conftest.py's ``SLOW_KINDS``: ``"notebooks"`` (it runs reports), ``"processes"`` (it
    starts ``python -m burdenshare``, see :func:`process`), ``"dask"``.
    """

    id: str
    prepare: Callable[[Path], Action]
    error: type[BaseException] | int
    names: Sequence[str] = field(default_factory=tuple)
    kinds: Sequence[str] = field(default_factory=tuple)


#: True while a case marked ``"processes"`` runs: :func:`process` refuses to start one otherwise,
#: so every case that starts a process is marked (and left out of ``-m "not slow"``).
PROCESSES_ALLOWED: ContextVar[bool] = ContextVar("PROCESSES_ALLOWED", default=False)


@dataclass
class CliResult:
    """What a CLI call printed and returned."""

    code: int
    out: str
    err: str

    def __str__(self) -> str:
        return self.err + self.out


def cli(*argv: str | Path) -> Action:
    """An action that runs ``burdenshare ARGV`` in-process and returns its :class:`CliResult`."""

    def run() -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in argv])
            except SystemExit as exc:  # argparse usage errors
                code = exc.code if isinstance(exc.code, int) else 2
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


def process(
    *argv: str | Path,
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    cwd: Path | None = None,
    python: Sequence[str] = (),
    limits: Mapping[int, int] | None = None,
) -> Action:
    """An action that runs ``python -m burdenshare ARGV`` as a real process (for hangs, pipes,
    signals and encodings) and returns its :class:`CliResult`; a process still running after
    ``timeout`` seconds is killed and fails the case (``subprocess.TimeoutExpired``). ``python``:
    options for the interpreter (e.g. ``("-W", "error")``); ``limits``: resource limits of the
    process (``{resource.RLIMIT_FSIZE: 100_000}``)."""

    source = str(Path(burdenshare.__file__).resolve().parents[1])  # this checkout's package
    path = os.pathsep.join(filter(None, (source, os.environ.get("PYTHONPATH"))))

    def limited() -> None:
        import resource

        for which, value in (limits or {}).items():
            resource.setrlimit(which, (value, value))

    def run() -> CliResult:
        assert PROCESSES_ALLOWED.get(), (
            'this case starts a real process: give it kinds=("processes",) so it is marked'
        )
        done = subprocess.run(
            [sys.executable, *python, "-m", "burdenshare", *map(str, argv)],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            env={**os.environ, "PYTHONPATH": path, **(env or {})},
            cwd=cwd,
            preexec_fn=limited if limits else None,
        )
        out, err = (b.decode("utf-8", "backslashreplace") for b in (done.stdout, done.stderr))
        return CliResult(done.returncode, out, err)

    return run
