"""SIPRI Military Expenditure Database: releases 2025 and 2026 (and imported ones).

Tidy long frame, one row per country, year and indicator: ``iso3, country, year, indicator, value,
unit, price_base_year, currency, estimate, release``. Countries: the 32 NATO allies, Ukraine and
Russia. Shares are in **percent** (SIPRI stores fractions; the bundled files multiply by 100):
``milex_share_gdp_pct``, ``milex_share_govt_pct``. ``estimate`` is True for SIPRI's blue
(estimated) figures. SIPRI's definition is broader than NATO's and uses calendar years: compare the
two only with a note.

:func:`load_sipri_world` gives the same table for the major spenders outside NATO (China, India,
Saudi Arabia, Japan, South Korea, Australia, Israel, Iran), read from SIPRI's 2025 workbook by the
same importer (Russia and Ukraine are in :func:`load_sipri`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import datasets
from ..datasets import SIPRI_MILEX as DATASET
from ..editions import resolve
from ..errors import DataError
from ..schemas import SIPRI, SIPRI_WORLD
from ..schemas.model import TableSpec
from ..tables import read_edition, read_user_file


def load_sipri(release: str = "latest", path: str | Path | None = None) -> pd.DataFrame:
    """SIPRI military expenditure, long format (see the module docstring).

    ``release``: "2025", "2026" (or an imported year), "latest" or "all". ``path``: a user CSV in
    the same schema, validated like the bundled files.
    """
    return _load(DATASET, SIPRI, str(release), path)


def load_sipri_world(release: str = "latest", path: str | Path | None = None) -> pd.DataFrame:
    """SIPRI military expenditure of the major spenders outside NATO (bundled: release "2025",
    1949-2024), in :func:`load_sipri`'s schema; ``release`` and ``path`` as there."""
    return _load(datasets.SIPRI_WORLD, SIPRI_WORLD, str(release), path)


def _load(dataset: str, spec: TableSpec, release: str, path: str | Path | None) -> pd.DataFrame:
    if path is not None:
        frame = read_user_file(path, spec)
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
    frames = [read_edition(e, spec) for e in resolve(dataset, release, "release")]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
