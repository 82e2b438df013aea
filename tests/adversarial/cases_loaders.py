"""Hostile user files given to every loader with ``path=``, and hostile loader parameters.

:data:`LOADERS` names each loader with the bundled file its cases start from; a case edits the
first rows of that file (one bad cell, a broken header, another encoding or delimiter, a device
instead of a file, ...) and expects a DataError naming the file, line and column, or a
ParameterError naming the parameter. tests/test_bad_input.py loads the unedited rows with the same
table to show that every loader accepts a valid user file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pandas as pd

import burdenshare as bs
from burdenshare import schemas
from tests import DATA, bundled_rows, write_csv
from tests.adversarial import Action, Case


@dataclass(frozen=True)
class Loader:
    """A loader called with a user file, the bundled file its cases start from, its schema."""

    load: Callable[[Path], pd.DataFrame]
    template: str
    spec: schemas.TableSpec


LOADERS: dict[str, Loader] = {
    "nato": Loader(lambda p: bs.load_spending(path=p), "nato_defexp_2024.csv", schemas.SPENDING),
    "nato_2025": Loader(
        lambda p: bs.load_spending(path=p), "nato_defexp_2025.csv", schemas.SPENDING
    ),
    "sipri": Loader(lambda p: bs.load_sipri(path=p), "sipri_milex_2025.csv", schemas.SIPRI),
    "sipri_world": Loader(
        lambda p: bs.load_sipri_world(path=p), "sipri_milex_world_2025.csv", schemas.SIPRI_WORLD
    ),
    "targets": Loader(lambda p: bs.load_targets(path=p), "nato_targets.csv", schemas.TARGETS),
    "support": Loader(
        lambda p: bs.load_support("all", currency=None, path=p),
        "kiel_support_r29.csv",
        schemas.SUPPORT,
    ),
    "support_r28": Loader(
        lambda p: bs.load_support("all", currency=None, path=p),
        "kiel_support_r28.csv",
        schemas.SUPPORT,
    ),
    "monthly": Loader(
        lambda p: bs.load_support_monthly(path=p),
        "kiel_monthly_by_donor_r29.csv",
        schemas.SUPPORT_MONTHLY,
    ),
    "totals": Loader(
        lambda p: bs.load_support_monthly_totals(path=p),
        "kiel_monthly_totals_r29.csv",
        schemas.SUPPORT_MONTHLY_TOTALS,
    ),
    "items": Loader(
        lambda p: bs.load_support_items(path=p), "kiel_items_r28.csv", schemas.SUPPORT_ITEMS
    ),
    "weapons": Loader(
        lambda p: bs.load_heavy_weapons(path=p), "kiel_heavy_weapons_r29.csv", schemas.HEAVY_WEAPONS
    ),
    "disbursements": Loader(
        lambda p: bs.load_disbursements(path=p),
        "kiel_disbursements_r28.csv",
        schemas.DISBURSEMENTS,
    ),
    "gdp": Loader(lambda p: bs.load_donor_gdp(path=p), "kiel_donor_gdp.csv", schemas.DONOR_GDP),
    "headlines": Loader(
        lambda p: bs.load_support_headlines(path=p),
        "kiel_release_headlines.csv",
        schemas.HEADLINES,
    ),
    "pledges": Loader(lambda p: bs.load_pledges(path=p), "pledges_2024_2025.csv", schemas.PLEDGES),
    "fx": Loader(lambda p: bs.load_fx(path=p), "fx_ecb_annual.csv", schemas.FX),
    "ppp": Loader(lambda p: bs.load_ppp(path=p), "wb_ppp_2026.csv", schemas.PPP),
    "opinion": Loader(
        lambda p: bs.load_opinion(path=p), "opinion_ukraine_nato.csv", schemas.OPINION
    ),
    "restrictions": Loader(
        lambda p: bs.load_restrictions(path=p),
        "restrictions_long_range.csv",
        schemas.RESTRICTIONS,
    ),
    "mechanisms": Loader(
        lambda p: bs.load_mechanisms(path=p), "nato_ukraine_mechanisms.csv", schemas.MECHANISMS
    ),
    "udcg": Loader(
        lambda p: bs.load_udcg_meetings(path=p), "udcg_meetings.csv", schemas.UDCG_MEETINGS
    ),
}
FILE = "{folder}/mine.csv"


def template_rows(loader: str, n: int = 30) -> list[dict[str, str]]:
    """The first ``n`` rows of the loader's bundled file, as text."""
    return bundled_rows(LOADERS[loader].template, n)


