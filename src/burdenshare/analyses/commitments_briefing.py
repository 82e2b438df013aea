"""Commitments briefing: the state of allied commitments on a date, each statement computed from
the bundled data and carrying its source.

``vintage`` says which data a dated briefing reads, and the page says which it used:

- ``"as_known"`` (the default): only editions and releases public by ``as_of`` (each edition's
  publication date is data in the registry, :attr:`burdenshare.editions.Edition.published`); a
  source with no installed release public by then is named as unavailable, and its statements
  are left out. Tables whose every row carries the day it became public (:data:`ROW_DATED`:
  pledges by announcement, polls by publication, the targets, membership) are read row by row.
- ``"as_revised"``: today's editions, periods up to ``as_of`` (pledges whose stated date or period
  has ended, poll waves whose fieldwork has ended, months of Kiel flows).

The NATO year is ``as_of``'s year, or the edition's last year if earlier (figures for recent
years are NATO's estimates); Ukraine support is counted for the last complete year of flows up
to it, and compared with the count of that same year. Statements: the
Hague pledge and how many allies meet it; Ukraine support counted toward it (upper bound,
double-count risk); NATO's EUR 40 bn baseline against allies' military aid; the named PURL
packages incl. the Denmark-Norway-Sweden package; the allies giving least relative to their
economies; the trend in Ukrainians' confidence about accession.

Pairs with ``notebooks/commitments_briefing.ipynb`` (same name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from .. import plots
from ..countries import nato_allies
from ..datasets import (
    COUNTRIES,
    FX,
    KIEL_MONTHLY,
    KIEL_SUPPORT,
    NATO_SPENDING,
    OPINION,
    PLEDGES,
    TARGETS,
)
from ..editions import editions, last_day, latest, published_by
from ..errors import DataError
from ..loaders.opinion import load_opinion
from ..loaders.pledges import load_pledges
from ..loaders.support import load_support, release_order
from ..metrics import compliance
from ..params import check_choice, check_date
from ..targets import targets_by_id
from ._format import cite, fmt, listing, names, plain, signed, target_label, trend_text
from ._inputs import (
    aid_counted,
    complete_years,
    military_aid_by_year,
    monthly_release,
    nato_edition,
    nato_panel,
    nato_years,
)
from .result import AnalysisResult

#: The vintages a dated briefing can read (see the module doc).
VINTAGES = ("as_known", "as_revised")
DEFAULTS: dict[str, Any] = {"as_of": "2025-12-31", "vintage": "as_known"}
#: Tables whose every row carries the day it became public, read row by row up to ``as_of``.
ROW_DATED = (PLEDGES, OPINION, TARGETS, COUNTRIES)
#: The named package the briefing reports (donor codes as in the pledges table).
NORDIC_PURL = ("DNK", "NOR", "SWE")
CONFIDENCE = ("Gallup", "expect_nato_within_10y")
BOTTOM = 5
LABELS = {
    "allies_at_core": "Allies at the Hague core level (count)",
    "allies_at_core_with_support": "Allies at the core level with Ukraine aid counted (count)",
    "allies_military_eur_bn": "Allies' military aid to Ukraine in the year (EUR bn)",
    "purl_packages": "PURL packages announced (count)",
    "confidence_change_pp": "Change in Ukrainians expecting membership within ten years (pp)",
}


def span() -> tuple[dt.date, dt.date]:
    """Valid as_of dates: from the Hague summit to the end of the newest NATO year."""
    hague = targets_by_id().at["hague_core_3_5", "date"].date()
    # a NATO edition's label is the year it was published, its last year (read no table here:
    # an "as known" briefing must not read editions published after its date)
    return hague, dt.date(int(latest(NATO_SPENDING)), 12, 31)


def validate(as_of: str = DEFAULTS["as_of"], vintage: str = DEFAULTS["vintage"]) -> dict[str, Any]:
    """An ISO date (YYYY-MM-DD) between the Hague summit and the end of the NATO data, and a
    vintage (:data:`VINTAGES`)."""
    first, last = span()
    day = check_date("as_of", as_of, first, last)
    return {"as_of": day, "vintage": check_choice("vintage", vintage, VINTAGES)}


@dataclass(frozen=True)
class Vintage:
    """The editions a briefing reads: None where no installed release was public by ``day``
    (``as_known``); ``missing`` names each unavailable source for the page."""

    kind: str
    day: dt.date
    nato: str
    kiel: str | None  # Kiel summary release with allocations as % of 2021 GDP
    monthly: str | None  # Kiel monthly flows (with ECB rates to convert them)
    missing: tuple[str, ...]


def long_date(day: dt.date) -> str:
    """6 August 2025."""
    return f"{day.day} {day:%B %Y}"


def _first_public(dataset: str, labels: list[str] | None = None, what: str = "installed") -> str:
    """When the first installed edition (of ``labels``, if given) became public."""
    found = [
        e
        for label, e in editions(dataset).items()
        if e.published is not None and (labels is None or label in labels)
    ]
    if not found:
        return "none installed has a recorded publication date"
    first = min(found, key=lambda e: e.published)
    return f"the first {what}, {first.label}, was public by {long_date(first.published)}"


def _gdp_shares(release: str) -> pd.DataFrame:
    """A Kiel release's bilateral allocations as % of 2021 GDP, one row per donor (may be empty:
    R28 gives money only)."""
    kiel = load_support(release, None)
    return kiel[
        (kiel["unit"] == "% of 2021 GDP")
        & (kiel["scope"] == "bilateral")
        & (kiel["aid_type"] == "total")
        & (kiel["measure"] == "allocation")
    ]


def share_release(labels: list[str]) -> str | None:
    """The newest of these Kiel releases that gives allocations as % of 2021 GDP, or None."""
    for label in sorted(labels, key=release_order, reverse=True):
        if len(_gdp_shares(label)):
            return label
    return None


def vintage_of(day: dt.date, kind: str) -> Vintage:
    """The editions a briefing dated ``day`` reads in vintage ``kind``."""
    if kind == "as_revised":
        kiel = share_release(list(editions(KIEL_SUPPORT)))
        return Vintage(kind, day, nato_edition(), kiel, monthly_release(), ())
    missing = []
    nato = published_by(NATO_SPENDING, day)
    if nato is None:
        raise DataError(
            f"No installed NATO edition was public by {day}: choose vintage='as_revised' or a "
            "later as_of."
        )
    public = [label for label in editions(KIEL_SUPPORT) if published_by(KIEL_SUPPORT, day, [label])]
    kiel = share_release(public)
    if kiel is None:
        why = (
            f"the releases public by then ({', '.join(public)}) do not give them"
            if public
            else f"no installed release was public by then; {_first_public(KIEL_SUPPORT)}"
        )
        missing.append(f"Kiel Ukraine Support Tracker allocations as % of GDP ({why})")
    monthly = published_by(KIEL_MONTHLY, day)
    if monthly is None:
        missing.append(
            f"Kiel monthly flows ({_first_public(KIEL_MONTHLY)}): Ukraine support is not counted"
        )
    elif published_by(FX, day) is None:
        missing.append(f"ECB annual exchange rates ({_first_public(FX)})")
        monthly = None
    return Vintage(kind, day, nato, kiel, monthly, tuple(missing))


def run(as_of: str = DEFAULTS["as_of"], vintage: str = DEFAULTS["vintage"]) -> AnalysisResult:
    """The briefing's statements (table), one figure where the Kiel totals are available, and
    the key results; the vintage is stated in the title and as the first statement."""
    p = validate(as_of, vintage)
    day = p["as_of"]
    v = vintage_of(day, p["vintage"])
    panel = nato_panel(v.nato)
    year = min(day.year, nato_years(v.nato)[-1])
    src = sources(v)
    key: dict[str, Any] = {
        "as_of": day.isoformat(),
        "vintage": v.kind,
        "edition": v.nato,
        "support_release": v.kiel,
        "monthly_release": v.monthly,
        "unavailable": list(v.missing),
        "year": year,
    }
    statements = [vintage_statement(v, src), hague_pledge(panel, year, key, src)]
    if v.monthly is not None:
        statements += [
            support_counted(panel, pd.Timestamp(day), v.monthly, key, src),
            washington_baseline(key, src),
        ]
    statements.append(purl_packages(pd.Timestamp(day), key, src))
    share = support_share_of_gdp(year, v.kiel) if v.kiel is not None else None
    if share is not None:
        statements.append(least_relative(share, key, src))
    confidence = accession_confidence(pd.Timestamp(day), v.kind, key, src)
    statements += [confidence] if confidence else []
    result = AnalysisResult(title=finding(key), sources=list(dict.fromkeys(src.values())))
    result.tables["statements"] = pd.DataFrame(statements).set_index("topic")
    result.figures["core_share"] = core_figure(panel, key, src["nato"])
    if share is not None:
        result.figures["support_share"] = share_figure(share, key, src["kiel"])
    result.notes = [
        "Ukraine support counted is military aid by announcement date, converted to US$ at ECB "
        "annual averages and to NATO's constant prices, and added to NATO's share of real GDP "
        "(the share shown without it): shares with support are an upper bound (double-count "
        "risk).",
        "Pledge amounts are as announced, in their own currencies; they are never summed.",
    ]
    result.labels = {name: text for name, text in LABELS.items() if name in key}
    result.key_results = plain(key)
    return result


def sources(v: Vintage) -> dict[str, str]:
    """Citation of every dataset the statements use, by short name (those the vintage has)."""
    pairs = {
        "nato": (NATO_SPENDING, v.nato),
        "targets": (TARGETS, latest(TARGETS)),
        "kiel": (KIEL_SUPPORT, v.kiel),
        "monthly": (KIEL_MONTHLY, v.monthly),
        "pledges": (PLEDGES, latest(PLEDGES)),
        "opinion": (OPINION, latest(OPINION)),
    }
    return {name: cite(pair)[0] for name, pair in pairs.items() if pair[1] is not None}


def vintage_words(key: dict[str, Any]) -> str:
    """ "data as known on 31 December 2025" or "data as revised since (NATO 2026 edition)"."""
    day = dt.date.fromisoformat(key["as_of"])
    if key["vintage"] == "as_known":
        return f"data as known on {long_date(day)}"
    return f"data as revised since, NATO {key['edition']} edition"


def vintage_statement(v: Vintage, src: dict[str, str]) -> dict[str, str]:
    """0. Which data the briefing reads, with each edition's publication date, and what was not
    yet available."""
    read = [(NATO_SPENDING, v.nato), (KIEL_SUPPORT, v.kiel), (KIEL_MONTHLY, v.monthly)]
    used = "; ".join(
        f"{dataset} {label} (public by {long_date(editions(dataset)[label].published)})"
        for dataset, label in read
        if label is not None
    )
    if v.kind == "as_known":
        statement = (
            f"Data as known on {long_date(v.day)}: only editions and releases public by then "
            f"({used}); pledges, polls and targets as announced or published by that day."
        )
        if v.missing:
            statement += f" Not yet available: {'; '.join(v.missing)}."
    else:
        statement = (
            f"Data as revised since: today's editions ({used}), for periods up to "
            f"{long_date(v.day)}; later revisions of earlier years are included."
        )
    return {"topic": "Vintage", "statement": statement, "source": src["nato"]}


def finding(key: dict[str, Any]) -> str:
    """The briefing's headline: who meets the Hague core level, and with Ukraine aid of the same
    year counted (or how the count of the aid's own year moves), with the vintage named."""
    core, year = fmt(key["hague_core_pct"]), key["year"]
    missing = key["allies_without_figure"]
    without = f" ({listing(names(missing))} without a figure)" if missing else ""
    were = "was" if key["allies_at_core"] == 1 else "were"
    head = (
        f"{key['allies_at_core']} of {key['members']} allies{without} {were} at the Hague "
        f"{core}% core level in {year}"
    )
    support = key.get("support_year")
    if support is None:
        tail = "; Ukraine support not counted (no Kiel flows public by then are installed)"
    elif support == year:
        tail = (
            f"; counting their {year} military aid to Ukraine, "
            f"{key['allies_at_core_with_support']} would be (an upper bound)"
        )
    else:
        tail = (
            f"; in {support}, counting that year's military aid to Ukraine moves the count from "
            f"{key['allies_at_core_without_support']} to {key['allies_at_core_with_support']} "
            "(an upper bound)"
        )
    return f"{head}{tail} ({vintage_words(key)})"


def hague_pledge(
    panel: pd.DataFrame, year: int, key: dict[str, Any], src: dict[str, str]
) -> dict[str, str]:
    """1. The Hague pledge and who meets it (and 2%) in ``year``."""
    targets = targets_by_id()
    core, total = targets.loc["hague_core_3_5"], targets.loc["hague_total_5"]
    members = nato_allies(year)
    met_core = compliance(panel, "hague_core_3_5", years=year).loc[year]
    met_two = compliance(panel, "wales_2pct", years=year).loc[year]
    estimate = " (NATO estimates)" if panel.xs(year, level="year")["estimate"].any() else ""
    no_figure = [c for c in met_core["no_data"] if c != "ISL"]  # Iceland: no armed forces
    key.update(
        {
            "hague_core_pct": float(core["value"]),
            "hague_total_pct": float(total["value"]),
            "hague_by": str(core["target_year"]),
            "allies_at_core": int(met_core["count"]),
            "allies_at_core_list": list(met_core["allies"]),
            "allies_at_2pct": int(met_two["count"]),
            "wales_pct": float(met_two["target_pct"]),
            "members": len(members),
            "allies_without_figure": no_figure,
        }
    )
    statement = (
        f"On {core['date']:%d %B %Y} allies pledged {fmt(core['value'])}% of GDP for core "
        f"defence and {fmt(total['value'])}% in all by {core['target_year']}. In {year} "
        f"{met_core['count']} of {len(members)} allies were at {fmt(core['value'])}% "
        f"({', '.join(names(met_core['allies'])) or 'none'}) and {met_two['count']} at "
        f"{fmt(met_two['target_pct'])}%{estimate}"
        f"{f'; NATO gives no {year} figure for {listing(names(no_figure))}' if no_figure else ''}."
    )
    return {
        "topic": "The Hague pledge",
        "statement": statement,
        "source": f"{src['targets']}; {src['nato']}",
    }


def support_counted(
    panel: pd.DataFrame, day: pd.Timestamp, release: str, key: dict[str, Any], src: dict[str, str]
) -> dict[str, str]:
    """2. Allies' military aid of the last complete year up to the NATO year counted toward the
    core level, against the count of that same year."""
    annual = military_aid_by_year(up_to=day, release=release)
    year = complete_years(annual, last=key["year"])[-1]
    counted = aid_counted(panel, annual, [year]).xs(year, level="year")
    counted = counted[counted.index.isin(nato_allies(year))]
    core = key["hague_core_pct"]
    before = int((counted["share_pct"] >= core).sum())
    after = int((counted["share_with_support_pct"] >= core).sum())
    top = counted["added_pp"].sort_values(ascending=False)
    key.update(
        {
            "support_year": year,
            "allies_at_core_without_support": before,
            "allies_at_core_with_support": after,
            "largest_added_ally": str(top.index[0]),
            "largest_added_pp": float(top.iloc[0]),
            "median_added_pp": float(counted["added_pp"].median()),
        }
    )
    allies = annual[(annual["year"] == year) & annual["iso3"].isin(nato_allies(year))]
    key["allies_military_eur_bn"] = float(allies["value"].sum())
    statement = (
        f"The Hague declaration counts direct contributions to Ukraine's defence. Adding allies' "
        f"{year} military aid (Kiel, by announcement) to their spending moves the count at "
        f"{fmt(core)}% from {before} to {after}; the largest lift is {names([top.index[0]])[0]}'s "
        f"{signed(top.iloc[0])} pp (median {signed(key['median_added_pp'])} pp). An upper bound: some "
        "allies already report part of this aid in their NATO figures."
    )
    return {
        "topic": "Ukraine support counted",
        "statement": statement,
        "source": f"{src['targets']}; {src['monthly']}; {src['nato']}",
    }


def washington_baseline(key: dict[str, Any], src: dict[str, str]) -> dict[str, str]:
    """3. NATO's EUR 40 bn baseline against allies' military aid in the counted year."""
    baseline = targets_by_id().loc["washington_ukraine_baseline"]
    summit = str(baseline["summit"]).removeprefix("NATO ").removesuffix(" Summit")
    key["baseline_eur_bn"] = float(baseline["value"])
    statement = (
        f"Against NATO's baseline of at least EUR {fmt(baseline['value'])} bn a year ({summit}, "
        f"{baseline['date']:%B %Y}), allies announced EUR {fmt(key['allies_military_eur_bn'], 1)}"
        f" bn of military aid in {key['support_year']} (bilateral; EU institutions not included)."
    )
    return {
        "topic": "Washington baseline",
        "statement": statement,
        "source": f"{src['targets']}; {src['monthly']}",
    }


def purl_packages(day: pd.Timestamp, key: dict[str, Any], src: dict[str, str]) -> dict[str, str]:
    """4. PURL packages announced by ``day`` (first reports), and the Denmark-Norway-Sweden one."""
    pledges = load_pledges()
    purl = pledges[(pledges["channel"] == "PURL") & (pledges["date_to"] <= day)]
    first = purl[purl["alternative_to"].isna() & purl["part_of"].isna()]
    key["purl_packages"] = len(first)
    key["purl_donors"] = sorted(
        {c for codes in first["donor_codes"].dropna() for c in codes.split(";")}
    )
    statement = (
        f"By {day:%d %B %Y}, {len(first)} PURL packages had been announced by "
        f"{len(key['purl_donors'])} countries.{nordic_package(first, pledges, key)}"
    )
    return {"topic": "Named packages (PURL)", "statement": statement, "source": src["pledges"]}


def nordic_package(first: pd.DataFrame, pledges: pd.DataFrame, key: dict[str, Any]) -> str:
    """The Denmark-Norway-Sweden package as first reported, with the other reports of it."""
    wanted = sorted(NORDIC_PURL)
    nordic = first[
        first["donor_codes"].fillna("").map(lambda c: sorted(c.split(";")) == wanted).astype(bool)
    ]
    if nordic.empty:
        return ""
    row = nordic.iloc[0]
    others = pledges[pledges["alternative_to"] == row["pledge_id"]]
    key.update(
        {
            "nordic_package_amount": float(row["amount"]),
            "nordic_package_scale": str(row["scale"]),
            "nordic_package_currency": str(row["currency"]),
            "nordic_package_date": str(row["date"]),
            "nordic_package_other_reports": len(others),
        }
    )
    reports = "; ".join(
        f"{fmt(a['amount'])} {a['scale']} {a['currency']}" for _, a in others.iterrows()
    )
    return (
        f" The Denmark-Norway-Sweden package of {row['date']} was reported as "
        f"{fmt(row['amount'])} {row['scale']} {row['currency']}"
        f"{f' (other reports: {reports})' if reports else ''}."
    )


def support_share_of_gdp(year: int, release: str) -> pd.Series:
    """Allies' bilateral allocations since 2022 as % of 2021 GDP (Kiel ``release``); members of
    ``year`` absent from the tracker are NaN."""
    share = _gdp_shares(release).set_index("iso3")["value"]
    return share.reindex(nato_allies(year))


def least_relative(share: pd.Series, key: dict[str, Any], src: dict[str, str]) -> dict[str, str]:
    """5. The allies that allocated least relative to their economies, and the most."""
    known = share.dropna().sort_values()
    bottom = known.head(BOTTOM)
    key.update(
        {
            "least_relative_to_gdp": list(bottom.index),
            "least_relative_values_pct": list(bottom.to_numpy()),
            "most_relative_to_gdp": str(known.index[-1]),
            "allies_with_kiel_share": len(known),
        }
    )
    least = ", ".join(f"{n} ({fmt(v)}%)" for n, v in zip(names(bottom.index), bottom, strict=True))
    statement = (
        f"Of {len(known)} allies with a figure in Kiel {key['support_release']}, the {BOTTOM} that "
        "allocated least "
        f"relative to their 2021 GDP are {least}; the most: {names([known.index[-1]])[0]} "
        f"({fmt(known.iloc[-1])}%)."
    )
    return {
        "topic": "Least relative to their economies",
        "statement": statement,
        "source": src["kiel"],
    }


def core_figure(panel: pd.DataFrame, key: dict[str, Any], source: str) -> Figure:
    """Allies' NATO share of GDP in the briefing's year against the Hague core level and 2%."""
    year, core = key["year"], key["hague_core_pct"]
    shares = panel.xs(year, level="year")["defexp_share_gdp_pct"].reindex(nato_allies(year))
    estimate = panel.xs(year, level="year")["estimate"].reindex(shares.index)
    were = "was" if key["allies_at_core"] == 1 else "were"
    return plots.ranking_bars(
        shares,
        title=(
            f"{key['allies_at_core']} of {key['members']} allies {were} at {fmt(core)}% of GDP "
            f"in {year} ({vintage_words(key)})"
        ),
        xlabel=f"Defence expenditure, % of GDP (NATO {key['edition']} edition)",
        source=source,
        estimate=estimate.fillna(False).astype(bool),
        targets={
            f"{target_label('hague_core_3_5')} core": core,
            target_label("wales_2pct"): key["wales_pct"],
        },
        groups={f"at {fmt(core)}% or above": key["allies_at_core_list"]},
        others=f"below {fmt(core)}%",
        missing="no NATO figure",
    )


def share_figure(share: pd.Series, key: dict[str, Any], source: str) -> Figure:
    """Allies ranked by allocations as % of GDP, the least-giving ones highlighted."""
    least = key["least_relative_to_gdp"]
    return plots.ranking_bars(
        share,
        title=f"{listing(names(least))} allocated least to Ukraine relative to GDP",
        xlabel=f"Bilateral allocations since Jan 2022, % of 2021 GDP (Kiel {key['support_release']})",
        source=source,
        groups={f"the {len(least)} allocating least": least},
        others="other allies",
        missing="not in the Kiel tracker",
    )


def accession_confidence(
    day: pd.Timestamp, vintage: str, key: dict[str, Any], src: dict[str, str]
) -> dict[str, str] | None:
    """6. Ukrainians' confidence about accession (same pollster, measure and base), or None:
    waves published by ``day`` (as known) or whose fieldwork ended by then (as revised)."""
    polls = load_opinion(pollster=CONFIDENCE[0], measure=CONFIDENCE[1])
    polls = polls[polls["fieldwork_to"] <= day]
    if vintage == "as_known":
        published = polls["published"].map(lambda text: pd.Timestamp(last_day(str(text))))
        polls = polls[published <= day]
    if polls.empty:
        return None
    answer = polls.groupby("answer_option")["poll_id"].nunique().idxmax()
    series = polls[polls["answer_option"] == answer].sort_values("fieldwork_from")
    if len(series) < 2:
        return None
    first, last = series.iloc[0], series.iloc[-1]
    key.update(
        {
            "confidence_answer": answer,
            "confidence_first": f"{first['fieldwork_start']}: {fmt(first['share_pct'])}",
            "confidence_last": f"{last['fieldwork_start']}: {fmt(last['share_pct'])}",
            "confidence_change_pp": float(last["share_pct"] - first["share_pct"]),
        }
    )
    line = series.set_index("fieldwork_start")["share_pct"]
    statement = (
        f"Ukrainians expecting NATO membership '{answer}' ({CONFIDENCE[0]}): "
        f"{trend_text(line, str)}."
    )
    return {"topic": "Confidence about accession", "statement": statement, "source": src["opinion"]}
