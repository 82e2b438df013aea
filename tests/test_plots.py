"""Figure builders: house style elements are present and data reaches the axes unchanged."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

import burdenshare as bs
from burdenshare import plots
from burdenshare.editions import citation


def _texts(fig: Figure) -> list[str]:
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [t.get_text() for t in ax.texts] + [ax.get_title(loc="left"), ax.get_xlabel()]
        texts += [t.get_text() for t in ax.get_yticklabels()]
    return texts


def test_ranking_bars_carry_data_names_targets_estimates_and_source():
    panel = bs.spending_panel("2025").xs(2025, level="year")
    shares = panel["defexp_share_gdp_pct"]
    source = citation("nato_spending", "2025")
    fig = plots.ranking_bars(
        shares,
        estimate=panel["estimate"],
        title="Poland spends the most",
        xlabel="% of GDP",
        source=source,
        targets={"Wales 2%": 2.0, "Hague core 3.5%": 3.5},
    )
    assert isinstance(fig, Figure)
    texts = _texts(fig)
    assert f"Source: {source}" in texts
    assert "Wales 2%" in texts and "Hague core 3.5%" in texts
    assert "Poland" in texts and "POL" not in texts
    bars = fig.axes[0].patches
    widths = sorted(round(b.get_width(), 6) for b in bars)
    assert widths == sorted(round(v, 6) for v in shares.dropna())
    assert any(b.get_hatch() == "///" for b in bars)  # 2025 is an estimate


def test_time_lines_draw_estimates_dashed():
    panel = bs.spending_panel("2026").xs("POL", level="iso3")
    fig = plots.time_lines(
        panel[["defexp_share_gdp_pct"]],
        estimate=panel[["estimate"]].rename(columns={"estimate": "defexp_share_gdp_pct"}),
        title="t",
        ylabel="% of GDP",
        source="s",
        labels={"defexp_share_gdp_pct": "Poland"},
    )
    styles = {line.get_linestyle() for line in fig.axes[0].lines}
    assert "--" in styles and "-" in styles


def test_source_line_names_dataset_and_edition():
    assert "2026" in citation("nato_spending", "2026")
    assert "Defence Expenditure of NATO Countries" in citation("nato_spending", "2024")


def test_stacked_bars_and_scatter_and_fan():
    frame = pd.DataFrame(
        {"military": [1.0, 2.0], "financial": [0.5, None]}, index=["DNK", "EU_INST"]
    )
    fig = plots.stacked_bars(frame, title="t", xlabel="EUR bn", source="s")
    assert "European Union institutions" not in _texts(fig)  # special codes use our labels
    assert "EU institutions (Commission and Council)" in _texts(fig)
    sc = plots.scatter_labelled(
        pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 1.0]}, index=["USA", "DEU"]),
        "a",
        "b",
        title="t",
        xlabel="x",
        ylabel="y",
        source="s",
        diagonal=True,
    )
    assert "United States" in _texts(sc)
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
    assert "3.5%" in _texts(fan)
