"""The bundled (or imported) file of a single-edition dataset, read through its TableSpec."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..validation import TableSpec
from ._cache import read_cached
from ._registry import resolve


def load_table(dataset: str, spec: TableSpec, path: str | Path | None) -> pd.DataFrame:
    """A user file (validated against ``spec``) or the newest installed edition of ``dataset``."""
    if path is not None:
        return read_cached(path, spec)
    return read_cached(resolve(dataset, "latest")[0].path, spec)
