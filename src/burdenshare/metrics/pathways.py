"""Pathways to a target share of GDP by a year, and fan charts over assumed GDP growth.

Notation (per ally): start year ``t0`` with NATO's share ``s0`` (% of GDP; the latest actual or
estimated figure unless ``start_year`` is given), real GDP ``GDP0`` (million US$, constant prices)
in ``t0``, target ``T`` (% of GDP) by year ``Y``, ``n = Y − t0``, ``k = t − t0``, assumed real GDP
growth ``g`` (a fraction a year: 0.015 = 1.5 %).

- share path, ``method="linear"``: ``s_t = s0 + (T − s0) · k / n`` (percentage points);
- share path, ``method="real_growth"`` (constant real growth of spending):
  ``s_t = s0 · (T / s0)^(k / n)``, i.e. spending grows at
  ``r = ((T / s0) · (1 + g)^n)^(1 / n) − 1`` a year (the same average for both methods);
- GDP path ``GDP_t = GDP0 · (1 + g)^k``; spending ``S_t = s_t / 100 · GDP_t`` (million US$,
  constant prices of the edition's base year);
- extra over holding today's share: ``Σ_{j ≤ t} (s_j − s0) / 100 · GDP_j``;
- trend share if recent real growth ``ρ`` continues: ``s0 · ((1 + ρ) / (1 + g))^k``, with ``ρ`` the
  geometric mean of NATO's published real change over the last ``recent_years`` years to ``t0``.

A target is reached with NATO's share alone: for the Hague 5% (core + related spending, which
NATO does not publish) the path and its extra cost are upper bounds; a target NATO's share does
not measure at all (the Hague 1.5% related) raises UnitError
(:func:`burdenshare.metrics._select.target_scoring`).

Verdicts across growth windows (:func:`track_verdicts`): "on track" compares ``ρ`` with ``r``,
and ``ρ`` depends on the window. A verdict is given only where it is the same for every window
asked (by default 1, 3 and 5 years): "on track" or "off track" in all of them, else "depends on
the window"; allies already at or above ``T`` are "already there" (they need only hold their
share), and an ally with a window it has no data for is "unknown".

An ally already at or above an "at least" target holds its share (``hold_if_above=True``; then
``T`` is replaced by ``s0``). Allies without a share (Iceland) are left out.

Parameter bounds (checked by :mod:`burdenshare.params`, ParameterError otherwise): ``target`` an id
or a number above 0 and at most 100 (% of GDP); ``by`` a whole year after the start year and at
most 2100 (:data:`~burdenshare.params.LAST_YEAR`); every ``gdp_growth`` value finite and strictly
between -1 and 1, at most 1,000,000 draws (:data:`~burdenshare.params.MAX_DRAWS`);
``recent_years`` from 1 to the number of years in the data; ``percentiles`` at most 101 values
from 0 to 100.

Fan charts: every output above is a monotone function of ``1 + g`` (increasing, or decreasing for
the trend share, or fixed-sign per ally for the cumulative extra), so its percentiles over the
draws are read off the sorted draws: sort once, evaluate at the two order statistics around each
percentile and interpolate linearly, exactly as ``numpy.percentile(..., method="linear")`` would
on the full (draws × allies × years) array, without building it.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..params import (
    LAST_YEAR,
    MAX_DRAWS,
    MAX_PERCENTILES,
    check_choice,
    check_flag,
    check_int,
    check_values,
)
from . import _units as u
from ._select import (
    allies_only,
    check_countries,
    panel_year,
    target_pct,
    target_scoring,
    years_of,
)

SHARE = "defexp_share_gdp_pct"
GDP = "gdp_usd_constant_m"
REAL_CHANGE = "defexp_real_change_pct"
METHODS = ("linear", "real_growth")
MEASURES = (
    "share_pct",
    "spending_usd_constant_m",
    "cumulative_extra_usd_constant_m",
    "trend_share_pct",
    "required_real_growth_pct",
)

GrowthSpec = float | str | Mapping[str, float] | pd.Series | np.ndarray | pd.DataFrame


@dataclass(frozen=True)
class Start:
    """Starting point of every ally's path (arrays aligned on ``iso3``)."""

    iso3: list[str]
    t0: np.ndarray  # int years
    s0: np.ndarray  # % of GDP
    gdp0: np.ndarray  # million US$ constant (NaN if the edition has no GDP)
    recent: np.ndarray  # fraction a year (NaN if unknown)
    target: np.ndarray  # effective target per ally (% of GDP)
    by: int
    base_year: int | None


