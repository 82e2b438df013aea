"""Units guard shared by the metrics: what each column measures, and refusal to mix units.

Every metric works on a *panel*: a wide frame indexed by ``(iso3, year)`` with one column per
indicator, as :func:`burdenshare.spending_panel` returns. :func:`as_panel` also accepts a tidy long
frame (columns ``iso3, year, indicator, value, unit, prices, price_base_year, currency``) and
pivots it. The unit of each column is a :class:`Basis`, taken from

1. ``frame.attrs["units"][column]`` when present (set by :func:`as_panel` for long frames; users
   may set it for their own panels), else
2. the catalogue's indicators (:data:`burdenshare.schemas.INDICATORS`: NATO's and SIPRI's) with
   the panel's ``attrs["price_base_year"]``.

For a long frame, a unit or price basis the frame does not state comes from the catalogue, never
from the absence of a column: SIPRI's table has no ``prices`` column, and its constant-price series
is still at constant prices. What the frame states (e.g. a unit relabelled after a conversion)
is taken as stated.

A metric that combines two columns calls :func:`require_same_basis`; one that adds across allies
calls :func:`require_single_currency`; growth rates call :func:`require_constant` (which also refuses a constant-price column whose
price base year is unknown: a panel spliced from two editions loses it). Each raises
:class:`~burdenshare.UnitError` naming both units and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..countries import NATO_AGGREGATES
from ..errors import ParameterError, UnitError
from ..schemas import INDICATORS

NATIONAL = "national currency"  # currency varies by country (one per ally)
INDEX = ["iso3", "year"]
LONG_COLUMNS = ("iso3", "year", "indicator", "value")


@dataclass(frozen=True)
class Basis:
    """What a column measures.

    ``unit``: as published (e.g. "million US$", "% of GDP"). ``prices``: "current", "constant" or
    None (not a price series). ``base_year``: price base of constant prices (None if unknown or
    current). ``currency``: ISO 4217 code, :data:`NATIONAL` (each ally's own currency) or None
    (not money).
    """

    unit: str
    prices: str | None = None
    base_year: int | None = None
    currency: str | None = None

    def describe(self) -> str:
        parts = [self.unit]
        if self.currency and self.currency not in self.unit and "US$" not in self.unit:
            parts.append(self.currency)
        if self.prices == "constant":
            parts.append(f"constant {self.base_year or '?'} prices")
        elif self.prices == "current":
            parts.append("current prices")
        return ", ".join(parts)

    @property
    def scale(self) -> str:
        """Leading scale word of the unit ("million", "thousand") or ""."""
        first = self.unit.split(" ", 1)[0]
        return first if first in {"thousand", "million", "billion"} else ""


def _currency_from_unit(unit: str) -> str | None:
    if "US$" in unit or "USD" in unit:
        return "USD"
    if "EUR" in unit or "€" in unit:
        return "EUR"
    if "national currency" in unit or "local currency" in unit:
        return NATIONAL
    return None


def _basis_from_dictionary(column: str, base_year: int | None) -> Basis | None:
    indicator = INDICATORS.get(column)
    if indicator is None:
        return None
    prices = indicator.prices or None
    return Basis(
        unit=indicator.unit,
        prices=prices,
        base_year=base_year if prices == "constant" else None,
        currency=_currency_from_unit(indicator.unit),
    )


def _is_long(frame: pd.DataFrame) -> bool:
    return all(c in frame.columns for c in LONG_COLUMNS)


def _long_basis(rows: pd.DataFrame, indicator: str) -> Basis:
    """The single basis of one indicator's rows, or UnitError if the rows mix units."""

    def distinct(column: str) -> list:
        if column not in rows.columns:
            return []
        return sorted({v for v in rows[column].dropna().unique()}, key=str)

    units = distinct("unit")
    prices = distinct("prices")
    bases = distinct("price_base_year")
    if len(units) > 1 or len(prices) > 1 or len(bases) > 1:
        raise UnitError(
            f"Indicator {indicator!r} mixes units {units}, prices {prices}, price base years "
            f"{bases}. Filter to one edition and one unit, or convert first (fx/deflator helpers)."
        )
    known = INDICATORS.get(indicator)
    if known is not None:  # what the frame does not say, the catalogue does
        units = units or [known.unit]
        prices = prices or ([known.prices] if known.prices else [])
    unit = units[0] if units else ""
    from_unit = _currency_from_unit(unit)
    currencies = distinct("currency")
    if from_unit == NATIONAL or (len(currencies) > 1 and "iso3" in rows.columns):
        per_country = rows.dropna(subset=["currency"]).groupby("iso3")["currency"].nunique()
        if (per_country > 1).any():
            bad = ", ".join(per_country.index[per_country > 1])
            raise UnitError(
                f"Indicator {indicator!r} has more than one currency for {bad}. Convert to one "
                "currency before computing a metric."
            )
        currency = NATIONAL if from_unit == NATIONAL or len(currencies) > 1 else currencies[0]
        if from_unit not in (None, NATIONAL) and currency != from_unit:
            raise UnitError(
                f"Indicator {indicator!r} is in {unit!r} but some rows say currency "
                f"{', '.join(currencies)}: EUR and USD (or other currencies) are mixed."
            )
    else:
        if from_unit and currencies and currencies != [from_unit]:
            raise UnitError(
                f"Indicator {indicator!r} is in {unit!r} but its rows say currency "
                f"{', '.join(currencies)}: currencies are mixed. Convert to one currency first."
            )
        currency = currencies[0] if currencies else from_unit
    price = prices[0] if prices else None
    return Basis(
        unit=unit,
        prices=price,
        base_year=int(bases[0]) if bases and price == "constant" else None,
        currency=currency,
    )


def as_panel(data: pd.DataFrame) -> pd.DataFrame:
    """A wide ``(iso3, year)`` panel with ``attrs["units"]`` set, from a panel or a long frame,
    sorted by ally and year whatever order its rows came in.

    A long frame must hold one edition/release: a repeated ``(iso3, year, indicator)`` raises
    :class:`~burdenshare.ParameterError`; an indicator with two units, price bases or currencies
    raises :class:`~burdenshare.UnitError`. The input is never modified.
    """
    if not isinstance(data, pd.DataFrame):
        raise ParameterError(
            f"Expected a DataFrame (bs.spending_panel(...) or a tidy long frame), got "
            f"{type(data).__name__}."
        )
    if _is_long(data):
        dup = data.duplicated(subset=["iso3", "year", "indicator"])
        if dup.any():
            first = data.loc[dup, ["iso3", "year", "indicator"]].iloc[0].tolist()
            raise ParameterError(
                f"The long frame repeats (iso3, year, indicator) = {first}: it mixes editions or "
                "releases. Pass one edition (e.g. bs.load_spending(edition='2026'))."
            )
        units = {str(ind): _long_basis(rows, str(ind)) for ind, rows in data.groupby("indicator")}
        panel = data.pivot(index=INDEX, columns="indicator", values="value")
        panel.columns.name = None
        if "estimate" in data.columns:
            panel["estimate"] = data.groupby(INDEX)["estimate"].any().astype(bool)
        if "aggregate" in data.columns:
            panel.attrs["aggregates"] = sorted(data.loc[data["aggregate"], "iso3"].unique())
        panel.attrs["units"] = units
        return panel.sort_index()
    if list(data.index.names) != INDEX:
        raise ParameterError(
            "Expected a panel indexed by (iso3, year) such as bs.spending_panel(...), or a tidy "
            f"long frame with columns {', '.join(LONG_COLUMNS)}; got index {data.index.names}."
        )
    if data.index.has_duplicates:
        iso3, year = data.index[data.index.duplicated()][0]
        raise ParameterError(
            f"The panel repeats (iso3, year) = ({iso3!r}, {int(year)}): it mixes editions or releases. "
            "Use one edition, or bs.chain_editions(...) for one series across editions."
        )
    if not data.index.is_monotonic_increasing:  # row order never changes an answer
        ordered = data.sort_index()
        ordered.attrs = dict(data.attrs)
        return ordered
    return data


def basis(panel: pd.DataFrame, column: str) -> Basis:
    """The unit of a panel column (see the module docstring for where it comes from)."""
    if column not in panel.columns:
        raise ParameterError(
            f"The data has no column {column!r}. Available: {', '.join(map(str, panel.columns))}. "
            "(The 2025 NATO edition has no money or GDP tables; use edition='2026' or '2024'.)"
        )
    explicit = panel.attrs.get("units", {})
    if column in explicit:
        found = explicit[column]
        return found if isinstance(found, Basis) else Basis(**found)
    found = _basis_from_dictionary(column, panel.attrs.get("price_base_year"))
    if found is None:
        raise UnitError(
            f"The unit of column {column!r} is unknown. Set frame.attrs['units'][{column!r}] = "
            "burdenshare.metrics.Basis(unit=..., prices=..., base_year=..., currency=...)."
        )
    return found


def require_same_basis(panel: pd.DataFrame, first: str, second: str, what: str) -> Basis:
    """Both columns in the same currency, scale and price basis (and base year), else UnitError."""
    a, b = basis(panel, first), basis(panel, second)
    problems = []
    if a.currency != b.currency:
        problems.append(f"currency {a.currency} vs {b.currency}")
    if a.prices != b.prices:
        problems.append(f"{a.prices} vs {b.prices} prices")
    elif a.prices == "constant" and a.base_year != b.base_year:
        problems.append(f"price base {a.base_year} vs {b.base_year}")
    if a.scale != b.scale:
        problems.append(f"scale {a.unit!r} vs {b.unit!r}")
    if problems:
        raise UnitError(
            f"{what}: {first!r} ({a.describe()}) and {second!r} ({b.describe()}) differ in "
            f"{'; '.join(problems)}. Use two columns on the same basis (e.g. defexp_usd_current_m "
            "with gdp_usd_current_m) or convert one first."
        )
    return a


def require_money(panel: pd.DataFrame, column: str, what: str) -> Basis:
    found = basis(panel, column)
    if found.currency is None:
        raise UnitError(f"{what} needs a money column; {column!r} is in {found.describe()}.")
    return found


def require_single_currency(panel: pd.DataFrame, column: str, what: str) -> Basis:
    """A money column in one currency for every ally (so it can be summed), else UnitError."""
    found = require_money(panel, column, what)
    if found.currency == NATIONAL:
        raise UnitError(
            f"{what} adds {column!r} across allies, but it is in each ally's national currency. "
            "Use a US$ column (e.g. defexp_usd_current_m)."
        )
    return found


def require_constant(panel: pd.DataFrame, column: str, what: str) -> Basis:
    """A constant-price series (real growth), else UnitError."""
    found = basis(panel, column)
    if found.prices != "constant":
        raise UnitError(
            f"{what} needs a constant-price series; {column!r} is in {found.describe()}. Use "
            "e.g. defexp_usd_constant_m or defexp_ncu_constant_m."
        )
    if found.base_year is None:
        raise UnitError(
            f"{what}: the price base of {column!r} is unknown, so the series may join editions "
            "at different prices (pd.concat of two editions' panels drops their "
            "attrs['price_base_year']). Build one series with bs.chain_editions(older, newer), "
            "or, for a panel of your own, set panel.attrs['price_base_year'] (or "
            "attrs['units'])."
        )
    return found


def require_share(panel: pd.DataFrame, column: str, unit: str, what: str) -> Basis:
    found = basis(panel, column)
    if found.unit != unit:
        raise UnitError(f"{what} needs {unit!r}; {column!r} is in {found.describe()}.")
    return found


def aggregates(panel: pd.DataFrame) -> set[str]:
    """Codes of NATO aggregate rows in a panel (never counted as allies)."""
    return set(NATO_AGGREGATES) | set(panel.attrs.get("aggregates", []))
