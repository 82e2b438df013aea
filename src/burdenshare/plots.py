"""Figure builders in one house style. Each returns a matplotlib Figure and never shows it.

Rules every builder follows (tests/test_plots.py and tests/test_analyses_figures.py check them):

- the title states the finding (the caller computes it from the data); it wraps, never clips;
- a source line under every chart, wrapped to the figure's width, never clipped; members the
  chart cannot show (no figure) are named in a line above it;
- annual data get whole-year ticks (2022, 2023, never 2022.5) and no offset notation;
- shares and amounts start at zero (a zero line where values go negative);
- every colour that means something has a legend entry or a direct label (target lines are
  labelled, highlighted bars are in the legend, estimates are hatched/dashed with a legend entry);
- an extrapolation is drawn dotted, says so in the legend and never sets the axis range; one
  that leaves the chart ends at its edge with an arrowhead and says what it reaches;
- no text runs into another (long axis labels wrap to their axis); log axes read 0.1%, 1%, 10%;
  every date tick carries its year; a fan chart ticks its end year and names its bands by the
  share of simulations they hold;
- estimates are marked (hatched bars, dashed lines with open markers, open points) wherever a
  plotted series has them; a title's count is what the chart draws (or says how many it shows);
  a chart with nothing but zeros is not drawn (the caller says so in a sentence);
- countries are labelled by name (possessives right: "United States'", "Poland's");
- the Okabe-Ito colour-blind-safe palette.

Layout: figures use matplotlib's constrained layout; :func:`render_png` lays a figure out once and
draws it once (matplotlib's ``savefig`` would otherwise run a separate layout draw first). Text is
measured and drawn without font hinting (:data:`FIGURE_RC`), whatever the caller's matplotlib
settings.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import textwrap
from collections.abc import Iterable, Iterator, Mapping, Sequence

import matplotlib
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import PIL.Image
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from .countries import name as country_name
from .errors import ParameterError

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
GREY = "#999999"
SOURCE_COLOUR = "#444444"
DPI = 100
#: zlib level of the PNGs :func:`render_png` writes (lossless at every level). Measured on the
#: country profiles' figures: 3 compresses in 7.3 ms a figure against 10.4 ms for Pillow's default
#: (6), for files 2.6% larger.
PNG_COMPRESS_LEVEL = 3
#: matplotlib settings every figure here is measured and drawn with (:func:`figure_style`).
#: Text is not hinted. Hinting (matplotlib 3.11's default) runs each glyph's TrueType
#: instructions to fit it to the pixel grid; in a default report run that was about half of
#: FreeType's time. Unhinted glyphs follow their outlines: edges a little softer, text widths up
#: to 2% different. A country profile's four figures render in 0.32 s instead of 0.37 s.
FIGURE_RC: dict[str, str] = {"text.hinting": "none"}
#: Font size of notes beside timeline markers, and their heights above a lane (lanes are 1 apart).
NOTE_SIZE = 7
NOTE_LEVELS = (0.25, 0.47, -0.27, 0.69, -0.49)
#: Characters per line of a lane label in :func:`timeline` (two lines at most).
LANE_WIDTH = 34


# --- words ------------------------------------------------------------------------------------


def possessive(name: str) -> str:
    """English possessive of a name: "Poland" -> "Poland's", "United States" -> "United States'"."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def label_of(code: str) -> str:
    """A country's name for a code (ISO3 or special code); other text is kept as given."""
    try:
        return country_name(code)
    except Exception:  # not a country code: keep the text as given
        return code


def data_of(fig: Figure) -> pd.DataFrame | None:
    """The data a figure draws (as its builder received it), or None for a figure built
    elsewhere."""
    found = getattr(fig, "burdenshare_data", None)
    return found if isinstance(found, pd.DataFrame) else None


def title_of(fig: Figure) -> str:
    """The finding title of a figure built here."""
    return getattr(fig, "burdenshare_title", fig.get_suptitle())


# --- figure frame -----------------------------------------------------------------------------


