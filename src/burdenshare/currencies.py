"""Publishers' currency names (NATO Table 1, SIPRI local-currency sheet) to ISO 4217 codes."""

from __future__ import annotations

import pycountry

from .errors import DataError

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
}
# Names shared by several currencies: the country decides.
_BY_NAME_AND_COUNTRY: dict[tuple[str, str], str] = {
    ("kroner", "DNK"): "DKK",
    ("kroner", "NOR"): "NOK",
    ("kroner", "SWE"): "SEK",
    ("dollars", "CAN"): "CAD",
    ("dollars", "USA"): "USD",
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
    """True for an ISO 4217 currency code."""
    return isinstance(code, str) and pycountry.currencies.get(alpha_3=code) is not None
