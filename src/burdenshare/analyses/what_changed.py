"""What changed between two editions or releases of a dataset.

Reads both labels through :func:`burdenshare.compare_releases` (bundled or imported, so a newly
imported edition or release works) and reports, per dataset:

- NATO (``nato_spending``): the largest revisions to allies' past share of GDP (percentage
  points) and to their money (current US$, where both editions have the money tables), and how
  many allies were at or above 2% of GDP in each year by the old and by the new edition, with the
  allies that crossed; a change of definition (the 2026 edition reports *core* defence
  expenditure) is stated, since part of every revision is then the definition, not a correction.
- SIPRI (``sipri_milex``): the revisions to the year before the new release's last year (the
  figures SIPRI itself revised), by country, largest first (local currency, share of GDP and
  current US$).
- Kiel (``kiel_support``): each donor's total bilateral allocations (and with its EU share), old
  and new, largest moves first, in one unit: money in the releases' common currency, else % of
  2021 GDP. Nothing is converted: a release in USD is never compared with one in EUR.
- The other Kiel tables compare_releases supports (monthly flows, monthly totals, heavy weapons):
  their largest revisions, relative.

``old`` and ``new`` are labels; ``"latest"`` (for ``new``) is the newest label that an earlier
one can be compared with, and ``"previous"`` (for ``old``) the newest label before ``new`` that
shares its headline figures in a unit (for Kiel, preferring one with donor totals in money).
Bundled data: NATO 2025 -> 2026, SIPRI 2025 -> 2026, Kiel R28 -> R30 (R29 gives totals only as %
of GDP, and R30v2 is in USD).

Pairs with ``notebooks/what_changed.ipynb`` (same name).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from .. import datasets, plots
from ..countries import NATO_AGGREGATES, nato_allies
from ..countries import name as country_name
from ..editions import editions, label_order
from ..errors import ParameterError, UnitError
from ..metrics import compliance
from ..params import check_choice, check_int, check_type
from ..revisions import COMPARISONS, compare_releases, largest_revisions
from ._format import cite, fmt, listing, names, plain, signed
from ._inputs import nato_panel
from .result import AnalysisResult

PREVIOUS, LATEST = "previous", "latest"
DEFAULTS: dict[str, Any] = {
    "dataset": datasets.NATO_SPENDING,
    "old": PREVIOUS,
    "new": LATEST,
    "top_n": 10,
}
#: Most rows a table (and bars a figure) shows.
MAX_SHOWN = 40
#: The target whose counts the NATO report compares (an id of the commitments table).
TARGET = "wales_2pct"
NATO_SHARE = "defexp_share_gdp_pct"
NATO_MONEY = "defexp_usd_current_m"
SIPRI_INDICATORS = {
    "lcu": "milex_lcu_current",
    "share": "milex_share_gdp_pct",
    "usd": "milex_usd_current_m",
}
KIEL_SCOPES = {"bilateral": "bilateral", "with_eu_share": "bilateral_plus_eu_share"}
STATUS_COLUMNS = ("revised", "unchanged", "added", "removed", "not comparable")
#: A heading for each table an analysis may return (the notebook shows them in this wording).
CAPTIONS = {
    "counts": "Allies at or above 2% of GDP per year, by each edition",
    "crossings": "Who crossed the 2% line between the editions, and why",
    "share_revisions": "Largest revisions to allies' shares of GDP",
    "money_revisions": "Largest revisions to allies' defence expenditure in US$",
    "revisions": "Largest revisions",
    "donor_totals": "Donors' total allocations, largest moves first",
    "status": "Every value compared: revised, unchanged, added, removed",
}


@dataclass(frozen=True)
class Headline:
    """The rows a dataset's report is about (column -> value) and whether a comparison in money
    is preferred to one in % of GDP when choosing the previous release."""

    rows: dict[str, str] = field(default_factory=dict)
    prefer_money: bool = False


HEADLINES: dict[str, Headline] = {
    datasets.NATO_SPENDING: Headline({"indicator": NATO_SHARE}),
    datasets.SIPRI_MILEX: Headline({"indicator": SIPRI_INDICATORS["lcu"]}),
    datasets.KIEL_SUPPORT: Headline(
        {"measure": "allocation", "aid_type": "total", "scope": "bilateral"}, prefer_money=True
    ),
}


# --- parameters -------------------------------------------------------------------------------


def _label(name: str, value: Any) -> str:
    """A label parameter as text (papermill's ``-p new 2026`` passes the number 2026)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_):
        value = str(value)
    check_type(name, value, str)
    return value


def _is_money(unit: str) -> bool:
    return not unit.startswith("%") and unit != "count"


def headline_rows(diff: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """The rows of a comparison a dataset's report is about (every row for other datasets)."""
    keep = pd.Series(True, index=diff.index)
    for column, value in HEADLINES.get(dataset, Headline()).rows.items():
        keep &= diff[column] == value
    return diff[keep]


def shared_units(dataset: str, old: str, new: str) -> list[str]:
    """Units in which both labels give a headline figure for the same key (money first)."""
    try:
        diff = compare_releases(dataset, old, new)
    except UnitError:
        return []
    rows = headline_rows(diff, dataset)
    units = set(rows.loc[rows["status"].isin(("revised", "unchanged")), "unit"])
    return sorted(units, key=lambda u: (not _is_money(u), u))


def previous_label(dataset: str, new: str) -> str | None:
    """The newest label before ``new`` sharing its headline figures in a unit (see module)."""
    earlier = [x for x in editions(dataset) if label_order(dataset, x) < label_order(dataset, new)]
    prefer_money = HEADLINES.get(dataset, Headline()).prefer_money
    fallback = None
    for label in reversed(earlier):
        units = shared_units(dataset, label, new)
        if units and (not prefer_money or _is_money(units[0])):
            return label
        fallback = fallback or (label if units else None)
    return fallback


def latest_label(dataset: str) -> str | None:
    """The newest label that an earlier one can be compared with."""
    return next((x for x in reversed(editions(dataset)) if previous_label(dataset, x)), None)


def validate(
    dataset: str = DEFAULTS["dataset"],
    old: str = DEFAULTS["old"],
    new: str = DEFAULTS["new"],
    top_n: int = DEFAULTS["top_n"],
) -> dict[str, Any]:
    """A dataset compare_releases supports, two of its labels (``old`` earlier than ``new``)
    whose headline figures share a unit, and how many revisions to show (1 to 40). Returns the
    resolved labels and the unit of comparison."""
    check_type("dataset", dataset, str)
    dataset = check_choice("dataset", dataset, list(COMPARISONS))
    old, new = _label("old", old), _label("new", new)
    labels = list(editions(dataset))
    new = check_choice("new", new, [*labels, LATEST])
    old = check_choice("old", old, [*labels, PREVIOUS])
    top_n = check_int("top_n", top_n, 1, MAX_SHOWN)
    if len(labels) < 2:
        raise ParameterError(
            f"Parameter 'dataset' = {dataset!r} has one release installed ({listing(labels)}): "
            "nothing to compare it with. Import a newer one with `burdenshare data import "
            "kiel FOLDER`, or choose another dataset."
        )
    new = resolve_new(dataset, new)
    old = resolve_old(dataset, old, new)
    units = shared_units(dataset, old, new)
    if not units:
        raise ParameterError(
            f"Parameters 'old' = {old!r} and 'new' = {new!r} of {dataset} have nothing in "
            "common to compare (no headline figure for the same key in the same unit; nothing "
            f"is converted). Choose two labels in the same unit, e.g. old={PREVIOUS!r}."
        )
    return {"dataset": dataset, "old": old, "new": new, "top_n": top_n, "unit": units[0]}


def resolve_new(dataset: str, new: str) -> str:
    """``new`` as a label (``"latest"`` resolved)."""
    if new != LATEST:
        return new
    found = latest_label(dataset)
    if found is None:
        raise ParameterError(
            f"Parameter 'new' = {LATEST!r}: no two labels of {dataset} ({listing(editions(dataset))})"
            " share a unit; name both, or import a release in the same unit."
        )
    return found


def resolve_old(dataset: str, old: str, new: str) -> str:
    """``old`` as a label (``"previous"`` resolved), earlier than ``new``."""
    if old == PREVIOUS:
        found = previous_label(dataset, new)
        if found is None and new == next(iter(editions(dataset))):
            raise ParameterError(
                f"Parameter 'old' = {PREVIOUS!r}: {new!r} is the earliest label of {dataset}, "
                f"nothing comes before it. Name a later 'new', e.g. {LATEST!r}."
            )
        if found is None:
            raise ParameterError(
                f"Parameter 'old' = {PREVIOUS!r}: no label of {dataset} before {new!r} shares a"
                f" unit with it (nothing is converted). Name another 'new', e.g. {LATEST!r}."
            )
        return found
    if old == new:
        raise ParameterError(
            f"Parameters 'old' and 'new' are both {old!r}: name two different labels of {dataset}."
        )
    if label_order(dataset, old) > label_order(dataset, new):
        raise ParameterError(
            f"Parameter 'old' = {old!r} comes after 'new' = {new!r}: 'old' names the earlier "
            f"label of {dataset}; swap them."
        )
    return old


# --- the recipe -------------------------------------------------------------------------------


def run(
    dataset: str = DEFAULTS["dataset"],
    old: str = DEFAULTS["old"],
    new: str = DEFAULTS["new"],
    top_n: int = DEFAULTS["top_n"],
) -> AnalysisResult:
    """What changed from ``old`` to ``new``: the dataset's own section (see the module), then how
    many values were revised, added and removed per series."""
    p = validate(dataset, old, new, top_n)
    diff = compare_releases(p["dataset"], p["old"], p["new"])
    result = AnalysisResult(
        title="", sources=cite((p["dataset"], p["old"]), (p["dataset"], p["new"]))
    )
    key = overview(diff, p)
    SECTIONS.get(p["dataset"], other_changes)(result, diff, p, key)
    result.tables["status"] = status_summary(diff, p["dataset"])
    result.notes += common_notes(p)
    result.labels.update(
        {
            "revised": "Values revised (count)",
            "added": f"Values new in {p['new']} (count)",
            "removed": f"Values {p['new']} no longer gives (count)",
        }
    )
    result.key_results = plain(key)
    return result


def overview(diff: pd.DataFrame, p: dict[str, Any]) -> dict[str, Any]:
    """The labels compared and how many values were revised, unchanged, added or removed."""
    counts = diff["status"].value_counts()
    key: dict[str, Any] = {"dataset": p["dataset"], "old": p["old"], "new": p["new"]}
    key["unit"] = p["unit"]
    for status in STATUS_COLUMNS:
        key[status.replace(" ", "_")] = int(counts.get(status, 0))
    key["old_definition"] = diff.attrs.get("old_definition")
    key["new_definition"] = diff.attrs.get("new_definition")
    key["definition_changed"] = bool(diff["definition_changed"].any())
    return key


def status_summary(diff: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Per series (indicator, or measure, aid type, scope; with its unit): values by status."""
    what = [*COMPARISONS[dataset].series[1:], "unit"]
    counts = diff.groupby([*what, "status"]).size().unstack("status", fill_value=0)
    return counts.reindex(columns=list(STATUS_COLUMNS), fill_value=0)


def common_notes(p: dict[str, Any]) -> list[str]:
    return [
        f"Revision = value in {p['new']} − value in {p['old']}, in the unit shown; values are "
        "compared only in the same unit, currency and price basis (shares of GDP are compared "
        "even where the price base year changed). Nothing is converted.",
        f"Every key, old and new value: `burdenshare data diff {p['dataset']} {p['old']} "
        f"{p['new']} --out {p['dataset']}_diff.csv`.",
    ]


# --- rounding ---------------------------------------------------------------------------------


def decimals(values: pd.Series, most: int = 6) -> int | None:
    """The decimals a publisher rounded ``values`` to (None: more than ``most``, not rounded)."""
    finite = values.dropna().to_numpy(dtype=float)
    if not len(finite):
        return None
    for places in range(most + 1):
        if np.allclose(np.round(finite, places), finite, rtol=1e-12, atol=1e-12):
            return places
    return None


def rounding(rows: pd.DataFrame) -> float:
    """Half a unit in the last decimal of the coarser of the two labels' values (0 when neither
    is rounded): a revision no larger than this may be the rounding alone."""
    both = rows[rows["status"].isin(("revised", "unchanged"))]
    found = [decimals(both[f"{side}_value"]) for side in ("old", "new")]
    places = [d for d in found if d is not None]
    return 0.5 * 10.0 ** -min(places) if places else 0.0


def beyond(revision: pd.Series, tolerance: float) -> pd.Series:
    """Revisions larger than ``tolerance`` (NaN: no); a relative margin of 1e-6 absorbs the
    floating-point error of the subtraction."""
    return revision.abs() > tolerance * (1 + 1e-6)


# --- NATO -------------------------------------------------------------------------------------


def nato_changes(
    result: AnalysisResult, diff: pd.DataFrame, p: dict[str, Any], key: dict[str, Any]
) -> None:
    """Revisions to allies' shares of GDP and money, and the counts at or above 2% per year."""
    old, new = p["old"], p["new"]
    shares = diff[(diff["indicator"] == NATO_SHARE) & ~diff["iso3"].isin(NATO_AGGREGATES)]
    tolerance = rounding(shares)
    revised = share_revisions(shares, tolerance)
    counts = counts_at_target(old, new)
    covered = shares[shares["year"].isin(counts.index)]
    moved = crossings(covered, float(counts["target_pct"].iloc[0]), tolerance, old, new)
    key.update(nato_key(shares, revised, counts, moved, tolerance))
    result.title = nato_title(key)
    source = f"NATO, Defence Expenditure of NATO Countries, editions {old} and {new}"
    result.figures["counts"] = counts_figure(counts, shares, key, result.title, source)
    top = revised.head(p["top_n"])
    if len(top):
        result.figures["share_revisions"] = share_figure(top, key, source)
    result.tables["counts"] = counts
    result.tables["crossings"] = moved.set_index(["country", "year"])
    result.tables["share_revisions"] = top.set_index(["country", "year"])
    money = money_revisions(diff, p["top_n"])
    key["money_compared"] = int(money.attrs["compared"])
    key["editions_without_money"] = money.attrs["without"]
    if len(money):
        result.tables["money_revisions"] = money.set_index(["country", "year"])
    result.notes += nato_notes(key)
    result.labels.update(nato_labels(key))
    result.headers.update(nato_headers(old, new))


def _share_columns(rows: pd.DataFrame) -> dict[str, pd.Series]:
    """Who, when, and the share of GDP by each edition (compare_releases rows)."""
    return {
        "iso3": rows["iso3"],
        "country": rows["country"],
        "year": rows["year"].astype(int),
        "old_share_gdp_pct": rows["old_value"],
        "new_share_gdp_pct": rows["new_value"],
        "revision_pp": rows["revision"],
    }


def share_revisions(shares: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    """Allies' shares of GDP that were revised, largest revision (in pp) first."""
    rows = shares[shares["status"] == "revised"]
    rows = rows.loc[rows["revision"].abs().sort_values(ascending=False, kind="stable").index]
    return pd.DataFrame(
        {
            **_share_columns(rows),
            "within_rounding": ~beyond(rows["revision"], tolerance),
            "old_estimate": rows["old_estimate"].astype(bool),
            "new_estimate": rows["new_estimate"].astype(bool),
        }
    ).reset_index(drop=True)


def counts_at_target(old: str, new: str) -> pd.DataFrame:
    """Per year both editions cover: allies at or above the target by each, and with a figure."""
    before, after = compliance(nato_panel(old), TARGET), compliance(nato_panel(new), TARGET)
    years = before.index.intersection(after.index)
    before, after = before.loc[years], after.loc[years]
    return pd.DataFrame(
        {
            "old_count": before["count"],
            "new_count": after["count"],
            "change": after["count"] - before["count"],
            "old_reporting": before["reporting"],
            "new_reporting": after["reporting"],
            "target_pct": after["target_pct"],
        },
        index=pd.Index(years, name="year"),
    )


def crossings(
    shares: pd.DataFrame, target: float, tolerance: float, old: str, new: str
) -> pd.DataFrame:
    """Allies (members that year) on the other side of the target by the new edition than by
    the old one, and why: revised, within rounding, or without a figure in one edition. Each
    count that moved is the allies that crossed up less those that crossed down."""
    members = {int(y): set(nato_allies(int(y))) for y in shares["year"].unique()}
    pairs = zip(shares["iso3"], shares["year"], strict=True)
    rows = shares[[code in members[int(year)] for code, year in pairs]]
    before, after = rows["old_value"] >= target, rows["new_value"] >= target
    rows = rows[before != after].sort_values(["year", "iso3"])
    why = np.select(
        [rows["old_value"].isna(), rows["new_value"].isna(), ~beyond(rows["revision"], tolerance)],
        [f"no figure in {old}", f"no figure in {new}", "within rounding"],
        "revised",
    )
    return pd.DataFrame(
        {
            **_share_columns(rows),
            "now": np.where(rows["new_value"] >= target, "at or above", "below"),
            "why": why,
        }
    ).reset_index(drop=True)


def money_revisions(diff: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """Allies' defence expenditure in current US$ revised between the editions, relative size
    first (``attrs``: how many values both editions give, and the editions without money)."""
    money = diff[(diff["indicator"] == NATO_MONEY) & ~diff["iso3"].isin(NATO_AGGREGATES)]
    compared = int(money["status"].isin(("revised", "unchanged")).sum())
    labels = {"old": diff.attrs["old"], "new": diff.attrs["new"]}
    without = [x for side, x in labels.items() if money[f"{side}_value"].isna().all()]
    rows = largest_revisions(money, top_n)
    tolerance = rounding(money)
    table = pd.DataFrame(
        {
            "iso3": rows["iso3"],
            "country": rows["country"],
            "year": rows["year"].astype(int),
            "old_usd_current_m": rows["old_value"],
            "new_usd_current_m": rows["new_value"],
            "revision_usd_current_m": rows["revision"],
            "revision_pct": rows["revision_pct"],
            "within_rounding": ~beyond(rows["revision"], tolerance),
        }
    ).reset_index(drop=True)
    table.attrs.update(compared=compared, without=without)
    return table


def nato_key(
    shares: pd.DataFrame,
    revised: pd.DataFrame,
    counts: pd.DataFrame,
    moved: pd.DataFrame,
    tolerance: float,
) -> dict[str, Any]:
    """Shares compared and revised, the largest revision, the counts in the last year both
    editions cover, and the crossings of the target that are within rounding."""
    last = int(counts.index.max())
    rounded = moved[moved["why"] == "within rounding"]
    key: dict[str, Any] = {
        "shares_compared": int(shares["status"].isin(("revised", "unchanged")).sum()),
        "shares_revised": len(revised),
        "shares_revised_beyond_rounding": int((~revised["within_rounding"]).sum()),
        "rounding_pp": tolerance,
        "count_year": last,
        "target_pct": float(counts.at[last, "target_pct"]),
        "old_count": int(counts.at[last, "old_count"]),
        "new_count": int(counts.at[last, "new_count"]),
        "years_counts_moved": [int(y) for y in counts.index[counts["change"] != 0]],
        "crossed_within_rounding": [
            [code, int(year)] for code, year in zip(rounded["iso3"], rounded["year"], strict=True)
        ],
    }
    first = revised.iloc[0] if len(revised) else None
    key["largest_iso3"] = None if first is None else first["iso3"]
    key["largest_year"] = None if first is None else int(first["year"])
    for column in ("old_share_gdp_pct", "new_share_gdp_pct", "revision_pp"):
        key[f"largest_{column}"] = None if first is None else float(first[column])
    return key


def nato_title(key: dict[str, Any]) -> str:
    """ "By NATO's 2026 edition (core defence expenditure), 28 allies were at or above 2% of GDP
    in 2025, 2 fewer than by the 2025 edition (30)"."""
    old, new, year = key["old"], key["new"], key["count_year"]
    before, after, target = key["old_count"], key["new_count"], fmt(key["target_pct"])
    basis = f" ({key['new_definition']})" if key["definition_changed"] else ""
    if after != before:
        fewer = "more" if after > before else "fewer"
        return (
            f"By NATO's {new} edition{basis}, {after} allies were at or above {target}% of GDP "
            f"in {year}, {abs(after - before)} {fewer} than by the {old} edition ({before})"
        )
    return (
        f"By NATO's {new} edition{basis}, as by the {old} edition, {after} allies were at or "
        f"above {target}% of GDP in {year}; {key['shares_revised_beyond_rounding']} of "
        f"{key['shares_compared']} allies' yearly shares were revised beyond rounding"
    )


def counts_figure(
    counts: pd.DataFrame, shares: pd.DataFrame, key: dict[str, Any], title: str, source: str
) -> Figure:
    """Allies at or above the target per year, one line per edition (estimates dashed)."""
    old, new = f"{key['old']} edition", f"{key['new']} edition"
    if key["definition_changed"]:
        new += f" ({key['new_definition']})"
    frame = pd.DataFrame({old: counts["old_count"], new: counts["new_count"]})
    flags = shares[["year", "old_estimate", "new_estimate"]].copy()
    for column in ("old_estimate", "new_estimate"):
        flags[column] = flags[column].fillna(False).astype(bool)
    estimate = flags.groupby("year").any().reindex(counts.index, fill_value=False)
    estimate.columns = [old, new]
    return plots.time_lines(
        frame,
        estimate=estimate,
        title=title,
        ylabel=f"Allies at or above {fmt(key['target_pct'])}% of GDP (count)",
        source=source,
    )


def share_figure(top: pd.DataFrame, key: dict[str, Any], source: str) -> Figure:
    """The largest revisions to allies' shares of GDP (pp), one bar per ally and year."""
    labels = [f"{c}, {y}" for c, y in zip(top["country"], top["year"], strict=True)]
    values = pd.Series(top["revision_pp"].to_numpy(), index=labels)
    estimate = pd.Series(top["old_estimate"].to_numpy(), index=labels)
    who = plots.possessive(country_name(key["largest_iso3"]))
    return plots.ranking_bars(
        values,
        estimate=estimate,
        title=(
            f"{who} {key['largest_year']} share of GDP was revised most: "
            f"{fmt(key['largest_old_share_gdp_pct'])}% by the {key['old']} edition, "
            f"{fmt(key['largest_new_share_gdp_pct'])}% by the {key['new']} edition "
            f"({signed(key['largest_revision_pp'], 2)} pp)"
        ),
        xlabel=f"Revision, {key['new']} − {key['old']} edition (percentage points of GDP)",
        source=source + " (hatched: an estimate in the old edition)",
    )


def nato_notes(key: dict[str, Any]) -> list[str]:
    found = [
        "NATO's share of GDP is a share of real GDP: each edition rebases it to newer prices "
        "and GDP data, so small revisions to every ally are expected. The latest years of an "
        "edition are NATO's estimates. Counts are of members in each year."
    ]
    if key["definition_changed"]:
        found.append(
            f"Definition: the {key['old']} edition reports {key['old_definition']}, the "
            f"{key['new']} edition {key['new_definition']} (the Hague concept). Part of each "
            "revision, and of each count that moved, is this change of definition, not a "
            "correction of the old figure."
        )
    if key["rounding_pp"]:
        who = listing(f"{country_name(c)} {y}" for c, y in key["crossed_within_rounding"])
        found.append(
            f"One edition gives shares rounded to {fmt(2 * key['rounding_pp'], 6)} pp: "
            f"{key['shares_revised'] - key['shares_revised_beyond_rounding']} of the "
            f"{key['shares_revised']} revisions are within ±{fmt(key['rounding_pp'], 6)} pp and "
            "may be the rounding alone"
            + (f"; {who} crossed the line only within rounding." if who else ".")
        )
    if not key["money_compared"]:
        lacking = listing(key["editions_without_money"]) or "neither edition"
        found.append(
            "Money: the two editions give no defence expenditure in current US$ for the same "
            f"years ({lacking}: no money tables), so only shares are compared; compare two "
            "editions with money tables for revisions in US$."
        )
    return found


def nato_labels(key: dict[str, Any]) -> dict[str, str]:
    target, year = fmt(key["target_pct"]), key["count_year"]
    return {
        "old_count": f"Allies at or above {target}% in {year}, {key['old']} edition (count)",
        "new_count": f"Allies at or above {target}% in {year}, {key['new']} edition (count)",
        "shares_revised_beyond_rounding": "Allies' yearly shares revised beyond rounding (count)",
        "largest_revision_pp": "Largest revision to an ally's share of GDP (pp)",
    }


def nato_headers(old: str, new: str) -> dict[str, str]:
    return {
        "old_share_gdp_pct": f"Share of GDP, {old} edition (%)",
        "new_share_gdp_pct": f"Share of GDP, {new} edition (%)",
        "revision_pp": "Revision (pp)",
        "within_rounding": "Within rounding",
        "old_estimate": f"Estimate in {old}",
        "new_estimate": f"Estimate in {new}",
        "old_count": f"Allies at or above the target, {old} edition (count)",
        "new_count": f"Allies at or above the target, {new} edition (count)",
        "change": "Change (count)",
        "old_reporting": f"Allies with a figure, {old} (count)",
        "new_reporting": f"Allies with a figure, {new} (count)",
        "now": f"By {new}",
        "why": "Why",
        "old_usd_current_m": f"Defence expenditure, {old} edition (million US$, current prices)",
        "new_usd_current_m": f"Defence expenditure, {new} edition (million US$, current prices)",
        "revision_usd_current_m": "Revision (million US$, current prices)",
        "revision_pct": "Revision (% of the old value)",
    }


# --- SIPRI ------------------------------------------------------------------------------------


def sipri_changes(
    result: AnalysisResult, diff: pd.DataFrame, p: dict[str, Any], key: dict[str, Any]
) -> None:
    """SIPRI's revisions to the year before its new release's last year, by country."""
    year = int(diff.loc[diff["new_value"].notna(), "year"].max()) - 1
    rows = diff[diff["year"] == year]
    tolerance = rounding(rows[rows["indicator"] == SIPRI_INDICATORS["lcu"]])
    table = sipri_year(rows)
    first = table.iloc[0]
    key.update(
        {
            "revised_year": year,
            "countries_compared": int(table["revision_lcu"].notna().sum()),
            "countries_revised": int(beyond(table["revision_lcu"], tolerance).sum()),
            "largest_iso3": table.index[0],
            "largest_revision_lcu_pct": float(first["revision_lcu_pct"]),
            "shares_revised": int(beyond(table["revision_pp"], 0.0).sum()),
        }
    )
    result.title = sipri_title(key)
    top = table.head(p["top_n"])
    result.figures["revisions"] = plots.ranking_bars(
        top["revision_lcu_pct"],
        estimate=top["new_estimate"],
        title=result.title,
        xlabel=f"Revision to {year} military expenditure in local currency (%)",
        source=f"SIPRI Military Expenditure Database, releases {p['old']} and {p['new']}"
        " (hatched: an estimate in the new release)",
        missing=f"no {year} figure in one of the releases",
    )
    result.tables["revisions"] = top.reset_index().set_index("country")
    result.notes.append(
        f"SIPRI revises past years as governments publish final accounts; {year} is the year "
        f"before the {p['new']} release's last year. Local currency at current prices shows "
        "SIPRI's own revision; the share of GDP also moves with GDP revisions, current US$ with "
        "exchange rates."
    )
    result.labels.update(
        {
            "countries_revised": f"Countries whose {year} figure was revised (count)",
            "largest_revision_lcu_pct": f"Largest revision to a {year} figure (% in local currency)",
        }
    )
    result.headers.update(sipri_headers(p["old"], p["new"]))


def sipri_year(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per country: old, new and revision of each SIPRI indicator in one year, largest
    revision in local currency first (countries without it last)."""
    wide: dict[str, pd.Series] = {}
    for short, indicator in SIPRI_INDICATORS.items():
        of = rows[rows["indicator"] == indicator].set_index("iso3")
        if short == "lcu":
            wide["country"] = of["country"]
        wide[f"old_{short}"] = of["old_value"]
        wide[f"new_{short}"] = of["new_value"]
        wide[f"revision_{short}"] = of["revision"]
        wide[f"revision_{short}_pct"] = of["revision_pct"]
        if short == "lcu":
            wide["old_estimate"] = of["old_estimate"].astype("boolean")
            wide["new_estimate"] = of["new_estimate"].astype("boolean")
    table = pd.DataFrame(wide).rename(columns={"revision_share": "revision_pp"})
    order = table["revision_lcu_pct"].abs().sort_values(ascending=False, na_position="last")
    columns = ["country", "old_lcu", "new_lcu", "revision_lcu", "revision_lcu_pct"]
    columns += ["old_share", "new_share", "revision_pp", "old_usd", "new_usd"]
    columns += ["revision_usd_pct", "old_estimate", "new_estimate"]
    return table.loc[order.index, columns].rename_axis("iso3")


def sipri_title(key: dict[str, Any]) -> str:
    """ "SIPRI's 2026 release revised 27 of 33 countries' 2024 military expenditure ..."."""
    year, new, old = key["revised_year"], key["new"], key["old"]
    if not key["countries_revised"]:
        return (
            f"SIPRI's {new} release gives every country's {year} military expenditure in local "
            f"currency as the {old} release did"
        )
    who = plots.possessive(country_name(key["largest_iso3"]))
    return (
        f"SIPRI's {new} release revised {key['countries_revised']} of "
        f"{key['countries_compared']} countries' {year} military expenditure in local currency; "
        f"{who} most ({signed(key['largest_revision_lcu_pct'], 1)}%)"
    )


def sipri_headers(old: str, new: str) -> dict[str, str]:
    return {
        "old_lcu": f"{old} release (local currency, current prices)",
        "new_lcu": f"{new} release (local currency, current prices)",
        "revision_lcu": "Revision (local currency, current prices)",
        "revision_lcu_pct": "Revision (% in local currency)",
        "old_share": f"Share of GDP, {old} release (%)",
        "new_share": f"Share of GDP, {new} release (%)",
        "revision_pp": "Revision to the share of GDP (pp)",
        "old_usd": f"{old} release (million US$, current prices)",
        "new_usd": f"{new} release (million US$, current prices)",
        "revision_usd_pct": "Revision (% in current US$)",
        "old_estimate": f"Estimate in {old}",
        "new_estimate": f"Estimate in {new}",
    }


# --- Kiel -------------------------------------------------------------------------------------


def kiel_changes(
    result: AnalysisResult, diff: pd.DataFrame, p: dict[str, Any], key: dict[str, Any]
) -> None:
    """Each donor's total bilateral allocations (and with its EU share) in the two releases."""
    table = donor_totals(diff, p["unit"])
    key.update(kiel_key(table))
    result.title = kiel_title(key)
    compared = table[table["change_bilateral"].notna()]
    top = compared.head(p["top_n"])
    shown = f" ({len(top)} largest moves shown)" if len(top) < len(compared) else ""
    result.figures["donor_totals"] = plots.ranking_bars(
        top["change_bilateral"],
        title=result.title + shown,
        xlabel=f"Change in total bilateral allocations, {p['new']} − {p['old']} ({p['unit']})",
        source=f"Kiel Institute, Ukraine Support Tracker, releases {p['old']} and {p['new']}",
    )
    result.tables["donor_totals"] = top
    result.notes += kiel_notes(p, key)
    result.labels.update(
        {
            "donors_moved": "Donors whose total bilateral allocations moved (count)",
            "largest_change": f"Largest move of a donor's bilateral allocations ({p['unit']})",
        }
    )
    result.headers.update(kiel_headers(p["old"], p["new"], p["unit"]))


def donor_totals(diff: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Per donor: total allocations (bilateral; with the EU share) old, new and the change in
    ``unit``, and whether the change is within rounding; largest move of the bilateral total
    first, donors in one release only last."""
    rows = diff[
        (diff["measure"] == "allocation") & (diff["aid_type"] == "total") & (diff["unit"] == unit)
    ]
    wide: dict[str, pd.Series] = {}
    for short, scope in KIEL_SCOPES.items():
        of = rows[rows["scope"] == scope].set_index("iso3")
        if of.empty:
            continue
        if short == "bilateral":
            wide["donor"] = of["donor"]
            tolerance = rounding(of)
            wide["within_rounding"] = ~beyond(of["revision"], tolerance) & of["revision"].notna()
        wide[f"old_{short}"] = of["old_value"]
        wide[f"new_{short}"] = of["new_value"]
        wide[f"change_{short}"] = of["revision"]
        wide[f"old_zero_may_be_blank_{short}"] = of["old_zero_may_be_blank"].astype("boolean")
    table = pd.DataFrame(wide).assign(unit=unit)
    order = table["change_bilateral"].abs().sort_values(ascending=False, na_position="last")
    return table.loc[order.index].rename_axis("iso3")


def kiel_key(table: pd.DataFrame) -> dict[str, Any]:
    """Donors compared and moved (beyond rounding), up and down; the largest move; donors in
    one release only."""
    change = table["change_bilateral"]
    moved = change.notna() & ~table["within_rounding"]
    first = table.iloc[0]
    return {
        "donors_compared": int(change.notna().sum()),
        "donors_moved": int(moved.sum()),
        "donors_up": int((moved & (change > 0)).sum()),
        "donors_down": int((moved & (change < 0)).sum()),
        "largest_iso3": table.index[0],
        "largest_old": float(first["old_bilateral"]),
        "largest_new": float(first["new_bilateral"]),
        "largest_change": float(first["change_bilateral"]),
        "only_old": sorted(table.index[table["new_bilateral"].isna()]),
        "only_new": sorted(table.index[table["old_bilateral"].isna()]),
    }


def kiel_title(key: dict[str, Any]) -> str:
    """ "From Kiel's R28 to R30 release, 40 of 42 donors' total bilateral allocations moved; ..."."""
    old, new, unit = key["old"], key["new"], key["unit"]
    head = (
        f"From Kiel's {old} to {new} release, {key['donors_moved']} of "
        f"{key['donors_compared']} donors' total bilateral allocations moved"
    )
    if not key["donors_moved"]:
        return head
    who = country_name(key["largest_iso3"])
    return (
        f"{head}; the largest move: {who}, from {fmt(key['largest_old'])} to "
        f"{fmt(key['largest_new'])} {unit}"
    )


def kiel_notes(p: dict[str, Any], key: dict[str, Any]) -> list[str]:
    found = [
        "Kiel's totals are cumulative since 24 January 2022: a newer release adds the "
        "allocations announced since the older one, and revises earlier ones, so a move is not "
        "only a correction.",
        f"Compared in {p['unit']} only (the unit both releases give donor totals in); nothing "
        "is converted. 'With EU share' adds a member's share of EU-institution aid; never add "
        "the two columns. An old 0 flagged 'may be blank' may be a blank cell in Kiel's file. "
        "A change within rounding (one release rounds to fewer decimals) is not counted as a "
        "move.",
    ]
    for side, label in (("only_old", p["old"]), ("only_new", p["new"])):
        if key[side]:
            found.append(
                f"Donor totals in {p['unit']} only in {label}: {listing(names(key[side]))}."
            )
    return found


def kiel_headers(old: str, new: str, unit: str) -> dict[str, str]:
    found = {"unit": "Unit", "within_rounding": "Bilateral: change within rounding"}
    for short, said in (("bilateral", "Bilateral"), ("with_eu_share", "With EU share")):
        found[f"old_{short}"] = f"{said}, {old} ({unit})"
        found[f"new_{short}"] = f"{said}, {new} ({unit})"
        found[f"change_{short}"] = f"{said}: change ({unit})"
        found[f"old_zero_may_be_blank_{short}"] = f"{said}: 0 in {old} may be blank"
    return found


# --- other Kiel tables ------------------------------------------------------------------------


def other_changes(
    result: AnalysisResult, diff: pd.DataFrame, p: dict[str, Any], key: dict[str, Any]
) -> None:
    """Any other dataset: its largest relative revisions."""
    top = largest_revisions(diff, p["top_n"])
    labels = [_row_label(row, p["dataset"]) for _, row in top.iterrows()]
    compared = int(diff["status"].isin(("revised", "unchanged")).sum())
    key["compared"] = compared
    key["largest"] = labels[0] if labels else None
    key["largest_revision_pct"] = float(top["revision_pct"].iloc[0]) if len(top) else None
    result.title = f"{p['new']} revised {key['revised']} of {compared} values of {p['dataset']} "
    result.title += f"that {p['old']} also gives"
    if labels:
        first = top.iloc[0]
        result.title += (
            f"; the largest: {labels[0]}, from {fmt(first['old_value'])} to "
            f"{fmt(first['new_value'])} {first['unit']}{_pct(key['largest_revision_pct'])}"
        )
    if top["revision_pct"].notna().any():  # revisions from 0 have no relative size to draw
        result.figures["revisions"] = plots.ranking_bars(
            pd.Series(top["revision_pct"].to_numpy(), index=labels),
            title=result.title,
            xlabel=f"Revision, {p['new']} − {p['old']} (% of the old value)",
            source=f"{p['dataset']} releases {p['old']} and {p['new']}",
            missing="revised from 0",
        )
    columns = [c for c in top.columns if c not in ("new_series", "dropped_series")]
    result.tables["revisions"] = top[columns].reset_index(drop=True)
    result.labels["compared"] = "Values both releases give (count)"


def _row_label(row: pd.Series, dataset: str) -> str:
    how = COMPARISONS[dataset]
    parts = [str(row[how.name]) if how.name else str(row[how.series[0]])]
    parts += [str(row[c]) for c in how.series[1:]]
    if how.time:
        when = row[how.time]
        parts.append(when.strftime("%Y-%m") if isinstance(when, pd.Timestamp) else str(when))
    return ", ".join(parts)


def _pct(value: float | None) -> str:
    """ " (+12.3%)", or nothing for a revision from 0."""
    return "" if value is None or np.isnan(value) else f" ({signed(value, 1)}%)"


SECTIONS: dict[str, Callable[..., None]] = {
    datasets.NATO_SPENDING: nato_changes,
    datasets.SIPRI_MILEX: sipri_changes,
    datasets.KIEL_SUPPORT: kiel_changes,
}
