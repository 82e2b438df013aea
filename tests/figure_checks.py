"""Checks of the house rules on a rendered figure, shared by test_plots.py and
test_analyses_figures.py: text inside the canvas and never on top of other text (title, axis
labels, tick labels, annotations, legends, by their extents after layout), data inside the axes,
whole-year ticks, log axes in plain percentages, month ticks with their year, fan charts with a
tick at their end year and bands in words, estimates marked where a plotted series has them, a
title's count equal to what is drawn, no empty axes, a legend for every colour that means
something, title and source."""

from __future__ import annotations

import re
from collections.abc import Sequence

import matplotlib.dates as mdates
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import FillBetweenPolyCollection, PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from burdenshare import plots

FRACTIONAL_YEAR = re.compile(r"^(19|20)\d\d\.\d+$")
PLAIN_PERCENT = re.compile(r"^\d[\d,]*(\.\d+)?%$")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
PERCENTILE = re.compile(r"\bp\d{1,2}\b")
#: A title's count of what is drawn: "9 of 31 allies", "12 allies".
COUNT = re.compile(r"\b(\d+) (?:of (\d+) )?(allies|donors|members)\b")
SHOWN = re.compile(r"\b(\d+) [\w ]*shown\b")
TOLERANCE = 1.0  # pixels


def drawn(fig: Figure) -> Figure:
    """Render as a notebook shows it (layout once, draw once), then attach an Agg canvas so that
    text extents can be measured (the layout is fixed: nothing moves)."""
    plots.render_png(fig)
    FigureCanvasAgg(fig)
    with plots.figure_style():  # measured as drawn
        fig.canvas.draw()
    return fig


def _texts(fig: Figure) -> list[Text]:
    found = list(fig.texts)
    for ax in fig.axes:
        found += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label]
        found += [ax.xaxis.get_offset_text(), ax.yaxis.get_offset_text()]
        found += _tick_labels(ax.xaxis) + _tick_labels(ax.yaxis) + list(ax.texts)
        legend = ax.get_legend()
        if legend is not None:
            found += [*legend.get_texts(), legend.get_title()]
    return [t for t in found if t.get_visible() and t.get_text().strip()]


def _tick_labels(axis) -> list[Text]:
    """Labels of the ticks that are drawn (matplotlib keeps spare ticks beyond the view)."""
    return [tick.label1 for tick in axis._update_ticks() if tick.label1.get_visible()]


def all_texts(fig: Figure) -> list[str]:
    """Every visible text of a figure (title, source, labels, ticks, annotations, legends)."""
    return [t.get_text() for t in _texts(fig)]


def _overlap(a, b) -> bool:
    return (
        min(a.x1, b.x1) - max(a.x0, b.x0) > TOLERANCE
        and min(a.y1, b.y1) - max(a.y0, b.y0) > TOLERANCE
    )


def _legend_colours(ax) -> set[str]:
    legend = ax.get_legend()
    if legend is None:
        return set()
    colours = set()
    for handle in legend.legend_handles:
        for getter in ("get_facecolor", "get_color", "get_markerfacecolor"):
            if hasattr(handle, getter):
                value = getter_value(handle, getter)
                if value is not None:
                    colours.add(value)
    return colours


def getter_value(handle, getter: str) -> str | None:
    value = getattr(handle, getter)()
    try:
        if hasattr(value, "ndim") and value.ndim == 2:
            value = value[0]
        return to_hex(value)
    except (ValueError, TypeError, IndexError):
        return None


