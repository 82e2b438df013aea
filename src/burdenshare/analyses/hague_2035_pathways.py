"""Hague 2035 pathways: for every ally, the path from its latest NATO share of GDP to the Hague
core target by ``by_year``, the real growth that needs, whether recent growth is on track, the
extra spending it costs, and a fan chart of alliance spending over uncertain GDP growth.

The total target (5%) also counts defence- and security-related spending (up to 1.5% of GDP),
which NATO's tables do not report: its cost here is the cost of reaching it with core spending
alone, an upper bound.

Pairs with ``notebooks/hague_2035_pathways.ipynb`` (same name).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import plots
from ..countries import nato_allies
from ..datasets import KIEL_MONTHLY, NATO_SPENDING
from ..metrics import pathway_fan, pathway_summary, track_verdicts
from ..metrics.pathways import ALREADY, DEPENDS, OFF_TRACK, ON_TRACK, UNKNOWN, VERDICTS
from ..params import (
    LAST_YEAR,
    MAX_DRAWS,
    check_flag,
    check_int,
    check_number,
    check_target,
)
from ._format import cite, fmt, plain, signed, target_label, windows_text, with_names
from ._inputs import (
    GROWTH_WINDOWS,
    PATHWAY_GDP_GROWTH,
    aid_counted,
    complete_years,
    military_aid_by_year,
    nato_panel,
    nato_years,
)
from .result import AnalysisResult

DEFAULTS: dict[str, Any] = {
    "core_target": "hague_core_3_5",
    "total_target": "hague_total_5",
    "by_year": 2035,
    "gdp_growth": PATHWAY_GDP_GROWTH,
    "gdp_growth_sd": 0.005,
    "draws": 2000,
    "seed": 2035,
    "count_ukraine_support": False,
}
SHARE = "defexp_share_gdp_pct"
LABELS = {
    "allies_on_track": "Allies below the core target whose real growth is enough over every "
    "growth window (count)",
    "allies_depends_on_window": "Allies below the core target whose verdict depends on the "
    "growth window (count)",
    "allies_already_there": "Allies already at or above the core target (count)",
    "allies_below_core": "Allies below the core target at the start (count)",
    "extra_core_usd_constant_m": "Extra spending to reach the core target, summed to the target "
    "year (million US$, constant prices)",
    "spending_by_year_p50_usd_bn": "Alliance spending in the target year, median (US$ bn, "
    "constant prices)",
}


def validate(
    core_target: str | float = DEFAULTS["core_target"],
    total_target: str | float = DEFAULTS["total_target"],
    by_year: int = DEFAULTS["by_year"],
    gdp_growth: float = DEFAULTS["gdp_growth"],
    gdp_growth_sd: float = DEFAULTS["gdp_growth_sd"],
    draws: int = DEFAULTS["draws"],
    seed: int = DEFAULTS["seed"],
    count_ukraine_support: bool = DEFAULTS["count_ukraine_support"],
) -> dict[str, Any]:
    """Check the parameters; return the full set (targets as ids or numbers in % of GDP)."""
    return {
        "core_target": check_target("core_target", core_target),
        "total_target": check_target("total_target", total_target),
        "by_year": check_int("by_year", by_year, nato_years()[-1] + 1, LAST_YEAR),
        "gdp_growth": check_number("gdp_growth", gdp_growth, -0.2, 0.2),
        "gdp_growth_sd": check_number("gdp_growth_sd", gdp_growth_sd, 0.0, 0.1),
        "draws": check_int("draws", draws, 1, MAX_DRAWS),
        "seed": check_int("seed", seed, 0, 2**63 - 1),
        "count_ukraine_support": check_flag("count_ukraine_support", count_ukraine_support),
    }


def run(
    core_target: str | float = DEFAULTS["core_target"],
    total_target: str | float = DEFAULTS["total_target"],
    by_year: int = DEFAULTS["by_year"],
    gdp_growth: float = DEFAULTS["gdp_growth"],
    gdp_growth_sd: float = DEFAULTS["gdp_growth_sd"],
    draws: int = DEFAULTS["draws"],
    seed: int = DEFAULTS["seed"],
    count_ukraine_support: bool = DEFAULTS["count_ukraine_support"],
) -> AnalysisResult:
    """Per-ally pathways to the core target, costs of core and total targets, and the fan chart.

    Growth assumption: one real GDP growth rate ``g`` shared by all allies, drawn ``draws`` times
    from Normal(``gdp_growth``, ``gdp_growth_sd``) with ``seed``; the per-ally table uses the
    central value. With one draw shared by all allies every ally's spending rises with ``g``, so
    the percentiles of alliance spending are the sums of the allies' percentiles.
    """
    p = validate(
        core_target,
        total_target,
        by_year,
        gdp_growth,
        gdp_growth_sd,
        draws,
        seed,
        count_ukraine_support,
    )
    panel = nato_panel()
    result = AnalysisResult(title="", sources=cite((NATO_SPENDING, panel.attrs["edition"])))
    if p["count_ukraine_support"]:
        panel = with_ukraine_support(panel, result)
    core, total, by, g = p["core_target"], p["total_target"], p["by_year"], p["gdp_growth"]
    core_summary = track_verdicts(panel, core, by, gdp_growth=g, windows=GROWTH_WINDOWS)
    total_summary = pathway_summary(panel, total, by, gdp_growth=g)
    growth = growth_draws(g, p["gdp_growth_sd"], p["draws"], p["seed"])
    spending = alliance_fan(panel, core, by, growth, int(core_summary["start_year"].max()))
    key = key_results(p, panel, core_summary, total_summary, spending)
    key.update(result.key_results)
    result.title = growth_title(key)
    result.figures["required_growth"] = growth_figure(core_summary, key, result.title)
    result.figures["fan"] = fan_figure(spending, key)
    result.tables["pathways"] = with_names(pathway_table(core_summary, total_summary)).round(2)
    sd = p["gdp_growth_sd"]
    other_gdp = {
        growth: track_verdicts(panel, core, by, gdp_growth=growth, windows=GROWTH_WINDOWS)
        for growth in sorted({g - sd, g + sd} - {g})
        if -0.2 <= growth <= 0.2
    }
    result.tables["window_sensitivity"] = window_sensitivity(core_summary, g, other_gdp)
    result.tables["alliance_spending_fan_usd_bn"] = spending.round(1)
    result.notes = notes(key) + result.notes
    result.labels = dict(LABELS)
    result.key_results = plain(key)
    return result


def with_ukraine_support(panel: pd.DataFrame, result: AnalysisResult) -> pd.DataFrame:
    """The panel with each ally's latest share of GDP raised by its military aid to Ukraine.

    Added (pp) = aid as % of real GDP for the last complete calendar year of Kiel's monthly
    flows (military aid by announcement, converted to US$ at ECB annual averages and to NATO's
    constant prices: :func:`~burdenshare.metrics.spending_with_support`), on the basis of NATO's
    share it is added to, in each ally's start year; allies absent from the tracker add nothing.
    """
    annual = military_aid_by_year()
    year = complete_years(annual)[-1]
    added = aid_counted(panel, annual, [year]).xs(year, level="year")["added_pp"]
    start = panel[SHARE].dropna().reset_index().groupby("iso3")["year"].max()
    adjusted = panel.copy()
    for code, t0 in start.items():
        if code in added.index:
            adjusted.loc[(code, t0), SHARE] = adjusted.loc[(code, t0), SHARE] + added[code]
    result.key_results["ukraine_support_year"] = year
    result.key_results["ukraine_support_added_pp"] = {str(c): float(v) for c, v in added.items()}
    result.sources += cite((KIEL_MONTHLY, annual.attrs["release"]))
    result.notes.append(
        f"Ukraine support counted: each ally's start share includes its {year} military aid to "
        "Ukraine as % of GDP (Kiel, by announcement). An upper bound: some allies already report "
        "part of this aid in their NATO figures (double-count risk)."
    )
    return adjusted


def growth_draws(gdp_growth: float, sd: float, draws: int, seed: int) -> np.ndarray:
    """Assumed real GDP growth draws (fraction a year): Normal(gdp_growth, sd), seeded."""
    return np.random.default_rng(seed).normal(gdp_growth, sd, size=draws)


def alliance_fan(
    panel: pd.DataFrame, core: str | float, by: int, draws: np.ndarray, first: int
) -> pd.DataFrame:
    """Percentiles of alliance spending (US$ bn, constant prices) from ``first`` (the year every
    ally's path covers) to ``by``."""
    fan = pathway_fan(panel, core, by, gdp_growth=draws)
    spending = fan["spending_usd_constant_m"].groupby(level="year").sum(min_count=1) / 1000.0
    spending.attrs["price_base_year"] = panel.attrs.get("price_base_year")
    return spending.loc[first:]


def pathway_table(core_summary: pd.DataFrame, total_summary: pd.DataFrame) -> pd.DataFrame:
    """Per ally: start, required growth, recent growth over each window, the verdict, extra to
    core and to total (bn)."""
    windows = core_summary.attrs["windows"]
    columns = [
        "start_year",
        "start_share_pct",
        "target_pct",
        "required_real_growth_pct",
        *(f"recent_real_growth_pct_{w}y" for w in windows),
        "verdict",
    ]
    table = core_summary[columns].copy()
    table["extra_to_core_usd_bn"] = core_summary["cumulative_extra_usd_constant_m"] / 1000.0
    table["extra_to_total_usd_bn_upper"] = (
        total_summary["cumulative_extra_usd_constant_m"].reindex(table.index) / 1000.0
    )
    return table.sort_values("required_real_growth_pct", ascending=False)


def window_sensitivity(
    core_summary: pd.DataFrame, gdp_growth: float, other_gdp: dict[float, pd.DataFrame]
) -> pd.DataFrame:
    """How many allies below the target each growth window alone calls on track, off track or
    unknown, beside the verdict that holds across all windows; then that verdict at GDP growth
    one standard deviation of the draws either side of the assumption."""
    below = core_summary[core_summary["verdict"] != ALREADY]
    rows = {}
    for w in core_summary.attrs["windows"]:
        track = below[f"on_track_{w}y"]
        rows[f"last {w} year{'s' if w > 1 else ''} alone"] = {
            ON_TRACK: int(track.eq(True).sum()),
            OFF_TRACK: int(track.eq(False).sum()),
            UNKNOWN: int(track.isna().sum()),
        }
    every = f"every window ({windows_text(core_summary.attrs['windows'])})"
    for growth, summary in [(gdp_growth, core_summary), *other_gdp.items()]:
        verdict = summary.loc[below.index, "verdict"]
        label = every if growth == gdp_growth else f"{every}, GDP {signed(100 * growth, 2)}%/yr"
        rows[label] = {v: int(verdict.eq(v).sum()) for v in (ON_TRACK, DEPENDS, OFF_TRACK, UNKNOWN)}
    table = pd.DataFrame(rows).T.reindex(columns=[ON_TRACK, DEPENDS, OFF_TRACK, UNKNOWN])
    return table.fillna(0).astype(int).rename_axis("growth window")


def key_results(
    p: dict[str, Any],
    panel: pd.DataFrame,
    core_summary: pd.DataFrame,
    total_summary: pd.DataFrame,
    spending: pd.DataFrame,
) -> dict[str, Any]:
    """The headline figures: who is below, the verdicts across growth windows, extra cost,
    spending in ``by``, and each ally's required growth with the GDP growth it assumes."""
    by, verdict = p["by_year"], core_summary["verdict"]
    below = core_summary[verdict != ALREADY]
    windows = core_summary.attrs["windows"]
    return {
        "edition": panel.attrs["edition"],
        "core_target": p["core_target"],
        "core_target_pct": float(core_summary["target_pct"].min()),
        "total_target": p["total_target"],
        "by_year": by,
        "gdp_growth": p["gdp_growth"],
        "draws": p["draws"],
        "allies": len(core_summary),
        "allies_below_core": len(below),
        "growth_windows": list(windows),
        "allies_already_there": int(verdict.eq(ALREADY).sum()),
        "allies_on_track": int(verdict.eq(ON_TRACK).sum()),
        "allies_depends_on_window": int(verdict.eq(DEPENDS).sum()),
        "allies_off_track_count": int(verdict.eq(OFF_TRACK).sum()),
        "allies_off_track": sorted(verdict.index[verdict.eq(OFF_TRACK)]),
        "allies_track_unknown": sorted(verdict.index[verdict.eq(UNKNOWN)]),
        "on_track_by_window": {
            f"{w}y": int(below[f"on_track_{w}y"].eq(True).sum()) for w in windows
        },
        "verdict": {str(c): str(v) for c, v in verdict.items()},
        "required_real_growth_pct": core_summary["required_real_growth_pct"].to_dict(),
        "gdp_growth_pct": 100 * p["gdp_growth"],
        "extra_core_usd_constant_m": float(core_summary["cumulative_extra_usd_constant_m"].sum()),
        "extra_total_usd_constant_m_upper": float(
            total_summary["cumulative_extra_usd_constant_m"].sum()
        ),
        "spending_by_year_p50_usd_bn": float(spending.loc[by, "p50"]),
        "spending_by_year_p5_usd_bn": float(spending.loc[by, "p5"]),
        "spending_by_year_p95_usd_bn": float(spending.loc[by, "p95"]),
        "price_base_year": panel.attrs.get("price_base_year"),
        "count_ukraine_support": p["count_ukraine_support"],
    }


def growth_title(key: dict[str, Any]) -> str:
    """Verdicts that hold across the growth windows, the windows and the GDP assumption named."""
    core, by = fmt(key["core_target_pct"]), key["by_year"]
    unknown = len(key["allies_track_unknown"])
    return (
        f"{core}% by {by}: of {key['allies_below_core']} allies below it, "
        f"{key['allies_on_track']} grow fast enough over each of the last "
        f"{windows_text(key['growth_windows'])} years, {key['allies_depends_on_window']} only "
        f"over some, {key['allies_off_track_count']} over none"
        f"{f', {unknown} unknown' if unknown else ''}; {key['allies_already_there']} are there "
        f"already (GDP {signed(100 * key['gdp_growth'], 2)}%/yr)"
    )


def growth_figure(core_summary: pd.DataFrame, key: dict[str, Any], title: str) -> Figure:
    """Required real growth per ally, coloured by the verdict across the growth windows."""
    verdict = core_summary["verdict"]
    members = nato_allies(int(core_summary["start_year"].max()))
    windows = windows_text(key["growth_windows"])
    legend = {
        ON_TRACK: f"on track over each of the last {windows} years",
        DEPENDS: "depends on the growth window",
        OFF_TRACK: f"not on track over any of the last {windows} years",
        UNKNOWN: "track unknown (a window without a real-growth figure)",
        ALREADY: "already there (holds its share)",
    }
    groups = {legend[v]: list(verdict.index[verdict.eq(v)]) for v in VERDICTS if v != ON_TRACK}
    return plots.ranking_bars(
        core_summary["required_real_growth_pct"].reindex(members),
        title=title,
        xlabel=(
            "Required real growth of defence spending, % a year "
            f"(GDP {signed(100 * key['gdp_growth'], 2)}%/yr)"
        ),
        source=cite((NATO_SPENDING, key["edition"]))[0],
        groups={k: v for k, v in groups.items() if v},
        others=legend[ON_TRACK],
        missing="no NATO share of GDP",
    )


def fan_figure(spending: pd.DataFrame, key: dict[str, Any]) -> Figure:
    """Percentile bands of alliance spending on the path, after NATO's own total."""
    base, by, first = key["price_base_year"], key["by_year"], int(spending.index.min())
    panel = nato_panel(key["edition"], aggregates=True)
    history, estimate = None, None
    if "NATO_TOTAL" in panel.index.get_level_values("iso3"):
        total = panel.xs("NATO_TOTAL", level="iso3")
        history = total["defexp_usd_constant_m"] / 1000.0
        estimate = total["estimate"].fillna(False).astype(bool)
    return plots.fan_chart(
        spending,
        title=(
            f"At {fmt(key['core_target_pct'])}% by {by}, allies would spend about "
            f"US${spending.loc[by, 'p50']:,.0f} bn a year ({base} prices)"
        ),
        ylabel=f"Defence expenditure, US$ bn (constant {base} prices)",
        source=cite((NATO_SPENDING, key["edition"]))[0],
        history=history.loc[:first] if history is not None else None,
        history_estimate=estimate.loc[:first] if estimate is not None else None,
    )


def notes(key: dict[str, Any]) -> list[str]:
    core, by, base = fmt(key["core_target_pct"]), key["by_year"], key["price_base_year"]
    return [
        f"Allies already at or above {core}% hold their share (no extra cost). Allies without a "
        "NATO share (Iceland) are left out.",
        f"Extra spending is over holding today's share, summed to {by}, million/billion US$ at "
        f"constant {base} prices. The total-target column reaches "
        f"{target_label(key['total_target'])} with core spending alone (related spending is not "
        "in NATO's tables): an upper bound.",
        f"On track: the geometric mean of NATO's real change over the last "
        f"{windows_text(key['growth_windows'])} years to each ally's start year is at least the "
        "required real growth in every one of these windows; where the windows disagree (a "
        "one-off jump such as 2025's inside a short window) the verdict depends on the window "
        "and is not counted as on track. Allies already at the target are counted apart.",
    ]