def _edited(loader: str, edit: Callable[[list[dict[str, str]]], None], n: int = 30) -> Callable:
    def prepare(folder: Path) -> Action:
        rows = template_rows(loader, n)
        edit(rows)
        path = write_csv(folder, rows)
        return lambda: LOADERS[loader].load(path)

    return prepare


def _text(loader: str, make: Callable[[str], bytes], name: str = "mine.csv") -> Callable:
    """A case whose file is ``make(first lines of the template)``, written as bytes."""

    def prepare(folder: Path) -> Action:
        lines = (DATA / LOADERS[loader].template).read_text(encoding="utf-8").splitlines()[:12]
        path = folder / name
        path.write_bytes(make("\n".join(lines) + "\n"))
        return lambda: LOADERS[loader].load(path)

    return prepare


def bad_cell(
    loader: str, row: int, column: str, value: str, *words: str, on: str | None = None
) -> Case:
    """One cell set to ``value``: the error is one problem, naming the file, line, column, value
    and ``words``.

    ``on``: the column the error is reported on, where a rule across columns judges the row (the
    error then names that column's value, not the edited one).
    """

    def edit(rows: list[dict[str, str]]) -> None:
        rows[row][column] = value

    shown = () if on else (repr(value),)
    return Case(
        f"{loader}: {column}={value!r}",
        _edited(loader, edit),
        bs.DataError,
        (FILE, "1 problem(s)", f"line {row + 2}, column '{on or column}'", *shown, *words),
    )


