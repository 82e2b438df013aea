"""Alliance overview: league table of defence spending as a share of GDP in one year, who meets
each target, the money gap to each, alliance totals and the United States against Europe and
Canada. Data: one edition of NATO's "Defence Expenditure of NATO Countries".

Pairs with ``notebooks/alliance_overview.ipynb`` (same name): the notebook calls
:func:`validate` and :func:`run` and shows what comes back.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .. import plots
from ..countries import nato_allies
from ..datasets import NATO_SPENDING
from ..errors import ParameterError, UnitError
from ..metrics import compliance, target_gap, us_vs_europe_canada
from ..metrics._select import target_scoring
from ..params import check_edition, check_targets, check_year
from ._format import cite, names, plain, target_key, target_label, with_names
from ._inputs import nato_panel, nato_years
from .result import AnalysisResult

DEFAULTS: dict[str, Any] = {
    "year": 2025,
    "edition": "2026",
    "targets": ["wales_2pct", "hague_core_3_5", "hague_total_5"],
}


def validate(
    year: int = DEFAULTS["year"],
    edition: str = DEFAULTS["edition"],
    targets: list[str | float] | None = None,
) -> dict[str, Any]:
    """Check the parameters; return them normalised (edition as text, targets as a list).

    ``targets``: ids of the commitments table or numbers in % of GDP (above 0, at most 100);
    a target NATO's figures cannot measure (the Hague 1.5% related spending) is refused.
    """
    edition = check_edition("edition", edition, NATO_SPENDING)
    targets = check_targets("targets", DEFAULTS["targets"] if targets is None else targets)
    year = check_year("year", year, nato_years(edition))
    for target in targets:
        try:
            target_scoring(nato_panel(edition), target, "defexp_share_gdp_pct")
        except UnitError as error:
            raise ParameterError(f"Parameter 'targets': {error}") from None
    return {"year": year, "edition": edition, "targets": targets}


def run(
    year: int = DEFAULTS["year"],
    edition: str = DEFAULTS["edition"],
    targets: list[str | float] | None = None,
) -> AnalysisResult:
    """League table, compliance with each target, money gaps, totals and US vs Europe + Canada.

    Rules: an ally meets a target when NATO's share of GDP (unrounded) is at or above it; only
    members of the alliance in ``year`` count; an ally without a figure is listed as no data.
    A target NATO's figures measure only in part (the Hague 5% = core + related spending) is
    answered as a bound: the count is a lower bound, the money gap an upper bound, and both say
    so; one they do not measure at all (the Hague 1.5% related) is refused by :func:`validate`.
    Money gap = target / 100 × GDP − spending (million US$, current prices: how much more to
    reach the target share of current GDP), summed over allies short of it; NaN where the
    edition has no GDP table (2025).
    """
    p = validate(year, edition, targets)
    year, edition, targets = p["year"], p["edition"], p["targets"]
    panel = nato_panel(edition)
    source = cite((NATO_SPENDING, edition))[0]
    key = coverage(panel, year, edition)
    league, summary = league_and_targets(panel, year, targets, key)
    counts = compliance_over_time(panel, targets)
    headline = headline_of(key, targets[0], year)
    result = AnalysisResult(title=headline, sources=[source], key_results=key)
    result.figures["league"] = league_figure(league, summary, headline, source, key["no_data"])
    result.figures["compliance"] = compliance_figure(counts, estimated_years(panel), source)
    result.tables["league"] = with_names(league).round(2)
    result.tables["targets"] = summary.round(2)
    result.tables["compliance_over_time"] = counts
    result.tables["totals"] = alliance_totals(edition, year, key)
    us_against_europe_canada(result, panel, year)
    result.notes.append(
        "Shares are NATO's (share of real GDP); estimates are NATO's own 'e' figures. From the "
        "2026 edition NATO reports 'core defence expenditure' (the Hague concept)."
    )
    result.notes.append(
        "Money gaps answer: how much more, in current US$, would the ally spend at the target "
        "share of its current GDP (target × GDP − spending, both current US$). Where NATO's "
        "share of real GDP differs from the current-price ratio (the Netherlands) an ally can "
        "meet a target on NATO's share and still show a money gap, or the reverse."
    )
    if any(key.get(f"bound_{target_key(t)}") for t in targets):
        result.notes.append(
            "The Hague 5% counts core plus defence- and security-related spending; NATO publishes "
            "only core. On core alone, an ally at or above 5% meets it (so the count is a lower "
            "bound); one below it is not shown as missing it, and its gap is an upper bound."
        )
    result.labels, result.headers = readable_names(targets, key)
    result.key_results = plain(key)
    return result


def coverage(panel: pd.DataFrame, year: int, edition: str) -> dict[str, Any]:
    """Members in ``year``, how many have a figure, who has none, and whether any is an estimate."""
    members = nato_allies(year)
    in_year = panel.xs(year, level="year").reindex(members)
    share = in_year["defexp_share_gdp_pct"]
    estimate = in_year["estimate"].fillna(False).astype(bool)
    return {
        "year": year,
        "edition": edition,
        "members": len(members),
        "reporting": int(share.notna().sum()),
        "no_data": sorted(share.index[share.isna()]),
        "estimate": bool(estimate[share.notna()].any()),
    }


def league_and_targets(
    panel: pd.DataFrame, year: int, targets: list, key: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per ally: share, estimate flag, gap to each target (pp, US$ bn); per target: who meets it."""
    members = nato_allies(year)
    in_year = panel.xs(year, level="year").reindex(members)
    league = pd.DataFrame(
        {
            "share_gdp_pct": in_year["defexp_share_gdp_pct"],
            "estimate": in_year["estimate"].fillna(False).astype(bool),
        }
    )
    rows = []
    for target in targets:
        comp = compliance(panel, target, years=year).loc[year]
        gap = target_gap(panel, target, years=year).xs(year, level="year").reindex(members)
        money = gap["gap_usd_current_m"].where(gap["gap_usd_current_m"] > 0)
        total = float(money.sum(min_count=1)) if money.notna().any() else float("nan")
        suffix, bounded = target_key(target), comp["reading"] != "exact"
        league[f"gap_pp_{suffix}"] = gap["gap_pp"]
        league[f"gap_usd_bn_{suffix}"] = money / 1000.0
        rows.append(
            {
                "target": target_label(target),
                "target_pct": comp["target_pct"],
                "allies_meeting": comp["count"],
                "reporting": comp["reporting"],
                "members": comp["members"],
                "money_gap_usd_bn": total / 1000.0,
                "meeting": ", ".join(names(comp["allies"])),
                "reading": BOUND_READING if bounded else "exact",
            }
        )
        key[f"count_{suffix}"] = int(comp["count"])
        key[f"allies_{suffix}"] = list(comp["allies"])
        key[f"money_gap_usd_m_{suffix}"] = total
        key[f"bound_{suffix}"] = bool(bounded)
    league = league.sort_values("share_gdp_pct", ascending=False)
    league.insert(0, "rank", league["share_gdp_pct"].rank(ascending=False, method="min"))
    league["rank"] = league["rank"].astype("Int64")
    return league, pd.DataFrame(rows).set_index("target")


