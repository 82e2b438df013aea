"""Ukraine support flows: who gives what (Kiel Ukraine Support Tracker), over time, commitments
against allocations, Europe against the United States, the PURL packages and donor concentration.

Money is nominal, cumulative since 24 January 2022, as the release states it (billion EUR, or
billion USD for R30v2). Allocations are dated at announcement. Monthly flows come from the
monthly release (its label is read from the data) whatever summary release is chosen.

Pairs with ``notebooks/ukraine_support_flows.ipynb`` (same name).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .. import plots
from ..countries import name as country_name
from ..datasets import KIEL_MONTHLY, KIEL_SUPPORT, PLEDGES
from ..editions import editions, latest
from ..errors import ParameterError
from ..loaders.pledges import load_pledges
from ..loaders.support import load_donor_gdp, load_support, load_support_monthly, release_order
from ..metrics.support import (
    AID_TYPES,
    by_region,
    concentration,
    delivery_ratio,
    monthly_flows,
    support_share_of_gdp,
)
from ..params import MAX_COUNT, check_choice, check_choices, check_flag, check_type
from ._format import cite, fmt, names, ordinal, plain
from ._inputs import release_of
from .result import AnalysisResult

MEASURES = ("allocation", "commitment")
TOP = 20
TOP_N = 5
DEFAULTS: dict[str, Any] = {
    "release": "R30",
    "measure": "allocation",
    "aid_types": ["military", "financial", "humanitarian"],
    "donors": [],
    "per_gdp": False,
}
LABELS = {
    "total_bn": "Total of all donors (bn, the release's currency)",
    "europe_share_pct": "Share given by Europe (%)",
    "us_bn": "United States (bn, the release's currency)",
    "top5_share_pct": "Share of the five largest donors (%)",
    "hhi": "Concentration, Herfindahl index (0-10,000)",
}


def _currency(release: str) -> str | None:
    """The money currency a release holds bilateral totals in (EUR preferred), else None."""
    frame = load_support(release, None)
    for currency, unit in (("EUR", "billion EUR"), ("USD", "billion USD")):
        rows = frame[(frame["unit"] == unit) & (frame["scope"] == "bilateral")]
        if (rows["aid_type"] == "total").any():
            return currency
    return None


def releases() -> list[str]:
    """Kiel releases holding per-donor money totals (R29 holds only shares of GDP)."""
    labels = sorted(editions(KIEL_SUPPORT), key=release_order)
    return [r for r in labels if _currency(r) is not None]


def validate(
    release: str = DEFAULTS["release"],
    measure: str = DEFAULTS["measure"],
    aid_types: list[str] | None = None,
    donors: list[str] | None = None,
    per_gdp: bool = DEFAULTS["per_gdp"],
) -> dict[str, Any]:
    """Check the parameters against what the chosen release holds."""
    check_type("release", release, str)
    check_choice("release", release, releases())
    check_choice("measure", measure, MEASURES)
    aid_types = check_choices(
        "aid_types", DEFAULTS["aid_types"] if aid_types is None else aid_types, AID_TYPES
    )
    donors = [] if donors is None else donors
    if isinstance(donors, str) or not isinstance(donors, list) or len(donors) > MAX_COUNT:
        raise ParameterError(f"Parameter 'donors' must be a list of codes, got {donors!r}.")
    currency = _currency(release)
    support = load_support(release, currency)
    if donors:
        check_choices("donors", donors, sorted(support["iso3"].unique()))
    check_flag("per_gdp", per_gdp)
    require_release_holds(support, release, measure, aid_types)
    return {
        "release": release,
        "measure": measure,
        "aid_types": aid_types,
        "donors": donors,
        "per_gdp": per_gdp,
        "currency": currency,
    }


def require_release_holds(
    support: pd.DataFrame, release: str, measure: str, aid_types: list
) -> None:
    """The release has bilateral ``measure`` figures for every chosen aid type."""
    rows = support[(support["measure"] == measure) & (support["scope"] == "bilateral")]
    if not rows.size:
        raise ParameterError(
            f"Parameter 'measure' = {measure!r}: release {release} has no {measure} figures; "
            f"choose 'allocation' or a release with commitments (R28)."
        )
    have = set(rows["aid_type"])
    missing = [a for a in aid_types if a not in have]
    if missing:
        raise ParameterError(
            f"Parameter 'aid_types': release {release} has {measure} figures only for "
            f"{sorted(have)}, not {missing}; choose measure='allocation' or release 'R28'."
        )


def run(
    release: str = DEFAULTS["release"],
    measure: str = DEFAULTS["measure"],
    aid_types: list[str] | None = None,
    donors: list[str] | None = None,
    per_gdp: bool = DEFAULTS["per_gdp"],
) -> AnalysisResult:
    """Donor ranking by aid type, Europe vs US, concentration, delivery, monthly flows, PURL.

    Ranking: bilateral ``measure`` per donor and aid type (EU institutions as donors of their
    own). ``per_gdp``: divide by the donor's 2021 GDP (Kiel's convention). Concentration: top-5
    share and Herfindahl index of the donors' bilateral totals of the chosen aid types.
    """
    p = validate(release, measure, aid_types, donors, per_gdp)
    unit = f"billion {p['currency']}"
    support = load_support(release, p["currency"])
    bilateral = support[(support["measure"] == measure) & (support["scope"] == "bilateral")]
    chosen = bilateral[bilateral["aid_type"].isin(p["aid_types"])].assign(unit=unit)
    wide = donor_table(chosen, p, unit)
    ranked = wide.loc[[d for d in p["donors"] if d in wide.index]] if p["donors"] else wide
    total = ranked.sum(axis=1, min_count=1).sort_values(ascending=False)
    shown = ranked.loc[total.index[: (len(p["donors"]) or TOP)]]
    key = key_results(p, unit, chosen, total)
    key.update(rank_among_all(wide, total))
    result = AnalysisResult(title="", sources=cite((KIEL_SUPPORT, release)), key_results=key)
    result.figures["donors"] = donors_figure(shown, key, result.sources[0])
    result.title = (
        f"{plots.title_of(result.figures['donors'])}; Europe gives "
        f"{fmt(key['europe_share_pct'], 0)}% of all donors' total"
    )
    result.tables["donors"] = named(shown).round(3)
    result.tables["regions"] = region_table(chosen).round(2)
    result.tables["concentration"] = pd.DataFrame([key.pop("concentration")]).round(3)
    delivery(result, support)
    flows(result, p["aid_types"])
    purl_packages(result)
    result.notes += [
        "Kiel dates allocations at announcement, not delivery; a 0 in R28/R30 may be a blank "
        "cell in Kiel's release, not a reported zero.",
        "Europe = EU members, other European donors (United Kingdom, Norway, Switzerland, "
        "Iceland, Türkiye) and EU institutions, as in Kiel's 'European donors and the EU'.",
        "PURL packages are listed as announced, in their own currencies; rows overlap and are "
        "never summed.",
    ]
    result.labels = dict(LABELS)
    amounts = key["ranking_unit"]
    result.headers = {
        **{a: f"{a.capitalize()} ({amounts}, cumulative)" for a in p["aid_types"]},
        "value": f"Total ({unit}, cumulative)",
        "share_pct": "Share of all donors (%)",
    }
    result.key_results = plain(key)
    return result


def donor_table(chosen: pd.DataFrame, p: dict[str, Any], unit: str) -> pd.DataFrame:
    """Donors by aid type, in money or (``per_gdp``) in % of the donor's 2021 GDP."""
    wide = chosen.pivot_table(index="iso3", columns="aid_type", values="value", aggfunc="sum")
    wide = wide[p["aid_types"]]
    if not p["per_gdp"]:
        return wide
    gdp_release = p["release"] if p["release"] in set(load_donor_gdp()["release"]) else None
    gdp = load_donor_gdp(gdp_release) if gdp_release else load_donor_gdp()
    gdp = gdp[gdp["unit"] == unit]
    if gdp.empty:
        raise ParameterError(
            f"Parameter 'per_gdp' = True needs donor GDP in {unit}; choose a EUR release."
        )
    long = wide.stack().rename("value").reset_index().assign(unit=unit)
    shares = support_share_of_gdp(long, gdp)
    pct = shares.pivot_table(
        index="iso3", columns="aid_type", values="share_of_gdp_pct", aggfunc="sum"
    )[p["aid_types"]]
    return pct[shares.groupby("iso3")["gdp"].first().reindex(pct.index).notna()]


