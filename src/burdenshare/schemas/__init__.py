"""One schema per tidy table, shared by the loaders, the importers and user-supplied files.

Each table is a :class:`~burdenshare.validation.TableSpec`: required columns with their types, the
key that must be unique, and a pandera schema for the value rules. :mod:`.spending` holds the NATO,
SIPRI and targets tables with the indicator dictionaries; :mod:`.support` the Kiel tracker and the
other support-side tables. :data:`SPECS` maps the schema names recorded in data/manifest.json to
their specs.
"""

from __future__ import annotations

from ..validation import TableSpec
from .spending import (
    DEFINITIONS,
    NATO_INDICATORS,
    SIPRI,
    SIPRI_INDICATORS,
    SPENDING,
    TARGETS,
    Indicator,
)
from .support import (
    DATE_PRECISIONS,
    DISBURSEMENTS,
    DONOR_GDP,
    FORMER_CURRENCIES,
    FX,
    HEADLINES,
    HEAVY_WEAPON_CATEGORIES,
    HEAVY_WEAPONS,
    KIEL_DATA_THROUGH,
    KIEL_FIRST_MONTH,
    KIEL_RELEASE_PATTERN,
    MECHANISMS,
    MILITARY_SOURCES,
    OPINION,
    OPINION_BASES,
    PLEDGES,
    RESTRICTION_STATUSES,
    RESTRICTIONS,
    SUPPORT,
    SUPPORT_AID_TYPES,
    SUPPORT_ITEMS,
    SUPPORT_MEASURES,
    SUPPORT_MONTHLY,
    SUPPORT_MONTHLY_TOTALS,
    SUPPORT_SCOPES,
    SUPPORT_SPECS,
    SUPPORT_UNITS,
)

#: Every TableSpec by the schema name that data/manifest.json records for each file.
SPECS: dict[str, TableSpec] = {
    spec.name: spec for spec in (SPENDING, SIPRI, TARGETS)
} | SUPPORT_SPECS

__all__ = [
    "SPECS",
    "TableSpec",
    "Indicator",
    "NATO_INDICATORS",
    "SIPRI_INDICATORS",
    "DEFINITIONS",
    "SPENDING",
    "SIPRI",
    "TARGETS",
    "KIEL_RELEASE_PATTERN",
    "KIEL_FIRST_MONTH",
    "KIEL_DATA_THROUGH",
    "SUPPORT_MEASURES",
    "SUPPORT_AID_TYPES",
    "SUPPORT_SCOPES",
    "SUPPORT_UNITS",
    "MILITARY_SOURCES",
    "HEAVY_WEAPON_CATEGORIES",
    "OPINION_BASES",
    "RESTRICTION_STATUSES",
    "DATE_PRECISIONS",
    "SUPPORT",
    "SUPPORT_MONTHLY",
    "SUPPORT_MONTHLY_TOTALS",
    "SUPPORT_ITEMS",
    "HEAVY_WEAPONS",
    "DISBURSEMENTS",
    "DONOR_GDP",
    "HEADLINES",
    "FORMER_CURRENCIES",
    "PLEDGES",
    "FX",
    "OPINION",
    "RESTRICTIONS",
    "MECHANISMS",
    "SUPPORT_SPECS",
]
