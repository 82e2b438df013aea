"""Support to Ukraine: relative to GDP and to defence budgets, delivery, flows, concentration, and
defence spending with Ukraine support counted (the Hague rule).

Inputs are the tidy frames of the Kiel loaders (:func:`burdenshare.load_support`,
:func:`~burdenshare.load_support_monthly`, :func:`~burdenshare.load_donor_gdp`) and NATO panels
(:func:`burdenshare.spending_panel`). Money stays in the unit its ``unit`` column states; two inputs
in different units raise :class:`~burdenshare.UnitError`. EUR <-> USD conversions go through
:func:`burdenshare.convert` (ECB annual averages).

Conventions carried from the Kiel tracker:

- Allocations are dated at **announcement**. :func:`annual_support` therefore sums monthly
  allocations by calendar year of announcement (the stated annualisation method); a year the
  tracker does not cover in full is marked ``complete = False``.
- A month without activity is absent from the monthly file; in flows it adds nothing (0 flow), which
  is what "no new allocation" means. Cumulative values are never filled beyond the last month.
- Kiel's % of GDP divides by the donor's **2021** GDP.
- "Europe" = European donors (EU members, other European countries: United Kingdom, Norway,
  Switzerland, Iceland, Türkiye) plus EU institutions, as in Kiel's "European donors and the EU".
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from functools import cache

import pandas as pd

from ..countries import EU_INSTITUTIONS, eu_members
from ..errors import ParameterError, UnitError
from ..fx import convert
from ..params import MAX_COUNT, check_choice, check_flag, check_int
from . import _units as u

#: European donors outside the EU in the Kiel tracker (with EU members and EU institutions: Europe).
EUROPEAN_NON_EU: frozenset[str] = frozenset({"GBR", "NOR", "CHE", "ISL", "TUR"})
AID_TYPES = ("military", "financial", "humanitarian")


class DoubleCountWarning(UserWarning):
    """Ukraine support added to NATO-reported spending may already be inside it for some allies."""


#: The tables the support metrics take: kind -> (columns it must have, columns it must not have,
#: how to get one). :func:`require_table` checks an argument against its kind.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "monthly": (
        ("iso3", "donor", "month", "measure", "aid_type", "value", "unit"),
        (),
        "the monthly Kiel flows, bs.load_support_monthly()",
    ),
    "support": (
        ("release", "iso3", "donor", "measure", "aid_type", "scope", "value", "unit"),
        ("month",),
        "the Kiel totals per donor, bs.load_support()",
    ),
    "donor": (
        ("iso3", "value", "unit"),
        ("month",),
        "support per donor, bs.load_support() or bs.annual_support(...)",
    ),
    "annual": (
        ("iso3", "year", "aid_type", "value", "unit"),
        ("month",),
        "annual support, bs.annual_support(bs.load_support_monthly())",
    ),
    "gdp": (("iso3", "value", "unit"), ("month",), "donor GDP, bs.load_donor_gdp()"),
}


def require_table(frame: object, kind: str, what: str, name: str) -> pd.DataFrame:
    """``frame`` if it is a table of ``kind`` (see :data:`TABLES`), else a ParameterError naming
    the table expected and how to get it."""
    needed, refused, source = TABLES[kind]
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(
            f"{what}: {name!r} must be {source} (a DataFrame), got {type(frame).__name__}."
        )
    missing = [c for c in needed if c not in frame.columns]
    extra = [c for c in refused if c in frame.columns]
    if missing or extra:
        problem = (
            f"it lacks the column(s) {', '.join(missing)}"
            if missing
            else f"it has a {extra[0]!r} column"
        )
        raise ParameterError(
            f"{what}: {name!r} must be {source}; this table is of another kind ({problem})."
        )
    return frame


def require_amounts(values: object, what: str) -> pd.Series:
    """``values`` if it is a Series of numbers by donor, else a ParameterError saying so."""
    source = "a Series of amounts by donor, e.g. bs.donor_totals(bs.load_support())"
    if not isinstance(values, pd.Series):
        raise ParameterError(f"{what}: 'values' must be {source}, got {type(values).__name__}.")
    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        raise ParameterError(f"{what}: 'values' must be {source}; got {values.dtype} values.")
    return values


@cache
def region(iso3: str) -> str:
    """Kiel-style donor region: ``"Europe"``, ``"United States"`` or ``"Other"``."""
    if iso3 == "USA":
        return "United States"
    if iso3 in EU_INSTITUTIONS or iso3 in EUROPEAN_NON_EU or iso3 in eu_members():
        return "Europe"
    return "Other"


def _money_unit(frame: pd.DataFrame, what: str) -> str:
    units = sorted(frame["unit"].dropna().unique())
    if len(units) != 1:
        raise UnitError(
            f"{what}: the input mixes units {units}; select one (e.g. currency='EUR' in "
            "load_support, or filter the unit column) before calling."
        )
    unit = units[0]
    if not unit.startswith(("billion ", "million ")) or unit.split(" ", 1)[1] not in ("EUR", "USD"):
        raise UnitError(f"{what}: needs money in billion/million EUR or USD, got {unit!r}.")
    return unit


def _require_same_unit(a: pd.DataFrame, b: pd.DataFrame, what: str) -> str:
    ua, ub = _money_unit(a, what), _money_unit(b, what)
    if ua != ub:
        raise UnitError(
            f"{what}: support is in {ua!r} but the denominator is in {ub!r}; convert one with "
            "burdenshare.convert (same currency and scale) first."
        )
    return ua


def annual_support(
    monthly: pd.DataFrame,
    *,
    measure: str = "allocation",
    aid_types: Sequence[str] = ("total",),
    unit: str = "billion EUR",
) -> pd.DataFrame:
    """Support per donor and calendar year from the monthly Kiel flows.

    value(donor, year, aid_type) = Σ of the donor's monthly ``measure`` values announced in that
    year (Kiel dates allocations at announcement; this is the annualisation method), in ``unit``
    (the monthly file also holds % of 2021 GDP, which is not summed here). Columns:
    ``iso3, donor, year, aid_type, value, unit, months, complete`` where ``months`` counts the
    tracker's months in that year and ``complete`` is True when all 12 are covered.
    """
    require_table(monthly, "monthly", "annual_support", "monthly")
    if isinstance(aid_types, str) or not isinstance(aid_types, Sequence):
        raise ParameterError(
            f"Parameter 'aid_types' must be a list such as ['military'], got {aid_types!r}."
        )
    rows = monthly[
        (monthly["measure"] == measure)
        & monthly["aid_type"].isin(list(aid_types))
        & (monthly["unit"] == unit)
    ]
    if rows.empty:
        raise ParameterError(
            f"No monthly rows for measure={measure!r}, aid_types={list(aid_types)!r}; measures: "
            f"{sorted(monthly['measure'].unique())}, aid types: {sorted(monthly['aid_type'].unique())}."
        )
    _money_unit(rows, "annual_support")
    rows = rows.assign(year=rows["month"].dt.year.astype(int))
    out = rows.groupby(["iso3", "donor", "year", "aid_type"], as_index=False)["value"].sum()
    span = pd.period_range(monthly["month"].min(), monthly["month"].max(), freq="M")
    months = pd.Series(span.year).value_counts()
    out["unit"] = unit
    out["months"] = out["year"].map(months).astype(int)
    out["complete"] = out["months"] == 12
    out.attrs["method"] = "sum of monthly values by calendar year of announcement (Kiel dating)"
    return out


def support_share_of_gdp(support: pd.DataFrame, gdp: pd.DataFrame) -> pd.DataFrame:
    """Support as % of the donor's GDP: ``share_of_gdp_pct = 100 × value / gdp``.

    ``support``: rows with ``iso3`` and ``value`` (e.g. cumulative totals from
    :func:`burdenshare.load_support`, or :func:`annual_support`). ``gdp``: rows with ``iso3`` and
    ``value`` in the same unit — Kiel's convention is the donor's 2021 GDP
    (:func:`burdenshare.load_donor_gdp`); a frame with a ``year`` column is matched year by year
    (same-year GDP). Donors without a GDP get NaN, never 0.
    """
    require_table(support, "donor", "support_share_of_gdp", "support")
    require_table(gdp, "gdp", "support_share_of_gdp", "gdp")
    _require_same_unit(support, gdp, "support_share_of_gdp")
    keys = ["iso3", "year"] if "year" in support and "year" in gdp else ["iso3"]
    denominator = gdp.drop_duplicates(keys).set_index(keys)["value"].rename("gdp")
    out = support.join(denominator, on=keys)
    out["share_of_gdp_pct"] = 100 * out["value"] / out["gdp"]
    return out


def delivery_ratio(support: pd.DataFrame) -> pd.DataFrame:
    """Allocated vs committed per donor and aid type (one release, one unit).

    ``ratio = allocated / committed`` and ``undelivered = committed − allocated`` (in the input's
    unit). A commitment of 0 gives ratio NaN (nothing promised). Kiel's commitments are promises,
    allocations are aid delivered or earmarked; the ratio can exceed 1 where aid was allocated
    without a prior commitment. ``zero_may_be_blank`` is carried: True if either figure may be a
    blank written as 0 by the extraction.
    """
    require_table(support, "support", "delivery_ratio", "support")
    if support["release"].nunique() != 1:
        raise ParameterError("delivery_ratio needs one release; filter the 'release' column first.")
    _money_unit(support, "delivery_ratio")
    rows = support[support["scope"] == "bilateral"] if "scope" in support else support
    keys = ["iso3", "donor", "aid_type"]
    wide = rows.pivot_table(index=keys, columns="measure", values="value", aggfunc="sum")
    if not {"allocation", "commitment"} <= set(wide.columns):
        raise ParameterError(
            "delivery_ratio needs both allocation and commitment rows (e.g. release 'R28')."
        )
    wide = wide.dropna(subset=["allocation", "commitment"])
    out = pd.DataFrame(
        {
            "allocated": wide["allocation"],
            "committed": wide["commitment"],
            "undelivered": wide["commitment"] - wide["allocation"],
            "ratio": wide["allocation"] / wide["commitment"].where(wide["commitment"] != 0),
        }
    )
    if "zero_may_be_blank" in rows:
        flags = rows.groupby(keys)["zero_may_be_blank"].any()
        out["zero_may_be_blank"] = flags.reindex(out.index).fillna(False).astype(bool)
    out.attrs["unit"] = _money_unit(rows, "delivery_ratio")
    return out.reset_index()


def monthly_flows(
    monthly: pd.DataFrame,
    *,
    by: str = "iso3",
    measure: str = "allocation",
    aid_type: str = "total",
    cumulative: bool = False,
    unit: str = "billion EUR",
) -> pd.DataFrame:
    """Wide frame: one row per month of the tracker's span, one column per ``by`` group.

    ``by``: "iso3" (donor) or "region" (Europe / United States / Other). Months without activity
    count as 0 flow; ``cumulative=True`` gives the running total since the tracker's first month.
    """
    require_table(monthly, "monthly", "monthly_flows", "monthly")
    check_choice("by", by, ("iso3", "region"))
    check_flag("cumulative", cumulative)
    rows = monthly[
        (monthly["measure"] == measure)
        & (monthly["aid_type"] == aid_type)
        & (monthly["unit"] == unit)
    ]
    if rows.empty:
        raise ParameterError(
            f"No monthly rows for measure={measure!r}, aid_type={aid_type!r} in {unit!r}."
        )
    _money_unit(rows, "monthly_flows")
    if by == "region":
        rows = rows.assign(region=rows["iso3"].map(region))
    months = pd.date_range(monthly["month"].min(), monthly["month"].max(), freq="MS")
    wide = rows.pivot_table(index="month", columns=by, values="value", aggfunc="sum")
    wide = wide.reindex(months).fillna(0.0)
    wide.index.name = "month"
    wide.columns.name = None
    return wide.cumsum() if cumulative else wide


def by_region(support: pd.DataFrame) -> pd.DataFrame:
    """Totals of a donor-level frame by region (Europe incl. EU institutions, United States, Other).

    Sums ``value`` over donors per region and every other key present among ``measure``,
    ``aid_type``, ``scope``, ``year``; units must be one.
    """
    require_table(support, "donor", "by_region", "support")
    unit = _money_unit(support, "by_region")
    keys = [k for k in ("measure", "aid_type", "scope", "year") if k in support]
    out = (
        support.assign(region=support["iso3"].map(region))
        .groupby(["region", *keys], as_index=False)["value"]
        .sum()
    )
    out["unit"] = unit
    return out


def donor_totals(
    support: pd.DataFrame,
    *,
    measure: str = "allocation",
    aid_type: str = "total",
    eu_institutions: str = "separate",
) -> pd.Series:
    """One cumulative total per donor, EU institutions shown ``"separate"``ly or ``"reassign"``ed.

    ``reassign`` uses Kiel's own attribution (scope ``bilateral_plus_eu_share``: each EU member's
    bilateral aid plus its share of EU-institution aid, by its share of the EU budget) for EU
    members, leaves other donors bilateral, and drops the EU institutions' own rows.
    """
    require_table(support, "support", "donor_totals", "support")
    check_choice("eu_institutions", eu_institutions, ("separate", "reassign"))
    _money_unit(support, "donor_totals")
    rows = support[(support["measure"] == measure) & (support["aid_type"] == aid_type)]
    bilateral = rows[rows["scope"] == "bilateral"].set_index("iso3")["value"]
    if eu_institutions == "separate":
        return bilateral.sort_values(ascending=False)
    with_share = rows[rows["scope"] == "bilateral_plus_eu_share"].set_index("iso3")["value"]
    if with_share.empty:
        raise ParameterError(
            "This release has no 'bilateral_plus_eu_share' rows in this unit; use R28 or R30 (EUR)."
        )
    out = bilateral.drop([c for c in bilateral.index if c in EU_INSTITUTIONS])
    out.update(with_share)
    return out.sort_values(ascending=False)


def concentration(values: pd.Series, top_n: int = 5) -> dict[str, float]:
    """Donor concentration of non-negative amounts (``top_n``: 1 to 1,000).

    ``top_n_share_pct`` = 100 × (sum of the ``top_n`` largest) / total; ``hhi`` = Σ (100 × s_i)²
    over shares s_i of the total (0–10,000; 10,000 = one donor); ``equivalent_donors`` = 10,000 /
    hhi (the number of equal donors with the same concentration).
    """
    top_n = check_int("top_n", top_n, 1, MAX_COUNT)
    clean = require_amounts(values, "concentration").dropna()
    if (clean < 0).any():
        raise ParameterError("concentration needs non-negative amounts.")
    total = float(clean.sum())
    if total <= 0:
        raise ParameterError("concentration needs a positive total.")
    shares = 100 * clean / total
    hhi = float((shares**2).sum())
    return {
        "top_n": top_n,
        "top_n_share_pct": float(shares.nlargest(top_n).sum()),
        "hhi": hhi,
        "equivalent_donors": 10_000 / hhi,
        "donors": int((clean > 0).sum()),
    }


def _support_usd_m(annual: pd.DataFrame, what: str) -> pd.Series:
    """Annual support in million current US$ by (iso3, year), converted at ECB annual averages."""
    unit = _money_unit(annual, what)
    scale = 1000.0 if unit.startswith("billion") else 1.0
    currency = unit.split(" ", 1)[1]
    usd = convert(annual["value"].to_numpy() * scale, currency, "USD", annual["year"].to_numpy())
    series = pd.Series(usd, index=pd.MultiIndex.from_frame(annual[["iso3", "year"]]))
    return series.groupby(level=["iso3", "year"]).sum()


def _annual_of(annual: pd.DataFrame, counts: str, what: str) -> pd.DataFrame:
    require_table(annual, "annual", what, "annual")
    check_choice("counts", counts, ("military", "all"))
    if counts == "military":
        wanted = ["military"]
    else:
        wanted = ["total"] if "total" in set(annual["aid_type"]) else list(AID_TYPES)
    rows = annual[annual["aid_type"].isin(wanted)]
    if rows.empty:
        raise ParameterError(
            f"The annual support has no {wanted} rows; build it with "
            f"annual_support(monthly, aid_types={wanted!r})."
        )
    return rows


def _require_current_usd(panel: pd.DataFrame, column: str, what: str) -> None:
    """Support is converted to current US$, so the NATO column must be current-price US$."""
    basis = u.basis(panel, column)
    if basis.currency != "USD" or basis.prices != "current":
        raise UnitError(
            f"{what} adds or compares support converted to current US$, so {column!r} must be "
            f"current-price US$; got {basis.describe()}."
        )


def support_vs_defence(
    annual: pd.DataFrame,
    panel: pd.DataFrame,
    *,
    counts: str = "military",
    spending: str = "defexp_usd_current_m",
) -> pd.DataFrame:
    """Ukraine support relative to the donor's own defence budget, per ally and year.

    ``pct_of_defence = 100 × support_usd_m / defence_usd_m`` with support converted from EUR at the
    ECB annual average of its year and defence expenditure in million current US$ (NATO). Only
    years with both figures appear; ``counts`` = "military" or "all" aid.
    """
    p = u.as_panel(panel)
    _require_current_usd(p, spending, "support_vs_defence")
    support = _support_usd_m(_annual_of(annual, counts, "support_vs_defence"), "support_vs_defence")
    joined = pd.concat(
        [support.rename("support_usd_m"), p[spending].rename("defence_usd_m")], axis=1
    )
    joined = joined.dropna()
    joined["pct_of_defence"] = 100 * joined["support_usd_m"] / joined["defence_usd_m"]
    return joined


def spending_with_support(
    panel: pd.DataFrame,
    annual: pd.DataFrame,
    *,
    counts: str = "military",
    double_count: str = "warn",
    share: str = "defexp_share_gdp_pct",
    spending: str = "defexp_usd_current_m",
    constant: str = "defexp_usd_constant_m",
    gdp: str = "gdp_usd_constant_m",
) -> pd.DataFrame:
    """Defence spending as % of GDP with direct support to Ukraine counted (The Hague, 2025).

    With and without support share one basis: the basis of ``share``, by default NATO's share of
    real GDP, the share NATO publishes and the targets are counted against. For ally i, year t:

    - ``share_pct`` = the share as published (``share``, % of GDP);
    - ``support_usd_m`` = U, the ally's Ukraine support announced in year t (``counts``:
      "military" or "all" aid), million current US$ (EUR at the ECB annual average);
    - ``support_share_basis_m``: U on the share's price basis, for a share of real GDP
      ``U × S_const / S_cur`` (deflated as the ally's own defence expenditure is; S = NATO's US$
      series ``constant`` and ``spending``), for a share of current GDP U itself;
    - ``added_pp = 100 × support_share_basis_m / GDP`` (``gdp``, on the share's price basis:
      ``gdp_usd_constant_m`` for NATO's share, ``gdp_usd_current_m`` for a current-price share),
      never negative for non-negative support; ``share_with_support_pct = share_pct +
      added_pp``, so counting support never lowers the share shown. NaN where a figure is
      missing, never a lower share.

    ``spending_usd_m`` (S_cur) and ``gdp_usd_m`` (GDP at current prices, if the panel has
    ``gdp_usd_current_m``) stay for sums in current US$. Allies without support data keep U = 0
    only where the tracker covers them (a donor absent from the tracker is NaN, not 0).

    Double counting: some allies already report part of their Ukraine aid inside NATO-reported
    expenditure, so S + U can count it twice. ``double_count="warn"`` (default) emits a
    :class:`DoubleCountWarning`; ``"acknowledge"`` records that the caller accepts the upper-bound
    reading and stays silent. Either way the column ``double_count_risk`` is True.
    """
    check_choice("double_count", double_count, ("warn", "acknowledge"))
    p = u.as_panel(panel)
    share_basis = u.require_share(p, share, "% of GDP", "spending_with_support")
    _require_current_usd(p, spending, "spending_with_support")
    real = share_basis.prices == "constant"
    if real:
        u.require_constant(p, constant, "spending_with_support")
    u.require_same_basis(p, constant if real else spending, gdp, "spending_with_support")
    rows = _annual_of(annual, counts, "spending_with_support")
    support = _support_usd_m(rows, "spending_with_support")
    tracked = set(rows["iso3"])
    out = pd.DataFrame(
        {
            "share_pct": p[share],
            "spending_usd_m": p[spending],
            "gdp_usd_m": p["gdp_usd_current_m"] if "gdp_usd_current_m" in p else float("nan"),
        }
    ).dropna(subset=["share_pct", "spending_usd_m"])
    years_covered = set(rows["year"])
    in_tracker = out.index.get_level_values("iso3").isin(tracked) & out.index.get_level_values(
        "year"
    ).isin(years_covered)
    out["support_usd_m"] = support.reindex(out.index)
    out.loc[in_tracker & out["support_usd_m"].isna(), "support_usd_m"] = 0.0
    if real:
        current = out["spending_usd_m"].where(out["spending_usd_m"] > 0)
        out["support_share_basis_m"] = (
            out["support_usd_m"] * p[constant].reindex(out.index) / current
        )
    else:
        out["support_share_basis_m"] = out["support_usd_m"]
    denominator = p[gdp].reindex(out.index)
    out["added_pp"] = 100 * out["support_share_basis_m"] / denominator.where(denominator > 0)
    out["share_with_support_pct"] = out["share_pct"] + out["added_pp"]
    out["counts"] = counts
    out["double_count_risk"] = True
    out.attrs["basis"] = f"{share} ({share_basis.describe()}); support on the same price basis"
    if double_count == "warn":
        warnings.warn(
            "Ukraine support is added to NATO-reported defence expenditure; some allies already "
            "report part of their aid inside it, so these shares are an upper bound. Pass "
            "double_count='acknowledge' to silence this warning.",
            DoubleCountWarning,
            stacklevel=2,
        )
    return out.dropna(subset=["support_usd_m"])


def top_donors(values: pd.Series, n: int = 10) -> pd.Series:
    """The ``n`` largest amounts (``n``: 1 to 1,000), largest first (ties broken by code)."""
    n = check_int("n", n, 1, MAX_COUNT)
    frame = require_amounts(values, "top_donors").dropna().rename("value").reset_index()
    key = frame.columns[0]
    frame = frame.sort_values(["value", key], ascending=[False, True])
    return frame.head(n).set_index(key)["value"]


__all__ = [
    "EUROPEAN_NON_EU",
    "DoubleCountWarning",
    "annual_support",
    "by_region",
    "concentration",
    "delivery_ratio",
    "donor_totals",
    "monthly_flows",
    "region",
    "spending_with_support",
    "support_share_of_gdp",
    "support_vs_defence",
    "top_donors",
]
