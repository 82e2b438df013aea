"""The data the analyses share, each read in one place: the newest NATO edition, SIPRI's share
of GDP, the newest Kiel releases and the monthly flows with the release they come from, and
allies' military aid to Ukraine by calendar year.

Dataset ids come from :mod:`burdenshare.datasets`; "newest" always means
:func:`burdenshare.editions.latest` (so an imported edition counts), and the release of the
monthly flows is read from the data, never assumed.
"""

from __future__ import annotations

import pandas as pd

from ..datasets import KIEL_MONTHLY, NATO_SPENDING, SIPRI_MILEX
from ..editions import latest
from ..errors import DataError
from ..loaders.nato import spending_panel
from ..loaders.sipri import load_sipri
from ..loaders.support import latest_support_release, load_support_monthly
from ..metrics.support import annual_support, spending_with_support

SIPRI_SHARE = "milex_share_gdp_pct"
#: The pathway assumptions every report shares (one quantity, one number): real GDP growth a
#: year (a fraction) and the growth windows (years) a track verdict must hold across.
PATHWAY_GDP_GROWTH = 0.015
GROWTH_WINDOWS = (1, 3, 5)


def nato_edition() -> str:
    """Label of the newest installed NATO edition."""
    return latest(NATO_SPENDING)


def nato_panel(edition: str | None = None, aggregates: bool = False) -> pd.DataFrame:
    """The NATO panel of an edition (default: the newest), allies only unless ``aggregates``."""
    return spending_panel(edition or nato_edition(), include_aggregates=aggregates)


def nato_years(edition: str | None = None) -> list[int]:
    """Years the NATO panel of an edition covers."""
    return sorted(int(y) for y in nato_panel(edition).index.get_level_values("year").unique())


def sipri_release() -> str:
    """Label of the newest installed SIPRI release."""
    return latest(SIPRI_MILEX)


def sipri_share(country: str, first: int, last: int, release: str | None = None) -> pd.Series:
    """SIPRI military expenditure as % of GDP of one country by calendar year, ``first..last``."""
    sipri = load_sipri(release or sipri_release())
    rows = sipri[(sipri["iso3"] == country) & (sipri["indicator"] == SIPRI_SHARE)]
    rows = rows[(rows["year"] >= first) & (rows["year"] <= last)]
    return rows.set_index("year")["value"].rename("sipri_share_gdp_pct").sort_index()


def support_release() -> str:
    """The newest Kiel release with per-donor totals in EUR."""
    return latest_support_release("EUR")


def release_of(frame: pd.DataFrame, dataset: str = KIEL_MONTHLY) -> str:
    """The one release label a Kiel frame holds (read from its ``release`` column)."""
    labels = sorted(set(frame["release"].astype(str)))
    if len(labels) != 1:
        raise DataError(f"{dataset}: expected rows of one release, found {labels or 'none'}.")
    return labels[0]


def monthly_release() -> str:
    """The release of the Kiel monthly flows, read from the data."""
    return release_of(load_support_monthly())


def military_aid_by_year(
    up_to: pd.Timestamp | None = None, release: str = "latest"
) -> pd.DataFrame:
    """Military aid per donor and calendar year of announcement (Kiel monthly flows, billion EUR).

    Months after ``up_to`` are left out. Columns as :func:`~burdenshare.metrics.annual_support`
    (``complete`` marks years the flows cover in full); ``attrs["release"]`` names the release.
    """
    monthly = load_support_monthly(release)
    release = release_of(monthly)
    if up_to is not None:
        monthly = monthly[monthly["month"] <= up_to]
    annual = annual_support(monthly, aid_types=["military"])
    annual.attrs["release"] = release
    return annual


def complete_years(annual: pd.DataFrame, last: int | None = None) -> list[int]:
    """Calendar years the flows cover in full (up to ``last``)."""
    years = sorted(int(y) for y in annual.loc[annual["complete"], "year"].unique())
    return [y for y in years if last is None or y <= last]


def aid_counted(panel: pd.DataFrame, annual: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    """Allies' spending with their military aid of ``years`` counted (the Hague rule).

    :func:`~burdenshare.metrics.spending_with_support` on NATO's share of real GDP, the double
    count acknowledged (it is an upper bound; the analyses say so in their notes).
    """
    rows = annual[annual["year"].isin(years)]
    return spending_with_support(panel, rows, counts="military", double_count="acknowledge")
