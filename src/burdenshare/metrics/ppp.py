"""Purchasing power: spending in national currency -> current international dollars (GDP PPP).

``intl_usd_m = value × (scale(unit) / 10^6) / factor``, where ``factor`` is the World Bank's PPP
conversion factor for GDP (national currency per international $, ``bs.load_ppp()``, primary
copy) of the row's country and year. An international dollar buys in the country what one US
dollar buys in the United States, so the United States' factor is 1 and its PPP figure equals its
US$ figure. A group's total is the sum of its members' PPP figures (:func:`ppp_total`).

What it refuses (:class:`~burdenshare.UnitError` or :class:`~burdenshare.ParameterError`):
a country-year without a factor, a row whose currency is not the factor's (Bulgaria's factor is
in EUR from the 2026 vintage: a BGN series must be converted to EUR first), constant-price input
(the factors are current-price), and rows without a national currency.

Limits: a GDP-wide PPP prices a whole economy's output. Imported equipment is bought at world
prices and skilled personnel are not paid at average prices, so a military PPP (which no
publisher releases; the IISS's is its own) differs; 2022 on, the factors are World Bank
extrapolations (``estimate``). For a country whose prices are low, the GDP PPP figure is an upper
bound on what its spending buys relative to the market-rate figure, not a measure of it.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import ParameterError, UnitError
from ..schemas import INDICATORS
from ..schemas.fields import scale_of

FACTOR = "ppp_lcu_per_intl_usd"
RESULT = "intl_usd_m"
_NEEDS = ("iso3", "year", "value", "unit", "currency")


def _factors(ppp: pd.DataFrame) -> pd.DataFrame:
    """The primary PPP factors by (iso3, year): factor, its currency, vintage and estimate."""
    needed = {"iso3", "year", "indicator", "value", "currency", "copy", "vintage", "estimate"}
    if not isinstance(ppp, pd.DataFrame) or not needed <= set(ppp.columns):
        raise ParameterError(
            f"ppp: expected the PPP table of bs.load_ppp() (columns {', '.join(sorted(needed))})."
        )
    rows = ppp[(ppp["indicator"] == FACTOR) & (ppp["copy"] == "primary")]
    if rows.duplicated(["iso3", "year"]).any():
        raise ParameterError("ppp: more than one primary factor for a country and year.")
    return rows.set_index(["iso3", "year"])[["value", "currency", "vintage", "estimate"]]


#: Columns of a Kiel support table: aid to Ukraine, not a country's own spending.
_SUPPORT_COLUMNS = ("aid_type", "measure", "donor")


def _require_long(spending: object) -> None:
    """A tidy long frame of spending (iso3, year, value, unit, currency), else ParameterError."""
    expected = (
        "expected a tidy long frame of spending in national currency (bs.load_spending(), "
        f"bs.load_sipri() or your own with columns {', '.join(_NEEDS)})"
    )
    if not isinstance(spending, pd.DataFrame):
        raise ParameterError(f"spending: {expected}; got {type(spending).__name__}.")
    missing = [c for c in _NEEDS if c not in spending.columns]
    if missing:
        raise ParameterError(f"spending: {expected}; it has no column {', '.join(missing)}.")
    support = [c for c in _SUPPORT_COLUMNS if c in spending.columns]
    if support:
        raise ParameterError(
            f"spending: {expected}; it has column {support[0]!r}, a table of support to Ukraine."
        )


def _one_indicator(spending: pd.DataFrame, indicator: str | None) -> pd.DataFrame:
    if "indicator" not in spending.columns:
        if indicator is not None:
            raise ParameterError("indicator: the spending frame has no 'indicator' column.")
        return spending
    present = sorted(map(str, spending["indicator"].dropna().unique()))
    if indicator is None:
        if len(present) != 1:
            raise ParameterError(
                f"indicator: the frame holds {', '.join(present) or 'no indicator'}; pass the "
                "national-currency one, e.g. indicator='defexp_ncu_current_m' (NATO) or "
                "'milex_lcu_current' (SIPRI)."
            )
        indicator = present[0]
    if indicator not in present:
        raise ParameterError(
            f"indicator: {indicator!r} is not in the frame; it holds {', '.join(present)}."
        )
    return spending[spending["indicator"] == indicator]


def _require_current(rows: pd.DataFrame) -> None:
    constant = pd.Series(False, index=rows.index)
    if "prices" in rows.columns:
        constant |= rows["prices"].eq("constant")
    if "price_base_year" in rows.columns:
        constant |= rows["price_base_year"].notna()
    if "indicator" in rows.columns:
        constant |= rows["indicator"].map(
            lambda name: getattr(INDICATORS.get(name), "prices", "") == "constant"
        )
    if constant.any():
        raise UnitError(
            "to_ppp: the spending is at constant prices; PPP factors convert current prices "
            "only. Use a current-price national-currency series (defexp_ncu_current_m, "
            "milex_lcu_current)."
        )


def to_ppp(
    spending: pd.DataFrame, ppp: pd.DataFrame, *, indicator: str | None = None
) -> pd.DataFrame:
    """Spending in national currency at current prices, in million current international $.

    ``spending``: a tidy long frame with ``iso3, year, value, unit, currency`` (e.g.
    ``bs.load_spending(edition="2026")`` or ``bs.load_sipri()``), one indicator or the one named by
    ``indicator``; the unit's scale word ("million", "billion") is applied. ``ppp``:
    ``bs.load_ppp()``. Returns one row per input row: ``iso3, year, value, unit, currency,
    ppp_factor, ppp_vintage, intl_usd_m, estimate`` (estimate: the figure or the factor is one).
    See the module docstring for the formula and what is refused.
    """
    _require_long(spending)
    rows = _one_indicator(spending, indicator)
    _require_current(rows)
    if rows["currency"].isna().any():
        bad = rows.loc[rows["currency"].isna(), "iso3"].iloc[0]
        raise UnitError(
            f"to_ppp: rows of {bad} have no currency: PPP factors convert national currency. "
            "Pass a national-currency series (defexp_ncu_current_m, milex_lcu_current)."
        )
    factors = _factors(ppp)
    keys = pd.MultiIndex.from_arrays([rows["iso3"], rows["year"].astype(int)])
    absent = ~keys.isin(factors.index)
    if absent.any():
        lacking = sorted({f"{c} {y}" for c, y in keys[absent]})
        raise ParameterError(
            f"to_ppp: no PPP factor for {', '.join(lacking[:10])}"
            f"{' ...' if len(lacking) > 10 else ''}; the factors cover "
            f"{factors.index.get_level_values('year').min()}-"
            f"{factors.index.get_level_values('year').max()} for "
            f"{factors.index.get_level_values('iso3').nunique()} countries. Select those years "
            "and countries."
        )
    found = factors.reindex(keys)
    mismatch = found["currency"].to_numpy() != rows["currency"].to_numpy()
    if mismatch.any():
        at = int(np.argmax(mismatch))
        raise UnitError(
            f"to_ppp: {keys[at][0]} {keys[at][1]} is in {rows['currency'].iloc[at]}, but its PPP "
            f"factor converts {found['currency'].iloc[at]}. Convert the series to "
            f"{found['currency'].iloc[at]} first (bs.convert), then to PPP."
        )
    scale = rows["unit"].astype(str).map(scale_of).to_numpy()
    factor = found["value"].to_numpy(dtype=float)
    own_estimate = rows["estimate"].to_numpy(dtype=bool) if "estimate" in rows else False
    return pd.DataFrame(
        {
            "iso3": rows["iso3"].to_numpy(),
            "year": keys.get_level_values(1),
            "value": rows["value"].to_numpy(dtype=float),
            "unit": rows["unit"].to_numpy(),
            "currency": rows["currency"].to_numpy(),
            "ppp_factor": factor,
            "ppp_vintage": found["vintage"].to_numpy(),
            RESULT: rows["value"].to_numpy(dtype=float) * (scale / 1e6) / factor,
            "estimate": found["estimate"].to_numpy(dtype=bool) | own_estimate,
        }
    )


def ppp_total(
    converted: pd.DataFrame, members: Iterable[str], *, column: str = RESULT
) -> pd.DataFrame:
    """A group's total per year: the sum of its members' figures in ``column``.

    ``converted``: :func:`to_ppp`'s result (or any frame with ``iso3, year`` and ``column``).
    Returns ``year, <column>, n_members, missing``; a year where a member has no figure has an
    empty total and names the member in ``missing`` (never a partial sum).
    """
    if not isinstance(converted, pd.DataFrame) or not {"iso3", "year", column} <= set(
        converted.columns
    ):
        raise ParameterError(
            f"converted: expected the result of bs.to_ppp (columns iso3, year, {column}); got "
            f"{type(converted).__name__}"
            + (
                f" with columns {', '.join(map(str, converted.columns))}."
                if isinstance(converted, pd.DataFrame)
                else "."
            )
        )
    if isinstance(members, str) or not isinstance(members, Iterable):
        raise ParameterError(f"members: expected a list of ISO3 codes, got {members!r}.")
    group = sorted(set(members))
    if not group:
        raise ParameterError("members: name at least one country (ISO3 codes).")
    unknown = sorted(set(group) - set(converted["iso3"]))
    if unknown:
        raise ParameterError(
            f"members: {', '.join(unknown)} not in the converted frame; it holds "
            f"{', '.join(sorted(set(converted['iso3'])))}."
        )
    rows = converted[converted["iso3"].isin(group)]
    if rows.duplicated(["iso3", "year"]).any():
        raise ParameterError("converted: a member repeats a year (mixed editions or indicators).")
    wide = rows.pivot(index="year", columns="iso3", values=column).reindex(columns=group)
    absent = wide.isna()
    total = wide.sum(axis=1).where(~absent.any(axis=1))
    return pd.DataFrame(
        {
            column: total,
            "n_members": (~absent).sum(axis=1),
            "missing": absent.apply(lambda row: ", ".join(row.index[row]), axis=1),
        }
    ).reset_index()