def _new_figure(width: float = 9.0, height: float = 5.0, ncols: int = 1) -> tuple[Figure, list]:
    """A pyplot-free figure (no global state, never shown implicitly) with the house axes."""
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)  # layout and drawing share one renderer (and its text measurements)
    axes = list(np.atleast_1d(fig.subplots(1, ncols, squeeze=False)).ravel())
    for ax in axes:
        ax.grid(True, alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, axes


@contextlib.contextmanager
def figure_style() -> Iterator[None]:
    """Within this block, text is measured and drawn as figures here are (:data:`FIGURE_RC`);
    the caller's own settings come back after it. Only those keys are saved and set: a whole
    ``matplotlib.rc_context`` copies every setting, which cost more than a narrow text it wraps
    takes to measure."""
    saved = {key: matplotlib.rcParams[key] for key in FIGURE_RC}
    if saved == FIGURE_RC:  # already in the style (a nested block)
        yield
        return
    matplotlib.rcParams.update(FIGURE_RC)
    try:
        yield
    finally:
        matplotlib.rcParams.update(saved)


@functools.cache
def _measurer() -> RendererAgg:
    """An Agg renderer used only to measure text (the one that draws the PNG measures alike)."""
    return RendererAgg(1, 1, DPI)


@functools.cache
def _text_width(text: str, size: float, bold: bool) -> float:
    """Width of one line of text in pixels at :data:`DPI`."""
    prop = FontProperties(size=size, weight="bold" if bold else "normal")
    with figure_style():
        width, _, _ = _measurer().get_text_width_height_descent(text, prop, ismath=False)
    return width


def fit_text(text: str, width_px: float, size: float, bold: bool = False) -> str:
    """``text`` broken into lines no wider than ``width_px`` (measured with the font that draws
    it), keeping its own line breaks; a word wider than the line gets a line of its own.
    Wrapping here rather than at draw time keeps a figure's layout to one pass.

    This is the greedy wrap (each line the longest run of words that fits) with few
    measurements, since each one lays the whole run out glyph by glyph: a paragraph is measured
    whole first (most fit on one line), and each line then starts from the break its characters'
    average width predicts and moves a word at a time until the next word would not fit. A run
    only widens as words are added, so the result is the same as adding one word at a time.
    """
    return "\n".join(
        line
        for paragraph in text.split("\n")
        for line in _wrap(paragraph.split(" "), width_px, size, bold)
    )


def _wrap(words: list[str], width_px: float, size: float, bold: bool) -> list[str]:
    """The lines of one paragraph's ``words`` (see :func:`fit_text`)."""

    def fits(first: int, stop: int) -> bool:
        return _text_width(" ".join(words[first:stop]), size, bold) <= width_px

    paragraph = " ".join(words)
    whole = _text_width(paragraph, size, bold)
    if whole <= width_px:
        return [paragraph]
    per_char = whole / max(len(paragraph), 1)
    lines, start = [], 0
    while start < len(words):
        stop, used = start + 1, len(words[start])  # words[start:stop] is the guess
        while stop < len(words) and (used + 1 + len(words[stop])) * per_char <= width_px:
            used += 1 + len(words[stop])
            stop += 1
        if fits(start, stop):
            while stop < len(words) and fits(start, stop + 1):
                stop += 1
        else:
            while stop > start + 1:
                stop -= 1
                if fits(start, stop):
                    break
        lines.append(" ".join(words[start:stop]))
        start = stop
    return lines


def _finish(
    fig: Figure,
    title: str,
    source: str,
    footnotes: Sequence[str] = (),
    *,
    data: pd.DataFrame | pd.Series | None = None,
) -> Figure:
    """Finding title on top, footnotes and the source line at the bottom, both wrapped to the
    figure's width; :func:`title_of` returns the title as given and :func:`data_of` the data the
    figure draws (``data``), which a report offers as a CSV download beside the figure."""
    if data is not None:
        frame = data.to_frame() if isinstance(data, pd.Series) else data
        fig.burdenshare_data = frame.copy()
    width = fig.get_figwidth() * DPI * 0.98 - 8
    fig.suptitle(
        fit_text(title, width, 12, bold=True),
        x=0.01,
        ha="left",
        fontsize=12,
        fontweight="bold",
        parse_math=False,
    )
    fig.burdenshare_title = title  # the unwrapped finding
    foot = "\n".join([*footnotes, f"Source: {source}"])
    fig.supxlabel(
        fit_text(foot, width, 8),
        x=0.01,
        ha="left",
        fontsize=8,
        color=SOURCE_COLOUR,
        linespacing=1.3,
        parse_math=False,
    )
    return fig


def lay_out(fig: Figure) -> Figure:
    """Run the figure's layout once (text measured in :func:`figure_style`) and fix it, so that
    the next draw is the only one."""
    engine = fig.get_layout_engine()
    if engine is not None:
        with figure_style():
            engine.execute(fig)
        fig.set_layout_engine(None)
    return fig


def render_png(fig: Figure) -> bytes:
    """The figure as PNG: laid out once (:func:`lay_out`) and drawn once.

    matplotlib draws RGBA pixels. An opaque figure (every figure built here) is written as RGB
    at :data:`PNG_COMPRESS_LEVEL`: the same pixels without an alpha channel that says nothing, a
    tenth smaller and quicker to compress. A figure with any transparent pixel, or one
    matplotlib did not draw on an Agg canvas, is written by matplotlib as it is (RGBA).
    """
    raw = io.BytesIO()
    with figure_style():  # laid out and drawn as its text was measured
        lay_out(fig)
        fig.savefig(raw, format="raw", dpi=DPI)  # matplotlib's own path: facecolor, dpi, one draw
        drew = getattr(fig.canvas, "renderer", None)  # an Agg canvas keeps the renderer that drew
        if (
            not isinstance(drew, RendererAgg)
            or drew.dpi != DPI
            or int(drew.width) * int(drew.height) * 4 != raw.getbuffer().nbytes
        ):
            png = io.BytesIO()
            fig.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
            return png.getvalue()
    pixels = np.frombuffer(raw.getbuffer(), dtype=np.uint8)
    pixels = pixels.reshape(int(drew.height), int(drew.width), 4)
    opaque = bool((pixels[:, :, 3] == 255).all())
    image = PIL.Image.fromarray(pixels[:, :, :3] if opaque else pixels, "RGB" if opaque else "RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format="png", dpi=(DPI, DPI), compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


# --- axis rules -------------------------------------------------------------------------------


def _is_annual(index: pd.Index) -> bool:
    return pd.api.types.is_integer_dtype(index) or (
        pd.api.types.is_float_dtype(index) and len(index) and bool((index % 1 == 0).all())
    )


def _year_ticks(ax: Axes, years: Iterable[int], axis: str = "x") -> None:
    """Whole-year ticks, no offset: every year when there are few, else whole-number steps."""
    span = sorted({int(y) for y in years})
    target = ax.xaxis if axis == "x" else ax.yaxis
    if span and span[-1] - span[0] <= 12:
        target.set_ticks(range(span[0], span[-1] + 1))
    elif span:  # counted back from the last year, so that the end of the data has its tick
        step = next(s for s in (2, 5, 10, 20, 25, 50, 100) if (span[-1] - span[0]) / s <= 10)
        target.set_ticks(range(span[-1], span[0] - 1, -step)[::-1])
    else:
        target.set_major_locator(MaxNLocator(integer=True, nbins=10))
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f}"))
    if len(span) == 1:
        low, high = (span[0] - 1, span[0] + 1)
        (ax.set_xlim if axis == "x" else ax.set_ylim)(low, high)


def _date_ticks(ax: Axes, axis: str = "x") -> None:
    """Dates on an axis: a few ticks, each with its year ("Jul 2024", or "2024" at a new year),
    never a month alone, and no offset text."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    locator.intervald[mdates.MONTHLY] = [1, 2, 3, 6, 12]  # a spread fitting six ticks or fewer
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_locator(locator)
    formats = ["%Y", "%b %Y", "%d %b %Y", "%d %b %Y %H:%M", "%d %b %Y %H:%M", "%d %b %Y %H:%M"]
    zero = ["", "%Y", "%b %Y", "%d %b %Y", "%d %b %Y %H:%M", "%d %b %Y %H:%M"]
    target.set_major_formatter(
        mdates.ConciseDateFormatter(locator, formats=formats, zero_formats=zero, show_offset=False)
    )


def _time_axis(ax: Axes, index: pd.Index) -> None:
    """Whole years for annual data, concise dates for dates."""
    if _is_annual(index):
        _year_ticks(ax, index)
    elif isinstance(index, pd.DatetimeIndex) or pd.api.types.is_datetime64_any_dtype(index):
        _date_ticks(ax)


def _axis_label(ax: Axes, text: str, axis: str = "y") -> None:
    """An axis label wrapped to the length of its axis once laid out (a long y label would
    otherwise run past the axes into the title)."""
    fig = ax.get_figure()
    width, height = fig.get_size_inches() * DPI
    length = (0.68 * height if axis == "y" else 0.8 * width / max(len(fig.axes), 1)) - 10
    label = fit_text(text, length, 10)
    (ax.set_ylabel if axis == "y" else ax.set_xlabel)(label, parse_math=False)


def _percent_log_axes(ax: Axes) -> None:
    """Log axes labelled in the reader's units: 0.01%, 0.1%, 1%, 10% (never 10^-2)."""
    for target in (ax.xaxis, ax.yaxis):
        target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.10g}%"))
        target.set_minor_formatter(NullFormatter())


