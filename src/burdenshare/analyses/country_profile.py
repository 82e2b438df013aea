"""Country profile: one ally's defence spending history (NATO and SIPRI side by side), real
growth, equipment share against the 20% guideline, its gap and pathway to the Hague target, and
its support to Ukraine (by type, as % of GDP and of its own defence budget) with named pledges.

Data: the newest NATO edition (share of GDP, constant-price spending, real change, equipment
share, GDP), the newest SIPRI release (share of GDP, calendar years, broader definition), the
newest Kiel release in EUR and the Kiel monthly flows, and the pledges table.

Pairs with ``notebooks/country_profile.ipynb`` (same name).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .. import plots
from ..countries import name as country_name
from ..countries import nato_allies
from ..datasets import KIEL_MONTHLY, KIEL_SUPPORT, NATO_SPENDING, PLEDGES, PPP, SIPRI_MILEX
from ..editions import latest, resolve
from ..errors import ParameterError
from ..loaders.nato import load_spending
from ..loaders.pledges import load_pledges
from ..loaders.ppp import load_ppp
from ..loaders.support import load_support
from ..metrics import cagr, equipment_share, pathway, target_gap, to_ppp, track_verdicts
from ..metrics.pathways import ALREADY, DEPENDS, ON_TRACK, UNKNOWN
from ..metrics.support import AID_TYPES, support_vs_defence
from ..params import check_choice, check_type, check_year_span
from ..plots import possessive
from ..targets import target_value, target_year
from ._format import (
    cite,
    fmt,
    listing,
    plain,
    short_source,
    signed,
    target_label,
    trend_text,
    windows_text,
)
from ._inputs import (
    GROWTH_WINDOWS,
    PATHWAY_GDP_GROWTH,
    complete_years,
    military_aid_by_year,
    nato_edition,
    nato_panel,
    nato_years,
    sipri_release,
    sipri_share,
    support_release,
)
from .result import AnalysisResult

DEFAULTS: dict[str, Any] = {"country": "POL", "start_year": 2014, "end_year": 2026}
#: The profile's fixed reference targets (ids in the commitments table).
TARGETS = ("wales_2pct", "hague_core_3_5")
EQUIPMENT = "wales_20pct_equipment"
PATHWAY_TARGET = "hague_core_3_5"
RECENT_YEARS = 3  # the window of the "if recent real growth continued" line
UNIT_EQUIPMENT = "% of defence expenditure"
LABELS = {
    "share_end_pct": "Defence expenditure in the last year (% of GDP, NATO)",
    "real_cagr_pct": "Real growth of defence spending (% a year)",
    "equipment_share_end_pct": "Equipment share in the last year (% of defence spending)",
    "gap_pp_hague_core_3_5": "Gap to the Hague 3.5% core target (percentage points)",
    "required_real_growth_pct": "Real growth needed to reach 3.5% by 2035 (% a year, at the "
    "GDP growth assumed)",
    "gdp_growth_pct": "Real GDP growth assumed (% a year)",
    "sipri_last_share_pct": "SIPRI, latest share of GDP (%)",
    "support_total_eur_bn": "Support to Ukraine allocated (EUR bn, cumulative)",
    "support_share_2021_gdp_pct": "Support to Ukraine (% of 2021 GDP)",
}


def countries() -> list[str]:
    """Members of the alliance in the newest NATO year (Iceland, which has no armed forces and
    no NATO figure, gets a profile from SIPRI and the support data only)."""
    return list(nato_allies(nato_years()[-1]))


def has_nato_figures(country: str, panel: pd.DataFrame) -> bool:
    """Whether NATO publishes a share of GDP for the country in any year."""
    if country not in set(panel.index.get_level_values("iso3")):
        return False
    return bool(panel["defexp_share_gdp_pct"].xs(country, level="iso3").notna().any())


def validate(
    country: str = DEFAULTS["country"],
    start_year: int = DEFAULTS["start_year"],
    end_year: int = DEFAULTS["end_year"],
) -> dict[str, Any]:
    """Check the parameters: an ally with data (ISO3) and a year span inside the NATO data."""
    check_type("country", country, str)
    check_choice("country", country, countries())
    years = nato_years()
    first, last = years[0], years[-1]
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
    """History, growth, equipment share, gap to 2% and 3.5% in ``end_year``, pathway to 3.5%,
    and support to Ukraine.

    Pathway: from the ally's share in ``end_year`` to the Hague core target by its target year
    (2035, from the targets data) at constant real growth, with real GDP growing at the
    assumption the Hague pathways report uses (1.5% a year), so both state one number; the
    verdict holds across the growth windows (last 1, 3 and 5 years) or says it depends on the
    window. The line "if recent real growth continued" (last three years) is an
    extrapolation, shown as one.
    """
    validate(country, start_year, end_year)
    edition, release, panel = nato_edition(), sipri_release(), nato_panel()
    sipri = sipri_share(country, start_year, end_year, release)
    key: dict[str, Any] = {
        "country": country,
        "name": country_name(country),
        "nato_figures": has_nato_figures(country, panel),
        "edition": edition,
        "sipri_release": release,
        "start_year": start_year,
        "end_year": end_year,
        **sipri_latest(sipri),
    }
    result = AnalysisResult(title="", key_results=key, labels=dict(LABELS))
    if key["nato_figures"]:
        spending_section(result, panel, sipri)
    else:
        sipri_only_section(result, sipri)
    support_section(result, panel)
    result.labels = {k: v for k, v in result.labels.items() if k in key}
    result.key_results = plain(key)
    return result


def sipri_latest(sipri: pd.Series) -> dict[str, Any]:
    known = sipri.dropna()
    return {
        "sipri_last_year": int(known.index.max()) if len(known) else None,
        "sipri_last_share_pct": float(known.iloc[-1]) if len(known) else None,
    }


def spending_section(result: AnalysisResult, panel: pd.DataFrame, sipri: pd.Series) -> None:
    """NATO history beside SIPRI, equipment share, gaps to the targets and the pathway."""
    key = result.key_results
    country, first, last = key["country"], key["start_year"], key["end_year"]
    history = history_table(panel, country, first, last, sipri)
    key.update(history_figures(panel, history, country, first, last))
    result.sources += cite((NATO_SPENDING, key["edition"]), (SIPRI_MILEX, key["sipri_release"]))
    result.figures["share_of_gdp"] = share_figure(history, key)
    result.title = plots.title_of(result.figures["share_of_gdp"])
    equipment = equipment_figure(history, key)
    if equipment is not None:
        result.figures["equipment"] = equipment
    result.tables["history"] = history.assign(
        spending_usd_constant_m=history["spending_usd_constant_m"].round(0)
    ).round(2)
    result.tables["gaps"] = gap_table(panel, country, last, key).round(2)
    summary, path = pathway_to_core(panel, country, last, key)
    result.figures["pathway"] = pathway_figure(path, summary, key)
    result.tables["pathway"] = path.round(2)
    at_ppp(result)
    result.notes += [
        "NATO figures follow NATO's definition and fiscal years (from the 2026 edition: core "
        "defence expenditure); SIPRI's definition is broader and uses calendar years, so the two "
        "lines differ by construction.",
        f"Pathway assumption: real GDP grows {fmt(key['gdp_growth_pct'], 2)}% a year (the Hague "
        f"pathways report's assumption); constant prices of {panel.attrs.get('price_base_year')}. "
        f"The verdict compares the required growth with real growth over the last "
        f"{windows_text(key['growth_windows'])} years to {last} and is stated only where they "
        f"agree. The line 'if recent real growth continued' extrapolates the last {RECENT_YEARS} "
        "years' growth of spending against that of GDP: not a forecast.",
    ]


#: Headers of the table of spending at market rates and at purchasing-power parity.
PPP_HEADERS = {
    "market_usd_m": "At market exchange rates (million US$, current prices)",
    "ppp_intl_usd_m": "At purchasing-power parity (million international $, current prices)",
    "ppp_over_market": "PPP / market (ratio)",
}


def at_ppp(result: AnalysisResult) -> None:
    """The ally's NATO spending at market exchange rates beside purchasing-power parity (World
    Bank GDP PPP factors), for the years of the span with a factor."""
    key = result.key_results
    country, first, last = key["country"], key["start_year"], key["end_year"]
    nato = load_spending(edition=key["edition"])
    mine = nato[(nato["iso3"] == country) & nato["year"].between(first, last)]
    ppp = load_ppp()
    covered = set(ppp.loc[ppp["iso3"] == country, "year"])
    mine = mine[mine["year"].isin(covered)]
    national = mine[mine["indicator"] == "defexp_ncu_current_m"]
    if national.empty:
        return
    converted = to_ppp(national, ppp).set_index("year")["intl_usd_m"]
    market = mine[mine["indicator"] == "defexp_usd_current_m"].set_index("year")["value"]
    table = pd.DataFrame({"market_usd_m": market, "ppp_intl_usd_m": converted})
    table["ppp_over_market"] = table["ppp_intl_usd_m"] / table["market_usd_m"]
    result.tables["at_ppp"] = table.rename_axis("year").round(
        {"market_usd_m": 0, "ppp_intl_usd_m": 0, "ppp_over_market": 2}
    )
    result.headers.update(PPP_HEADERS)
    result.sources += cite((PPP, resolve(PPP, "latest")[0].label))
    result.notes.append(
        "At purchasing-power parity: NATO's national-currency figure divided by the World Bank's "
        "GDP PPP factor (2022 on: World Bank extrapolations). A GDP-wide PPP prices the whole "
        "economy, not defence equipment bought at world prices: a reading of purchasing power at "
        "home, not a measure of military output."
    )


def history_table(
    panel: pd.DataFrame, country: str, first: int, last: int, sipri: pd.Series
) -> pd.DataFrame:
    """NATO share (and estimate flag) beside SIPRI's, real change, spending, equipment share."""
    mine = panel.xs(country, level="iso3")
    mine = mine[(mine.index >= first) & (mine.index <= last)]
    history = pd.DataFrame(
        {
            "nato_share_gdp_pct": mine["defexp_share_gdp_pct"],
            "nato_estimate": mine["estimate"],
            "sipri_share_gdp_pct": sipri,
            "real_change_pct": mine["defexp_real_change_pct"],
            "spending_usd_constant_m": mine["defexp_usd_constant_m"],
            "equipment_share_pct": mine["equipment_share_pct"],
        }
    ).rename_axis("year")
    return history.loc[first:last]


