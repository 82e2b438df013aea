"""Commitments briefing: the state of allied commitments on a date, each statement computed from
the bundled data and carrying its source.

``as_of`` selects the facts dated on or before it (pledges whose stated date or period has ended,
poll waves whose fieldwork has ended, months of Kiel flows) and
the NATO year (``as_of``'s year, from the newest NATO edition; figures for recent years are
NATO's estimates). Statements: the Hague pledge and how many allies meet it; Ukraine support
counted toward it (upper bound, double-count risk); NATO's EUR 40 bn baseline against allies'
military aid; the named PURL packages incl. the Denmark-Norway-Sweden package; the allies giving
least relative to their economies; the trend in Ukrainians' confidence about accession.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from .. import plots
from ..countries import nato_allies
from ..editions import editions
from ..errors import ParameterError
from ..loaders.nato import spending_panel
from ..loaders.opinion import load_opinion
from ..loaders.pledges import load_pledges
from ..loaders.support import load_support, load_support_monthly
from ..metrics import compliance
from ..metrics.support import annual_support, spending_with_support
from ..params import check_type
from ..targets import load_targets
from ._common import NATO, AnalysisResult, cite, fmt, latest_edition, names, plain

DEFAULTS: dict[str, Any] = {"as_of": "2025-12-31"}
KIEL, MONTHLY, PLEDGES, OPINION, TARGETS = (
    "kiel_support",
    "kiel_support_monthly",
    "pledges",
    "opinion",
    "targets",
)
#: The named package the briefing reports (donor codes as in the pledges table).
NORDIC_PURL = ("DNK", "NOR", "SWE")
CONFIDENCE = ("Gallup", "expect_nato_within_10y")
BOTTOM = 5


def _span() -> tuple[dt.date, dt.date]:
    """Valid as_of dates: from the Hague summit to the end of the newest NATO year."""
    hague = load_targets().set_index("target_id").at["hague_core_3_5", "date"].date()
    last = int(spending_panel(latest_edition(NATO)).index.get_level_values("year").max())
    return hague, dt.date(last, 12, 31)


def validate(as_of: str = DEFAULTS["as_of"]) -> dict[str, Any]:
    """An ISO date (YYYY-MM-DD) between the Hague summit and the end of the NATO data."""
    check_type("as_of", as_of, str)
    first, last = _span()
    try:
        day = dt.date.fromisoformat(as_of)
    except ValueError:
        raise ParameterError(
            f"Parameter 'as_of' = {as_of!r} is not a date; write it as YYYY-MM-DD, from "
            f"{first} to {last}."
        ) from None
    if not first <= day <= last:
        raise ParameterError(
            f"Parameter 'as_of' = {as_of!r} is outside the valid range {first} to {last} "
            "(from the Hague summit to the end of the newest NATO data)."
        )
    return {"as_of": day}


def run(as_of: str = DEFAULTS["as_of"]) -> AnalysisResult:
    """The briefing's statements (table), one figure and the key results."""
    day = validate(as_of)["as_of"]
    stamp = pd.Timestamp(day)
    edition = latest_edition(NATO)
    panel = spending_panel(edition)
    year = day.year
    targets = load_targets().set_index("target_id")
    statements: list[dict[str, str]] = []
    key: dict[str, Any] = {"as_of": day.isoformat(), "edition": edition, "year": year}
    src = dict(
        zip(
            ("nato", "targets", "kiel", "monthly", "pledges", "opinion"),
            cite(
                (NATO, edition),
                (TARGETS, list(editions(TARGETS))[-1]),
                (KIEL, "R30"),
                (MONTHLY, "R29"),
                (PLEDGES, list(editions(PLEDGES))[-1]),
                (OPINION, list(editions(OPINION))[-1]),
            ),
            strict=True,
        )
    )

    # 1. the Hague pledge and who meets it
    core, total = targets.loc["hague_core_3_5"], targets.loc["hague_total_5"]
    members = nato_allies(year)
    met_core = compliance(panel, "hague_core_3_5", years=year).loc[year]
    met_two = compliance(panel, "wales_2pct", years=year).loc[year]
    estimate = bool(panel.xs(year, level="year")["estimate"].any())
    key.update(
        {
            "hague_core_pct": float(core["value"]),
            "hague_total_pct": float(total["value"]),
            "hague_by": str(core["target_year"]),
            "allies_at_core": int(met_core["count"]),
            "allies_at_core_list": list(met_core["allies"]),
            "allies_at_2pct": int(met_two["count"]),
            "members": len(members),
        }
    )
    statements.append(
        {
            "topic": "The Hague pledge",
            "statement": (
                f"On {core['date']:%d %B %Y} allies pledged {fmt(core['value'])}% of GDP for core "
                f"defence and {fmt(total['value'])}% in all by {core['target_year']}. In {year} "
                f"{met_core['count']} of {len(members)} allies were at {fmt(core['value'])}% "
                f"({', '.join(names(met_core['allies'])) or 'none'}) and {met_two['count']} at "
                f"{fmt(met_two['target_pct'])}%{' (NATO estimates)' if estimate else ''}."
            ),
            "source": f"{src['targets']}; {src['nato']}",
        }
    )

    # 2. Ukraine support counted (military aid announced in the last complete year)
    monthly = load_support_monthly()
    monthly = monthly[monthly["month"] <= stamp]
    annual = annual_support(monthly, aid_types=["military"])
    complete = sorted(int(y) for y in annual.loc[annual["complete"], "year"].unique())
    counted_year = max(y for y in complete if y <= year)
    annual = annual[annual["year"] == counted_year]
    with_support = spending_with_support(
        panel, annual, counts="military", double_count="acknowledge"
    ).xs(counted_year, level="year")
    with_support = with_support[with_support.index.isin(nato_allies(counted_year))]
    core_pct = float(core["value"])
    before = int((with_support["share_pct"] >= core_pct).sum())
    after = int((with_support["share_with_support_pct"] >= core_pct).sum())
    top_added = with_support["added_pp"].sort_values(ascending=False)
    key.update(
        {
            "support_year": counted_year,
            "allies_at_core_without_support": before,
            "allies_at_core_with_support": after,
            "largest_added_ally": str(top_added.index[0]),
            "largest_added_pp": float(top_added.iloc[0]),
            "median_added_pp": float(with_support["added_pp"].median()),
        }
    )
    statements.append(
        {
            "topic": "Ukraine support counted",
            "statement": (
                f"The Hague declaration counts direct contributions to Ukraine's defence. Adding "
                f"allies' {counted_year} military aid (Kiel, by announcement) to their spending "
                f"moves the count at {fmt(core_pct)}% from {before} to {after}; the largest lift "
                f"is {names([top_added.index[0]])[0]}'s +{fmt(top_added.iloc[0])} pp (median "
                f"+{fmt(key['median_added_pp'])} pp). An upper bound: some allies already report "
                "part of this aid in their NATO figures."
            ),
            "source": f"{src['targets']}; {src['monthly']}; {src['nato']}",
        }
    )

    # 3. the EUR 40 bn baseline against allies' military allocations in that year
    baseline = targets.loc["washington_ukraine_baseline"]
    allies_aid = float(annual.loc[annual["iso3"].isin(nato_allies(counted_year)), "value"].sum())
    key.update({"baseline_eur_bn": float(baseline["value"]), "allies_military_eur_bn": allies_aid})
    statements.append(
        {
            "topic": "Washington baseline",
            "statement": (
                f"Against NATO's baseline of at least EUR {fmt(baseline['value'])} bn a year "
                f"({target_label_safe(baseline)}), allies announced EUR {fmt(allies_aid, 1)} bn of "
                f"military aid in {counted_year} (bilateral; EU institutions not included)."
            ),
            "source": f"{src['targets']}; {src['monthly']}",
        }
    )

    # 4. named packages: PURL up to as_of, and the Denmark-Norway-Sweden package
    pledges = load_pledges()
    purl = pledges[(pledges["channel"] == "PURL") & (pledges["date_to"] <= stamp)]
    first_reports = purl[purl["alternative_to"].isna() & purl["part_of"].isna()]
    nordic = first_reports[
        first_reports["donor_codes"].fillna("").map(lambda c: tuple(sorted(c.split(";"))))
        == tuple(sorted(NORDIC_PURL))
    ]
    key["purl_packages"] = len(first_reports)
    key["purl_donors"] = sorted(
        {c for codes in first_reports["donor_codes"].dropna() for c in codes.split(";")}
    )
    if len(nordic):
        row = nordic.iloc[0]
        alternatives = pledges[pledges["alternative_to"] == row["pledge_id"]]
        key.update(
            {
                "nordic_package_amount": float(row["amount"]),
                "nordic_package_scale": str(row["scale"]),
                "nordic_package_currency": str(row["currency"]),
                "nordic_package_date": str(row["date"]),
                "nordic_package_other_reports": len(alternatives),
            }
        )
        others = "; ".join(
            f"{fmt(a['amount'])} {a['scale']} {a['currency']}" for _, a in alternatives.iterrows()
        )
        nordic_text = (
            f" The Denmark-Norway-Sweden package of {row['date']} was reported as "
            f"{fmt(row['amount'])} {row['scale']} {row['currency']}"
            f"{f' (other reports: {others})' if others else ''}."
        )
    else:
        nordic_text = ""
    statements.append(
        {
            "topic": "Named packages (PURL)",
            "statement": (
                f"By {day:%d %B %Y}, {len(first_reports)} PURL packages had been announced by "
                f"{len(key['purl_donors'])} countries.{nordic_text}"
            ),
            "source": src["pledges"],
        }
    )

    # 5. who gives least relative to the economy (Kiel R30, % of 2021 GDP, NATO allies)
    kiel = load_support("R30", None)
    share = kiel[
        (kiel["unit"] == "% of 2021 GDP")
        & (kiel["scope"] == "bilateral")
        & (kiel["aid_type"] == "total")
        & (kiel["measure"] == "allocation")
    ].set_index("iso3")["value"]
    share = share[share.index.isin(nato_allies(year))].sort_values()
    bottom = share.head(BOTTOM)
    key.update(
        {
            "least_relative_to_gdp": list(bottom.index),
            "least_relative_values_pct": list(bottom.to_numpy()),
            "most_relative_to_gdp": str(share.index[-1]),
            "allies_with_kiel_share": len(share),
        }
    )
    statements.append(
        {
            "topic": "Least relative to their economies",
            "statement": (
                f"Of {len(share)} allies in the Kiel tracker, the {BOTTOM} that allocated least "
                f"relative to their 2021 GDP are "
                + ", ".join(
                    f"{n} ({fmt(v)}%)" for n, v in zip(names(bottom.index), bottom, strict=True)
                )
                + f"; the most: {names([share.index[-1]])[0]} ({fmt(share.iloc[-1])}%)."
            ),
            "source": src["kiel"],
        }
    )

    # 6. Ukrainian confidence about accession (same pollster, measure and base)
    polls = load_opinion(pollster=CONFIDENCE[0], measure=CONFIDENCE[1])
    polls = polls[polls["fieldwork_to"] <= stamp]
    answer = polls.groupby("answer_option")["poll_id"].nunique().idxmax()
    series = polls[polls["answer_option"] == answer].sort_values("fieldwork_from")
    if len(series) >= 2:
        first, last = series.iloc[0], series.iloc[-1]
        key.update(
            {
                "confidence_answer": answer,
                "confidence_first": f"{first['fieldwork_start']}: {fmt(first['share_pct'])}",
                "confidence_last": f"{last['fieldwork_start']}: {fmt(last['share_pct'])}",
                "confidence_change_pp": float(last["share_pct"] - first["share_pct"]),
            }
        )
        statements.append(
            {
                "topic": "Confidence about accession",
                "statement": (
                    f"Ukrainians expecting NATO membership '{answer}' ({CONFIDENCE[0]}): "
                    f"{fmt(first['share_pct'])}% in {first['fieldwork_start']}, "
                    f"{fmt(last['share_pct'])}% in {last['fieldwork_start']}."
                ),
                "source": src["opinion"],
            }
        )

    result = AnalysisResult(title=f"State of commitments, {day:%d %B %Y}")
    result.sources = list(dict.fromkeys(src.values()))
    result.tables["statements"] = pd.DataFrame(statements).set_index("topic")
    result.figures["support_share"] = plots.ranking_bars(
        share,
        title=(f"{', '.join(names(bottom.index[:3]))} allocated least to Ukraine relative to GDP"),
        xlabel="Bilateral allocations since Jan 2022, % of 2021 GDP (Kiel R30)",
        source=src["kiel"],
        highlight=list(bottom.index),
    )
    result.notes = [
        "Ukraine support counted is military aid by announcement date, converted to US$ at ECB "
        "annual averages and added to NATO's current-price spending: shares with support are "
        "current-price shares and an upper bound (double-count risk).",
        "Pledge amounts are as announced, in their own currencies; they are never summed.",
    ]
    result.key_results = plain(key)
    return result


def target_label_safe(row: pd.Series) -> str:
    """'Washington 2024' style label of a target row."""
    summit = str(row["summit"]).removeprefix("NATO ").removesuffix(" Summit")
    return f"{summit}, {row['date']:%B %Y}"
