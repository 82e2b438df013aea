"""Loaders: one module per source, each returning a validated tidy DataFrame."""

from .nato import load_gdp, load_spending, spending_panel
from .sipri import load_sipri
from .targets import load_targets, target_value

__all__ = [
    "load_gdp",
    "load_sipri",
    "load_spending",
    "load_targets",
    "spending_panel",
    "target_value",
]
