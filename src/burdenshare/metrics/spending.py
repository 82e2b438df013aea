"""Spending metrics: share of GDP, gap to a target, compliance, real growth, per capita,
equipment share, movers and ranks.

Every function takes a panel (``bs.spending_panel(edition=...)``) or a tidy long frame of one
edition (``bs.load_spending(edition=...)``); see :mod:`burdenshare.metrics._units` for how units
are known and checked. Results keep the panel's ``(iso3, year)`` index.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..countries import nato_allies
from ..errors import ParameterError
from ..params import MAX_COUNT, check_int
from . import _units as u
from ._select import allies_only, check_countries, check_years, panel_year, target_pct

SHARE = "defexp_share_gdp_pct"


def share_of_gdp(
    data: pd.DataFrame,
    spending: str = "defexp_usd_current_m",
    gdp: str = "gdp_usd_current_m",
) -> pd.Series:
    """Defence expenditure as a share of GDP, in % of GDP.

    ``share = 100 × spending / GDP`` per ally and year. Both columns must be in the same currency,
    scale and price basis (current with current; constant with constant of the same base year),
    else :class:`~burdenshare.UnitError`. NATO's own share (``defexp_share_gdp_pct``) is "share
    of real GDP": ``spending="defexp_usd_constant_m", gdp="gdp_usd_constant_m"`` reproduces it.
    """
    panel = u.as_panel(data)
    u.require_money(panel, spending, "share_of_gdp")
    u.require_same_basis(panel, spending, gdp, "share_of_gdp")
    share = 100.0 * panel[spending] / panel[gdp].where(panel[gdp] > 0)
    return share.rename("share_gdp_pct")


def target_gap(
    data: pd.DataFrame,
    target: str | float = "wales_2pct",
    *,
    years: int | Iterable[int] | None = None,
    countries: str | Iterable[str] | None = None,
    share: str = SHARE,
) -> pd.DataFrame:
    """Gap to a target, in percentage points and in money.

    ``target``: an id from ``bs.load_targets()`` (e.g. "wales_2pct", "hague_core_3_5",
    "hague_total_5") or a number in % of GDP. Columns:

    - ``share_pct``, ``target_pct`` (% of GDP); ``gap_pp = target − share`` (pp; negative means
      above the target);
    - ``gap_usd_current_m = gap_pp / 100 × GDP`` (million US$, current prices; NaN where the edition
      has no GDP table, e.g. 2025);
    - ``gap_ncu_current_m = gap_usd_current_m × xr`` (million national currency, current prices),
      with ``xr = defexp_ncu_current_m / defexp_usd_current_m`` NATO's implied exchange rate
      (national currency per US$); ``currency`` names it. NaN where the data lacks it.

    Allies only (aggregates kept if asked for in ``countries``); missing shares stay NaN.
    """
    panel = u.as_panel(data)
    u.require_share(panel, share, "% of GDP", "target_gap")
    value = target_pct(target)
    chosen = check_countries(panel, countries)
    wanted = check_years(panel, years)
    panel = panel[
        panel.index.get_level_values("iso3").isin(chosen)
        & panel.index.get_level_values("year").isin(wanted)
    ]
    out = pd.DataFrame(index=panel.index)
    out["share_pct"] = panel[share]
    out["target_pct"] = value
    out["gap_pp"] = value - panel[share]
    nan = pd.Series(np.nan, index=panel.index)
    if "gdp_usd_current_m" in panel.columns:
        u.require_same_basis(panel, "gdp_usd_current_m", "defexp_usd_current_m", "target_gap")
        out["gap_usd_current_m"] = out["gap_pp"] / 100.0 * panel["gdp_usd_current_m"]
    else:
        out["gap_usd_current_m"] = nan
    if {"defexp_ncu_current_m", "defexp_usd_current_m"} <= set(panel.columns):
        if u.basis(panel, "defexp_ncu_current_m").prices != "current":
            raise ParameterError("defexp_ncu_current_m must be at current prices.")
        rate = panel["defexp_ncu_current_m"] / panel["defexp_usd_current_m"].where(
            panel["defexp_usd_current_m"] > 0
        )
        out["gap_ncu_current_m"] = out["gap_usd_current_m"] * rate
    else:
        out["gap_ncu_current_m"] = nan
    out["currency"] = _currencies(data, panel.index)
    return out


def _currencies(data: pd.DataFrame, index: pd.Index) -> pd.Series:
    """National currency per ally: a long frame's ``currency`` column (national-currency rows), or
    a panel's ``attrs["currencies"]`` (set by ``bs.spending_panel``); NA where unknown."""
    if u._is_long(data) and "currency" in data.columns:
        rows = data[data["indicator"] == "defexp_ncu_current_m"].dropna(subset=["currency"])
        by_iso = rows.groupby("iso3")["currency"].first().to_dict()
    else:
        by_iso = dict(data.attrs.get("currencies", {}))
    iso3 = index.get_level_values("iso3")
    return pd.Series(iso3.map(by_iso), index=index, dtype="string")


