"""Kiel Institute "Ukraine Support Tracker" (UST): per-donor summaries, monthly flows, items.

Money is **nominal**, in the unit the ``unit`` column names ("billion EUR", "billion USD"; items,
heavy weapons: "EUR"), cumulative since 24 January 2022 in the summaries. Caveats carried from the
sources (see ``data/manifest.json`` notes):

* Allocations (aid delivered or earmarked) are **dated at announcement**, not at delivery;
  commitments are promises. Months without activity are absent rows, never zeros.
* The extractions of R28 and R30 (and of the R28 items) wrote blank Kiel cells as 0: such a 0 has
  ``zero_may_be_blank`` True. Treat it as "0 or unknown".
* "% of 2021 GDP" divides by the donor's **2021** GDP (:func:`load_donor_gdp`).
* R30 and R30v2 are rounded to 3 decimals by the extracting repositories; R30v2 (USD) uses Kiel's
  single EUR->USD factor, not yearly rates: do not mix it with :func:`burdenshare.convert`.
* EU institutions are ``EU_INST`` (Commission and Council), ``EU_EIB`` and ``EU_EPF``, never ISO3.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import datasets
from ..editions import editions, label_order, resolve
from ..errors import DataError, ParameterError
from ..schemas import (
    DISBURSEMENTS,
    DONOR_GDP,
    HEADLINES,
    HEAVY_WEAPONS,
    SUPPORT,
    SUPPORT_ITEMS,
    SUPPORT_MONTHLY,
    SUPPORT_MONTHLY_TOTALS,
    SUPPORT_UNITS,
)
from ..tables import load_table, read_edition, read_user_file
from ..validation import TableSpec

DATASET = datasets.KIEL_SUPPORT
CURRENCIES = ("EUR", "USD")


def release_order(label: str) -> tuple[int, ...]:
    """Sort key of a Kiel release label (``"R30"`` -> ``(30,)`` before ``"R30v2"`` -> ``(30, 2)``),
    the Kiel datasets' rule in :mod:`burdenshare.editions`; ParameterError for another label."""
    return label_order(DATASET, label)


def _unit_of(currency: str | None) -> str | None:
    if currency is None:
        return None
    if not isinstance(currency, str) or currency not in CURRENCIES:
        raise ParameterError(
            f"currency={currency!r} is not available in the Kiel summaries; choose 'EUR', 'USD', "
            "or None for every unit (incl. % of 2021 GDP)."
        )
    return next(u for u, c in SUPPORT_UNITS.items() if c == currency)


def _has_totals(frame: pd.DataFrame, unit: str) -> bool:
    rows = (
        (frame["unit"] == unit) & (frame["aid_type"] == "total") & (frame["scope"] == "bilateral")
    )
    return bool(rows.any())


def latest_support_release(currency: str = "EUR") -> str:
    """The release ``"latest"`` means for a currency: the newest release (by number, then version)
    holding bilateral totals in that currency. Bundled: EUR -> ``"R30"``, USD -> ``"R30v2"``."""
    unit = _unit_of(currency)
    if unit is None:
        raise ParameterError("'latest' needs a currency ('EUR' or 'USD'); or name a release.")
    for label in sorted(editions(DATASET), key=release_order, reverse=True):
        frame = read_edition(editions(DATASET)[label], SUPPORT)
        if _has_totals(frame, unit):
            return label
    raise DataError(f"No installed Kiel release holds {currency} totals.")


def _select(frame: pd.DataFrame, release: str, unit: str | None, source: str) -> pd.DataFrame:
    present = sorted(frame["release"].unique(), key=release_order)
    if release == "latest":
        if unit is None:
            raise ParameterError("'latest' needs a currency ('EUR' or 'USD'); or name a release.")
        holding = [r for r in present if _has_totals(frame[frame["release"] == r], unit)]
        if not holding:
            raise DataError(f"{source}: no release with totals in {unit}.")
        frame = frame[frame["release"] == holding[-1]]
    elif release != "all":
        if release not in present:
            raise DataError(
                f"{source}: has no release {release!r} (it holds {', '.join(present)})."
            )
        frame = frame[frame["release"] == release]
    if unit is not None:
        frame = frame[frame["unit"] == unit]
        if frame.empty:
            raise DataError(
                f"{source}: release {release!r} has no values in {unit}; pass currency=None to see "
                "what it holds (e.g. R29 gives % of 2021 GDP and EU shares only)."
            )
    return frame.reset_index(drop=True)


