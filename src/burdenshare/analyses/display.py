"""Showing an analysis in a notebook: tables with readable headers, figures as PNG, Markdown.

``show(table, name=...)`` displays the table with readable headers that carry units ("Share of
GDP (%)") and puts its machine-readable CSV (original column names) in the output metadata,
``{"burdenshare_table": {"name": ..., "csv": ...}}``; ``show(figure, name=...)`` displays the
figure as PNG with ``{"burdenshare_figure": {"name": ..., "title": ..., "csv": ...}}`` in the metadata (the
data the figure draws; the report site offers the CSVs for download and leads with the first
figure).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
from IPython.display import Image, Markdown, display
from matplotlib.figure import Figure

from .. import plots
from ..errors import ParameterError
from .reader import reader_frame

TABLE_KEY = "burdenshare_table"
FIGURE_KEY = "burdenshare_figure"

#: Headers of columns whose name the rules below would not read well.
HEADERS: dict[str, str] = {
    "share_gdp_pct": "Share of GDP (%)",
    "nato_share_gdp_pct": "NATO: share of GDP (%)",
    "sipri_share_gdp_pct": "SIPRI: share of GDP (%)",
    "nato_estimate": "NATO estimate",
    "real_change_pct": "Real change (% a year)",
    "required_real_growth_pct": "Required real growth (% a year)",
    "recent_real_growth_pct": "Recent real growth (% a year)",
    "pct_of_defence": "Share of defence spending (%)",
    "defexp_usd_current_m": "Defence expenditure (million US$, current prices)",
    "defexp_share_gdp_pct": "Defence expenditure (% of GDP)",
    "burden_index": "Burden index (share of spending / share of GDP)",
    "hhi": "Herfindahl index (0-10,000)",
    "ratio": "Allocated / committed",
    "top_n": "Top n",
    "spending_share_pct": "Share of alliance defence spending (%)",
    "gdp_share_pct": "Share of alliance GDP (%)",
    "share_pct": "Share of GDP (%)",
    "target_pct": "Target (% of GDP)",
    "trend_share_pct": "If recent real growth continued (% of GDP, extrapolation)",
    "defence_usd_m": "Defence expenditure (million US$, current prices)",
    "support_usd_m": "Military aid (million US$, current prices)",
}
#: Unit suffixes of column names, longest first, and how a header says them.
UNITS: tuple[tuple[str, str], ...] = (
    ("_usd_constant_m", "million US$, constant prices"),
    ("_usd_current_m", "million US$, current prices"),
    ("_usd_bn_upper", "US$ bn, upper bound"),
    ("_usd_m", "million US$"),
    ("_usd_bn", "US$ bn"),
    ("_eur_bn", "EUR bn"),
    ("_bn", "bn"),
    ("_pct", "%"),
    ("_pp", "pp"),
)
WORDS = {
    "gdp": "GDP",
    "nato": "NATO",
    "sipri": "SIPRI",
    "us": "US",
    "eu": "EU",
    "purl": "PURL",
    "iso3": "ISO3",
    "url": "URL",
    "id": "ID",
}


def readable(column: object, headers: Mapping[str, str] | None = None) -> str:
    """A header for a column name: an explicit one, else the name's words with its unit.

    ``"gap_usd_current_m"`` -> ``"Gap (million US$, current prices)"``, ``"share_pct"`` ->
    ``"Share (%)"``; text that is not a snake_case name is kept as given.
    """
    text = str(column)
    found = (headers or {}).get(text) or HEADERS.get(text)
    if found:
        return found
    percentile = re.fullmatch(r"p(\d{1,2})", text)
    if percentile:
        return f"Percentile {percentile.group(1)}"
    money = re.fullmatch(r"([a-z_]+)_([A-Z]{3})_current_m", text)
    if money:
        return f"{readable(money.group(1))} (million {money.group(2)}, current prices)"
    if not re.fullmatch(r"[a-z0-9_]+", text):
        return text
    unit = next(((suffix, said) for suffix, said in UNITS if text.endswith(suffix)), None)
    base = text.removesuffix(unit[0]) if unit else text
    words = " ".join(WORDS.get(w, w) for w in base.split("_") if w)
    words = words[:1].upper() + words[1:]
    return f"{words} ({unit[1]})" if unit else words


def readable_table(table: pd.DataFrame, headers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``table`` with readable column and index headers (values unchanged)."""
    out = table.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.MultiIndex.from_tuples(
            [tuple(readable(c, headers) for c in col) for col in out.columns],
            names=[readable(n, headers) if n else n for n in out.columns.names],
        )
    else:
        out.columns = [readable(c, headers) for c in out.columns]
    out.index = out.index.set_names([readable(n, headers) if n else n for n in out.index.names])
    return out


def show(
    item: pd.DataFrame | pd.Series | Figure | str,
    *,
    name: str | None = None,
    headers: Mapping[str, str] | None = None,
    missing: str | None = None,
) -> None:
    """Display a table, a figure (as PNG, no repr text) or Markdown text in a notebook.

    Tables and figures need a ``name`` (the file stem of their download on the report site).
    ``headers`` overrides the readable header of given columns; a table shows reader values
    (:func:`burdenshare.analyses.reader.reader_frame`), ``missing`` saying why a value is missing.
    """
    if isinstance(item, str):
        display(Markdown(item))
        return
    if not name:
        raise ParameterError("Parameter 'name' is required to show a table or a figure.")
    if isinstance(item, Figure):
        meta = {FIGURE_KEY: {"name": name, "title": plots.title_of(item)}}
        data = plots.data_of(item)
        if data is not None:  # the data behind the figure, for a CSV download beside it
            meta[FIGURE_KEY]["csv"] = data.to_csv()
        display(Image(data=plots.render_png(item), format="png"), metadata=meta)
        return
    table = item.to_frame() if isinstance(item, pd.Series) else item
    meta = {TABLE_KEY: {"name": name, "csv": table.to_csv()}}
    label = f"Table: {name.replace('_', ' ')}"
    display(reader_frame(table, headers, missing=missing, label=label), metadata=meta)


def png_bytes(fig: Figure) -> bytes:
    """The figure rendered as PNG (laid out once, drawn once), for saving or checking."""
    return plots.render_png(fig)