def _zero_based(ax: Axes, values: Iterable[float], axis: str = "y") -> None:
    """Amounts and shares start at zero; where values go negative, zero gets a line."""
    finite = [v for v in np.asarray(list(values), dtype=float).ravel() if np.isfinite(v)]
    if not finite:
        return
    if min(finite) >= 0:
        (ax.set_ylim if axis == "y" else ax.set_xlim)(0, None)
    elif max(finite) <= 0:
        (ax.set_ylim if axis == "y" else ax.set_xlim)(None, 0)
    else:
        (ax.axhline if axis == "y" else ax.axvline)(0, color="#333333", linewidth=0.8)


def _missing_note(missing: Sequence[str], what: str) -> list[str]:
    return [f"Not shown ({what}): {', '.join(label_of(c) for c in missing)}."] if missing else []


def add_target_lines(
    ax: Axes, targets: Mapping[str, float], horizontal: bool = True
) -> list[Line2D]:
    """Draw one dashed line per target, e.g. ``{"Wales 2%": 2.0, "Hague core 3.5%": 3.5}``.

    Call :func:`label_targets` once the axis range is final: it labels the lines directly at
    the edge of the axes, or hands them to the legend where two labels would collide.
    """
    draw = ax.axhline if horizontal else ax.axvline
    return [
        draw(value, color=colour, linestyle="--", linewidth=1.2, label=label)
        for (label, value), colour in zip(targets.items(), TARGET_COLOURS * 7, strict=False)
    ]


