"""Hostile data folders: `burdenshare data verify` on broken manifests and files, and loaders on a
user data folder or a bundled data folder that was damaged, edited or half deleted.

Each case builds its folder from a copy of the bundled data (or a small imported edition) and
points the package at it only while its action runs (``BURDENSHARE_DATA_HOME``, or the bundled
folder patched), so the real bundled data and user folder are never touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import burdenshare as bs
from burdenshare import countries
from tests import DATA, bundled_rows, write_csv
from tests.adversarial import Action, Case, cli

NATO_2025 = "nato_defexp_2025.csv"
IMPORTED = "nato_defexp_2030.csv"


def _copy(folder: Path) -> Path:
    target = folder / "data"
    shutil.copytree(DATA, target)
    return target


def _manifest(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def _write_manifest(folder: Path, data: object) -> None:
    (folder / "manifest.json").write_text(json.dumps(data, indent=1), encoding="utf-8")


def _change_one_byte(path: Path) -> None:
    raw = bytearray(path.read_bytes())
    index = raw.index(b"4.48")
    raw[index + 3] = ord("9")  # Poland 2025: 4.48... -> 4.49...
    path.write_bytes(bytes(raw))


def _verify(edit: Callable[[Path], None]) -> Callable[[Path], Action]:
    """`burdenshare data verify --data-dir` on a copy of the bundled data after ``edit``."""

    def prepare(folder: Path) -> Action:
        copy = _copy(folder)
        edit(copy)
        return cli("data", "verify", "--data-dir", copy)

    return prepare


def _edit_manifest(change: Callable[[dict[str, Any]], object]) -> Callable[[Path], None]:
    def edit(copy: Path) -> None:
        data = _manifest(copy)
        _write_manifest(copy, change(data) or data)

    return edit


def _drop(entry: str, field: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        del data["files"][entry][field]

    return change


# --- an imported edition in a user data folder ---------------------------------------------


def _user_folder(folder: Path) -> Path:
    """folder/user with one imported NATO edition "2030" (the 2024 rows relabelled)."""
    user = folder / "user"
    user.mkdir()
    rows = [dict(r, edition="2030") for r in bundled_rows("nato_defexp_2024.csv", 60)]
    path = write_csv(user, rows, IMPORTED)
    entry = {
        "title": "Defence Expenditure of NATO Countries (2030), imported from nato-2030.xlsx",
        "dataset": "nato_spending",
        "schema": "nato_spending",
        "edition": "2030",
        "source_file": "nato-2030.xlsx",
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "rows": len(rows),
    }
    _write_manifest(user, {"about": "imported", "files": {IMPORTED: entry}})
    return user


@contextlib.contextmanager
def _user_home(user: Path) -> Iterator[None]:
    with mock.patch.dict(os.environ, {"BURDENSHARE_DATA_HOME": str(user)}):
        yield


def _imported(
    edit: Callable[[Path], None], load: Callable[[], object] = lambda: bs.load_spending("2030")
) -> Callable[[Path], Action]:
    """A loader run against a user data folder broken by ``edit``."""
    return _broken(_user_folder, _user_home, edit, load)


def _imported_verify(edit: Callable[[Path], None]) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        user = _user_folder(folder)
        edit(user)
        return cli("data", "verify", "--data-dir", user)

    return prepare


# --- a damaged bundled data folder -----------------------------------------------------------


@contextlib.contextmanager
def _bundled(copy: Path) -> Iterator[None]:
    """The package reads ``copy`` as its bundled data (the caches of country data are emptied
    around it, so neither the damaged nor the real table leaks into the other)."""
    countries._table.cache_clear()
    countries._names.cache_clear()
    try:
        with (
            mock.patch("burdenshare.editions.bundled_data_dir", return_value=copy),
            mock.patch("burdenshare.manifest.bundled_data_dir", return_value=copy),
            mock.patch("burdenshare.countries.bundled_data_dir", return_value=copy),
        ):
            yield
    finally:
        countries._table.cache_clear()
        countries._names.cache_clear()


def _bundled_case(
    edit: Callable[[Path], None], load: Callable[[], object]
) -> Callable[[Path], Action]:
    """A loader run against a copy of the bundled data broken by ``edit``."""
    return _broken(_copy, _bundled, edit, load)


def _broken(
    build: Callable[[Path], Path],
    use: Callable[[Path], contextlib.AbstractContextManager],
    edit: Callable[[Path], None],
    load: Callable[[], object],
) -> Callable[[Path], Action]:
    """``build`` a data folder in the case's folder, ``edit`` it, then ``load`` while the package
    ``use``s it."""

    def prepare(folder: Path) -> Action:
        data = build(folder)
        edit(data)

        def action() -> object:
            with use(data):
                return load()

        return action

    return prepare


def _latin(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b"Albania", "Albanië".encode("latin-1"), 1))


DATA_DIR = "{folder}/data"
USER = "{folder}/user"

CASES: list[Case] = [
    # `burdenshare data verify`: manifests it cannot read are errors (exit 2) ...
    Case(
        "verify: a folder without a manifest",
        lambda folder: cli("data", "verify", "--data-dir", folder),
        2,
        ("{folder}/manifest.json", "no data manifest"),
    ),
    Case(
        "verify: --data-dir is a file",
        lambda folder: cli("data", "verify", "--data-dir", _copy(folder) / NATO_2025),
        2,
        (f"{DATA_DIR}/{NATO_2025}/manifest.json", "no data manifest"),
    ),
    Case(
        "verify: manifest is not JSON",
        _verify(lambda copy: (copy / "manifest.json").write_text('{"files": {', encoding="utf-8")),
        2,
        (f"{DATA_DIR}/manifest.json", "line 1, column 12", "not valid JSON"),
    ),
    Case(
        "verify: manifest is not UTF-8",
        _verify(lambda copy: (copy / "manifest.json").write_bytes(b'{"files": "\xff"}')),
        2,
        (f"{DATA_DIR}/manifest.json", "not UTF-8"),
    ),
    Case(
        "verify: manifest without files",
        _verify(_edit_manifest(lambda data: {"about": data["about"]})),
        2,
        (f"{DATA_DIR}/manifest.json", '"files" object'),
    ),
    Case(
        "verify: an entry lacks its sha256",
        _verify(_edit_manifest(_drop("nato_targets.csv", "sha256"))),
        2,
        (f"{DATA_DIR}/manifest.json", "entry 'nato_targets.csv' lacks 'sha256'"),
    ),
    Case(
        "verify: an entry is not an object",
        _verify(_edit_manifest(lambda data: data["files"].update({"fx_ecb_annual.csv": 3}))),
        2,
        (f"{DATA_DIR}/manifest.json", "entry 'fx_ecb_annual.csv' is not an object"),
    ),
    # ... files that differ from a readable manifest are mismatches (exit 1)
    Case(
        "verify: one byte changed",
        _verify(lambda copy: _change_one_byte(copy / NATO_2025)),
        1,
        (f"{DATA_DIR}/{NATO_2025}", "sha256", "differs from manifest"),
    ),
    Case(
        "verify: a listed file is missing",
        _verify(lambda copy: (copy / "nato_targets.csv").unlink()),
        1,
        (f"{DATA_DIR}/nato_targets.csv", "file is missing"),
    ),
    Case(
        "verify: an unlisted CSV",
        _verify(lambda copy: (copy / "extra.csv").write_text("a\n1\n", encoding="utf-8")),
        1,
        (f"{DATA_DIR}/extra.csv", "not described in the manifest"),
    ),
    Case(
        "verify: a row count differs",
        _verify(_edit_manifest(lambda data: data["files"]["fx_ecb_annual.csv"].update(rows=220))),
        1,
        (f"{DATA_DIR}/fx_ecb_annual.csv", "221 rows, manifest says 220"),
    ),
    Case(
        "verify: a file re-saved as Latin-1",
        _verify(lambda copy: _latin(copy / "nato_defexp_2024.csv")),
        1,
        (f"{DATA_DIR}/nato_defexp_2024.csv", "sha256", "not a UTF-8 CSV"),
    ),
    Case(
        "verify: an imported file was deleted",
        _imported_verify(lambda user: (user / IMPORTED).unlink()),
        1,
        (f"{USER}/{IMPORTED}", "file is missing"),
    ),
    Case(
        "verify: an imported entry lacks its row count",
        _imported_verify(_edit_manifest(_drop(IMPORTED, "rows"))),
        2,
        (f"{USER}/manifest.json", f"entry '{IMPORTED}' lacks 'rows'"),
    ),
    # loaders on a broken user data folder
    Case(
        "imported: manifest is not JSON",
        _imported(
            lambda user: (user / "manifest.json").write_text("{", encoding="utf-8"),
            bs.load_spending,
        ),
        bs.DataError,
        (f"{USER}/manifest.json", "line 1, column 2", "import the workbooks again"),
    ),
    Case(
        "imported: files is a list",
        _imported(_edit_manifest(lambda data: {"files": list(data["files"])}), bs.load_spending),
        bs.DataError,
        (f"{USER}/manifest.json", '"files" object'),
    ),
    Case(
        "imported: an entry lacks its edition",
        _imported(_edit_manifest(_drop(IMPORTED, "edition")), bs.load_spending),
        bs.DataError,
        (f"{USER}/manifest.json", f"entry '{IMPORTED}' lacks 'edition'"),
    ),
    Case(
        "imported: edition label in full-width digits",
        _imported(
            _edit_manifest(lambda data: data["files"][IMPORTED].update(edition="２０３０")),
            bs.load_spending,
        ),
        bs.DataError,
        (f"{USER}/manifest.json", f"entry '{IMPORTED}'", "'２０３０'", "four ASCII digits"),
    ),
    Case(
        "imported: the CSV was deleted",
        _imported(lambda user: (user / IMPORTED).unlink()),
        bs.DataError,
        (
            f"{USER}/{IMPORTED}",
            "is missing",
            "burdenshare data import nato nato-2030.xlsx --edition 2030 --replace",
        ),
    ),
    Case(
        "imported: one byte of the CSV changed",
        _imported(lambda user: _latin(user / IMPORTED)),
        bs.DataError,
        (f"{USER}/{IMPORTED}", "its sha256 is", "records", "--replace"),
    ),
    Case(
        "imported: 'latest' reads a changed CSV",
        _imported(lambda user: _latin(user / IMPORTED), bs.load_spending),
        bs.DataError,
        (f"{USER}/{IMPORTED}", "changed since it was recorded"),
    ),
    # loaders on a damaged bundled data folder
    Case(
        "bundled: one byte of a CSV changed",
        _bundled_case(
            lambda copy: _change_one_byte(copy / NATO_2025), lambda: bs.load_spending("2025")
        ),
        bs.DataError,
        (f"{DATA_DIR}/{NATO_2025}", "its sha256 is", "records", "path="),
    ),
    Case(
        "bundled: the manifest is not JSON",
        _bundled_case(
            lambda copy: (copy / "manifest.json").write_text("[", encoding="utf-8"),
            bs.load_fx,
        ),
        bs.DataError,
        (f"{DATA_DIR}/manifest.json", "line 1, column 2", "Reinstall burdenshare"),
    ),
    Case(
        "bundled: an entry lacks its edition",
        _bundled_case(_edit_manifest(_drop("fx_ecb_annual.csv", "edition")), bs.load_fx),
        bs.DataError,
        (f"{DATA_DIR}/manifest.json", "entry 'fx_ecb_annual.csv' lacks 'edition'"),
    ),
    Case(
        "bundled: a listed file is missing",
        _bundled_case(lambda copy: (copy / "nato_targets.csv").unlink(), bs.load_targets),
        bs.DataError,
        (f"{DATA_DIR}/nato_targets.csv", "is missing", "Reinstall burdenshare"),
    ),
    Case(
        "bundled: the country table changed",
        _bundled_case(
            lambda copy: _latin(copy / "countries.csv"), lambda: countries.nato_allies(2024)
        ),
        bs.DataError,
        (f"{DATA_DIR}/countries.csv", "its sha256 is"),
    ),
]
