"""Figure builders in one house style. Each returns a matplotlib Figure and never shows it.

House style: a title that states the finding (the caller passes it, computed from the data), axis
labels with units, labelled target lines, estimates drawn distinctly (hatched bars, dashed lines,
open markers), a source line under every chart, the Okabe-Ito colour-blind-safe palette, and
countries labelled by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .countries import name as country_name

#: Okabe & Ito (2008) colour-blind-safe palette.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#000000",  # black
)
TARGET_COLOURS: tuple[str, ...] = ("#D55E00", "#CC79A7", "#000000")


def _new_figure(width: float = 9.0, height: float = 5.0) -> tuple[Figure, Axes]:
    """A pyplot-free figure (no global state, never shown implicitly) with the house axes."""
    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.grid(True, alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def _finish(fig: Figure, ax: Axes, title: str, source: str, title_pad: float = 6.0) -> Figure:
    """Title, source line and layout; ``title_pad`` leaves room for labels on the top edge."""
    ax.set_title(title, loc="left", fontsize=12, fontweight="bold", pad=title_pad)
    fig.get_layout_engine().set(rect=(0, 0.05, 1, 0.95))
    fig.text(0.01, 0.01, f"Source: {source}", ha="left", va="bottom", fontsize=8, color="#444444")
    return fig


def add_target_lines(ax: Axes, targets: Mapping[str, float], horizontal: bool = True) -> None:
    """Draw and label one line per target, e.g. ``{"Wales 2%": 2.0, "Hague core 3.5%": 3.5}``."""
    for (label, value), colour in zip(targets.items(), TARGET_COLOURS * 3, strict=False):
        if horizontal:
            ax.axhline(value, color=colour, linestyle="--", linewidth=1.2)
            ax.annotate(
                label,
                xy=(1.0, value),
                xycoords=("axes fraction", "data"),
                xytext=(2, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=colour,
            )
        else:
            ax.axvline(value, color=colour, linestyle="--", linewidth=1.2)
            ax.annotate(
                label,
                xy=(value, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color=colour,
            )


def ranking_bars(
    values: pd.Series,
    *,
    title: str,
    xlabel: str,
    source: str,
    estimate: pd.Series | None = None,
    targets: Mapping[str, float] | None = None,
    highlight: Sequence[str] = (),
) -> Figure:
    """Horizontal bars, largest on top, one per country (index = ISO3 or special code).

    Estimated values (``estimate`` True) are hatched; ``highlight`` codes get the accent colour.
    """
    ordered = values.dropna().sort_values()
    fig, ax = _new_figure(9.0, max(4.0, 0.24 * len(ordered) + 1.5))
    est = (
        estimate.reindex(ordered.index).fillna(False).astype(bool)
        if estimate is not None
        else pd.Series(False, index=ordered.index)
    )
    colours = [PALETTE[1] if code in highlight else PALETTE[0] for code in ordered.index]
    bars = ax.barh([country_name(c) for c in ordered.index], ordered.to_numpy(), color=colours)
    for bar, is_est in zip(bars, est, strict=True):
        if is_est:
            bar.set_hatch("///")
            bar.set_alpha(0.75)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    if targets:
        add_target_lines(ax, targets, horizontal=False)
    if est.any():
        ax.legend(
            handles=[Patch(facecolor=PALETTE[0]), Patch(facecolor=PALETTE[0], hatch="///")],
            labels=["actual", "estimate"],
            loc="lower right",
        )
    return _finish(fig, ax, title, source, title_pad=16.0 if targets else 6.0)


def time_lines(
    frame: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    source: str,
    estimate: pd.DataFrame | None = None,
    targets: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """One line per column over the index (years or dates).

    Where ``estimate`` (same shape, booleans) is True the line continues dashed with open markers.
    Column names that are country codes are labelled by country name unless ``labels`` says otherwise.
    """
    fig, ax = _new_figure()
    for column, colour in zip(frame.columns, PALETTE * 4, strict=False):
        series = frame[column].dropna()
        if series.empty:
            continue
        label = (labels or {}).get(str(column)) or _label(str(column))
        est = (
            estimate[column].reindex(series.index).fillna(False).astype(bool)
            if estimate is not None and column in estimate
            else pd.Series(False, index=series.index)
        )
        actual = series[~est]
        ax.plot(
            actual.index, actual.to_numpy(), color=colour, marker="o", markersize=3, label=label
        )
        if est.any():
            # connect the last actual point to the estimates
            first_est = series.index.get_loc(est[est].index[0])
            tail = series.iloc[max(first_est - 1, 0) :]
            tail_est = est.iloc[max(first_est - 1, 0) :]
            ax.plot(tail.index, tail.to_numpy(), color=colour, linestyle="--", linewidth=1.2)
            ax.plot(
                tail[tail_est].index,
                tail[tail_est].to_numpy(),
                linestyle="none",
                marker="o",
                markersize=4,
                markerfacecolor="white",
                color=colour,
            )
    if targets:
        add_target_lines(ax, targets)
    ax.set_ylabel(ylabel)
    if len(frame.columns) > 1 or estimate is not None:
        ax.legend(loc="best", fontsize=8)
    return _finish(fig, ax, title, source)


def fan_chart(
    bands: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    source: str,
    median: str = "p50",
    band_pairs: Sequence[tuple[str, str]] = (("p5", "p95"), ("p25", "p75")),
    history: pd.Series | None = None,
    targets: Mapping[str, float] | None = None,
) -> Figure:
    """Percentile bands over years (columns such as p5, p25, p50, p75, p95), with history."""
    fig, ax = _new_figure()
    if history is not None:
        ax.plot(
            history.index,
            history.to_numpy(),
            color=PALETTE[7],
            marker="o",
            markersize=3,
            label="history",
        )
    for (low, high), alpha in zip(band_pairs, (0.2, 0.35), strict=False):
        ax.fill_between(
            bands.index,
            bands[low],
            bands[high],
            color=PALETTE[0],
            alpha=alpha,
            label=f"{low}–{high}",
        )
    ax.plot(bands.index, bands[median], color=PALETTE[0], label=median)
    if targets:
        add_target_lines(ax, targets)
    ax.set_ylabel(ylabel)
    ax.legend(loc="upper left", fontsize=8)
    return _finish(fig, ax, title, source)


def scatter_labelled(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    source: str,
    diagonal: bool = False,
) -> Figure:
    """Scatter of two columns, each point labelled by country name (index = codes)."""
    fig, ax = _new_figure(8.0, 6.0)
    ax.scatter(frame[x], frame[y], color=PALETTE[0])
    for code, row in frame.iterrows():
        ax.annotate(
            _label(str(code)),
            (row[x], row[y]),
            fontsize=7,
            xytext=(3, 2),
            textcoords="offset points",
        )
    if diagonal:
        top = float(max(frame[x].max(), frame[y].max()))
        ax.plot(
            [0, top], [0, top], color="#888888", linestyle=":", linewidth=1, label="equal shares"
        )
        ax.legend(loc="upper left", fontsize=8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return _finish(fig, ax, title, source)


def stacked_bars(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    source: str,
) -> Figure:
    """Horizontal stacked bars: rows = countries (codes), columns = components (e.g. aid types)."""
    ordered = frame.loc[frame.sum(axis=1).sort_values().index]
    fig, ax = _new_figure(9.0, max(4.0, 0.24 * len(ordered) + 1.5))
    left = pd.Series(0.0, index=ordered.index)
    names = [_label(str(c)) for c in ordered.index]
    for column, colour in zip(ordered.columns, PALETTE, strict=False):
        ax.barh(
            names,
            ordered[column].fillna(0.0).to_numpy(),
            left=left.to_numpy(),
            color=colour,
            label=str(column),
        )
        left = left + ordered[column].fillna(0.0)
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", fontsize=8)
    return _finish(fig, ax, title, source)


def _label(code: str) -> str:
    try:
        return country_name(code)
    except Exception:  # not a country code: keep the text as given
        return code
