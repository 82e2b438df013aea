"""`burdenshare data import|diff` and `data verify --imported`: publishers' new releases into
the user data folder, what changed between two releases, and whether the folder is intact.

The importers (openpyxl) and the loaders are imported inside the commands, so that other
commands start quickly.
"""

from __future__ import annotations

import argparse
import os
import re
import stat
import sys
from pathlib import Path

from .. import datasets
from ..errors import DataError, ParameterError
from ..paths import resolved
from .parsing import Subcommands

#: How each dataset names its labels and which loader serves them (for the messages).
_WORDS = {
    datasets.NATO_SPENDING: ("edition", "bs.load_spending(edition={!r})"),
    datasets.SIPRI_MILEX: ("release", "bs.load_sipri(release={!r})"),
    datasets.KIEL_MONTHLY: ("release", "bs.load_support_monthly(release={!r})"),
    datasets.KIEL_MONTHLY_TOTALS: ("release", "bs.load_support_monthly_totals(release={!r})"),
    datasets.KIEL_SUPPORT: ("release", "bs.load_support(release={!r}, currency=None)"),
    datasets.KIEL_HEAVY_WEAPONS: ("release", "bs.load_heavy_weapons(release={!r})"),
}


def _data_import(args: argparse.Namespace) -> int:
    from ..importers import KINDS, import_release  # lazy: openpyxl loads only for an import

    result = import_release(args.kind, args.source, args.label, replace=args.replace)
    word = KINDS[args.kind].word
    if result.status == "unchanged":
        print(
            f"Already imported: {args.kind} {word} {result.label} from this source"
            f" ({', '.join(f'{t.dataset} {t.rows} rows' for t in result.tables)}); nothing to do."
        )
        return 0
    print(f"{result.status.capitalize()} {args.kind} {word} {result.label}:")
    for table in result.tables:
        word, load = _WORDS.get(table.dataset, ("edition", "the loader"))
        print(f"  {table.dataset:28} {table.rows:>6} rows -> {table.path}")
        if table.overrides_bundled:
            print(f"  {'':28} (takes precedence over the bundled {word} {result.label})")
        print(f"  {'':28} load it with {load.format(result.label)}")
    return 0


def _verify_imported(args: argparse.Namespace) -> int:
    from ..importers.store import leftovers, read_user_manifest, user_folder, verify_imported

    folder = user_folder(args.data_dir)
    if not os.path.lexists(folder / "manifest.json"):
        print(f"No imported data in {folder}: nothing to check.")
        return 0
    checked, findings = verify_imported(folder)
    left = leftovers(folder, read_user_manifest(folder))
    for finding in findings:
        print(f"PROBLEM {finding}", file=sys.stderr)
    if left:
        print(
            f"note: {len(left)} leftover file(s) of interrupted imports in {folder} (not listed,"
            " never read; the next import removes them)."
        )
    if findings:
        print(
            f"{len(findings)} of {checked} imported table(s) in {folder} differ from its"
            " manifest.json: import them again as shown.",
            file=sys.stderr,
        )
        return 1
    print(f"OK: {checked} imported table(s) in {folder} match its manifest (sha256, row counts).")
    return 0


