"""Hostile parameters given to the public metrics: horizons, sizes and numbers out of bounds.

Each case names the metric, the bad value and the parameter; the message must name the parameter
(and, where it is short, the value). Sizes that would exhaust memory (a pathway to the year
10,000,000, ten million draws, a million percentiles) are refused before any work is done.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import burdenshare as bs
from burdenshare.metrics import support
from tests.adversarial import Action, Case


@cache
def _panel() -> pd.DataFrame:
    return bs.spending_panel("2026")


@cache
def _monthly() -> pd.DataFrame:
    return bs.load_support_monthly()


def _on_panel(metric: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[Path], Action]:
    """A case preparation calling ``metric(panel, *args, **kwargs)`` on the NATO 2026 panel."""

    def prepare(folder: Path) -> Action:
        panel = _panel()
        return lambda: metric(panel, *args, **kwargs)

    return prepare


def _on(metric: Callable[..., Any], data: Callable[[], Any], **kwargs: Any):
    def prepare(folder: Path) -> Action:
        frame = data()
        return lambda: metric(frame, **kwargs)

    return prepare


def _spliced() -> pd.DataFrame:
    """NATO 2024 edition up to 2018 joined to the 2026 edition from 2019 (two price bases)."""
    old, new = bs.spending_panel("2024"), _panel()
    years_old, years_new = (p.index.get_level_values("year") for p in (old, new))
    return new[years_new >= 2019].combine_first(old[years_old <= 2018])


def _repeated() -> pd.DataFrame:
    return pd.concat([bs.spending_panel("2024"), _panel()])


def _amounts() -> pd.Series:
    return pd.Series({"USA": 115.0, "DEU": 20.0, "GBR": 15.0})


def _many_draws() -> np.ndarray:
    return np.full(1_000_001, 0.015)


E = bs.ParameterError
G = 0.015  # an ordinary growth rate for the cases that break something else

CASES: list[Case] = [
    Case(
        "pathway_summary by ten million",
        _on_panel(bs.pathway_summary, "hague_core_3_5", 10**7, gdp_growth=G),
        E,
        ("'by'", "10000000", "2100"),
    ),
    Case(
        "pathway by 2101",
        _on_panel(bs.pathway, "hague_core_3_5", 2101, gdp_growth=G),
        E,
        ("'by'", "2101"),
    ),
    Case(
        "pathway by as float",
        _on_panel(bs.pathway, "hague_core_3_5", 2035.5, gdp_growth=G),
        E,
        ("'by'", "2035.5"),
    ),
    Case(
        "pathway_summary NaN growth",
        _on_panel(bs.pathway_summary, "hague_core_3_5", 2035, gdp_growth=math.nan),
        E,
        ("'gdp_growth'", "missing or infinite"),
    ),
    Case(
        "pathway infinite growth",
        _on_panel(bs.pathway, "hague_core_3_5", 2035, gdp_growth=math.inf),
        E,
        ("'gdp_growth'", "missing or infinite"),
    ),
    Case(
        "pathway growth of 150 percent",
        _on_panel(bs.pathway, "hague_core_3_5", 2035, gdp_growth=1.5),
        E,
        ("'gdp_growth'", "1.5"),
    ),
    Case(
        "pathway_fan absurd number of draws",
        lambda folder: (lambda panel, draws: lambda: bs.pathway_fan(panel, gdp_growth=draws))(
            _panel(), _many_draws()
        ),
        E,
        ("'gdp_growth'", "1,000,001 draws"),
    ),
    Case(
        "pathway_fan NaN draw",
        _on_panel(bs.pathway_fan, gdp_growth=np.array([0.01, np.nan])),
        E,
        ("'gdp_growth'", "missing or infinite"),
    ),
    Case(
        "pathway_fan a million percentiles",
        _on_panel(bs.pathway_fan, gdp_growth=[0.01, 0.02], percentiles=np.linspace(0, 100, 10**6)),
        E,
        ("'percentiles'", "1,000,000"),
    ),
    Case(
        "pathway_fan NaN percentile",
        _on_panel(bs.pathway_fan, gdp_growth=[0.01, 0.02], percentiles=(5, math.nan)),
        E,
        ("'percentiles'", "missing or infinite"),
    ),
    Case(
        "pathway recent_years of a million",
        _on_panel(bs.pathway, "hague_core_3_5", 2035, gdp_growth=G, recent_years=10**6),
        E,
        ("'recent_years'", "1000000"),
    ),
    Case(
        "pathway_summary NaN target",
        _on_panel(bs.pathway_summary, math.nan, 2035, gdp_growth=G),
        E,
        ("'target'", "nan"),
    ),
    Case(
        "pathway hold_if_above as text",
        _on_panel(bs.pathway, "hague_core_3_5", 2035, gdp_growth=G, hold_if_above="yes"),
        E,
        ("'hold_if_above'", "'yes'"),
    ),
    Case("target_gap infinite target", _on_panel(bs.target_gap, math.inf), E, ("'target'", "inf")),
    Case("compliance negative target", _on_panel(bs.compliance, -3.5), E, ("'target'", "-3.5")),
    Case(
        "equipment_share target above 100",
        _on_panel(bs.equipment_share, 250.0),
        E,
        ("'target'", "250.0"),
    ),
    Case(
        "burden_shares a billion-year list",
        _on_panel(bs.burden_shares, [2014, 10**9]),
        E,
        ("'years'", "1000000000"),
    ),
    Case("cagr fractional start", _on_panel(bs.cagr, 2014.5, 2024), E, ("'start'", "2014.5")),
    Case("cagr start as bool", _on_panel(bs.cagr, True, 2024), E, ("'start'", "True")),
    Case("movers n of a billion", _on_panel(bs.movers, 2014, 2026, n=10**9), E, ("'n'", "1000")),
    Case(
        "concentration top_n zero",
        _on(support.concentration, _amounts, top_n=0),
        E,
        ("'top_n'", "0"),
    ),
    Case("top_donors NaN n", _on(support.top_donors, _amounts, n=math.nan), E, ("'n'", "nan")),
    Case(
        "monthly_flows unknown grouping",
        _on(support.monthly_flows, _monthly, by="continent"),
        E,
        ("'by'", "'continent'", "region"),
    ),
    Case(
        "compliance on related spending NATO does not publish",
        _on_panel(bs.compliance, "hague_related_1_5"),
        bs.UnitError,
        ("'hague_related_1_5'", "defence- and security-related spending"),
    ),
    Case(
        "pathway to related spending",
        _on_panel(bs.pathway, "hague_related_1_5", 2035, gdp_growth=G),
        bs.UnitError,
        ("'hague_related_1_5'",),
    ),
    Case(
        "real_growth on two editions spliced",
        lambda folder: (lambda p: lambda: bs.real_growth(p))(_spliced()),
        bs.UnitError,
        ("joins editions", "chain_editions"),
    ),
    Case(
        "cagr on two editions concatenated",
        lambda folder: (lambda p: lambda: bs.cagr(p, 2014, 2024))(_repeated()),
        E,
        ("mixes editions", "chain_editions"),
    ),
    Case(
        "chain_editions of one edition",
        lambda folder: (lambda p: lambda: bs.chain_editions(p, p))(_panel()),
        E,
        ("same edition",),
    ),
    Case(
        "annual_support aid_types as text",
        _on(support.annual_support, _monthly, aid_types="military"),
        E,
        ("'aid_types'", "'military'"),
    ),
]


# Every public metric given a table of the wrong kind: a ParameterError naming the table expected.
@cache
def _tables() -> dict[str, Any]:
    monthly = _monthly()
    return {
        "panel": _panel(),
        "support": bs.load_support(),
        "monthly": monthly,
        "annual": bs.annual_support(monthly),
        "amounts": _amounts(),
        "empty": pd.DataFrame(),
        "None": None,
        "text": "DEU",
    }


_KINDS = ("panel", "support", "monthly", "annual", "amounts", "empty", "None", "text")
#: What each kind of table is called in the messages.
_EXPECTED = {
    "panel": "spending_panel",
    "support": "bs.load_support()",
    "monthly": "bs.load_support_monthly()",
    "annual": "bs.annual_support",
    "amounts": "Series of amounts by donor",
    "long": "tidy long frame",
    "converted": "bs.to_ppp",
}
#: The table argument each public metric takes, the kinds it accepts, and how to call it.
_PANEL_EXTRA: dict[str, tuple[Any, ...]] = {
    "cagr": (2014, 2024),
    "movers": (2014, 2024),
    "group_burden": (["USA"],),
}
_PANEL_KWARGS = {
    name: {"gdp_growth": G}
    for name in ("pathway", "pathway_summary", "pathway_fan", "track_verdicts")
}
_SUPPORT_SIGNATURES: dict[str, tuple[str, ...]] = {
    "annual_support": ("monthly",),
    "monthly_flows": ("monthly",),
    "by_region": ("support", "annual"),
    "support_share_of_gdp": ("support", "annual"),
    "delivery_ratio": ("support",),
    "donor_totals": ("support",),
    "concentration": ("amounts",),
    "top_donors": ("amounts",),
    "support_vs_defence": ("annual",),
    "spending_with_support": ("annual",),
    "to_ppp": ("long",),  # a kind _KINDS does not offer: every one of them is wrong
    "ppp_total": ("converted",),
}


def _call(name: str, table: Any) -> Any:
    metric = getattr(bs, name)
    if name == "support_share_of_gdp":
        return metric(table, bs.load_donor_gdp())
    if name == "support_vs_defence":
        return metric(table, _panel())
    if name == "spending_with_support":
        return metric(_panel(), table, double_count="acknowledge")
    if name == "to_ppp":
        return metric(table, bs.load_ppp())
    if name == "ppp_total":
        return metric(table, ["DEU"])
    if name == "chain_editions":  # the table beside a good panel of another edition
        return metric(table, bs.spending_panel("2024"))
    return metric(table, *_PANEL_EXTRA.get(name, ()), **_PANEL_KWARGS.get(name, {}))


def _wrong_kind(name: str, kind: str) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        table = _tables()[kind]
        return lambda: _call(name, table)

    return prepare


def public_metrics() -> list[str]:
    """Every public metric function (the functions of ``burdenshare.metrics.__all__``)."""
    import inspect

    return [n for n in bs.metrics.__all__ if inspect.isfunction(getattr(bs.metrics, n))]


def _accepted(name: str) -> tuple[str, ...]:
    return _SUPPORT_SIGNATURES.get(name, ("panel",))


CASES += [
    Case(
        f"{name} given {kind}",
        _wrong_kind(name, kind),
        E,
        tuple(_EXPECTED[k] for k in _accepted(name)[:1]),
    )
    for name in public_metrics()
    for kind in _KINDS
    if kind not in _accepted(name)
]


def _revisions_of(kind: str) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        table = _tables()[kind]
        return lambda: bs.largest_revisions(table, 3)

    return prepare


@cache
def _diff() -> pd.DataFrame:
    return bs.compare_releases("nato_spending", "2025", "2026")


CASES += [
    Case("largest_revisions negative n", _on(bs.largest_revisions, _diff, n=-1), E, ("'n'", "-1")),
    Case("largest_revisions NaN n", _on(bs.largest_revisions, _diff, n=math.nan), E, ("'n'",)),
    Case("largest_revisions n as text", _on(bs.largest_revisions, _diff, n="3"), E, ("'n'", "'3'")),
    Case("largest_revisions n as bool", _on(bs.largest_revisions, _diff, n=True), E, ("'n'",)),
] + [
    Case(f"largest_revisions given {kind}", _revisions_of(kind), E, ("bs.compare_releases",))
    for kind in _KINDS
]