def _start(
    data: pd.DataFrame,
    target: str | float,
    by: int,
    start_year: int | None,
    countries: str | Iterable[str] | None,
    recent_years: int,
    hold_if_above: bool,
) -> tuple[Start, pd.DataFrame]:
    panel = u.as_panel(data)
    u.require_share(panel, SHARE, "% of GDP", "pathway")
    value = target_scoring(panel, target, SHARE).value
    have = years_of(panel)
    by = check_int("by", by, have[0] + 1, LAST_YEAR)
    recent_years = check_int("recent_years", recent_years, 1, len(have))
    check_flag("hold_if_above", hold_if_above)
    chosen = check_countries(panel, countries)
    panel = panel[panel.index.get_level_values("iso3").isin(chosen)]
    # who is an ally is decided in the start year; history (GDP, real change) is used in full
    shares = (allies_only(panel) if countries is None else panel)[SHARE].dropna()
    if start_year is not None:
        start_year = panel_year(panel, start_year, "start_year")
        shares = shares[shares.index.get_level_values("year") == start_year]
    if shares.empty:
        raise ParameterError(
            "Parameter 'start_year': no ally has a share of GDP in the chosen start year."
        )
    last = shares.reset_index().groupby("iso3").last()
    t0 = last["year"].to_numpy(dtype=int)
    if by <= t0.max():
        raise ParameterError(
            f"Parameter 'by' ({by}) must come after the start year ({t0.max()}); choose a later "
            f"year, at most {LAST_YEAR}."
        )
    iso3 = list(last.index)
    keys = list(zip(iso3, t0.tolist(), strict=True))
    if GDP in panel.columns:
        base = u.basis(panel, GDP)
        gdp0 = panel[GDP].reindex(keys).to_numpy(dtype=float)
    else:
        base, gdp0 = None, np.full(len(iso3), np.nan)
    recent = np.full(len(iso3), np.nan)
    if REAL_CHANGE in panel.columns:
        change = panel[REAL_CHANGE]
        for i, (code, year) in enumerate(keys):
            window = [(code, y) for y in range(year - recent_years + 1, year + 1)]
            vals = change.reindex(window).to_numpy(dtype=float)
            if not np.isnan(vals).any():
                recent[i] = np.prod(1.0 + vals / 100.0) ** (1.0 / recent_years) - 1.0
    s0 = last[SHARE].to_numpy(dtype=float)
    goal = np.maximum(s0, value) if hold_if_above else np.full(len(iso3), value)
    start = Start(
        iso3, t0, s0, gdp0, recent, goal, int(by), base.base_year if base is not None else None
    )
    return start, panel


def _recent_gdp_growth(start: Start, panel: pd.DataFrame, recent_years: int) -> np.ndarray:
    """Each ally's real GDP CAGR over the ``recent_years`` years to its start year (fraction)."""
    if GDP not in panel.columns:
        raise ParameterError(
            "Parameter 'gdp_growth' = 'recent' needs real GDP (editions 2024 or 2026)."
        )
    u.require_constant(panel, GDP, "gdp_growth='recent'")  # one price base across the years
    gdp = panel[GDP]
    values = []
    for code, year in zip(start.iso3, start.t0, strict=True):
        first, last = gdp.get((code, year - recent_years)), gdp.get((code, year))
        values.append((last / first) ** (1 / recent_years) - 1 if first and last else np.nan)
    return np.asarray(values, dtype=float)[None, :]


