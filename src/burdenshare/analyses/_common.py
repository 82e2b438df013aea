"""Shared pieces of the analyses: the result object, parameter checks and JSON-able values.

Each analysis module exposes ``validate(**params)`` (raises :class:`~burdenshare.ParameterError`
naming the parameter and the valid choices) and ``run(**params)`` returning an
:class:`AnalysisResult`. Notebooks only call these two and display what comes back.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Image, Markdown, display
from matplotlib.figure import Figure

from ..countries import name as country_name
from ..editions import citation, editions
from ..errors import ParameterError
from ..params import check_choice, check_choices, check_type
from ..targets import load_targets

NATO = "nato_spending"
SIPRI = "sipri_milex"


@dataclass
class AnalysisResult:
    """What an analysis returns: display tables, figures, headline figures and sources.

    ``tables`` and ``figures`` keep insertion order (the order a notebook shows them);
    ``key_results`` is a JSON-able dict of the headline figures (what tests and the report index
    read); ``sources`` are one-line citations of every dataset used; ``notes`` are caveats.
    """

    title: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    key_results: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def source_line(self) -> str:
        """All sources, one per line, as Markdown."""
        return "**Sources**\n\n" + "\n".join(f"- {s}" for s in self.sources)

    def notes_markdown(self) -> str:
        """Caveats, then sources, as Markdown."""
        notes = "\n".join(f"- {n}" for n in self.notes)
        return (f"**Notes**\n\n{notes}\n\n" if notes else "") + self.source_line()


def show(item: pd.DataFrame | Figure | str) -> None:
    """Display a table, a figure (as PNG, no repr text) or Markdown text in a notebook."""
    if isinstance(item, Figure):
        buffer = io.BytesIO()
        item.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
        display(Image(data=buffer.getvalue(), format="png"))
    elif isinstance(item, str):
        display(Markdown(item))
    else:
        display(item)


def png_bytes(fig: Figure) -> bytes:
    """The figure rendered as PNG (for saving or checking that it draws)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


# --- parameter checks -------------------------------------------------------------------------


def check_edition(name: str, value: Any, dataset: str = NATO) -> str:
    """An installed edition label of ``dataset`` (as a string; an int year is accepted)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    check_type(name, value, str)
    labels = list(editions(dataset))
    return check_choice(name, value, labels)


def check_year_in(name: str, value: Any, years: Iterable[int]) -> int:
    """A year that the data holds."""
    check_type(name, value, int)
    have = sorted(int(y) for y in years)
    if value not in have:
        raise ParameterError(
            f"Parameter {name!r} = {value!r} is outside the data: choose a year from "
            f"{have[0]} to {have[-1]}."
        )
    return value


def valued_targets(unit: str = "% of GDP") -> list[str]:
    """Ids of the "at least" targets in the commitments table that carry a value in ``unit``."""
    table = load_targets()
    keep = table["value"].notna() & (table["unit"] == unit) & (table["bound"] == "at least")
    return [str(t) for t in table.loc[keep, "target_id"]]


def check_target(name: str, value: Any, unit: str = "% of GDP") -> str:
    check_type(name, value, str)
    return check_choice(name, value, valued_targets(unit))


def check_targets(name: str, values: Any, unit: str = "% of GDP") -> list[str]:
    return check_choices(name, values, valued_targets(unit))


def target_label(target_id: str) -> str:
    """A short label such as "Wales 2%" or "Hague 3.5%" from the commitments table."""
    row = load_targets().set_index("target_id").loc[target_id]
    summit = str(row["summit"]).removeprefix("NATO ").removeprefix("The ").split(" (")[0]
    return f"{summit.removesuffix(' Summit')} {fmt(float(row['value']))}%"


# --- formatting -------------------------------------------------------------------------------


def fmt(value: float, digits: int = 2) -> str:
    """A number without trailing zeros: 2.0 -> "2", 3.5 -> "3.5"."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text or "0"


def names(codes: Iterable[str]) -> list[str]:
    return [country_name(c) for c in codes]


def plain(value: Any, digits: int = 4) -> Any:
    """A JSON-able copy: numpy/pandas scalars to Python, floats rounded, NaN to None."""
    if isinstance(value, Mapping):
        return {str(k): plain(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple | pd.Index | np.ndarray):
        return [plain(v, digits) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return None if math.isnan(number) else round(number, digits)
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    return value


def cite(*pairs: tuple[str, str]) -> list[str]:
    """Citations for (dataset, edition) pairs."""
    return [citation(dataset, edition) for dataset, edition in pairs]


def short_source(*pairs: tuple[str, str]) -> str:
    """A compact source line naming several (dataset, edition) pairs, for under a chart."""
    parts = []
    for dataset, edition in pairs:
        text = citation(dataset, edition)
        title, _, tag = text.rpartition(" [")
        parts.append(f"{title.split(' (')[0]} [{tag}" if title else text)
    return "; ".join(parts)


def with_names(frame: pd.DataFrame, level: str = "iso3") -> pd.DataFrame:
    """Replace an ISO3 index (or index level) by country names for display."""
    out = frame.copy()
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels(
            [country_name(c) for c in out.index.levels[out.index.names.index(level)]],
            level=level,
        )
        out.index = out.index.rename("country", level=level)
    else:
        out.index = pd.Index([country_name(c) for c in out.index], name="country")
    return out


def latest_edition(dataset: str = NATO) -> str:
    """Label of the newest installed edition (or release) of a dataset."""
    return list(editions(dataset))[-1]