def _crowded(ax: Axes, lines: Sequence[Line2D], horizontal: bool) -> bool:
    """Whether two target labels would overlap at the edge of the axes (an estimate)."""
    low, high = ax.get_ylim() if horizontal else ax.get_xlim()
    width_px, height_px = (ax.get_figure().get_size_inches() * DPI * (0.8, 0.7)).tolist()
    spots = sorted(
        ((line.get_ydata() if horizontal else line.get_xdata())[0], line.get_label())
        for line in lines
    )
    for (a, label_a), (b, label_b) in itertools.pairwise(spots):
        gap_px = abs(b - a) / (high - low) * (height_px if horizontal else width_px)
        needed = 14.0 if horizontal else 2.7 * (len(label_a) + len(label_b)) + 8.0
        if gap_px < needed:
            return True
    return False


def label_targets(ax: Axes, lines: Sequence[Line2D], horizontal: bool = True) -> list[Line2D]:
    """Label target lines at the edge of the axes; if labels would collide, return the lines so
    that the caller puts them in the legend instead (never two labels on top of each other)."""
    if not lines or _crowded(ax, lines, horizontal):
        return list(lines)
    for line in lines:
        label, colour = line.get_label(), line.get_color()
        if horizontal:
            xy, offset, align = (1.0, line.get_ydata()[0]), (2, 0), {"va": "center"}
            coords = ("axes fraction", "data")
        else:
            xy, offset, align = (line.get_xdata()[0], 1.0), (0, 2), {"ha": "center"}
            coords = ("data", "axes fraction")
        ax.annotate(
            label,
            xy=xy,
            xycoords=coords,
            xytext=offset,
            textcoords="offset points",
            fontsize=8,
            color=colour,
            **align,
        )
        line.set_label(f"_{label}")  # labelled on the chart: not again in the legend
    return []


# --- builders ---------------------------------------------------------------------------------


def _bar_colours(
    codes: Sequence[str], groups: Mapping[str, Iterable[str]], others: str | None
) -> tuple[list[str], list[Patch]]:
    """Colour per bar and the legend patches: one colour per group, ``others`` for the rest."""
    colour_of: dict[str, str] = {}
    handles = []
    for (label, members), colour in zip(groups.items(), PALETTE[1:], strict=False):
        shown = [c for c in members if c in codes and c not in colour_of]
        colour_of.update(dict.fromkeys(shown, colour))
        if shown:  # a legend entry only for a colour on the chart
            handles.append(Patch(facecolor=colour, label=label))
    rest = [c for c in codes if c not in colour_of]
    if groups and rest:
        if not others:
            raise ParameterError(
                "Parameter 'others' must name the bars outside every group (their colour "
                "means something once some bars are highlighted)."
            )
        handles.insert(0, Patch(facecolor=PALETTE[0], label=others))
    return [colour_of.get(c, PALETTE[0]) for c in codes], handles


