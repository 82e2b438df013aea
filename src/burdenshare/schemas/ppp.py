"""World Bank purchasing power parities: GDP PPP conversion factors and price level ratios."""

from __future__ import annotations

import pandas as pd

from .fields import FIELDS, RATE
from .model import Bounds, Indicator, Rule, TableSpec, fields_of
from .rules import code_names_row, currency_of_country

#: Unit of a PPP conversion factor, for the row's currency code.
PPP_UNIT = "{currency} per international $"
#: World Bank PPP indicators (the factor's unit names the row's currency).
PPP_INDICATORS: dict[str, Indicator] = {
    "ppp_lcu_per_intl_usd": Indicator(
        PPP_UNIT,
        "current",
        RATE,
        "PPP conversion factor, GDP (PA.NUS.PPP): national currency per international $",
    ),
    "price_level_ratio": Indicator(
        "ratio, PPP / market exchange rate (USA = 1)",
        "current",
        Bounds(0, 100, low_open=True),
        "Price level ratio of the GDP PPP to the market exchange rate (PA.NUS.PPPC.RF)",
    ),
}


def _expected_unit(frame: pd.DataFrame) -> pd.Series:
    """The unit each row's indicator gives it (a PPP factor's names the row's currency)."""
    units = frame["indicator"].map({k: i.unit for k, i in PPP_INDICATORS.items()})
    factor = frame["indicator"] == "ppp_lcu_per_intl_usd"
    currency = frame["currency"].astype(object).where(frame["currency"].notna(), "<currency>")
    return units.where(~factor, currency.astype(str) + " per international $")


def _unit_ok(frame: pd.DataFrame) -> pd.Series:
    known = frame["indicator"].isin(list(PPP_INDICATORS))
    return (frame["unit"] == _expected_unit(frame)) | ~known


def _currency_ok(frame: pd.DataFrame) -> pd.Series:
    return (frame["indicator"] == "ppp_lcu_per_intl_usd") == frame["currency"].notna()


def _value_ok(frame: pd.DataFrame) -> pd.Series:
    result = pd.Series(True, index=frame.index)
    for name, indicator in PPP_INDICATORS.items():
        rows = frame["indicator"] == name
        if rows.any():
            result[rows] = indicator.bounds.ok(frame.loc[rows, "value"])
    return result


def _one_primary(frame: pd.DataFrame) -> pd.Series:
    primary = frame["copy"] == "primary"
    twice = frame[primary].duplicated(["iso3", "year", "indicator"], keep=False)
    return ~twice.reindex(frame.index, fill_value=False)


PPP = TableSpec(
    name="ppp",
    description=(
        "World Bank PPP conversion factors (national currency per international $, GDP) and "
        "price level ratios, one row per country, year, indicator and copy (vintage)."
    ),
    fields=fields_of(
        FIELDS,
        "iso3",
        "country",
        "year",
        FIELDS["indicator"].but(allowed=tuple(PPP_INDICATORS)),
        FIELDS["value"].but(
            description="The factor (national currency per international $) or the ratio.",
            bounds=RATE,
        ),
        "unit",
        FIELDS["currency"].but(
            description="ISO 4217 code of the national currency a PPP factor converts (Bulgaria: "
            "EUR in the primary copy, BGN in the earlier one); empty for price level ratios."
        ),
        FIELDS["estimate"].but(
            description="True for years after the ICP 2021 benchmark: World Bank extrapolations, "
            "revised between releases."
        ),
        "vintage",
        "copy",
        "source_url",
        "source_copy",
        "note",
    ),
    key=("iso3", "year", "indicator", "vintage"),
    rules=(
        code_names_row("country"),
        currency_of_country("country"),
        Rule(
            "unit",
            _unit_ok,
            "'<currency> per international $' for a PPP factor; the ratio's unit for a ratio",
            lambda frame: "'" + _expected_unit(frame).astype(str) + "'",
            ("indicator", "currency"),
        ),
        Rule(
            "currency",
            _currency_ok,
            "a currency exactly for PPP factors (empty for price level ratios)",
            uses=("indicator",),
        ),
        Rule(
            "value",
            _value_ok,
            "a value within the bounds of the row's indicator",
            uses=("indicator",),
        ),
        Rule(
            "copy",
            _one_primary,
            "one primary row per country, year and indicator",
            uses=("iso3", "year", "indicator"),
        ),
    ),
    indicators=PPP_INDICATORS,
)
