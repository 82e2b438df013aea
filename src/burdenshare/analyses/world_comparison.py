"""The wider picture: Europe's allies, the United States, Canada, Russia, Ukraine and the world's
other major spenders, at market exchange rates and at purchasing-power parity (PPP), with the
ratio of Europe's allies to Russia under each yardstick.

Data: the allies from the newest NATO edition (national currency and current US$), Russia and
Ukraine from the newest SIPRI release (local currency and current US$), the World Bank's GDP PPP
factors (``bs.load_ppp``), and for the ranking of the world's largest spenders SIPRI's release
that covers them (``bs.load_sipri_world`` with the same release's allies, Russia and Ukraine).

Pairs with ``notebooks/world_comparison.ipynb`` (same name).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .. import plots
from ..countries import eu_members, nato_allies
from ..datasets import NATO_SPENDING, PPP, SIPRI_MILEX, SIPRI_WORLD
from ..editions import resolve
from ..loaders import load_ppp, load_sipri, load_sipri_world, load_spending
from ..metrics import ppp_total, to_ppp
from ..params import check_year_span
from ._format import cite, fmt, with_names
from .result import AnalysisResult

DEFAULTS: dict[str, Any] = {"start_year": 2014, "end_year": 2025}
#: The groups and countries compared, in table order.
GROUPS = {
    "EUROPE": "Europe's allies",
    "EU_UK": "EU allies + UK",
    "USA": "United States",
    "CAN": "Canada",
    "RUS": "Russia",
    "UKR": "Ukraine",
}
YARDSTICKS = {"market": "market exchange rates", "ppp": "purchasing-power parity"}
LABELS = {
    "europe_russia_market": "Europe's allies / Russia at market exchange rates (ratio)",
    "europe_russia_ppp": "Europe's allies / Russia at purchasing-power parity (ratio)",
    "russia_ppp_bn": "Russia at PPP (billion international $)",
    "europe_ppp_bn": "Europe's allies at PPP (billion international $)",
}


def _years() -> list[int]:
    """Years with a PPP factor, a NATO figure and a SIPRI figure (2014 to the latest)."""
    ppp = load_ppp()
    factor_years = set(ppp.loc[ppp["indicator"] == "ppp_lcu_per_intl_usd", "year"])
    sipri_years = set(load_sipri()["year"])
    nato_years = set(load_spending()["year"])
    return sorted(y for y in factor_years & sipri_years & nato_years if y >= 2014)


def validate(
    start_year: int = DEFAULTS["start_year"], end_year: int = DEFAULTS["end_year"]
) -> dict[str, Any]:
    """Two years in order inside the span every source covers."""
    years = _years()
    check_year_span("start_year", start_year, "end_year", end_year, years[0], years[-1])
    return {"start_year": start_year, "end_year": end_year}


def europe(year: int) -> list[str]:
    """Today's European allies with a defence figure (Iceland has no armed forces)."""
    return [c for c in nato_allies(year) if c not in ("USA", "CAN", "ISL")]


def eu_uk(year: int) -> list[str]:
    """European allies in the EU, and the United Kingdom (the IISS's EU + UK, less the EU members
    outside NATO that these data do not cover: Austria, Ireland, Cyprus, Malta)."""
    return [c for c in europe(year) if c in eu_members(year) or c == "GBR"]


def converted(years: list[int]) -> tuple[pd.DataFrame, list[str]]:
    """One row per country and year: market-rate US$ and PPP international $ (millions), and
    whether the figure is an estimate; with the sources read."""
    ppp = load_ppp()
    nato = load_spending()
    nato = nato[nato["year"].isin(years) & ~nato["aggregate"]]
    sipri = load_sipri()
    sipri = sipri[sipri["year"].isin(years) & sipri["iso3"].isin(["RUS", "UKR"])]
    frames = []
    for frame, national, market in (
        (nato, "defexp_ncu_current_m", "defexp_usd_current_m"),
        (sipri, "milex_lcu_current", "milex_usd_current_m"),
    ):
        at_ppp = to_ppp(frame, ppp, indicator=national).set_index(["iso3", "year"])
        usd = frame[frame["indicator"] == market].set_index(["iso3", "year"])
        frames.append(
            pd.DataFrame(
                {
                    "market": usd["value"],
                    "ppp": at_ppp["intl_usd_m"],
                    "estimate": usd["estimate"]
                    | at_ppp["estimate"].reindex(usd.index, fill_value=False),
                }
            )
        )
    sources = cite(
        (NATO_SPENDING, str(nato["edition"].iloc[0])),
        (SIPRI_MILEX, str(sipri["release"].iloc[0])),
        (PPP, resolve(PPP, "latest")[0].label),
    )
    return pd.concat(frames).sort_index(), sources