def key_results(
    p: dict[str, Any], unit: str, chosen: pd.DataFrame, total: pd.Series
) -> dict[str, Any]:
    """Totals, Europe against the US, the leading donors and the donors' concentration."""
    totals = chosen.groupby("iso3")["value"].sum()
    conc = concentration(totals, TOP_N)
    regions = by_region(chosen).groupby("region")["value"].sum()
    return {
        "release": p["release"],
        "measure": p["measure"],
        "aid_types": p["aid_types"],
        "unit": unit,
        "per_gdp": p["per_gdp"],
        "donors_selected": list(p["donors"]),
        "donors": int((totals > 0).sum()),
        "total_bn": float(totals.sum()),
        "europe_bn": float(regions.get("Europe", float("nan"))),
        "us_bn": float(regions.get("United States", float("nan"))),
        "europe_share_pct": 100 * float(regions.get("Europe", 0.0)) / float(regions.sum()),
        "ranking_unit": "% of 2021 GDP" if p["per_gdp"] else unit,
        "top_donor": str(total.index[0]),
        "top_value": float(total.iloc[0]),
        "ranking": [str(c) for c in total.index[:10]],
        f"top{TOP_N}_share_pct": conc["top_n_share_pct"],
        "hhi": conc["hhi"],
        "equivalent_donors": conc["equivalent_donors"],
        "concentration": conc,
    }


