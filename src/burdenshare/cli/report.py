"""`burdenshare report` and `burdenshare notebooks`: run notebooks into a report set, list them.

The report machinery is imported inside the commands, so that `burdenshare data ...` starts
quickly; a run served from the cache never imports papermill or nbformat.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .parsing import Subcommands


def _report(args: argparse.Namespace) -> int:
    from ..reports.engine.warm import skip_unused_optional_imports  # lazy: report machinery

    skip_unused_optional_imports()  # this process is the runner's own
    from ..reports.planning import merge_parameters, parse_for_each
    from ..reports.runner import RunInterrupted, run_report

    parameters = merge_parameters(args.parameters_file, args.parameters_yaml, args.parameters)
    grids = parse_for_each(args.for_each or [])
    try:
        summary = run_report(
            args.notebook,
            parameters,
            grids,
            args.out,
            notebooks_dir=args.notebooks_dir,
            engine=args.engine,
            jobs=args.jobs,
            timeout=args.timeout,
            cell_timeout=args.cell_timeout,
            show_code=args.show_code,
            pdf=args.pdf,
            executor="dask" if args.scheduler else args.executor,
            scheduler=args.scheduler,
            cache_dir=args.cache_dir,
            use_cache=not args.no_cache,
            force=args.force,
            wait=not args.no_wait,
            profile=args.profile,
        )
    except RunInterrupted as exc:
        print(
            f"{exc}: every kernel stopped, the staging folder removed; {args.out} holds the last"
            " completed run (if any).",
            file=sys.stderr,
        )
        return exc.exit_code
    print(summary.text(), file=sys.stdout if summary.ok else sys.stderr)
    return 0 if summary.ok else 1


def _notebooks(args: argparse.Namespace) -> int:
    from ..reports.planning import discover, notebooks_dir  # lazy: report machinery

    folder = args.notebooks_dir or notebooks_dir()
    infos = discover(folder)
    print(f"Notebooks in {Path(folder).resolve()} (run them from there with papermill):")
    if not infos:
        print("  (none)")
    for info in infos:
        print(info.name)
        for p in info.parameters:
            note = f"  # {p.help}" if p.help else ""
            kind = "" if p.type == "None" else f": {p.type}"
            print(f"    {p.name}{kind} = {p.default}{note}")
    return 0


def _number(kind: type) -> type:
    """An argparse type converter with a message that names the expected kind."""

    def convert(text: str) -> object:
        try:
            return kind(text)
        except ValueError:
            what = "a whole number" if kind is int else "a number of seconds"
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None

    convert.__name__ = kind.__name__
    return convert  # type: ignore[return-value]


def add_report_commands(commands: Subcommands) -> None:
    report = commands.add_parser(
        "report",
        help="run notebooks into a browsable report set (index.html, manifest.json)",
        description="Without options: every notebook with its defaults, plus country_profile "
        "for every current NATO ally, into reports/. Unchanged reports come from the cache; "
        "the output folder is replaced in one step when the run is complete.",
    )
    report.add_argument(
        "--out",
        type=Path,
        default=Path("reports"),
        help="output folder, replaced as a whole by each run (other files in it are kept)",
    )
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
        "--jobs", type=_number(int), default=None, help="concurrent reports (default: cores)"
    )
    report.add_argument(
        "--timeout", type=_number(float), default=None, help="seconds allowed per report"
    )
    report.add_argument(
        "--cell-timeout", type=_number(float), default=None, help="seconds allowed per cell"
    )
    report.add_argument(
        "--show-code", action="store_true", help="show code cells in the pages (default: hidden)"
    )
    report.add_argument(
        "--no-input",
        action="store_false",
        dest="show_code",
        help="hide code in the pages (the default; kept for compatibility)",
    )
    report.add_argument("--pdf", action="store_true", help="also print each page to PDF")
    report.add_argument("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler")
    report.add_argument("--executor", choices=("local", "dask"), default="local")
    report.add_argument(
        "--engine",
        choices=("fork", "papermill"),
        default="fork",
        help="fork: kernels forked from a warm process (fast); papermill: ordinary kernels",
    )
    report.add_argument("--notebooks-dir", type=Path, default=None, metavar="DIR")
    report.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="report cache (default: the user cache folder, or $BURDENSHARE_CACHE_DIR)",
    )
    report.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the report cache"
    )
    report.add_argument(
        "--force", action="store_true", help="re-run every report (the cache is refreshed)"
    )
    report.add_argument(
        "--no-wait",
        action="store_true",
        help="fail at once if another run is writing the same --out (default: wait for it)",
    )
    report.add_argument(
        "--profile",
        action="store_true",
        help="also time figure drawing inside the kernels (timings in manifest.json)",
    )
    report.set_defaults(func=_report)
    listing = commands.add_parser(
        "notebooks", help="where the notebooks are, and their parameters and defaults"
    )
    listing.add_argument("--notebooks-dir", type=Path, default=None, metavar="DIR")
    listing.set_defaults(func=_notebooks)
