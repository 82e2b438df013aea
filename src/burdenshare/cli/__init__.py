"""Command line: `burdenshare data info|verify|import`, `burdenshare report`, `burdenshare notebooks`.

One module per command group (:mod:`.data`, :mod:`.report`); this one builds the parser and is the
error boundary: a :class:`~burdenshare.BurdenshareError` ends the command with its message and exit
code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .._version import __version__
from ..errors import BurdenshareError
from .data import add_data_commands
from .report import add_report_commands


def build_parser() -> argparse.ArgumentParser:
    """The ``burdenshare`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="burdenshare", description="NATO burden sharing and support to Ukraine."
    )
    parser.add_argument("--version", action="version", version=f"burdenshare {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    add_data_commands(commands)
    add_report_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``burdenshare`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except BurdenshareError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
