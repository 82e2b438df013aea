"""Figure builders: the house rules hold (whole-year ticks, zero baselines, legends for colours
that mean something, missing members named, wrapped titles and source lines inside the canvas,
possessives, extrapolations labelled) and data reach the axes unchanged."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pandas as pd
import PIL.Image
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

import burdenshare as bs
from burdenshare import plots
from burdenshare.countries import nato_allies
from burdenshare.editions import citation
from tests import examples
from tests.figure_checks import (
    YEAR,
    all_texts,
    check_data_inside,
    check_date_ticks,
    check_estimates,
    check_figure,
    check_log_axes,
    check_not_empty,
    check_text_apart,
    check_title_count,
    drawn,
    marks_estimates,
)


def test_ranking_bars_carry_data_names_targets_estimates_and_source():
    panel = bs.spending_panel("2025").xs(2025, level="year")
    shares = panel["defexp_share_gdp_pct"]
    source = citation("nato_spending", "2025")
    fig = plots.ranking_bars(
        shares.reindex(nato_allies(2025)),
        estimate=panel["estimate"],
        title="Poland spends the most",
        xlabel="% of GDP",
        source=source,
        targets={"Wales 2%": 2.0, "Hague core 3.5%": 3.5},
        missing="no NATO figure",
    )
    assert isinstance(fig, Figure)
    texts = all_texts(drawn(fig))
    assert any(f"Source: {source}" in t for t in texts)
    # members without a figure (Germany and Iceland in the 2025 edition) are named on the chart
    assert any("Not shown (no NATO figure): Germany, Iceland." in t for t in texts)
    assert "Wales 2%" in texts and "Hague core 3.5%" in texts
    assert "Poland" in texts and "POL" not in texts
    bars = fig.axes[0].patches
    widths = sorted(round(b.get_width(), 6) for b in bars)
    assert widths == sorted(round(v, 6) for v in shares.dropna())
    assert any(b.get_hatch() == "///" for b in bars)  # 2025 is an estimate
    assert "estimate" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    check_figure(fig)


def test_highlighted_bars_have_a_legend_entry_for_each_colour():
    values = pd.Series({"POL": 4.5, "LTU": 4.0, "ESP": 1.3, "BEL": 1.3, "ISL": float("nan")})
    fig = plots.ranking_bars(
        values,
        title="t",
        xlabel="x",
        source="s",
        groups={"below 2%": ["ESP", "BEL"], "not in the data": ["XYZ"]},
        others="at or above 2%",
    )
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["at or above 2%", "below 2%"]  # no entry for a colour the chart lacks
    colours = {b.get_facecolor() for b in fig.axes[0].patches}
    assert len(colours) == 2
    with pytest.raises(bs.ParameterError, match="'others'"):
        plots.ranking_bars(values, title="t", xlabel="x", source="s", groups={"low": ["ESP"]})


def test_annual_lines_get_whole_year_ticks_and_a_zero_baseline():
    frame = pd.DataFrame({"aid": [12.4, 5.3, 2.4, 0.8]}, index=[2022, 2023, 2024, 2025])
    fig = drawn(plots.time_lines(frame, title="t", ylabel="%", source="s"))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2022", "2023", "2024", "2025"]
    assert ax.xaxis.get_offset_text().get_text() == ""
    assert ax.get_ylim()[0] == 0
    single = drawn(plots.time_lines(frame.loc[[2025]], title="t", ylabel="%", source="s"))
    assert [t.get_text() for t in single.axes[0].get_xticklabels() if t.get_text()] == ["2025"]
    long = drawn(
        plots.time_lines(
            pd.DataFrame({"a": range(40)}, index=range(1990, 2030)),
            title="t",
            ylabel="x",
            source="s",
        )
    )
    labels = [t.get_text() for t in long.axes[0].get_xticklabels() if t.get_text()]
    assert labels and all(label.isdigit() for label in labels)
    check_figure(fig), check_figure(single), check_figure(long)


def test_negative_values_get_a_zero_line():
    frame = pd.DataFrame({"change": [3.0, -2.0, 1.0]}, index=[2023, 2024, 2025])
    ax = plots.time_lines(frame, title="t", ylabel="%", source="s").axes[0]
    assert any(list(line.get_ydata()) == [0, 0] for line in ax.get_lines())


def test_extrapolations_are_labelled_and_do_not_set_the_range():
    path = pd.DataFrame(
        {"path": [4.7] * 10, "trend": [4.7 * 1.13**k for k in range(10)]},
        index=range(2026, 2036),
    )
    fig = plots.time_lines(
        path,
        title="t",
        ylabel="% of GDP",
        source="s",
        targets={"Hague 3.5%": 3.5},
        extrapolated=("trend",),
    )
    ax = fig.axes[0]
    assert ax.get_ylim()[1] < path["trend"].max() / 2  # the 14% end is off the chart
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    reach = "reaches 14.1 in 2035, above the chart"  # 4.7 * 1.13**9 = 14.12
    assert f"trend (extrapolation, not a forecast): {reach}" in labels
    assert {line.get_linestyle() for line in ax.get_lines() if line.get_label() == labels[1]} == {
        ":"
    }
    assert f"The dotted line 'trend' {reach}." in fig._supxlabel.get_text()
    check_figure(fig)


@given(
    start=st.floats(0.5, 6.0),
    growth=st.floats(-0.1, 0.4),
    years=st.integers(2, 15),
)
@settings(max_examples=examples(25), deadline=None)
def test_an_extrapolation_leaving_the_chart_says_what_it_reaches(start, growth, years):
    index = range(2026, 2026 + years)
    path = pd.DataFrame(
        {"path": [start] * years, "trend": [start * (1 + growth) ** k for k in range(years)]},
        index=index,
    )
    fig = plots.time_lines(path, title="t", ylabel="% of GDP", source="s", extrapolated=("trend",))
    top = fig.axes[0].get_ylim()[1]
    texts = " ".join(all_texts(fig))
    said = f"reaches {path['trend'].iloc[-1]:,.3g} in {index[-1]}, above the chart"
    assert (said in texts) == bool((path["trend"] > top).any())


def test_long_titles_and_source_lines_wrap_inside_the_canvas():
    title = "A finding that goes on " * 8
    source = "; ".join(citation("nato_spending", e) for e in ("2024", "2025", "2026"))
    fig = plots.time_lines(
        pd.DataFrame({"a": [1.0, 2.0]}, index=[2024, 2025]), title=title, ylabel="x", source=source
    )
    check_figure(fig)
    assert plots.title_of(fig) == title


def _greedy_wrap(text: str, width: float, size: float, bold: bool = False) -> str:
    """The plain word-by-word greedy wrap, measuring every candidate line."""
    lines = []
    for paragraph in text.split("\n"):
        words = paragraph.split(" ")
        line = [words[0]]
        for word in words[1:]:
            if plots._text_width(" ".join([*line, word]), size, bold) > width:
                lines.append(" ".join(line))
                line = [word]
            else:
                line.append(word)
        lines.append(" ".join(line))
    return "\n".join(lines)


_WORDS = st.sampled_from(["a", "of", "the", "Poland", "3.5%", "2035:", "WWWWWWWWWWWW", "", "il"])


@settings(max_examples=examples(60), deadline=None)
@given(
    words=st.lists(_WORDS, min_size=1, max_size=40),
    breaks=st.sets(st.integers(0, 39), max_size=3),
    width=st.floats(20, 400),
    size=st.sampled_from([7, 8, 10, 12]),
    bold=st.booleans(),
)
def test_fit_text_is_the_greedy_wrap(words, breaks, width, size, bold):
    text = "".join(w + ("\n" if i in breaks else " ") for i, w in enumerate(words)).rstrip(" ")
    wrapped = plots.fit_text(text, width, size, bold)
    assert wrapped == _greedy_wrap(text, width, size, bold)
    for line in wrapped.split("\n"):  # only single words overflow
        assert " " not in line.strip() or plots._text_width(line, size, bold) <= width


@pytest.mark.parametrize(
    "text",
    [
        "WWWWWW " * 8 + "il " * 60,  # wide words first: the average width guesses too many
        "il " * 60 + "WWWWWW " * 8,  # narrow words first: it guesses too few
        "MMMM Defence " * 5 + "\n" + "i " * 90,
    ],
)
@pytest.mark.parametrize("width", [60.0, 150.0, 333.0])
def test_fit_text_is_the_greedy_wrap_when_word_widths_vary(text, width):
    assert plots.fit_text(text.strip(), width, 8) == _greedy_wrap(text.strip(), width, 8)


def test_layout_and_drawing_share_one_renderer():
    fig = plots.time_lines(
        pd.DataFrame({"a": [1.0, 2.0]}, index=[2024, 2025]), title="t", ylabel="x", source="s"
    )
    renderer = fig.canvas.get_renderer()
    plots.render_png(fig)
    assert fig.canvas.get_renderer() is renderer  # text measured for the layout is reused


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGBA"))


@pytest.mark.parametrize("facecolor", ["white", (1.0, 1.0, 1.0, 0.0)])
def test_render_png_gives_matplotlibs_pixels(facecolor):
    def build() -> Figure:
        fig = plots.time_lines(
            pd.DataFrame({"a": [1.0, 2.5]}, index=[2024, 2025]), title="t", ylabel="x", source="s"
        )
        fig.set_facecolor(facecolor)
        return plots.lay_out(fig)

    ours = plots.render_png(build())
    theirs = io.BytesIO()
    with plots.figure_style():
        build().savefig(theirs, format="png", dpi=plots.DPI)
    image = PIL.Image.open(io.BytesIO(ours))
    assert image.mode == ("RGB" if facecolor == "white" else "RGBA")  # alpha kept only if used
    assert image.size == (900, 500)
    assert np.array_equal(_pixels(ours), _pixels(theirs.getvalue()))


@pytest.mark.parametrize(
    ("size", "dpi", "agg", "mode"),
    [
        ((9.3, 4.77), 72, True, "RGB"),  # drawn at plots.DPI: 930 x 477 pixels
        ((4.995, 4.995), 150, True, "RGB"),
        ((3.0, 2.0), 100, False, "RGBA"),  # no Agg canvas of its own: matplotlib's PNG as is
    ],
)
def test_render_png_of_other_figures(size, dpi, agg, mode):
    def build() -> Figure:
        fig = Figure(figsize=size, dpi=dpi)
        if agg:
            FigureCanvasAgg(fig)
        fig.add_subplot().plot([1, 2], [3, 1])
        return fig

    ours = plots.render_png(build())
    theirs = io.BytesIO()
    with plots.figure_style():
        build().savefig(theirs, format="png", dpi=plots.DPI)
    assert PIL.Image.open(io.BytesIO(ours)).mode == mode
    assert np.array_equal(_pixels(ours), _pixels(theirs.getvalue()))


@pytest.mark.parametrize("hinting", ["native", "force_autohint", "default"])
def test_figures_are_measured_and_drawn_unhinted_whatever_the_callers_settings(hinting):
    frame = pd.DataFrame({"a": [1.0, 2.5, 2.0]}, index=[2023, 2024, 2025])
    title = "Spending as a share of GDP rose from 1.86% in 2014 to 4.68% in 2026 " * 3

    def build() -> Figure:
        return plots.time_lines(frame, title=title, ylabel="% of GDP", source="NATO " * 40)

    with matplotlib.rc_context({"text.hinting": "none"}):
        plots._text_width.cache_clear()  # wrap measured under these settings
        fig = plots.lay_out(build())
        unhinted = io.BytesIO()
        fig.savefig(unhinted, format="png", dpi=plots.DPI)
        width = plots._text_width(title, 12, True)
    plots._text_width.cache_clear()
    with matplotlib.rc_context({"text.hinting": hinting}):
        assert plots._text_width(title, 12, True) == width
        ours = plots.render_png(build())
        assert matplotlib.rcParams["text.hinting"] == hinting  # the caller's setting is back
        with pytest.raises(ZeroDivisionError), plots.figure_style():
            assert matplotlib.rcParams["text.hinting"] == "none"
            _ = 1 / 0
        assert matplotlib.rcParams["text.hinting"] == hinting  # also after an error
    assert np.array_equal(_pixels(ours), _pixels(unhinted.getvalue()))


def test_possessives():
    assert plots.possessive("Poland") == "Poland's"
    assert plots.possessive("United States") == "United States'"
    assert plots.possessive("Netherlands") == "Netherlands'"


def test_render_png_lays_out_and_draws_once(monkeypatch):
    fig = plots.time_lines(
        pd.DataFrame({"a": [1.0, 2.0]}, index=[2024, 2025]), title="t", ylabel="x", source="s"
    )
    draws = []
    original = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, r: (draws.append(1), original(self, r))[1])
    assert plots.render_png(fig).startswith(b"\x89PNG")
    assert len(draws) == 1
    assert fig.get_layout_engine() is None  # the layout is fixed: a second render draws once too


def test_stacked_bars_scatter_fan_panels_and_timeline():
    frame = pd.DataFrame(
        {"military": [1.0, 2.0], "financial": [0.5, None]}, index=["DNK", "EU_INST"]
    )
    fig = plots.stacked_bars(frame, title="t", xlabel="EUR bn", source="s")
    assert "European Union institutions" not in all_texts(fig)  # special codes use our labels
    assert "EU institutions (Commission and Council)" in all_texts(fig)
    sc = plots.scatter_labelled(
        pd.DataFrame({"a": [1.0, 2.0, 2.01], "b": [2.0, 1.0, 1.01]}, index=["USA", "DEU", "FRA"]),
        "a",
        "b",
        title="t",
        xlabel="x",
        ylabel="y",
        source="s",
        diagonal=True,
    )
    assert "United States" in all_texts(sc)
    bands = pd.DataFrame(
        {
            "p5": [1.0, 1.5],
            "p25": [1.5, 2.0],
            "p50": [2.0, 2.5],
            "p75": [2.5, 3.0],
            "p95": [3.0, 3.5],
        },
        index=[2026, 2027],
    )
    fan = plots.fan_chart(bands, title="t", ylabel="y", source="s", targets={"3.5%": 3.5})
    assert "3.5%" in all_texts(fan)
    dates = pd.to_datetime(["2022-07-01", "2023-07-01", "2025-07-01"])
    panels = plots.time_panels(
        {
            "one": pd.DataFrame({"yes": [64.0, 51.0, 32.0]}, index=dates),
            "two": pd.DataFrame({"for": [50.0, 80.0, 79.0]}, index=dates),
        },
        title="t",
        ylabels={"one": "%", "two": "%"},
        source="s",
    )
    events = pd.DataFrame(
        {
            "lane": ["A", "A", "B"],
            "date": dates,
            "kind": ["x", "y", "x"],
            "note": ["1 bn", None, None],
        }
    )
    line = plots.timeline(
        events, title="t", source="s", colours={"x": "red", "y": "blue"}, note="note"
    )
    assert [t.get_text() for t in line.axes[0].get_legend().get_texts()] == ["x", "y"]
    with pytest.raises(bs.ParameterError, match="'colours'"):
        plots.timeline(events, title="t", source="s", colours={"x": "red"})
    for figure in (fig, sc, fan, panels, line):
        check_figure(figure)


def test_target_lines_are_labelled_once_and_always_in_range():
    values = pd.Series({"POL": 4.5, "ESP": 1.3})
    apart = plots.ranking_bars(
        values, title="t", xlabel="x", source="s", targets={"Wales 2%": 2.0, "Hague 3.5%": 3.5}
    )
    assert {"Wales 2%", "Hague 3.5%"} <= {t.get_text() for t in apart.axes[0].texts}
    assert apart.axes[0].get_legend() is None
    close = plots.ranking_bars(
        values, title="t", xlabel="x", source="s", targets={"2%": 2.0, "2.1%": 2.1, "100%": 100.0}
    )
    ax = close.axes[0]
    assert not ax.texts  # two labels would collide: all three go to the legend instead
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["2%", "2.1%", "100%"]
    assert ax.get_xlim()[1] >= 100
    check_figure(apart), check_figure(close)


def test_every_builder_keeps_the_data_it_draws():
    values = pd.Series({"POL": 4.2, "DEU": 2.1, "ISL": np.nan})
    bars = plots.ranking_bars(values, title="t", xlabel="x", source="s")
    assert plots.data_of(bars)["value"].to_dict() == pytest.approx(values.to_dict(), nan_ok=True)
    frame = pd.DataFrame({"POL": [1.0, 2.0]}, index=[2024, 2025])
    estimate = pd.DataFrame({"POL": [False, True]}, index=[2024, 2025])
    lines = plots.time_lines(frame, title="t", ylabel="%", source="s", estimate=estimate)
    assert plots.data_of(lines).to_dict("list") == {
        "POL": [1.0, 2.0],
        "POL_estimate": [False, True],
    }
    assert plots.data_of(Figure()) is None  # a figure built elsewhere carries none


@pytest.mark.sweeps
def test_every_figure_of_the_default_set_carries_its_data():
    from burdenshare.analyses import ANALYSES

    for name, analysis in ANALYSES.items():
        for key, figure in analysis.run().figures.items():
            data = plots.data_of(figure)
            assert data is not None and len(data) and len(data.columns), (name, key)


def test_a_long_y_label_wraps_to_its_axis_and_stays_off_the_title():
    monthly = pd.DataFrame(
        {"Europe": np.linspace(0, 215, 52)},
        index=pd.date_range("2022-01-01", periods=52, freq="MS"),
    )
    fig = plots.time_lines(
        monthly,
        title="Allocated by April 2026 (Kiel R29 monthly flows): Europe EUR 215 bn, United "
        "States EUR 115 bn",
        ylabel="Military + financial + humanitarian allocations, EUR bn, cumulative",
        source="s",
    )
    check_text_apart(drawn(fig))
    assert "\n" in fig.axes[0].get_ylabel()


def test_an_extrapolation_ends_at_the_top_of_the_chart():
    path = pd.DataFrame(
        {"path": [4.7] * 10, "trend": [4.7 * 1.15**k for k in range(10)]},
        index=range(2026, 2036),
    )
    fig = drawn(plots.time_lines(path, title="t", ylabel="%", source="s", extrapolated=("trend",)))
    ax = fig.axes[0]
    top = ax.get_ylim()[1]
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert max(np.asarray(dotted[0].get_ydata(), dtype=float)) == pytest.approx(top)
    arrow = [line for line in ax.get_lines() if line.get_marker() == "^"]
    assert len(arrow) == 1 and arrow[0].get_ydata()[0] == pytest.approx(top)
    check_data_inside(fig)


def test_log_axes_read_as_percentages():
    shares = pd.DataFrame(
        {"gdp": [0.016, 0.5, 8.9, 51.0], "spending": [0.012, 0.6, 8.0, 57.0]},
        index=["MNE", "FIN", "DEU", "USA"],
    )
    fig = drawn(
        plots.scatter_labelled(
            shares, "gdp", "spending", title="t", xlabel="x", ylabel="y", source="s", log=True
        )
    )
    check_log_axes(fig)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert {"0.01%", "0.1%", "1%", "10%"} <= set(labels)


@pytest.mark.parametrize(
    ("start", "end"),
    [("2022-02-24", "2022-09-30"), ("2023-05-01", "2025-11-30"), ("2014-11-01", "2025-07-01")],
)
def test_every_date_tick_carries_its_year(start, end):
    dates = pd.date_range(start, end, periods=6)
    panels = drawn(
        plots.time_panels(
            {"one": pd.DataFrame({"for": [50.0, 60, 70, 80, 79, 78]}, index=dates)},
            title="t",
            ylabels={"one": "%"},
            source="s",
        )
    )
    labels = [t.get_text() for t in panels.axes[0].get_xticklabels() if t.get_text()]
    assert labels and all(YEAR.search(label) for label in labels)
    check_date_ticks(panels)
    check_text_apart(panels)


@pytest.mark.parametrize("end", [2027, 2035, 2100])
def test_the_fan_chart_ticks_its_end_year_and_says_what_its_bands_hold(end):
    years = range(2026, end + 1)
    bands = pd.DataFrame(
        {
            p: [1000.0 + q + 10 * k for k in range(len(years))]
            for p, q in (("p5", 0), ("p25", 5), ("p50", 10), ("p75", 15), ("p95", 20))
        },
        index=years,
    )
    history = pd.Series([900.0, 950.0, 1000.0], index=[2024, 2025, 2026])
    fig = drawn(
        plots.fan_chart(
            bands,
            title="t",
            ylabel="y",
            source="s",
            history=history,
            history_estimate=pd.Series([False, True, True], index=history.index),
        )
    )
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == [
        "history",
        "estimate",
        "90% of simulations",
        "50% of simulations",
        "median of simulations",
    ]
    assert str(end) in [t.get_text() for t in fig.axes[0].get_xticklabels()]
    check_figure(fig)


def test_estimated_points_of_a_scatter_are_open_and_in_the_legend():
    shares = pd.DataFrame({"gdp": [0.5, 8.9], "spending": [0.6, 8.0]}, index=["FIN", "DEU"])
    fig = plots.scatter_labelled(
        shares,
        "gdp",
        "spending",
        title="t",
        xlabel="x",
        ylabel="y",
        source="s",
        estimate=pd.Series({"FIN": False, "DEU": True}),
    )
    assert marks_estimates(fig)
    faces = [to_hex(c.get_facecolors()[0]) for c in fig.axes[0].collections]
    assert faces == [plots.PALETTE[0].lower(), "#ffffff"]
    check_figure(fig, estimated_years=[2026])


def test_the_checks_catch_what_they_check():
    """Each check fails on a figure that breaks its rule."""
    zero = plots.time_lines(
        pd.DataFrame({"a": [0.0, 0.0]}, index=[2024, 2025]), title="t", ylabel="x", source="s"
    )
    with pytest.raises(AssertionError, match="nothing but zeros"):
        check_not_empty(drawn(zero))
    unmarked = plots.time_lines(
        pd.DataFrame({"a": [1.0, 2.0]}, index=[2025, 2026]), title="t", ylabel="x", source="s"
    )
    with pytest.raises(AssertionError, match="unmarked"):
        check_estimates(drawn(unmarked), [2026])
    check_estimates(unmarked, [2023])
    counted = plots.ranking_bars(
        pd.Series({"POL": 4.5, "ESP": 1.3}), title="2 of 3 allies", xlabel="x", source="s"
    )
    with pytest.raises(AssertionError, match="title counts 3"):
        check_title_count(drawn(counted))
    named = plots.ranking_bars(
        pd.Series({"POL": 4.5, "ESP": 1.3, "ISL": float("nan")}),
        title="2 of 3 allies",
        xlabel="x",
        source="s",
    )
    check_title_count(drawn(named))
    raw = Figure(figsize=(4, 3))
    ax = raw.add_subplot()
    ax.set_xscale("log")
    ax.plot([0.01, 10.0], [1.0, 2.0])
    ax.plot([2.0], [5.0])
    ax.set_ylim(0, 3)
    ax.set_title("A title " * 3)
    ax.set_xlabel("A title " * 3)
    ax.xaxis.label.set_position((0.5, 1.0))
    drawn(raw)
    with pytest.raises(AssertionError, match="not plain percentages"):
        check_log_axes(raw)
    with pytest.raises(AssertionError, match="cut off"):
        check_data_inside(raw)