def _draws_of(gdp_growth: np.ndarray | Sequence, iso3: list[str]) -> np.ndarray:
    """Draws as (draws, 1) shared by all allies or (draws, allies), at most MAX_DRAWS rows."""
    rows = len(gdp_growth) if np.ndim(gdp_growth) else 1
    if rows > MAX_DRAWS:
        raise ParameterError(
            f"Parameter 'gdp_growth' has {rows:,} draws; at most {MAX_DRAWS:,} are allowed."
        )
    arr = check_values(
        "gdp_growth", gdp_growth, -1, 1, max_size=MAX_DRAWS * len(iso3), open_bounds=True
    )
    if arr.ndim == 1:
        return arr[:, None]
    if arr.ndim == 2 and arr.shape[1] == len(iso3):
        return arr
    raise ParameterError(
        f"Parameter 'gdp_growth': draws must have shape (draws,) or (draws, {len(iso3)}) for "
        f"allies {', '.join(iso3)}; got {arr.shape}."
    )


def _growth_draws(gdp_growth: GrowthSpec, start: Start, panel: pd.DataFrame, recent_years: int):
    """``1 + g`` as an array (draws, allies) or (draws, 1), validated: every g finite and
    strictly between -1 and 1, at most :data:`~burdenshare.params.MAX_DRAWS` draws."""
    iso3 = start.iso3
    if isinstance(gdp_growth, str):
        if gdp_growth != "recent":
            raise ParameterError(
                f"Parameter 'gdp_growth' must be a number, per-ally values, draws or 'recent'; "
                f"got {gdp_growth!r}."
            )
        g = _recent_gdp_growth(start, panel, recent_years)
    elif isinstance(gdp_growth, pd.DataFrame):
        missing = [c for c in iso3 if c not in gdp_growth.columns]
        if missing:
            raise ParameterError(
                f"Parameter 'gdp_growth': draws have no column for {', '.join(missing)}."
            )
        g = _draws_of(gdp_growth[iso3].to_numpy(dtype=float), iso3)
    elif isinstance(gdp_growth, Mapping | pd.Series):
        series = pd.Series(gdp_growth, dtype=float)
        missing = [c for c in iso3 if c not in series.index]
        if missing:
            raise ParameterError(f"Parameter 'gdp_growth' has no value for {', '.join(missing)}.")
        g = series.reindex(iso3).to_numpy(dtype=float)[None, :]
    elif isinstance(gdp_growth, np.ndarray | Sequence):
        g = _draws_of(gdp_growth, iso3)
    elif isinstance(gdp_growth, numbers.Real) and not isinstance(gdp_growth, bool | np.bool_):
        g = np.array([[float(gdp_growth)]])
    else:
        raise ParameterError(
            f"Parameter 'gdp_growth' of type {type(gdp_growth).__name__} is not supported; give "
            "a number, per-ally values, draws or 'recent'."
        )
    g = check_values("gdp_growth", g, -1, 1, max_size=g.size, open_bounds=True)
    return 1.0 + g


def _share_path(start: Start, k: np.ndarray, method: str) -> np.ndarray:
    """Share of GDP (allies, years) on the path; k = years since t0 (negative before t0)."""
    n = (start.by - start.t0)[:, None].astype(float)
    s0, goal = start.s0[:, None], start.target[:, None]
    frac = k / n
    if method == "linear":
        return s0 + (goal - s0) * frac
    return s0 * (goal / s0) ** frac


def _evaluate(start: Start, x: np.ndarray, k: np.ndarray, share: np.ndarray) -> dict:
    """Every measure at growth factors ``x`` of shape (allies, m): arrays (allies, m, years)."""
    xk = x[:, :, None] ** k[:, None, :]
    gdp_path = start.gdp0[:, None, None] * xk
    spending = share[:, None, :] / 100.0 * gdp_path
    extra = (share[:, None, :] - start.s0[:, None, None]) / 100.0 * gdp_path
    extra = np.where(k[:, None, :] > 0, extra, 0.0)
    n = (start.by - start.t0).astype(float)
    rate = (start.target / start.s0) ** (1.0 / n)
    required = 100.0 * (rate[:, None] * x - 1.0)
    trend = start.s0[:, None, None] * ((1.0 + start.recent)[:, None, None] ** k[:, None, :]) / xk
    return {
        "share_pct": np.broadcast_to(share[:, None, :], xk.shape),
        "spending_usd_constant_m": spending,
        "cumulative_extra_usd_constant_m": np.cumsum(extra, axis=2),
        "trend_share_pct": trend,
        "required_real_growth_pct": np.broadcast_to(required[:, :, None], xk.shape),
    }


