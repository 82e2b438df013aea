"""`burdenshare data import`: a publisher's new release into the user data folder."""

from __future__ import annotations

import argparse
from pathlib import Path


def _data_import(args: argparse.Namespace) -> int:
    from ..importers import import_workbook  # lazy: openpyxl loads only for an import

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


def add_import_commands(data_commands: argparse._SubParsersAction) -> None:
    """``burdenshare data import ...``."""
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
