"""Burden sharing: each ally's share of alliance defence spending against its share of alliance
GDP, the burden-sharing index over time, and the United States against Europe and Canada.

Data: the newest NATO edition with a GDP table (current US$).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import plots
from ..countries import name as country_name
from ..loaders.nato import spending_panel
from ..loaders.support import load_support_monthly
from ..metrics import burden_shares, us_vs_europe_canada
from ..metrics.support import annual_support, spending_with_support
from ..params import check_year_span
from ._common import NATO, AnalysisResult, cite, fmt, latest_edition, plain, with_names

MONTHLY = "kiel_support_monthly"
DEFAULTS: dict[str, Any] = {"start_year": 2014, "end_year": 2026}


def _panel() -> pd.DataFrame:
    return spending_panel(latest_edition(NATO))


def validate(
    start_year: int = DEFAULTS["start_year"], end_year: int = DEFAULTS["end_year"]
) -> dict[str, Any]:
    """Two years inside the NATO data, in order."""
    years = _panel().index.get_level_values("year")
    check_year_span(
        "start_year", start_year, "end_year", end_year, int(years.min()), int(years.max())
    )
    return {"start_year": start_year, "end_year": end_year}


def run(
    start_year: int = DEFAULTS["start_year"], end_year: int = DEFAULTS["end_year"]
) -> AnalysisResult:
    """Shares and index per ally in ``end_year``; US vs Europe + Canada for every year of the span.

    Index = share of alliance spending / share of alliance GDP (current US$), over the members of
    that year with both figures (Iceland has no defence figure and is left out).
    """
    validate(start_year, end_year)
    edition = latest_edition(NATO)
    panel = _panel()
    source = cite((NATO, edition))[0]
    years = list(range(start_year, end_year + 1))
    shares = burden_shares(panel, years)
    last = shares.xs(end_year, level="year")
    split = us_vs_europe_canada(panel, years)
    index_over_time = pd.DataFrame(
        {
            "United States": split[("USA", "burden_index")],
            "Europe and Canada": split[("EUR_CAN", "burden_index")],
        }
    )
    share_over_time = pd.DataFrame(
        {
            "US share of spending": split[("USA", "spending_share_pct")],
            "US share of GDP": split[("USA", "gdp_share_pct")],
        }
    )
    above = last.index[last["burden_index"] > 1]
    key: dict[str, Any] = {
        "edition": edition,
        "start_year": start_year,
        "end_year": end_year,
        "allies": len(last),
        "allies_above_weight": sorted(above),
        "count_above_weight": len(above),
        "top_index_ally": str(last["burden_index"].idxmax()),
        "top_index": float(last["burden_index"].max()),
    }
    for year in (start_year, end_year):
        key[f"us_spending_share_pct_{year}"] = float(split.loc[year, ("USA", "spending_share_pct")])
        key[f"us_gdp_share_pct_{year}"] = float(split.loc[year, ("USA", "gdp_share_pct")])
        key[f"eur_can_index_{year}"] = float(split.loc[year, ("EUR_CAN", "burden_index")])
    estimate = bool(panel.xs(end_year, level="year")["estimate"].any())

    result = AnalysisResult(title=f"Burden sharing {start_year}-{end_year}", sources=[source])
    eur_now = key[f"eur_can_index_{end_year}"]
    eur_then = key[f"eur_can_index_{start_year}"]
    result.figures["index_over_time"] = plots.time_lines(
        index_over_time,
        title=(
            f"Europe and Canada's burden index went from {fmt(eur_then)} to {fmt(eur_now)} "
            f"({start_year}-{end_year})"
        ),
        ylabel="Share of spending / share of GDP",
        source=source,
        targets={"equal to economic weight": 1.0},
    )
    # the United States (about half of both) is left out so the other allies can be read; log axes
    scatter = last.drop(index="USA", errors="ignore")[["gdp_share_pct", "spending_share_pct"]]
    fig = plots.scatter_labelled(
        scatter,
        "gdp_share_pct",
        "spending_share_pct",
        title=(
            f"{key['count_above_weight']} of {key['allies']} allies carried more than their "
            f"economic weight in {end_year}{' (estimates)' if estimate else ''}"
        ),
        xlabel="Share of alliance GDP, % (log scale; United States not shown)",
        ylabel="Share of alliance defence spending, % (log scale)",
        source=source,
        diagonal=True,
    )
    fig.axes[0].set_xscale("log")
    fig.axes[0].set_yscale("log")
    result.figures["shares"] = fig
    result.figures["index_ranking"] = plots.ranking_bars(
        last["burden_index"],
        title=f"{country_name(key['top_index_ally'])} carried the most relative to its GDP in "
        f"{end_year} (index {fmt(key['top_index'])})",
        xlabel="Burden-sharing index (share of spending / share of GDP)",
        source=source,
        targets={"equal to economic weight": 1.0},
    )
    table = last[["spending_share_pct", "gdp_share_pct", "burden_index"]].sort_values(
        "burden_index", ascending=False
    )
    result.tables["shares"] = with_names(table).round(2)
    result.tables["us_vs_europe_canada"] = pd.concat(
        [share_over_time, index_over_time.add_suffix(" index")], axis=1
    ).round(2)
    _with_support(result, key, panel, years)
    result.notes += [
        "Spending and GDP in current US$ (NATO's exchange rates); a weaker dollar or euro moves "
        "shares without any change in effort.",
        "The alliance GDP total covers allies with a defence figure (Iceland is left out).",
    ]
    result.key_results = plain(key)
    return result


def _with_support(
    result: AnalysisResult, key: dict[str, Any], panel: pd.DataFrame, years: list[int]
) -> None:
    """The US vs Europe + Canada index with allies' military aid to Ukraine counted as spending.

    Military aid announced in a year (Kiel monthly flows, complete calendar years only), in
    current US$ at ECB annual averages, is added to each ally's NATO spending (allies absent
    from the tracker add nothing); an upper bound, as some aid is already in NATO's figures.
    """
    annual = annual_support(load_support_monthly(), aid_types=["military"])
    annual = annual[annual["complete"] & annual["year"].isin(years)]
    if annual.empty:
        result.notes.append("No complete year of Kiel flows in the span: no index with support.")
        return
    counted = spending_with_support(panel, annual, counts="military", double_count="acknowledge")
    adjusted = panel.copy()
    added = counted["support_usd_m"].reindex(adjusted.index)
    column = "defexp_usd_current_m"
    adjusted[column] = adjusted[column] + added.fillna(0.0).where(adjusted[column].notna())
    support_years = sorted(int(y) for y in annual["year"].unique())
    split = us_vs_europe_canada(panel, support_years)
    split_with = us_vs_europe_canada(adjusted, support_years)
    table = pd.DataFrame(
        {
            "Europe and Canada index": split[("EUR_CAN", "burden_index")],
            "Europe and Canada index, with support": split_with[("EUR_CAN", "burden_index")],
            "United States index": split[("USA", "burden_index")],
            "United States index, with support": split_with[("USA", "burden_index")],
        }
    )
    result.tables["index_with_ukraine_support"] = table.round(3)
    last = support_years[-1]
    key["support_years"] = support_years
    key[f"eur_can_index_with_support_{last}"] = float(table.at[last, table.columns[1]])
    key[f"eur_can_index_without_support_{last}"] = float(table.at[last, table.columns[0]])
    result.sources.append(cite((MONTHLY, "R29"))[0])
    result.notes.append(
        "With support: allies' military aid to Ukraine (Kiel, by announcement year, complete "
        "years) added to NATO spending; an upper bound (double-count risk)."
    )