def rank_among_all(wide: pd.DataFrame, total: pd.Series) -> dict[str, Any]:
    """Where the ranking's leader stands among all donors of the table, and who leads them."""
    everyone = wide.sum(axis=1, min_count=1).dropna().sort_values(ascending=False)
    top = total.index[0]
    return {
        "donors_ranked": int(total.notna().sum()),
        "donors_in_release": len(everyone),
        "top_rank_all": int(list(everyone.index).index(top)) + 1 if top in everyone else None,
        "leader_all": str(everyone.index[0]),
    }


def donors_title(key: dict[str, Any]) -> str:
    """Who gives the most, in the ranking's unit; a filtered ranking says it is filtered and
    where its leader stands among all donors."""
    unit = "% of 2021 GDP" if key["per_gdp"] else key["unit"].replace("billion ", "bn ")
    most = "the most relative to GDP" if key["per_gdp"] else "the most"
    name = country_name(key["top_donor"])
    if not key["donors_selected"]:
        return f"{name} gives {most}: {fmt(key['top_value'], 2)} {unit}"
    rank, everyone = key["top_rank_all"], key["donors_in_release"]
    if rank == 1:
        where = f"also first of all {everyone} donors"
    else:
        where = f"{ordinal(rank)} of all {everyone} donors; {country_name(key['leader_all'])} leads"
    return (
        f"Of the {key['donors_ranked']} donors selected, {name} gives {most}: "
        f"{fmt(key['top_value'], 2)} {unit} ({where})"
    )


def donors_figure(shown: pd.DataFrame, key: dict[str, Any], source: str) -> Figure:
    """Stacked bars of the donors shown, by aid type."""
    what = " + ".join(key["aid_types"])
    value_label = "% of 2021 GDP, cumulative" if key["per_gdp"] else f"{key['unit']}, cumulative"
    return plots.stacked_bars(
        shown,
        title=donors_title(key),
        xlabel=f"{what.capitalize()} {key['measure']}s, {value_label} (Kiel {key['release']})",
        source=source,
    )