def ranking_bars(
    values: pd.Series,
    *,
    title: str,
    xlabel: str,
    source: str,
    estimate: pd.Series | None = None,
    targets: Mapping[str, float] | None = None,
    groups: Mapping[str, Iterable[str]] | None = None,
    others: str | None = None,
    missing: str = "no figure",
) -> Figure:
    """Horizontal bars, largest on top, one per country (index = ISO3 or special code).

    A NaN value is a member without a figure: it is named under the chart (``missing`` says
    why). ``groups`` maps a legend label to the codes drawn in its colour; ``others`` labels the
    remaining bars. Estimated values (``estimate`` True) are hatched and get a legend entry.
    """
    ordered = values.dropna().sort_values()
    absent = [str(c) for c in values.index[values.isna()]]
    fig, (ax,) = _new_figure(9.0, max(4.0, 0.24 * len(ordered) + 2.0))
    est = (
        estimate.reindex(ordered.index).fillna(False).astype(bool)
        if estimate is not None
        else pd.Series(False, index=ordered.index)
    )
    colours, handles = _bar_colours(list(ordered.index), groups or {}, others)
    bars = ax.barh([label_of(c) for c in ordered.index], ordered.to_numpy(), color=colours)
    for bar, is_est in zip(bars, est, strict=True):
        if is_est:
            bar.set_hatch("///")
            bar.set_alpha(0.75)
    if est.any():
        handles.append(Patch(facecolor="white", edgecolor="#333333", hatch="///", label="estimate"))
    ax.set_xlabel(xlabel)
    ax.grid(axis="y", visible=False)
    lines = add_target_lines(ax, targets or {}, horizontal=False)  # before the range is set
    _zero_based(ax, ordered, axis="x")
    handles += label_targets(ax, lines, horizontal=False)
    if handles:
        ax.legend(handles=handles, loc="lower right", fontsize=8)
    data = pd.DataFrame({"value": values})
    if estimate is not None:
        data["estimate"] = estimate.reindex(values.index)
    return _finish(fig, title, source, _missing_note(absent, missing), data=data)


def _estimate_entry(ax: Axes) -> None:
    """The legend entry of estimated points: dashed, open markers (as :func:`_draw_series`)."""
    ax.plot(
        [], [], color=GREY, linestyle="--", marker="o", markerfacecolor="white", label="estimate"
    )


def _draw_series(
    ax: Axes, series: pd.Series, est: pd.Series, colour: str, label: str, style: str = "-"
) -> None:
    """One series: solid for actuals; dashed with open markers from the last actual into estimates."""
    actual = series[~est]
    ax.plot(
        actual.index,
        actual.to_numpy(),
        color=colour,
        marker="o",
        markersize=3 if len(actual) > 1 else 5,
        linestyle=style,
        label=label,
    )
    if est.any():
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


def _axis_rules(
    ax: Axes,
    frame: pd.DataFrame,
    shown: pd.DataFrame,
    zero: bool,
    targets: Mapping[str, float] | None,
) -> None:
    """Year ticks for annual data; zero baseline; a y range set by what is not extrapolated."""
    _time_axis(ax, frame.index)
    values = shown.to_numpy(dtype=float).ravel()
    finite = values[np.isfinite(values)]
    if zero:
        _zero_based(ax, finite)
    if len(finite) and shown.shape[1] < frame.shape[1]:
        top = max([float(finite.max()), *(targets or {}).values()])
        bottom = 0.0 if zero and finite.min() >= 0 else float(finite.min())
        ax.set_ylim(bottom, top + 0.3 * (top - bottom or abs(top) or 1.0))


def time_lines(
    frame: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    source: str,
    estimate: pd.DataFrame | None = None,
    targets: Mapping[str, float] | None = None,
    labels: Mapping[str, str] | None = None,
    extrapolated: Sequence[str] = (),
    zero: bool = True,
) -> Figure:
    """One line per column over the index (years or dates).

    Where ``estimate`` (same shape, booleans) is True the line continues dashed with open markers.
    Column names that are country codes are labelled by country name unless ``labels`` says
    otherwise. ``extrapolated`` columns are dotted, labelled as extrapolations and left out of the
    y range; one that leaves the chart at the top says under the chart (and in its legend
    entry) the value it reaches at its last point. ``zero``: start the y axis at zero (shares,
    amounts, counts).
    """
    fig, (ax,) = _new_figure()
    drawn = 0
    for column, colour in zip(frame.columns, PALETTE * 4, strict=False):
        series = frame[column].dropna()
        if series.empty:
            continue
        label = (labels or {}).get(str(column)) or label_of(str(column))
        is_guess = column in extrapolated
        est = (
            estimate[column].reindex(series.index).fillna(False).astype(bool)
            if estimate is not None and column in estimate and not is_guess
            else pd.Series(False, index=series.index)
        )
        label = f"{label} (extrapolation, not a forecast)" if is_guess else label
        _draw_series(ax, series, est, colour, label, ":" if is_guess else "-")
        drawn += 1
    if estimate is not None and bool(estimate.to_numpy(dtype=bool).any()):
        _estimate_entry(ax)
    lines = add_target_lines(ax, targets or {})
    shown = frame[[c for c in frame.columns if c not in extrapolated]]
    _axis_rules(ax, frame, shown, zero, targets)
    notes = _off_chart(ax, frame, extrapolated)
    in_legend = label_targets(ax, lines)
    _axis_label(ax, ylabel)
    has_estimates = estimate is not None and bool(estimate.to_numpy(dtype=bool).any())
    if drawn > 1 or extrapolated or has_estimates or in_legend:
        ax.legend(loc="best", fontsize=8)
    return _finish(fig, title, source, notes, data=_with_estimates(frame, estimate))