def compliance(
    data: pd.DataFrame,
    target: str | float = "wales_2pct",
    *,
    years: int | Iterable[int] | None = None,
    share: str = SHARE,
) -> pd.DataFrame:
    """Which allies meet a target, per year, and how many.

    Rule: an ally meets the target in a year when NATO's published share of GDP (``share``,
    unrounded) is ``>= target``. Only members of the alliance in that year count (accession by
    31 December, as in NATO's aggregates); the aggregate rows never count. An ally with no
    figure (Iceland always; Germany 2025 in the 2025 edition) neither meets nor misses: it is
    listed in ``no_data``.

    Columns (index ``year``): ``allies`` (tuple of ISO3 meeting it), ``count`` (allies meeting),
    ``below`` (tuple of members below it), ``reporting`` (members with a figure), ``members``
    (alliance size that year), ``no_data`` (tuple of members without a figure), ``target_pct``.
    """
    panel = u.as_panel(data)
    u.require_share(panel, share, "% of GDP", "compliance")
    value = target_pct(target)
    wanted = check_years(panel, years)
    values = panel[share]
    rows = []
    for year in wanted:
        members = nato_allies(year)
        in_year = values.xs(year, level="year").reindex(members)
        meets = in_year >= value
        rows.append(
            {
                "year": year,
                "allies": tuple(in_year.index[meets]),
                "count": int(meets.sum()),
                "below": tuple(in_year.index[in_year.notna() & ~meets]),
                "reporting": int(in_year.notna().sum()),
                "members": len(members),
                "no_data": tuple(in_year.index[in_year.isna()]),
                "target_pct": value,
            }
        )
    return pd.DataFrame(rows).set_index("year")


def real_growth(data: pd.DataFrame, column: str = "defexp_usd_constant_m") -> pd.Series:
    """Year-on-year real growth in % from a constant-price series.

    ``growth_t = 100 × (x_t / x_{t−1} − 1)``, per ally; NaN for the first year and across gaps
    (a missing year is never bridged). Raises UnitError for a current-price column.
    """
    panel = u.as_panel(data)
    u.require_constant(panel, column, "real_growth")
    x = panel[column]
    year = pd.Series(panel.index.get_level_values("year"), index=panel.index)
    prev = x.groupby(level="iso3").shift(1)
    gap = year.groupby(level="iso3").diff() != 1
    growth = 100.0 * (x / prev.where(prev > 0) - 1.0)
    return growth.mask(gap).rename("real_growth_pct")


def cagr(
    data: pd.DataFrame, start: int, end: int, column: str = "defexp_usd_constant_m"
) -> pd.Series:
    """Compound annual real growth between two years, in % a year, per ally.

    ``CAGR = 100 × ((x_end / x_start)^(1 / (end − start)) − 1)`` on a constant-price series.
    NaN where either year is missing. ``start < end``, both in the data, else ParameterError.
    """
    panel = u.as_panel(data)
    u.require_constant(panel, column, "cagr")
    start, end = panel_year(panel, start, "start"), panel_year(panel, end, "end")
    if start >= end:
        raise ParameterError(f"Parameter 'start' ({start}) must be before 'end' ({end}).")
    wide = panel[column].unstack("year")
    first, last = wide[start], wide[end]
    ratio = last / first.where(first > 0)
    return (100.0 * (ratio ** (1.0 / (end - start)) - 1.0)).rename("cagr_pct")


