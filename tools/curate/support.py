"""Build the support-side files of data/: Kiel, pledges, FX, opinion, restrictions, mechanisms, UDCG.

Metadata and code tables: ``support.yaml``. Values are copied as the source files give them (no
re-rounding); only columns are renamed to our tidy schemas, labels are shortened (release "R28"...),
and partial dates get explicit first/last days.
"""

from __future__ import annotations

import calendar
import re
from pathlib import Path
from typing import Any

import pandas as pd

from burdenshare.currencies import is_currency

from .build import Builder, build_files
from .common import SHARED, by_prefix, lookup
from .metadata import CurationError, FileSpec, Metadata, load

METADATA = Path(__file__).with_suffix(".yaml")


# --- Kiel tracker ------------------------------------------------------------------------------


def _released(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """The source with Kiel's long release names shortened to their labels (R28, ...)."""
    return src.assign(release=by_prefix(src["release"], meta, "kiel_releases", spec))


def _month(src: pd.DataFrame) -> pd.Series:
    """'YYYY-MM' from the source's year and month columns."""
    return src["year"].astype(int).astype(str) + "-" + src["month"].astype(int).map("{:02d}".format)


def _zero(values: pd.Series) -> pd.Series:
    """True where a text value is a zero ("0", "0.0")."""
    return values.astype(float) == 0


def kiel_summary(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Cumulative support per donor, the rows of the file's release only."""
    src = _released(src, spec, meta)
    src = src[src["release"] == spec.edition]
    if src.empty:
        raise CurationError(f"{SHARED / spec.source}: no rows of release {spec.edition}")
    unit = by_prefix(src["unit"], meta, "kiel_units", spec)
    aid = lookup(src["aid_type"], meta, "kiel_aid_types", spec)
    blank_as_zero = src["release"].isin(meta.code("kiel_blank_as_zero"))
    return src.assign(
        aid_type=aid.str[0],
        scope=aid.str[1],
        unit=unit.str[0],
        currency=unit.str[1],
        zero_may_be_blank=(blank_as_zero & _zero(src["value"])).map(str),
    )


def kiel_monthly(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Monthly flows per donor."""
    unit = by_prefix(src["unit"], meta, "kiel_units", spec)
    return _released(src, spec, meta).assign(
        month=_month(src),
        aid_type=lookup(src["aid_type"], meta, "kiel_aid_types", spec).str[0],
        unit=unit.str[0],
        currency=unit.str[1],
    )


def kiel_monthly_totals(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Monthly totals per donor group; source_file names the website file."""
    return _released(src, spec, meta).assign(
        month=_month(src), source_file=src["source_path"].str.replace("data/", "", regex=False)
    )


def kiel_items(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Item level: numbered rows, lower-case labels, possibly-blank zeros marked."""
    return _released(src, spec, meta).assign(
        row=range(1, len(src) + 1),
        aid_type=src["aid_type"].str.lower(),
        measure=src["measure"].str.lower(),
        zero_may_be_blank=_zero(src["value_eur"]).map(str),
    )


def kiel_disbursements(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Budget-support disbursements per donor and payment month."""
    return _released(src, spec, meta).assign(month=_month(src))


def kiel_donor_gdp(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Donor GDP; a GDP of 0 (no GDP) is stored as missing, with a note."""
    zero = _zero(src["value"])
    return _released(src, spec, meta).assign(
        value=src["value"].mask(zero, ""),
        note=pd.Series("", index=src.index).mask(zero, meta.code("kiel_zero_gdp_note")),
    )


def kiel_headlines(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Headline figures; the currency joins the scale in ``unit`` ("billion EUR")."""
    unit = src["unit"].where(src["currency"] == "", src["unit"] + " " + src["currency"])
    return src.assign(unit=unit.replace(meta.code("headline_units")))


# --- partial dates -----------------------------------------------------------------------------


def period(text: str) -> tuple[str, str, str]:
    """(precision, first day, last day) of an ISO date, month (YYYY-MM) or year (YYYY); '' if empty."""
    text = text.strip()
    if not text:
        return "", "", ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return "day", text, text
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = (int(p) for p in text.split("-"))
        last = calendar.monthrange(year, month)[1]
        return "month", f"{text}-01", f"{text}-{last:02d}"
    if re.fullmatch(r"\d{4}", text):
        return "year", f"{text}-01-01", f"{text}-12-31"
    raise ValueError(f"not a date, month or year: {text!r}")


def _periods(series: pd.Series, spec: FileSpec) -> pd.DataFrame:
    """precision, first and last day of each value of ``series``."""
    rows = []
    for row, text in series.items():
        try:
            rows.append(period(text))
        except ValueError as error:
            raise CurationError(f"{SHARED / spec.source}: data row {row + 1}: {error}") from None
    return pd.DataFrame(rows, columns=["precision", "first", "last"], index=series.index)


def _approximate_days(src: pd.DataFrame, meta: Metadata) -> pd.DataFrame:
    """A day whose row's note calls it approximate (codes: approximate_date_notes) is kept as its
    month, and the note says which day the source stated."""
    if "note" not in src.columns:
        return src
    words = meta.code("approximate_date_notes")
    approximate = src["note"].map(lambda note: any(word in note for word in words)) & src[
        "date"
    ].str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    stated = "stated day " + src["date"] + ", approximate: kept as its month"
    return src.assign(
        date=src["date"].where(~approximate, src["date"].str[:7]),
        note=src["note"].where(~approximate, src["note"] + "; " + stated),
    )


def _corrected(
    frame: pd.DataFrame, id_column: str, code: str, spec: FileSpec, meta: Metadata
) -> pd.DataFrame:
    """Corrections of source cells by row id (codes: ``code``), each with its reason, which is
    added to the row's note."""
    frame = frame.copy()
    for row_id, changes in meta.code(code).items():
        rows = frame[id_column] == row_id
        unknown = [c for c in changes if c != "reason" and c not in frame.columns]
        if not rows.any() or unknown or "reason" not in changes:
            raise CurationError(
                f"{meta.path}: codes: {code}: {row_id}: needs a row of {SHARED / spec.source}, "
                f"known columns (not {unknown}) and a reason"
            )
        for column, value in changes.items():
            if column != "reason":
                frame.loc[rows, column] = value
        note = frame.loc[rows, "note"]
        reason = "corrected: " + changes["reason"]
        frame.loc[rows, "note"] = note.where(note == "", note + "; ") + reason
    return frame


def _dated(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """The source with date_precision, date_from and date_to for its ``date`` column (a day its
    note calls approximate becomes its month)."""
    src = _approximate_days(src, meta)
    dates = _periods(src["date"], spec)
    return src.assign(
        date_precision=dates["precision"], date_from=dates["first"], date_to=dates["last"]
    )


def restrictions(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Reported limits, dated; ``covers`` names the narrower categories a wider one includes."""
    covers = meta.code("restriction_covers")
    for iso3, wider in covers.items():
        systems = set(src.loc[src["iso3"] == iso3, "weapon_system"])
        unknown = sorted({*wider, *(n for parts in wider.values() for n in parts)} - systems)
        if unknown:
            raise CurationError(
                f"{meta.path}: codes: restriction_covers: {iso3}: {unknown[0]!r} is not a "
                f"weapon_system of {iso3} in {SHARED / spec.source}"
            )
    included = [
        ";".join(covers.get(iso3, {}).get(system, []))
        for iso3, system in zip(src["iso3"], src["weapon_system"], strict=True)
    ]
    return _dated(src, spec, meta).assign(covers=included)


def mechanisms(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Dated facts about NATO's mechanisms, with the corrections of codes: mechanism_corrections."""
    return _dated(_corrected(src, "fact_id", "mechanism_corrections", spec, meta), spec, meta)


def opinion(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Poll waves; fieldwork periods spelled out, bases coded (the published wording kept)."""
    start = _periods(src["fieldwork_start"], spec)
    end = _periods(src["fieldwork_end"], spec)
    return src.assign(
        date_precision=start["precision"].where(start["precision"] == end["precision"], "mixed"),
        fieldwork_from=start["first"],
        fieldwork_to=end["last"],
        base=lookup(src["base"], meta, "opinion_bases", spec),
        base_as_published=src["base"],
    )


# --- pledges -----------------------------------------------------------------------------------


def _donor_codes(donor: str, codes: dict[str, str]) -> str:
    """'NLD;DNK' for 'Netherlands; Denmark'; '' unless every donor has a code."""
    found = [codes.get(part.strip(), "") for part in donor.split(";")]
    return ";".join(found) if all(found) else ""


def _part_of(description: str, meta: Metadata) -> str:
    """The pledge a row is a share of, or the earlier pledge a disbursement pays out ('' if none)."""
    pays_out = meta.code("pledge_pays_out")
    return meta.code("pledge_part_of").get(description) or next(
        (pledge for start, pledge in pays_out.items() if description.startswith(start)), ""
    )


def _scale_and_code(text: str, spec: FileSpec) -> tuple[str, str]:
    """('million', 'EUR') for 'million EUR'."""
    scale, _, code = text.partition(" ")
    if scale not in ("million", "billion") or not is_currency(code):
        raise CurationError(f"{SHARED / spec.source}: unexpected currency text {text!r}")
    return scale, code


def _alternatives(pledges: pd.DataFrame, meta: Metadata) -> pd.DataFrame:
    """Other figures reported for a pledge (A001, ...), each a copy of its row with its own facts."""
    rows = []
    for number, alternative in enumerate(meta.code("pledge_alternatives"), start=1):
        base = pledges[pledges["pledge_id"] == alternative.get("alternative_to")]
        if base.empty:
            raise CurationError(
                f"{meta.path}: codes: pledge_alternatives: item {number} names no pledge row "
                f"(alternative_to {alternative.get('alternative_to')!r})"
            )
        fresh = {"pledge_id": f"A{number:03d}", "amount_usd_reported": "", "second_source_url": ""}
        rows.append({**base.iloc[0].to_dict(), **fresh, **alternative})
    return pd.DataFrame(rows)


def pledges(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Pledges as announced (P001...), their parts and alternative reports (A001...)."""
    frame = src.assign(
        pledge_id=[f"P{i:03d}" for i in range(1, len(src) + 1)],
        alternative_to="",
        part_of=src["description"].map(lambda text: _part_of(text, meta)),
        kind=src["note"]
        .str.startswith("disbursement")
        .map({True: "disbursement", False: "pledge"}),
    )
    frame = _corrected(frame, "pledge_id", "pledge_corrections", spec, meta)
    frame = pd.concat([frame, _alternatives(frame, meta)], ignore_index=True)
    scale_code = frame["currency"].map(lambda text: _scale_and_code(text, spec))
    codes = meta.code("donor_codes")
    return _dated(frame, spec, meta).assign(
        donor_codes=frame["donor"].map(lambda donor: _donor_codes(donor, codes)),
        scale=scale_code.str[0],
        currency=scale_code.str[1],
    )


# --- Ukraine Defense Contact Group --------------------------------------------------------------


def udcg_meetings(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Meetings as listed: the kind of each row (main, alternative date or format, not held) from
    its note, dates spelled out (checked against the source's own precision)."""
    reports = meta.code("udcg_reports")
    report = src["note"].map(
        lambda note: next((kind for start, kind in reports.items() if note.startswith(start)), "")
    )
    frame = _dated(src.rename(columns={"date_precision": "stated_precision"}), spec, meta)
    differs = frame["date_precision"] != frame["stated_precision"]
    if differs.any():
        row = int(differs.to_numpy().argmax())
        raise CurationError(
            f"{SHARED / spec.source}: data row {row + 1}: date_precision "
            f"{frame['stated_precision'].iloc[row]!r} does not fit the date {src['date'].iloc[row]!r}"
        )
    unreported = src["meeting_no"].isin(meta.code("udcg_no_post_meeting_report"))
    return frame.assign(
        report=report.replace("", "meeting"),
        post_meeting_report=(~unreported).map(str).where(report == "", ""),
    )


def fx(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """Annual ECB reference rates (units per 1 EUR)."""
    if not src["base_currency"].eq("EUR").all():
        raise CurationError(f"{SHARED / spec.source}: base_currency other than EUR")
    return src


BUILDERS: dict[str, Builder] = {
    "kiel_summary": kiel_summary,
    "kiel_monthly": kiel_monthly,
    "kiel_monthly_totals": kiel_monthly_totals,
    "kiel_items": kiel_items,
    "kiel_heavy_weapons": _released,
    "kiel_disbursements": kiel_disbursements,
    "kiel_donor_gdp": kiel_donor_gdp,
    "kiel_headlines": kiel_headlines,
    "pledges": pledges,
    "fx": fx,
    "opinion": opinion,
    "restrictions": restrictions,
    "mechanisms": mechanisms,
    "udcg_meetings": udcg_meetings,
}


def build(out: Path) -> dict[str, dict[str, Any]]:
    """Write the support-side files into ``out``; return their manifest entries."""
    return build_files(load(METADATA), BUILDERS, out)