def _with_estimates(frame: pd.DataFrame, estimate: pd.DataFrame | None) -> pd.DataFrame:
    """The plotted values with, per column that has estimates, an ``<column>_estimate`` flag."""
    if estimate is None:
        return frame
    flags = {
        f"{column}_estimate": estimate[column].reindex(frame.index)
        for column in frame.columns
        if column in estimate.columns
    }
    return frame.assign(**flags) if flags else frame


def _off_chart(ax: Axes, frame: pd.DataFrame, extrapolated: Sequence[str]) -> list[str]:
    """Extrapolated lines that rise above the y range: the value each reaches at its last point,
    added to its legend entry and returned as footnotes for under the chart."""
    top = ax.get_ylim()[1]
    notes = []
    for column in extrapolated:
        series = frame[column].dropna() if column in frame else pd.Series(dtype=float)
        if series.empty or not (series > top).any():
            continue
        end = series.index[-1]
        when = end.year if isinstance(end, pd.Timestamp) else end
        reach = f"reaches {series.iloc[-1]:,.3g} in {when}, above the chart"
        for line in ax.get_lines():
            text = str(line.get_label())
            ydata = np.asarray(line.get_ydata(), dtype=float)
            if (
                line.get_linestyle() == ":"
                and text.endswith("(extrapolation, not a forecast)")
                and ydata.shape == series.shape
                and np.allclose(ydata, series.to_numpy())
            ):
                line.set_label(f"{text}: {reach}")
                notes.append(f"The dotted line '{text.split(' (')[0]}' {reach}.")
                _cut_at(ax, line, top)
    return notes


def _cut_at(ax: Axes, line: Line2D, top: float) -> None:
    """End a rising line where it leaves the axes at ``top`` (interpolated between its points),
    with an arrowhead there: nothing is drawn beyond the chart."""
    xs = np.asarray(line.get_xdata(), dtype=float)
    ys = np.asarray(line.get_ydata(), dtype=float)
    above = np.flatnonzero(ys > top)
    first = int(above[0])
    if first == 0:
        keep_x, keep_y = xs[:0], ys[:0]
        exit_x = xs[0]
    else:
        x0, y0, x1, y1 = xs[first - 1], ys[first - 1], xs[first], ys[first]
        exit_x = x0 + (top - y0) / (y1 - y0) * (x1 - x0)
        keep_x, keep_y = xs[:first], ys[:first]
    line.set_data([*keep_x, exit_x], [*keep_y, top])
    line.set_markevery(list(range(len(keep_x))))
    ax.plot([exit_x], [top], marker="^", color=line.get_color(), clip_on=False, linestyle="none")


def time_panels(
    panels: Mapping[str, pd.DataFrame],
    *,
    title: str,
    ylabels: Mapping[str, str],
    source: str,
) -> Figure:
    """Side-by-side line charts, one per panel (subtitle -> frame of lines over dates or years),
    each with its own y axis from zero and its own legend (the panels are never mixed)."""
    fig, axes = _new_figure(12.0, 5.0, ncols=len(panels))
    for ax, (subtitle, frame) in zip(axes, panels.items(), strict=True):
        for column, colour in zip(frame.columns, PALETTE * 4, strict=False):
            series = frame[column].dropna()
            style = "-" if len(series) > 1 else "none"
            ax.plot(
                series.index,
                series.to_numpy(),
                color=colour,
                marker="o",
                markersize=4,
                linestyle=style,
                label=str(column),
            )
        _time_axis(ax, frame.index)
        _zero_based(ax, frame.to_numpy(dtype=float))
        width = fig.get_figwidth() * DPI / len(panels) - 90  # less the y axis labels
        ax.set_title(fit_text(subtitle, width, 10), loc="left", fontsize=10, parse_math=False)
        _axis_label(ax, ylabels[subtitle])
        ax.legend(loc="best", fontsize=8)
    data = pd.concat(
        {subtitle: frame for subtitle, frame in panels.items()},
        axis=1,
        names=["panel", "series"],
        sort=True,
    )
    return _finish(fig, title, source, data=data)


