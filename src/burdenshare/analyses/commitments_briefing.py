"""Commitments briefing: the state of allied commitments on a date, each statement computed from
the bundled data and carrying its source.

``as_of`` selects the facts dated on or before it (pledges whose stated date or period has ended,
poll waves whose fieldwork has ended, months of Kiel flows) and the NATO year (``as_of``'s year,
from the newest NATO edition; figures for recent years are NATO's estimates). Statements: the
Hague pledge and how many allies meet it; Ukraine support counted toward it (upper bound,
double-count risk); NATO's EUR 40 bn baseline against allies' military aid; the named PURL
packages incl. the Denmark-Norway-Sweden package; the allies giving least relative to their
economies; the trend in Ukrainians' confidence about accession.

Pairs with ``notebooks/commitments_briefing.ipynb`` (same name).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .. import plots
from ..countries import nato_allies
from ..datasets import KIEL_MONTHLY, KIEL_SUPPORT, NATO_SPENDING, OPINION, PLEDGES, TARGETS
from ..editions import latest
from ..loaders.opinion import load_opinion
from ..loaders.pledges import load_pledges
from ..loaders.support import load_support
from ..metrics import compliance
from ..params import check_date
from ..targets import targets_by_id
from ._format import cite, fmt, listing, names, plain
from ._inputs import (
    aid_counted,
    complete_years,
    military_aid_by_year,
    monthly_release,
    nato_panel,
    nato_years,
    support_release,
)
from .result import AnalysisResult

DEFAULTS: dict[str, Any] = {"as_of": "2025-12-31"}
#: The named package the briefing reports (donor codes as in the pledges table).
NORDIC_PURL = ("DNK", "NOR", "SWE")
CONFIDENCE = ("Gallup", "expect_nato_within_10y")
BOTTOM = 5
LABELS = {
    "allies_at_core": "Allies at the Hague core level (count)",
    "allies_at_core_with_support": "Allies at the core level with Ukraine aid counted (count)",
    "allies_military_eur_bn": "Allies' military aid to Ukraine in the year (EUR bn)",
    "purl_packages": "PURL packages announced (count)",
    "confidence_change_pp": "Change in Ukrainians expecting membership within ten years (pp)",
}


def span() -> tuple[dt.date, dt.date]:
    """Valid as_of dates: from the Hague summit to the end of the newest NATO year."""
    hague = targets_by_id().at["hague_core_3_5", "date"].date()
    return hague, dt.date(nato_years()[-1], 12, 31)


def validate(as_of: str = DEFAULTS["as_of"]) -> dict[str, Any]:
    """An ISO date (YYYY-MM-DD) between the Hague summit and the end of the NATO data."""
    first, last = span()
    return {"as_of": check_date("as_of", as_of, first, last)}


def run(as_of: str = DEFAULTS["as_of"]) -> AnalysisResult:
    """The briefing's statements (table), one figure and the key results."""
    day = validate(as_of)["as_of"]
    panel = nato_panel()
    src = sources(panel.attrs["edition"])
    key: dict[str, Any] = {
        "as_of": day.isoformat(),
        "edition": panel.attrs["edition"],
        "year": day.year,
    }
    statements = [
        hague_pledge(panel, day.year, key, src),
        support_counted(panel, pd.Timestamp(day), key, src),
        washington_baseline(key, src),
        purl_packages(pd.Timestamp(day), key, src),
    ]
    share = support_share_of_gdp(day.year)
    statements.append(least_relative(share, key, src))
    confidence = accession_confidence(pd.Timestamp(day), key, src)
    statements += [confidence] if confidence else []
    result = AnalysisResult(title=finding(key), sources=list(dict.fromkeys(src.values())))
    result.tables["statements"] = pd.DataFrame(statements).set_index("topic")
    result.figures["support_share"] = share_figure(share, key, src["kiel"])
    result.notes = [
        "Ukraine support counted is military aid by announcement date, converted to US$ at ECB "
        "annual averages and to NATO's constant prices, and added to NATO's share of real GDP "
        "(the share shown without it): shares with support are an upper bound (double-count "
        "risk).",
        "Pledge amounts are as announced, in their own currencies; they are never summed.",
    ]
    result.labels = dict(LABELS)
    result.key_results = plain(key)
    return result


def sources(edition: str) -> dict[str, str]:
    """Citation of every dataset the statements use, by short name."""
    pairs = {
        "nato": (NATO_SPENDING, edition),
        "targets": (TARGETS, latest(TARGETS)),
        "kiel": (KIEL_SUPPORT, support_release()),
        "monthly": (KIEL_MONTHLY, monthly_release()),
        "pledges": (PLEDGES, latest(PLEDGES)),
        "opinion": (OPINION, latest(OPINION)),
    }
    return {name: cite(pair)[0] for name, pair in pairs.items()}


def finding(key: dict[str, Any]) -> str:
    """The briefing's headline: who meets the Hague core level, and with Ukraine aid counted."""
    return (
        f"{key['allies_at_core']} of {key['members']} allies were at the Hague "
        f"{fmt(key['hague_core_pct'])}% core level in {key['year']}; counting their "
        f"{key['support_year']} military aid to Ukraine, {key['allies_at_core_with_support']} "
        "would be (an upper bound)"
    )


