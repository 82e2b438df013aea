"""Build the NATO, SIPRI, targets and country files of data/ from ../shared/sources."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from burdenshare import countries
from burdenshare.currencies import currency_code
from burdenshare.schemas import NATO_INDICATORS, SIPRI_INDICATORS

from .common import read_source, write_csv, write_manifest_entries

NATO_LICENCE = (
    "NATO public release (Defence Expenditure of NATO Countries); NATO permits reproduction of its "
    "published material with attribution (see nato.int terms of use). Facts redistributed with "
    "source citation."
)
SIPRI_LICENCE = (
    "SIPRI Military Expenditure Database, (c) SIPRI; SIPRI allows use of the data with citation "
    "(SIPRI terms of use). Facts redistributed with source citation."
)

NATO_EDITIONS: dict[str, dict[str, Any]] = {
    "2024": {
        "source": "nato/nato_defexp_2024_edition.csv",
        "title": "Defence Expenditure of NATO Countries (2014-2024)",
        "released": "2024-06-17",
        "definition": "defence expenditure",
        "sources": [
            {
                "url": "https://www.nato.int/nato_static_fl2014/assets/pdf/2024/7/pdf/240617-def-exp-2024-en.pdf",
                "what": "NATO press release PDF",
            },
            {
                "repository": "jacobvoss/geopolitical-dashboard",
                "path": "data/240617-def-exp-2024-TABLES-en.xlsx",
                "commit": "a6a6f6ca379a283e9ced303ca79e675e258009d8",
                "what": "NATO's own Excel workbook, parsed cell by cell (full precision)",
            },
        ],
        "notes": [
            "Figures for 2023 and 2024 are NATO estimates (estimate=True).",
            "Constant prices: 2015 prices and exchange rates.",
            "Iceland appears only in the GDP indicators (no armed forces).",
        ],
    },
    "2025": {
        "source": "nato/nato_defexp_2025_edition.csv",
        "title": "Defence Expenditure of NATO Countries (2014-2025)",
        "released": "2025-08-27",
        "definition": "defence expenditure",
        "sources": [
            {
                "url": "https://www.nato.int/nato_static_fl2014/assets/pdf/2025/8/pdf/250827-def-exp-2025-en.pdf",
                "what": "NATO press release PDF (data cut-off 3 June 2025)",
            },
            {
                "repository": "Datavisualiatie-UGent/project-dv26-2",
                "path": "assets/nato-defence-expenditure/*.csv",
                "commit": "c0fc59a6a1b116efa7cf93b19dd023722d9ea61d",
                "what": "CSV export of NATO's Excel tables (10 significant digits)",
            },
        ],
        "notes": [
            "Only Table 3 (share of GDP, real change), Table 7 and Tables 8a/8b are available for this"
            " edition; Tables 1, 2, 5 and 6 were not found in a readable public copy.",
            "Germany 2025 is missing in NATO's own table (no approved 2025 budget at cut-off).",
            "2024 and 2025 are NATO estimates. Constant prices: 2021.",
            "The 2025 aggregate military-personnel cells (a sum missing FRA/GBR/USA) were left out"
            " by the source extraction as not meaningful.",
        ],
    },
    "2026": {
        "source": "nato/nato_defexp_2026_edition.csv",
        "title": "Defence Expenditure of NATO Countries (2014-2026), core defence expenditure",
        "released": "2026-07-10",
        "definition": "core defence expenditure",
        "sources": [
            {
                "url": "https://www.nato.int/content/dam/nato/webready/documents/finance/def-exp-2026-en.xlsx",
                "what": "NATO Excel tables (data cut-off 3 July 2026)",
            },
            {
                "repository": "aiutononesistonousername/leave-the-gun-take-the-cannoli",
                "path": "data/processed/nato_defence.csv",
                "commit": "366dedbbf761c480cfe91ca2da7c28a3a079810d",
                "what": "tidy CSV of the 2026 workbook (money rounded to integers, % to 2 decimals)",
            },
        ],
        "notes": [
            "Tables are headed 'Core defence expenditure' (the Hague 2025 concept).",
            "2025 and 2026 are NATO estimates. Constant prices: 2021.",
            "Bulgaria's national-currency series is in euros in this edition.",
            "No personnel/infrastructure/other shares for the Netherlands and Portugal in 2026;"
            " no Iceland rows (NATO's GDP totals include Iceland's GDP).",
        ],
    },
}

SIPRI_RELEASES: dict[str, dict[str, Any]] = {
    "2025": {
        "source": "sipri/sipri_milex_1949_2024_release2025.csv",
        "title": "SIPRI Military Expenditure Database 1949-2024 (file version _2)",
        "released": "2025-04-28",
        "sources": [
            {"url": "https://www.sipri.org/databases/milex", "what": "SIPRI Milex database"},
            {
                "repository": "jacobvoss/geopolitical-dashboard",
                "path": "data/SIPRI-Milex-data-1949-2024_2.xlsx",
                "commit": "a6a6f6ca379a283e9ced303ca79e675e258009d8",
                "what": "SIPRI's own workbook, unmodified",
            },
        ],
    },
    "2026": {
        "source": "sipri/sipri_milex_1949_2025_release2026.csv",
        "title": "SIPRI Military Expenditure Database 1949-2025 (v1.2)",
        "released": "2026-04",
        "sources": [
            {
                "url": "https://www.sipri.org/sites/default/files/SIPRI-Milex-data-1949-2025_v1.2.xlsx",
                "what": "SIPRI workbook",
            },
            {
                "repository": "mf111-debug/G20-Defense-Import-Dependency",
                "path": "SIPRI-Milex-data-1949-2025_v1.2.xlsx",
                "commit": "8f712902fcff5470b96a2fc360f17c62a82f6104",
                "what": "SIPRI's own workbook, unmodified",
            },
        ],
    },
}

SIPRI_NOTES = [
    "Shares of GDP and of government spending are harmonized to percent (SIPRI stores fractions;"
    " value here = SIPRI value x 100): milex_share_gdp -> milex_share_gdp_pct,"
    " milex_share_govt_spending -> milex_share_govt_pct.",
    "'...' (no data) and 'xxx' (country did not exist) cells are absent rows, not zeros.",
    "estimate=True where SIPRI prints the figure in blue (SIPRI estimate).",
    "Countries: the 32 NATO allies, Ukraine and Russia. SIPRI's definition is broader than NATO's.",
]

_BASE_YEAR = re.compile(r"(?:constant|based on) (\d{4})")
_CURRENCY = re.compile(r"currency: ([^;(]+)")


def _base_year(unit: str, prices: str) -> str:
    if prices != "constant":
        return ""
    match = _BASE_YEAR.search(unit)
    if not match:
        raise ValueError(f"no base year in unit {unit!r}")
    return match.group(1)


def _currency(note: str, iso3: str, is_local: bool) -> str:
    if not is_local:
        return ""
    match = _CURRENCY.search(note)
    if not match:
        raise ValueError(f"no currency for {iso3} in note {note!r}")
    return currency_code(match.group(1), iso3)


def _nato_note(note: str) -> str:
    parts = [p.strip() for p in note.split(";")]
    kept = [p for p in parts if p.startswith("*") or "inferred" in p]
    return "; ".join(kept)


def nato_edition(edition: str) -> pd.DataFrame:
    """The tidy frame of one NATO edition, in the package's spending schema."""
    meta = NATO_EDITIONS[edition]
    src = read_source(meta["source"])
    ind = src["indicator"].map(NATO_INDICATORS)
    prices = ind.map(lambda i: i.prices)
    out = pd.DataFrame(
        {
            "iso3": src["country_iso3"],
            "country": src["country_iso3"].map(countries.name),
            "year": src["year"].astype(int),
            "indicator": src["indicator"],
            "value": src["value"].astype(float),
            "unit": ind.map(lambda i: i.unit),
            "prices": prices,
            "price_base_year": [_base_year(u, p) for u, p in zip(src["unit"], prices, strict=True)],
            "currency": [
                _currency(n, c, i.startswith("defexp_ncu"))
                for n, c, i in zip(src["note"], src["country_iso3"], src["indicator"], strict=True)
            ],
            "estimate": src["estimate_flag"].eq("e"),
            "edition": edition,
            "definition": meta["definition"],
            "aggregate": src["country_iso3"].isin(countries.NATO_AGGREGATES),
            "note": src["note"].map(_nato_note),
        }
    )
    return out