def fan_chart(
    bands: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    source: str,
    median: str = "p50",
    band_pairs: Sequence[tuple[str, str]] = (("p5", "p95"), ("p25", "p75")),
    history: pd.Series | None = None,
    history_estimate: pd.Series | None = None,
    targets: Mapping[str, float] | None = None,
) -> Figure:
    """Percentile bands over years (columns such as p5, p25, p50, p75, p95), with history
    (dashed with open markers where ``history_estimate`` is True). The bands are labelled by the
    share of simulations they hold ("90% of simulations" for p5-p95); the end year has a tick."""
    fig, (ax,) = _new_figure()
    if history is not None:
        history = history.dropna()
        est = (
            history_estimate.reindex(history.index).fillna(False).astype(bool)
            if history_estimate is not None
            else pd.Series(False, index=history.index)
        )
        _draw_series(ax, history, est, PALETTE[7], "history")
        if est.any():
            _estimate_entry(ax)
    for (low, high), alpha in zip(band_pairs, (0.2, 0.35), strict=False):
        ax.fill_between(
            bands.index,
            bands[low],
            bands[high],
            color=PALETTE[0],
            alpha=alpha,
            label=f"{_percentile(high) - _percentile(low):g}% of simulations",
        )
    ax.plot(bands.index, bands[median], color=PALETTE[0], label="median of simulations")
    lines = add_target_lines(ax, targets or {})
    years = bands.index.union(history.index) if history is not None else bands.index
    _year_ticks(ax, years)
    _zero_based(ax, [*bands.to_numpy().ravel(), *([] if history is None else history)])
    label_targets(ax, lines)
    _axis_label(ax, ylabel)
    ax.legend(loc="upper left", fontsize=8)
    data = bands if history is None else bands.join(history.rename("history"), how="outer")
    return _finish(fig, title, source, data=data)


def _percentile(column: str) -> float:
    """The percentile a band column names: "p5" -> 5."""
    try:
        return float(str(column).lstrip("pP"))
    except ValueError:
        raise ParameterError(
            f"Band column {column!r} does not name a percentile; name columns p5, p25, p50 …"
        ) from None


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
    log: bool = False,
    estimate: pd.Series | None = None,
) -> Figure:
    """Scatter of two columns, each point labelled by country name (index = codes).

    Labels are moved apart with adjustText (deterministic: a fixed number of iterations) after
    the layout is fixed, so that none overlaps another. Points where ``estimate`` is True are
    open circles with a legend entry. ``log``: both axes logarithmic, labelled
    as percentages (0.1%, 1%, 10%: the values are shares in %); else they start at zero.
    """
    fig, (ax,) = _new_figure(8.0, 6.5)
    est = (
        estimate.reindex(frame.index).fillna(False).astype(bool)
        if estimate is not None
        else pd.Series(False, index=frame.index)
    )
    for rows, face, label in ((~est, PALETTE[0], "reported"), (est, "white", "estimate")):
        if rows.any():
            ax.scatter(
                frame.loc[rows, x],
                frame.loc[rows, y],
                facecolor=face,
                edgecolor=PALETTE[0],
                s=22,
                zorder=3,
                label=label if est.any() else "_points",
            )
    if diagonal:
        low = float(min(frame[x].min(), frame[y].min())) if log else 0.0
        top = float(max(frame[x].max(), frame[y].max()))
        ax.plot(
            [low, top],
            [low, top],
            color="#888888",
            linestyle=":",
            linewidth=1,
            label="equal shares",
        )
    if diagonal or est.any():
        ax.legend(loc="upper left", fontsize=8)
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
        _percent_log_axes(ax)
    else:
        _zero_based(ax, frame[y])
        _zero_based(ax, frame[x], axis="x")
    _axis_label(ax, xlabel, "x")
    _axis_label(ax, ylabel)
    data = frame[[x, y]]
    if estimate is not None:
        data = data.assign(estimate=estimate.reindex(frame.index))
    _finish(fig, title, source, data=data)
    texts = [
        ax.text(row[x], row[y], label_of(str(code)), fontsize=7) for code, row in frame.iterrows()
    ]
    lay_out(fig)
    # lazy: adjustText imports pyplot and scipy (about 0.4 s), needed by this builder only
    from adjustText import adjust_text

    with figure_style():  # the labels are parted as they will be drawn
        adjust_text(
            texts,
            x=frame[x].to_numpy(),
            y=frame[y].to_numpy(),
            ax=ax,
            iter_lim=60,  # enough to part the labels of 31 allies; the time grows with it
            arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.5},
        )
    return fig