def history_figures(
    panel: pd.DataFrame, history: pd.DataFrame, country: str, first: int, last: int
) -> dict[str, Any]:
    """Shares at both ends, the estimate flag, real growth and the equipment share."""
    found: dict[str, Any] = {
        "share_end_pct": history["nato_share_gdp_pct"].get(last),
        "share_start_pct": history["nato_share_gdp_pct"].get(first),
        "estimate_end": bool(history["nato_estimate"].get(last, False)),
    }
    if last > first:
        found["real_cagr_pct"] = cagr(panel, first, last).get(country)
    equip = equipment_share(panel, EQUIPMENT, years=last)
    if (country, last) in equip.index:
        found["equipment_share_end_pct"] = equip.at[(country, last), "share_pct"]
        meets = equip.at[(country, last), "meets"]
        found["equipment_meets_20pct"] = None if pd.isna(meets) else bool(meets)
    return found


def share_figure(history: pd.DataFrame, key: dict[str, Any]) -> Figure:
    """NATO and SIPRI shares of GDP with the Wales and Hague lines."""
    line = history["nato_share_gdp_pct"].dropna()
    change = (
        f"as a share of GDP (NATO) {trend_text(line, str, 2)}"
        if len(line) > 1
        else f"was {fmt(line.iloc[-1])}% of GDP in {line.index[-1]} (NATO)"
    )
    estimates = pd.DataFrame(
        {"nato_share_gdp_pct": history["nato_estimate"].astype(bool), "sipri_share_gdp_pct": False}
    )
    return plots.time_lines(
        history[["nato_share_gdp_pct", "sipri_share_gdp_pct"]],
        title=f"{possessive(key['name'])} defence spending {change}",
        ylabel="Defence expenditure, % of GDP",
        source=short_source((NATO_SPENDING, key["edition"]), (SIPRI_MILEX, key["sipri_release"])),
        estimate=estimates,
        targets={target_label(t): target_value(t) for t in TARGETS},
        labels={"nato_share_gdp_pct": "NATO", "sipri_share_gdp_pct": "SIPRI (calendar year)"},
    )


