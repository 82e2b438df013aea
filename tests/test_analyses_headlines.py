"""Headlines that hold under a second look (issue 20): one quantity gives one number across the
default report set (or each report names the assumption that differs), a filtered ranking says
it is filtered, a trend that turns names its turn, and a number in a title is the value as
rounded."""

from __future__ import annotations

import importlib
import math
import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from burdenshare import plots
from burdenshare.analyses import (
    accession_opinion,
    country_profile,
    restrictions_mechanisms,
    ukraine_support_flows,
)
from burdenshare.analyses._format import fmt, signed, trend_text
from burdenshare.countries import nato_allies
from burdenshare.reports.planning import discover, plan
from tests import examples

#: Key results that set the basis of the others (an edition, a year, a date, a release, ...):
#: two reports may state different numbers for one quantity only if one of these, stated by
#: both, differs. Modelling choices (GDP growth, growth windows) are quantities, not bases:
#: they must agree.
BASES = (
    "edition",
    "year",
    "as_of",
    "vintage",
    "kiel_release",
    "start_year",
    "end_year",
    "by_year",
    "measure",
    "aid_types",
    "per_gdp",
    "dataset",
    "old",
    "new",
    "unit",
    "ranking_unit",
    "restrictions_edition",
    "mechanisms_edition",
    "countries",
)
#: Report keys that name a quantity another report states under another name:
#: (notebook, key) -> (quantity, subject or None for the report's own subject).
ALIASES: dict[tuple[str, str], tuple[str, str | None]] = {
    ("hague_2035_pathways", "gdp_growth"): ("gdp_growth_fraction", None),
    ("ukraine_support_flows", "release"): ("kiel_release", None),
    ("country_profile", "support_release"): ("kiel_release", None),
    ("commitments_briefing", "support_release"): ("kiel_release", None),
    ("ukraine_support_flows", "us_bn"): ("support_total_eur_bn", "USA"),
    ("alliance_overview", "count_hague_core_3_5"): ("allies_at_hague_core", None),
    ("commitments_briefing", "allies_at_core"): ("allies_at_hague_core", None),
    ("alliance_overview", "eur_can_burden_index"): ("eur_can_index_without_support", None),
    ("burden_sharing", "eur_can_index_without_support_2025"): (
        "eur_can_index_without_support",
        None,
    ),
}
#: One name, different quantities (checked to differ in meaning, not only in number).
HOMONYMS = {
    "donors": "support flows: donors with support > 0; restrictions: donors with a decision",
    "headline": "each report's own headline",
    "reports": "restrictions: reports of decisions; what_changed: none",
}


def _subject(notebook: str, params: dict[str, Any]) -> str:
    return str(params.get("country", "ALL")) if notebook == "country_profile" else "ALL"


def _facts(notebook: str, params: dict[str, Any], key: dict[str, Any]) -> dict[tuple, Any]:
    """(quantity, subject) -> value; values keyed by ally codes become one fact per ally."""
    allies = set(nato_allies(2026))
    found: dict[tuple, Any] = {}
    for name, value in key.items():
        quantity, subject = ALIASES.get((notebook, name), (name, None))
        subject = subject or _subject(notebook, params)
        if quantity in BASES and (notebook, name) not in ALIASES:
            continue
        if isinstance(value, dict) and value and set(value) <= allies:
            for code, each in value.items():
                found[(quantity, code)] = each
        else:
            found[(quantity, subject)] = value
    return found


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-3)
    return a == b


#: Under pytest-xdist (--dist loadgroup) the module runs on one worker, so its module fixtures
#: (the default set through the analyses) are built once.
pytestmark = pytest.mark.xdist_group("test_analyses_headlines")