# (loader, row, column, bad value, words the message must also contain)
BAD_CELLS = [
    # NATO: codes, names, currencies, non-finite and implausible values, labels
    ("nato", 4, "iso3", "XYZ", "ISO3"),
    ("nato", 0, "iso3", "alb", "upper-case"),
    ("nato", 0, "iso3", "RUS", "an ally's"),
    ("nato", 0, "iso3", "DEU", "the code of the row's country"),
    ("nato", 0, "currency", "EUR", "a currency of ALB", "ALL"),
    ("nato", 0, "currency", "eur", "upper-case ISO 4217"),
    ("nato", 0, "value", "12,5k", "a finite number"),
    ("nato", 0, "value", "inf", "a finite number"),
    ("nato", 0, "value", "-inf", "a finite number"),
    ("nato", 0, "value", "NaN", "a finite number"),
    ("nato", 1, "value", "-5", "0 <= x <= 1e+10"),
    ("nato", 2, "year", "1848", "1949 <= x <= 2100"),
    ("nato", 2, "year", "12345678901234567890123", "a whole number"),
    ("nato", 2, "year", "2031", "a year no later than the edition 2024"),
    ("nato", 2, "year", "２０１６", "a whole number"),
    ("nato", 5, "unit", "billion US$", "the unit of defexp_ncu_current_m"),
    ("nato", 0, "prices", "constant", "current for defexp_ncu_current_m"),
    ("nato", 0, "price_base_year", "2015", "an empty cell"),
    ("nato", 0, "edition", "２０２４", "four ASCII digits"),
    ("nato", 0, "aggregate", "True", "NATO_TOTAL"),
    ("nato", 0, "estimate", "maybe", "True or False"),
    ("nato", 0, "definition", "military spending", "core defence expenditure"),
    ("nato_2025", 3, "value", "150", "0 <= x <= 100 for defexp_share_gdp_pct"),
    ("nato_2025", 3, "value", "-0.5", "0 <= x <= 100"),
    # SIPRI
    ("sipri", 0, "iso3", "can", "upper-case"),
    ("sipri", 0, "iso3", "NATO_TOTAL", "ISO 3166-1"),
    ("sipri", 0, "release", "2O25", "four ASCII digits"),
    ("sipri", 0, "year", "2025", "a year before the release 2025"),
    ("sipri", 0, "value", "-3", "0 <= x <= 1e+10 for milex_usd_constant_m"),
    ("sipri", 0, "price_base_year", "", "a base year"),
    # targets
    ("targets", 0, "value", "150", "0 <= x <= 100 for a value in % of GDP"),
    ("targets", 0, "date", "2014-13-01", "a date YYYY-MM-DD"),
    ("targets", 0, "target_id", "Wales 2%", "lower-case letters"),
    # Kiel summaries
    ("support", 0, "iso3", "XYZ", "ISO3"),
    ("support", 0, "iso3", "EUU", "EU_INST"),
    ("support", 0, "iso3", "dnk", "upper-case"),
    ("support", 0, "iso3", "RUS", "DNK, the code of the row's donor 'Denmark'"),
    ("support", 0, "value", "n/a", "a finite number"),
    ("support_r28", 1, "value", "-1.5", "0 <= x <= 1e+07 for a value in billion EUR"),
    ("support", 0, "value", "150", "0 <= x <= 100 for a value in % of 2021 GDP"),
    ("support", 0, "unit", "million EUR", "one of billion EUR"),
    ("support_r28", 1, "currency", "GBP", "EUR for 'billion EUR'"),
    ("support", 0, "release", "Release 29", "Kiel release label"),
    ("support", 0, "release", "R２9", "Kiel release label"),
    ("support", 0, "measure", "disbursement", "allocation"),
    ("support", 0, "aid_type", "total_bilateral", "military"),
    ("support_r28", 1, "zero_may_be_blank", "True", "False unless value is 0"),
    # Kiel monthly, totals, items, weapons, disbursements, GDP, headlines
    ("monthly", 0, "month", "2021-12", "tracker's span"),
    ("monthly", 0, "month", "2026-07", "R29: 2026-04"),
    ("monthly", 0, "month", "2025-13", "a month YYYY-MM"),
    ("monthly", 0, "measure", "pledge", "commitment_minus_allocation"),
    ("monthly", 0, "value", "-0.5", "0 <= x"),
    ("monthly", 0, "value", "inf", "a finite number"),
    ("monthly", 0, "iso3", "ZZZ", "ISO3"),
    ("totals", 0, "military_source", "loans", "nato_purl"),
    ("totals", 0, "month", "2019-04", "tracker's span"),
    ("totals", 0, "currency", "USD", "one of EUR"),
    ("totals", 0, "value", "1e308", "0 <= x <= 1e+07"),
    ("items", 0, "measure", "pledge", "allocation"),
    ("items", 0, "unit", "billion EUR", "one of EUR"),
    ("items", 0, "announcement_date", "2022-02-30", "a date YYYY-MM-DD"),
    ("items", 0, "announcement_date", "2021-12-31", "2022-01-01 <= x"),
    ("items", 0, "value_eur", "1e17", "1e+16"),
    ("weapons", 0, "number", "-3", "0 <= x"),
    ("weapons", 0, "number", "2.5", "a whole number"),
    ("weapons", 0, "value", "-1", "0 <= x"),
    ("weapons", 0, "category", "Boats", "Howitzers"),
    ("disbursements", 0, "month", "2021-06", "tracker's span"),
    ("disbursements", 0, "unit", "billion USD", "billion EUR"),
    ("gdp", 0, "gdp_year", "1850", "2000 <= x <= 2100"),
    ("gdp", 0, "value", "-10", "0 < x"),
    ("gdp", 0, "value", "0", "0 < x"),
    ("gdp", 0, "release", "R2x", "Kiel release label"),
    ("headlines", 0, "unit", "billion GBP", "one of billion EUR"),
    ("headlines", 0, "value", "-4", "0 <= x <= 1e+07 for a value in billion EUR"),
    ("headlines", 0, "currency", "USD", "EUR for 'billion EUR'"),
    # pledges, FX, opinion, restrictions, mechanisms
    ("pledges", 0, "currency", "ZZZ", "ISO 4217"),
    ("pledges", 0, "amount", "-500", "0 <= x"),
    ("pledges", 0, "amount", "five hundred", "a finite number"),
    ("pledges", 0, "amount", "1e308", "1e+10"),
    ("pledges", 0, "date", "summer 2025", "YYYY-MM-DD, YYYY-MM or YYYY"),
    ("pledges", 0, "source_url", "", "a source_url"),
    ("pledges", 0, "donor_codes", "NLD;XXX", "separated by ';'"),
    ("pledges", 0, "date_to", "2025-08-01", "no earlier than date_from"),
    ("fx", 0, "currency", "XXY", "ISO 4217"),
    ("fx", 0, "currency", "EUR", "a currency other than EUR"),
    ("fx", 0, "year", "1850", "1999 <= x <= 2100"),
    ("fx", 0, "unit", "EUR per 1 USD", "'USD per 1 EUR'"),
    ("fx", 0, "rate", "-1.1", "0 < x"),
    ("fx", 0, "rate", "0", "0 < x"),
    ("fx", 0, "rate", "inf", "a finite number"),
    ("fx", 0, "rate", "1,08", "a finite number"),
    ("opinion", 0, "share_pct", "101", "0 <= x <= 100"),
    ("opinion", 0, "share_pct", "-2", "0 <= x <= 100"),
    ("opinion", 0, "sample_size", "0", "0 < x"),
    ("opinion", 0, "base", "everyone", "all_respondents"),
    ("opinion", 0, "published", "June 2015", "YYYY-MM"),
    ("restrictions", 0, "iso3", "XYZ", "ISO 3166-1"),
    ("restrictions", 0, "iso3", "EU_INST", "ISO 3166-1"),
    ("restrictions", 0, "iso3", "FRA", "GBR, the code of the row's country 'United Kingdom'"),
    ("restrictions", 0, "status", "maybe", "restricted"),
    ("restrictions", 0, "date_to", "2023-04-30", "no earlier than date_from"),
    ("restrictions", 0, "covers", "Taurus", "weapon_system values of the row's country"),
    ("restrictions", 0, "covers", "Storm Shadow", "other than its own"),
    ("mechanisms", 0, "value", "-3", "0 <= x"),
    ("mechanisms", 0, "value", "-inf", "a finite number"),
    ("mechanisms", 0, "source_url", "www.example", "http"),
    ("udcg", 0, "meeting_format", "by letter", "in-person"),
    ("udcg", 2, "meeting_no", "0", "1 <= x <= 1000"),
    ("udcg", 0, "date", "spring 2022", "YYYY-MM-DD, YYYY-MM or YYYY"),
    ("udcg", 2, "report", "rumour", "alternative date"),
]


