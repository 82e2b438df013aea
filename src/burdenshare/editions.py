"""Which editions of a dataset exist: bundled ones (data/manifest.json) and imported ones.

Imported editions (``burdenshare data import``) live in the user data folder with a manifest of the
same format; an imported edition with the same label as a bundled one takes precedence. Every
other module asks this one which file holds an edition, which edition is the latest, and how to
cite it.

Each dataset has one label rule (:data:`LABEL_RULES`): the form of its labels (four ASCII digits
for NATO and SIPRI; "R30", "R30v2" for Kiel releases; "2025-12" for the dated compilations) and
their order, which is numeric: R28 < R29 < R30 < R30v2 < R31, 999 < 2026 < 10000.

Each edition carries the date by which it was public (:attr:`Edition.published`): the manifest's
``published`` where given, else its ``released`` (a month "2026-04" counts from its last day); an
imported edition without either counts from the day it was imported. It is a latest date (an
upper bound), so :func:`published_by` never offers an edition that was not yet public.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import shlex
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import datasets
from .errors import DataError, ParameterError
from .manifest import IMPORTED_FIELDS, MANIFEST_NAME, entries, read_manifest
from .paths import bundled_data_dir, file_identity, user_data_dir_path

#: Datasets whose publishers' workbooks `burdenshare data import KIND` reads, with their KIND.
IMPORT_KINDS: dict[str, str] = {
    datasets.NATO_SPENDING: "nato",
    datasets.SIPRI_MILEX: "sipri",
    datasets.KIEL_SUPPORT: "kiel",
    datasets.KIEL_MONTHLY: "kiel",
    datasets.KIEL_MONTHLY_TOTALS: "kiel",
    datasets.KIEL_HEAVY_WEAPONS: "kiel",
}
IMPORTABLE = frozenset(IMPORT_KINDS)


@dataclass(frozen=True)
class LabelRule:
    """The form of a dataset's edition labels (a full-match, ASCII-only pattern) and their order:
    labels compare by their digit groups as numbers ("R30v2" -> (30, 2) comes after "R30")."""

    pattern: str
    example: str
    what: str

    def matches(self, label: str) -> bool:
        return re.fullmatch(self.pattern, label, flags=re.ASCII) is not None

    def key(self, label: str) -> tuple[int, ...]:
        return tuple(int(group) for group in re.findall(r"[0-9]+", label))

    def __str__(self) -> str:
        return f"{self.what} (e.g. {self.example})"


YEAR = LabelRule(r"[0-9]{4}", "2026", "a year of four ASCII digits")
KIEL_RELEASE = LabelRule(
    r"R[0-9]{2}(v[0-9]+)?",
    "R28 or R30v2",
    "a Kiel release label (R, two digits, optionally v and a version)",
)
KIEL_RELEASES = LabelRule(
    rf"{KIEL_RELEASE.pattern}(\+{KIEL_RELEASE.pattern})*",
    "R28+R29",
    "Kiel release labels joined by '+'",
)
MONTH = LabelRule(r"[0-9]{4}-(0[1-9]|1[0-2])", "2025-12", "a month YYYY-MM")

#: The label rule of every dataset.
LABEL_RULES: dict[str, LabelRule] = {
    datasets.NATO_SPENDING: YEAR,
    datasets.SIPRI_MILEX: YEAR,
    datasets.SIPRI_WORLD: YEAR,
    datasets.TARGETS: YEAR,
    datasets.COUNTRIES: YEAR,
    datasets.FX: YEAR,
    datasets.PPP: YEAR,
    datasets.KIEL_SUPPORT: KIEL_RELEASE,
    datasets.KIEL_MONTHLY: KIEL_RELEASE,
    datasets.KIEL_MONTHLY_TOTALS: KIEL_RELEASE,
    datasets.KIEL_ITEMS: KIEL_RELEASE,
    datasets.KIEL_HEAVY_WEAPONS: KIEL_RELEASE,
    datasets.KIEL_DISBURSEMENTS: KIEL_RELEASE,
    datasets.KIEL_DONOR_GDP: KIEL_RELEASES,
    datasets.KIEL_HEADLINES: MONTH,
    datasets.PLEDGES: MONTH,
    datasets.OPINION: MONTH,
    datasets.RESTRICTIONS: MONTH,
    datasets.MECHANISMS: MONTH,
    datasets.UDCG_MEETINGS: MONTH,
}


def label_rule(dataset: str) -> LabelRule:
    """The label rule of a dataset (:class:`ParameterError` for an unknown dataset)."""
    if dataset not in LABEL_RULES:
        raise ParameterError(
            f"Unknown dataset {dataset!r}; choose one of {', '.join(sorted(LABEL_RULES))}."
        )
    return LABEL_RULES[dataset]


def check_label(dataset: str, label: object) -> str:
    """``label`` as text if it has the dataset's label form, else :class:`ParameterError`.

    Only ASCII digits count ("２０２６" is not 2026).
    """
    rule = label_rule(dataset)
    text = str(label)
    if not rule.matches(text):
        raise ParameterError(f"Edition label {text!r} of {dataset}: expected {rule}.")
    return text


def label_order(dataset: str, label: str) -> tuple[int, ...]:
    """Sort key of an edition label (numeric; see :class:`LabelRule`)."""
    return label_rule(dataset).key(check_label(dataset, label))


@dataclass(frozen=True)
class Edition:
    """One edition (or release) of a dataset, the file that holds it and the sha256 its
    manifest records for that file."""

    dataset: str
    label: str
    path: Path
    origin: str  # "bundled" or "imported"
    sha256: str = ""
    source_file: str = ""  # imported editions: the publisher's workbook it came from
    import_command: str = ""  # imported editions: the command that imports it again
    published: dt.date | None = None  # public by this date at the latest (None: not recorded)
    root: Path | None = None  # the data folder holding its manifest (default: the file's folder)

    @property
    def folder(self) -> Path:
        """The data folder the file belongs to (bundled data or the user data folder), where
        its ``manifest.json`` is."""
        return self.root if self.root is not None else self.path.parent

    def remedy(self) -> str:
        """What to do when this edition's file is missing or changed."""
        if self.origin == "bundled":
            return "Reinstall burdenshare or restore data/ from a clean checkout."
        command = self.import_command or import_command(
            IMPORT_KINDS.get(self.dataset, "nato"), self.source_file, self.label
        )
        return (
            f"Import it again: `{command} --replace`. To use an edited copy on purpose, pass it"
            " as path= instead."
        )