def comparison(data: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Groups and countries per year under both yardsticks (million US$ / international $),
    each group's members fixed at ``years[-1]``; a year a member lacks is empty, never partial."""
    last = years[-1]
    members = {"EUROPE": europe(last), "EU_UK": eu_uk(last)}
    flat = data.reset_index()
    columns = {}
    for yardstick in YARDSTICKS:
        for code in GROUPS:
            group = members.get(code, [code])
            total = ppp_total(flat, group, column=yardstick).set_index("year")[yardstick]
            columns[(yardstick, code)] = total.reindex(years)
    table = pd.DataFrame(columns)
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["yardstick", "group"])
    return table


def ratios(table: pd.DataFrame) -> pd.DataFrame:
    """Europe's allies / Russia and EU allies + UK / Russia under each yardstick, per year."""
    return pd.DataFrame(
        {
            f"{group} / Russia, {words}": table[(yardstick, code)] / table[(yardstick, "RUS")]
            for yardstick, words in YARDSTICKS.items()
            for code, group in (("EUROPE", "Europe's allies"), ("EU_UK", "EU allies + UK"))
        }
    )


def key_results(table: pd.DataFrame, estimate: pd.Series, start: int, end: int) -> dict[str, Any]:
    """The two ratios in the first and last year, and the last year's totals in billions."""
    key: dict[str, Any] = {"start_year": start, "end_year": end}
    for year in (start, end):
        for yardstick in YARDSTICKS:
            value = table.at[year, (yardstick, "EUROPE")] / table.at[year, (yardstick, "RUS")]
            key[f"europe_russia_{yardstick}_{year}"] = float(value)
    key["europe_russia_market"] = key[f"europe_russia_market_{end}"]
    key["europe_russia_ppp"] = key[f"europe_russia_ppp_{end}"]
    for code, name in (("EUROPE", "europe"), ("EU_UK", "eu_uk"), ("RUS", "russia")):
        for yardstick in YARDSTICKS:
            key[f"{name}_{yardstick}_bn"] = float(table.at[end, (yardstick, code)]) / 1e3
    compared = [*europe(end), "RUS"]
    key["estimates_in_end_year"] = bool(estimate.xs(end, level="year").reindex(compared).any())
    return key


def headline(key: dict[str, Any]) -> str:
    """ "In 2025 Europe's allies outspent Russia 3.1 to 1 at market exchange rates, 1.4 to 1 at
    purchasing-power parity (estimates)"."""
    estimates = " (estimates)" if key["estimates_in_end_year"] else ""
    return (
        f"In {key['end_year']} Europe's allies outspent Russia {fmt(key['europe_russia_market'], 1)} "
        f"to 1 at market exchange rates, {fmt(key['europe_russia_ppp'], 1)} to 1 at "
        f"purchasing-power parity{estimates}"
    )


def world_ranking(year: int) -> tuple[pd.DataFrame, str]:
    """The largest spenders in ``year`` at market rates: SIPRI's release that covers the major
    spenders outside NATO, with the same release's allies, Russia and Ukraine."""
    world = load_sipri_world()
    release = str(world["release"].iloc[0])
    both = pd.concat([load_sipri(release=release), world], ignore_index=True)
    rows = both[(both["indicator"] == "milex_usd_current_m") & (both["year"] == year)]
    table = rows.set_index("iso3")[["value", "estimate"]].sort_values("value", ascending=False)
    source = cite((SIPRI_MILEX, release), (SIPRI_WORLD, release))
    return table, "; ".join(source)


