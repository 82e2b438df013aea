"""Checks of the house rules on a rendered figure, shared by test_plots.py and
test_analyses_figures.py: text inside the canvas, whole-year ticks, tick labels and labels that
do not run into each other, a legend for every colour that means something, title and source."""

from __future__ import annotations

import re

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from burdenshare import plots

FRACTIONAL_YEAR = re.compile(r"^(19|20)\d\d\.\d+$")
TOLERANCE = 1.0  # pixels


def drawn(fig: Figure) -> Figure:
    """Render as a notebook shows it (layout once, draw once), then attach an Agg canvas so that
    text extents can be measured (the layout is fixed: nothing moves)."""
    plots.render_png(fig)
    FigureCanvasAgg(fig)
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


def check_figure(fig: Figure) -> None:
    """All house rules on one figure (renders it first)."""
    drawn(fig)
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
