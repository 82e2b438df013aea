"""burdenshare: NATO defence spending, the Hague targets and support to Ukraine.

``import burdenshare as bs`` gives the loaders (``bs.load_spending``, ``bs.load_sipri``, ...), the
metrics and the error types. Importing the package reads no data: files are parsed on first use and
cached for the rest of the process.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .errors import BurdenshareError, DataError, ParameterError, ReportError, UnitError
from .loaders import (
    load_gdp,
    load_sipri,
    load_spending,
    load_targets,
    spending_panel,
    target_value,
)

# --- metrics: spending, pathways, burden sharing (metrics/ package) ---
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

# --- end metrics ---

try:
    __version__ = version("burdenshare")
except PackageNotFoundError:  # pragma: no cover - running from a plain source tree
    __version__ = "0+unknown"

__all__ = [
    "BurdenshareError",
    "DataError",
    "ParameterError",
    "ReportError",
    "UnitError",
    "__version__",
    "load_gdp",
    "load_sipri",
    "load_spending",
    "load_targets",
    "spending_panel",
    "target_value",
]
# metrics: spending, pathways, burden sharing
__all__ += [
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
]
