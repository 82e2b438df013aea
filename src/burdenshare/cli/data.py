"""`burdenshare data info|describe|verify`: what data is installed, what a table's columns are,
and whether the files are intact (`data import` is in :mod:`.imports`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..editions import editions
from ..errors import ParameterError
from ..manifest import entries, read_manifest, verify
from ..paths import bundled_data_dir, user_data_dir_path
from .imports import add_import_commands
from .parsing import Subcommands


def _source(source: dict[str, Any]) -> str:
    if "url" in source:
        return str(source["url"])
    if "repository" in source:
        return f"github.com/{source['repository']} ({source.get('path', '')})"
    return str(source.get("file") or source.get("what") or "?")


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _data_info(_: argparse.Namespace) -> int:
    from ..schemas import SPECS  # lazy: pandas and pandera, for the data commands only

    listed = entries()
    print(f"Bundled data in {bundled_data_dir()}")
    by_dataset: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for name, entry in listed.items():
        by_dataset.setdefault(str(entry["dataset"]), []).append((name, entry))
    for dataset, files in sorted(by_dataset.items()):
        spec = SPECS.get(str(files[0][1].get("schema")))
        print(f"\n{dataset}: {spec.description if spec else ''}".rstrip())
        for name, entry in files:
            print(f"  {name:32} {entry['edition']!s:8} {entry['rows']:>7} rows  {entry['title']}")
        sources = _unique([_source(s) for _, e in files for s in e["sources"]])
        licences = _unique([str(e["licence"]) for _, e in files])
        print(f"  source:  {'; '.join(sources)}")
        for licence in licences:
            print(f"  licence: {licence}")
    print()
    imported = [
        e for d in sorted(by_dataset) for e in editions(d).values() if e.origin == "imported"
    ]
    if imported:
        print(f"Imported editions (user data folder {user_data_dir_path()}):")
        for edition in imported:
            print(f"  {edition.dataset:18} {edition.label:8} {edition.path}")
            print(f"  {'':18} {'':8} from {edition.source_file or 'an unnamed workbook'}")
    else:
        print("Imported editions: none (see `burdenshare data import --help`).")
    print("Columns of a dataset: `burdenshare data describe DATASET`.")
    return 0


def _data_describe(args: argparse.Namespace) -> int:
    from ..schemas import SPECS, describe  # lazy: pandas and pandera, for the data commands only

    if args.dataset is None:
        print("Datasets (`burdenshare data describe DATASET` prints one's columns):")
        for name, spec in SPECS.items():
            print(f"  {name:28} {spec.description}")
        return 0
    spec = SPECS.get(args.dataset)
    if spec is None:
        raise ParameterError(
            f"dataset {args.dataset!r} is unknown; choose one of {', '.join(SPECS)}."
        )
    print(describe(spec), end="")
    return 0


def _data_verify(args: argparse.Namespace) -> int:
    folder = Path(args.data_dir) if args.data_dir else bundled_data_dir()
    problems = verify(folder)
    if problems:
        for problem in problems:
            print(f"MISMATCH {folder / problem.file}: {problem.problem}", file=sys.stderr)
        print(
            f"{len(problems)} file(s) in {folder} differ from its manifest.json: restore them"
            " from a clean checkout or reinstall burdenshare (imported editions: import again).",
            file=sys.stderr,
        )
        return 1
    count = len(read_manifest(folder, ())["files"])
    print(f"OK: {count} files in {folder} match the manifest (sha256, row counts).")
    return 0


def add_data_commands(commands: Subcommands) -> None:
    """``burdenshare data ...``."""
    data = commands.add_parser("data", help="inspect and check the bundled data")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    info = data_commands.add_parser(
        "info", help="datasets, editions, row counts, sources and licences"
    )
    info.set_defaults(func=_data_info)
    about = data_commands.add_parser(
        "describe", help="a dataset's columns: type, unit, description and rules"
    )
    about.add_argument("dataset", nargs="?", default=None, help="dataset id (omit to list them)")
    about.set_defaults(func=_data_describe)
    check = data_commands.add_parser("verify", help="recompute checksums against the manifest")
    check.add_argument(
        "--data-dir", type=Path, default=None, help="folder to check (default: the bundled data)"
    )
    check.set_defaults(func=_data_verify)
    add_import_commands(data_commands)
