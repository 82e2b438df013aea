"""Command line: `burdenshare data info|verify|import`, `burdenshare report`, `burdenshare notebooks`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import BurdenshareError
from .manifest import entries, verify
from .paths import bundled_data_dir


def _data_info(_: argparse.Namespace) -> int:
    from .loaders._registry import editions

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


# --- data import (issue 7) -------------------------------------------------------------------
def _data_import(args: argparse.Namespace) -> int:
    from .importers import import_workbook

    result = import_workbook(args.kind, args.file, args.edition, replace=args.replace)
    word = "release" if result.dataset == "sipri_milex" else "edition"
    if result.status == "unchanged":
        print(
            f"Already imported: {result.dataset} {word} {result.label} from this file"
            f" ({result.rows} rows, {result.path}); nothing to do."
        )
        return 0
    print(
        f"{result.status.capitalize()} {result.dataset} {word} {result.label}: {result.rows} rows"
        f" -> {result.path}"
    )
    if result.overrides_bundled:
        print(f"  (takes precedence over the bundled {word} {result.label})")
    loader = "load_sipri(release=" if result.dataset == "sipri_milex" else "load_spending(edition="
    print(f'  Load it with bs.{loader}"{result.label}").')
    return 0


def _add_import_parser(data_commands: argparse._SubParsersAction) -> None:
    parser = data_commands.add_parser(
        "import",
        help="import a publisher's release workbook (NATO tables, SIPRI Milex)",
        description="Parse a NATO 'Defence Expenditure of NATO Countries' tables workbook or a"
        " SIPRI Milex workbook, validate it and store it in the user data folder"
        " (BURDENSHARE_DATA_HOME overrides it), where the loaders find it.",
    )
    parser.add_argument("kind", choices=["nato", "sipri"], help="which publisher's workbook")
    parser.add_argument("file", type=Path, help="the .xlsx file as downloaded")
    parser.add_argument(
        "--edition", default=None, help="label to store (default: read from the workbook)"
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="overwrite an edition already imported from a different file",
    )
    parser.set_defaults(func=_data_import)


# --- end data import ---------------------------------------------------------------------------
# --- reports (burdenshare report / notebooks) ---------------------------------------------------


def _report_parameters(args: argparse.Namespace) -> dict:
    import yaml

    from .errors import ParameterError
    from .reports.planning import parse_value

    params: dict = {}
    for path in args.parameters_file or []:
        loaded = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        if not isinstance(loaded, dict):
            raise ParameterError(f"{path}: a parameters file must hold a YAML mapping.")
        params.update(loaded)
    for text in args.parameters_yaml or []:
        loaded = yaml.safe_load(text) or {}
        if not isinstance(loaded, dict):
            raise ParameterError(f"-y {text!r}: give a YAML mapping, e.g. -y 'targets: [2, 3.5]'.")
        params.update(loaded)
    for key, value in args.parameters or []:
        params[key] = parse_value(value)
    return params


def _report(args: argparse.Namespace) -> int:
    from .reports.planning import parse_for_each
    from .reports.runner import run_report

    summary = run_report(
        args.notebook,
        _report_parameters(args),
        parse_for_each(args.for_each or []),
        args.out,
        notebooks_dir=args.notebooks_dir,
        engine=args.engine,
        jobs=args.jobs,
        timeout=args.timeout,
        no_input=args.no_input,
        executor="dask" if args.scheduler else args.executor,
        scheduler=args.scheduler,
    )
    print(summary.text(), file=sys.stdout if summary.ok else sys.stderr)
    return 0 if summary.ok else 1


def _notebooks(args: argparse.Namespace) -> int:
    from .reports.planning import discover

    infos = discover(args.notebooks_dir)
    if not infos:
        print(f"No notebooks in {args.notebooks_dir or 'the package notebooks folder'}.")
    for info in infos:
        print(info.name)
        for p in info.parameters:
            note = f"  # {p.help}" if p.help else ""
            kind = "" if p.type == "None" else f": {p.type}"
            print(f"    {p.name}{kind} = {p.default}{note}")
    return 0


def _add_report_commands(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report",
        help="run notebooks into a browsable report set (index.html, manifest.json)",
        description="Without options: every notebook with its defaults, plus country_profile "
        "for every current NATO ally, into reports/.",
    )
    report.add_argument("--out", type=Path, default=Path("reports"), help="output folder")
    report.add_argument("--notebook", nargs="+", metavar="NAME", help="run only these notebooks")
    report.add_argument(
        "-p",
        "--parameters",
        nargs=2,
        action="append",
        metavar=("KEY", "VALUE"),
        help="a parameter (bool/None/int/float recognised, else text), as papermill -p",
    )
    report.add_argument(
        "-y", "--parameters_yaml", action="append", metavar="YAML", help="parameters as YAML"
    )
    report.add_argument(
        "-f", "--parameters_file", action="append", metavar="FILE", help="parameters YAML file"
    )
    report.add_argument(
        "--for-each",
        action="append",
        metavar="KEY=V1,V2",
        help="run once per value (KEY=allies: every current ally); several give the product",
    )
    report.add_argument(
        "--jobs", type=int, default=None, help="concurrent reports (default: cores)"
    )
    report.add_argument("--timeout", type=float, default=None, help="seconds allowed per report")
    report.add_argument("--no-input", action="store_true", help="hide code in the HTML")
    report.add_argument("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler")
    report.add_argument("--executor", choices=("local", "dask"), default="local")
    report.add_argument(
        "--engine",
        choices=("fork", "papermill"),
        default="fork",
        help="fork: kernels forked from a warm process (fast); papermill: ordinary kernels",
    )
    report.add_argument("--notebooks-dir", type=Path, default=None, metavar="DIR")
    report.set_defaults(func=_report)
    listing = commands.add_parser("notebooks", help="list notebooks and their parameters")
    listing.add_argument("--notebooks-dir", type=Path, default=None, metavar="DIR")
    listing.set_defaults(func=_notebooks)


def build_parser() -> argparse.ArgumentParser:
    """The ``burdenshare`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="burdenshare", description="NATO burden sharing and support to Ukraine."
    )
    parser.add_argument("--version", action="version", version=f"burdenshare {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help="inspect and check the bundled data")
    data_commands = data.add_subparsers(dest="data_command", required=True)
    info = data_commands.add_parser("info", help="datasets, editions and row counts")
    info.set_defaults(func=_data_info)
    check = data_commands.add_parser("verify", help="recompute checksums against the manifest")
    check.add_argument(
        "--data-dir", type=Path, default=None, help="folder to check (default: the bundled data)"
    )
    check.set_defaults(func=_data_verify)
    _add_import_parser(data_commands)
    _add_report_commands(commands)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
