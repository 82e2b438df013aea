"""Exchange rates: ECB euro reference rates, annual averages 2014-2025, and :func:`convert`.

A base lookup: the support metrics convert EUR to US$ through :func:`convert`.

``load_fx()`` columns: ``year, currency, rate, unit, n_daily_obs``; ``rate`` = units of
``currency`` per 1 EUR (e.g. USD 2024: 1.0824). The annual values are **computed** as the mean
of the ECB's published daily rates of the year (rounded to the ECB's precision), not copied from
an ECB annual table. HRK runs to 2022; ISK lacks early years. Every currency conversion in
burdenshare goes through :func:`convert`.
"""

from __future__ import annotations

from numbers import Real
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from . import datasets
from .errors import ParameterError
from .schemas import FX
from .tables import load_table

Values = TypeVar("Values", float, np.ndarray, pd.Series)
BASE = "EUR"


def load_fx(path: str | Path | None = None) -> pd.DataFrame:
    """Annual average rates, units of currency per 1 EUR (see the module docstring)."""
    return load_table(datasets.FX, FX, path)


def _rates(currency: str, years: np.ndarray, table: pd.Series) -> np.ndarray:
    """Units of ``currency`` per EUR for each year (1 for EUR)."""
    if currency == BASE:
        return np.ones(len(years))
    known = table.index.get_level_values("currency")
    if currency not in set(known):
        raise ParameterError(
            f"No exchange rate for currency {currency!r}; available: EUR, "
            f"{', '.join(sorted(set(known)))}."
        )
    by_year = table.xs(currency, level="currency")
    missing = sorted({int(y) for y in years} - set(by_year.index))
    if missing:
        raise ParameterError(
            f"No {currency} rate for year(s) {', '.join(map(str, missing))}; {currency} rates "
            f"cover {', '.join(map(str, sorted(by_year.index)))}. Pick a covered year."
        )
    return by_year.reindex(years).to_numpy(dtype=float)


def _years(year: object, n: int) -> np.ndarray:
    years = np.atleast_1d(np.asarray(year))
    if years.dtype.kind == "f" and np.all(np.isfinite(years)) and np.all(years == years.round()):
        years = years.astype(int)
    if years.dtype.kind not in "iu":
        raise ParameterError(f"year must be a whole number or an array of them, got {year!r}.")
    if years.size == 1:
        return np.full(n, int(years[0]))
    if years.size != n:
        raise ParameterError(f"year has {years.size} entries but values has {n}.")
    return years.astype(int)


def convert(
    values: Values,
    from_currency: str,
    to_currency: str,
    year: int | np.ndarray | pd.Series,
    *,
    path: str | Path | None = None,
) -> Values:
    """Convert money between currencies at ECB annual average rates of ``year``.

    value_to = value_from / rate(from, year) * rate(to, year), rate = units per 1 EUR (EUR: 1),
    so every pair crosses through EUR. ``values``: a number, a NumPy array or a pandas Series (the
    result has the same type, index and name). ``year``: one year, or one per value. Scale is
    kept (billions in, billions out). Raises :class:`~burdenshare.ParameterError` for a currency
    or year without a rate. ``path``: a user rate file in the :func:`load_fx` schema.
    """
    from_currency, to_currency = str(from_currency).upper(), str(to_currency).upper()
    scalar = isinstance(values, Real) and not isinstance(values, bool)
    array = np.atleast_1d(np.asarray(values, dtype=float))
    table = load_fx(path).set_index(["currency", "year"])["rate"]
    years = _years(year, array.size)
    result = array / _rates(from_currency, years, table) * _rates(to_currency, years, table)
    if isinstance(values, pd.Series):
        return pd.Series(result, index=values.index, name=values.name)  # type: ignore[return-value]
    if scalar:
        return float(result[0])  # type: ignore[return-value]
    return result.reshape(np.shape(values))  # type: ignore[return-value]
