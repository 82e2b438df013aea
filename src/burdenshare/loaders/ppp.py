"""World Bank purchasing power parities (WDI / ICP 2021): the bundled 2026 vintage.

Tidy long frame, one row per country, year, indicator and copy: ``iso3, country, year, indicator,
value, unit, currency, estimate, vintage, copy, source_url, source_copy, note``. Countries: the 32
NATO allies, Ukraine and Russia, 2014-2025.

- ``ppp_lcu_per_intl_usd``: PPP conversion factor, GDP (PA.NUS.PPP), national currency per
  international $ (current prices); ``currency`` names the national currency. Use the rows with
  ``copy == "primary"`` (one per country and year); ``disagreeing`` rows are an earlier copy's
  values where it differs, kept for the record (Bulgaria: BGN there, EUR in the primary copy).
- ``price_level_ratio``: PPP / market exchange rate, USA = 1 (PA.NUS.PPPC.RF), an older vintage
  (2025-10-07) that stops at 2024.

``estimate`` is True after the ICP 2021 benchmark (2022 on): World Bank extrapolations, revised
between releases. A GDP-wide PPP prices a whole economy's output, not military purchases.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..datasets import PPP as DATASET
from ..schemas import PPP
from ..tables import load_table


def load_ppp(path: str | Path | None = None) -> pd.DataFrame:
    """PPP conversion factors and price level ratios (see the module docstring).

    ``path``: a user CSV in the same schema, validated like the bundled file.
    """
    return load_table(DATASET, PPP, path)
