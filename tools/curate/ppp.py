"""Build the purchasing-power file of data/ (metadata: ``ppp.yaml``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from burdenshare import countries

from .build import Builder, build_files
from .common import SHARED, by_prefix, lookup
from .metadata import CurationError, FileSpec, Metadata, load

METADATA = Path(__file__).with_suffix(".yaml")
_VINTAGE = r"(\d{4}-\d{2}-\d{2})\)$"


def _currencies(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.Series:
    """The currency code of each PPP-factor row (its unit's first word); '' for ratios."""
    templates = lookup(src["wb_indicator"], meta, "ppp_units", spec)
    national = templates.str.startswith("{currency}")
    codes = src["unit"].str.split(" ", n=1).str[0].where(national, "")
    expected = [t.format(currency=c) for t, c in zip(templates, codes, strict=True)]
    wrong = src["unit"].ne(expected).to_numpy()
    if wrong.any():
        row = int(wrong.argmax())
        raise CurationError(
            f"{SHARED / spec.source}: data row {row + 1}: unit {src['unit'].iloc[row]!r}, "
            f"expected {expected[row]!r} (codes: ppp_units of {meta.path})"
        )
    return codes


def ppp(src: pd.DataFrame, spec: FileSpec, meta: Metadata) -> pd.DataFrame:
    """PPP conversion factors and price level ratios; every copy kept, each with its vintage."""
    src = src.rename(columns={"indicator": "wb_indicator"})
    year = src["year"].astype(int)
    vintage = src["source_copy"].str.extract(_VINTAGE, expand=False)
    if vintage.isna().any():
        row = int(vintage.isna().to_numpy().argmax())
        raise CurationError(f"{SHARED / spec.source}: data row {row + 1}: no vintage date in 'via'")
    estimate = year > int(meta.code("ppp_benchmark_year"))
    flagged = src["note"].str.contains("post-benchmark extrapolation")
    copy = by_prefix(src["note"], meta, "ppp_copies", spec)
    disagree = (copy == "primary") & src["wb_indicator"].eq("PA.NUS.PPP") & (flagged != estimate)
    if disagree.any():
        row = int(disagree.to_numpy().argmax())
        raise CurationError(
            f"{SHARED / spec.source}: data row {row + 1}: the note and ppp_benchmark_year "
            "disagree on whether the year is an extrapolation"
        )
    return src.assign(
        country=src["iso3"].map(countries.name),
        indicator=lookup(src["wb_indicator"], meta, "ppp_indicators", spec),
        year=year,
        value=src["value"].astype(float),
        currency=_currencies(src, spec, meta),
        estimate=estimate,
        vintage=vintage,
        copy=copy,
    ).sort_values(["indicator", "iso3", "year", "copy"], ignore_index=True)


BUILDERS: dict[str, Builder] = {"ppp": ppp}


def build(out: Path) -> dict[str, dict[str, Any]]:
    """Write the purchasing-power files into ``out``; return their manifest entries."""
    return build_files(load(METADATA), BUILDERS, out)