def hague_pledge(
    panel: pd.DataFrame, year: int, key: dict[str, Any], src: dict[str, str]
) -> dict[str, str]:
    """1. The Hague pledge and who meets it (and 2%) in ``year``."""
    targets = targets_by_id()
    core, total = targets.loc["hague_core_3_5"], targets.loc["hague_total_5"]
    members = nato_allies(year)
    met_core = compliance(panel, "hague_core_3_5", years=year).loc[year]
    met_two = compliance(panel, "wales_2pct", years=year).loc[year]
    estimate = " (NATO estimates)" if panel.xs(year, level="year")["estimate"].any() else ""
    key.update(
        {
            "hague_core_pct": float(core["value"]),
            "hague_total_pct": float(total["value"]),
            "hague_by": str(core["target_year"]),
            "allies_at_core": int(met_core["count"]),
            "allies_at_core_list": list(met_core["allies"]),
            "allies_at_2pct": int(met_two["count"]),
            "members": len(members),
        }
    )
    statement = (
        f"On {core['date']:%d %B %Y} allies pledged {fmt(core['value'])}% of GDP for core "
        f"defence and {fmt(total['value'])}% in all by {core['target_year']}. In {year} "
        f"{met_core['count']} of {len(members)} allies were at {fmt(core['value'])}% "
        f"({', '.join(names(met_core['allies'])) or 'none'}) and {met_two['count']} at "
        f"{fmt(met_two['target_pct'])}%{estimate}."
    )
    return {
        "topic": "The Hague pledge",
        "statement": statement,
        "source": f"{src['targets']}; {src['nato']}",
    }


def support_counted(
    panel: pd.DataFrame, day: pd.Timestamp, key: dict[str, Any], src: dict[str, str]
) -> dict[str, str]:
    """2. Allies' military aid of the last complete year counted toward the core level."""
    annual = military_aid_by_year(up_to=day)
    year = complete_years(annual, last=day.year)[-1]
    counted = aid_counted(panel, annual, [year]).xs(year, level="year")
    counted = counted[counted.index.isin(nato_allies(year))]
    core = key["hague_core_pct"]
    before = int((counted["share_pct"] >= core).sum())
    after = int((counted["share_with_support_pct"] >= core).sum())
    top = counted["added_pp"].sort_values(ascending=False)
    key.update(
        {
            "support_year": year,
            "allies_at_core_without_support": before,
            "allies_at_core_with_support": after,
            "largest_added_ally": str(top.index[0]),
            "largest_added_pp": float(top.iloc[0]),
            "median_added_pp": float(counted["added_pp"].median()),
        }
    )
    allies = annual[(annual["year"] == year) & annual["iso3"].isin(nato_allies(year))]
    key["allies_military_eur_bn"] = float(allies["value"].sum())
    statement = (
        f"The Hague declaration counts direct contributions to Ukraine's defence. Adding allies' "
        f"{year} military aid (Kiel, by announcement) to their spending moves the count at "
        f"{fmt(core)}% from {before} to {after}; the largest lift is {names([top.index[0]])[0]}'s "
        f"+{fmt(top.iloc[0])} pp (median +{fmt(key['median_added_pp'])} pp). An upper bound: some "
        "allies already report part of this aid in their NATO figures."
    )
    return {
        "topic": "Ukraine support counted",
        "statement": statement,
        "source": f"{src['targets']}; {src['monthly']}; {src['nato']}",
    }


def washington_baseline(key: dict[str, Any], src: dict[str, str]) -> dict[str, str]:
    """3. NATO's EUR 40 bn baseline against allies' military aid in the counted year."""
    baseline = targets_by_id().loc["washington_ukraine_baseline"]
    summit = str(baseline["summit"]).removeprefix("NATO ").removesuffix(" Summit")
    key["baseline_eur_bn"] = float(baseline["value"])
    statement = (
        f"Against NATO's baseline of at least EUR {fmt(baseline['value'])} bn a year ({summit}, "
        f"{baseline['date']:%B %Y}), allies announced EUR {fmt(key['allies_military_eur_bn'], 1)}"
        f" bn of military aid in {key['support_year']} (bilateral; EU institutions not included)."
    )
    return {
        "topic": "Washington baseline",
        "statement": statement,
        "source": f"{src['targets']}; {src['monthly']}",
    }


def purl_packages(day: pd.Timestamp, key: dict[str, Any], src: dict[str, str]) -> dict[str, str]:
    """4. PURL packages announced by ``day`` (first reports), and the Denmark-Norway-Sweden one."""
    pledges = load_pledges()
    purl = pledges[(pledges["channel"] == "PURL") & (pledges["date_to"] <= day)]
    first = purl[purl["alternative_to"].isna() & purl["part_of"].isna()]
    key["purl_packages"] = len(first)
    key["purl_donors"] = sorted(
        {c for codes in first["donor_codes"].dropna() for c in codes.split(";")}
    )
    statement = (
        f"By {day:%d %B %Y}, {len(first)} PURL packages had been announced by "
        f"{len(key['purl_donors'])} countries.{nordic_package(first, pledges, key)}"
    )
    return {"topic": "Named packages (PURL)", "statement": statement, "source": src["pledges"]}