def check_legends(fig: Figure) -> None:
    """Every colour that means something (bars, points, labelled lines) is in a legend."""
    for ax in fig.axes:
        bars = {to_hex(p.get_facecolor()) for p in ax.patches if isinstance(p, Rectangle)}
        bars.discard(to_hex(ax.patch.get_facecolor()))
        if len(bars) > 1:
            assert bars <= _legend_colours(ax), f"bar colours {bars} without a legend entry"
        points = set()
        for collection in ax.collections:
            if isinstance(collection, PathCollection) and len(collection.get_offsets()):
                points |= {to_hex(c) for c in collection.get_facecolors()}
        if len(points) > 1:
            assert points <= _legend_colours(ax), f"point colours {points} without a legend"
        lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
        if len({to_hex(line.get_color()) for line in lines}) > 1:
            shown = [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
            assert all(line.get_label() in shown for line in lines), "lines without a legend"


def check_text_apart(fig: Figure) -> None:
    """No two texts (title, source, axis labels, tick labels, annotations, legend entries) run
    into each other, measured by their window extents after layout."""
    renderer = fig.canvas.get_renderer()
    texts = _texts(fig)
    with plots.figure_style():
        boxes = [t.get_window_extent(renderer) for t in texts]
    for i, (a, box_a) in enumerate(zip(texts, boxes, strict=True)):
        for b, box_b in zip(texts[i + 1 :], boxes[i + 1 :], strict=True):
            assert not _overlap(box_a, box_b), (
                f"texts overlap: {a.get_text()[:50]!r} and {b.get_text()[:50]!r}"
            )


def _data_lines(ax) -> list:
    return [
        line
        for line in ax.get_lines()
        if line.get_transform() == ax.transData and line.get_visible() and len(line.get_xdata())
    ]


def _numbers(values) -> np.ndarray:
    """Plotted values as floats (dates as matplotlib date numbers)."""
    array = np.asarray(values)
    if array.dtype.kind == "M" or (
        array.dtype == object and len(array) and hasattr(array.ravel()[0], "year")
    ):
        return np.asarray(mdates.date2num(array), dtype=float)
    return np.asarray(array, dtype=float)


def check_data_inside(fig: Figure) -> None:
    """No line or point is cut off at the edge of its axes (an extrapolation leaving the chart
    ends at its edge, saying what it reaches)."""
    for ax in fig.axes:
        (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
        slack_x, slack_y = 1e-6 * (x1 - x0), 1e-6 * (y1 - y0)
        for line in _data_lines(ax):
            xs, ys = _numbers(line.get_xdata()), _numbers(line.get_ydata())
            keep = np.isfinite(xs) & np.isfinite(ys)
            xs, ys = xs[keep], ys[keep]
            outside = (xs < x0 - slack_x) | (xs > x1 + slack_x)
            outside |= (ys < y0 - slack_y) | (ys > y1 + slack_y)
            assert not outside.any(), (
                f"line {line.get_label()!r} is cut off by the axes at "
                f"{list(zip(xs[outside], ys[outside], strict=True))[:3]}"
            )


def check_log_axes(fig: Figure) -> None:
    """A log axis is labelled in the reader's units (0.1%, 1%, 10%), never 10^-1."""
    for ax in fig.axes:
        for axis, scale in ((ax.xaxis, ax.get_xscale()), (ax.yaxis, ax.get_yscale())):
            if scale != "log":
                continue
            labels = [t.get_text() for t in _tick_labels(axis) if t.get_text()]
            assert labels, "a log axis without tick labels"
            odd = [x for x in labels if not PLAIN_PERCENT.match(x)]
            assert not odd, f"log axis ticks not plain percentages: {odd}"


def _is_date_axis(axis) -> bool:
    formatter = axis.get_major_formatter()
    return isinstance(
        formatter, mdates.DateFormatter | mdates.ConciseDateFormatter | mdates.AutoDateFormatter
    )


def check_date_ticks(fig: Figure) -> None:
    """Every tick of a date axis carries its year ("Apr 2023", not "Apr")."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not _is_date_axis(axis):
                continue
            labels = [t.get_text() for t in _tick_labels(axis) if t.get_text()]
            lacking = [x for x in labels if not YEAR.search(x)]
            assert not lacking, f"date ticks without their year: {labels}"
            assert not axis.get_offset_text().get_text(), "a date axis with an offset text"


def check_fan_charts(fig: Figure) -> None:
    """Percentile bands: a tick at the end year, and the bands said in words ("90% of
    simulations"), never as percentile names (p5-p95)."""
    for ax in fig.axes:
        bands = [c for c in ax.collections if isinstance(c, FillBetweenPolyCollection)]
        if not bands:
            continue
        end = max(float(np.nanmax(c.get_paths()[0].vertices[:, 0])) for c in bands)
        ticks = [t.get_text() for t in _tick_labels(ax.xaxis) if t.get_text()]
        assert f"{end:.0f}" in ticks, f"no tick at the end year {end:.0f}: {ticks}"
        legend = [t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
        named = [x for x in legend if PERCENTILE.search(x)]
        assert not named, f"percentile names in the legend: {named}"
        assert any("of simulations" in x for x in legend), f"bands not in words: {legend}"


def marks_estimates(fig: Figure) -> bool:
    """Whether a legend entry or a note under the chart marks estimates."""
    legends = [t for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    said = [t.get_text() for t in legends] + [fig.get_supxlabel()]
    return any("estimate" in x.lower() for x in said)


def check_estimates(fig: Figure, estimated_years: Sequence[int]) -> None:
    """A figure showing a year whose figures are estimates marks them (``estimated_years``:
    the years its source marks as estimates)."""
    source = fig.get_supxlabel()  # its edition's span is no year the figure shows
    texts = [t for t in all_texts(fig) if t != source]
    shown = {int(x) for x in YEAR.findall(" ".join(texts))} | {
        round(float(v))
        for ax in fig.axes
        for line in _data_lines(ax)
        if not _is_date_axis(ax.xaxis)
        for v in _numbers(line.get_xdata())
        if np.isfinite(v) and 1900 < v < 2200
    }
    overlap = sorted(shown & set(estimated_years))
    assert not overlap or marks_estimates(fig), f"shows estimated years {overlap} unmarked"


def drawn_items(ax) -> int:
    """Countries drawn on an axes: bars, named rows of points (one per country; lanes named
    "country: system" count once), else points."""
    rows = {
        round(p.get_y() + p.get_height() / 2, 6)
        for p in ax.patches
        if isinstance(p, Rectangle) and p.get_width() != 0 and p.get_height() != 0
    }
    offsets = [c.get_offsets() for c in ax.collections if isinstance(c, PathCollection)]
    points = np.concatenate(offsets) if offsets else np.empty((0, 2))
    named_rows = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    if named_rows and not all(re.fullmatch(r"[-−\d.,%]+", x) for x in named_rows):
        return len(rows) or len({x.split(":")[0] for x in named_rows})  # "donor: system" lanes
    return len(rows) or len(points)


def check_title_count(fig: Figure) -> None:
    """A title's "N of M allies" counts what is drawn: M = bars or points plus the members
    named as not shown under the chart, unless the title says how many it shows ("10 largest
    moves shown")."""
    title = plots.title_of(fig)
    found = COUNT.search(title)
    if not found or not found.group(2) or len(fig.axes) != 1:
        return
    ax = fig.axes[0]
    drawn_now = drawn_items(ax)
    if not drawn_now:
        return
    shown = SHOWN.search(title)
    if shown:  # a filtered chart says how many it shows
        assert int(shown.group(1)) == drawn_now, f"title says {shown.group(0)!r}, {drawn_now} drawn"
        return
    note = re.search(r"Not shown \([^)]*\): ([^.]*)\.", fig.get_supxlabel().replace("\n", " "))
    named = len(note.group(1).split(", ")) if note else 0
    assert int(found.group(2)) == drawn_now + named, (
        f"title counts {found.group(2)} but {drawn_now} are drawn and {named} named as not shown"
    )


def check_not_empty(fig: Figure) -> None:
    """Every axes shows something other than zero (an ally with nothing to plot gets a
    sentence, not an empty chart)."""
    for ax in fig.axes:
        values = [_numbers(line.get_ydata()) for line in _data_lines(ax)]
        values += [np.array([p.get_width()]) for p in ax.patches if isinstance(p, Rectangle)]
        values += [
            np.asarray(c.get_offsets(), dtype=float)[:, 1]
            for c in ax.collections
            if isinstance(c, PathCollection) and len(c.get_offsets())
        ]
        flat = np.concatenate(values) if values else np.array([])
        flat = flat[np.isfinite(flat)]
        assert (flat != 0).any(), "an axes with nothing but zeros or nothing at all"


def check_figure(fig: Figure, estimated_years: Sequence[int] = ()) -> None:
    """All house rules on one figure (renders it first); ``estimated_years``: the years the
    figure's source marks as estimates."""
    drawn(fig)
    with plots.figure_style():  # text measured as drawn
        _check_drawn(fig, estimated_years)


def _check_drawn(fig: Figure, estimated_years: Sequence[int]) -> None:
    renderer = fig.canvas.get_renderer()
    canvas = fig.bbox
    assert plots.title_of(fig).strip(), "no title"
    assert "Source: " in fig.get_supxlabel(), "no source line"
    for text in _texts(fig):
        box = text.get_window_extent(renderer)
        inside = (
            box.x0 >= canvas.x0 - TOLERANCE
            and box.x1 <= canvas.x1 + TOLERANCE
            and box.y0 >= canvas.y0 - TOLERANCE
            and box.y1 <= canvas.y1 + TOLERANCE
        )
        assert inside, f"text {text.get_text()[:60]!r} is clipped: {box} outside {canvas}"
    for ax in fig.axes:
        ticks = [t for t in _tick_labels(ax.xaxis) if t.get_text()]
        labels = [t.get_text() for t in ticks]
        assert not [x for x in labels if FRACTIONAL_YEAR.match(x)], f"fractional years {labels}"
        assert not ax.xaxis.get_offset_text().get_text(), "offset notation on the x axis"
        boxes = [t.get_window_extent(renderer) for t in ticks]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not _overlap(a, b), f"x tick labels run into each other: {labels}"
        notes = [t.get_window_extent(renderer) for t in ax.texts if t.get_text().strip()]
        for i, a in enumerate(notes):
            for b in notes[i + 1 :]:
                assert not _overlap(a, b), "labels on the chart overlap"
    check_legends(fig)
    check_text_apart(fig)
    check_data_inside(fig)
    check_log_axes(fig)
    check_date_ticks(fig)
    check_fan_charts(fig)
    check_estimates(fig, estimated_years)
    check_title_count(fig)
    check_not_empty(fig)
