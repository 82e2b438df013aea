"""burdenshare: NATO defence spending, the Hague targets and support to Ukraine.

``import burdenshare as bs`` gives the loaders (``bs.load_spending``, ``bs.load_support``, ...), the
metrics (``bs.compliance``, ``bs.pathway``, ...) and the error types. Importing the package reads no
data: files are parsed on first use and cached for the rest of the process.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .errors import BurdenshareError, DataError, ParameterError, ReportError, UnitError
from .loaders import (
    load_gdp,
    load_sipri,
    load_spending,
    load_targets,
    spending_panel,
    target_value,
)
from .loaders.context import load_mechanisms, load_restrictions, restriction_status
from .loaders.fx import convert, load_fx
from .loaders.opinion import load_opinion
from .loaders.pledges import load_pledges
from .loaders.support import (
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
from .metrics import (
    burden_shares,
    cagr,
    compliance,
    equipment_share,
    group_burden,
    movers,
    pathway,
    pathway_fan,
    pathway_summary,
    per_capita,
    real_growth,
    share_of_gdp,
    target_gap,
    us_vs_europe_canada,
)
from .metrics.support import (
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


def run_report(*args: Any, **kwargs: Any) -> Any:
    """Run notebooks into a report set (``burdenshare report`` from Python); see
    :func:`burdenshare.reports.runner.run_report`. Imports the runner on first use only."""
    from .reports.runner import run_report as _run_report

    return _run_report(*args, **kwargs)


try:
    __version__ = version("burdenshare")
except PackageNotFoundError:  # pragma: no cover - running from a plain source tree
    __version__ = "0+unknown"

__all__ = [
    # errors
    "BurdenshareError",
    "DataError",
    "ParameterError",
    "ReportError",
    "UnitError",
    "__version__",
    "run_report",
    # defence spending loaders
    "load_gdp",
    "load_sipri",
    "load_spending",
    "load_targets",
    "spending_panel",
    "target_value",
    # support to Ukraine loaders
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
    "restriction_status",
    # metrics: spending, pathways, burden sharing
    "burden_shares",
    "cagr",
    "compliance",
    "equipment_share",
    "group_burden",
    "movers",
    "pathway",
    "pathway_fan",
    "pathway_summary",
    "per_capita",
    "real_growth",
    "share_of_gdp",
    "target_gap",
    "us_vs_europe_canada",
    # metrics: support to Ukraine
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