# The edited cell is fine on its own; a rule across columns reports the row on another column.
CROSS_CELLS = [
    bad_cell("sipri", 0, "country", "Poland", "got 'CAN'", "POL, the code of", on="iso3"),
    bad_cell("sipri", 0, "iso3", "RUS", "CAN, the code of the row's country 'Canada'", on="iso3"),
    bad_cell("support", 0, "donor", "Atlantis", "a name burdenshare does not know", on="iso3"),
    Case(
        "support: scope='eu_share' repeats a key",
        _edited("support", lambda rows: rows[0].update(scope="eu_share")),
        bs.DataError,
        (FILE, "line 3, column 'release/iso3/measure/aid_type/scope/unit'", "same as line 2"),
    ),
    bad_cell("nato", 0, "value", "1e308", "0 <= x <= 1e+10 for defexp_ncu_current_m"),
]


def _one_problem(folder: Path) -> Action:
    """A share of 150 % is one problem, named once (not a dozen about other columns)."""
    rows = template_rows("nato_2025")
    rows[3]["value"] = "150"
    path = write_csv(folder, rows)
    return lambda: LOADERS["nato_2025"].load(path)


def _sipri_currency(folder: Path) -> Action:
    rows = [
        r for r in bundled_rows("sipri_milex_2025.csv") if r["indicator"] == "milex_lcu_current"
    ]
    rows = rows[:20]
    assert rows[0]["iso3"] == "CAN"
    rows[0]["currency"] = "USD"
    path = write_csv(folder, rows)
    return lambda: bs.load_sipri(path=path)


def _nato_wrong_ally(folder: Path) -> Action:
    """A consistent non-ally (Ukraine) in a NATO table."""
    rows = template_rows("nato_2025")
    rows[0].update(iso3="UKR", country="Ukraine")
    path = write_csv(folder, rows)
    return lambda: LOADERS["nato_2025"].load(path)


