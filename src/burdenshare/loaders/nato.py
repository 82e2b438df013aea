"""NATO "Defence Expenditure of NATO Countries": editions 2024, 2025, 2026 (and imported ones).

Tidy long frame, one row per ally (or NATO aggregate), year and indicator, with columns
``iso3, country, year, indicator, value, unit, prices, price_base_year, currency, estimate, edition,
definition, aggregate, note``. Indicator names and units are in :data:`burdenshare.schemas.
NATO_INDICATORS`. ``estimate`` is True where NATO marks the year as an estimate (``e``);
``definition`` is "core defence expenditure" from the 2026 edition on (the Hague concept) and
"defence expenditure" before. Aggregates ``NATO_TOTAL`` and ``NATO_EUR_CAN`` have ``aggregate``
True; NATO counts an ally in them from its accession year. Missing values are absent rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ..datasets import NATO_SPENDING as DATASET
from ..editions import resolve
from ..errors import DataError
from ..params import check_flag
from ..schemas import SPENDING
from ..tables import read_derived, read_edition, read_user_file


def _select_editions(frame: pd.DataFrame, edition: str, path: Path) -> pd.DataFrame:
    present = sorted(frame["edition"].unique())
    if edition == "all":
        return frame
    if edition == "latest":
        if len(present) > 1:
            raise DataError(
                f"{path}: holds editions {', '.join(present)}; pass edition=<one of them> or 'all'."
            )
        return frame
    if edition not in present:
        raise DataError(f"{path}: has no edition {edition!r} (it holds {', '.join(present)}).")
    return frame[frame["edition"] == edition].reset_index(drop=True)


def load_spending(edition: str = "latest", path: str | Path | None = None) -> pd.DataFrame:
    """NATO defence expenditure, long format (see the module docstring for columns and units).

    ``edition``: "2024", "2025", "2026" (or an imported year), "latest" or "all" (the only way to
    mix editions in one frame). ``path``: a user-supplied CSV in the same schema (e.g. a newer
    release); it is validated and any problem raises :class:`~burdenshare.DataError` naming the
    file, line, column, value and expectation.
    """
    edition = str(edition)
    if path is not None:
        frame = read_user_file(path, SPENDING)
        return _select_editions(frame, edition, Path(path))
    frames = [read_edition(e, SPENDING) for e in resolve(DATASET, edition)]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def spending_panel(
    edition: str = "latest",
    path: str | Path | None = None,
    *,
    include_aggregates: bool = False,
) -> pd.DataFrame:
    """Wide panel of one edition: index (iso3, year), one column per indicator.

    A boolean column ``estimate`` is True where NATO marks any indicator of that year an estimate.
    Aggregates are left out unless ``include_aggregates``. The panel carries ``attrs`` with the
    edition, definition, constant-price base year and
    ``currencies`` (ISO 4217 code of each ally's national-currency series). An installed
    edition's panel is built once per content of its file (each call returns a copy).
    """
    edition = str(edition)
    if edition == "all":
        raise DataError("spending_panel needs one edition; 'all' would mix editions.")
    check_flag("include_aggregates", include_aggregates)
    if path is not None:
        return _panel(load_spending(edition, path), include_aggregates)
    (chosen,) = resolve(DATASET, edition)
    return read_derived(chosen, SPENDING, _panel, include_aggregates)


def _panel(long: pd.DataFrame, include_aggregates: bool) -> pd.DataFrame:
    """The wide panel of one edition's long table (see :func:`spending_panel`)."""
    if not include_aggregates:
        long = long[~long["aggregate"]]
    panel = long.pivot(index=["iso3", "year"], columns="indicator", values="value")
    panel.columns.name = None
    panel["estimate"] = long.groupby(["iso3", "year"])["estimate"].any().astype(bool)
    base = long["price_base_year"].dropna().unique()
    national = long[long["indicator"] == "defexp_ncu_current_m"].dropna(subset=["currency"])
    panel.attrs.update(
        {
            "currencies": national.groupby("iso3")["currency"].first().to_dict(),
            "dataset": DATASET,
            "edition": str(long["edition"].iloc[0]),
            "definition": str(long["definition"].iloc[0]),
            "price_base_year": int(base[0]) if len(base) == 1 else None,
        }
    )
    return panel.sort_index()


def warm_panels() -> int:
    """Build every installed edition's panels (with and without aggregates) once, so that later
    calls in this process, and in processes forked from it such as the report runner's kernels,
    start from memory. Nothing is recorded as loaded. Returns the number of panels built."""
    return sum(1 for _ in panels_warming())


def warm_latest_panels() -> int:
    """:func:`warm_panels` for the newest installed edition only (what most analyses read)."""
    return sum(1 for _ in panels_warming("latest"))


def panels_warming(editions: str = "all") -> Iterator[str]:
    """:func:`warm_panels` one panel at a time, newest edition first, for a process with other
    work between panels (the report runner's warm process builds the older editions' panels
    while no kernel is asked for): builds the next panel, then yields its edition's label.
    ``editions``: "all" or "latest"."""
    for chosen in reversed(resolve(DATASET, editions)):
        for aggregates in (False, True):
            read_derived(chosen, SPENDING, _panel, aggregates, record=False)
            yield chosen.label


def load_gdp(edition: str = "latest", path: str | Path | None = None) -> pd.DataFrame:
    """NATO's GDP table (Table 5, and GDP per capita from Table 6), long format.

    Same columns as :func:`load_spending`, restricted to ``gdp_*`` indicators. "latest" means the
    newest edition that publishes GDP (the 2025 edition's GDP table is not bundled). Values are
    million US$ (current or constant prices; see ``prices`` and ``price_base_year``).
    """
    edition = str(edition)
    if path is None and edition == "latest":
        for candidate in reversed(resolve(DATASET, "all")):
            frame = read_edition(candidate, SPENDING)
            gdp = frame[frame["indicator"].str.startswith("gdp_")]
            if not gdp.empty:
                return gdp.reset_index(drop=True)
    frame = load_spending(edition, path)
    gdp = frame[frame["indicator"].str.startswith("gdp_")].reset_index(drop=True)
    if gdp.empty:
        raise DataError(f"Edition {edition!r} has no GDP table; use edition='2026' or '2024'.")
    return gdp
