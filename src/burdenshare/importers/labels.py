"""Labels an import is stored under: NATO editions and SIPRI releases are years ("2026"), Kiel
releases "R" + two digits with an optional version ("R31", "R30v2").

Only ASCII digits count: ``str.isdigit`` and ``\\d`` also accept digits of other scripts
("２０２６"), which would be stored as a label no loader can ask for and would sort after every real
year. A label read from a publisher's file goes through the same check as one given by the user.
"""

from __future__ import annotations

import re

from ..errors import ParameterError

_YEAR = re.compile(r"[0-9]{4}")
_KIEL = re.compile(r"R[0-9]{2}(v[0-9]+)?")


def check_year_label(label: object, what: str = "Edition label") -> str:
    """A NATO edition or SIPRI release label: four ASCII digits such as "2026"."""
    text = str(label)
    if not _YEAR.fullmatch(text):
        raise ParameterError(
            f"{what} {text!r}: expected a year written with four digits 0-9, such as 2026."
        )
    return text


def check_kiel_label(label: object, what: str = "Release label") -> str:
    """A Kiel release label: "R" + two ASCII digits, optionally "v" + a version ("R30v2")."""
    text = str(label)
    if not _KIEL.fullmatch(text):
        raise ParameterError(
            f"{what} {text!r}: expected a Kiel release label such as R31 or R30v2"
            " (R, two digits 0-9, optionally v and a version number)."
        )
    return text
