"""The command line's argument parser class, and the type of a subcommand group as the command
modules (:mod:`.data`, :mod:`.imports`, :mod:`.report`) use it: argparse's public API only."""

from __future__ import annotations

import argparse
from typing import Any, Protocol


class Subcommands(Protocol):
    """What :meth:`argparse.ArgumentParser.add_subparsers` returns, as the commands use it."""

    choices: Any

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that keeps the subcommand groups it made (:attr:`subcommands`). The
    parsers of its subcommands are Parsers too (argparse makes them of the parser's class)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subcommands: list[Subcommands] = []

    def add_subparsers(self, **kwargs: Any) -> Any:
        group = super().add_subparsers(**kwargs)
        self.subcommands.append(group)
        return group
