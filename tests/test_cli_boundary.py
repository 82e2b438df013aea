"""The CLI's one error boundary: whatever a command raises, it ends with one message and a
documented exit code (2: could not run, 3: internal error, 130: interrupted), never a traceback
unless --debug or BURDENSHARE_DEBUG=1 asks for it."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

import burdenshare as bs
from burdenshare.cli import imports, main
from tests import REPO


@pytest.fixture
def broken_import(monkeypatch: pytest.MonkeyPatch):
    """Make `burdenshare data import` raise ``exc`` (a fresh parser picks the patched command)."""

    def install(exc: BaseException) -> None:
        def command(args: object) -> int:
            raise exc

        monkeypatch.setattr(imports, "_data_import", command)

    return install


@pytest.mark.parametrize(
    ("exc", "code", "says"),
    [
        (bs.DataError("x.xlsx: sheet 'TABLE1', cell B4: got 1"), 2, "cell B4"),
        (PermissionError(errno.EACCES, "Permission denied", "/srv/x"), 2, "/srv/x: Permission"),
        (OSError(errno.ENOSPC, "No space left on device"), 2, "free some space"),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), 2, "UTF-8"),
        (TypeError("unsupported operand"), 3, "internal error (TypeError: unsupported operand)"),
        (KeyError("rows"), 3, "rerun with --debug"),
    ],
    ids=["ours", "permission", "disk full", "encoding", "bug", "key"],
)
def test_errors_end_in_one_message_and_an_exit_code(broken_import, capsys, exc, code, says):
    broken_import(exc)
    assert main(["data", "import", "nato", "x.xlsx"]) == code
    captured = capsys.readouterr()
    assert captured.err.startswith("error: ") and says in captured.err
    assert "Traceback" not in captured.err and captured.out == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["--debug", "data", "import", "nato", "x.xlsx"],
        ["data", "import", "nato", "x.xlsx", "--debug"],
        ["data", "--debug", "import", "nato", "x.xlsx"],
    ],
)
def test_debug_shows_the_traceback(broken_import, capsys, argv):
    broken_import(TypeError("unsupported operand"))
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "TypeError" in err
    assert err.rstrip().splitlines()[-1].startswith("error: internal error")


def test_debug_environment_variable(broken_import, capsys, monkeypatch):
    broken_import(bs.DataError("bad"))
    monkeypatch.setenv("BURDENSHARE_DEBUG", "1")
    assert main(["data", "import", "nato", "x.xlsx"]) == 2
    assert "Traceback" in capsys.readouterr().err
    monkeypatch.setenv("BURDENSHARE_DEBUG", "0")
    assert main(["data", "import", "nato", "x.xlsx"]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_interrupt(broken_import, capsys):
    broken_import(KeyboardInterrupt())
    assert main(["data", "import", "nato", "x.xlsx"]) == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_exit_codes_are_documented(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    for text in ("0 done", "1 problems found", "2 the command could not run", "3 internal error"):
        assert text in out


def _run(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "burdenshare", *argv],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **env},
    )


@pytest.mark.processes
def test_real_processes_never_print_a_traceback(tmp_path):
    """A broken environment, end to end (console entry point, real stderr)."""
    home = tmp_path / "home.txt"
    home.write_text("a file")
    cases = [
        (["data", "verify", "--data-dir", str(tmp_path)], {}, "manifest.json"),
        (
            ["data", "import", "nato", str(tmp_path / "x.xlsx")],
            {"BURDENSHARE_DATA_HOME": str(home)},
            "is a file",
        ),
        (["report", "-y", "!!python/object/apply:os.system ['echo pwned']"], {}, "not plain YAML"),
    ]
    for argv, env, says in cases:
        result = _run(*argv, **env)
        assert result.returncode == 2, result
        assert "Traceback" not in result.stderr and says in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "pwned" not in result.stdout
