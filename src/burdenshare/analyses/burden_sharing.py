"""Burden sharing: each ally's share of alliance defence spending against its share of alliance
GDP, the burden-sharing index over time, and the United States against Europe and Canada, with
and without allies' military aid to Ukraine counted.

Data: the newest NATO edition with a GDP table (current US$) and the Kiel monthly flows.

Pairs with ``notebooks/burden_sharing.ipynb`` (same name).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .. import plots
from ..countries import name as country_name
from ..countries import nato_allies
from ..datasets import KIEL_MONTHLY, NATO_SPENDING
from ..metrics import burden_shares, us_vs_europe_canada
from ..params import check_year_span
from ._format import cite, fmt, plain, verb, with_names
from ._inputs import aid_counted, complete_years, military_aid_by_year, nato_panel, nato_years
from .result import AnalysisResult

DEFAULTS: dict[str, Any] = {"start_year": 2014, "end_year": 2026}
LABELS = {
    "count_above_weight": "Allies carrying more than their economic weight (count)",
    "top_index": "Highest burden index (share of spending / share of GDP)",
}


def validate(
    start_year: int = DEFAULTS["start_year"], end_year: int = DEFAULTS["end_year"]
) -> dict[str, Any]:
    """Two years inside the NATO data, in order."""
    years = nato_years()
    check_year_span("start_year", start_year, "end_year", end_year, years[0], years[-1])
    return {"start_year": start_year, "end_year": end_year}


def run(
    start_year: int = DEFAULTS["start_year"], end_year: int = DEFAULTS["end_year"]
) -> AnalysisResult:
    """Shares and index per ally in ``end_year``; US vs Europe + Canada for every year of the span.

    Index = share of alliance spending / share of alliance GDP (current US$), over the members of
    that year with both figures (Iceland has no defence figure and is left out).
    """
    validate(start_year, end_year)
    panel = nato_panel()
    source = cite((NATO_SPENDING, panel.attrs["edition"]))[0]
    years = list(range(start_year, end_year + 1))
    last = burden_shares(panel, years).xs(end_year, level="year")
    split = us_vs_europe_canada(panel, years)
    key = key_results(panel, last, split, start_year, end_year)
    result = AnalysisResult(scatter_title(key, panel), sources=[source], key_results=key)
    flags = panel.xs(end_year, level="year")["estimate"].fillna(False).astype(bool)
    result.figures["shares"] = shares_figure(last, flags, result.title, source)
    result.figures["index_ranking"] = ranking_figure(last, flags, key, source, end_year)
    result.figures["index_over_time"] = index_figure(split, key, source, panel)
    result.tables["shares"] = with_names(
        last[["spending_share_pct", "gdp_share_pct", "burden_index"]].sort_values(
            "burden_index", ascending=False
        )
    ).round(2)
    result.tables["us_vs_europe_canada"] = split_table(split).round(2)
    with_ukraine_support(result, panel, years)
    result.notes += [
        "Spending and GDP in current US$ (NATO's exchange rates); a weaker dollar or euro moves "
        "shares without any change in effort.",
        "The alliance GDP total covers allies with a defence figure (Iceland is left out).",
    ]
    result.labels = {**LABELS, **{k: v for k, v in index_labels(key).items() if k in key}}
    result.key_results = plain(key)
    return result


def key_results(
    panel: pd.DataFrame, last: pd.DataFrame, split: pd.DataFrame, first: int, end: int
) -> dict[str, Any]:
    """Who carries more than its weight in ``end``; US and Europe + Canada at both ends."""
    above = last.index[last["burden_index"] > 1]
    key: dict[str, Any] = {
        "edition": panel.attrs["edition"],
        "start_year": first,
        "end_year": end,
        "allies": len(last),
        "allies_above_weight": sorted(above),
        "count_above_weight": len(above),
        "top_index_ally": str(last["burden_index"].idxmax()),
        "top_index": float(last["burden_index"].max()),
    }
    for year in (first, end):
        key[f"us_spending_share_pct_{year}"] = float(split.loc[year, ("USA", "spending_share_pct")])
        key[f"us_gdp_share_pct_{year}"] = float(split.loc[year, ("USA", "gdp_share_pct")])
        key[f"eur_can_index_{year}"] = float(split.loc[year, ("EUR_CAN", "burden_index")])
    return key


def index_labels(key: dict[str, Any]) -> dict[str, str]:
    end = key["end_year"]
    return {
        f"eur_can_index_{end}": f"Europe and Canada: burden index in {end} (1 = economic weight)",
        f"us_spending_share_pct_{end}": f"US share of alliance defence spending in {end} (%)",
    }


def scatter_title(key: dict[str, Any], panel: pd.DataFrame) -> str:
    """ "9 of 31 allies carried more than their economic weight in 2026 (estimates)"."""
    estimates = " (estimates)" if panel.xs(key["end_year"], level="year")["estimate"].any() else ""
    return (
        f"{key['count_above_weight']} of {key['allies']} allies carried more than their economic "
        f"weight in {key['end_year']}{estimates}"
    )


def shares_figure(last: pd.DataFrame, estimate: pd.Series, title: str, source: str) -> Figure:
    """Share of spending against share of GDP on log axes, every ally the title counts (the
    log scale lets the United States, about half of both, sit beside Montenegro)."""
    return plots.scatter_labelled(
        last[["gdp_share_pct", "spending_share_pct"]].dropna(),
        "gdp_share_pct",
        "spending_share_pct",
        title=title,
        xlabel="Share of alliance GDP, % (log scale)",
        ylabel="Share of alliance defence spending, % (log scale)",
        source=source,
        diagonal=True,
        log=True,
        estimate=estimate,
    )


def ranking_figure(
    last: pd.DataFrame, estimate: pd.Series, key: dict[str, Any], source: str, year: int
) -> Figure:
    """The index per ally, with the line of equal weight; members without a figure named;
    estimates hatched."""
    return plots.ranking_bars(
        last["burden_index"].reindex(nato_allies(year)),
        estimate=estimate,
        title=f"{country_name(key['top_index_ally'])} carried the most relative to its GDP in "
        f"{year} (index {fmt(key['top_index'])})",
        xlabel="Burden-sharing index (share of spending / share of GDP)",
        source=source,
        targets={"equal to economic weight": 1.0},
        missing="no NATO defence figure",
    )


def index_figure(
    split: pd.DataFrame, key: dict[str, Any], source: str, panel: pd.DataFrame
) -> Figure:
    """The burden index of the United States and of Europe and Canada, year by year (a year
    with any NATO estimate is marked as one)."""
    then, now = key[f"eur_can_index_{key['start_year']}"], key[f"eur_can_index_{key['end_year']}"]
    lines = split_table(split)[["United States index", "Europe and Canada index"]]
    flags = panel["estimate"].fillna(False).astype(bool).groupby(level="year").any()
    flags = flags.reindex(lines.index, fill_value=False).astype(bool)
    return plots.time_lines(
        lines,
        estimate=pd.DataFrame({column: flags for column in lines.columns}),
        title=(
            f"Europe and Canada's burden index {verb(now - then)} from "
            f"{fmt(then)} to {fmt(now)} ({key['start_year']}-{key['end_year']})"
        ),
        ylabel="Share of spending / share of GDP",
        source=source,
        targets={"equal to economic weight": 1.0},
        labels={
            "United States index": "United States",
            "Europe and Canada index": "Europe and Canada",
        },
    )


def split_table(split: pd.DataFrame) -> pd.DataFrame:
    """US shares of spending and GDP, and both groups' index, per year."""
    return pd.DataFrame(
        {
            "US share of spending": split[("USA", "spending_share_pct")],
            "US share of GDP": split[("USA", "gdp_share_pct")],
            "United States index": split[("USA", "burden_index")],
            "Europe and Canada index": split[("EUR_CAN", "burden_index")],
        }
    )