def stacked_bars(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    source: str,
) -> Figure:
    """Horizontal stacked bars: rows = countries (codes), columns = components (e.g. aid types)."""
    ordered = frame.loc[frame.sum(axis=1).sort_values().index]
    fig, (ax,) = _new_figure(9.0, max(4.0, 0.24 * len(ordered) + 2.0))
    left = pd.Series(0.0, index=ordered.index)
    names = [label_of(str(c)) for c in ordered.index]
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
    _zero_based(ax, left, axis="x")
    ax.legend(loc="lower right", fontsize=8)
    return _finish(fig, title, source, data=ordered)


def timeline(
    events: pd.DataFrame,
    *,
    title: str,
    source: str,
    colours: Mapping[str, str],
    lane: str = "lane",
    date: str = "date",
    kind: str = "kind",
    note: str | None = None,
) -> Figure:
    """Dated events on lanes (one row per lane, in order of first appearance from the top), one
    marker per event.

    ``colours`` maps each ``kind`` to its colour (all of them are in the legend); ``note``: a
    column whose text (e.g. an amount) is written beside its marker, a level up (or below the
    lane) where it would run into another note.
    """
    unknown = sorted(set(events[kind]) - set(colours))
    if unknown:
        raise ParameterError(f"Parameter 'colours' has no colour for kinds {unknown}.")
    lanes = list(dict.fromkeys(events[lane]))
    fig, (ax,) = _new_figure(10.0, max(3.5, 0.42 * len(lanes) + 2.4))
    position = {name: len(lanes) - i for i, name in enumerate(lanes)}
    for name, colour in colours.items():
        rows = events[events[kind] == name]
        ax.scatter(
            rows[date],
            rows[lane].map(position),
            color=colour,
            s=36,
            zorder=3,
            label=name,
            edgecolor="white",
            linewidth=0.5,
        )
    ax.set_yticks(list(position.values()))
    ax.set_yticklabels([_lane_label(str(n)) for n in position], fontsize=8)
    ax.grid(axis="y", visible=False)
    _date_ticks(ax)
    ax.legend(loc="upper left", fontsize=8, ncols=min(4, len(colours)))
    ax.set_ylim(0.4, len(lanes) + 0.6 + 0.6 * np.ceil(len(colours) / 4))
    kept = [c for c in (lane, date, kind, note) if c is not None and c in events.columns]
    _finish(fig, title, source, data=events[kept])
    if note is not None:
        _notes_beside(fig, ax, events.dropna(subset=[note]), note, date, lane, position)
    return fig


def _lane_label(text: str) -> str:
    """A lane label on at most two lines of :data:`LANE_WIDTH` characters."""
    lines = textwrap.wrap(text, LANE_WIDTH)
    if len(lines) <= 2:
        return "\n".join(lines)
    return lines[0] + "\n" + textwrap.shorten(" ".join(lines[1:]), LANE_WIDTH, placeholder=" …")


def _notes_beside(
    fig: Figure,
    ax: Axes,
    rows: pd.DataFrame,
    note: str,
    date: str,
    lane: str,
    position: Mapping[str, int],
) -> None:
    """Write each row's note just above its marker. Once the layout is fixed, a note that would
    run into an earlier one on the same lane moves up a level (or below the lane), and a note
    that would leave the axes ends at its marker instead: measured, deterministic, no extra draw.
    """
    if rows.empty:
        return
    low, high = ax.get_xlim()
    ax.set_xlim(low, high + 0.1 * (high - low))  # room for the notes of the latest events
    lay_out(fig)
    right = ax.bbox.x1
    taken: dict[str, list[tuple[int, float, float]]] = {}
    for _, row in rows.sort_values([lane, date]).iterrows():
        text, x = str(row[note]), mdates.date2num(pd.Timestamp(row[date]))
        pixel = ax.transData.transform((x, 0))[0]
        width = _text_width(text, NOTE_SIZE, False) + 4
        ends_right = pixel + 4 + width > right
        span = (pixel - 4 - width, pixel - 4) if ends_right else (pixel + 4, pixel + 4 + width)
        used = taken.setdefault(row[lane], [])
        level = next(
            (
                k
                for k in range(len(NOTE_LEVELS))
                if all(k != j or b0 >= span[1] or b1 <= span[0] for j, b0, b1 in used)
            ),
            len(NOTE_LEVELS) - 1,
        )
        used.append((level, *span))
        ax.annotate(
            text,
            (x, position[row[lane]] + NOTE_LEVELS[level]),
            xytext=(-4 if ends_right else 4, 0),
            textcoords="offset points",
            ha="right" if ends_right else "left",
            va="center",
            fontsize=NOTE_SIZE,
        )
