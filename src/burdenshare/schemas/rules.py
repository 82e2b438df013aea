"""Rules across the columns of a row, shared by several tables.

Each returns a :class:`~burdenshare.schemas.model.Rule` that reports a failing row once, on the
column that holds the suspect value, with an expectation specific to the row (the bound of its
indicator, the code of its country name, the currencies of its country).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from ..countries import code_for_name
from ..currencies import country_currencies
from .model import Bounds, Indicator, Rule


def _pairs(frame: pd.DataFrame, columns: list[str], judge: Callable[..., object]) -> pd.Series:
    """``judge`` applied once per distinct combination of ``columns``, broadcast to the rows
    (empty cells are passed as None)."""
    values = [frame[c].astype(object).where(frame[c].notna(), None) for c in columns]
    verdicts: dict[tuple, bool] = {}
    result = []
    for key in zip(*values, strict=True):
        if key not in verdicts:
            verdicts[key] = bool(judge(*key))
        result.append(verdicts[key])
    return pd.Series(result, index=frame.index, dtype=bool)


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA


def code_names_row(name_column: str, code_column: str = "iso3") -> Rule:
    """The code must be the code of the row's name (Poland's rows under RUS fail)."""

    def ok(frame: pd.DataFrame) -> pd.Series:
        agree = _pairs(
            frame,
            [code_column, name_column],
            lambda code, name: _missing(name) or _missing(code) or code_for_name(name) == code,
        )
        return agree.astype(bool)

    def detail(frame: pd.DataFrame) -> pd.Series:
        def text(name: object) -> str:
            found = code_for_name(str(name))
            if found is None:
                return (
                    f"the code of {name!r}, a name burdenshare does not know (use a common name,"
                    " or add it to burdenshare.countries.NAME_ALIASES)"
                )
            return f"{found}, the code of the row's {name_column} {name!r}"

        return frame[name_column].map(text)

    return Rule(code_column, ok, f"the code of the row's {name_column}", detail, (name_column,))


def currency_of_country(name_column: str, code_column: str = "iso3") -> Rule:
    """A currency, where given for a country, must be one that country has used since 1949.

    Judged only where the code and the name agree (otherwise :func:`code_names_row` reports the
    row, and which country's currency to expect is unclear)."""

    def ok(frame: pd.DataFrame) -> pd.Series:
        def fits(code: object, name: object, currency: object) -> bool:
            if _missing(currency) or _missing(code) or code_for_name(str(name)) != code:
                return True
            own = country_currencies(str(code))
            return not own or currency in own

        return _pairs(frame, [code_column, name_column, "currency"], fits).astype(bool)

    def detail(frame: pd.DataFrame) -> pd.Series:
        return frame[code_column].map(
            lambda code: f"a currency of {code}: {', '.join(sorted(country_currencies(code)))}"
        )

    return Rule(
        "currency", ok, "a currency of the row's country", detail, (code_column, name_column)
    )


def _of_indicator(indicators: Mapping[str, Indicator], attribute: str, frame: pd.DataFrame):
    return frame["indicator"].map(
        {name: getattr(ind, attribute) for name, ind in indicators.items()}
    )


def indicator_rules(indicators: Mapping[str, Indicator], with_prices: bool) -> tuple[Rule, ...]:
    """Rules of a long table: the row's unit, prices, price base year, currency and the bounds of
    its value follow its indicator (an unknown indicator is reported on ``indicator`` alone)."""

    def known(frame: pd.DataFrame) -> pd.Series:
        return frame["indicator"].isin(list(indicators))

    def unit_ok(frame: pd.DataFrame) -> pd.Series:
        return ~known(frame) | (frame["unit"] == _of_indicator(indicators, "unit", frame))

    def prices_ok(frame: pd.DataFrame) -> pd.Series:
        expected = _of_indicator(indicators, "prices", frame).replace("", None)
        same = (frame["prices"].astype(object) == expected) | (
            frame["prices"].isna() & expected.isna()
        )
        return ~known(frame) | same.astype(bool)

    def base_year_ok(frame: pd.DataFrame) -> pd.Series:
        constant = _of_indicator(indicators, "prices", frame) == "constant"
        return ~known(frame) | (constant == frame["price_base_year"].notna())

    def currency_ok(frame: pd.DataFrame) -> pd.Series:
        national = _of_indicator(indicators, "unit", frame).map(_national, na_action="ignore")
        return ~known(frame) | (national.astype(bool) == frame["currency"].notna())

    def value_ok(frame: pd.DataFrame) -> pd.Series:
        result = pd.Series(True, index=frame.index)
        for name, indicator in indicators.items():
            rows = frame["indicator"] == name
            if rows.any():
                result[rows] = indicator.bounds.ok(frame.loc[rows, "value"])
        return result

    def per_indicator(text: Callable[[str, Indicator], str]) -> Callable[[pd.DataFrame], pd.Series]:
        texts = {name: text(name, ind) for name, ind in indicators.items()}
        return lambda frame: frame["indicator"].map(texts)

    rules = [
        Rule(
            "unit",
            unit_ok,
            "the unit of the row's indicator",
            per_indicator(lambda n, i: f"{i.unit!r}, the unit of {n}"),
            INDICATOR,
        ),
        Rule(
            "price_base_year",
            base_year_ok,
            "a base year exactly for constant-price indicators",
            per_indicator(
                lambda n, i: (
                    f"a base year ({n} is at constant prices)"
                    if i.prices == "constant"
                    else f"an empty cell ({n} is not at constant prices)"
                )
            ),
            INDICATOR,
        ),
        Rule(
            "currency",
            currency_ok,
            "a currency exactly for national-currency indicators",
            per_indicator(
                lambda n, i: (
                    f"the country's currency code ({n} is in national currency)"
                    if _national(i.unit)
                    else f"an empty cell ({n} is not in national currency)"
                )
            ),
            INDICATOR,
        ),
        Rule(
            "value",
            value_ok,
            "a value within the bounds of the row's indicator",
            per_indicator(lambda n, i: f"{i.bounds} for {n} ({i.unit})"),
            ("indicator", "unit"),
        ),
    ]
    if with_prices:
        rules.insert(
            1,
            Rule(
                "prices",
                prices_ok,
                "the price basis of the row's indicator",
                per_indicator(lambda n, i: f"{i.prices or 'an empty cell'} for {n}"),
                INDICATOR,
            ),
        )
    return tuple(rules)


#: The column every indicator rule reads besides its own.
INDICATOR = ("indicator",)


def _national(unit: str) -> bool:
    return "national currency" in unit or "local currency" in unit


def value_within_unit(
    bounds_of: Callable[[str], Bounds | None],
    exempt: Callable[[pd.DataFrame], pd.Series] | None,
    uses: tuple[str, ...] = ("unit",),
) -> Rule:
    """The value lies within the bounds its unit implies (``bounds_of(unit)``); rows where
    ``exempt`` is True are not judged (``uses``: the columns ``exempt`` reads, and unit)."""

    def ok(frame: pd.DataFrame) -> pd.Series:
        result = pd.Series(True, index=frame.index)
        for unit in frame["unit"].dropna().unique():
            bounds = bounds_of(str(unit))
            if bounds is not None:
                rows = frame["unit"] == unit
                result[rows] = bounds.ok(frame.loc[rows, "value"])
        if exempt is not None:
            result |= exempt(frame).astype(bool)
        return result

    def detail(frame: pd.DataFrame) -> pd.Series:
        return frame["unit"].map(lambda unit: f"{bounds_of(str(unit))} for a value in {unit}")

    return Rule("value", ok, "a value within the bounds of its unit", detail, uses)


def dates_in_order(first: str, last: str) -> Rule:
    """``first`` no later than ``last`` (both may be empty)."""
    return Rule(
        last,
        lambda frame: ~(frame[first] > frame[last]).fillna(False).astype(bool),
        f"a date no earlier than {first}",
        uses=(first,),
    )


def year_within_label(label_column: str, strict: bool) -> Rule:
    """A year no later than (``strict``: before) the year of the edition or release label."""

    def ok(frame: pd.DataFrame) -> pd.Series:
        label = pd.to_numeric(frame[label_column], errors="coerce").fillna(9999)
        return (frame["year"] < label) if strict else (frame["year"] <= label)

    word = "before" if strict else "no later than"
    return Rule(
        "year",
        ok,
        f"a year {word} the {label_column}",
        lambda frame: f"a year {word} the {label_column} " + frame[label_column].astype(str),
        (label_column,),
    )
