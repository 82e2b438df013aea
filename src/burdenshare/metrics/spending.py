"""Spending metrics: share of GDP, gap to a target, compliance, real growth, one series across
editions (:func:`chain_editions`), per capita, equipment share, movers and ranks.

Targets are scored only on what they measure (``measured_by`` in the targets table; see
:func:`burdenshare.metrics._select.target_scoring`); money gaps are in current US$ against current
GDP; growth refuses a series that joins editions at different prices.

Every function takes a panel (``bs.spending_panel(edition=...)``) or a tidy long frame of one
edition (``bs.load_spending(edition=...)``); see :mod:`burdenshare.metrics._units` for how units
are known and checked. Results keep the panel's ``(iso3, year)`` index.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..countries import nato_allies
from ..errors import ParameterError, UnitError
from ..params import MAX_COUNT, check_int
from . import _units as u
from ._select import (
    allies_only,
    check_countries,
    check_years,
    panel_year,
    target_pct,
    target_scoring,
)

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
    """Gap to a target, in percentage points of NATO's share and in current money.

    ``target``: an id from ``bs.load_targets()`` (e.g. "wales_2pct", "hague_core_3_5",
    "hague_total_5") or a number in % of GDP. Each column answers one question on one basis:

    - ``share_pct`` (NATO's published share, of real GDP), ``target_pct``; ``gap_pp = target −
      share`` (pp of NATO's share; negative means above the target);
    - ``share_current_pct = 100 × defexp_usd_current_m / gdp_usd_current_m`` (both current US$);
    - ``gap_usd_current_m = target / 100 × GDP − spending`` (both million current US$): how much
      more, in current US$, the ally would spend at x% of its current GDP (negative: above it);
      NaN where the edition has no GDP table (2025). Where NATO's share of real GDP differs from
      the current-price ratio (the Netherlands: 2.53% vs 2.24% in 2025, 2026 edition) the two
      gaps can disagree; each is stated on its own basis, never multiplied across bases;
    - ``gap_ncu_current_m = gap_usd_current_m × xr`` (million national currency), ``xr =
      defexp_ncu_current_m / defexp_usd_current_m`` NATO's implied exchange rate; ``currency``;
    - ``gap_reading``: "exact", or "upper bound" when the data measures only part of the target
      (the Hague 5% from core defence expenditure alone: the related spending NATO does not
      publish can only narrow the gap). A target the data cannot measure at all raises UnitError.

    Allies only (aggregates kept if asked for in ``countries``); missing shares stay NaN.
    """
    panel = u.as_panel(data)
    u.require_share(panel, share, "% of GDP", "target_gap")
    scoring = target_scoring(panel, target, share)
    value = scoring.value
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
    if {"gdp_usd_current_m", "defexp_usd_current_m"} <= set(panel.columns):
        u.require_same_basis(panel, "gdp_usd_current_m", "defexp_usd_current_m", "target_gap")
        gdp = panel["gdp_usd_current_m"].where(panel["gdp_usd_current_m"] > 0)
        spending = panel["defexp_usd_current_m"]
        out["share_current_pct"] = 100.0 * spending / gdp
        out["gap_usd_current_m"] = value / 100.0 * gdp - spending
    else:
        out["share_current_pct"] = nan
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
    out["gap_reading"] = "exact" if scoring.exact else "upper bound"
    out.attrs["measure"] = scoring.measure
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

    A target is scored only on what it measures (``measured_by`` in the targets table). Where the
    share is only part of the measure (the Hague 5% = core + defence-related spending, of which
    NATO publishes only core), the share is a lower bound: at or above the target *meets* it,
    below it is *not shown* (``not_shown``), never *below*. A target the data cannot measure at
    all (the Hague up-to-1.5% related spending) raises :class:`~burdenshare.UnitError`.

    Columns (index ``year``): ``allies`` (tuple of ISO3 meeting it), ``count`` (allies meeting),
    ``below`` (tuple of members shown below it), ``not_shown`` (members with a figure but no
    verdict), ``reporting`` (members with a figure), ``members`` (alliance size that year),
    ``no_data`` (members without a figure), ``target_pct``, ``reading`` ("exact" or "lower
    bound") and ``measure`` (what the share measures).
    """
    panel = u.as_panel(data)
    u.require_share(panel, share, "% of GDP", "compliance")
    scoring = target_scoring(panel, target, share)
    value = scoring.value
    wanted = check_years(panel, years)
    values = panel[share]
    rows = []
    for year in wanted:
        members = nato_allies(year)
        in_year = values.xs(year, level="year").reindex(members)
        meets = in_year >= value
        under = tuple(in_year.index[in_year.notna() & ~meets])
        rows.append(
            {
                "year": year,
                "allies": tuple(in_year.index[meets]),
                "count": int(meets.sum()),
                "below": under if scoring.exact else (),
                "not_shown": () if scoring.exact else under,
                "reporting": int(in_year.notna().sum()),
                "members": len(members),
                "no_data": tuple(in_year.index[in_year.isna()]),
                "target_pct": value,
                "reading": scoring.reading,
                "measure": scoring.measure,
            }
        )
    return pd.DataFrame(rows).set_index("year")


REAL_CHANGE = "defexp_real_change_pct"
NATO_CONSTANT = ("defexp_usd_constant_m", "defexp_ncu_constant_m")


def _growth(panel: pd.DataFrame, column: str) -> pd.Series:
    x = panel[column]
    year = pd.Series(panel.index.get_level_values("year"), index=panel.index)
    prev = x.groupby(level="iso3").shift(1)
    gap = year.groupby(level="iso3").diff() != 1
    growth = 100.0 * (x / prev.where(prev > 0) - 1.0)
    return growth.mask(gap).rename("real_growth_pct")


def _require_one_price_basis(panel: pd.DataFrame, column: str, what: str) -> None:
    """UnitError if a NATO constant-price series disagrees with NATO's published real change in
    the same panel by more than the rounding of both allows: the series joins editions (price
    bases) even though the panel's attrs claim one."""
    if column not in NATO_CONSTANT or REAL_CHANGE not in panel.columns:
        return
    x = panel[column]
    prev = x.groupby(level="iso3").shift(1)
    # money rounded to units (±0.5) and the published change to 2 decimals (±0.005)
    tolerance = 50.0 * (1.0 / prev + x / prev**2) + 0.01
    off = (_growth(panel, column) - panel[REAL_CHANGE]).abs() > tolerance
    if off.any():
        iso3, year = off[off].index[0]
        raise UnitError(
            f"{what}: {column!r} grows {_growth(panel, column)[(iso3, year)]:.2f}% for {iso3} "
            f"in {year} but the panel's own {REAL_CHANGE} says {panel[REAL_CHANGE][(iso3, year)]}"
            "%: the series joins editions at different prices. Build one series with "
            "bs.chain_editions(older, newer) instead of concatenating panels."
        )


def real_growth(data: pd.DataFrame, column: str = "defexp_usd_constant_m") -> pd.Series:
    """Year-on-year real growth in % from a constant-price series.

    ``growth_t = 100 × (x_t / x_{t−1} − 1)``, per ally; NaN for the first year and across gaps
    (a missing year is never bridged). Raises UnitError for a current-price column, for one whose
    price base is unknown and for a NATO series that disagrees with the panel's published real
    change (an edition splice): :func:`chain_editions` builds one series across editions.
    """
    panel = u.as_panel(data)
    u.require_constant(panel, column, "real_growth")
    _require_one_price_basis(panel, column, "real_growth")
    return _growth(panel, column)


def _published_change(panel: pd.DataFrame, index: pd.Index) -> pd.Series:
    """NATO's published real change (%) of ``panel`` on ``index`` (NaN where not published)."""
    if REAL_CHANGE not in panel.columns:
        return pd.Series(np.nan, index=index)
    return panel[REAL_CHANGE].reindex(index)


def chain_editions(*panels: pd.DataFrame, column: str = "defexp_usd_constant_m") -> pd.DataFrame:
    """One constant-price series across NATO editions, at the newest edition's prices.

    ``panels``: whole or sliced panels of different editions (``bs.spending_panel(e)``, attrs
    intact), in any order. Per ally, the newest edition gives every year it has (from its
    first year, ``link``); each older edition extends the series backwards, rescaled to the
    newer prices through the newer edition's published real change into ``link`` (``x_{link−1}
    = new_link / (1 + change_link / 100)``, chaining NATO's real changes) or, where that is not
    published, at ``link`` itself (``x_t = old_t × new_link / old_link``). So each year's real
    growth is the one NATO published in the newest edition holding that year, and
    :func:`real_growth` / :func:`cagr` on the result reproduce NATO's published rates (older
    years keep the older edition's definition: ``attrs["definitions"]``).

    Returns a panel with ``column`` (million, constant prices of the newest edition) and
    ``edition`` (the edition each value comes from); ``attrs`` name the editions, their
    definitions and the price base. Older years of an ally that cannot be linked are left out.
    """
    if len(panels) < 2:
        raise ParameterError("chain_editions needs panels of at least two editions.")
    editions = []
    for panel in panels:
        u.as_panel(panel)
        edition = panel.attrs.get("edition")
        if edition is None:
            raise ParameterError(
                "chain_editions needs panels that say their edition (bs.spending_panel(...), "
                "sliced or not); this one has no attrs['edition']."
            )
        u.require_constant(panel, column, "chain_editions")
        editions.append(str(edition))
    if len(set(editions)) != len(editions):
        raise ParameterError(f"chain_editions got the same edition twice: {editions}.")
    ordered = sorted(zip(editions, panels, strict=True), key=lambda pair: int(pair[0]))[::-1]
    newest_edition, newest = ordered[0]
    series = newest[column].dropna()
    source = pd.Series(newest_edition, index=series.index)
    change = _published_change(newest, series.index)
    for edition, older in ordered[1:]:
        old = older[column].dropna()
        added = []
        for iso3 in sorted(set(series.index.get_level_values("iso3"))):
            if iso3 not in old.index.get_level_values("iso3"):
                continue
            have, past = series.xs(iso3), old.xs(iso3)
            link = int(have.index.min())
            published = change.get((iso3, link), np.nan)
            if pd.notna(published) and past.get(link - 1, 0) > 0:
                factor = have[link] / (1 + published / 100) / past[link - 1]
            elif past.get(link, 0) > 0:
                factor = have[link] / past[link]
            else:
                continue
            earlier = past[past.index < link] * factor
            added.append(earlier.set_axis(pd.MultiIndex.from_product([[iso3], earlier.index])))
        if added:
            extra = pd.concat(added).dropna()
            series = pd.concat([series, extra])
            source = pd.concat([source, pd.Series(edition, index=extra.index)])
            change = pd.concat([change, _published_change(older, extra.index)])
    out = pd.DataFrame({column: series, "edition": source}).sort_index()
    out.index = out.index.set_names(u.INDEX)
    base = u.basis(newest, column)
    out.attrs.update(
        {
            "edition": newest_edition,
            "chained_editions": [e for e, _ in ordered],
            "definitions": {e: p.attrs.get("definition") for e, p in ordered},
            "price_base_year": base.base_year,
            "units": {column: base},
        }
    )
    return out


def cagr(
    data: pd.DataFrame, start: int, end: int, column: str = "defexp_usd_constant_m"
) -> pd.Series:
    """Compound annual real growth between two years, in % a year, per ally.

    ``CAGR = 100 × ((x_end / x_start)^(1 / (end − start)) − 1)`` on a constant-price series.
    NaN where either year is missing. ``start < end``, both in the data, else ParameterError;
    the series is checked as in :func:`real_growth` (one price basis).
    """
    panel = u.as_panel(data)
    u.require_constant(panel, column, "cagr")
    _require_one_price_basis(panel, column, "cagr")
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
    A constant-price column is checked as in :func:`real_growth` (one price basis).
    """
    panel = u.as_panel(data)
    if u.basis(panel, column).prices == "constant":  # levels compared across years
        u.require_constant(panel, column, "movers")
        _require_one_price_basis(panel, column, "movers")
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