def nordic_package(first: pd.DataFrame, pledges: pd.DataFrame, key: dict[str, Any]) -> str:
    """The Denmark-Norway-Sweden package as first reported, with the other reports of it."""
    wanted = sorted(NORDIC_PURL)
    nordic = first[
        first["donor_codes"].fillna("").map(lambda c: sorted(c.split(";")) == wanted).astype(bool)
    ]
    if nordic.empty:
        return ""
    row = nordic.iloc[0]
    others = pledges[pledges["alternative_to"] == row["pledge_id"]]
    key.update(
        {
            "nordic_package_amount": float(row["amount"]),
            "nordic_package_scale": str(row["scale"]),
            "nordic_package_currency": str(row["currency"]),
            "nordic_package_date": str(row["date"]),
            "nordic_package_other_reports": len(others),
        }
    )
    reports = "; ".join(
        f"{fmt(a['amount'])} {a['scale']} {a['currency']}" for _, a in others.iterrows()
    )
    return (
        f" The Denmark-Norway-Sweden package of {row['date']} was reported as "
        f"{fmt(row['amount'])} {row['scale']} {row['currency']}"
        f"{f' (other reports: {reports})' if reports else ''}."
    )


def support_share_of_gdp(year: int) -> pd.Series:
    """Allies' bilateral allocations since 2022 as % of 2021 GDP (newest Kiel EUR release);
    members of ``year`` absent from the tracker are NaN."""
    kiel = load_support(support_release(), None)
    share = kiel[
        (kiel["unit"] == "% of 2021 GDP")
        & (kiel["scope"] == "bilateral")
        & (kiel["aid_type"] == "total")
        & (kiel["measure"] == "allocation")
    ].set_index("iso3")["value"]
    return share.reindex(nato_allies(year))


def least_relative(share: pd.Series, key: dict[str, Any], src: dict[str, str]) -> dict[str, str]:
    """5. The allies that allocated least relative to their economies, and the most."""
    known = share.dropna().sort_values()
    bottom = known.head(BOTTOM)
    key.update(
        {
            "least_relative_to_gdp": list(bottom.index),
            "least_relative_values_pct": list(bottom.to_numpy()),
            "most_relative_to_gdp": str(known.index[-1]),
            "allies_with_kiel_share": len(known),
        }
    )
    least = ", ".join(f"{n} ({fmt(v)}%)" for n, v in zip(names(bottom.index), bottom, strict=True))
    statement = (
        f"Of {len(known)} allies in the Kiel tracker, the {BOTTOM} that allocated least "
        f"relative to their 2021 GDP are {least}; the most: {names([known.index[-1]])[0]} "
        f"({fmt(known.iloc[-1])}%)."
    )
    return {
        "topic": "Least relative to their economies",
        "statement": statement,
        "source": src["kiel"],
    }


def share_figure(share: pd.Series, key: dict[str, Any], source: str) -> Figure:
    """Allies ranked by allocations as % of GDP, the least-giving ones highlighted."""
    least = key["least_relative_to_gdp"]
    return plots.ranking_bars(
        share,
        title=f"{listing(names(least))} allocated least to Ukraine relative to GDP",
        xlabel=f"Bilateral allocations since Jan 2022, % of 2021 GDP (Kiel {support_release()})",
        source=source,
        groups={f"the {len(least)} allocating least": least},
        others="other allies",
        missing="not in the Kiel tracker",
    )


def accession_confidence(
    day: pd.Timestamp, key: dict[str, Any], src: dict[str, str]
) -> dict[str, str] | None:
    """6. Ukrainians' confidence about accession (same pollster, measure and base), or None."""
    polls = load_opinion(pollster=CONFIDENCE[0], measure=CONFIDENCE[1])
    polls = polls[polls["fieldwork_to"] <= day]
    if polls.empty:
        return None
    answer = polls.groupby("answer_option")["poll_id"].nunique().idxmax()
    series = polls[polls["answer_option"] == answer].sort_values("fieldwork_from")
    if len(series) < 2:
        return None
    first, last = series.iloc[0], series.iloc[-1]
    key.update(
        {
            "confidence_answer": answer,
            "confidence_first": f"{first['fieldwork_start']}: {fmt(first['share_pct'])}",
            "confidence_last": f"{last['fieldwork_start']}: {fmt(last['share_pct'])}",
            "confidence_change_pp": float(last["share_pct"] - first["share_pct"]),
        }
    )
    statement = (
        f"Ukrainians expecting NATO membership '{answer}' ({CONFIDENCE[0]}): "
        f"{fmt(first['share_pct'])}% in {first['fieldwork_start']}, {fmt(last['share_pct'])}% "
        f"in {last['fieldwork_start']}."
    )
    return {"topic": "Confidence about accession", "statement": statement, "source": src["opinion"]}
