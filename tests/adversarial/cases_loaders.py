"""Hostile user files given to the loaders with ``path=``."""

from __future__ import annotations

from pathlib import Path

import burdenshare as bs
from tests import bundled_rows, write_csv
from tests.adversarial import Action, Case


def _unknown_country(folder: Path) -> Action:
    rows = bundled_rows("nato_defexp_2024.csv", 10)
    rows[4]["iso3"] = "XYZ"
    path = write_csv(folder, rows)
    return lambda: bs.load_spending(path=path)


CASES: list[Case] = [
    Case("nato unknown country code", _unknown_country, bs.DataError, ("line 6", "'iso3'", "XYZ")),
]