def with_ukraine_support(result: AnalysisResult, panel: pd.DataFrame, years: list[int]) -> None:
    """The US vs Europe + Canada index with allies' military aid to Ukraine counted as spending.

    Military aid announced in a year (Kiel monthly flows, complete calendar years only), in
    current US$ at ECB annual averages, is added to each ally's NATO spending (allies absent
    from the tracker add nothing); an upper bound, as some aid is already in NATO's figures.
    """
    annual = military_aid_by_year()
    support_years = [y for y in complete_years(annual) if y in years]
    if not support_years:
        result.notes.append("No complete year of Kiel flows in the span: no index with support.")
        return
    added = aid_counted(panel, annual, support_years)["support_usd_m"]
    adjusted = panel.copy()
    column = "defexp_usd_current_m"
    added = added.reindex(adjusted.index).fillna(0.0).where(adjusted[column].notna())
    adjusted[column] = adjusted[column] + added
    split, split_with = (us_vs_europe_canada(p, support_years) for p in (panel, adjusted))
    table = pd.DataFrame(
        {
            "Europe and Canada index": split[("EUR_CAN", "burden_index")],
            "Europe and Canada index, with support": split_with[("EUR_CAN", "burden_index")],
            "United States index": split[("USA", "burden_index")],
            "United States index, with support": split_with[("USA", "burden_index")],
        }
    )
    result.tables["index_with_ukraine_support"] = table.round(3)
    key, last = result.key_results, support_years[-1]
    key["support_years"] = support_years
    key[f"eur_can_index_with_support_{last}"] = float(table.at[last, table.columns[1]])
    key[f"eur_can_index_without_support_{last}"] = float(table.at[last, table.columns[0]])
    result.sources += cite((KIEL_MONTHLY, annual.attrs["release"]))
    result.notes.append(
        "With support: allies' military aid to Ukraine (Kiel, by announcement year, complete "
        "years) added to NATO spending; an upper bound (double-count risk)."
    )
