"""Ukraine support flows: who gives what (Kiel Ukraine Support Tracker), over time, commitments
against allocations, Europe against the United States, the PURL packages and donor concentration.

Money is nominal, cumulative since 24 January 2022, as the release states it (billion EUR, or
billion USD for R30v2). Allocations are dated at announcement. Monthly flows come from the
monthly release (R29) whatever summary release is chosen.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import plots
from ..countries import name as country_name
from ..editions import editions
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
from ..params import check_choice, check_choices, check_type
from ._common import AnalysisResult, cite, fmt, names, plain

KIEL = "kiel_support"
MONTHLY = "kiel_support_monthly"
PLEDGES = "pledges"
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
    labels = sorted(editions(KIEL), key=release_order)
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
    if isinstance(donors, str) or not isinstance(donors, list):
        raise ParameterError(f"Parameter 'donors' must be a list of codes, got {donors!r}.")
    currency = _currency(release)
    support = load_support(release, currency)
    if donors:
        check_choices("donors", donors, sorted(support["iso3"].unique()))
    check_type("per_gdp", per_gdp, bool)
    rows = support[(support["measure"] == measure) & (support["scope"] == "bilateral")]
    have = set(rows["aid_type"])
    if not rows.size:
        raise ParameterError(
            f"Parameter 'measure' = {measure!r}: release {release} has no {measure} figures; "
            f"choose 'allocation' or a release with commitments (R28)."
        )
    missing = [a for a in aid_types if a not in have]
    if missing:
        raise ParameterError(
            f"Parameter 'aid_types': release {release} has {measure} figures only for "
            f"{sorted(have)}, not {missing}; choose measure='allocation' or release 'R28'."
        )
    return {
        "release": release,
        "measure": measure,
        "aid_types": aid_types,
        "donors": donors,
        "per_gdp": per_gdp,
        "currency": currency,
    }


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
    currency, aid_types, donors = p["currency"], p["aid_types"], p["donors"]
    unit = f"billion {currency}"
    support = load_support(release, currency)
    bilateral = support[(support["measure"] == measure) & (support["scope"] == "bilateral")]
    sources = cite((KIEL, release), (MONTHLY, "R29"), (PLEDGES, list(editions(PLEDGES))[-1]))
    source = sources[0]

    wide = bilateral[bilateral["aid_type"].isin(aid_types)].pivot_table(
        index="iso3", columns="aid_type", values="value", aggfunc="sum"
    )[aid_types]
    value_label = f"{unit}, cumulative"
    if per_gdp:
        gdp_release = release if release in set(load_donor_gdp()["release"]) else None
        gdp = load_donor_gdp(gdp_release) if gdp_release else load_donor_gdp()
        gdp = gdp[gdp["unit"] == unit]
        if gdp.empty:
            raise ParameterError(
                f"Parameter 'per_gdp' = True needs donor GDP in {unit}; choose a EUR release."
            )
        long = wide.stack().rename("value").reset_index().assign(unit=unit)
        shares = support_share_of_gdp(long, gdp)
        wide = shares.pivot_table(
            index="iso3", columns="aid_type", values="share_of_gdp_pct", aggfunc="sum"
        )[aid_types]
        wide = wide[shares.groupby("iso3")["gdp"].first().reindex(wide.index).notna()]
        value_label = "% of 2021 GDP, cumulative"
    chosen = wide.loc[[d for d in donors if d in wide.index]] if donors else wide
    total = chosen.sum(axis=1, min_count=1).sort_values(ascending=False)
    shown = chosen.loc[total.index[: (len(donors) or TOP)]]

    totals = bilateral[bilateral["aid_type"].isin(aid_types)].groupby("iso3")["value"].sum()
    conc = concentration(totals, TOP_N)
    regions = by_region(bilateral[bilateral["aid_type"].isin(aid_types)].assign(unit=unit))
    region_totals = regions.groupby("region")["value"].sum()
    all_donors = float(region_totals.sum())

    key: dict[str, Any] = {
        "release": release,
        "measure": measure,
        "aid_types": aid_types,
        "unit": unit,
        "per_gdp": per_gdp,
        "donors": int((totals > 0).sum()),
        "total_bn": float(totals.sum()),
        "europe_bn": float(region_totals.get("Europe", float("nan"))),
        "us_bn": float(region_totals.get("United States", float("nan"))),
        "europe_share_pct": 100 * float(region_totals.get("Europe", 0.0)) / all_donors,
        "ranking_unit": "% of 2021 GDP" if per_gdp else unit,
        "top_donor": str(total.index[0]),
        "top_value": float(total.iloc[0]),
        "ranking": [str(c) for c in total.index[:10]],
        f"top{TOP_N}_share_pct": conc["top_n_share_pct"],
        "hhi": conc["hhi"],
        "equivalent_donors": conc["equivalent_donors"],
    }

    result = AnalysisResult(title=f"Support to Ukraine, Kiel tracker {release}")
    result.sources = sources
    what = " + ".join(aid_types)
    leader = country_name(key["top_donor"])
    result.figures["donors"] = plots.stacked_bars(
        shown,
        title=(
            f"{leader} gives the most: {fmt(key['top_value'], 2)} "
            f"{'% of 2021 GDP' if per_gdp else unit.replace('billion ', 'bn ')}"
        ),
        xlabel=f"{what.capitalize()} {measure}s, {value_label} (Kiel {release})",
        source=source,
    )
    region_table = pd.DataFrame(
        {"value": region_totals, "share_pct": 100 * region_totals / all_donors}
    ).sort_values("value", ascending=False)
    region_table.index.name = "region"

    # commitments against allocations (where the release has both)
    rows = support[(support["scope"] == "bilateral")]
    if {"allocation", "commitment"} <= set(rows["measure"]):
        kinds = set(rows.loc[rows["measure"] == "commitment", "aid_type"])
        kind = "total" if "total" in kinds else sorted(kinds)[0]
        delivery = delivery_ratio(rows[rows["aid_type"] == kind])
        delivery = delivery.set_index("iso3")[["allocated", "committed", "undelivered", "ratio"]]
        committed, allocated = delivery["committed"].sum(), delivery["allocated"].sum()
        key["delivery_ratio_all"] = float(allocated / committed) if committed else None
        key["undelivered_bn"] = float(delivery["undelivered"].clip(lower=0).sum())
        top_gap = delivery["undelivered"].sort_values(ascending=False)
        key["largest_undelivered"] = str(top_gap.index[0])
        table = delivery.loc[top_gap.index[:TOP]]
        result.tables["delivery"] = _named(table).round(3)
    else:
        result.notes.append(f"Release {release} has no commitments: no delivery ratio.")

    # monthly flows by region (R29 monthly file), cumulative, in billion EUR
    monthly = load_support_monthly()
    # the monthly file splits allocations by aid type; commitments only as totals
    flows = sum(
        monthly_flows(monthly, by="region", measure="allocation", aid_type=a, cumulative=True)
        for a in aid_types
    )
    last_month = flows.index.max()
    flows_end = flows.loc[last_month]
    key["monthly_last_month"] = last_month.strftime("%Y-%m")
    key["monthly_europe_bn"] = float(flows_end.get("Europe", float("nan")))
    key["monthly_us_bn"] = float(flows_end.get("United States", float("nan")))
    result.figures["flows"] = plots.time_lines(
        flows,
        title=(
            f"Allocated by {last_month:%B %Y}: Europe EUR {key['monthly_europe_bn']:,.0f} bn, "
            f"United States EUR {key['monthly_us_bn']:,.0f} bn"
        ),
        ylabel=f"{what.capitalize()} allocations, EUR bn, cumulative",
        source=sources[1],
    )

    pledges = load_pledges(alternatives=False)
    purl = pledges[pledges["channel"] == "PURL"]
    key["purl_packages"] = len(purl)
    key["purl_donors"] = sorted(
        {c for codes in purl["donor_codes"].dropna() for c in str(codes).split(";")}
    )
    purl_table = purl[["date", "donor", "amount", "scale", "currency", "part_of"]].copy()
    purl_table = purl_table.set_index("date")

    result.tables["donors"] = _named(shown).round(3)
    result.tables["regions"] = region_table.round(2)
    result.tables["concentration"] = pd.DataFrame([conc]).round(3)
    result.tables["monthly_by_region"] = flows.resample("QS").last().round(2).rename_axis("quarter")
    result.tables["purl"] = purl_table
    result.notes += [
        "Kiel dates allocations at announcement, not delivery; a 0 in R28/R30 may be a blank "
        "cell (zero_may_be_blank).",
        "Europe = EU members, other European donors (United Kingdom, Norway, Switzerland, "
        "Iceland, Türkiye) and EU institutions, as in Kiel's 'European donors and the EU'.",
        "PURL packages are listed as announced, in their own currencies; rows overlap and are "
        "never summed.",
    ]
    result.key_results = plain(key)
    return result


def _named(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.index = pd.Index(names(out.index), name="donor")
    return out
