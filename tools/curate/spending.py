"""Build the NATO, SIPRI, targets and countries files of data/ (metadata: ``spending.yaml``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from burdenshare import countries
from burdenshare.currencies import currency_code

from .build import Builder, build_files
from .common import SHARED, lookup
from .metadata import CurationError, FileSpec, Metadata, load

METADATA = Path(__file__).with_suffix(".yaml")
_BASE_YEAR = re.compile(r"(?:constant|based on) (\d{4})")
_CURRENCY = re.compile(r"currency: ([^;(]+)")


def _base_years(src: pd.DataFrame, prices: pd.Series, spec: FileSpec) -> list[str]:
    """The price base year in each constant-price row's unit text ('' for other rows)."""
    years = []
    for unit, basis in zip(src["unit"], prices, strict=True):
        match = _BASE_YEAR.search(unit) if basis == "constant" else None
        if basis == "constant" and not match:
            raise CurationError(f"{SHARED / spec.source}: no base year in unit {unit!r}")
        years.append(match.group(1) if match else "")
    return years


def _currencies(src: pd.DataFrame, local: pd.Series, spec: FileSpec) -> list[str]:
    """ISO 4217 code of each local-currency row, from the currency its note names ('' if none)."""
    codes = []
    for note, iso3, is_local in zip(src["note"], src["iso3"], local, strict=True):
        match = _CURRENCY.search(note) if is_local else None
        if is_local and not match:
            raise CurationError(f"{SHARED / spec.source}: no currency for {iso3} in {note!r}")
        codes.append(currency_code(match.group(1), iso3) if match else "")
    return codes


def _nato_note(note: str) -> str:
    """The parts of NATO's note that readers need: footnote marks and inferred values."""
    parts = [p.strip() for p in note.split(";")]
    return "; ".join(p for p in parts if p.startswith("*") or "inferred" in p)


def _measures(
    src: pd.DataFrame, indicator: pd.Series, publisher: str, spec: FileSpec, meta: Metadata
) -> dict[str, Any]:
    """The columns NATO and SIPRI tables share, derived from ``indicator`` (our names)."""
    unit_prices = lookup(indicator, meta, f"{publisher}_indicators", spec)
    prices = unit_prices.str[1]
    return {
        "country": src["iso3"].map(countries.name),
        "year": src["year"].astype(int),
        "indicator": indicator,
        "unit": unit_prices.str[0],
        "prices": prices,
        "price_base_year": _base_years(src, prices, spec),
        "currency": _currencies(
            src, indicator.isin(meta.code(f"{publisher}_local_currency")), spec
        ),
    }


def nato(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """One NATO edition in the package's spending schema."""
    if "definition" not in spec.manifest:
        raise CurationError(
            f"{meta.path}: files: {spec.name}: 'definition' missing (NATO's concept for the "
            "edition: 'defence expenditure' or 'core defence expenditure')"
        )
    return src.assign(
        **_measures(src, src["indicator"], "nato", spec, meta),
        value=src["value"].astype(float),
        estimate=src["estimate_flag"].eq("e"),
        edition=spec.edition,
        definition=spec.manifest["definition"],
        aggregate=src["iso3"].isin(countries.NATO_AGGREGATES),
        note=src["note"].map(_nato_note),
    )


def sipri(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """One SIPRI release, SIPRI's fractions as percent."""
    percent = meta.code("sipri_percent")
    value = src["value"].astype(float)
    return src.assign(
        **_measures(src, src["indicator"].replace(percent), "sipri", spec, meta),
        value=value.where(~src["indicator"].isin(list(percent)), value * 100),
        estimate=src["estimate_flag"].ne(""),
        release=spec.edition,
    )


def targets(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """NATO commitments as data: values, units, bounds and what each is measured by."""
    ids = src["commitment_id"].replace(meta.code("target_ids"))
    return src.assign(
        target_id=ids,
        unit=lookup(src["unit"], meta, "target_units", spec),
        bound=ids.map(meta.code("target_bounds")).fillna(""),
        measured_by=ids.map(meta.code("target_measured_by")).fillna(""),
    )


BUILDERS: dict[str, Builder] = {"nato": nato, "sipri": sipri, "targets": targets}


def build(out: Path) -> dict[str, dict[str, Any]]:
    """Write the spending-side files into ``out``; return their manifest entries."""
    return build_files(load(METADATA), BUILDERS, out)
