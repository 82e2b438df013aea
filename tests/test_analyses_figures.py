"""Every figure of every notebook follows the house rules (tests/figure_checks.py: no text
outside the canvas or on top of other text, data inside the axes, whole-year ticks, log axes in
percentages, month ticks with their year, fan charts in words, estimates marked, title counts
equal to what is drawn, no empty axes, a legend for every colour that means something, a title
and a source line), with every parameter set the tests render: the default report set (every
notebook with its defaults, a country profile for every ally, what_changed for each dataset),
extreme parameters (the smallest ally, an ally without a NATO figure, a span without SIPRI
data, a single year, the shortest and longest horizons, one draw, crowded targets, the earliest
and latest dates) and the parameter sets of the other tests/test_analyses_*.py."""

from __future__ import annotations

import functools
import re
from typing import Any

import pytest

import burdenshare as bs
from burdenshare import plots
from burdenshare.analyses import ANALYSES
from burdenshare.countries import nato_allies
from tests.figure_checks import check_figure

EXTREMES: dict[str, list[dict[str, Any]]] = {
    "alliance_overview": [
        {},
        {"year": 2014, "edition": "2025", "targets": [2, 2.1, 100]},
        {"year": 2026, "edition": "2026", "targets": ["hague_total_5"]},
    ],
    "country_profile": [
        {},
        {"country": "MNE"},  # the smallest ally by defence spending
        {"country": "ISL"},  # no NATO figure: SIPRI and support only
        {"country": "USA", "start_year": 2026, "end_year": 2026},  # one year, no SIPRI for it
        {"country": "ISL", "start_year": 2026, "end_year": 2026},  # neither NATO nor SIPRI
        {"country": "FIN", "start_year": 2017, "end_year": 2017},  # earliest pathway start
    ],
    "hague_2035_pathways": [
        {},
        {"by_year": 2027, "draws": 1, "gdp_growth": -0.2, "gdp_growth_sd": 0.0},
        {"by_year": 2100, "gdp_growth": 0.2, "gdp_growth_sd": 0.1, "core_target": 100},
        {"count_ukraine_support": True, "core_target": "wales_2pct"},
    ],
    "ukraine_support_flows": [
        {},
        {"donors": ["ISL"], "aid_types": ["humanitarian"]},
        {"release": "R28", "measure": "commitment", "aid_types": ["military"], "per_gdp": True},
        {"release": "R30v2"},
    ],
    "burden_sharing": [
        {},
        {"start_year": 2014, "end_year": 2014},
        {"start_year": 2026, "end_year": 2026},
    ],
    "accession_opinion": [
        {},
        {"pollster": "SOCIS", "compare_pollster": ""},  # a single wave
        {
            "pollster": "KIIS",
            "base": "likely_voters",
            "compare_pollster": "KIIS",
            "compare_measure": "expect_nato_by_2030",
        },
    ],
    "commitments_briefing": [
        {},
        {"as_of": "2025-06-25"},
        {"as_of": "2026-12-31"},
        {"as_of": "2025-08-06", "vintage": "as_revised"},
    ],
    "restrictions_mechanisms": [
        {},
        {"as_of": "2022-04-26"},
        {"as_of": "2024-06-01", "countries": ["FIN"]},
    ],
    "what_changed": [
        {},
        {"dataset": "sipri_milex", "top_n": 40},  # the most bars
        {"dataset": "kiel_support", "top_n": 1},  # a single bar
        {"old": "2024", "new": "2025", "top_n": 40},
        {"dataset": "kiel_support", "old": "R29", "new": "R30"},  # % of GDP, EU members only
    ],
    "world_comparison": [
        {},
        {"start_year": 2014, "end_year": 2014},  # one year; the ranking of the same year
        {"start_year": 2025, "end_year": 2025},  # past the world spenders' last year (2024)
    ],
}
#: The default report set (reports/planning.py): defaults, every ally, every what_changed dataset.
DEFAULT_SET: dict[str, list[dict[str, Any]]] = {
    **{name: [{}] for name in ANALYSES},
    "country_profile": [{"country": c} for c in nato_allies(2026)],
    "what_changed": [{"dataset": d} for d in ("nato_spending", "sipri_milex", "kiel_support")],
}
#: The parameter sets of tests/test_analyses_*.py not already above.
OTHER_TESTS: dict[str, list[dict[str, Any]]] = {
    "alliance_overview": [
        {"year": 2024, "edition": "2024", "targets": ["wales_2pct"]},
        {"year": 2025, "edition": "2025"},
        {"year": 2026, "targets": ["hague_total_5", "wales_2pct"]},
        {"year": 2026, "targets": ["hague_core_3_5"]},
        {"targets": [2, 3.5, 5]},
    ],
    "country_profile": [
        {"country": "SWE", "start_year": 2014, "end_year": 2026},
        {"country": "DEU", "start_year": 2018, "end_year": 2024},
    ],
    "hague_2035_pathways": [{"draws": 100}, {"draws": 100, "count_ukraine_support": True}],
    "burden_sharing": [
        {"start_year": 2014, "end_year": 2026},
        {"start_year": 2015, "end_year": 2020},
    ],
    "accession_opinion": [
        {"compare_pollster": ""},
        {"pollster": "Rating Group", "measure": "referendum_vote_nato"},
        {"pollster": "Gallup", "measure": "expect_nato_within_10y"},
        {"pollster": "KIIS", "measure": "expect_nato_by_2030", "compare_pollster": ""},
    ],
    "commitments_briefing": [
        {"as_of": "2025-12-31", "vintage": "as_revised"},
        {"as_of": "2025-08-04", "vintage": "as_revised"},
        {"as_of": "2025-08-06"},
        {"as_of": "2025-12-31"},
    ],
    "restrictions_mechanisms": [
        {"as_of": "2025-12-31", "countries": ["DEU"]},
        {"as_of": "2025-12-31", "countries": ["ISL", "DEU", "GBR"]},
        {"as_of": "2025-12-31", "countries": ["DEU", "USA", "GBR"]},
        {"as_of": "2025-12-31", "countries": ["ISL"]},
    ],
    "ukraine_support_flows": [],
    "world_comparison": [],
    "what_changed": [
        {"old": "2024", "new": "2026", "top_n": 3},
        {"old": "2024", "new": "2026"},
        {"old": "2025", "new": "2026"},
        {"dataset": "kiel_support", "top_n": 40},
        *({"dataset": d, "top_n": 3} for d in ("nato_spending", "sipri_milex", "kiel_support")),
    ],
}


