"""SIPRI Military Expenditure Database: releases 2025 and 2026 (and imported ones).

Tidy long frame, one row per country, year and indicator: ``iso3, country, year, indicator, value,
unit, price_base_year, currency, estimate, release``. Countries: the 32 NATO allies, Ukraine and
Russia. Shares are in **percent** (SIPRI stores fractions; the bundled files multiply by 100):
``milex_share_gdp_pct``, ``milex_share_govt_pct``. ``estimate`` is True for SIPRI's blue
(estimated) figures. SIPRI's definition is broader than NATO's and uses calendar years: compare the
two only with a note.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..datasets import SIPRI_MILEX as DATASET
from ..editions import resolve
from ..errors import DataError
from ..schemas import SIPRI
from ..tables import read_edition, read_user_file


def load_sipri(release: str = "latest", path: str | Path | None = None) -> pd.DataFrame:
    """SIPRI military expenditure, long format (see the module docstring).

    ``release``: "2025", "2026" (or an imported year), "latest" or "all". ``path``: a user CSV in
    the same schema, validated like the bundled files.
    """
    release = str(release)
    if path is not None:
        frame = read_user_file(path, SIPRI)
        present = sorted(frame["release"].unique())
        if release == "latest" and len(present) > 1:
            raise DataError(f"{path}: holds releases {', '.join(present)}; pass release=.")
        if release not in ("latest", "all"):
            if release not in present:
                raise DataError(
                    f"{path}: has no release {release!r} (it holds {', '.join(present)})."
                )
            frame = frame[frame["release"] == release].reset_index(drop=True)
        return frame
    frames = [read_edition(e, SIPRI) for e in resolve(DATASET, release, "release")]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
