"""What changed between two editions or releases of a dataset (NATO, SIPRI, Kiel).

:func:`compare_releases` reads both labels through the loaders (bundled or imported, so any
imported edition or release works) and returns one row per key found in either:

- the key: the series (ally or donor, indicator or measure/aid type, unit) and its time (year or
  month) where the dataset has one;
- ``old_value``, ``new_value``, ``revision`` (new - old, in the unit) and ``revision_pct``
  (100 x revision / |old|; empty when old is 0);
- ``status``: "unchanged", "revised", "added" (only in new), "removed" (only in old) or "not
  comparable" (money in a different currency or at constant prices of another base year: no
  revision is computed, the two values are both shown);
- ``new_series`` / ``dropped_series``: the whole series (key without its time) is absent from the
  old / new label, e.g. NATO's 2025 edition has no money tables;
- ``basis_changed``: currency or price base year differ (shares of real GDP are still compared;
  their base year changes with the edition); ``definition_changed``: the definition differs
  (NATO's 2026 edition reports *core* defence expenditure; GDP and personnel are not affected);
- ``old_<x>`` / ``new_<x>`` for what each label says about the value (currency, price base year,
  estimate flag, Kiel's zero-may-be-blank flag).

Values are compared only in the same unit: the unit is part of the key, so a Kiel release in USD
and one in EUR share no money rows (comparing two releases with no unit in common raises
:class:`~burdenshare.UnitError`). Nothing is converted.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import datasets
from .editions import latest
from .errors import ParameterError, UnitError
from .loaders import (
    load_heavy_weapons,
    load_sipri,
    load_spending,
    load_support,
    load_support_monthly,
    load_support_monthly_totals,
)
from .params import check_int

#: NATO indicators that do not depend on the definition of defence expenditure.
DEFINITION_FREE = frozenset(
    {
        "gdp_usd_current_m",
        "gdp_usd_constant_m",
        "gdp_per_capita_constant_kusd",
        "military_personnel_k",
    }
)
STATUSES = ("revised", "not comparable", "added", "removed", "unchanged")


@dataclass(frozen=True)
class Comparison:
    """How one dataset is compared: how to load a label, and the roles of its columns."""

    load: Callable[[str], pd.DataFrame]
    label: str  # the column holding the edition or release label
    series: tuple[str, ...]  # the key without its time (the unit is added)
    time: str | None  # "year", "month" or None
    name: str | None = None  # a readable name carried along (country, donor)
    basis: tuple[str, ...] = ()  # must agree for money values to be comparable
    flags: tuple[str, ...] = ()  # per-value flags carried as old_/new_ columns
    definition: str | None = None  # the column naming the definition


def _weapons(release: str) -> pd.DataFrame:
    """Heavy weapons in long form: one row per donor, category and quantity (number, value)."""
    frame = load_heavy_weapons(release)
    count = frame.assign(quantity="number", value=frame["number"].astype(float), unit="count")
    value = frame.assign(quantity="value_eur")
    return pd.concat([count, value], ignore_index=True).drop(columns=["number"])


COMPARISONS: dict[str, Comparison] = {
    datasets.NATO_SPENDING: Comparison(
        load_spending,
        "edition",
        ("iso3", "indicator"),
        "year",
        "country",
        ("currency", "price_base_year"),
        ("estimate",),
        "definition",
    ),
    datasets.SIPRI_MILEX: Comparison(
        load_sipri,
        "release",
        ("iso3", "indicator"),
        "year",
        "country",
        ("currency", "price_base_year"),
        ("estimate",),
    ),
    datasets.KIEL_SUPPORT: Comparison(
        lambda label: load_support(label, currency=None),
        "release",
        ("iso3", "measure", "aid_type", "scope"),
        None,
        "donor",
        flags=("zero_may_be_blank",),
    ),
    datasets.KIEL_MONTHLY: Comparison(
        load_support_monthly, "release", ("iso3", "measure", "aid_type"), "month", "donor"
    ),
    datasets.KIEL_MONTHLY_TOTALS: Comparison(
        load_support_monthly_totals,
        "release",
        ("donor_group", "measure", "aid_type", "military_source"),
        "month",
    ),
    datasets.KIEL_HEAVY_WEAPONS: Comparison(
        _weapons, "release", ("iso3", "category", "quantity"), None, "donor"
    ),
}


def _load(dataset: str, how: Comparison, label: str, which: str) -> tuple[pd.DataFrame, str]:
    if str(label) == "all":
        raise ParameterError(f"{which}='all': name one edition or release (or 'latest').")
    if str(label) == "latest":  # the newest installed label (Kiel: whatever its currency)
        label = latest(dataset)
    frame = how.load(str(label))
    labels = sorted(set(frame[how.label].astype(str)))
    if len(labels) != 1:
        raise ParameterError(f"{which}={label!r} of {dataset} gives {labels}; name one label.")
    return frame, labels[0]


def _same(old: pd.Series, new: pd.Series) -> pd.Series:
    """Element-wise equality where two missing values count as equal."""
    return (old.astype(object) == new.astype(object)) | (old.isna() & new.isna())


def compare_releases(dataset: str, old: str, new: str) -> pd.DataFrame:
    """Per key, the value in ``old`` and in ``new`` and the revision between them.

    ``dataset``: "nato_spending" (editions such as "2024", "2025", "2026"), "sipri_milex"
    (releases "2025", "2026"), "kiel_support" (R28, R29, R30, R30v2), "kiel_support_monthly",
    "kiel_support_monthly_totals" or "kiel_heavy_weapons" (R29 and imported releases); ``old`` and
    ``new``: labels as the loaders take them ("latest" too), bundled or imported. See the module
    docstring for the columns. ``attrs`` holds the dataset, both labels and both definitions.
    Rows come in key order; :func:`largest_revisions` sorts them by size.
    """
    if dataset not in COMPARISONS:
        raise ParameterError(
            f"dataset={dataset!r} cannot be compared; choose one of {', '.join(COMPARISONS)}."
        )
    how = COMPARISONS[dataset]
    before, old_label = _load(dataset, how, old, "old")
    after, new_label = _load(dataset, how, new, "new")
    common_units = set(before["unit"]) & set(after["unit"])
    if not common_units:
        raise UnitError(
            f"{dataset} {old_label} holds values in {', '.join(sorted(set(before['unit'])))};"
            f" {new_label} in {', '.join(sorted(set(after['unit'])))}: no unit in common, so"
            " nothing can be compared (nothing is converted; Kiel's USD release uses one"
            " conversion factor). Compare two releases in the same currency."
        )
    series = [*how.series, "unit"]
    key = [*series, how.time] if how.time else series
    carried = [c for c in (*how.basis, *how.flags) if c in before.columns]
    keep = [*key, "value", *carried, *([how.name] if how.name else [])]
    merged = pd.merge(
        before[keep],
        after[keep],
        on=key,
        how="outer",
        suffixes=("_old", "_new"),
        indicator=True,
        sort=True,
    )
    in_old = merged["_merge"] != "right_only"
    in_new = merged["_merge"] != "left_only"
    old_series = set(map(tuple, before[series].astype(str).to_numpy()))
    new_series = set(map(tuple, after[series].astype(str).to_numpy()))
    series_of = list(map(tuple, merged[series].astype(str).to_numpy()))

    result = merged[key].copy()
    if how.name:
        name = merged[f"{how.name}_new"].fillna(merged[f"{how.name}_old"])
        result.insert(1, how.name, name)
    result["old_value"] = merged["value_old"]
    result["new_value"] = merged["value_new"]
    basis_changed = pd.Series(False, index=merged.index)
    for column in how.basis:
        basis_changed |= in_old & in_new & ~_same(merged[f"{column}_old"], merged[f"{column}_new"])
    percentage = merged["unit"].astype(str).str.startswith("%")
    comparable = in_old & in_new & (~basis_changed | percentage)
    revision = (merged["value_new"] - merged["value_old"]).where(comparable)
    result["revision"] = revision
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100 * revision / merged["value_old"].abs()
    result["revision_pct"] = pct.where(merged["value_old"] != 0)
    status = np.select(
        [~in_old, ~in_new, ~comparable, revision == 0],
        ["added", "removed", "not comparable", "unchanged"],
        "revised",
    )
    result["status"] = status
    result["new_series"] = [s not in old_series for s in series_of]
    result["dropped_series"] = [s not in new_series for s in series_of]
    result["basis_changed"] = basis_changed
    old_definition = new_definition = None
    if how.definition:
        old_definition = str(before[how.definition].iloc[0])
        new_definition = str(after[how.definition].iloc[0])
        affected = ~merged["indicator"].isin(DEFINITION_FREE)
        result["definition_changed"] = affected & (old_definition != new_definition)
    else:
        result["definition_changed"] = False
    for column in carried:
        result[f"old_{column}"] = merged[f"{column}_old"]
        result[f"new_{column}"] = merged[f"{column}_new"]
    result.attrs.update(
        {
            "dataset": dataset,
            "old": old_label,
            "new": new_label,
            "old_definition": old_definition,
            "new_definition": new_definition,
        }
    )
    return result.reset_index(drop=True)


def largest_revisions(diff: pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """The compared values that were revised, largest first: by the size of the relative
    revision (``|revision_pct|``), then of the revision itself (for old values of 0).

    ``diff``: the table of :func:`compare_releases` (anything else is a ParameterError); ``n``:
    None for all, else a whole number >= 0."""
    needed = ("status", "revision", "revision_pct")
    if not isinstance(diff, pd.DataFrame) or any(c not in diff.columns for c in needed):
        got = type(diff).__name__ if not isinstance(diff, pd.DataFrame) else "another table"
        raise ParameterError(
            "largest_revisions: 'diff' must be the table of bs.compare_releases(dataset, old,"
            f" new) (with the columns {', '.join(needed)}), got {got}."
        )
    if n is not None:
        n = check_int("n", n, 0, sys.maxsize)
    revised = diff[diff["status"] == "revised"]
    order = pd.DataFrame(
        {"pct": revised["revision_pct"].abs().fillna(np.inf), "abs": revised["revision"].abs()}
    ).sort_values(["pct", "abs"], ascending=False, kind="stable")
    ranked = revised.loc[order.index]
    return ranked if n is None else ranked.head(n)