def equipment_figure(history: pd.DataFrame, key: dict[str, Any]) -> Figure | None:
    """Equipment share against the 20% guideline (None if NATO gives no equipment share)."""
    line = history[["equipment_share_pct"]]
    if not line.notna().any().any():
        return None
    share = key.get("equipment_share_end_pct")
    title = (
        f"{key['name']} spent {fmt(share, 1)}% of its defence budget on major equipment in "
        f"{key['end_year']}"
        if share is not None
        else f"{possessive(key['name'])} equipment share"
    )
    return plots.time_lines(
        line,
        title=title,
        ylabel="Equipment, % of defence expenditure",
        source=cite((NATO_SPENDING, key["edition"]))[0],
        estimate=history[["nato_estimate"]]
        .rename(columns={"nato_estimate": "equipment_share_pct"})
        .astype(bool),
        targets={f"{target_label(EQUIPMENT)} equipment": target_value(EQUIPMENT, UNIT_EQUIPMENT)},
        labels={"equipment_share_pct": "equipment share"},
    )


def gap_table(panel: pd.DataFrame, country: str, year: int, key: dict[str, Any]) -> pd.DataFrame:
    """Gap to 2% and to 3.5% in ``year``: pp, million US$ and national currency."""
    rows = []
    for target in TARGETS:
        gap = target_gap(panel, target, years=year, countries=country).iloc[0]
        rows.append(
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
    return pd.DataFrame(rows).set_index("target")


def pathway_to_core(
    panel: pd.DataFrame, country: str, year: int, key: dict[str, Any]
) -> tuple[pd.Series, pd.DataFrame]:
    """The ally's path to the Hague core target from ``year`` at the shared GDP assumption, and
    its verdict across the growth windows."""
    by = target_year(PATHWAY_TARGET)
    options = {"gdp_growth": PATHWAY_GDP_GROWTH, "start_year": year, "countries": country}
    summary = track_verdicts(panel, PATHWAY_TARGET, by, windows=GROWTH_WINDOWS, **options)
    summary = summary.iloc[0]
    path = pathway(panel, PATHWAY_TARGET, by, recent_years=RECENT_YEARS, **options)
    key.update(
        {
            "required_real_growth_pct": summary["required_real_growth_pct"],
            "gdp_growth_pct": summary["gdp_growth_pct"],
            "growth_windows": list(GROWTH_WINDOWS),
            **{
                f"recent_real_growth_pct_{w}y": summary[f"recent_real_growth_pct_{w}y"]
                for w in GROWTH_WINDOWS
            },
            "verdict": summary["verdict"],
            "cumulative_extra_usd_constant_m": summary["cumulative_extra_usd_constant_m"],
        }
    )
    return summary, path.xs(country, level="iso3")


def verdict_text(summary: pd.Series, windows: list[int]) -> str:
    """The verdict as a title says it, naming the windows (and which ones agree)."""
    verdict = summary["verdict"]
    if verdict == ON_TRACK:
        return f"on track over each of the last {windows_text(windows)} years"
    if verdict == DEPENDS:
        fast = [w for w in windows if summary[f"on_track_{w}y"] == True]  # noqa: E712 (NA)
        slow = [w for w in windows if summary[f"on_track_{w}y"] == False]  # noqa: E712
        return (
            f"on track over the last {listing([str(w) for w in fast])} "
            f"year{'s' if fast != [1] else ''}, not over the last "
            f"{listing([str(w) for w in slow], 'or')} year{'s' if slow != [1] else ''}"
        )
    if verdict == UNKNOWN:
        return f"track unknown (NATO gives no real growth over one of the last {windows_text(windows)} years)"
    return f"not on track over any of the last {windows_text(windows)} years"


def pathway_figure(path: pd.DataFrame, summary: pd.Series, key: dict[str, Any]) -> Figure:
    """Required path and the extrapolated trend, with the core target line."""
    need, by = fmt(summary["required_real_growth_pct"], 1), target_year(PATHWAY_TARGET)
    core, gdp = target_value(PATHWAY_TARGET), signed(key["gdp_growth_pct"], 2)
    title = (
        f"{key['name']} is at {fmt(core)}% or above already; holding its share needs {need}% "
        f"real growth a year (GDP {gdp}%/yr)"
        if summary["verdict"] == ALREADY
        else f"{key['name']} needs {need}% real growth a year to reach {fmt(core)}% by {by} "
        f"(GDP {gdp}%/yr): {verdict_text(summary, key['growth_windows'])}"
    )
    shown = path[["share_pct", "trend_share_pct"]]
    # the path starts from NATO's figure for the last year, which may be an estimate
    estimate = pd.DataFrame(False, index=shown.index, columns=["share_pct"])
    estimate.iloc[0, 0] = bool(key["estimate_end"])
    return plots.time_lines(
        shown,
        estimate=estimate,
        title=title,
        ylabel="Defence expenditure, % of GDP",
        source=cite((NATO_SPENDING, key["edition"]))[0],
        targets={target_label(PATHWAY_TARGET): core},
        labels={
            "share_pct": "required path (constant real growth)",
            "trend_share_pct": f"if the last {RECENT_YEARS} years' real growth continued",
        },
        extrapolated=("trend_share_pct",),
    )


def sipri_only_section(result: AnalysisResult, sipri: pd.Series) -> None:
    """An ally NATO publishes no figure for (Iceland): SIPRI's series instead."""
    key = result.key_results
    first, last = key["start_year"], key["end_year"]
    history = sipri.reindex(range(first, last + 1)).rename_axis("year").to_frame()
    key["share_end_pct"] = None
    result.sources += cite((SIPRI_MILEX, key["sipri_release"]))
    result.title = (
        f"NATO publishes no defence figure for {key['name']}; SIPRI: "
        f"{fmt(key['sipri_last_share_pct'], 2)}% of GDP in {key['sipri_last_year']}"
        if key["sipri_last_year"] is not None
        else f"Neither NATO nor SIPRI publishes a share of GDP for {key['name']} in {first}-{last}"
    )
    shown = history.iloc[:, 0].dropna()
    if key["sipri_last_year"] is not None and not shown.eq(0).all():
        result.figures["share_of_gdp"] = plots.time_lines(
            history,
            title=result.title,
            ylabel="Military expenditure, % of GDP (SIPRI)",
            source=result.sources[0],
            labels={"sipri_share_gdp_pct": "SIPRI (calendar year)"},
        )
    result.tables["history"] = history.round(2)
    result.notes.append(
        f"NATO's tables carry no defence expenditure for {key['name']} (it has no armed forces), "
        "so there is no NATO share, gap or pathway; SIPRI's broader series is shown instead."
    )
    if len(shown) and shown.eq(0).all():  # a flat line at zero says nothing a sentence cannot
        years = f"{int(shown.index.min())}-{int(shown.index.max())}"
        result.notes.append(
            f"SIPRI records 0% of GDP for {key['name']} in every year of {years}, so there is "
            "no chart of it."
        )


def support_section(result: AnalysisResult, panel: pd.DataFrame) -> None:
    """Support to Ukraine by type (Kiel, newest EUR release) and as % of 2021 GDP, military aid
    relative to the ally's own defence budget per year (by announcement), named pledges."""
    key = result.key_results
    release = support_release()
    key["support_release"] = release
    result.sources += cite((KIEL_SUPPORT, release))
    by_type, share = support_by_type(key["country"], release)
    key["support_share_2021_gdp_pct"] = share
    if by_type is None:
        key["support_total_eur_bn"] = None
        result.notes.append(f"{key['name']} is not a donor in Kiel {release}.")
    else:
        result.tables["support_by_type"] = by_type.round(3)
        key["support_total_eur_bn"] = float(by_type["billion EUR"].get("total", float("nan")))
        key["support_military_eur_bn"] = float(by_type["billion EUR"].get("military"))
    relative_to_defence(result, panel)
    named_pledges(result)


def support_by_type(country: str, release: str) -> tuple[pd.DataFrame | None, float | None]:
    """Bilateral allocations by aid type (billion EUR) and the total as % of 2021 GDP."""
    support = load_support(release, None)
    mine = support[
        (support["iso3"] == country)
        & (support["scope"] == "bilateral")
        & (support["measure"] == "allocation")
    ]
    money = mine[mine["unit"] == "billion EUR"].set_index("aid_type")["value"]
    pct = mine[(mine["unit"] == "% of 2021 GDP") & (mine["aid_type"] == "total")]["value"]
    share = float(pct.iloc[0]) if len(pct) else None
    if money.empty:
        return None, share
    return money.reindex([*AID_TYPES, "total"]).rename("billion EUR").to_frame(), share


def relative_to_defence(result: AnalysisResult, panel: pd.DataFrame) -> None:
    """Military aid announced in each complete year as % of the ally's defence spending."""
    key = result.key_results
    country, first, last = key["country"], key["start_year"], key["end_year"]
    annual = military_aid_by_year()
    years = [y for y in complete_years(annual) if first <= y <= last]
    mine = annual[annual["year"].isin(years) & (annual["iso3"] == country)]
    relative = support_vs_defence(mine, panel, counts="military") if len(mine) else None
    if relative is None or country not in set(relative.index.get_level_values("iso3")):
        return
    relative = relative.xs(country, level="iso3")
    result.tables["support_vs_defence"] = relative.round(2)
    key["support_pct_of_defence"] = {
        str(y): float(v) for y, v in relative["pct_of_defence"].items()
    }
    monthly = (KIEL_MONTHLY, annual.attrs["release"])
    result.sources += cite(monthly)
    end = relative.index.max()
    if not relative["pct_of_defence"].fillna(0).ne(0).any():  # a sentence, not an empty chart
        result.notes.append(
            f"The Kiel tracker records no military aid announced by {key['name']} in "
            f"{relative.index.min()}-{end}, so there is no chart of it against defence spending."
        )
        return
    result.figures["support_vs_defence"] = plots.time_lines(
        relative[["pct_of_defence"]],
        title=(
            f"{possessive(key['name'])} military aid to Ukraine equalled "
            f"{fmt(relative.at[end, 'pct_of_defence'], 1)}% of its defence spending in {end}"
        ),
        ylabel="Military aid announced, % of defence expenditure",
        source=short_source(monthly, (NATO_SPENDING, panel.attrs["edition"])),
        labels={"pct_of_defence": "military aid / defence spending"},
    )


def named_pledges(result: AnalysisResult) -> None:
    """Pledges naming the ally among their donors, as announced (never summed)."""
    key = result.key_results
    pledges = load_pledges(alternatives=False)
    donors = pledges["donor_codes"].fillna("").str.split(";")
    named = pledges[donors.map(lambda codes: key["country"] in codes).astype(bool)]
    key["pledge_ids"] = list(named["pledge_id"])  # machine-readable only (never shown)
    if len(named):
        columns = ["date", "donor", "amount", "scale", "currency", "channel", "aid_type", "kind"]
        result.tables["pledges"] = named.set_index("pledge_id")[columns]
        result.sources += cite((PLEDGES, latest(PLEDGES)))
