"""Hague 2035 pathways: for every ally, the path from its latest NATO share of GDP to the Hague
core target by ``by_year``, the real growth that needs, whether recent growth is on track, the
extra spending it costs, and a fan chart of alliance spending over uncertain GDP growth.

The total target (5%) also counts defence- and security-related spending (up to 1.5% of GDP),
which NATO's tables do not report: its cost here is the cost of reaching it with core spending
alone, an upper bound.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import plots
from ..errors import ParameterError
from ..loaders.nato import spending_panel
from ..loaders.support import load_support_monthly
from ..metrics import pathway_fan, pathway_summary
from ..metrics.support import annual_support, spending_with_support
from ..params import check_range, check_type
from ._common import (
    NATO,
    AnalysisResult,
    check_target,
    cite,
    fmt,
    latest_edition,
    plain,
    target_label,
    with_names,
)

DEFAULTS: dict[str, Any] = {
    "core_target": "hague_core_3_5",
    "total_target": "hague_total_5",
    "by_year": 2035,
    "gdp_growth": 0.015,
    "gdp_growth_sd": 0.005,
    "draws": 2000,
    "seed": 2035,
    "count_ukraine_support": False,
}
MAX_DRAWS = 1_000_000
SHARE = "defexp_share_gdp_pct"
MONTHLY = "kiel_support_monthly"


def validate(**params: Any) -> dict[str, Any]:
    """Check the parameters (defaults in :data:`DEFAULTS`); return the full set."""
    unknown = sorted(set(params) - set(DEFAULTS))
    if unknown:
        raise ParameterError(f"Unknown parameter(s) {unknown}; valid: {', '.join(DEFAULTS)}.")
    p = {**DEFAULTS, **params}
    check_target("core_target", p["core_target"])
    check_target("total_target", p["total_target"])
    check_type("by_year", p["by_year"], int)
    last = int(spending_panel(latest_edition(NATO)).index.get_level_values("year").max())
    check_range("by_year", p["by_year"], last + 1, 2100)
    check_range("gdp_growth", p["gdp_growth"], -0.2, 0.2)
    check_range("gdp_growth_sd", p["gdp_growth_sd"], 0.0, 0.1)
    check_type("draws", p["draws"], int)
    check_range("draws", p["draws"], 1, MAX_DRAWS)
    check_type("seed", p["seed"], int)
    check_type("count_ukraine_support", p["count_ukraine_support"], bool)
    return p


def with_ukraine_support(panel: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series, int]:
    """The panel with each ally's latest share of GDP raised by its military aid to Ukraine.

    Added (pp) = 100 × aid / GDP for the last complete calendar year of Kiel's monthly flows
    (military aid by announcement, converted to current US$ at ECB annual averages; GDP current
    US$), via ``spending_with_support``. It is added to the share in each ally's start year;
    allies absent from the tracker add nothing. Returns (panel, added pp by ally, aid year).
    """
    annual = annual_support(load_support_monthly(), aid_types=["military"])
    year = int(annual.loc[annual["complete"], "year"].max())
    counted = spending_with_support(
        panel, annual[annual["year"] == year], counts="military", double_count="acknowledge"
    )
    added = counted.xs(year, level="year")["added_pp"]
    shares = panel[SHARE].dropna()
    start = shares.reset_index().groupby("iso3")["year"].max()
    adjusted = panel.copy()
    for code, t0 in start.items():
        if code in added.index:
            adjusted.loc[(code, t0), SHARE] = adjusted.loc[(code, t0), SHARE] + added[code]
    return adjusted, added, year


def growth_draws(gdp_growth: float, sd: float, draws: int, seed: int) -> np.ndarray:
    """Assumed real GDP growth draws (fraction a year): Normal(gdp_growth, sd), seeded."""
    rng = np.random.default_rng(seed)
    return rng.normal(gdp_growth, sd, size=draws)


def run(**params: Any) -> AnalysisResult:
    """Per-ally pathways to the core target, costs of core and total targets, and the fan chart.

    Growth assumption: one real GDP growth rate ``g`` shared by all allies, drawn ``draws`` times
    from Normal(``gdp_growth``, ``gdp_growth_sd``) with ``seed``; the per-ally table uses the
    central value. With one draw shared by all allies every ally's spending rises with ``g``, so
    the percentiles of alliance spending are the sums of the allies' percentiles.
    """
    p = validate(**params)
    edition = latest_edition(NATO)
    panel = spending_panel(edition)
    panel_all = spending_panel(edition, include_aggregates=True)
    source = cite((NATO, edition))[0]
    core, total, by = p["core_target"], p["total_target"], p["by_year"]
    g = float(p["gdp_growth"])

    added = None
    if p["count_ukraine_support"]:
        panel, added, aid_year = with_ukraine_support(panel)
    core_summary = pathway_summary(panel, core, by, gdp_growth=g)
    total_summary = pathway_summary(panel, total, by, gdp_growth=g)
    table = core_summary[
        [
            "start_year",
            "start_share_pct",
            "target_pct",
            "required_real_growth_pct",
            "recent_real_growth_pct",
            "on_track",
            "cumulative_extra_usd_constant_m",
        ]
    ].copy()
    table["cumulative_extra_usd_constant_m"] /= 1000.0
    table = table.rename(columns={"cumulative_extra_usd_constant_m": "extra_to_core_usd_bn"})
    table["extra_to_total_usd_bn_upper"] = (
        total_summary["cumulative_extra_usd_constant_m"].reindex(table.index) / 1000.0
    )
    table = table.sort_values("required_real_growth_pct", ascending=False)

    draws = growth_draws(g, float(p["gdp_growth_sd"]), int(p["draws"]), int(p["seed"]))
    fan = pathway_fan(panel, core, by, gdp_growth=draws)
    spending = fan["spending_usd_constant_m"].groupby(level="year").sum(min_count=1) / 1000.0
    # only years every ally's path covers (paths start at each ally's own latest year)
    first = int(core_summary["start_year"].max())
    spending = spending.loc[first:]
    history = (
        panel_all["defexp_usd_constant_m"].xs("NATO_TOTAL", level="iso3") / 1000.0
        if ("NATO_TOTAL", first) in panel_all.index
        else None
    )
    base = panel.attrs.get("price_base_year")

    below = core_summary[core_summary["start_share_pct"] < core_summary["target_pct"]]
    on_track = core_summary["on_track"]
    key: dict[str, Any] = {
        "edition": edition,
        "core_target": core,
        "core_target_pct": float(core_summary["target_pct"].min()),
        "total_target": total,
        "by_year": by,
        "gdp_growth": g,
        "draws": int(p["draws"]),
        "allies": len(core_summary),
        "allies_below_core": len(below),
        "allies_on_track": int(on_track.fillna(False).sum()),
        "allies_off_track": sorted(on_track.index[on_track.eq(False).fillna(False)]),
        "extra_core_usd_constant_m": float(core_summary["cumulative_extra_usd_constant_m"].sum()),
        "extra_total_usd_constant_m_upper": float(
            total_summary["cumulative_extra_usd_constant_m"].sum()
        ),
        "spending_by_year_p50_usd_bn": float(spending.loc[by, "p50"]),
        "spending_by_year_p5_usd_bn": float(spending.loc[by, "p5"]),
        "spending_by_year_p95_usd_bn": float(spending.loc[by, "p95"]),
        "price_base_year": base,
        "count_ukraine_support": bool(p["count_ukraine_support"]),
    }

    result = AnalysisResult(title=f"Pathways to {target_label(core)} by {by}", sources=[source])
    if added is not None:
        key["ukraine_support_year"] = aid_year
        key["ukraine_support_added_pp"] = {str(c): float(v) for c, v in added.items()}
        result.sources.append(cite((MONTHLY, "R29"))[0])
        result.notes.append(
            f"Ukraine support counted: each ally's start share includes its {aid_year} military "
            "aid to Ukraine as % of GDP (Kiel, by announcement). An upper bound: some allies "
            "already report part of this aid in their NATO figures (double-count risk)."
        )
    core_pct = key["core_target_pct"]
    result.figures["required_growth"] = plots.ranking_bars(
        core_summary["required_real_growth_pct"],
        title=(
            f"{key['allies_on_track']} of {key['allies']} allies grow fast enough to reach "
            f"{fmt(core_pct)}% by {by} (GDP +{fmt(100 * g, 2)}%/yr)"
        ),
        xlabel="Required real growth of defence spending, % a year",
        source=source,
        highlight=key["allies_off_track"],
    )
    history_span = history.loc[:first] if history is not None else None
    result.figures["fan"] = plots.fan_chart(
        spending,
        title=(
            f"At {fmt(core_pct)}% by {by}, allies would spend about "
            f"US${spending.loc[by, 'p50']:,.0f} bn a year ({base} prices)"
        ),
        ylabel=f"Defence expenditure, US$ bn (constant {base} prices)",
        source=source,
        history=history_span,
    )
    result.tables["pathways"] = with_names(table).round(2)
    result.tables["alliance_spending_fan_usd_bn"] = spending.round(1)
    result.notes = [
        f"Allies already at or above {fmt(core_pct)}% hold their share (no extra cost). Allies "
        "without a NATO share (Iceland) are left out.",
        f"Extra spending is over holding today's share, summed to {by}, million/billion US$ at "
        f"constant {base} prices. The total-target column reaches {target_label(total)} with "
        "core spending alone (related spending is not in NATO's tables): an upper bound.",
        "On track: the geometric mean of NATO's real change over the three years to each "
        "ally's start year is at least the required real growth.",
        "Highlighted bars: allies whose recent real growth falls short of the required rate.",
    ]
    result.key_results = plain(key)
    return result
