"""Which editions of a dataset exist: bundled ones (data/manifest.json) and imported ones.

Imported editions (``burdenshare data import``) live in the user data folder with a manifest of the
same format; an imported edition with the same label as a bundled one takes precedence. Every
other module asks this one which file holds an edition, which edition is the latest, and how to
cite it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from . import datasets
from .errors import DataError
from .manifest import MANIFEST_NAME, entries
from .paths import bundled_data_dir, user_data_dir_path

#: Datasets whose publishers' workbooks `burdenshare data import` reads.
IMPORTABLE = frozenset({datasets.NATO_SPENDING, datasets.SIPRI_MILEX})


@dataclass(frozen=True)
class Edition:
    """One edition (or release) of a dataset and the file that holds it."""

    dataset: str
    label: str
    path: Path
    origin: str  # "bundled" or "imported"

    @property
    def folder(self) -> Path:
        """The data folder the file belongs to (bundled data or the user data folder)."""
        return self.path.parent


def _imported(dataset: str) -> list[Edition]:
    folder = user_data_dir_path()
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        return []
    try:
        files = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise DataError(
            f"{manifest_path}: the imported-data manifest is unreadable ({exc}). Delete the folder"
            " and import the workbooks again."
        ) from None
    return [
        Edition(dataset, str(e["edition"]), folder / name, "imported")
        for name, e in files.items()
        if e.get("dataset") == dataset
    ]


def editions(dataset: str) -> dict[str, Edition]:
    """Editions of a dataset by label, oldest first (imported ones override bundled ones)."""
    found: dict[str, Edition] = {}
    folder = bundled_data_dir()
    for name, entry in entries(dataset).items():
        found[str(entry["edition"])] = Edition(
            dataset, str(entry["edition"]), folder / name, "bundled"
        )
    for edition in _imported(dataset):
        found[edition.label] = edition
    return dict(sorted(found.items()))


def latest(dataset: str) -> str:
    """Label of the newest installed edition (or release) of a dataset."""
    available = editions(dataset)
    if not available:
        raise DataError(f"No {dataset} data is installed: reinstall burdenshare or restore data/.")
    return list(available)[-1]


def resolve(dataset: str, label: str, word: str = "edition") -> list[Edition]:
    """The editions a request names: a label, ``"latest"`` or ``"all"``.

    Raises :class:`DataError` listing the available labels when the label does not exist.
    """
    available = editions(dataset)
    if not available:
        raise DataError(f"No {dataset} data is installed: reinstall burdenshare or restore data/.")
    label = str(label)
    if label == "all":
        return list(available.values())
    if label == "latest":
        return [available[latest(dataset)]]
    if label not in available:
        newer = (
            "`burdenshare data import` adds a newer release workbook"
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