def sipri_release(release: str) -> pd.DataFrame:
    """The tidy frame of one SIPRI release, shares converted to percent."""
    meta = SIPRI_RELEASES[release]
    src = read_source(meta["source"])
    rename = {
        "milex_share_gdp": "milex_share_gdp_pct",
        "milex_share_govt_spending": "milex_share_govt_pct",
    }
    indicator = src["indicator"].replace(rename)
    value = src["value"].astype(float)
    is_share = src["indicator"].isin(list(rename))
    value = value.where(~is_share, value * 100)
    ind = indicator.map(SIPRI_INDICATORS)
    prices = ind.map(lambda i: i.prices)
    return pd.DataFrame(
        {
            "iso3": src["country_iso3"],
            "country": src["country_iso3"].map(countries.name),
            "year": src["year"].astype(int),
            "indicator": indicator,
            "value": value,
            "unit": ind.map(lambda i: i.unit),
            "price_base_year": [_base_year(u, p) for u, p in zip(src["unit"], prices, strict=True)],
            "currency": [
                _currency(n, c, i == "milex_lcu_current")
                for n, c, i in zip(src["note"], src["country_iso3"], indicator, strict=True)
            ],
            "estimate": src["estimate_flag"].ne(""),
            "release": release,
        }
    )


TARGET_IDS = {
    "hague_total_5pct": "hague_total_5",
    "hague_core_3_5pct": "hague_core_3_5",
    "hague_related_1_5pct": "hague_related_1_5",
    "vilnius_2pct_floor": "vilnius_2pct",
}
TARGET_UNITS = {
    "percent of GDP": "% of GDP",
    "percent of GDP (at least)": "% of GDP",
    "percent of GDP (up to)": "% of GDP",
    "percent of defence expenditure": "% of defence expenditure",
    "billion EUR": "billion EUR",
    "year": "year",
    "": "",
}
TARGET_BOUNDS = {
    "wales_2pct": "at least",
    "wales_20pct_equipment": "at least",
    "vilnius_2pct": "at least",
    "hague_total_5": "at least",
    "hague_core_3_5": "at least",
    "hague_related_1_5": "up to",
    "washington_ukraine_baseline": "at least",
}
TARGET_MEASURE = {
    "wales_2pct": "defexp_share_gdp_pct",
    "vilnius_2pct": "defexp_share_gdp_pct",
    "hague_core_3_5": "defexp_share_gdp_pct",
    "hague_total_5": "defexp_share_gdp_pct + defence- and security-related spending",
    "hague_related_1_5": "defence- and security-related spending",
    "wales_20pct_equipment": "equipment_share_pct",
    "hague_spain_exception": "defexp_share_gdp_pct",
}