def _repeated_header(folder: Path) -> Action:
    text = (DATA / "nato_defexp_2024.csv").read_text(encoding="utf-8").splitlines()[:6]
    lines = [line + ",1" for line in text]
    lines[0] = text[0] + ",value"
    path = folder / "mine.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lambda: bs.load_spending(path=path)


def _ragged(extra: bool) -> Callable:
    def prepare(folder: Path) -> Action:
        lines = (DATA / "nato_defexp_2024.csv").read_text(encoding="utf-8").splitlines()[:8]
        lines[4] = lines[4] + ",surplus" if extra else lines[4].rsplit(",", 1)[0]
        path = folder / "mine.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return lambda: bs.load_spending(path=path)

    return prepare


def _special_path(make: Callable[[Path], Path]) -> Callable:
    def prepare(folder: Path) -> Action:
        path = make(folder)
        return lambda: bs.load_sipri(path=path)

    return prepare


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return path


def _link_to_zero(folder: Path) -> Path:
    path = folder / "zero.csv"
    path.symlink_to("/dev/zero")
    return path


def _with_limit(megabytes: str) -> Callable[[Path], Action]:
    """A NATO file loaded while BURDENSHARE_MAX_FILE_MB is ``megabytes``."""

    def prepare(folder: Path) -> Action:
        path = write_csv(folder, template_rows("nato", 40))

        def load() -> object:
            with mock.patch.dict(os.environ, {"BURDENSHARE_MAX_FILE_MB": megabytes}):
                return bs.load_spending(path=path)

        return load

    return prepare


def _unknown_column(rows: list[dict[str, str]]) -> None:
    for row in rows:
        row["comment"] = "mine"


def _encoded(codec: str, bom: bytes = b"") -> Callable[[str], bytes]:
    return lambda text: bom + text.encode(codec)


def _latin(text: str) -> bytes:
    head, tail = text.split("\n", 2)[:2], text.split("\n", 2)[2]
    return ("\n".join(head) + "\n").encode("utf-8") + ("Türkiye é\n" + tail).encode("latin-1")


FILE_CASES = [
    Case(
        "nato: header repeats 'value'",
        _repeated_header,
        bs.DataError,
        (FILE, "line 1", "'value' at columns 5, 15"),
    ),
    Case(
        "nato: a row with an extra field",
        _ragged(True),
        bs.DataError,
        (FILE, "line 5", "15 fields", "14 fields, as in the header"),
    ),
    Case(
        "nato: a row with a missing field",
        _ragged(False),
        bs.DataError,
        (FILE, "line 5", "13 fields"),
    ),
    Case(
        "nato: share of 150% is one problem",
        _one_problem,
        bs.DataError,
        (FILE, "1 problem(s)", "line 5, column 'value'", "'150'", "0 <= x <= 100"),
    ),
    Case(
        "nato: a consistent non-ally",
        _nato_wrong_ally,
        bs.DataError,
        (FILE, "line 2, column 'iso3'", "'UKR'", "an ally's"),
    ),
    Case(
        "sipri: currency not the country's",
        _sipri_currency,
        bs.DataError,
        (FILE, "line 2, column 'currency'", "'USD'", "a currency of CAN: CAD"),
    ),
    Case(
        "nato: semicolon-separated",
        _text("nato", lambda t: t.replace(",", ";").encode()),
        bs.DataError,
        (FILE, "line 1", "semicolons (';')"),
    ),
    Case(
        "monthly: tab-separated",
        _text("monthly", lambda t: t.replace(",", "\t").encode()),
        bs.DataError,
        (FILE, "line 1", "tabs ('\\t')"),
    ),
    Case(
        "sipri: UTF-16 with byte-order mark",
        _text("sipri", _encoded("utf-16")),
        bs.DataError,
        (FILE, "UTF-16", "UTF-8"),
    ),
    Case(
        "pledges: UTF-16 without byte-order mark",
        _text("pledges", _encoded("utf-16-le")),
        bs.DataError,
        (FILE, "UTF-16", "UTF-8"),
    ),
    Case("fx: UTF-32", _text("fx", _encoded("utf-32")), bs.DataError, (FILE, "UTF-32")),
    Case(
        "opinion: Latin-1 text",
        _text("opinion", _latin),
        bs.DataError,
        (FILE, "line 3 is not valid UTF-8"),
    ),
    Case(
        "fx: a workbook renamed .csv",
        _text("fx", lambda t: b"PK\x03\x04\x00\x00garbage\x00\xff"),
        bs.DataError,
        (FILE, "binary"),
    ),
    Case(
        "mechanisms: unterminated quote",
        _text("mechanisms", lambda t: (t + '"NSATU-99,open\n').encode()),
        bs.DataError,
        (FILE, "line 13", "not well-formed CSV"),
    ),
    Case(
        "headlines: unknown column",
        _edited("headlines", _unknown_column),
        bs.DataError,
        (FILE, "line 1", "'comment'", "not part of a 'kiel_headlines' table"),
    ),
    Case(
        "targets: only blank space",
        _text("targets", lambda t: b"  \n\n \n"),
        bs.DataError,
        (FILE, "empty"),
    ),
    Case(
        "restrictions: header only",
        _text("restrictions", lambda t: t.split("\n")[0].encode()),
        bs.DataError,
        (FILE, "no data rows"),
    ),
    Case(
        "sipri: /dev/zero",
        _special_path(lambda f: Path("/dev/zero")),
        bs.DataError,
        ("/dev/zero", "not a regular file"),
    ),
    Case(
        "sipri: a named pipe",
        _special_path(_fifo),
        bs.DataError,
        ("{folder}/pipe.csv", "not a regular file"),
    ),
    Case(
        "sipri: a link to /dev/zero",
        _special_path(_link_to_zero),
        bs.DataError,
        ("{folder}/zero.csv", "not a regular file"),
    ),
    Case("sipri: a folder", _special_path(lambda f: f), bs.DataError, ("{folder}", "is a folder")),
    Case(
        "sipri: a missing file",
        _special_path(lambda f: f / "nope.csv"),
        bs.DataError,
        ("{folder}/nope.csv", "not found"),
    ),
    Case(
        "nato: file above the size limit",
        _with_limit("0.001"),
        bs.DataError,
        (FILE, "above the size limit", "BURDENSHARE_MAX_FILE_MB"),
    ),
    Case(
        "nato: size limit not a number",
        _with_limit("lots"),
        bs.DataError,
        ("BURDENSHARE_MAX_FILE_MB='lots'",),
    ),
]