def _grid(start: Start) -> tuple[np.ndarray, np.ndarray]:
    years = np.arange(start.t0.min(), start.by + 1)
    return years, years[None, :] - start.t0[:, None]


def _frame(
    start: Start, years: np.ndarray, k: np.ndarray, columns: dict, fan: bool = False
) -> pd.DataFrame:
    iso = np.repeat(np.asarray(start.iso3, dtype=object), len(years))
    yrs = np.tile(years, len(start.iso3))
    keep = (k >= 0).ravel()
    index = pd.MultiIndex.from_arrays([iso[keep], yrs[keep]], names=["iso3", "year"])
    data = {name: arr.reshape(len(iso), -1)[keep] for name, arr in columns.items()}
    if not fan:
        return pd.DataFrame({n: a[:, 0] for n, a in data.items()}, index=index)
    return pd.concat({n: pd.DataFrame(a, index=index) for n, a in data.items()}, axis=1)


def pathway(
    data: pd.DataFrame,
    target: str | float = "hague_core_3_5",
    by: int = 2035,
    *,
    gdp_growth: float | str | Mapping[str, float] | pd.Series,
    method: str = "real_growth",
    start_year: int | None = None,
    countries: str | Iterable[str] | None = None,
    recent_years: int = 3,
    hold_if_above: bool = True,
) -> pd.DataFrame:
    """Path per ally and year from ``t0`` to target ``T`` by year ``by`` (formulas: module doc).

    ``gdp_growth``: assumed real GDP growth ``g`` as a fraction a year (no default: it is an
    assumption you must state): one number, one per ally (dict/Series by ISO3), or "recent"
    (each ally's real GDP CAGR over the ``recent_years`` years to ``t0``). Columns (index
    ``(iso3, year)``): ``share_pct`` (% of GDP), ``spending_usd_constant_m``,
    ``cumulative_extra_usd_constant_m`` (both million US$ at the edition's constant prices; NaN
    without a GDP table), ``trend_share_pct`` (share if recent real growth continues; % of GDP),
    ``required_real_growth_pct`` (r, % a year). ``attrs`` hold target, by, method, base year.
    """
    _check_one_rate_each(method, gdp_growth)
    start, panel = _start(data, target, by, start_year, countries, recent_years, hold_if_above)
    x = _growth_draws(gdp_growth, start, panel, recent_years)
    return _path(start, x, method, target)


def _check_one_rate_each(method: str, gdp_growth: object) -> None:
    check_choice("method", method, METHODS)
    if isinstance(gdp_growth, np.ndarray | pd.DataFrame | list | tuple):
        raise ParameterError(
            "Parameter 'gdp_growth': pathway takes one growth rate per ally; use pathway_fan for "
            "draws."
        )


def _path(start: Start, x: np.ndarray, method: str, target: str | float) -> pd.DataFrame:
    """:func:`pathway` from its checked start and GDP growth factors ``x`` (one per ally)."""
    x = np.broadcast_to(x, (1, len(start.iso3))).T  # (allies, 1)
    years, k = _grid(start)
    share = _share_path(start, k, method)
    out = _frame(start, years, k, _evaluate(start, x, k, share))
    out.attrs.update(
        {
            "target_pct": target_pct(target),
            "by": start.by,
            "method": method,
            "price_base_year": start.base_year,
        }
    )
    return out