def targets() -> pd.DataFrame:
    """NATO commitments as data (values, units, bounds and what each is measured by)."""
    src = read_source("commitments/nato_commitments.csv")
    ids = src["commitment_id"].replace(TARGET_IDS)
    return pd.DataFrame(
        {
            "target_id": ids,
            "summit": src["summit"],
            "date": src["date"],
            "description": src["parameter"],
            "value": src["value"],
            "unit": src["unit"].map(TARGET_UNITS),
            "bound": ids.map(TARGET_BOUNDS).fillna(""),
            "measured_by": ids.map(TARGET_MEASURE).fillna(""),
            "target_year": src["target_year"],
            "text_as_published": src["text_as_published"],
            "source_url": src["source_url"],
            "second_source_url": src["second_source_url"],
            "note": src["note"],
        }
    )


def build() -> None:
    """Write the spending-side files and their manifest entries."""
    entries: dict[str, dict[str, Any]] = {}
    for edition, meta in NATO_EDITIONS.items():
        name = f"nato_defexp_{edition}.csv"
        write_csv(nato_edition(edition), name)
        entries[name] = {
            "title": meta["title"],
            "dataset": "nato_spending",
            "schema": "nato_spending",
            "edition": edition,
            "released": meta["released"],
            "definition": meta["definition"],
            "sources": meta["sources"],
            "licence": NATO_LICENCE,
            "notes": meta["notes"],
        }
    for release, meta in SIPRI_RELEASES.items():
        name = f"sipri_milex_{release}.csv"
        write_csv(sipri_release(release), name)
        entries[name] = {
            "title": meta["title"],
            "dataset": "sipri_milex",
            "schema": "sipri_milex",
            "edition": release,
            "released": meta["released"],
            "sources": meta["sources"],
            "licence": SIPRI_LICENCE,
            "notes": SIPRI_NOTES,
        }
    write_csv(targets(), "nato_targets.csv")
    entries["nato_targets.csv"] = {
        "title": "NATO spending commitments: Wales 2014, Vilnius 2023, Washington 2024, The Hague 2025",
        "dataset": "targets",
        "schema": "targets",
        "edition": "2025",
        "released": "2025-06-25",
        "sources": [
            {
                "url": "https://www.nato.int/en/about-us/official-texts-and-resources/official-texts/2025/06/25/the-hague-summit-declaration",
                "what": "The Hague Summit Declaration (official text; quotations per row from reprints)",
            },
            {
                "url": "https://www.nato.int/cps/en/natohq/official_texts_217320.htm",
                "what": "Vilnius Summit Communique",
            },
        ],
        "licence": "Quotations of NATO official texts (public) as reprinted by the cited news pages.",
        "notes": [
            "Each row carries its own source_url and second_source_url.",
            "The Wales 20% equipment wording and the exact English sentence of the Hague Ukraine"
            " counting rule were not retrieved verbatim (see text_as_published and note).",
            "Spain's 2.1% comes from press reports, not from the declaration.",
        ],
    }
    entries["countries.csv"] = {
        "title": "Countries: NATO accession dates and EU membership",
        "dataset": "countries",
        "schema": "countries",
        "edition": "2026",
        "released": "2024-03-07",
        "sources": [
            {
                "url": "https://www.nato.int/cps/en/natohq/topics_52044.htm",
                "what": "NATO member countries (accession dates; founders: Treaty signature 1949-04-04)",
            },
            {
                "url": "https://european-union.europa.eu/principles-countries-history/eu-countries_en",
                "what": "EU member countries and accession dates; UK exit 2020-01-31",
            },
        ],
        "licence": "Public facts.",
        "notes": ["Germany's date is the Federal Republic's accession (1955)."],
    }
    write_manifest_entries(entries)
