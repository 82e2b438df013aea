"""`burdenshare data info|verify`: what data is installed and whether it is intact (`data import`
is in :mod:`.imports`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..editions import editions
from ..manifest import entries, verify
from ..paths import bundled_data_dir
from .imports import add_import_commands


def _data_info(_: argparse.Namespace) -> int:
    listed = entries()
    print(f"Bundled data in {bundled_data_dir()}")
    header = f"{'file':34} {'dataset':18} {'edition':8} {'rows':>7}  title"
    print(header)
    print("-" * len(header))
    for name, entry in listed.items():
        print(
            f"{name:34} {entry['dataset']:18} {entry['edition']!s:8} {entry['rows']:>7}  "
            f"{entry['title']}"
        )
    datasets = sorted({e["dataset"] for e in listed.values()})
    imported = [(d, e) for d in datasets for e in editions(d).values() if e.origin == "imported"]
    print()
    if imported:
        print("Imported editions (user data folder):")
        for dataset, edition in imported:
            print(f"  {dataset:18} {edition.label:8} {edition.path}")
    else:
        print("Imported editions: none (see `burdenshare data import --help`).")
    return 0


def _data_verify(args: argparse.Namespace) -> int:
    problems = verify(args.data_dir)
    if problems:
        for problem in problems:
            print(f"MISMATCH {problem}", file=sys.stderr)
        print(
            f"{len(problems)} file(s) differ from data/manifest.json: restore them from a clean"
            " checkout or reinstall burdenshare.",
            file=sys.stderr,
        )
        return 1
    print(
        f"OK: {len(entries(folder=args.data_dir))} files match the manifest (sha256, row counts)."
    )
    return 0


def add_data_commands(commands: argparse._SubParsersAction) -> None:
    """``burdenshare data ...``."""
    data = commands.add_parser("data", help="inspect and check the bundled data")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    info = data_commands.add_parser("info", help="datasets, editions and row counts")
    info.set_defaults(func=_data_info)
    check = data_commands.add_parser("verify", help="recompute checksums against the manifest")
    check.add_argument(
        "--data-dir", type=Path, default=None, help="folder to check (default: the bundled data)"
    )
    check.set_defaults(func=_data_verify)
    add_import_commands(data_commands)