def last_day(text: str) -> dt.date:
    """The last day a date as published can mean: "2026-04" -> 30 April, "2025" -> 31 Dec,
    "2025-08-07" -> itself (:class:`ValueError` for other text)."""
    text = str(text)
    if re.fullmatch(r"[0-9]{4}", text, flags=re.ASCII):
        return dt.date(int(text), 12, 31)
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}", text, flags=re.ASCII):
        year, month = (int(part) for part in text.split("-"))
        return dt.date(year, month, calendar.monthrange(year, month)[1])
    return dt.date.fromisoformat(text)


def _published(entry: dict[str, Any], where: str) -> dt.date | None:
    """The date an entry was public by: ``published``, else ``released``, else the import day
    (a month counts from its last day)."""
    text = entry.get("published") or entry.get("released") or str(entry.get("imported", ""))[:10]
    if not text:
        return None
    try:
        return last_day(str(text))
    except ValueError:
        raise DataError(
            f"{where}: publication date {text!r} is not YYYY-MM-DD or YYYY-MM; correct the "
            "manifest entry."
        ) from None


def import_command(kind: str, source: str, label: str) -> str:
    """The complete command that imports ``source`` as ``label`` again, quoted for the shell
    (``source``: the file or folder as given, best an absolute path; the label is always given,
    so a release imported under another label than the one it states comes back the same)."""
    option = "--release" if kind == "kiel" else "--edition"
    return shlex.join(
        ["burdenshare", "data", "import", kind, source or "WORKBOOK.xlsx", option, label]
    )


def entry_command(entry: dict[str, Any]) -> str:
    """:func:`import_command` for an imported manifest entry (from its fields, never the stored
    text, which older versions wrote unquoted and without the label)."""
    kind = str(entry.get("kind") or IMPORT_KINDS.get(str(entry.get("dataset")), "nato"))
    source = str(entry.get("source_path") or entry.get("source_file") or "")
    return import_command(kind, source, str(entry.get("edition", "")))


def _checked_label(dataset: str, label: object, where: str) -> str:
    try:
        return check_label(dataset, label)
    except ParameterError as exc:
        raise DataError(f"{where}: {exc}") from None


