"""Every figure of every notebook, drawn with extreme parameters (the smallest ally, an ally
without a NATO figure, a span without SIPRI data, a single year, the shortest and longest
horizons, one draw, crowded targets, the earliest and latest dates), follows the house rules:
whole-year ticks, no text outside the canvas, no labels on top of each other, a legend for every
colour that means something, a title and a source line (tests/figure_checks.py)."""

from __future__ import annotations

from typing import Any

import pytest

from burdenshare.analyses import ANALYSES
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
CASES = [(name, i) for name, sets in EXTREMES.items() for i in range(len(sets))]


def test_every_notebook_has_extreme_cases():
    assert sorted(EXTREMES) == sorted(ANALYSES)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "which"), CASES)
def test_every_figure_follows_the_rules(name: str, which: int):
    result = ANALYSES[name].run(**EXTREMES[name][which])
    assert result.title.strip()
    for key, figure in result.figures.items():
        try:
            check_figure(figure)
        except AssertionError as error:
            raise AssertionError(
                f"{name} {EXTREMES[name][which]} figure {key!r}: {error}"
            ) from None