def pathway_summary(
    data: pd.DataFrame,
    target: str | float = "hague_core_3_5",
    by: int = 2035,
    *,
    gdp_growth: float | str | Mapping[str, float] | pd.Series,
    method: str = "real_growth",
    start_year: int | None = None,
    countries: str | Iterable[str] | None = None,
    recent_years: int = 3,
    hold_if_above: bool = True,
) -> pd.DataFrame:
    """One row per ally: start, required real growth, recent real growth and whether on track.

    Columns: ``start_year``, ``start_share_pct``, ``target_pct`` (after holding allies above it),
    ``gdp_growth_pct`` (g), ``required_real_growth_pct`` (r = ((T/s0)·(1+g)^n)^(1/n) − 1, %),
    ``recent_real_growth_pct`` (geometric mean of NATO's real change over ``recent_years`` years
    to t0, %), ``on_track`` (recent >= required; NA if unknown), ``cumulative_extra_usd_constant_m``
    (extra spending over holding s0, summed t0+1..by, million US$ constant prices).
    """
    _check_one_rate_each(method, gdp_growth)
    start, panel = _start(data, target, by, start_year, countries, recent_years, hold_if_above)
    draws = _growth_draws(gdp_growth, start, panel, recent_years)
    path = _path(start, draws, method, target)  # pathway(...) without checking twice
    x = draws[0]
    last = path.groupby(level="iso3").tail(1).reset_index("year")
    recent = pd.Series(100.0 * start.recent, index=start.iso3)
    out = pd.DataFrame(
        {
            "start_year": pd.Series(start.t0, index=start.iso3),
            "start_share_pct": pd.Series(start.s0, index=start.iso3),
            "target_pct": pd.Series(start.target, index=start.iso3),
            "gdp_growth_pct": pd.Series(
                100.0 * (np.broadcast_to(x, start.s0.shape) - 1.0), index=start.iso3
            ),
            "required_real_growth_pct": last["required_real_growth_pct"],
            "recent_real_growth_pct": recent,
            "cumulative_extra_usd_constant_m": last["cumulative_extra_usd_constant_m"],
        }
    )
    out.index.name = "iso3"
    on_track = out["recent_real_growth_pct"] >= out["required_real_growth_pct"]
    out["on_track"] = on_track.astype("boolean").mask(out["recent_real_growth_pct"].isna())
    return out


#: Verdicts of :func:`track_verdicts`, in the order a table or legend lists them.
ALREADY, ON_TRACK, DEPENDS, OFF_TRACK, UNKNOWN = (
    "already there",
    "on track",
    "depends on the window",
    "off track",
    "unknown",
)
VERDICTS = (ALREADY, ON_TRACK, DEPENDS, OFF_TRACK, UNKNOWN)
#: Growth windows (years) a verdict must hold across unless others are given.
WINDOWS = (1, 3, 5)


def track_verdicts(
    data: pd.DataFrame,
    target: str | float = "hague_core_3_5",
    by: int = 2035,
    *,
    gdp_growth: float | str | Mapping[str, float] | pd.Series,
    windows: Sequence[int] = WINDOWS,
    method: str = "real_growth",
    start_year: int | None = None,
    countries: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per ally: required real growth, recent real growth over each window, and a verdict
    that holds across the windows (see the module doc).

    Columns: those of :func:`pathway_summary` for the first window (``required_real_growth_pct``
    with ``gdp_growth`` g), then per window ``w``: ``recent_real_growth_pct_{w}y`` and
    ``on_track_{w}y``; ``verdict`` (one of :data:`VERDICTS`). ``attrs["windows"]`` lists the
    windows. With ``gdp_growth="recent"`` each window also sets the GDP growth it assumes.
    """
    if isinstance(windows, str | bytes) or not isinstance(windows, Sequence) or not windows:
        raise ParameterError(
            f"Parameter 'windows' must be a list of whole numbers of years, got {windows!r}."
        )
    windows = sorted({check_int("windows", w, 1, LAST_YEAR) for w in windows})
    options = {"method": method, "start_year": start_year, "countries": countries}
    out: pd.DataFrame | None = None
    for w in windows:
        summary = pathway_summary(
            data, target, by, gdp_growth=gdp_growth, recent_years=w, **options
        )
        if out is None:
            out = summary.drop(columns=["recent_real_growth_pct", "on_track"])
        out[f"recent_real_growth_pct_{w}y"] = summary["recent_real_growth_pct"]
        out[f"on_track_{w}y"] = summary["on_track"]
    assert out is not None
    verdicts = out[[f"on_track_{w}y" for w in windows]]
    there = out["start_share_pct"] >= target_pct(target)
    every = verdicts.fillna(False).all(axis=1)
    none = (~verdicts.fillna(True)).all(axis=1)
    mixed = verdicts.eq(True).any(axis=1) & verdicts.eq(False).any(axis=1)
    out["verdict"] = np.select(
        [there, mixed, verdicts.isna().any(axis=1), every, none],
        [ALREADY, DEPENDS, UNKNOWN, ON_TRACK, OFF_TRACK],
        default=UNKNOWN,
    )
    out.attrs.update({"windows": list(windows), "target_pct": target_pct(target), "by": by})
    return out


def _percentile_positions(n: int, percentiles: np.ndarray) -> tuple[np.ndarray, ...]:
    h = (n - 1) * percentiles / 100.0
    lo = np.floor(h).astype(int)
    hi = np.minimum(lo + 1, n - 1)
    return lo, hi, h - lo


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """numpy.percentile's linear interpolation (same formula, same rounding)."""
    diff = b - a
    return np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)


