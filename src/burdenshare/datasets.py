"""Dataset ids: the names data/manifest.json, the schemas, the loaders and the analyses share.

A dataset is one kind of table (one schema) with one or more editions or releases; each id below
is declared here once and used everywhere else by name.
"""

from __future__ import annotations

from typing import Final

NATO_SPENDING: Final = "nato_spending"
SIPRI_MILEX: Final = "sipri_milex"
SIPRI_WORLD: Final = "sipri_world"
TARGETS: Final = "targets"
COUNTRIES: Final = "countries"
KIEL_SUPPORT: Final = "kiel_support"
KIEL_MONTHLY: Final = "kiel_support_monthly"
KIEL_MONTHLY_TOTALS: Final = "kiel_support_monthly_totals"
KIEL_ITEMS: Final = "kiel_items"
KIEL_HEAVY_WEAPONS: Final = "kiel_heavy_weapons"
KIEL_DISBURSEMENTS: Final = "kiel_disbursements"
KIEL_DONOR_GDP: Final = "kiel_donor_gdp"
KIEL_HEADLINES: Final = "kiel_headlines"
PLEDGES: Final = "pledges"
FX: Final = "fx"
PPP: Final = "ppp"
OPINION: Final = "opinion"
RESTRICTIONS: Final = "restrictions"
MECHANISMS: Final = "mechanisms"
UDCG_MEETINGS: Final = "udcg_meetings"
