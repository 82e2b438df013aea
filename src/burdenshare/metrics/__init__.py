"""Metrics: pure functions from tidy frames to frames or series (no I/O, no plotting).

``spending`` (share of GDP, target gaps, compliance, real growth, one series across editions, per capita, equipment share,
movers), ``pathways`` (paths to a target by a year and fan charts over GDP growth), ``burden``
(shares of alliance spending vs GDP), ``ppp`` (national currency to current international $
and group totals at purchasing power parity), ``support`` (aid to Ukraine relative to GDP and defence
budgets, delivery, flows, concentration, spending with support counted). Units are checked by
:mod:`._units` (NATO panels) and in :mod:`.support` (Kiel money units).
"""

from __future__ import annotations

from ._units import NATIONAL, Basis, as_panel
from .burden import burden_shares, group_burden, us_vs_europe_canada
from .pathways import pathway, pathway_fan, pathway_summary, track_verdicts
from .ppp import ppp_total, to_ppp
from .spending import (
    cagr,
    chain_editions,
    compliance,
    equipment_share,
    movers,
    per_capita,
    real_growth,
    share_of_gdp,
    target_gap,
)
from .support import (
    DoubleCountWarning,
    annual_support,
    by_region,
    concentration,
    delivery_ratio,
    donor_totals,
    monthly_flows,
    spending_with_support,
    support_share_of_gdp,
    support_vs_defence,
    top_donors,
)

__all__ = [
    "NATIONAL",
    "Basis",
    "as_panel",
    "burden_shares",
    "cagr",
    "chain_editions",
    "compliance",
    "equipment_share",
    "group_burden",
    "movers",
    "pathway",
    "pathway_fan",
    "pathway_summary",
    "track_verdicts",
    "per_capita",
    "real_growth",
    "share_of_gdp",
    "target_gap",
    "to_ppp",
    "ppp_total",
    "us_vs_europe_canada",
    # support to Ukraine
    "DoubleCountWarning",
    "annual_support",
    "by_region",
    "concentration",
    "delivery_ratio",
    "donor_totals",
    "monthly_flows",
    "spending_with_support",
    "support_share_of_gdp",
    "support_vs_defence",
    "top_donors",
]