def pathway_fan(
    data: pd.DataFrame,
    target: str | float = "hague_core_3_5",
    by: int = 2035,
    *,
    gdp_growth: GrowthSpec,
    percentiles: Sequence[float] = (5, 25, 50, 75, 95),
    method: str = "real_growth",
    start_year: int | None = None,
    countries: str | Iterable[str] | None = None,
    recent_years: int = 3,
    hold_if_above: bool = True,
) -> pd.DataFrame:
    """Percentile bands of every :func:`pathway` measure over uncertain GDP growth.

    ``gdp_growth``: a number, one per ally (dict/Series), draws shared by all allies (1-D array),
    or draws per ally (2-D array with one column per ally in the order of the result, or a
    DataFrame with ISO3 columns); fractions a year. Returns index ``(iso3, year)`` and columns
    ``(measure, "p5", …)`` for the measures of :func:`pathway`; percentiles are
    ``numpy.percentile(..., method="linear")`` over the draws (see the module doc for how they
    are computed without materialising every draw).
    """
    check_choice("method", method, METHODS)
    pct = check_values("percentiles", percentiles, 0, 100, max_size=MAX_PERCENTILES)
    if pct.ndim != 1:
        raise ParameterError(
            f"Parameter 'percentiles' must be a flat list of numbers, got shape {pct.shape}."
        )
    start, panel = _start(data, target, by, start_year, countries, recent_years, hold_if_above)
    x = _growth_draws(gdp_growth, start, panel, recent_years)  # (draws, allies or 1)
    ascending = np.sort(x.T, axis=1)  # (allies or 1, draws)
    ascending = np.broadcast_to(ascending, (len(start.iso3), ascending.shape[1]))
    lo, hi, frac = _percentile_positions(ascending.shape[1], pct)
    descending = ascending[:, ::-1]
    years, k = _grid(start)
    share = _share_path(start, k, method)
    up_lo, up_hi = (_evaluate(start, ascending[:, i], k, share) for i in (lo, hi))
    dn_lo, dn_hi = (_evaluate(start, descending[:, i], k, share) for i in (lo, hi))
    t = frac[None, :, None]
    rising = (start.target >= start.s0)[:, None, None]
    columns = {}
    for name in MEASURES:
        up = _lerp(up_lo[name], up_hi[name], t)
        down = _lerp(dn_lo[name], dn_hi[name], t)
        if name == "trend_share_pct":
            chosen = down
        elif name == "cumulative_extra_usd_constant_m":
            chosen = np.where(rising, up, down)
        else:
            chosen = up
        columns[name] = chosen.transpose(0, 2, 1)  # (allies, years, percentiles)
    labels = [f"p{p:g}" for p in pct]
    out = _frame(
        start, years, k, {n: a.reshape(-1, len(pct)) for n, a in columns.items()}, fan=True
    )
    out.columns = pd.MultiIndex.from_tuples(
        [(m, labels[i]) for m, i in out.columns], names=["measure", "percentile"]
    )
    out.attrs.update(
        {
            "target_pct": target_pct(target),
            "by": start.by,
            "method": method,
            "draws": int(x.shape[0]),
            "price_base_year": start.base_year,
        }
    )
    return out
