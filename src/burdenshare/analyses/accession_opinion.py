"""Ukrainian public opinion on NATO accession over time, like with like: one pollster, one
measure (question) and one base (all respondents, likely voters, ...), never mixed.

Each wave is dated at the middle of its stated fieldwork period; waves without a stated date are
listed but not plotted. After 2022 polls cover government-controlled areas only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import plots
from ..editions import editions
from ..errors import ParameterError
from ..loaders.opinion import load_opinion
from ..params import check_choice, check_type
from ._common import AnalysisResult, cite, fmt, plain

DATASET = "opinion"
AUTO = "auto"
DEFAULTS: dict[str, Any] = {
    "pollster": "Rating Group",
    "measure": "referendum_vote_nato",
    "base": AUTO,
}


def _bases(rows: pd.DataFrame) -> list[str]:
    """Bases of a pollster's measure, the one with most waves first (ties by name)."""
    waves = rows.groupby("base")["poll_id"].nunique()
    return [b for b, _ in sorted(waves.items(), key=lambda kv: (-kv[1], kv[0]))]


def validate(
    pollster: str = DEFAULTS["pollster"],
    measure: str = DEFAULTS["measure"],
    base: str = DEFAULTS["base"],
) -> dict[str, Any]:
    """Pollster in the data; measure among that pollster's; base among that pair's (or auto)."""
    frame = load_opinion()
    check_type("pollster", pollster, str)
    check_choice("pollster", pollster, sorted(frame["pollster"].unique()))
    mine = frame[frame["pollster"] == pollster]
    check_type("measure", measure, str)
    check_choice("measure", measure, sorted(mine["measure"].unique()))
    rows = mine[mine["measure"] == measure]
    bases = _bases(rows)
    check_type("base", base, str)
    check_choice("base", base, [AUTO, *bases])
    chosen = bases[0] if base == AUTO else base
    return {"pollster": pollster, "measure": measure, "base": chosen}


def run(
    pollster: str = DEFAULTS["pollster"],
    measure: str = DEFAULTS["measure"],
    base: str = DEFAULTS["base"],
) -> AnalysisResult:
    """Waves of one pollster/measure/base: shares per answer over time, first vs last wave.

    The headline answer is the one reported in most waves (ties: the first one published).
    """
    p = validate(pollster, measure, base)
    base = p["base"]
    frame = load_opinion(pollster=pollster, measure=measure, base=base)
    source = cite((DATASET, list(editions(DATASET))[-1]))[0]
    frame = frame.assign(
        date=frame["fieldwork_from"] + (frame["fieldwork_to"] - frame["fieldwork_from"]) / 2
    )
    counts = frame.groupby("answer_option", sort=False)["poll_id"].nunique()
    headline = max(counts.index, key=lambda a: (counts[a], -list(counts.index).index(a)))
    dated = frame.dropna(subset=["date"])
    undated = sorted(frame.loc[frame["date"].isna(), "poll_id"].unique())
    wide = dated.pivot_table(index="date", columns="answer_option", values="share_pct")
    wide = wide[[a for a in counts.index if a in wide.columns]]
    wide.index = wide.index.normalize()
    series = wide[headline].dropna()
    question = (
        str(frame["question_paraphrase"].dropna().iloc[0])
        if frame["question_paraphrase"].notna().any()
        else measure
    )

    key: dict[str, Any] = {
        "pollster": pollster,
        "measure": measure,
        "base": base,
        "waves": int(frame["poll_id"].nunique()),
        "undated_waves": undated,
        "headline_answer": headline,
    }
    result = AnalysisResult(title=f"{pollster}: {measure}", sources=[source])
    if len(series):
        first, last = series.index[0], series.index[-1]
        stated = dated.assign(day=dated["date"].dt.normalize()).groupby("day")["fieldwork_start"]
        stated = stated.first()
        key.update(
            {
                "first_date": first.strftime("%Y-%m-%d"),
                "first_share_pct": float(series.iloc[0]),
                "last_date": last.strftime("%Y-%m-%d"),
                "last_share_pct": float(series.iloc[-1]),
                "change_pp": float(series.iloc[-1] - series.iloc[0]),
                "max_share_pct": float(series.max()),
                "max_date": series.idxmax().strftime("%Y-%m-%d"),
            }
        )
        verb = "rose" if key["change_pp"] > 0 else "fell" if key["change_pp"] < 0 else "stayed"
        title = (
            f"'{headline}' {verb} from {fmt(key['first_share_pct'], 1)}% ({stated[first]}) to "
            f"{fmt(key['last_share_pct'], 1)}% ({stated[last]}), {pollster}"
        )
    else:
        title = f"{pollster}: no dated waves for {measure}"
    if wide.empty:
        raise ParameterError(
            f"Parameter 'measure' = {measure!r}: {pollster} has no dated waves to plot; choose "
            "another measure or pollster."
        )
    fig = plots.time_lines(
        wide,
        title=title,
        ylabel=f"Share of respondents, % ({base.replace('_', ' ')})",
        source=source,
    )
    for line in fig.axes[0].get_lines():
        line.set_linestyle(line.get_linestyle() if len(wide) > 1 else "none")
    result.figures["over_time"] = fig
    table = frame.pivot_table(
        index=["poll_id", "fieldwork_start"],
        columns="answer_option",
        values="share_pct",
        sort=False,
    )
    table = table[[a for a in counts.index if a in table.columns]]
    result.tables["waves"] = table
    result.notes = [
        f"Question (paraphrased): {question}",
        f"Base: {base.replace('_', ' ')}. Shares are of that base; other bases (e.g. likely "
        "voters, 10-25 pp higher) are not comparable.",
        "Polls after February 2022 cover government-controlled territory only.",
    ]
    if undated:
        result.notes.append(f"Waves without a stated fieldwork date (not plotted): {undated}.")
    result.key_results = plain(key)
    return result