def run(
    start_year: int = DEFAULTS["start_year"], end_year: int = DEFAULTS["end_year"]
) -> AnalysisResult:
    """Both yardsticks per year, the Europe/Russia ratios, and the world's largest spenders."""
    validate(start_year, end_year)
    years = list(range(start_year, end_year + 1))
    data, sources = converted(years)
    table = comparison(data, years)
    key = key_results(table, data["estimate"], start_year, end_year)
    result = AnalysisResult(headline(key), sources=sources, key_results=key)
    source = "; ".join(sources)
    result.figures["ratios"] = ratio_figure(
        ratios(table), key, source, ratio_estimates(data["estimate"], years)
    )
    result.tables["europe_russia"] = ratios(table).round(2)
    result.tables["totals_bn"] = readable_totals(table)
    ranking_year = min(end_year, _last_world_year())
    ranking, world_source = world_ranking(ranking_year)
    result.figures["world_ranking"] = ranking_figure(ranking.head(20), ranking_year, world_source)
    result.tables["world_ranking"] = with_names(
        (ranking.head(20)[["value"]] / 1e3).round(1).rename(columns={"value": "US$ bn"})
    )
    result.sources += [s for s in world_source.split("; ") if s not in result.sources]
    key["world_ranking_year"] = ranking_year
    key["russia_world_rank"] = int(list(ranking.index).index("RUS") + 1)
    result.notes += NOTES
    result.labels = LABELS
    return result


def _last_world_year() -> int:
    return int(load_sipri_world()["year"].max())


def readable_totals(table: pd.DataFrame) -> pd.DataFrame:
    """Totals in billions with reader headers: '<group>, market' and '<group>, PPP'."""
    out = table / 1e3
    out.columns = [
        f"{GROUPS[code]}, {'US$ bn at market rates' if y == 'market' else 'intl $ bn at PPP'}"
        for y, code in table.columns
    ]
    return out.round(1)


def ratio_estimates(estimate: pd.Series, years: list[int]) -> pd.Series:
    """Per year, whether any figure of Europe's allies or Russia that year is an estimate."""
    return pd.Series(
        {
            year: bool(estimate.xs(year, level="year").reindex([*europe(year), "RUS"]).any())
            for year in years
        }
    )


def ratio_figure(
    frame: pd.DataFrame, key: dict[str, Any], source: str, estimated: pd.Series
) -> Figure:
    """Europe's allies / Russia under each yardstick, with the line of parity; a year with an
    estimate in it drawn dashed."""
    columns = [c for c in frame.columns if c.startswith("Europe's allies")]
    flags = pd.DataFrame({c: estimated.reindex(frame.index, fill_value=False) for c in columns})
    return plots.time_lines(
        frame[columns],
        estimate=flags,
        title=(
            f"Europe's allies outspent Russia {fmt(key['europe_russia_market'], 1)} to 1 at market "
            f"rates but {fmt(key['europe_russia_ppp'], 1)} to 1 at purchasing-power parity in "
            f"{key['end_year']}"
        ),
        ylabel="Europe's allies' spending / Russia's",
        source=source,
        targets={"parity (equal spending)": 1.0},
        labels={c: c.split(", ", 1)[1].capitalize() for c in columns},
    )


def ranking_figure(ranking: pd.DataFrame, year: int, source: str) -> Figure:
    """The world's largest spenders at market exchange rates (SIPRI), estimates hatched."""
    top = ranking.index[0]
    return plots.ranking_bars(
        ranking["value"] / 1e3,
        title=f"{plots.label_of(top)} spent the most in {year} at market exchange rates; "
        f"Russia ranked {list(ranking.index).index('RUS') + 1}",
        xlabel="Military expenditure, US$ bn (current prices and market exchange rates)",
        source=source,
        estimate=ranking["estimate"],
    )


NOTES = [
    "Market exchange rates price every country's spending in US dollars at the year's average "
    "rate. Purchasing-power parity instead uses the World Bank's GDP PPP factor: how much of the "
    "national currency buys what one dollar buys in the United States across the whole economy. "
    "Where prices are lower than in the United States, the PPP figure is the larger one.",
    "A GDP-wide PPP is not a military one: imported equipment and components are bought at world "
    "prices, and skilled personnel are not paid at average prices. The IISS converts at its own "
    "rate, which it does not publish. The PPP figure is therefore an upper bound on Russia's "
    "relative purchasing power, not a measurement of it.",
    "The PPP factors for 2022 on are World Bank extrapolations from the ICP 2021 benchmark and are "
    "revised between releases; Russia's and Ukraine's recent figures are SIPRI estimates.",
    "The allies are NATO's figures (NATO's definition, the newest edition); Russia and Ukraine "
    "are SIPRI's (a broader definition, calendar years). Neither publisher covers both sides "
    "on one definition at PPP.",
    "Europe's allies are today's European allies with a defence figure (Iceland has no armed "
    "forces) in every year. 'EU allies + UK' leaves out the EU members outside NATO (Austria, "
    "Ireland, Cyprus, Malta), which the IISS's EU + UK includes.",
    "Ukraine's figures exclude the military aid it receives (counted by its donors).",
]
