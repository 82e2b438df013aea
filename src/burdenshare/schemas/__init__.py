"""One schema per tidy table, shared by the loaders, the importers and user-supplied files.

:mod:`.fields` is the field catalogue: every column once, with its type, nullability, checks
(allowed values, pattern, bounds), unit and description. The tables are split by source the way
``loaders/`` is: :mod:`.nato`, :mod:`.sipri`, :mod:`.support` (Kiel), :mod:`.opinion`,
:mod:`.pledges`, :mod:`.context` (restrictions, mechanisms, Contact Group meetings),
:mod:`.ppp` (World Bank purchasing power parities) and :mod:`.reference` (targets, exchange
rates, countries). Each :class:`TableSpec` lists its columns (from the catalogue, with
per-table overrides), its key and its rules across columns, and builds its pandera schema from
them. :data:`SPECS` maps the schema names recorded in data/manifest.json to their specs;
``burdenshare data describe`` prints them (:func:`describe`).
"""

from __future__ import annotations

from .context import MECHANISMS, RESTRICTIONS, UDCG_MEETINGS
from .describe import describe
from .fields import FIELDS
from .model import Bounds, Field, Indicator, Rule, TableSpec
from .nato import DEFINITIONS, NATO_INDICATORS, SPENDING
from .opinion import OPINION
from .pledges import PLEDGES
from .ppp import PPP, PPP_INDICATORS
from .reference import COUNTRIES, FX, TARGETS
from .sipri import SIPRI, SIPRI_INDICATORS, SIPRI_WORLD
from .support import (
    DISBURSEMENTS,
    DONOR_GDP,
    HEADLINES,
    HEAVY_WEAPONS,
    KIEL_DATA_THROUGH,
    KIEL_FIRST_MONTH,
    SUPPORT,
    SUPPORT_AID_TYPES,
    SUPPORT_ITEMS,
    SUPPORT_MEASURES,
    SUPPORT_MONTHLY,
    SUPPORT_MONTHLY_TOTALS,
    SUPPORT_UNITS,
)

#: Every TableSpec by the schema name that data/manifest.json records for each file.
SPECS: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        SPENDING,
        SIPRI,
        SIPRI_WORLD,
        TARGETS,
        FX,
        PPP,
        COUNTRIES,
        SUPPORT,
        SUPPORT_MONTHLY,
        SUPPORT_MONTHLY_TOTALS,
        SUPPORT_ITEMS,
        HEAVY_WEAPONS,
        DISBURSEMENTS,
        DONOR_GDP,
        HEADLINES,
        PLEDGES,
        OPINION,
        RESTRICTIONS,
        MECHANISMS,
        UDCG_MEETINGS,
    )
}
#: Every indicator of the long tables (NATO and SIPRI names do not overlap): the catalogue's
#: word on each one's unit and price basis.
INDICATORS: dict[str, Indicator] = NATO_INDICATORS | SIPRI_INDICATORS

__all__ = [
    "FIELDS",
    "SPECS",
    "INDICATORS",
    "Bounds",
    "Field",
    "Indicator",
    "Rule",
    "TableSpec",
    "describe",
    "NATO_INDICATORS",
    "SIPRI_INDICATORS",
    "DEFINITIONS",
    "SPENDING",
    "SIPRI",
    "SIPRI_WORLD",
    "TARGETS",
    "FX",
    "PPP",
    "PPP_INDICATORS",
    "COUNTRIES",
    "KIEL_FIRST_MONTH",
    "KIEL_DATA_THROUGH",
    "SUPPORT_MEASURES",
    "SUPPORT_AID_TYPES",
    "SUPPORT_UNITS",
    "SUPPORT",
    "SUPPORT_MONTHLY",
    "SUPPORT_MONTHLY_TOTALS",
    "SUPPORT_ITEMS",
    "HEAVY_WEAPONS",
    "DISBURSEMENTS",
    "DONOR_GDP",
    "HEADLINES",
    "PLEDGES",
    "OPINION",
    "RESTRICTIONS",
    "MECHANISMS",
    "UDCG_MEETINGS",
]