def _missing_key_column(loader: str) -> Case:
    spec = LOADERS[loader].spec
    column = next(c for c in spec.key if c not in spec.optional)

    def edit(rows: list[dict[str, str]]) -> None:
        for row in rows:
            del row[column]

    return Case(
        f"{loader}: no '{column}' column",
        _edited(loader, edit),
        bs.DataError,
        (FILE, "line 1", f"missing column(s) '{column}'"),
    )


def _duplicate_key(loader: str) -> Case:
    def edit(rows: list[dict[str, str]]) -> None:
        rows.append(dict(rows[1]))

    return Case(
        f"{loader}: a repeated key",
        _edited(loader, edit, 5),
        bs.DataError,
        (FILE, "line 7", "a unique key (same as line 3)"),
    )


def _user_file_lacks_edition(folder: Path) -> Action:
    path = write_csv(folder, template_rows("nato"))
    return lambda: bs.load_spending(edition="2026", path=path)


PARAMETER_CASES = [
    Case(
        "edition that does not exist",
        lambda f: lambda: bs.load_spending(edition="2019"),
        bs.DataError,
        ("'2019'", "Available: 2024, 2025, 2026", "burdenshare data import"),
    ),
    Case(
        "edition in full-width digits",
        lambda f: lambda: bs.load_spending(edition="２０２６"),
        bs.ParameterError,
        ("'２０２６'", "four ASCII digits"),
    ),
    Case(
        "edition as a word",
        lambda f: lambda: bs.load_spending(edition="newest"),
        bs.ParameterError,
        ("'newest'", "four ASCII digits"),
    ),
    Case(
        "SIPRI release that does not exist",
        lambda f: lambda: bs.load_sipri(release="1999"),
        bs.DataError,
        ("Release '1999'",),
    ),
    Case(
        "Kiel release that does not exist",
        lambda f: lambda: bs.load_support("R99"),
        bs.DataError,
        ("'R99'", "Available: R28, R29, R30, R30v2", "burdenshare data import kiel"),
    ),
    Case(
        "Kiel release label malformed",
        lambda f: lambda: bs.load_support("Release 28"),
        bs.ParameterError,
        ("'Release 28'", "Kiel release label"),
    ),
    Case(
        "support currency unknown",
        lambda f: lambda: bs.load_support(currency="GBP"),
        bs.ParameterError,
        ("currency='GBP'", "'EUR', 'USD'"),
    ),
    Case(
        "support latest without currency",
        lambda f: lambda: bs.load_support("latest", currency=None),
        bs.ParameterError,
        ("needs a currency",),
    ),
    Case(
        "support release without that currency",
        lambda f: lambda: bs.load_support("R30v2", currency="EUR"),
        bs.DataError,
        ("'R30v2'", "currency=None"),
    ),
    Case(
        "donor GDP release unknown",
        lambda f: lambda: bs.load_donor_gdp("R30"),
        bs.ParameterError,
        ("release='R30'", "R28, R29"),
    ),
    Case(
        "restriction_status date malformed",
        lambda f: lambda: bs.restriction_status("yesterday-ish"),
        bs.ParameterError,
        ("on='yesterday-ish'", "not a date"),
    ),
    Case(
        "restriction_status country unknown",
        lambda f: lambda: bs.restriction_status("2025-01-01", country="XYZ"),
        bs.ParameterError,
        ("iso3='XYZ'", "USA"),
    ),
    Case(
        "user file lacks the edition asked for",
        _user_file_lacks_edition,
        bs.DataError,
        (FILE, "has no edition '2026'"),
    ),
]

