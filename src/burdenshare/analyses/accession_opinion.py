"""Ukrainian public opinion on NATO accession over time, like with like: one pollster, one
measure (question) and one base (all respondents, likely voters, ...) per panel, never mixed.

By default two panels side by side: support for joining (Rating Group, "would vote for NATO
membership") and confidence that it will happen (Gallup, "expect membership within ten years").
Each wave is dated at the middle of its stated fieldwork period; waves without a stated date are
listed but not plotted. After 2022 polls cover government-controlled areas only.

Pairs with ``notebooks/accession_opinion.ipynb`` (same name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import plots
from ..datasets import OPINION
from ..editions import latest
from ..errors import ParameterError
from ..loaders.opinion import load_opinion
from ..params import check_choice, check_type
from ._format import cite, plain, trend_text
from .result import AnalysisResult

AUTO = "auto"
NONE = ""
DEFAULTS: dict[str, Any] = {
    "pollster": "Rating Group",
    "measure": "referendum_vote_nato",
    "base": AUTO,
    "compare_pollster": "Gallup",
    "compare_measure": "expect_nato_within_10y",
    "compare_base": AUTO,
}
#: How a title names a measure (other measures are named by their id).
MEASURES = {
    "referendum_vote_nato": "would vote for joining NATO",
    "want_nato_membership": "want NATO membership",
    "expect_nato_within_10y": "expect membership within ten years",
    "expect_nato_by_2030": "expect membership by 2030",
    "nato_best_security_guarantee": "see NATO as the best security guarantee",
}
LABELS = {
    "last_share_pct": "First panel: latest share (%)",
    "change_pp": "First panel: change from the first to the latest wave (pp)",
    "compare_last_share_pct": "Second panel: latest share (%)",
    "compare_change_pp": "Second panel: change from the first to the latest wave (pp)",
}


def _bases(rows: pd.DataFrame) -> list[str]:
    """Bases of a pollster's measure, the one with most waves first (ties by name)."""
    waves = rows.groupby("base")["poll_id"].nunique()
    return [b for b, _ in sorted(waves.items(), key=lambda kv: (-kv[1], kv[0]))]


def _panel(prefix: str, pollster: Any, measure: Any, base: Any) -> dict[str, str]:
    """One panel's pollster, measure and base, each checked against the data."""
    frame = load_opinion()
    check_type(f"{prefix}pollster", pollster, str)
    check_choice(f"{prefix}pollster", pollster, sorted(frame["pollster"].unique()))
    mine = frame[frame["pollster"] == pollster]
    check_type(f"{prefix}measure", measure, str)
    check_choice(f"{prefix}measure", measure, sorted(mine["measure"].unique()))
    bases = _bases(mine[mine["measure"] == measure])
    check_type(f"{prefix}base", base, str)
    check_choice(f"{prefix}base", base, [AUTO, *bases])
    return {"pollster": pollster, "measure": measure, "base": bases[0] if base == AUTO else base}


def validate(
    pollster: str = DEFAULTS["pollster"],
    measure: str = DEFAULTS["measure"],
    base: str = DEFAULTS["base"],
    compare_pollster: str = DEFAULTS["compare_pollster"],
    compare_measure: str = DEFAULTS["compare_measure"],
    compare_base: str = DEFAULTS["compare_base"],
) -> dict[str, Any]:
    """Each panel: a pollster in the data, one of its measures, one base of that pair (or auto).
    ``compare_pollster=""`` leaves out the second panel."""
    first = _panel("", pollster, measure, base)
    check_type("compare_pollster", compare_pollster, str)
    second = (
        None
        if compare_pollster == NONE
        else _panel("compare_", compare_pollster, compare_measure, compare_base)
    )
    return {**first, "compare": second}


@dataclass
class Series:
    """One panel's waves: shares per answer over dates, its headline answer and its question."""

    pollster: str
    measure: str
    base: str
    count: int  # waves (polls) in the data
    waves: pd.DataFrame  # wave table: (poll_id, fieldwork_start) x answers
    dated: pd.DataFrame  # dates x answers
    stated: pd.Series  # date -> fieldwork as published
    headline: str
    question: str
    undated: list[str]


def read_series(pollster: str, measure: str, base: str) -> Series:
    """The waves of one pollster/measure/base; the headline answer is the one in most waves."""
    frame = load_opinion(pollster=pollster, measure=measure, base=base)
    frame = frame.assign(
        date=frame["fieldwork_from"] + (frame["fieldwork_to"] - frame["fieldwork_from"]) / 2
    )
    counts = frame.groupby("answer_option", sort=False)["poll_id"].nunique()
    headline = max(counts.index, key=lambda a: (counts[a], -list(counts.index).index(a)))
    dated = frame.dropna(subset=["date"])
    wide = dated.pivot_table(index="date", columns="answer_option", values="share_pct")
    wide = wide[[a for a in counts.index if a in wide.columns]]
    wide.index = wide.index.normalize()
    if wide.empty:
        raise ParameterError(
            f"Parameter 'measure' = {measure!r}: {pollster} has no dated waves to plot; choose "
            "another measure or pollster."
        )
    waves = frame.pivot_table(
        index=["poll_id", "fieldwork_start"],
        columns="answer_option",
        values="share_pct",
        sort=False,
    )
    questions = frame["question_paraphrase"].dropna()
    stated = dated.assign(day=dated["date"].dt.normalize()).groupby("day")["fieldwork_start"]
    return Series(
        pollster=pollster,
        measure=measure,
        base=base,
        count=int(frame["poll_id"].nunique()),
        waves=waves[[a for a in counts.index if a in waves.columns]],
        dated=wide,
        stated=stated.first(),
        headline=headline,
        question=str(questions.iloc[0]) if len(questions) else measure,
        undated=sorted(frame.loc[frame["date"].isna(), "poll_id"].unique()),
    )