def _all_sets(name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for group in (DEFAULT_SET, EXTREMES, OTHER_TESTS):
        found += [p for p in group.get(name, []) if p not in found]
    return found


SETS = {name: _all_sets(name) for name in ANALYSES}
CASES = [(name, i) for name, sets in SETS.items() for i in range(len(sets))]
#: Figures of a modelled path from one NATO year (the key result naming that year).
MODEL_PATHS = {("country_profile", "pathway"): "end_year"}
NATO_TAG = re.compile(r"\[nato_spending (\w+)\]")


@functools.cache
def estimated_years(edition: str) -> tuple[int, ...]:
    """The years with any NATO estimate in an edition."""
    panel = bs.spending_panel(edition)
    flagged = panel["estimate"].fillna(False).astype(bool)
    return tuple(sorted(set(panel.index.get_level_values("year")[flagged.to_numpy()])))


def test_every_notebook_has_extreme_cases():
    assert sorted(EXTREMES) == sorted(ANALYSES) == sorted(OTHER_TESTS)
    assert len(SETS["country_profile"]) > len(nato_allies(2026))


@pytest.mark.sweeps
@pytest.mark.parametrize(("name", "which"), CASES)
def test_every_figure_follows_the_rules(name: str, which: int):
    result = ANALYSES[name].run(**SETS[name][which])
    assert result.title.strip()
    for key, figure in result.figures.items():
        editions = NATO_TAG.findall(figure.get_supxlabel())
        years = sorted({y for e in editions for y in estimated_years(e)})
        if (name, key) in MODEL_PATHS:  # NATO's figure is its first year; the rest is a model
            years = [y for y in years if y == result.key_results[MODEL_PATHS[name, key]]]
        try:
            check_figure(figure, years)
        except AssertionError as error:
            raise AssertionError(f"{name} {SETS[name][which]} figure {key!r}: {error}") from None


def test_an_ally_with_nothing_to_plot_gets_a_sentence():
    iceland = ANALYSES["country_profile"].run(country="ISL")
    assert "share_of_gdp" not in iceland.figures  # SIPRI's series is 0% in every year
    assert "SIPRI records 0% of GDP for Iceland in every year of 2014-2025" in " ".join(
        iceland.notes
    )
    assert iceland.tables["history"]["sipri_share_gdp_pct"].dropna().eq(0).all()


def test_the_burden_scatter_draws_every_ally_its_title_counts():
    result = ANALYSES["burden_sharing"].run()
    title = plots.title_of(result.figures["shares"])
    assert title.startswith(f"9 of {result.key_results['allies']} allies")
    points = sum(len(c.get_offsets()) for c in result.figures["shares"].axes[0].collections)
    assert points == result.key_results["allies"] == 31  # the United States included


def test_one_page_names_the_release_of_each_number():
    """Europe's EUR 215 bn (R29 monthly flows) and 230.5 bn (R30 donor totals) are two
    releases: the flows figure says which it shows."""
    result = ANALYSES["ukraine_support_flows"].run()
    assert plots.title_of(result.figures["flows"]).startswith(
        "Allocated by April 2026 (Kiel R29 monthly flows): Europe EUR 215 bn"
    )


def test_a_filtered_ranking_says_how_many_it_shows():
    result = ANALYSES["what_changed"].run(dataset="kiel_support", top_n=3)
    title = plots.title_of(result.figures["donor_totals"])
    assert title == result.title + " (3 largest moves shown)"
    assert len(result.figures["donor_totals"].axes[0].patches) == 3
