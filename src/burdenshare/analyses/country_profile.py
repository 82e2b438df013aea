"""Country profile: one ally's defence spending history (NATO and SIPRI side by side), real
growth, equipment share against the 20% guideline, and its gap and pathway to the Hague target.

Data: the newest NATO edition (share of GDP, constant-price spending, real change, equipment
share, GDP) and the newest SIPRI release (share of GDP, calendar years, broader definition).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import plots
from ..countries import name as country_name
from ..countries import nato_allies
from ..editions import editions
from ..errors import ParameterError
from ..loaders.nato import spending_panel
from ..loaders.pledges import load_pledges
from ..loaders.sipri import load_sipri
from ..loaders.support import latest_support_release, load_support, load_support_monthly
from ..metrics import cagr, equipment_share, pathway, pathway_summary, target_gap
from ..metrics.support import AID_TYPES, annual_support, support_vs_defence
from ..params import check_choice, check_type, check_year_span
from ..targets import target_year
from ._common import (
    NATO,
    SIPRI,
    AnalysisResult,
    cite,
    fmt,
    latest_edition,
    plain,
    short_source,
    target_label,
)

DEFAULTS: dict[str, Any] = {"country": "POL", "start_year": 2014, "end_year": 2026}
#: The profile's fixed reference targets (ids in the commitments table).
TARGETS = ("wales_2pct", "hague_core_3_5")
EQUIPMENT = "wales_20pct_equipment"
PATHWAY_TARGET = "hague_core_3_5"
RECENT_YEARS = 3
KIEL, MONTHLY, PLEDGES = "kiel_support", "kiel_support_monthly", "pledges"


def _panel() -> pd.DataFrame:
    return spending_panel(latest_edition(NATO))


def countries() -> list[str]:
    """Members of the alliance in the newest NATO year (Iceland, which has no armed forces and
    no NATO figure, gets a profile from SIPRI and the support data only)."""
    return list(nato_allies(int(_panel().index.get_level_values("year").max())))


def _has_nato(country: str) -> bool:
    panel = _panel()
    return (
        bool(panel["defexp_share_gdp_pct"].xs(country, level="iso3").notna().any())
        if (country in set(panel.index.get_level_values("iso3")))
        else False
    )


def validate(
    country: str = DEFAULTS["country"],
    start_year: int = DEFAULTS["start_year"],
    end_year: int = DEFAULTS["end_year"],
) -> dict[str, Any]:
    """Check the parameters: an ally with data (ISO3) and a year span inside the NATO data."""
    check_type("country", country, str)
    check_choice("country", country, countries())
    years = _panel().index.get_level_values("year")
    first, last = int(years.min()), int(years.max())
    check_year_span("start_year", start_year, "end_year", end_year, first, last)
    if end_year < first + RECENT_YEARS:
        raise ParameterError(
            f"Parameter 'end_year' = {end_year} is too early: the pathway needs {RECENT_YEARS} "
            f"earlier years of data; choose a year from {first + RECENT_YEARS} to {last}."
        )
    return {"country": country, "start_year": start_year, "end_year": end_year}


def run(
    country: str = DEFAULTS["country"],
    start_year: int = DEFAULTS["start_year"],
    end_year: int = DEFAULTS["end_year"],
) -> AnalysisResult:
    """History, growth, equipment share, gap to 2% and 3.5% in ``end_year``, pathway to 3.5%.

    Pathway: from the ally's share in ``end_year`` to the Hague core target by its target year (2035, from the targets data) at constant
    real growth, with GDP growing at the ally's own real GDP growth of the three years to
    ``end_year`` (``gdp_growth="recent"``); on track = recent real spending growth >= required.
    """
    validate(country, start_year, end_year)
    if not _has_nato(country):
        return _without_nato(country, start_year, end_year)
    edition = latest_edition(NATO)
    release = latest_edition(SIPRI)
    panel = _panel()
    source_nato, source_sipri = cite((NATO, edition), (SIPRI, release))
    label = country_name(country)
    mine = panel.xs(country, level="iso3", drop_level=False)
    span = (mine.index.get_level_values("year") >= start_year) & (
        mine.index.get_level_values("year") <= end_year
    )
    mine = mine[span]
    sipri = load_sipri(release)
    sipri = sipri[(sipri["iso3"] == country) & (sipri["indicator"] == "milex_share_gdp_pct")]
    sipri = sipri[(sipri["year"] >= start_year) & (sipri["year"] <= end_year)]
    sipri_share = sipri.set_index("year")["value"]

    history = pd.DataFrame(
        {
            "nato_share_gdp_pct": mine["defexp_share_gdp_pct"].droplevel("iso3"),
            "nato_estimate": mine["estimate"].droplevel("iso3"),
            "sipri_share_gdp_pct": sipri_share,
            "real_change_pct": mine["defexp_real_change_pct"].droplevel("iso3"),
            "spending_usd_constant_m": mine["defexp_usd_constant_m"].droplevel("iso3"),
            "equipment_share_pct": mine["equipment_share_pct"].droplevel("iso3"),
        }
    ).rename_axis("year")
    history = history.loc[start_year:end_year]

    key: dict[str, Any] = {
        "country": country,
        "name": label,
        "nato_figures": True,
        "edition": edition,
        "sipri_release": release,
        "start_year": start_year,
        "end_year": end_year,
    }
    share_end = history["nato_share_gdp_pct"].get(end_year)
    key["share_end_pct"] = share_end
    key["share_start_pct"] = history["nato_share_gdp_pct"].get(start_year)
    key["estimate_end"] = bool(history["nato_estimate"].get(end_year, False))
    sipri_last = sipri_share.dropna()
    key["sipri_last_year"] = int(sipri_last.index.max()) if len(sipri_last) else None
    key["sipri_last_share_pct"] = float(sipri_last.iloc[-1]) if len(sipri_last) else None
    if end_year > start_year:
        growth = cagr(panel, start_year, end_year).get(country)
        key["real_cagr_pct"] = growth
    equip = equipment_share(panel, EQUIPMENT, years=end_year)
    if (country, end_year) in equip.index:
        key["equipment_share_end_pct"] = equip.at[(country, end_year), "share_pct"]
        meets = equip.at[(country, end_year), "meets"]
        key["equipment_meets_20pct"] = None if pd.isna(meets) else bool(meets)

    gaps = []
    for target in TARGETS:
        gap = target_gap(panel, target, years=end_year, countries=country).iloc[0]
        gaps.append(
            {
                "target": target_label(target),
                "target_pct": gap["target_pct"],
                "share_pct": gap["share_pct"],
                "gap_pp": gap["gap_pp"],
                "gap_usd_current_m": gap["gap_usd_current_m"],
                f"gap_{gap['currency']}_current_m": gap["gap_ncu_current_m"],
            }
        )
        key[f"gap_pp_{target}"] = gap["gap_pp"]
        key[f"gap_usd_current_m_{target}"] = gap["gap_usd_current_m"]
    gap_table = pd.DataFrame(gaps).set_index("target")

    by_year = target_year(PATHWAY_TARGET)
    summary = pathway_summary(
        panel,
        PATHWAY_TARGET,
        by_year,
        gdp_growth="recent",
        start_year=end_year,
        countries=country,
    ).iloc[0]
    path = pathway(
        panel,
        PATHWAY_TARGET,
        by_year,
        gdp_growth="recent",
        start_year=end_year,
        countries=country,
    ).xs(country, level="iso3")
    key["required_real_growth_pct"] = summary["required_real_growth_pct"]
    key["recent_real_growth_pct"] = summary["recent_real_growth_pct"]
    key["on_track"] = None if pd.isna(summary["on_track"]) else bool(summary["on_track"])
    key["cumulative_extra_usd_constant_m"] = summary["cumulative_extra_usd_constant_m"]

    result = AnalysisResult(title=f"{label}: defence spending {start_year}-{end_year}")
    result.sources = [source_nato, source_sipri]
    targets = {
        target_label(t): float(gap_table.loc[target_label(t), "target_pct"]) for t in TARGETS
    }
    change = (
        f"from {fmt(key['share_start_pct'])}% to {fmt(share_end)}% of GDP"
        if key["share_start_pct"] is not None and share_end is not None
        else f"at {fmt(share_end)}% of GDP in {end_year}"
    )
    lines = history[["nato_share_gdp_pct", "sipri_share_gdp_pct"]]
    estimates = pd.DataFrame(
        {"nato_share_gdp_pct": history["nato_estimate"].astype(bool), "sipri_share_gdp_pct": False}
    )
    result.figures["share_of_gdp"] = plots.time_lines(
        lines,
        title=f"{label}'s defence spending went {change} ({start_year}-{end_year}, NATO)",
        ylabel="Defence expenditure, % of GDP",
        source=short_source((NATO, edition), (SIPRI, release)),
        estimate=estimates,
        targets=targets,
        labels={"nato_share_gdp_pct": "NATO", "sipri_share_gdp_pct": "SIPRI (calendar year)"},
    )
    equip_line = history[["equipment_share_pct"]]
    if equip_line.notna().any().any():
        eq_end = key.get("equipment_share_end_pct")
        result.figures["equipment"] = plots.time_lines(
            equip_line,
            title=(
                f"{label} spent {fmt(eq_end, 1)}% of its defence budget on major equipment in "
                f"{end_year}"
                if eq_end is not None
                else f"{label}: equipment share"
            ),
            ylabel="Equipment, % of defence expenditure",
            source=source_nato,
            estimate=history[["nato_estimate"]]
            .rename(columns={"nato_estimate": "equipment_share_pct"})
            .astype(bool),
            targets={f"{target_label(EQUIPMENT)} equipment": float(equip["target_pct"].iloc[0])},
            labels={"equipment_share_pct": "equipment share"},
        )
    verdict = {True: "on track", False: "not on track", None: "track unknown"}[key["on_track"]]
    need = summary["required_real_growth_pct"]
    path_frame = path[["share_pct", "trend_share_pct"]]
    core = targets[target_label("hague_core_3_5")]
    result.figures["pathway"] = plots.time_lines(
        path_frame,
        title=(
            f"{label} needs {fmt(need, 1)}% real growth a year to reach {fmt(core)}% by "
            f"{by_year}: {verdict}"
            if summary["start_share_pct"] < core
            else f"{label} is above {fmt(core)}% already; holding its share needs "
            f"{fmt(need, 1)}% real growth a year: {verdict}"
        ),
        ylabel="Defence expenditure, % of GDP",
        source=source_nato,
        targets={target_label("hague_core_3_5"): core},
        labels={
            "share_pct": "required path (constant real growth)",
            "trend_share_pct": "if recent real growth continues",
        },
    )

    display = history.copy()
    display["spending_usd_constant_m"] = display["spending_usd_constant_m"].round(0)
    result.tables["history"] = display.round(2)
    result.tables["gaps"] = gap_table.round(2)
    result.tables["pathway"] = path.round(2)
    result.notes = [
        "NATO figures follow NATO's definition and fiscal years (from the 2026 edition: core "
        "defence expenditure); SIPRI's definition is broader and uses calendar years, so the two "
        "lines differ by construction.",
        f"Pathway assumption: real GDP grows at {label}'s own average of the three years to "
        f"{end_year} ({fmt(summary['gdp_growth_pct'], 2)}% a year); constant prices of "
        f"{panel.attrs.get('price_base_year')}.",
    ]
    key["gdp_growth_pct"] = summary["gdp_growth_pct"]
    _support_section(result, key, country, start_year, end_year, panel)
    result.key_results = plain(key)
    return result


def _sipri_share(country: str, release: str, start_year: int, end_year: int) -> pd.Series:
    sipri = load_sipri(release)
    sipri = sipri[(sipri["iso3"] == country) & (sipri["indicator"] == "milex_share_gdp_pct")]
    sipri = sipri[(sipri["year"] >= start_year) & (sipri["year"] <= end_year)]
    return sipri.set_index("year")["value"].rename("sipri_share_gdp_pct")


def _without_nato(country: str, start_year: int, end_year: int) -> AnalysisResult:
    """Profile of an ally NATO publishes no figure for (Iceland): SIPRI and support only."""
    edition, release = latest_edition(NATO), latest_edition(SIPRI)
    label = country_name(country)
    share = _sipri_share(country, release, start_year, end_year)
    history = share.reindex(range(start_year, end_year + 1)).rename_axis("year").to_frame()
    result = AnalysisResult(title=f"{label}: defence spending {start_year}-{end_year}")
    result.sources = cite((SIPRI, release))
    known = share.dropna()
    key: dict[str, Any] = {
        "country": country,
        "name": label,
        "edition": edition,
        "sipri_release": release,
        "start_year": start_year,
        "end_year": end_year,
        "share_end_pct": None,
        "nato_figures": False,
        "sipri_last_year": int(known.index.max()) if len(known) else None,
        "sipri_last_share_pct": float(known.iloc[-1]) if len(known) else None,
    }
    if len(known):
        result.figures["share_of_gdp"] = plots.time_lines(
            history,
            title=(
                f"NATO publishes no defence figure for {label}; SIPRI: "
                f"{fmt(known.iloc[-1], 2)}% of GDP in {known.index.max()}"
            ),
            ylabel="Military expenditure, % of GDP (SIPRI)",
            source=result.sources[0],
            labels={"sipri_share_gdp_pct": "SIPRI (calendar year)"},
        )
    result.tables["history"] = history.round(2)
    result.notes.append(
        f"NATO's tables carry no defence expenditure for {label} (it has no armed forces), so "
        "there is no NATO share, gap or pathway; SIPRI's broader series is shown instead."
    )
    _support_section(result, key, country, start_year, end_year, _panel())
    result.key_results = plain(key)
    return result


def _support_section(
    result: AnalysisResult,
    key: dict[str, Any],
    country: str,
    start_year: int,
    end_year: int,
    panel: pd.DataFrame,
) -> None:
    """Support to Ukraine by type (Kiel, newest EUR release), as % of 2021 GDP, relative to the
    ally's own defence budget per year (military aid, by announcement), and its named pledges."""
    release = latest_support_release("EUR")
    support = load_support(release, None)
    mine = support[
        (support["iso3"] == country)
        & (support["scope"] == "bilateral")
        & (support["measure"] == "allocation")
    ]
    money = mine[mine["unit"] == "billion EUR"].set_index("aid_type")["value"]
    pct = mine[(mine["unit"] == "% of 2021 GDP") & (mine["aid_type"] == "total")]["value"]
    result.sources.append(cite((KIEL, release))[0])
    key["support_release"] = release
    if money.empty:
        key["support_total_eur_bn"] = None
        result.notes.append(f"{country_name(country)} is not a donor in Kiel {release}.")
    else:
        by_type = money.reindex([*AID_TYPES, "total"]).rename("billion EUR").to_frame()
        result.tables["support_by_type"] = by_type.round(3)
        key["support_total_eur_bn"] = float(money.get("total", float("nan")))
        key["support_military_eur_bn"] = float(money.get("military", float("nan")))
    key["support_share_2021_gdp_pct"] = float(pct.iloc[0]) if len(pct) else None

    monthly = load_support_monthly()
    annual = annual_support(monthly, aid_types=["military"])
    annual = annual[annual["complete"] & (annual["iso3"] == country)]
    annual = annual[(annual["year"] >= start_year) & (annual["year"] <= end_year)]
    relative = support_vs_defence(annual, panel, counts="military") if not annual.empty else None
    if relative is not None and country in set(relative.index.get_level_values("iso3")):
        relative = relative.xs(country, level="iso3")
        result.tables["support_vs_defence"] = relative.round(2)
        key["support_pct_of_defence"] = {
            str(y): float(v) for y, v in relative["pct_of_defence"].items()
        }
        result.sources.append(cite((MONTHLY, "R29"))[0])
        last = relative.index.max()
        result.figures["support_vs_defence"] = plots.time_lines(
            relative[["pct_of_defence"]],
            title=(
                f"{country_name(country)}'s military aid to Ukraine equalled "
                f"{fmt(relative.at[last, 'pct_of_defence'], 1)}% of its defence spending in {last}"
            ),
            ylabel="Military aid announced, % of defence expenditure",
            source=short_source((MONTHLY, "R29"), (NATO, panel.attrs["edition"])),
            labels={"pct_of_defence": "military aid / defence spending"},
        )
    pledges = load_pledges(alternatives=False)
    named = pledges[pledges["donor_codes"].fillna("").str.split(";").map(lambda c: country in c)]
    key["pledges"] = list(named["pledge_id"])
    if len(named):
        result.tables["pledges"] = named.set_index("pledge_id")[
            ["date", "donor", "amount", "scale", "currency", "channel", "aid_type", "kind"]
        ]
        result.sources.append(cite((PLEDGES, list(editions(PLEDGES))[-1]))[0])
