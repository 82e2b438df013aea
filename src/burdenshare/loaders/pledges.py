"""Announced pledges and packages for Ukraine, 2024-2025 (PURL, UDCG, G7 ERA loans, EU).

Columns: ``pledge_id, alternative_to, part_of, date, date_precision, date_from, date_to, donor,
donor_codes, amount, scale (million|billion), currency (ISO 4217), amount_usd_reported, channel,
aid_type, kind (pledge|disbursement), description, source_url, second_source_url, note``.

Amounts are as announced, never converted (``amount_usd_reported`` only where the source gave a
USD figure, same scale). **Rows overlap: do not sum them.** ``part_of`` names the package a row is
a share of; a row with ``alternative_to`` is another outlet's figure for the same package (reports
disagree: every figure is kept with its source). ``date`` may be a month or a year
(``date_precision``); ``date_from``/``date_to`` bound the stated period.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import datasets
from ..params import check_flag
from ..schemas import PLEDGES
from ..tables import load_table


def load_pledges(path: str | Path | None = None, alternatives: bool = True) -> pd.DataFrame:
    """The pledges table (see the module docstring). ``alternatives=False`` keeps only the first
    reported figure of each package (rows without ``alternative_to``)."""
    check_flag("alternatives", alternatives)
    frame = load_table(datasets.PLEDGES, PLEDGES, path)
    if not alternatives:
        frame = frame[frame["alternative_to"].isna()].reset_index(drop=True)
    return frame