_ROTATION = ("empty", "binary", "latin")
_FILE_LEVEL = {
    "empty": (lambda t: b"", "empty"),
    "binary": (lambda t: b"PK\x03\x04\x00\x00garbage\x00\xff", "binary"),
    "latin": (_latin, "not valid UTF-8"),
}


def _file_level(loader: str, number: int) -> Case:
    kind = _ROTATION[number % len(_ROTATION)]
    make, word = _FILE_LEVEL[kind]
    return Case(f"{loader}: {kind} file", _text(loader, make), bs.DataError, (FILE, word))


CASES: list[Case] = [
    *(bad_cell(*entry) for entry in BAD_CELLS),
    *CROSS_CELLS,
    *FILE_CASES,
    *PARAMETER_CASES,
    *(_missing_key_column(name) for name in LOADERS),
    *(_duplicate_key(name) for name in LOADERS),
    *(_file_level(name, i) for i, name in enumerate(LOADERS)),
]


# Every public loader's arguments of the wrong kind (a list, a mapping, a table, NaN): an error
# of the package's own, never a TypeError or pandas' "truth value is ambiguous".
_WRONG_KINDS: dict[str, object] = {
    "a list": ["2026"],
    "a mapping": {"a": 1},
    "a table": pd.DataFrame(),
    "NaN": float("nan"),
}


def public_loaders() -> list[str]:
    """Every public loader function (the functions of ``burdenshare.loaders.__all__``)."""
    import inspect

    return [n for n in bs.loaders.__all__ if inspect.isfunction(getattr(bs.loaders, n))]


def _arguments(name: str) -> list[str]:
    import inspect

    params = inspect.signature(getattr(bs.loaders, name)).parameters
    return [p for p in params if p != "path"]


#: Valid values of the arguments some loaders require (the case replaces one of them).
_REQUIRED: dict[str, dict[str, object]] = {
    "target_value": {"target": "wales_2pct"},
    "target_year": {"target": "hague_core_3_5"},
    "convert": {"values": 1.0, "from_currency": "EUR", "to_currency": "USD", "year": 2024},
    "restriction_status": {"on": "2024-12-31"},
}


def _wrong_argument(name: str, argument: str, value: object) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        kwargs = {**_REQUIRED.get(name, {}), argument: value}
        return lambda: getattr(bs.loaders, name)(**kwargs)

    return prepare


CASES += [
    Case(
        f"{name}({argument}=<{what}>)",
        _wrong_argument(name, argument, value),
        bs.BurdenshareError,
        (),
    )
    for name in public_loaders()
    for argument in _arguments(name)[:3]
    for what, value in _WRONG_KINDS.items()
    if not (name == "convert" and argument in ("values", "year"))  # arrays are its input
]