def load_support(
    release: str = "latest", currency: str | None = "EUR", path: str | Path | None = None
) -> pd.DataFrame:
    """Cumulative support to Ukraine per donor (Kiel tracker country summaries).

    Columns: ``release, donor, iso3, eu_member, measure (allocation|commitment), aid_type
    (military|financial|humanitarian|total), scope, value, unit, currency, zero_may_be_blank``.
    ``scope``: ``bilateral`` (the donor's own aid; Kiel's ``total_bilateral`` is aid_type
    ``total``), ``eu_share`` (an EU member's share of EU-institution aid) or
    ``bilateral_plus_eu_share`` (the two together); never add rows of different scopes.
    Units: "billion EUR", "billion USD" (cumulative since 24 Jan 2022) or "% of 2021 GDP".

    ``release``: "R28", "R29", "R30", "R30v2", "all" or "latest" = the newest release with totals
    in ``currency`` (EUR -> R30, USD -> R30v2; see :func:`latest_support_release`). R29 holds only
    % of GDP and EU shares (EU members). ``currency``: "EUR", "USD" or None (every unit).
    ``path``: a user CSV in the same schema, validated like the bundled files.
    """
    release = str(release)
    unit = _unit_of(currency)
    if release not in ("latest", "all"):
        release_order(release)
    if path is not None:
        return _select(read_user_file(path, SUPPORT), release, unit, str(path))
    if release == "latest":
        if currency is None:
            raise ParameterError("'latest' needs a currency ('EUR' or 'USD'); or name a release.")
        release = latest_support_release(currency)
    frames = [read_edition(e, SUPPORT) for e in resolve(DATASET, release, "release")]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if release == "all" and unit is not None:
        frame = frame[frame["unit"] == unit].reset_index(drop=True)
        return frame
    return _select(frame, release, unit, f"bundled Kiel {release}")


def _by_release(
    dataset: str, spec: TableSpec, release: str, path: str | Path | None
) -> pd.DataFrame:
    """One release of a release-labelled Kiel table (``"latest"``: the newest, ``"all"``: every
    release), from the installed editions (bundled or imported) or a user file (``path``)."""
    release = str(release)
    if release not in ("latest", "all"):
        release_order(release)
    if path is None:
        frames = [read_edition(e, spec) for e in resolve(dataset, release, "release")]
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    frame = read_user_file(path, spec)
    present = sorted(frame["release"].unique(), key=release_order)
    if release == "all":
        return frame
    if release == "latest":
        release = present[-1]
    elif release not in present:
        raise DataError(f"{path}: has no release {release!r} (it holds {', '.join(present)}).")
    return frame[frame["release"] == release].reset_index(drop=True)


def load_support_monthly(release: str = "latest", path: str | Path | None = None) -> pd.DataFrame:
    """Support per donor and month (bundled: Kiel R29, Feb 2022 - Apr 2026).

    Columns: ``release, donor, iso3, month (Timestamp, first of month), measure, aid_type, value,
    unit, currency, source_column``. ``measure``: allocation (by aid type and total; also as
    "% of 2021 GDP"), commitment (total) and commitment_minus_allocation (Kiel's
    ``to_be_allocated``, may be negative). Money in billion EUR per month. Allocations sit in the
    month of announcement; months without activity are absent rows, not zeros.

    ``release``: "latest" (the newest installed release: R29, or a newer one imported with
    ``burdenshare data import kiel``), a label such as "R29", or "all". ``path``: a user CSV in
    the same schema ("latest": its newest release).
    """
    return _by_release(datasets.KIEL_MONTHLY, SUPPORT_MONTHLY, release, path)


