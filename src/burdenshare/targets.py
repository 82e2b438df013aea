"""NATO spending commitments as data (a base lookup: the metrics resolve target ids here): Wales 2014, Vilnius 2023, Washington 2024, The Hague 2025.

Columns: ``target_id, summit, date, description, value, unit, bound, measured_by, target_year,
text_as_published, source_url, second_source_url, note``. Ids used by the metrics:
``wales_2pct`` (2% of GDP), ``wales_20pct_equipment`` (20% of defence expenditure on major
equipment), ``vilnius_2pct`` (at least 2%), ``hague_core_3_5`` (at least 3.5% core defence by 2035),
``hague_related_1_5`` (up to 1.5% defence- and security-related), ``hague_total_5`` (5% by 2035),
``washington_ukraine_baseline`` (EUR 40 bn a year for Ukraine), ``hague_spain_exception`` (Spain's
stated 2.1%, press reports), and procedural items without a value.

What a target is measured on is data too: ``measured_by`` names the parts whose sum the target
bounds (:func:`target_parts`), e.g. ``hague_total_5`` = NATO defence expenditure (the share
``defexp_share_gdp_pct``) + defence- and security-related spending, which NATO does not publish.
The metrics score a target only on the parts a panel holds (:func:`burdenshare.metrics.
compliance`).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from . import datasets
from .editions import resolve
from .errors import ParameterError
from .schemas import TARGETS
from .tables import load_table, read_derived


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """The commitments table (bundled, or a user file in the same schema)."""
    return load_table(datasets.TARGETS, TARGETS, path)


def _indexed(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("target_id")


def targets_by_id() -> pd.DataFrame:
    """The installed commitments table indexed by ``target_id`` (built once per file content)."""
    return read_derived(resolve(datasets.TARGETS, "latest")[0], TARGETS, _indexed)


def target_value(target: str | float, unit: str = "% of GDP") -> float:
    """A target's numeric value: a target id from :func:`load_targets`, or a number as given.

    Raises :class:`~burdenshare.ParameterError` for an unknown id, a target without a value, or a
    target in another unit than ``unit``.
    """
    if not isinstance(unit, str):
        raise ParameterError(f"unit={unit!r}: give a unit such as '% of GDP'.")
    if isinstance(target, int | float) and not isinstance(target, bool):
        if not math.isfinite(target):
            raise ParameterError(f"Target {target!r}: give a finite number or a target id.")
        return float(target)
    table = targets_by_id()
    if not isinstance(target, str) or target not in table.index:
        valued = table.index[table["value"].notna() & (table["unit"] == unit)]
        raise ParameterError(
            f"Unknown target {target!r}; choose one of {', '.join(valued)} or pass a number."
        )
    row = table.loc[target]
    if pd.isna(row["value"]) or row["unit"] != unit:
        raise ParameterError(
            f"Target {target!r} is not expressed in {unit!r} (its unit: {row['unit'] or 'none'})."
        )
    return float(row["value"])


def target_parts(target: str) -> tuple[str, ...]:
    """The parts a target is measured on, from ``measured_by`` (split on "+"), e.g.
    ``("defexp_share_gdp_pct", "defence- and security-related spending")``; empty if none."""
    table = targets_by_id()
    if target not in table.index:
        raise ParameterError(f"Unknown target {target!r}; choose one of {', '.join(table.index)}.")
    raw = table.at[target, "measured_by"]
    raw = "" if pd.isna(raw) else str(raw)
    return tuple(part.strip() for part in raw.split("+") if part.strip())


def target_bound(target: str) -> str:
    """How a target bounds its measure: "at least", "up to" or "" (from the table's ``bound``)."""
    table = targets_by_id()
    if target not in table.index:
        raise ParameterError(f"Unknown target {target!r}; choose one of {', '.join(table.index)}.")
    raw = table.at[target, "bound"]
    return "" if pd.isna(raw) else str(raw)


def target_year(target: str) -> int:
    """The year by which a target is to be met (e.g. ``"hague_core_3_5"`` -> 2035), from the data."""
    table = targets_by_id()
    if not isinstance(target, str) or target not in table.index:
        raise ParameterError(f"Unknown target {target!r}; choose one of {', '.join(table.index)}.")
    raw = str(table.at[target, "target_year"] or "")
    if not raw.isdigit():
        raise ParameterError(f"Target {target!r} has no single target year (it says {raw!r}).")
    return int(raw)
