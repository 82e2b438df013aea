"""Command line: `burdenshare data info|verify|import|diff`, `burdenshare report`, `burdenshare
notebooks`.

One module per command group (:mod:`.data`, :mod:`.imports`, :mod:`.report`); this one builds the
parser and is the one error boundary: whatever a command raises, it ends with one message on
stderr and a documented exit code, never a traceback (``--debug`` or ``BURDENSHARE_DEBUG=1``
prints the traceback too).

Exit codes: 0 done; 1 the command ran and found problems (``data verify`` mismatches, failed
reports); 2 the command could not run: a mistake in the command or its input, bad data, or a
broken environment (the message says what to do); 3 an internal error (a bug: rerun with
``--debug`` and report it); 130 interrupted (Ctrl-C). Output cut short because the reader of a
pipe stopped (``| head``) ends quietly with 1.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import errno
import io
import json
import os
import sys
import traceback
import zipfile
from collections.abc import Sequence

from .._version import __version__
from ..errors import BurdenshareError
from ..paths import LOOP_ADVICE
from .data import add_data_commands
from .parsing import Parser
from .report import add_report_commands

#: Environment variable that makes every command print the traceback of an error.
DEBUG_ENV = "BURDENSHARE_DEBUG"
OK, PROBLEMS, FAILED, INTERNAL, INTERRUPTED = 0, 1, 2, 3, 130

_OS_ADVICE = {
    errno.ENOENT: "check the path",
    errno.EACCES: "check the permissions, or choose another location",
    errno.EPERM: "check the permissions, or choose another location",
    errno.EROFS: "the file system is read-only; choose another location",
    errno.ENOSPC: "the disk is full; free some space and try again",
    errno.EDQUOT: "the disk quota is exhausted; free some space and try again",
    errno.ENOTDIR: "a part of the path is a file, not a folder; check the path",
    errno.EISDIR: "this is a folder; pass a file",
    errno.ELOOP: "a symbolic link loop; fix or remove the link, or give another path",
    errno.EFBIG: "the file is larger than this system allows; choose another location",
}


def _add_debug(parser: argparse.ArgumentParser, top: bool) -> None:
    """``--debug`` on the parser and on every subcommand, so it may stand anywhere."""
    parser.add_argument(
        "--debug",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help=f"on an error, also print the traceback (or set {DEBUG_ENV}=1)",
    )
    for group in getattr(parser, "subcommands", ()):
        for sub in dict.fromkeys(group.choices.values()):
            _add_debug(sub, top=False)


def build_parser() -> argparse.ArgumentParser:
    """The ``burdenshare`` argument parser."""
    parser = Parser(
        prog="burdenshare",
        description="NATO burden sharing and support to Ukraine.",
        epilog="Exit codes: 0 done; 1 problems found (verify mismatches, failed reports); 2 the"
        " command could not run (bad input, data or environment; the message says what to do);"
        " 3 internal error (a bug: rerun with --debug and report it); 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"burdenshare {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    add_data_commands(commands)
    add_report_commands(commands)
    _add_debug(parser, top=True)
    return parser


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def describe(exc: BaseException) -> tuple[int, str]:
    """The exit code and message for an error that ended a command."""
    if isinstance(exc, BurdenshareError):
        return FAILED, str(exc)
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        reason = exc.strerror or _one_line(str(exc)) or type(exc).__name__
        advice = _OS_ADVICE.get(exc.errno or -1, "check the path and try again")
        return FAILED, f"{where}{reason}; {advice}."
    if isinstance(exc, json.JSONDecodeError):
        return FAILED, (
            f"a JSON file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg});"
            " restore the file (a manifest: reinstall burdenshare or import again)."
        )
    if isinstance(exc, RuntimeError) and str(exc).startswith("Symlink loop from"):
        return FAILED, f"{str(exc)[len('Symlink loop from ') :]}: {LOOP_ADVICE}"
    if isinstance(exc, UnicodeEncodeError):
        return FAILED, (
            f"the output cannot be written in this terminal's encoding ({_one_line(str(exc))});"
            " set PYTHONIOENCODING=utf-8 (or a UTF-8 locale) and run the command again."
        )
    if isinstance(exc, UnicodeDecodeError):
        return FAILED, f"a file is not UTF-8 text ({_one_line(str(exc))}); re-save it as UTF-8."
    if isinstance(exc, csv.Error | zipfile.BadZipFile):
        return FAILED, f"a file is malformed ({_one_line(str(exc))}); check the file you passed."
    yaml_error = _yaml_error(exc)
    if yaml_error is not None:
        return FAILED, yaml_error
    return INTERNAL, (
        f"internal error ({type(exc).__name__}: {_one_line(str(exc))}). This is a bug in"
        f" burdenshare {__version__}: rerun with --debug (or {DEBUG_ENV}=1) and report the"
        " traceback."
    )


def _yaml_error(exc: BaseException) -> str | None:
    if not type(exc).__module__.startswith("yaml"):
        return None
    import yaml  # lazy: only to describe a YAML error

    if not isinstance(exc, yaml.YAMLError):
        return None
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or _one_line(str(exc))
    return (
        f"invalid YAML{where}: {problem}. Parameters are plain YAML (numbers, text, lists,"
        " mappings); tags such as !!python/object are not accepted."
    )


def _debugging(argv: Sequence[str]) -> bool:
    setting = os.environ.get(DEBUG_ENV, "").strip().lower()
    return setting not in ("", "0", "false", "no") or "--debug" in argv


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``burdenshare`` console script (see the module docstring for exit
    codes)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a path the terminal cannot encode is escaped
        if isinstance(stream, io.TextIOWrapper):
            with contextlib.suppress(ValueError, OSError):
                stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors: argparse prints them and exits with 2
    debug = _debugging(argv) or bool(getattr(args, "debug", False))
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        if debug:
            traceback.print_exc()
        print("interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:  # output piped into a reader that stopped (e.g. `| head`)
        with contextlib.suppress(OSError, ValueError):  # stdout may not be a real file
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return PROBLEMS
    except Exception as exc:
        code, message = describe(exc)
        if debug:
            traceback.print_exc()
        print(f"error: {message}", file=sys.stderr)
        return code
