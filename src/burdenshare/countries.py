"""Country codes, names, NATO and EU membership by date, and the groups analyses use.

Membership dates are data (``data/countries.csv``: NATO accession = date the ally deposited its
instrument of accession, founders = signature of the Treaty on 4 April 1949; EU accession and exit
dates). Other countries (e.g. donors to Ukraine outside NATO and the EU) are resolved with
:mod:`pycountry`. Codes that are not countries (NATO aggregates, EU institutions) are listed in
:data:`SPECIAL_CODES` and never pass for an ISO3 code.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from functools import cache

import pandas as pd
import pycountry

from .errors import ParameterError
from .manifest import read_checked
from .paths import bundled_data_dir

#: Codes that are not countries. They are kept distinct from ISO3 codes on purpose.
SPECIAL_CODES: dict[str, str] = {
    "NATO_TOTAL": "NATO total",
    "NATO_EUR_CAN": "NATO Europe and Canada",
    "EU_INST": "EU institutions (Commission and Council)",
    "EU_EIB": "European Investment Bank",
    "EU_EPF": "European Peace Facility",
}
#: The NATO aggregate rows published in NATO's tables.
NATO_AGGREGATES: tuple[str, ...] = ("NATO_TOTAL", "NATO_EUR_CAN")
#: Codes for EU institutions as donors (Kiel tracker).
EU_INSTITUTIONS: tuple[str, ...] = ("EU_INST", "EU_EIB", "EU_EPF")

NORDICS: frozenset[str] = frozenset({"DNK", "FIN", "ISL", "NOR", "SWE"})
BALTICS: frozenset[str] = frozenset({"EST", "LVA", "LTU"})

#: Publishers' names for a code that neither data/countries.csv, :data:`SPECIAL_CODES` nor
#: pycountry resolve (keys as :func:`normal_name` folds them: lower case, no accents).
NAME_ALIASES: dict[str, str] = {
    "slovak republic": "SVK",
    "united states of america": "USA",
    "czech republic": "CZE",
    "turkey": "TUR",
    "russian federation": "RUS",
    "korea, south": "KOR",
    "nato europe and canada": "NATO_EUR_CAN",
    "nato europe & canada": "NATO_EUR_CAN",
    "nato total": "NATO_TOTAL",
    "eu (commission and council)": "EU_INST",
    "eu (commission)": "EU_INST",
    "eu institutions": "EU_INST",
}


@cache
def _table() -> pd.DataFrame:
    raw = read_checked(bundled_data_dir(), "countries.csv")
    frame = pd.read_csv(
        io.BytesIO(raw),
        dtype=str,
        keep_default_na=False,
        encoding="utf-8",
    )
    for col in ("nato_accession", "eu_accession", "eu_exit"):
        frame[col] = pd.to_datetime(frame[col].replace("", None)).dt.date
    return frame.set_index("iso3")


def _as_date(when: int | str | dt.date | None) -> dt.date:
    """A year means its 31 December (membership at the end of the year)."""
    if when is None:
        return dt.date.today()
    if isinstance(when, dt.date):
        return when
    if isinstance(when, int) or (isinstance(when, str) and when.isdigit()):
        return dt.date(int(when), 12, 31)
    return dt.date.fromisoformat(str(when))


def is_iso3(code: str) -> bool:
    """True for an upper-case ISO 3166-1 alpha-3 country code.

    Codes match exactly: ``"alb"`` or ``"Alb"`` is not Albania (pycountry alone would accept them).
    """
    return (
        isinstance(code, str)
        and re.fullmatch(r"[A-Z]{3}", code) is not None
        and pycountry.countries.get(alpha_3=code) is not None
    )


def is_known_code(code: str) -> bool:
    """True for an upper-case ISO 3166-1 alpha-3 code or one of :data:`SPECIAL_CODES`."""
    return code in SPECIAL_CODES or is_iso3(code)


def normal_name(name: str) -> str:
    """A country name folded for comparison: no accents, one space, lower case."""
    decomposed = unicodedata.normalize("NFKD", name)  # also turns a no-break space into " "
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain).strip().casefold()


@cache
def _names() -> dict[str, str]:
    names = {normal_name(str(n)): str(code) for code, n in _table()["name"].items()}
    names.update({normal_name(n): code for code, n in SPECIAL_CODES.items()})
    names.update(NAME_ALIASES)
    return names


@cache
def code_for_name(name: str) -> str | None:
    """The code of a publisher's country name (``"Türkiye"``, ``"Turkiye"``, ``"Turkey"`` -> TUR;
    ``"NATO total"`` -> NATO_TOTAL), or None if the name is unknown.

    Looks in data/countries.csv, :data:`SPECIAL_CODES`, :data:`NAME_ALIASES`, then pycountry's
    names. A publisher that spells a country a new way needs an entry in :data:`NAME_ALIASES`.
    """
    key = normal_name(name)
    found = _names().get(key)
    if found is not None:
        return found
    try:
        return str(pycountry.countries.lookup(key).alpha_3)
    except LookupError:
        return None


def code_matches_name(code: str, country_name: str) -> bool:
    """True when ``country_name`` is a name of ``code`` (e.g. ``("POL", "Poland")``), so that a
    row written under a wrong but valid code (Poland's figures under RUS) is caught."""
    return code_for_name(country_name) == code


def name(code: str) -> str:
    """Display name of a country or special code (e.g. ``"POL"`` -> ``"Poland"``)."""
    if code in SPECIAL_CODES:
        return SPECIAL_CODES[code]
    table = _table()
    if code in table.index:
        return str(table.at[code, "name"])
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        raise ParameterError(f"Unknown country code {code!r}: use an ISO 3166-1 alpha-3 code.")
    return str(getattr(country, "common_name", None) or country.name)


def nato_allies(when: int | str | dt.date | None = None) -> list[str]:
    """ISO3 codes of the NATO allies at a date (a year means its last day), sorted.

    NATO's aggregates count an ally from its accession year, which is what ``when=<year>`` gives.
    """
    day = _as_date(when)
    table = _table()
    joined = table["nato_accession"].map(lambda d: d is not None and not pd.isna(d) and d <= day)
    return sorted(table.index[joined.astype(bool)])


def nato_accession(code: str) -> dt.date | None:
    """Date an ally joined NATO, or None for a non-member."""
    table = _table()
    if code not in table.index:
        return None
    value = table.at[code, "nato_accession"]
    return None if pd.isna(value) else value


def eu_members(when: int | str | dt.date | None = None) -> list[str]:
    """ISO3 codes of the EU member states at a date (a year means its last day), sorted."""
    day = _as_date(when)
    table = _table()

    def member(row: pd.Series) -> bool:
        joined = row["eu_accession"]
        left = row["eu_exit"]
        if joined is None or pd.isna(joined) or joined > day:
            return False
        return left is None or pd.isna(left) or left > day

    return sorted(table.index[table.apply(member, axis=1).astype(bool)])


def europe_and_canada(when: int | str | dt.date | None = None) -> list[str]:
    """NATO allies other than the United States (NATO's "Europe and Canada" group)."""
    return [c for c in nato_allies(when) if c != "USA"]


GROUPS = ("nato", "europe_canada", "eu", "nordics", "baltics")


def group(label: str, when: int | str | dt.date | None = None) -> list[str]:
    """Members of a named group: ``nato``, ``europe_canada``, ``eu``, ``nordics`` or ``baltics``."""
    if label == "nato":
        return nato_allies(when)
    if label == "europe_canada":
        return europe_and_canada(when)
    if label == "eu":
        return eu_members(when)
    if label == "nordics":
        return sorted(NORDICS)
    if label == "baltics":
        return sorted(BALTICS)
    raise ParameterError(f"Unknown group {label!r}; choose one of {', '.join(GROUPS)}.")