@pytest.fixture(scope="module")
def default_set() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(notebook, parameters, key results) of every report of the default set, run through the
    analyses directly (the same recipe the notebooks call)."""
    reports = []
    for spec in plan(discover()):
        module = importlib.import_module(f"burdenshare.analyses.{spec.notebook}")
        result = module.run(**spec.parameters)
        reports.append((spec.notebook, spec.parameters, result.key_results))
    return reports


@pytest.mark.notebooks
def test_the_default_set_states_one_number_per_quantity(default_set):
    assert {n for n, _, _ in default_set} >= {"hague_2035_pathways", "country_profile"}
    stated: dict[tuple, list[tuple[str, dict, Any]]] = {}
    for notebook, params, key in default_set:
        bases = {
            ALIASES.get((notebook, k), (k, None))[0]: v
            for k, v in key.items()
            if ALIASES.get((notebook, k), (k, None))[0] in BASES
        }
        for fact, value in _facts(notebook, params, key).items():
            if fact[0] not in HOMONYMS:
                stated.setdefault(fact, []).append((notebook, bases, value))
    compared = 0
    for (quantity, subject), places in stated.items():
        for i, (first, bases_a, a) in enumerate(places):
            for second, bases_b, b in places[i + 1 :]:
                compared += 1
                if _same(a, b):
                    continue
                named = [k for k in set(bases_a) & set(bases_b) if bases_a[k] != bases_b[k]]
                assert named, (
                    f"{quantity} of {subject}: {first} says {a!r}, {second} says {b!r}, and "
                    "neither names a different basis"
                )
    assert compared > 31  # at least every ally's required growth, in its profile and the pathways


@pytest.mark.notebooks
def test_required_growth_is_one_number_on_both_pages(default_set):
    """Germany needed 4.51% a year on the pathways page and 3.15% in its profile (Spain 8.01 vs
    9.42, US 2.62 vs 3.41, Estonia 1.50 vs 0.74): the GDP assumption differed, unsaid."""
    hague = next(k for n, _, k in default_set if n == "hague_2035_pathways")
    for code, pathways_value in {"DEU": 4.51, "ESP": 8.01, "USA": 2.62, "EST": 1.50}.items():
        profile = next(
            k for n, p, k in default_set if n == "country_profile" and p["country"] == code
        )
        assert round(hague["required_real_growth_pct"][code], 2) == pathways_value
        assert round(profile["required_real_growth_pct"], 2) == pathways_value
        assert profile["gdp_growth_pct"] == hague["gdp_growth_pct"] == 1.5
        assert profile["verdict"] == hague["verdict"][code]


def test_a_filtered_ranking_says_it_is_filtered():
    """Germany leads USA, DEU, GBR, POL relative to GDP in R28 commitments: 9th of all donors."""
    result = ukraine_support_flows.run(
        release="R28",
        measure="commitment",
        aid_types=["military"],
        donors=["USA", "DEU", "GBR", "POL"],
        per_gdp=True,
    )
    title = plots.title_of(result.figures["donors"])
    assert title.startswith("Of the 4 donors selected, Germany gives the most relative to GDP")
    assert "(9th of all 42 donors; Norway leads)" in title
    unfiltered = plots.title_of(ukraine_support_flows.run().figures["donors"])
    assert unfiltered == "United States gives the most: 115.38 bn EUR"
    chosen = restrictions_mechanisms.run(countries=["DEU", "USA", "GBR"]).title
    assert "3 of the 3 donors selected with a reported decision allowed" in chosen


def test_a_trend_that_turns_names_its_turn():
    """KIIS 'expect membership by 2030': 65% (May 2022) to 71% (May 2024) hid 85% in 2023."""
    title = accession_opinion.run("KIIS", "expect_nato_by_2030", compare_pollster="").title
    assert "rose from 65% (2022-05-02) to 71% (2024-05-08) via a peak of 85% (2023-05-10)" in title


@given(st.lists(st.integers(0, 100), min_size=2, max_size=12))
@settings(max_examples=examples(200), deadline=None)
def test_trend_text_names_every_turn_beyond_its_ends(shares):
    line = pd.Series([float(v) for v in shares], index=range(2000, 2000 + len(shares)))
    text = trend_text(line, str, digits=0)
    first, last = shares[0], shares[-1]
    assert ("a peak of" in text) == (max(shares) > max(first, last))
    assert ("a low of" in text) == (min(shares) < min(first, last))
    if max(shares) > max(first, last):
        assert f"a peak of {max(shares)}% ({2000 + shares.index(max(shares))})" in text
    if first != last:
        assert text.startswith("rose" if last > first else "fell")


@given(
    value=st.floats(-1e6, 1e6, allow_nan=False).filter(lambda v: v == 0 or abs(v) > 1e-9),
    digits=st.integers(0, 3),
)
@settings(max_examples=examples(300), deadline=None)
def test_a_number_in_a_title_is_the_value_as_rounded(value, digits):
    shown = fmt(value, digits)
    # the value rounded to some number of decimals (at least ``digits``), trailing zeros dropped
    assert any(float(f"{value:.{d}f}") == float(shown) for d in range(digits, 12))
    if value:
        assert abs(float(shown) - value) <= 0.05 * abs(value) + 1e-12  # two significant digits
    assert not re.search(r"\+-|-\+", signed(value, digits))
    assert signed(value, digits).lstrip("+") == shown


def test_small_shares_keep_their_size_in_titles():
    """US military aid in 2025 was 0.056% of its defence spending, not '0.1%'."""
    usa = country_profile.run(country="USA")
    title = plots.title_of(usa.figures["support_vs_defence"])
    assert title.endswith("equalled 0.056% of its defence spending in 2025")
    assert usa.key_results["support_pct_of_defence"]["2025"] == pytest.approx(0.0559, abs=1e-4)
    assert signed(-2.0) == "-2" and signed(1.5) == "+1.5" and signed(0.0) == "0"
