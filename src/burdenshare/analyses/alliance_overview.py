"""Alliance overview: league table of defence spending as a share of GDP in one year, who meets
each target, the money gap to each, alliance totals and the United States against Europe and
Canada. Data: one edition of NATO's "Defence Expenditure of NATO Countries".
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import plots
from ..countries import nato_allies
from ..loaders.nato import spending_panel
from ..metrics import compliance, target_gap, us_vs_europe_canada
from ..params import check_type
from ._common import (
    NATO,
    AnalysisResult,
    check_edition,
    check_targets,
    check_year_in,
    cite,
    names,
    plain,
    target_label,
    with_names,
)

DEFAULTS: dict[str, Any] = {
    "year": 2025,
    "edition": "2026",
    "targets": ["wales_2pct", "hague_core_3_5", "hague_total_5"],
}


def validate(
    year: int = DEFAULTS["year"],
    edition: str = DEFAULTS["edition"],
    targets: list[str] | None = None,
) -> dict[str, Any]:
    """Check the parameters; return them normalised (edition as text, targets as a list)."""
    edition = check_edition("edition", edition)
    targets = check_targets("targets", DEFAULTS["targets"] if targets is None else targets)
    check_type("year", year, int)
    panel = spending_panel(edition)
    year = check_year_in("year", year, panel.index.get_level_values("year").unique())
    return {"year": year, "edition": edition, "targets": targets}


def run(
    year: int = DEFAULTS["year"],
    edition: str = DEFAULTS["edition"],
    targets: list[str] | None = None,
) -> AnalysisResult:
    """League table, compliance with each target, money gaps, totals and US vs Europe + Canada.

    Rules: an ally meets a target when NATO's share of GDP (unrounded) is at or above it; only
    members of the alliance in ``year`` count; an ally without a figure is listed as no data.
    Money gap = (target − share) / 100 × GDP (million US$, current prices), summed over allies
    below the target; NaN where the edition has no GDP table (2025).
    """
    p = validate(year, edition, targets)
    year, edition, targets = p["year"], p["edition"], p["targets"]
    panel = spending_panel(edition)
    source = cite((NATO, edition))[0]
    members = nato_allies(year)
    in_year = panel.xs(year, level="year").reindex(members)
    share = in_year["defexp_share_gdp_pct"]
    estimate = in_year["estimate"].fillna(False).astype(bool)

    league = pd.DataFrame({"share_gdp_pct": share, "estimate": estimate})
    summary_rows = []
    key: dict[str, Any] = {"year": year, "edition": edition, "members": len(members)}
    key["reporting"] = int(share.notna().sum())
    key["no_data"] = sorted(share.index[share.isna()])
    key["estimate"] = bool(estimate[share.notna()].any())
    for target in targets:
        comp = compliance(panel, target, years=year).loc[year]
        gap = target_gap(panel, target, years=year).xs(year, level="year").reindex(members)
        below = gap["gap_pp"] > 0
        money = gap["gap_usd_current_m"].where(below)
        league[f"gap_pp_{target}"] = gap["gap_pp"]
        league[f"gap_usd_bn_{target}"] = money / 1000.0
        total_gap = float(money.sum(min_count=1)) if money.notna().any() else float("nan")
        summary_rows.append(
            {
                "target": target_label(target),
                "target_pct": comp["target_pct"],
                "allies_meeting": comp["count"],
                "reporting": comp["reporting"],
                "members": comp["members"],
                "money_gap_usd_bn": total_gap / 1000.0,
                "meeting": ", ".join(names(comp["allies"])),
            }
        )
        key[f"count_{target}"] = int(comp["count"])
        key[f"allies_{target}"] = list(comp["allies"])
        key[f"money_gap_usd_m_{target}"] = total_gap
    league = league.sort_values("share_gdp_pct", ascending=False)
    league.insert(0, "rank", league["share_gdp_pct"].rank(ascending=False, method="min"))
    league["rank"] = league["rank"].astype("Int64")
    summary = pd.DataFrame(summary_rows).set_index("target")

    # counts over time, one line per target
    counts = pd.DataFrame(
        {target_label(t): compliance(panel, t)["count"] for t in targets}
    ).rename_axis("year")

    aggregates = spending_panel(edition, include_aggregates=True)
    totals = pd.DataFrame(index=["NATO_TOTAL", "NATO_EUR_CAN"])
    for column in ("defexp_usd_current_m", "defexp_share_gdp_pct"):
        if column in aggregates.columns:
            totals[column] = [aggregates[column].get((c, year)) for c in totals.index]
    if "defexp_share_gdp_pct" in totals:
        key["nato_total_share_gdp_pct"] = totals.at["NATO_TOTAL", "defexp_share_gdp_pct"]
    if "defexp_usd_current_m" in totals:
        key["nato_total_usd_current_m"] = totals.at["NATO_TOTAL", "defexp_usd_current_m"]

    result = AnalysisResult(title=f"NATO allies' defence spending in {year}", sources=[source])
    first = targets[0]
    met = key[f"count_{first}"]
    headline = (
        f"{met} of {len(members)} allies met {target_label(first)} in {year}"
        f"{' (NATO estimates)' if key['estimate'] else ''}"
    )
    key["headline"] = headline
    result.figures["league"] = plots.ranking_bars(
        share,
        title=headline,
        xlabel="Defence expenditure, % of GDP",
        source=source,
        estimate=estimate,
        targets={
            target_label(t): float(summary.loc[target_label(t), "target_pct"]) for t in targets
        },
    )
    last = counts.iloc[-1]
    result.figures["compliance"] = plots.time_lines(
        counts,
        title=f"Allies at or above each target: {int(last.iloc[0])} at {last.index[0]} "
        f"in {counts.index[-1]}",
        ylabel="Number of allies",
        source=source,
    )
    result.tables["league"] = with_names(league).round(2)
    result.tables["targets"] = summary.round(2)
    result.tables["compliance_over_time"] = counts
    result.tables["totals"] = with_names(totals).round(2)

    if "gdp_usd_current_m" in panel.columns:
        split = us_vs_europe_canada(panel, year)
        table = split.loc[year].unstack("measure")
        table.index = ["United States", "Europe and Canada"]
        result.tables["us_vs_europe_canada"] = table.round(2)
        key["us_spending_share_pct"] = float(split.loc[year, ("USA", "spending_share_pct")])
        key["us_gdp_share_pct"] = float(split.loc[year, ("USA", "gdp_share_pct")])
        key["eur_can_burden_index"] = float(split.loc[year, ("EUR_CAN", "burden_index")])
    else:
        result.notes.append(
            f"Edition {edition} publishes no GDP table: money gaps and the US vs Europe + Canada "
            "split need edition 2024 or 2026."
        )
    result.notes.append(
        "Shares are NATO's (share of real GDP); estimates are NATO's own 'e' figures. From the "
        "2026 edition NATO reports 'core defence expenditure' (the Hague concept)."
    )
    result.key_results = plain(key)
    return result
