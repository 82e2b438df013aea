"""Currency codes: publishers' currency names (NATO Table 1, SIPRI local-currency sheet) to ISO
4217 codes, which codes exist, and which currencies a country has used (CLDR, via babel)."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache

import pycountry
from babel.numbers import get_territory_currencies

from .errors import DataError

#: ISO 4217 codes withdrawn after the period they are used for (pycountry no longer lists them).
FORMER_CURRENCIES = frozenset({"BGN", "HRK"})
#: First day of the period whose currencies count as a country's own (NATO's founding year).
CURRENCIES_SINCE = dt.date(1949, 1, 1)

_BY_NAME: dict[str, str] = {
    "euro": "EUR",
    "euros": "EUR",
    "canadian dollars": "CAD",
    "us dollars": "USD",
    "denars": "MKD",
    "forint": "HUF",
    "hryvnias": "UAH",
    "koruny": "CZK",
    "kronor": "SEK",
    "krónur": "ISK",
    "kunas": "HRK",
    "lek": "ALL",
    "leks": "ALL",
    "leva": "BGN",
    "liras": "TRY",
    "new lei": "RON",
    "pounds": "GBP",
    "roubles": "RUB",
    "zlotys": "PLN",
    "yuan": "CNY",
    "yen": "JPY",
    "won": "KRW",
    "riyals": "SAR",
    "rial": "IRR",
    "shekels": "ILS",
}
# Names shared by several currencies: the country decides.
_BY_NAME_AND_COUNTRY: dict[tuple[str, str], str] = {
    ("kroner", "DNK"): "DKK",
    ("kroner", "NOR"): "NOK",
    ("kroner", "SWE"): "SEK",
    ("dollars", "CAN"): "CAD",
    ("dollars", "USA"): "USD",
    ("dollars", "AUS"): "AUD",
    ("rupees", "IND"): "INR",
}


def currency_code(publisher_name: str, iso3: str) -> str:
    """ISO 4217 code for a currency as a publisher names it (e.g. ``"Kroner"``, ``"NOR"`` -> NOK)."""
    key = publisher_name.strip().lower()
    code = _BY_NAME_AND_COUNTRY.get((key, iso3)) or _BY_NAME.get(key)
    if code is None:
        raise DataError(
            f"Unknown currency name {publisher_name!r} for {iso3}: add it to "
            "burdenshare.currencies if the publisher introduced a new label."
        )
    return code


def is_currency(code: str) -> bool:
    """True for an upper-case ISO 4217 currency code (including :data:`FORMER_CURRENCIES`)."""
    if not isinstance(code, str) or re.fullmatch(r"[A-Z]{3}", code) is None:
        return False
    return code in FORMER_CURRENCIES or pycountry.currencies.get(alpha_3=code) is not None


@cache
def country_currencies(iso3: str) -> frozenset[str]:
    """ISO 4217 codes of the legal tender a country has had since 1949 (CLDR's territory
    currencies: e.g. BGR -> BGN, EUR; POL -> PLN, PLZ). Empty for a code that is not a country."""
    country = pycountry.countries.get(alpha_3=iso3) if re.fullmatch("[A-Z]{3}", iso3) else None
    if country is None:
        return frozenset()
    found = get_territory_currencies(
        country.alpha_2, start_date=CURRENCIES_SINCE, end_date=dt.date.today(), tender=True
    )
    return frozenset(found)
