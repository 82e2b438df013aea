"""Loaders: one module per source, each returning a validated tidy DataFrame.

The two small reference tables the metrics look up, the targets and the ECB exchange rates, are
base modules (:mod:`burdenshare.targets`, :mod:`burdenshare.fx`); their loaders are re-exported
here so that every ``load_*`` function is in one list."""

from ..fx import convert, load_fx
from ..targets import load_targets, target_value, target_year
from .context import load_mechanisms, load_restrictions, load_udcg_meetings, restriction_status
from .nato import load_gdp, load_spending, spending_panel
from .opinion import load_opinion
from .pledges import load_pledges
from .ppp import load_ppp
from .sipri import load_sipri, load_sipri_world
from .support import (
    latest_support_release,
    load_disbursements,
    load_donor_gdp,
    load_heavy_weapons,
    load_support,
    load_support_headlines,
    load_support_items,
    load_support_monthly,
    load_support_monthly_totals,
)

__all__ = [
    # defence spending
    "load_gdp",
    "load_ppp",
    "load_sipri",
    "load_sipri_world",
    "load_spending",
    "load_targets",
    "spending_panel",
    "target_value",
    "target_year",
    # support to Ukraine
    "convert",
    "latest_support_release",
    "load_disbursements",
    "load_donor_gdp",
    "load_fx",
    "load_heavy_weapons",
    "load_mechanisms",
    "load_opinion",
    "load_pledges",
    "load_restrictions",
    "load_support",
    "load_support_headlines",
    "load_support_items",
    "load_support_monthly",
    "load_support_monthly_totals",
    "load_udcg_meetings",
    "restriction_status",
]
