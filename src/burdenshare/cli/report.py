"""`burdenshare report` and `burdenshare notebooks`: run notebooks into a report set, list them.

The report machinery (papermill, nbformat) is imported inside the commands, so that `burdenshare
data ...` starts quickly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _report(args: argparse.Namespace) -> int:
    from ..reports.planning import merge_parameters, parse_for_each  # lazy: papermill
    from ..reports.runner import run_report

    parameters = merge_parameters(args.parameters_file, args.parameters_yaml, args.parameters)
    summary = run_report(
        args.notebook,
        parameters,
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
    from ..reports.planning import discover  # lazy: papermill

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


def add_report_commands(commands: argparse._SubParsersAction) -> None:
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