def compliance_over_time(panel: pd.DataFrame, targets: list) -> pd.DataFrame:
    """Allies at or above each target, per year of the edition (a bound says so in its name)."""
    counts = {}
    for target in targets:
        table = compliance(panel, target)
        bounded = (table["reading"] != "exact").any()
        counts[target_label(target) + (COUNT_BOUND if bounded else "")] = table["count"]
    return pd.DataFrame(counts).rename_axis("year")


def headline_of(key: dict[str, Any], first: str | float, year: int) -> str:
    """ "28 of 32 allies met Wales 2% in 2025 (NATO estimates)"; a bound starts "At least"."""
    suffix = target_key(first)
    met = key[f"count_{suffix}"]
    estimates = " (NATO estimates)" if key["estimate"] else ""
    label = target_label(first)
    if key[f"bound_{suffix}"]:
        key["headline"] = (
            f"At least {met} of {key['members']} allies met {label} in {year} on core "
            "defence spending alone"
        )
    else:
        key["headline"] = f"{met} of {key['members']} allies met {label} in {year}"
    key["headline"] += estimates
    return key["headline"]


def league_figure(
    league: pd.DataFrame, summary: pd.DataFrame, headline: str, source: str, no_data: list
) -> Figure:
    """Ranking bars of the share of GDP with each target as a labelled line."""
    shares = league["share_gdp_pct"]
    return plots.ranking_bars(
        shares,
        title=headline,
        xlabel="Defence expenditure, % of GDP",
        source=source,
        estimate=league["estimate"],
        targets={
            label + (COUNT_BOUND if summary.at[label, "reading"] != "exact" else ""): float(
                summary.at[label, "target_pct"]
            )
            for label in summary.index
        },
        missing="no NATO figure",
    )


def estimated_years(panel: pd.DataFrame) -> pd.Series:
    """Per year: whether any ally's figure is a NATO estimate (a count built on one is, too)."""
    flags = panel["estimate"].fillna(False).astype(bool)
    return flags.groupby(level="year").any()