def _safe(label: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", label)


def _format(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.6g}" if value == value else "-"
    return str(value)


#: ``--out -``: the CSV goes to standard output (and the summary to standard error).
STDOUT = "-"


def _out_target(out: Path | None) -> tuple[str, Path | None]:
    """How ``--out`` is written, checked before any work: ("stdout", None); ("stream", path) for
    a named pipe, a device or a link to an open descriptor such as /dev/stdout (written as it
    is, never replaced); ("file", path) for a regular file, replaced atomically (a symbolic link
    is followed: its target is replaced)."""
    if out is None:
        return "file", None
    if str(out) == STDOUT:
        return "stdout", None
    if not out.name or str(out).endswith(os.sep):
        raise _usage("--out", out, "a file name for the CSV (it is a folder)")
    target = resolved(out, lambda message: ParameterError(f"--out {message}"))
    try:
        info = os.stat(out)
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise _usage("--out", out, "a file in an existing folder") from None
        return "file", target
    except OSError as exc:
        raise _usage("--out", out, f"a file that can be written ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise _usage("--out", out, "a file name for the CSV (it is a folder)")
    if not stat.S_ISREG(info.st_mode) or os.path.abspath(out).startswith(("/proc/", "/dev/")):
        return "stream", out
    return "file", target


def _write_out(how: str, out: Path, data: bytes) -> None:
    """Write the CSV as :func:`_out_target` decided; a failure names the file."""
    from ..importers.store import replace_file  # lazy: the store's machinery

    try:
        if how == "stream":
            sys.stdout.flush()  # /dev/stdout: after the summary, which it may share
            with open(out, "ab") as stream:  # a pipe or device: written as it is, appended to
                stream.write(data)
        else:
            replace_file(out, data)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise DataError(
            f"--out {out}: writing the CSV failed ({exc.strerror or exc}); {out} is unchanged."
            " Free some space or raise the file-size limit, or choose another --out."
        ) from None


def _data_diff(args: argparse.Namespace) -> int:
    from ..revisions import compare_releases, largest_revisions  # lazy: loads the data

    if args.top < 0:
        raise _usage("--top", args.top, "a count >= 0")
    how, target = _out_target(args.out)
    diff = compare_releases(args.dataset, args.old, args.new)
    old, new = diff.attrs["old"], diff.attrs["new"]
    if how == "file" and target is None:
        target = Path(f"{args.dataset}_{_safe(old)}_vs_{_safe(new)}.csv")
        how, target = _out_target(target)
    say = sys.stderr if how == "stdout" else sys.stdout
    out = args.out if args.out is not None else target
    counts = diff["status"].value_counts()
    print(f"{args.dataset}: {old} -> {new}, {len(diff)} keys", file=say)
    print(
        "  "
        + ", ".join(f"{status} {int(counts.get(status, 0))}" for status in _STATUS_ORDER)
        + f"; new series {int(diff['new_series'].sum())} rows,"
        f" dropped series {int(diff['dropped_series'].sum())} rows",
        file=say,
    )
    if diff["definition_changed"].any():
        print(
            f"  definition changed: {diff.attrs['old_definition']} -> "
            f"{diff.attrs['new_definition']} ({int(diff['definition_changed'].sum())} rows)",
            file=say,
        )
    if diff["basis_changed"].any():
        print(
            f"  currency or price base year changed for {int(diff['basis_changed'].sum())} rows"
            " (money in them: 'not comparable', no revision computed)",
            file=say,
        )
    top = largest_revisions(diff, args.top)
    if len(top):
        print(f"Largest revisions (relative), top {len(top)}:", file=say)
        key = [c for c in diff.columns if c not in _NOT_KEY and not c.startswith(("old_", "new_"))]
        for _, row in top.iterrows():
            what = " ".join(_format(row[c]) for c in key)
            pct = row["revision_pct"]
            relative = "from 0" if pct != pct else f"{pct:+.1f}%"
            blank = (
                " [the old 0 may be a blank cell]"
                if row.get("old_zero_may_be_blank") is True
                else ""
            )
            print(
                f"  {what}: {_format(row['old_value'])} -> {_format(row['new_value'])}"
                f" ({row['revision']:+.6g}, {relative}){blank}",
                file=say,
            )
    text = diff.to_csv(index=False, lineterminator="\n", date_format="%Y-%m")
    if how == "stdout":
        sys.stdout.write(text)
        sys.stdout.flush()
        return 0
    assert target is not None
    _write_out(how, target, text.encode("utf-8"))
    print(f"Every key, with both values and the flags: {out}")
    return 0


_STATUS_ORDER = ("revised", "unchanged", "not comparable", "added", "removed")
_NOT_KEY = {
    "old_value",
    "new_value",
    "revision",
    "revision_pct",
    "status",
    "new_series",
    "dropped_series",
    "basis_changed",
    "definition_changed",
}


def _usage(option: str, value: object, expected: str) -> ParameterError:
    return ParameterError(f"{option} {value}: expected {expected}.")


def _with_imported(verify: argparse.ArgumentParser) -> None:
    """Give ``data verify`` the ``--imported`` option (checks the user data folder)."""
    verify.add_argument(
        "--imported",
        action="store_true",
        help="check the user data folder (imported releases) instead of the bundled data;"
        " --data-dir then names that folder",
    )
    bundled = verify.get_default("func")

    def run(args: argparse.Namespace) -> int:
        return _verify_imported(args) if args.imported else int(bundled(args))

    verify.set_defaults(func=run)


def add_import_commands(data_commands: Subcommands) -> None:
    """``burdenshare data import ...``, ``data diff ...`` and ``data verify --imported``."""
    parser = data_commands.add_parser(
        "import",
        help="import a publisher's release (NATO or SIPRI workbook, Kiel release files)",
        description="Parse a NATO 'Defence Expenditure of NATO Countries' tables workbook, a"
        " SIPRI Milex workbook or the Kiel Ukraine Support Tracker's release files (a folder or"
        " a .zip of the six CSV files), validate them and store them in the user data folder"
        " (BURDENSHARE_DATA_HOME overrides it), where the loaders find them.",
    )
    parser.add_argument("kind", choices=["nato", "sipri", "kiel"], help="whose release")
    parser.add_argument(
        "source", type=Path, help="the .xlsx file as downloaded; for kiel a folder or .zip"
    )
    parser.add_argument(
        "--edition",
        "--release",
        dest="label",
        default=None,
        help="label to store (default: read from the release, e.g. 2026 or R31)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="overwrite a label already imported from a different source",
    )
    parser.set_defaults(func=_data_import)

    diff = data_commands.add_parser(
        "diff",
        help="what changed between two editions or releases",
        description="Compare two editions or releases of a dataset key by key (bundled or"
        " imported): print a summary with the largest revisions and write every key to CSV.",
    )
    diff.add_argument(
        "dataset",
        choices=[
            datasets.NATO_SPENDING,
            datasets.SIPRI_MILEX,
            datasets.KIEL_SUPPORT,
            datasets.KIEL_MONTHLY,
            datasets.KIEL_MONTHLY_TOTALS,
            datasets.KIEL_HEAVY_WEAPONS,
        ],
    )
    diff.add_argument("old", help="the earlier edition or release, e.g. 2024 or R28")
    diff.add_argument("new", help="the later one, e.g. 2026, R30 or latest")
    diff.add_argument(
        "--out",
        type=Path,
        default=None,
        help="CSV to write (default: DATASET_OLD_vs_NEW.csv; - for standard output, the summary"
        " then goes to standard error); a pipe or device is written as it is, a file replaced"
        " atomically",
    )
    diff.add_argument("--top", type=int, default=10, help="largest revisions to print")
    diff.set_defaults(func=_data_diff)

    verify = data_commands.choices.get("verify")
    if verify is not None:
        _with_imported(verify)