def load_support_monthly_totals(
    release: str = "latest", path: str | Path | None = None
) -> pd.DataFrame:
    """All donors per month (bundled: Kiel R29, Jan 2022 - Apr 2026), billion EUR allocations.

    Columns: ``release, donor_group (ALL_DONORS), month, measure, aid_type (total|military|
    financial|humanitarian), military_source, value, unit, currency, source_file``. Rows with a
    ``military_source`` (stockpile | procurement | unspecified | nato_purl) split the military
    allocations by how they were sourced; ``nato_purl`` is aid funded through NATO's PURL. Rows
    without one are the totals: do not add split rows to them. ``release`` and ``path`` as in
    :func:`load_support_monthly`.
    """
    return _by_release(datasets.KIEL_MONTHLY_TOTALS, SUPPORT_MONTHLY_TOTALS, release, path)


def load_support_items(path: str | Path | None = None) -> pd.DataFrame:
    """Item level of Kiel R28 (one row per sub-activity; 5,565 of the sheet's 5,580 rows).

    Columns: ``release, row, donor, iso3, announcement_date, aid_type, measure, value_eur,
    value_eur_redistributed, activity_value_eur, month_index, month_exists, unit (EUR),
    zero_may_be_blank``. Values in EUR (not billions). Blank values were written as 0 by the
    extraction (``zero_may_be_blank``); two sub-activities are negative in Kiel's data and kept.
    ``month_index`` is Kiel's counter (1 = Jan 2022 per the extracting repository), as given.
    Donors include ``EU_EIB`` and ``EU_EPF``.
    """
    return load_table(datasets.KIEL_ITEMS, SUPPORT_ITEMS, path)


def load_heavy_weapons(release: str = "latest", path: str | Path | None = None) -> pd.DataFrame:
    """Heavy weapons per donor and category (bundled: Kiel R29): ``number`` (count) and ``value``
    (EUR, not billions), with Kiel's ``weapons_list``. Categories: Howitzers, Tanks, Air Defense,
    IFV, MLRS. Counted at commitment/allocation as Kiel records them, not at delivery.
    ``release`` and ``path`` as in :func:`load_support_monthly`."""
    return _by_release(datasets.KIEL_HEAVY_WEAPONS, HEAVY_WEAPONS, release, path)


def load_disbursements(path: str | Path | None = None) -> pd.DataFrame:
    """Budget-support disbursements per donor and payment month (Kiel R28), billion EUR.

    Dated at payment, unlike allocations. Two values are negative in Kiel's sheet (kept).
    """
    return load_table(datasets.KIEL_DISBURSEMENTS, DISBURSEMENTS, path)


def load_donor_gdp(release: str | None = None, path: str | Path | None = None) -> pd.DataFrame:
    """Kiel's 2021 donor GDP (billion EUR, current prices): the denominator of "% of 2021 GDP".

    ``release``: "R28", "R29" or None (both). R28 and R29 agree for every country; the EU
    institutions' GDP is given in R28 only (R29's 0 is stored as missing).
    """
    frame = load_table(datasets.KIEL_DONOR_GDP, DONOR_GDP, path)
    if release is None:
        return frame
    if not isinstance(release, str) or release not in set(frame["release"]):
        raise ParameterError(
            f"release={release!r}: donor GDP is available for {', '.join(sorted(set(frame['release'])))}."
        )
    return frame[frame["release"] == release].reset_index(drop=True)


def load_support_headlines(path: str | Path | None = None) -> pd.DataFrame:
    """Headline figures of Kiel releases as printed in press releases and news reports of them.

    Columns: ``release_published, data_through, donor_group, measure, aid_type, period, value,
    unit ("billion EUR", "million EUR" or "% change"), currency, statement, source_url,
    second_source_url, note``. Printed (rounded) figures: later releases revise the data, so a
    headline may differ from a sum over a newer release.
    """
    return load_table(datasets.KIEL_HEADLINES, HEADLINES, path)