def per_capita(
    data: pd.DataFrame,
    column: str = "defexp_usd_constant_m",
    population: pd.Series | None = None,
) -> pd.Series:
    """Spending per inhabitant, in the column's currency (units, not millions) per person.

    ``per_capita = column × 10^6 / population`` for a "million …" column. ``population``
    (persons, indexed like the panel) defaults to NATO's implied population
    ``gdp_usd_constant_m × 10^6 / (gdp_per_capita_constant_kusd × 10^3)``, the one NATO's own
    Table 6 per-capita figures use.
    """
    panel = u.as_panel(data)
    found = u.require_money(panel, column, "per_capita")
    if found.scale != "million":
        raise ParameterError(
            f"per_capita expects a 'million …' column; {column!r} is {found.unit}."
        )
    if population is None:
        gdp_pc = u.basis(panel, "gdp_per_capita_constant_kusd")
        gdp = u.basis(panel, "gdp_usd_constant_m")
        if (gdp_pc.prices, gdp_pc.base_year) != (gdp.prices, gdp.base_year):
            raise ParameterError("GDP and GDP per capita are on different price bases.")
        pc = panel["gdp_per_capita_constant_kusd"]
        population = panel["gdp_usd_constant_m"] * 1e6 / (pc.where(pc > 0) * 1e3)
    else:
        population = population.reindex(panel.index)
    return (panel[column] * 1e6 / population.where(population > 0)).rename("per_capita")


def equipment_share(
    data: pd.DataFrame,
    target: str | float = "wales_20pct_equipment",
    *,
    years: int | Iterable[int] | None = None,
    column: str = "equipment_share_pct",
) -> pd.DataFrame:
    """Equipment expenditure (major equipment incl. related R&D) against the 20% guideline.

    Columns: ``share_pct`` (% of defence expenditure), ``target_pct`` (from the targets table,
    default ``wales_20pct_equipment``), ``gap_pp = target − share`` (pp), ``meets`` (share >=
    target; NA where the share is missing). Members of the alliance in that year only.
    """
    panel = u.as_panel(data)
    u.require_share(panel, column, "% of defence expenditure", "equipment_share")
    value = target_pct(target, unit="% of defence expenditure")
    wanted = check_years(panel, years)
    panel = allies_only(panel[panel.index.get_level_values("year").isin(wanted)])
    share = panel[column]
    out = pd.DataFrame({"share_pct": share, "target_pct": value, "gap_pp": value - share})
    out["meets"] = (share >= value).astype("boolean").mask(share.isna())
    return out


def movers(
    data: pd.DataFrame,
    start: int,
    end: int,
    column: str = SHARE,
    *,
    n: int | None = None,
) -> pd.DataFrame:
    """Change of an indicator between two years, with ranks, biggest risers first.

    Per ally with a value in both years (members of the alliance at ``end``, whatever their
    accession year): ``start`` and ``end`` values, ``change =
    end − start`` (in the column's unit: pp for shares), ``change_pct = 100 × (end / start − 1)``,
    ``rank_start``/``rank_end`` (1 = highest value among allies with a value that year) and
    ``rank_change = rank_start − rank_end`` (positive = climbed). ``n`` (1 to 1,000) keeps the top n.
    """
    panel = u.as_panel(data)
    u.basis(panel, column)
    start, end = panel_year(panel, start, "start"), panel_year(panel, end, "end")
    if start >= end:
        raise ParameterError(f"Parameter 'start' ({start}) must be before 'end' ({end}).")
    if n is not None:
        n = check_int("n", n, 1, MAX_COUNT)
    wide = panel[column].unstack("year")
    wide = wide.reindex(index=[c for c in wide.index if c in nato_allies(end)])
    out = pd.DataFrame({"start": wide.get(start), "end": wide.get(end)})
    out["rank_start"] = out["start"].rank(ascending=False, method="min").astype("Int64")
    out["rank_end"] = out["end"].rank(ascending=False, method="min").astype("Int64")
    out = out.dropna(subset=["start", "end"])
    out["change"] = out["end"] - out["start"]
    out["change_pct"] = 100.0 * (out["end"] / out["start"].where(out["start"] > 0) - 1.0)
    out["rank_change"] = out["rank_start"] - out["rank_end"]
    out = out.sort_values(["change", "end"], ascending=False)
    out.attrs.update({"column": column, "start": start, "end": end})
    return out.head(n) if n else out