def _imported(dataset: str, folder: Path) -> list[Edition]:
    files: dict[str, dict[str, Any]] = read_manifest(folder, IMPORTED_FIELDS)["files"]
    where = folder / MANIFEST_NAME
    return [
        Edition(
            dataset,
            _checked_label(dataset, e["edition"], f"{where}, entry {name!r}"),
            folder / name,
            "imported",
            str(e["sha256"]),
            str(e.get("source_file", "")),
            entry_command(e),
            _published(e, f"{where}, entry {name!r}"),
            folder,
        )
        for name, e in files.items()
        if e.get("dataset") == dataset
    ]


@lru_cache(maxsize=256)
def _editions(
    dataset: str, bundled: Path, user: Path, user_manifest: tuple[int, int, int] | None
) -> tuple[tuple[str, Edition], ...]:
    found: dict[str, Edition] = {}
    where = bundled / MANIFEST_NAME
    for name, entry in entries(dataset, bundled).items():
        label = _checked_label(dataset, entry["edition"], f"{where}, entry {name!r}")
        found[label] = Edition(
            dataset,
            label,
            bundled / name,
            "bundled",
            str(entry["sha256"]),
            published=_published(entry, f"{where}, entry {name!r}"),
        )
    if user_manifest is not None:
        for edition in _imported(dataset, user):
            found[edition.label] = edition
    rule = label_rule(dataset)
    return tuple(sorted(found.items(), key=lambda item: rule.key(item[0])))


def editions(dataset: str) -> dict[str, Edition]:
    """Editions of a dataset by label, oldest first (imported ones override bundled ones).

    Read once per state of the user manifest: an import (in this process or another) is seen
    by the next call."""
    user = user_data_dir_path()
    return dict(_editions(dataset, bundled_data_dir(), user, file_identity(user / MANIFEST_NAME)))


def latest(dataset: str) -> str:
    """Label of the newest installed edition (or release) of a dataset (numeric order)."""
    available = editions(dataset)
    if not available:
        raise DataError(f"No {dataset} data is installed: reinstall burdenshare or restore data/.")
    return list(available)[-1]


def published_by(dataset: str, day: dt.date, labels: list[str] | None = None) -> str | None:
    """The newest edition of a dataset public by ``day`` (among ``labels`` if given), or None.

    An edition without a recorded publication date is never counted as public by a date."""
    known = [
        label
        for label, edition in editions(dataset).items()
        if edition.published is not None
        and edition.published <= day
        and (labels is None or label in labels)
    ]
    return known[-1] if known else None


def resolve(dataset: str, label: str, word: str = "edition") -> list[Edition]:
    """The editions a request names: a label, ``"latest"`` or ``"all"``.

    Raises :class:`ParameterError` for a label not of the dataset's form (:func:`check_label`)
    and :class:`DataError` listing the available labels when the label does not exist.
    """
    label = str(label)
    if label not in ("latest", "all"):
        check_label(dataset, label)
    available = editions(dataset)
    if not available:
        raise DataError(f"No {dataset} data is installed: reinstall burdenshare or restore data/.")
    if label == "all":
        return list(available.values())
    if label == "latest":
        return [available[latest(dataset)]]
    if label not in available:
        newer = (
            f"`burdenshare data import {IMPORT_KINDS[dataset]}` adds a newer release"
            if dataset in IMPORTABLE
            else "pass path= to load a newer release file in the same schema"
        )
        raise DataError(
            f"{word.capitalize()} {label!r} of {dataset} does not exist. Available: "
            f"{', '.join(available)}, 'latest' or 'all'; {newer}."
        )
    return [available[label]]


def citation(dataset: str, edition: str) -> str:
    """A one-line source note for a chart or table, e.g. for ``("nato_spending", "2026")``.

    Uses the manifest's title of the file holding that edition; imported editions are cited by
    the workbook they came from.
    """
    found = editions(dataset).get(str(edition))
    if found is None:
        raise DataError(f"No {dataset} edition {edition!r} to cite.")
    if found.origin == "imported":
        return f"{dataset} edition {edition}, imported from {found.path.name}"
    entry = entries(dataset)[found.path.name]
    return f"{entry['title']} [{dataset} {entry['edition']}]"
