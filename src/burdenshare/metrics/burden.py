"""Burden sharing: each ally's share of alliance spending against its share of alliance GDP.

For the allies ``i`` of the alliance in year ``t`` (members by 31 December with both a spending and
a GDP figure; Iceland, with no defence figure, is left out, so the GDP total is the reporting allies'
GDP, slightly below NATO's published GDP total):

- ``spending_share_i = 100 × S_i / Σ S``, ``gdp_share_i = 100 × GDP_i / Σ GDP`` (% of alliance);
- ``burden_index_i = spending_share_i / gdp_share_i`` (> 1: carries more than its economic weight;
  equal to ``share_of_gdp_i / share_of_gdp_alliance``). The alliance as a whole has index 1 and the
  GDP-weighted mean of the allies' indices is 1.

Spending and GDP must be in one currency (US$, not national currencies) on the same price basis.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..countries import nato_allies
from ..errors import ParameterError
from . import _units as u
from ._select import check_years

SPENDING = "defexp_usd_current_m"
GDP = "gdp_usd_current_m"


def _members_with_data(
    data: pd.DataFrame, years, spending: str, gdp: str
) -> tuple[pd.DataFrame, list[int]]:
    panel = u.as_panel(data)
    u.require_single_currency(panel, spending, "burden_shares")
    u.require_same_basis(panel, spending, gdp, "burden_shares")
    wanted = check_years(panel, years)
    parts = []
    for year in wanted:
        members = nato_allies(year)
        rows = panel.xs(year, level="year", drop_level=False)
        rows = rows[rows.index.get_level_values("iso3").isin(members)]
        parts.append(rows[[spending, gdp]].dropna())
    frame = pd.concat(parts) if parts else panel[[spending, gdp]].iloc[:0]
    return frame, wanted


def burden_shares(
    data: pd.DataFrame,
    years: int | Iterable[int] | None = None,
    *,
    spending: str = SPENDING,
    gdp: str = GDP,
) -> pd.DataFrame:
    """Per ally and year: ``spending``, ``gdp`` (the columns' unit), ``spending_share_pct``,
    ``gdp_share_pct`` (% of the alliance) and ``burden_index`` (ratio of the two; see module doc).
    """
    frame, _ = _members_with_data(data, years, spending, gdp)
    totals = frame.groupby(level="year").transform("sum")
    out = pd.DataFrame(
        {
            "spending": frame[spending],
            "gdp": frame[gdp],
            "spending_share_pct": 100.0 * frame[spending] / totals[spending],
            "gdp_share_pct": 100.0 * frame[gdp] / totals[gdp],
        }
    )
    out["burden_index"] = out["spending_share_pct"] / out["gdp_share_pct"]
    out.attrs.update({"spending": spending, "gdp": gdp})
    return out


def group_burden(
    data: pd.DataFrame,
    members: Iterable[str],
    years: int | Iterable[int] | None = None,
    *,
    spending: str = SPENDING,
    gdp: str = GDP,
) -> pd.DataFrame:
    """A group of allies as one: per year its ``spending_share_pct``, ``gdp_share_pct`` (% of the
    alliance) and ``burden_index`` = their ratio. Members outside the alliance that year are
    ignored; the whole alliance has index 1."""
    if isinstance(members, str) or not isinstance(members, Iterable):
        raise ParameterError(f"Parameter 'members' must be a list of ISO3 codes, got {members!r}.")
    shares = burden_shares(data, years, spending=spending, gdp=gdp)
    members = set(members)
    inside = shares[shares.index.get_level_values("iso3").isin(members)]
    out = inside.groupby(level="year")[["spending", "gdp", "spending_share_pct", "gdp_share_pct"]]
    out = out.sum()
    out["burden_index"] = out["spending_share_pct"] / out["gdp_share_pct"]
    return out


def us_vs_europe_canada(
    data: pd.DataFrame,
    years: int | Iterable[int] | None = None,
    *,
    spending: str = SPENDING,
    gdp: str = GDP,
) -> pd.DataFrame:
    """United States against Europe and Canada (all other allies that year), per year.

    Columns (MultiIndex ``(group, measure)``, groups ``USA`` and ``EUR_CAN``; measures as in
    :func:`group_burden`): spending (the column's unit), shares of the alliance (%) and burden index.
    """
    shares = burden_shares(data, years, spending=spending, gdp=gdp)
    others = set(shares.index.get_level_values("iso3")) - {"USA"}
    groups = {
        "USA": group_burden(data, ["USA"], years, spending=spending, gdp=gdp),
        "EUR_CAN": group_burden(data, others, years, spending=spending, gdp=gdp),
    }
    return pd.concat(groups, axis=1, names=["group", "measure"])