def summary(series: Series) -> dict[str, Any]:
    """First and last wave of the headline answer, the change and the peak."""
    line = series.dated[series.headline].dropna()
    found: dict[str, Any] = {
        "pollster": series.pollster,
        "measure": series.measure,
        "base": series.base,
        "waves": series.count,
        "undated_waves": series.undated,
        "headline_answer": series.headline,
    }
    if len(line):
        found.update(
            {
                "first_date": line.index[0].strftime("%Y-%m-%d"),
                "first_share_pct": float(line.iloc[0]),
                "last_date": line.index[-1].strftime("%Y-%m-%d"),
                "last_share_pct": float(line.iloc[-1]),
                "change_pp": float(line.iloc[-1] - line.iloc[0]),
                "max_share_pct": float(line.max()),
                "max_date": line.idxmax().strftime("%Y-%m-%d"),
                "min_share_pct": float(line.min()),
                "min_date": line.idxmin().strftime("%Y-%m-%d"),
                "monotone": bool(line.is_monotonic_increasing or line.is_monotonic_decreasing),
            }
        )
    return found


def clause(series: Series, found: dict[str, Any]) -> str:
    """ "Rating Group, would vote for joining NATO ('for'): rose from 51% (2014-11) to 79% (...)"."""
    what = MEASURES.get(series.measure, series.measure.replace("_", " "))
    if "first_date" not in found:
        return f"{series.pollster}, {what}: no dated waves"
    line = series.dated[series.headline].dropna()
    return (
        f"{series.pollster}, {what} ('{series.headline}'): "
        f"{trend_text(line, lambda day: str(series.stated[day]))}"
    )


def run(
    pollster: str = DEFAULTS["pollster"],
    measure: str = DEFAULTS["measure"],
    base: str = DEFAULTS["base"],
    compare_pollster: str = DEFAULTS["compare_pollster"],
    compare_measure: str = DEFAULTS["compare_measure"],
    compare_base: str = DEFAULTS["compare_base"],
) -> AnalysisResult:
    """One or two panels of shares per answer over time; the finding compares first and last
    waves of each panel's headline answer (the answer reported in most waves)."""
    p = validate(pollster, measure, base, compare_pollster, compare_measure, compare_base)
    panels = [read_series(p["pollster"], p["measure"], p["base"])]
    if p["compare"] is not None:
        panels.append(read_series(**p["compare"]))
    found = [summary(s) for s in panels]
    key = dict(found[0])
    if len(found) > 1:
        key.update({f"compare_{k}": v for k, v in found[1].items()})
    source = cite((OPINION, latest(OPINION)))[0]
    title = "; ".join(clause(s, f) for s, f in zip(panels, found, strict=True))
    result = AnalysisResult(title=title, sources=[source])
    result.figures["over_time"] = plots.time_panels(
        {f"{s.pollster}: {s.question}": s.dated for s in panels},
        title=title,
        ylabels={f"{s.pollster}: {s.question}": share_label(s.base) for s in panels},
        source=source,
    )
    result.tables["waves"] = panels[0].waves
    if len(panels) > 1:
        result.tables["compare_waves"] = panels[1].waves
    result.notes = notes(panels)
    result.labels = {k: v for k, v in LABELS.items() if k in key}
    answers = [a for s in panels for a in s.waves.columns]
    result.headers = {**{a: f"{a} (%)" for a in answers}, "poll_id": "Poll"}
    result.key_results = plain(key)
    return result


def share_label(base: str) -> str:
    return f"Share of respondents, % ({base.replace('_', ' ')})"


def notes(panels: list[Series]) -> list[str]:
    found = [f"Question (paraphrased), {s.pollster}: {s.question}" for s in panels]
    found += [
        "Bases: "
        + "; ".join(f"{s.pollster}: {s.base.replace('_', ' ')}" for s in panels)
        + ". Shares are of that base; other bases (e.g. likely voters, 10-25 pp higher) are "
        "not comparable, and the panels answer different questions: they are shown side by "
        "side, never on one axis.",
        "Polls after February 2022 cover government-controlled territory only.",
    ]
    undated = [w for s in panels for w in s.undated]
    if undated:
        found.append(f"Waves without a stated fieldwork date (not plotted): {undated}.")
    return found