def compliance_figure(counts: pd.DataFrame, estimated: pd.Series, source: str) -> Figure:
    last = counts.iloc[-1]
    flags = estimated.reindex(counts.index, fill_value=False).astype(bool)
    return plots.time_lines(
        counts,
        estimate=pd.DataFrame({column: flags for column in counts.columns}),
        title=f"Allies at or above each target: {int(last.iloc[0])} at {last.index[0]} "
        f"in {counts.index[-1]}",
        ylabel="Number of allies",
        source=source,
    )


def alliance_totals(edition: str, year: int, key: dict[str, Any]) -> pd.DataFrame:
    """NATO's own totals (all allies; Europe and Canada) in ``year``, where the edition has them."""
    aggregates = nato_panel(edition, aggregates=True)
    totals = pd.DataFrame(index=["NATO_TOTAL", "NATO_EUR_CAN"])
    for column in ("defexp_usd_current_m", "defexp_share_gdp_pct"):
        if column in aggregates.columns:
            totals[column] = [aggregates[column].get((c, year)) for c in totals.index]
    if "defexp_share_gdp_pct" in totals:
        key["nato_total_share_gdp_pct"] = totals.at["NATO_TOTAL", "defexp_share_gdp_pct"]
    if "defexp_usd_current_m" in totals:
        key["nato_total_usd_current_m"] = totals.at["NATO_TOTAL", "defexp_usd_current_m"]
    return with_names(totals).round(2)


def us_against_europe_canada(result: AnalysisResult, panel: pd.DataFrame, year: int) -> None:
    """Shares of alliance spending and GDP, and the burden index (needs a GDP table)."""
    if "gdp_usd_current_m" not in panel.columns:
        result.notes.append(
            f"Edition {result.key_results['edition']} publishes no GDP table: money gaps and the "
            "US vs Europe + Canada split need edition 2024 or 2026."
        )
        return
    split = us_vs_europe_canada(panel, year)
    table = split.loc[year].unstack("measure")
    table.index = ["United States", "Europe and Canada"]
    result.tables["us_vs_europe_canada"] = table.round(2)
    key = result.key_results
    key["us_spending_share_pct"] = float(split.loc[year, ("USA", "spending_share_pct")])
    key["us_gdp_share_pct"] = float(split.loc[year, ("USA", "gdp_share_pct")])
    key["eur_can_burden_index"] = float(split.loc[year, ("EUR_CAN", "burden_index")])


#: How a bounded target is read (the Hague 5% from core spending alone; see README "Data and
#: caveats"), in the targets table, and the suffix its count carries in figures.
BOUND_READING = (
    "core spending alone: allies meeting is a lower bound, the money gap an upper bound "
    "(NATO publishes no defence-related spending)"
)
COUNT_BOUND = " (core alone, at least)"

#: Readable names (with units) of the fixed key results and table columns.
LABELS = {
    "reporting": "Allies with a NATO figure (count)",
    "nato_total_share_gdp_pct": "NATO total, share of GDP (%)",
    "us_spending_share_pct": "US share of alliance defence spending (%)",
    "eur_can_burden_index": "Europe and Canada: burden index (1 = economic weight)",
}
HEADERS = {
    "spending": "Defence expenditure (million US$, current prices)",
    "gdp": "GDP (million US$, current prices)",
    "estimate": "NATO estimate",
    "money_gap_usd_bn": "Money gap: more spending to reach the target share of current GDP "
    "(US$ bn, current prices)",
    "reading": "How to read it",
}


def readable_names(targets: list, key: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Labels of the key results a reader should see, and headers of the per-target columns."""
    labels, headers = dict(LABELS), dict(HEADERS)
    for target in targets:
        suffix, label = target_key(target), target_label(target)
        if key.get(f"bound_{suffix}"):
            labels[f"count_{suffix}"] = (
                f"Allies at or above {label} on core spending alone (count, a lower bound)"
            )
            labels[f"money_gap_usd_m_{suffix}"] = (
                f"Money gap to {label} from core spending alone, an upper bound (million US$, "
                "current prices)"
            )
            headers[f"gap_pp_{suffix}"] = f"Gap to {label}, upper bound (pp)"
            headers[f"gap_usd_bn_{suffix}"] = (
                f"Gap to {label}, upper bound (US$ bn, current prices)"
            )
        else:
            labels[f"count_{suffix}"] = f"Allies at or above {label} (count)"
            labels[f"money_gap_usd_m_{suffix}"] = (
                f"Money gap to {label} (million US$, current prices)"
            )
            headers[f"gap_pp_{suffix}"] = f"Gap to {label} (pp)"
            headers[f"gap_usd_bn_{suffix}"] = f"Gap to {label} (US$ bn, current prices)"
    return {k: v for k, v in labels.items() if k in key}, headers