def region_table(chosen: pd.DataFrame) -> pd.DataFrame:
    """Europe, the United States and others: totals and shares of all donors."""
    totals = by_region(chosen).groupby("region")["value"].sum()
    table = pd.DataFrame({"value": totals, "share_pct": 100 * totals / float(totals.sum())})
    return table.sort_values("value", ascending=False).rename_axis("region")


def delivery(result: AnalysisResult, support: pd.DataFrame) -> None:
    """Commitments against allocations, where the release has both."""
    rows = support[support["scope"] == "bilateral"]
    if not {"allocation", "commitment"} <= set(rows["measure"]):
        result.notes.append(
            f"Release {result.key_results['release']} has no commitments: no delivery ratio."
        )
        return
    kinds = set(rows.loc[rows["measure"] == "commitment", "aid_type"])
    kind = "total" if "total" in kinds else sorted(kinds)[0]
    table = delivery_ratio(rows[rows["aid_type"] == kind]).set_index("iso3")
    table = table[["allocated", "committed", "undelivered", "ratio"]]
    committed, allocated = table["committed"].sum(), table["allocated"].sum()
    key = result.key_results
    key["delivery_ratio_all"] = float(allocated / committed) if committed else None
    key["undelivered_bn"] = float(table["undelivered"].clip(lower=0).sum())
    gaps = table["undelivered"].sort_values(ascending=False)
    key["largest_undelivered"] = str(gaps.index[0])
    result.tables["delivery"] = named(table.loc[gaps.index[:TOP]]).round(3)


def flows(result: AnalysisResult, aid_types: list[str]) -> None:
    """Cumulative monthly allocations by region (Kiel monthly flows, billion EUR)."""
    monthly = load_support_monthly()
    source = cite((KIEL_MONTHLY, release_of(monthly)))[0]
    # the monthly file splits allocations by aid type; commitments only as totals
    cumulative = sum(
        monthly_flows(monthly, by="region", measure="allocation", aid_type=a, cumulative=True)
        for a in aid_types
    )
    last = cumulative.index.max()
    key = result.key_results
    key["monthly_last_month"] = last.strftime("%Y-%m")
    key["monthly_europe_bn"] = float(cumulative.loc[last].get("Europe", float("nan")))
    key["monthly_us_bn"] = float(cumulative.loc[last].get("United States", float("nan")))
    what = " + ".join(aid_types)
    result.figures["flows"] = plots.time_lines(
        cumulative,
        title=(
            f"Allocated by {last:%B %Y} (Kiel {release_of(monthly)} monthly flows): Europe EUR "
            f"{key['monthly_europe_bn']:,.0f} bn, United States EUR {key['monthly_us_bn']:,.0f} bn"
        ),
        ylabel=f"{what.capitalize()} allocations, EUR bn, cumulative",
        source=source,
    )
    result.tables["monthly_by_region"] = (
        cumulative.resample("QS").last().round(2).rename_axis("quarter")
    )
    result.sources.append(source)


def purl_packages(result: AnalysisResult) -> None:
    """PURL packages as announced (first reports; parts and totals overlap, never summed): the
    table lists every row, the count is of packages (a donor's part of one is not another)."""
    pledges = load_pledges(alternatives=False)
    purl = pledges[pledges["channel"] == "PURL"]
    key = result.key_results
    packages = purl[purl["part_of"].isna()]  # a donor's share of a package is not a package
    key["purl_packages"] = len(packages)
    key["purl_donors"] = sorted(
        {c for codes in packages["donor_codes"].dropna() for c in str(codes).split(";")}
    )
    columns = ["pledge_id", "date", "donor", "amount", "scale", "currency", "part_of"]
    result.tables["purl"] = purl[columns].set_index("pledge_id")
    result.sources += cite((PLEDGES, latest(PLEDGES)))


def named(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.index = pd.Index(names(out.index), name="donor")
    return out
