"""The report site: report pages (reader mode, researcher's version), the landing page, value
formatting, PDFs and the site in a real, network-less Chromium.

The fixtures stage a site the way the runner does (docs/ARCHITECTURE.md, "Runner and site"):
executed notebooks whose outputs come from the real analyses on the bundled data, shown as the
notebooks show them (tables with their CSV, figures, the recorded key results), with the runner's
report metadata and a run manifest of the contract's shape.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import io
import json
import math
import re
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from unittest import mock

import nbformat
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from IPython.core.formatters import DisplayFormatter
from IPython.display import Image, Markdown
from markupsafe import escape
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from PIL import Image as PILImage

from burdenshare import plots
from burdenshare.analyses import ANALYSES, png_bytes
from burdenshare.cli import main
from burdenshare.countries import name as country_name
from burdenshare.errors import ReportError
from burdenshare.reports import record_results
from burdenshare.reports.options import RunOptions, check_options
from burdenshare.reports.site import pdf
from burdenshare.reports.site.landing import (
    MISSING,
    THUMB_BOX,
    about_the_data,
    format_number,
    format_value,
    glossary,
    key_results,
    render_site,
    split_label,
    suggested_citation,
)
from burdenshare.reports.site.pages import Rendered, render_report
from burdenshare.reports.site.pdf import launch_options, print_pdfs
from burdenshare.tables import loaded, reset_loaded
from tests import FIXTURE_NOTEBOOKS, NOTEBOOKS, REPO, requires_chromium, requires_playwright
from tests.test_site_browser import chromium

FORMATTER = DisplayFormatter()

#: Labels the notebooks give their key results (what record_results(labels=...) carries).
LABELS = {
    "alliance_overview": {
        "count_wales_2pct": "Allies at or above 2% of GDP (allies)",
        "allies_hague_core_3_5": "Allies at or above 3.5% of GDP",
        "money_gap_usd_m_hague_core_3_5": "Money gap to 3.5% of GDP (million US$)",
        "nato_total_share_gdp_pct": "NATO total, share of GDP (%)",
        "eur_can_burden_index": "Burden-sharing index of Europe and Canada",
    },
    "country_profile": {
        "share_end_pct": "Share of GDP, last year (%)",
        "real_cagr_pct": "Real growth per year (%)",
        "gap_pp_hague_core_3_5": "Gap to 3.5% of GDP (pp)",
        "support_total_eur_bn": "Support to Ukraine (billion EUR)",
        "sipri_last_year": "Last SIPRI year (year)",
    },
    "hague_2035_pathways": {
        "allies_below_core": "Allies below the core target (allies)",
        "allies_off_track": "Allies off track",
        "spending_by_year_p50_usd_bn": "Alliance spending in the target year, median (US$ bn)",
    },
}
#: Readable headers with units, as burdenshare.analyses.show gives them.
HEADERS = {
    "share_gdp_pct": "Share of GDP (%)",
    "nato_share_gdp_pct": "NATO share of GDP (%)",
    "sipri_share_gdp_pct": "SIPRI share of GDP (%)",
    "required_real_growth_pct": "Required real growth (% a year)",
}
SECTION = {
    "alliance_overview": "alliance",
    "country_profile": "countries",
    "hague_2035_pathways": "hague",
    "commitments_briefing": "support",
}


# --- staging a site as the runner does ------------------------------------------------------------


def _shown(obj: Any, metadata: dict[str, Any] | None = None) -> Any:
    """The display_data output a kernel records for ``display(obj, metadata=metadata)``."""
    data, meta = FORMATTER.format(obj)
    return new_output("display_data", data=data, metadata={**meta, **(metadata or {})})


def _table(frame: pd.DataFrame, name: str) -> Any:
    readable = frame.rename(columns=lambda c: HEADERS.get(c, c))
    return _shown(readable, {"burdenshare_table": {"name": name, "csv": frame.to_csv()}})


def _figure(fig: Any, name: str, title: str) -> Any:
    """The output ``burdenshare.analyses.show(fig, name=name)`` records."""
    image = Image(data=png_bytes(fig), format="png")
    meta = {"name": name, "title": title}
    data = plots.data_of(fig)
    if data is not None:
        meta["csv"] = data.to_csv()
    return _shown(image, {"burdenshare_figure": meta})


def _recorded(results: dict[str, Any], title: str, labels: dict[str, str]) -> Any:
    """The output record_results displays (its own code, display captured)."""
    seen = []

    def display(obj: Any, raw: bool = False, metadata: Any = None) -> None:
        seen.append(new_output("display_data", data=obj, metadata=metadata))

    with mock.patch("IPython.display.display", display):
        record_results(results, title=title, labels=labels)
    return seen[0]


def _parameters_source(notebook: str) -> str:
    nb = nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4)
    return next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))


def executed(
    notebook: str,
    parameters: dict[str, Any],
    *,
    stem: str,
    fail: bool = False,
    section: str | None = "default",
) -> tuple[Any, dict[str, Any]]:
    """An executed report notebook with the runner's metadata, and its manifest entry."""
    reset_loaded()
    result = ANALYSES[notebook].run(**parameters)
    reads = [r.as_dict() for r in loaded()]
    labels = LABELS.get(notebook, {})
    injected = "\n".join(f"{k} = {v!r}" for k, v in parameters.items())
    cells = [
        new_markdown_cell(f"# {notebook.replace('_', ' ').capitalize()}\n\nWhat this shows."),
        new_code_cell(_parameters_source(notebook), metadata={"tags": ["parameters"]}),
        new_code_cell(f"# Parameters\n{injected}\n", metadata={"tags": ["injected-parameters"]}),
        new_markdown_cell(
            "Check the parameters first: a bad value stops here.", metadata={"tags": ["usage"]}
        ),
        new_code_cell(f"from burdenshare.analyses import {notebook} as analysis"),
        new_code_cell(
            "show(f'## {result.title}')", outputs=[_shown(Markdown(f"## {result.title}"))]
        ),
    ]
    for i, (name, fig) in enumerate(result.figures.items()):
        title = fig._suptitle.get_text() if fig._suptitle else result.title
        outputs = [_figure(fig, name, title)]
        if i < len(result.tables):
            table_name = list(result.tables)[i]
            outputs.append(_table(result.tables[table_name], table_name))
        cells.append(new_code_cell(f"show(result.figures[{name!r}])", outputs=outputs))
    error = ""
    if fail:
        error = "ValueError: deliberate failure for the site tests"
        traceback = ["Traceback (most recent call last)", error]
        cells.append(
            new_code_cell(
                "raise ValueError('deliberate failure for the site tests')",
                outputs=[new_output("error", ename="ValueError", evalue="x", traceback=traceback)],
            )
        )
    else:
        cells.append(
            new_markdown_cell("Key results, machine-readable.", metadata={"tags": ["usage"]})
        )
        cells.append(
            new_code_cell(
                "recorded = record_results(result.key_results)",
                outputs=[_recorded(result.key_results, result.title, labels)],
            )
        )
    for count, cell in enumerate(c for c in cells if c.cell_type == "code"):
        cell.execution_count = count + 1
    failing_cell = len(cells) - 1 if fail else None
    meta = {
        "title": notebook.replace("_", " ").capitalize(),
        "description": f"What {notebook} shows, in one line.",
    }
    if section is not None:
        meta["section"] = SECTION.get(notebook, "alliance") if section == "default" else section
    report = {
        "stem": stem,
        "notebook": notebook,
        "parameters": parameters,
        "datasets": reads,
        "engine": "forked",
        "engine_reason": "warm process",
        "status": "failed" if fail else "ok",
        "error": error,
        "failing_cell": failing_cell,
    }
    nb = new_notebook(cells=cells, metadata={"burdenshare": {**meta, "report": report}})
    entry = {
        **{k: report[k] for k in ("notebook", "stem", "parameters", "error", "failing_cell")},
        "status": report["status"],
        "duration_s": 1.25,
        "cached": False,
        "ran_at": "2026-01-02T03:04:05Z",
        "engine": "forked",
        "engine_reason": "warm process",
        "results": {} if fail else json.loads(json.dumps(result.key_results)),
        "headline": {} if fail else {"title": result.title, "labels": labels},
        "notebook_meta": meta,
        "datasets": reads,
        "files": {"html": f"{stem}.html", "ipynb": f"{stem}.ipynb", "csv": []},
    }
    return nb, entry


REPORTS: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    ("alliance_overview", {"year": 2025}, "alliance_overview", {}),
    ("hague_2035_pathways", {}, "hague_2035_pathways", {}),
    ("commitments_briefing", {}, "commitments_briefing", {}),
    ("country_profile", {"country": "POL"}, "country_profile__country-POL", {}),
    ("country_profile", {"country": "DEU"}, "country_profile__country-DEU", {}),
    ("country_profile", {"country": "ISL"}, "country_profile__country-ISL", {"fail": True}),
    ("alliance_overview", {"year": 2024}, "alliance_overview__year-2024", {"section": "mystery"}),
]


def stage(folder: Path, show_code: bool = False) -> dict[str, Any]:
    """Write a site into ``folder`` as the runner does; return the run manifest."""
    entries = []
    for notebook, parameters, stem, options in REPORTS:
        nb, entry = executed(notebook, parameters, stem=stem, **options)
        (folder / f"{stem}.ipynb").write_text(nbformat.writes(nb), encoding="utf-8")
        page = render_report(nb, stem=stem, show_code=show_code)
        (folder / f"{stem}.html").write_text(page.html, encoding="utf-8")
        for name, data in page.files.items():
            (folder / name).write_bytes(data)
        entry["files"]["csv"] = sorted(page.files)
        entries.append(entry)
    run = {
        "package": "burdenshare",
        "version": "0.1.0",
        "python": "3.11.2",
        "dependencies": "ab" * 32,
        "started": "2026-01-02T03:04:00Z",
        "finished": "2026-01-02T03:05:00Z",
        "seconds": 60.0,
        "options": {"show_code": show_code, "jobs": 2},
        "succeeded": sum(e["status"] == "ok" for e in entries),
        "failed": sum(e["status"] != "ok" for e in entries),
        "cached": 0,
        "reports": entries,
    }
    (folder / "manifest.json").write_text(json.dumps(run, allow_nan=False), encoding="utf-8")
    for name, data in render_site(run, folder).items():
        (folder / name).write_bytes(data)
    return run


#: Under pytest-xdist (--dist loadgroup) the module runs on one worker, so its module fixtures
#: (a staged site and an executed notebook) are built once.
pytestmark = pytest.mark.xdist_group("test_reports_site")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("site")
    return folder, stage(folder)


@pytest.fixture(scope="module")
def alliance() -> tuple[Any, dict[str, Any]]:
    return executed("alliance_overview", {"year": 2025}, stem="alliance_overview")


class Page(HTMLParser):
    """What the tests look at in a page: links, sources, ids, title, text, tags."""

    def __init__(self, text: str):
        super().__init__()
        self.links: list[str] = []
        self.sources: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.title = ""
        self._in_title = False
        self._skip = 0
        self.text_parts: list[str] = []
        self.feed(text)
        self.text = " ".join(" ".join(self.text_parts).replace("¶", " ").split())

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        for key in ("src", "href", "srcset", "poster", "data"):
            if key in attrs and not (tag == "a" and key == "href"):
                self.sources.append((tag, attrs[key]))
        self._in_title = tag == "title"
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.text_parts.append(data)


def page_of(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def assert_self_contained(page: Page) -> None:
    """Nothing is fetched from anywhere: sources are inline data or files beside the page; only
    links a reader clicks may go to another host."""
    assert not any(tag in ("script", "link", "iframe", "object", "embed") for tag, _ in page.tags)
    for tag, src in page.sources:
        assert src.startswith("data:") or re.fullmatch(r"[A-Za-z0-9._-]+", src), (tag, src)
    assert "@import" not in page.text and "url(http" not in page.text


def local_links_resolve(folder: Path, name: str, page: Page) -> list[str]:
    """Local links of a page that point nowhere (a file beside it, or an id on the target)."""
    broken = []
    for link in page.links:
        if re.match(r"^[a-z]+:", link):
            assert link.startswith(("https://", "http://")), link
            continue
        file, _, fragment = link.partition("#")
        target = folder / (file or name)
        if not target.is_file() or (
            fragment and target.suffix == ".html" and fragment not in page_of(target).ids
        ):
            broken.append(link)
    return broken


# --- values ---------------------------------------------------------------------------------------


def test_labels_split_into_name_and_unit():
    assert split_label("Median share of GDP (%)") == ("Median share of GDP", "%")
    assert split_label("Gap (to 3.5%) in money (million US$)") == (
        "Gap (to 3.5%) in money",
        "million US$",
    )
    assert split_label("Allies off track") == ("Allies off track", "")


@pytest.mark.parametrize(
    ("value", "unit", "name", "text"),
    [
        (445296.5276, "million US$", "", "445,297 million US$"),  # the raw value
        (2.7512, "%", "", "2.75%"),
        (59.8801, "%", "", "59.9%"),
        (0.7726, "% of GDP", "", "0.77% of GDP"),
        (-1.18, "pp", "", "-1.18 pp"),
        (5.886, "billion EUR", "", "5.89 billion EUR"),
        (374.223, "billion EUR", "", "374 billion EUR"),
        (28, "allies", "", "28 allies"),
        (2035, "year", "", "2035"),
        (2025, "", "Last SIPRI year", "2025"),
        (1775.076, "", "", "1,775"),
        (0.8364, "", "", "0.84"),
        (0.0035, "%", "", "0.0035%"),
        (-0.0001, "pp", "", "-0.0001 pp"),
        (-0.001, "", "", "-0.001"),
        (0.189, "%", "", "0.19%"),
        (-0.004, "%", "", "-0.004%"),
        (None, "%", "", MISSING),
        (math.nan, "%", "", MISSING),
        (True, "", "", "yes"),
        (["EST", "LTU", "LVA", "POL"], "", "", "Estonia, Lithuania, Latvia, Poland"),
        ([], "", "", "none"),
        ("EU_INST", "", "", "EU institutions (Commission and Council)"),
        ("R30", "", "", "R30"),
        ({"2022": 12.4471, "2023": 5.2562}, "%", "", "2022: 12.4%; 2023: 5.26%"),
        ([0.01, 0.035], "%", "", "0.01%, 0.035%"),
        ([1.5, 250.0], "billion EUR", "", "1.50, 250 billion EUR"),
    ],
)
def test_values_are_rounded_by_unit_with_names_for_codes(value, unit, name, text):
    assert format_value(value, unit, name) == text


finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)


@given(finite, st.sampled_from(["%", "pp", "million US$", "billion EUR", "allies", ""]))
def test_rounding_stays_close_and_never_shows_a_value_as_zero(number, unit):
    text = format_number(number, unit)
    shown = float(text.replace(",", ""))
    decimals = len(text.partition(".")[2])
    assert abs(shown - number) <= 0.5 * 10**-decimals * (1 + 1e-9) + abs(number) * 1e-12
    assert (shown == 0) == (number == 0)
    assert not text.startswith("-") or number < 0


def test_only_labelled_results_are_shown_in_the_labels_order():
    results = {"a_pct": 2.345, "b": 7, "raw_only": 1.23456, "missing": None}
    labels = {"missing": "Missing value (%)", "a_pct": "Share (%)", "absent": "Not recorded"}
    shown = key_results(results, labels)
    assert [(r.key, r.name, r.text) for r in shown] == [
        ("missing", "Missing value", MISSING),
        ("a_pct", "Share", "2.35%"),
    ]


# --- report pages ---------------------------------------------------------------------------------


def test_reader_page_hides_code_and_usage_and_shows_parameters_and_units(alliance):
    nb, _ = alliance
    before = nbformat.writes(nb)
    rendered = render_report(nb, stem="alliance_overview", show_code=False)
    assert isinstance(rendered, Rendered)
    assert nbformat.writes(nb) == before  # the executed notebook is not changed
    page = Page(rendered.html)
    assert page.title == "Alliance overview — year 2025"
    for code in ("from burdenshare.analyses import", "record_results(", "year = 2025", "show("):
        assert code not in rendered.html
    assert "Check the parameters first" not in page.text
    assert "Key results, machine-readable" not in page.text
    assert "Parameters of this report" in page.text
    # every declared parameter: the one given, the defaults marked, the help text
    assert "year 2025 NATO year to rank" in page.text
    assert "edition 2026 (default)" in page.text
    assert "Share of GDP (%)" in page.text  # the readable header, unit included
    assert "index.html" in page.links and "alliance_overview.ipynb" in page.links
    tables = [n for n in rendered.files if not n.endswith("_figure_data.csv")]
    assert page.text.count("Download this table as CSV") == len(tables) > 0
    # key results, formatted: the raw value with its name, unit and rounding
    assert "Money gap to 3.5% of GDP 448,271 million US$" in page.text
    assert "Allies at or above 3.5% of GDP Estonia, Lithuania, Latvia, Poland" in page.text
    assert '"money_gap_usd_m_hague_core_3_5"' not in rendered.html
    # every recorded result, in the details: named and rounded like the key results (the raw
    # values are in manifest.json and the executed notebook)
    assert "money_gap_usd_m_hague_core_3_5" not in page.text and "448271.19" not in page.text
    assert page.text.count("Money gap to 3.5% of GDP 448,271 million US$") == 2
    assert "No data Iceland" in page.text


def test_tables_are_downloads_with_the_machine_readable_csv(alliance):
    nb, _ = alliance
    rendered = render_report(nb, stem="alliance_overview", show_code=False)
    tables = [
        o.metadata["burdenshare_table"]
        for c in nb.cells
        for o in c.get("outputs", [])
        if "burdenshare_table" in o.get("metadata", {})
    ]
    figures = [n for n in rendered.files if n.endswith("_figure_data.csv")]  # beside each figure
    assert sorted(set(rendered.files) - set(figures)) == sorted(
        f"alliance_overview__{t['name']}.csv" for t in tables
    )
    league = pd.read_csv(io.BytesIO(rendered.files["alliance_overview__league.csv"]))
    assert "share_gdp_pct" in league.columns  # the original column names
    poland = league.set_index("country").loc[country_name("POL"), "share_gdp_pct"]
    assert poland == 4.25  # NATO's 2026 tables (core defence expenditure): Poland 2025, 4.25%
    for name in rendered.files:
        assert f'href="{name}"' in rendered.html


def test_the_researchers_version_keeps_every_cell(alliance):
    nb, _ = alliance
    rendered = render_report(nb, stem="alliance_overview", show_code=True)
    page = Page(rendered.html)
    assert "from burdenshare.analyses import alliance_overview" in page.text
    assert "year = 2025" in page.text and "Check the parameters first" in page.text
    assert "Key results:" in page.text  # record_results' own text
    assert "Parameters of this report" in page.text
    assert_self_contained(page)


def test_a_failed_report_says_where_and_keeps_its_partial_output():
    nb, _ = executed("country_profile", {"country": "ISL"}, stem="cp", fail=True)
    page = Page(render_report(nb, stem="cp", show_code=False).html)
    assert "This report failed at cell" in page.text
    assert "ValueError: deliberate failure for the site tests" in page.text
    assert "Traceback" in page.text  # the error output stays visible


def test_pages_render_the_same_twice_and_in_threads(alliance):
    from concurrent.futures import ThreadPoolExecutor

    nb, _ = alliance
    first = render_report(nb, stem="alliance_overview", show_code=False)
    with ThreadPoolExecutor(4) as pool:
        again = list(
            pool.map(
                lambda _: render_report(nb, stem="alliance_overview", show_code=False), range(4)
            )
        )
    assert all(r == first for r in again)


@pytest.mark.parametrize("show_code", [False, True], ids=["reader", "researcher"])
def test_pages_need_none_of_nbconvert_s_default_preprocessors(alliance, show_code):
    """The page exporter runs only the preprocessors a page needs (nbconvert validates the whole
    notebook after each of its eleven defaults): with every default back, the page is the same,
    magics included."""
    from nbconvert.preprocessors import TagRemovePreprocessor

    from burdenshare.reports.site import pages

    nb, _ = alliance
    nb = copy.deepcopy(nb)
    nb.cells.insert(3, new_code_cell("%%bash\necho from a magic"))
    stock = pages._PageExporter(
        extra_template_basedirs=[str(pages.TEMPLATES)],
        template_name="burdenshare",
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=not show_code,
    )
    assert len(stock.default_preprocessors) >= 10
    stock.register_preprocessor(pages.SitePagePreprocessor(reader=not show_code), enabled=True)
    if not show_code:
        hidden = TagRemovePreprocessor(remove_cell_tags=set(pages.READER_HIDDEN_TAGS))
        stock.register_preprocessor(hidden, enabled=True)
    context = pages._page_context(nb, "alliance_overview", show_code)
    expected, _ = stock.from_notebook_node(nb, resources={"burdenshare": context})
    page = render_report(nb, stem="alliance_overview", show_code=show_code)
    assert page.html == expected
    assert ("language-bash" in page.html or 'class="nb"' in page.html) == show_code


@pytest.mark.parametrize("show_code", [False, True], ids=["reader", "researcher"])
def test_a_page_validates_its_notebook_once(alliance, show_code, monkeypatch):
    """After the last preprocessor, not after each (nbconvert's optimistic validation)."""
    import nbformat

    checked = []
    original = nbformat.validate
    monkeypatch.setattr(
        nbformat, "validate", lambda *a, **k: checked.append(1) or original(*a, **k)
    )
    nb, _ = alliance
    render_report(nb, stem="alliance_overview", show_code=show_code)
    assert len(checked) == 1


def test_markdown_is_rendered_once_per_text_but_attachments_are_each_cell_s_own():
    """Pages of one notebook share prose: a text is converted once per exporter. A cell with
    attachments is converted with its own (never from another cell's result)."""
    from burdenshare.reports.site import pages

    pixel = base64.b64encode(png_bytes(plots.Figure(figsize=(0.1, 0.1)))).decode()
    other = base64.b64encode(b"not the same image").decode()
    text = "Chart: ![x](attachment:x.png)"
    cells = [new_markdown_cell(text), new_markdown_cell(text), new_markdown_cell("Plain *prose*")]
    cells[0].attachments = {"x.png": {"image/png": pixel}}
    cells[1].attachments = {"x.png": {"image/png": other}}
    nb = new_notebook(cells=cells)
    html = render_report(nb, stem="attachments", show_code=False).html
    assert pixel in html and other in html
    exporter = pages._exporter(False)
    before = exporter._markdown.cache_info().hits
    assert render_report(nb, stem="attachments", show_code=False).html == html
    assert exporter._markdown.cache_info().hits == before + 1  # the plain cell, not the others
    assert exporter._markdown.cache_info().maxsize == pages.MARKDOWN_CACHE


def test_a_page_without_the_runners_metadata_still_renders():
    nb = nbformat.read(NOTEBOOKS / "alliance_overview.ipynb", as_version=4)
    nb.metadata.pop("burdenshare", None)
    page = Page(render_report(nb, stem="alliance_overview", show_code=False).html)
    assert page.title.startswith("Alliance overview")
    assert "The run recorded no data files for this report." in page.text
    assert re.search(r"year 2025 \(default\)", page.text)


@pytest.mark.site
@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_committed_notebook_renders_for_readers(path):
    """The committed notebooks (executed, nbval-checked outputs): reader mode drops code and
    exactly the cells tagged for notebook users; the researcher's version keeps them."""
    nb = nbformat.read(path, as_version=4)
    reader = render_report(nb, stem=path.stem, show_code=False)
    researcher = render_report(nb, stem=path.stem, show_code=True)
    assert 'class="jp-CodeMirrorEditor' not in reader.html
    assert 'class="jp-CodeMirrorEditor' in researcher.html
    text, full = Page(reader.html).text, Page(researcher.html).text
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        words = " ".join(re.sub(r"[#*`]", " ", cell.source).split()[:6])
        hidden = {"usage", "parameters"} & set(cell.metadata.get("tags", []))
        assert (words in text) != bool(hidden), words
        assert words in full
    assert "Key results:" not in text and "Key results" in text
    heading = nb.cells[0].source.splitlines()[0].removeprefix("# ")
    title = nb.metadata.get("burdenshare", {}).get("title") or heading
    for page in (reader, researcher):
        assert_self_contained(Page(page.html))
        assert Page(page.html).title == title


@pytest.mark.site
@pytest.mark.parametrize("show_code", [False, True])
@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_pages_are_what_nbconverts_own_html_pass_gives(path, show_code):
    """The page exporter skips nbconvert's BeautifulSoup pass (alt text, focusable inputs and
    outputs) for speed: the page must parse to the same document that pass produces."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from burdenshare.reports.site.pages import _exporter, _page_context

    nb = nbformat.read(path, as_version=4)
    ours = render_report(copy.deepcopy(nb), stem=path.stem, show_code=show_code).html
    page = {"burdenshare": _page_context(nb, path.stem, show_code)}
    theirs, _ = HTMLExporter.from_notebook_node(_exporter(show_code), nb, resources=page)
    parsed = BeautifulSoup(ours, features="html.parser")
    assert parsed == BeautifulSoup(theirs, features="html.parser")
    assert parsed.select("div.jp-OutputArea-output[tabindex='0']")


@pytest.mark.parametrize("stem", ["../up", "a/b", "", "x y", ".."])
def test_unsafe_stems_are_refused(alliance, stem):
    with pytest.raises(ReportError, match="not a safe file stem"):
        render_report(alliance[0], stem=stem, show_code=False)


def test_a_table_without_its_csv_is_an_error_naming_the_cell(alliance):
    nb = copy.deepcopy(alliance[0])
    index, output = next(
        (i, o)
        for i, c in enumerate(nb.cells)
        for o in c.get("outputs", [])
        if "burdenshare_table" in o.get("metadata", {})
    )
    del output.metadata["burdenshare_table"]["csv"]
    with pytest.raises(ReportError, match=rf"cell {index}: the table 'league' carries no CSV"):
        render_report(nb, stem="alliance_overview", show_code=False)


# --- the landing page -----------------------------------------------------------------------------


@pytest.mark.site
def test_landing_page_leads_with_findings_then_sections(site):
    folder, run = site
    html = (folder / "index.html").read_text()
    page = Page(html)
    text = page.text
    by_stem = {r["stem"]: r for r in run["reports"]}
    order = ["findings", "section-alliance", "section-hague", "section-support"]
    order += ["section-countries"]
    order += ["section-mystery", "data"]  # an unknown section keeps its reports
    positions = [html.index(f'id="{i}"') for i in order]
    assert positions == sorted(positions)
    headings = re.findall(r'<section[^>]* id="([^"]+)">\s*<h2>([^<]+)</h2>', html)
    assert headings == [
        ("failures", "1 report failed"),
        ("findings", "Headline findings"),
        ("section-alliance", "Alliance and targets"),
        ("section-hague", "The Hague 2035 targets"),
        ("section-support", "Support to Ukraine"),
        ("section-countries", "Country profiles"),
        ("section-mystery", "Mystery"),
        ("data", "Data used in this run"),
    ]
    for stem in ("alliance_overview", "hague_2035_pathways", "alliance_overview__year-2024"):
        headline = escape(by_stem[stem]["headline"]["title"])
        assert positions[0] < html.index(headline) < positions[1]
    assert by_stem["alliance_overview"]["notebook_meta"]["description"] in text
    # key results with names, units and rounding, in the cards and in their details toggles
    # alike; the raw values only in manifest.json
    assert "Money gap to 3.5% of GDP 448,271 million US$" in text
    details = re.findall(r"<details>.*?</details>", (folder / "index.html").read_text(), re.S)
    assert any("Money gap to 3.5% of GDP</td><td>448,271 million US$" in d for d in details)
    assert "448271.19" not in (folder / "index.html").read_text()
    assert "448271.19" in (folder / "manifest.json").read_text()
    iceland = by_stem["country_profile__country-ISL"]
    assert f"{iceland['error']} (cell {iceland['failing_cell']})" in text
    assert html.index(str(escape(iceland["error"]))) < positions[0]  # named before the findings
    assert_self_contained(page)
    assert local_links_resolve(folder, "index.html", page) == []


@pytest.mark.site
def test_country_profiles_are_a_grid_of_allies_with_their_results(site):
    folder, run = site
    html = (folder / "index.html").read_text()
    tiles = re.findall(r'<li class="ally" data-status="(\w+)" data-stem="([^"]+)">', html)
    assert tiles == [
        ("ok", "country_profile__country-DEU"),
        ("failed", "country_profile__country-ISL"),
        ("ok", "country_profile__country-POL"),
    ]
    text = page_of(folder / "index.html").text
    poland = next(r for r in run["reports"] if r["stem"] == "country_profile__country-POL")
    assert f"Poland {poland['headline']['title']}" in text
    assert "Share of GDP, last year (%)" in text
    share = poland["results"]["share_end_pct"]
    assert share == 4.68  # NATO's 2026 tables: Poland 2026 (estimate), 4.68% of GDP
    assert f"Poland {format_value(share, '%', with_unit=False)}" in text


@pytest.mark.site
def test_a_run_of_country_profiles_only_leads_with_their_findings(site):
    folder, run = site
    only = dict(run, reports=[r for r in run["reports"] if r["notebook"] == "country_profile"])
    html = render_site(only, folder)["index.html"].decode()
    findings = html[html.index('id="findings"') : html.index('id="section-countries"')]
    for report in only["reports"]:
        headline = report["headline"].get("title")
        assert (headline is not None) == (
            str(escape(headline or "")) in findings and bool(headline)
        )


@pytest.mark.site
def test_thumbnails_are_small_pngs_of_the_lead_figures(site):
    folder, _ = site
    thumbs = sorted(p.name for p in folder.glob("*.thumb.png"))
    assert thumbs == [
        "alliance_overview.thumb.png",
        "alliance_overview__year-2024.thumb.png",
        "commitments_briefing.thumb.png",
        "hague_2035_pathways.thumb.png",
    ]
    nb = nbformat.read(folder / "alliance_overview.ipynb", as_version=4)
    lead = next(o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.data)
    with PILImage.open(io.BytesIO(base64.b64decode(lead.data["image/png"]))) as full:
        ratio = full.width / full.height
    with PILImage.open(folder / "alliance_overview.thumb.png") as thumb:
        assert thumb.width <= THUMB_BOX[0] and thumb.height <= THUMB_BOX[1]
        assert max(thumb.width / THUMB_BOX[0], thumb.height / THUMB_BOX[1]) == pytest.approx(
            1, abs=0.01
        )
        assert thumb.width / thumb.height == pytest.approx(ratio, rel=0.02)
    page = page_of(folder / "index.html")
    alts = [a.get("alt") for t, a in page.tags if t == "img"]
    title = lead.metadata["burdenshare_figure"]["title"]
    assert title in alts


@pytest.mark.site
def test_every_page_carries_its_provenance_and_links_resolve(site):
    folder, run = site
    for report in run["reports"]:
        name = report["files"]["html"]
        page = page_of(folder / name)
        assert_self_contained(page)
        assert local_links_resolve(folder, name, page) == []
        for read in report["datasets"]:
            assert read["sha256"] in page.text  # in full, no mouse needed
        assert page.title.startswith(report["notebook_meta"]["title"])
    landing = page_of(folder / "index.html").text
    for read in {r["sha256"] for report in run["reports"] for r in report["datasets"]}:
        assert read in landing


@pytest.mark.site
def test_the_site_renders_the_same_twice(site, tmp_path):
    folder, run = site
    assert render_site(run, folder) == render_site(run, folder)


@pytest.mark.site
@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["files"].update(ipynb="../../etc/passwd"), "'../../etc/passwd'"),
        (lambda r: r.update(stem="a/b"), "'a/b'"),
        (lambda r: r["files"].update(csv=["x/../y.csv"]), "'x/../y.csv'"),
    ],
)
def test_file_names_that_leave_the_folder_are_refused(site, change: Callable, message: str):
    folder, run = site
    bad = copy.deepcopy(run)
    change(bad["reports"][0])
    with pytest.raises(ReportError, match=re.escape(message)):
        render_site(bad, folder)


@pytest.mark.site
def test_a_missing_executed_notebook_is_an_error_naming_it(site, tmp_path):
    _, run = site
    with pytest.raises(ReportError, match=r"alliance_overview\.ipynb: the executed notebook"):
        render_site(run, tmp_path)


# --- about the data and the citation ----------------------------------------------------------


def test_every_notebook_names_the_terms_its_page_defines_and_every_term_is_used():
    used: set[str] = set()
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        terms = nbformat.read(path, as_version=4).metadata["burdenshare"].get("terms")
        assert terms, f"{path.name} names no terms for its 'About the data'"
        assert len(about_the_data(terms)) == len(terms)  # every one is known
        used |= set(terms)
    assert used == set(glossary())
    for term, text in glossary().values():
        assert term and len(text) > 40 and not re.search(r"\d", text), term  # words, no figures


def test_an_unknown_term_is_an_error_naming_it():
    with pytest.raises(ReportError, match=r"unknown term\(s\) no_such_term.*about\.yaml"):
        about_the_data(["share_of_gdp", "no_such_term"])


@pytest.mark.site
def test_pages_define_their_terms_and_suggest_a_citation(alliance, site):
    nb, _ = alliance
    nb = copy.deepcopy(nb)
    nb.metadata["burdenshare"]["terms"] = ["money_gap", "share_of_gdp"]
    page = Page(render_report(nb, stem="alliance_overview", show_code=False).html)
    about = page.text[page.text.index("About the data") :]
    # glossary order, whatever order the notebook names them in
    assert about.index("Share of GDP") < about.index("Money gap") < about.index("Data used")
    citation = suggested_citation()
    assert citation.startswith("burdenshare developers. burdenshare: NATO defence spending")
    assert "Version " in citation and f"Suggested citation: {citation}" in page.text
    folder, _ = site
    assert f"Suggested citation: {citation}" in page_of(folder / "index.html").text


def test_a_figure_offers_the_data_it_draws_as_csv_with_its_as_of_date(alliance):
    nb, _ = alliance
    rendered = render_report(nb, stem="alliance_overview", show_code=False)
    figures = [n for n in rendered.files if n.endswith("_figure_data.csv")]
    assert figures, rendered.files.keys()
    for name in figures:
        frame = pd.read_csv(io.BytesIO(rendered.files[name]))
        assert len(frame) and len(frame.columns) >= 2
        assert (
            f'href="{name}" download>Download the data behind this figure as CSV' in rendered.html
        )
    assert re.search(r"data as of \d{1,2} \w+ 20\d\d", rendered.html)


# --- PDFs and the site in a real browser ----------------------------------------------------------


@pytest.mark.site
def test_pdfs_without_chromium_say_how_to_get_it(site, tmp_path, monkeypatch):
    folder, _ = site
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ReportError, match=r"--pdf needs the system's Chromium.*apt-get install"):
        print_pdfs(folder, ["alliance_overview"])
    with pytest.raises(ReportError, match="Chromium was not found"):
        launch_options()


def test_pdfs_without_playwright_name_the_extra(tmp_path, monkeypatch):
    """playwright is the optional ``pdf`` extra: without it, ``--pdf`` fails before any report
    runs and print_pdfs fails before starting anything, both naming the install command."""
    folder = tmp_path
    (folder / "alliance_overview.html").write_text("<!doctype html><title>A page</title>")
    for module in ("burdenshare.reports.site.pdf", "burdenshare.reports.options"):
        monkeypatch.setattr(f"{module}.find_chromium", lambda: "/usr/bin/chromium")  # not started
    monkeypatch.setitem(sys.modules, "playwright", None)  # import playwright fails
    hint = re.escape('pip install "burdenshare[pdf]"')
    with pytest.raises(ReportError, match=f"--pdf prints with playwright.*{hint}"):
        print_pdfs(folder, ["alliance_overview"])
    with pytest.raises(ReportError, match=hint):
        check_options(RunOptions(pdf=True, use_cache=False))
    assert check_options(RunOptions(pdf=False, use_cache=False)).pdf is False


@pytest.mark.site
def test_pdfs_of_missing_pages_or_unsafe_stems_are_refused(site):
    folder, _ = site
    with pytest.raises(ReportError, match=r"no_such_report\.html: no such report page"):
        print_pdfs(folder, ["alliance_overview", "no_such_report"])
    with pytest.raises(ReportError, match=re.escape("'../index' is not a report stem")):
        print_pdfs(folder, ["../index"])


def _pdf_title(pdf: bytes) -> str:
    """The document title of a PDF's Info dictionary (text or UTF-16 hex string)."""
    found = re.search(rb"/Title\s*(?:<FEFF([0-9A-F]*)>|\(((?:[^()\\]|\\.)*)\))", pdf)
    assert found, "the PDF has no title"
    if found[1] is not None:
        return bytes.fromhex(found[1].decode()).decode("utf-16-be")
    return re.sub(rb"\\(.)", rb"\1", found[2]).decode("latin-1")


#: A4 in points, and the page's @page margin (12 mm) less a point for rounding.
A4_POINTS = (595.0, 842.0)
MARGIN_POINTS = 12 / 25.4 * 72 - 1


def _printed(pdf: bytes) -> list[dict[str, Any]]:
    """Each page of a PDF: its size, its text and the leftmost x of its text."""
    from pypdf import PdfReader

    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        xs: list[float] = []

        def at(text: str, cm: list[float], tm: list[float], *_: Any, xs: list[float] = xs) -> None:
            if text.strip():
                xs.append(tm[4] * cm[0] + cm[4])

        text = page.extract_text(visitor_text=at)
        size = (float(page.mediabox.width), float(page.mediabox.height))
        pages.append({"size": size, "text": text, "left": min(xs, default=None)})
    return pages


@pytest.mark.browser
@requires_chromium
@requires_playwright
def test_pdfs_of_a_report_and_the_briefing(site):
    """Each page printed on A4 within the page's own margins, titled, tagged for screen readers,
    with no header or footer (Chromium's would print the file: URL and the date)."""
    folder, _ = site
    stems = ["commitments_briefing", "country_profile__country-POL"]
    pdfs = print_pdfs(folder, stems)
    assert sorted(pdfs) == sorted(f"{s}.pdf" for s in stems)
    for stem in stems:
        pdf = pdfs[f"{stem}.pdf"]
        assert pdf.startswith(b"%PDF-")
        assert _pdf_title(pdf) == page_of(folder / f"{stem}.html").title
        assert b"/StructTreeRoot" in pdf and re.search(rb"/Marked\s*true", pdf)
        pages = _printed(pdf)
        assert pages, stem
        for page in pages:
            assert page["size"] == pytest.approx(A4_POINTS, abs=1.5)
            assert page["left"] is not None and page["left"] >= MARGIN_POINTS, (stem, page)
            assert "file:" not in page["text"] and str(folder) not in page["text"]


def _left_behind(tmp: Path) -> tuple[list[str], list[str]]:
    """Files in ``tmp``, and the processes whose command line names it."""
    processes = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if str(tmp).encode() in cmdline.read_bytes():
                processes.append(cmdline.parent.name)
    return sorted(p.name for p in tmp.iterdir()), processes


@pytest.mark.browser
@requires_chromium
@requires_playwright
def test_printing_leaves_no_browser_or_folder_behind(site, tmp_path_factory, monkeypatch):
    """The browser's processes and its profile are gone after printing, after a page that never
    finishes loading (the wait ends at the timeout, naming the page) and after a launch that
    times out."""
    folder, _ = site
    tmp = tmp_path_factory.mktemp("t")  # a short path: Chromium puts a socket there
    monkeypatch.setenv("TMPDIR", str(tmp))  # Chromium's own temporary files
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    assert print_pdfs(folder, ["alliance_overview"])["alliance_overview.pdf"].startswith(b"%PDF")
    assert _left_behind(tmp) == ([], [])
    hangs = tmp_path_factory.mktemp("hangs")
    (hangs / "hangs.html").write_text(
        "<!DOCTYPE html><title>hangs</title><script>for(;;);</script>"
    )
    with pytest.raises(ReportError, match=r"hangs\.html: Chromium could not print .*Timeout 3000"):
        print_pdfs(hangs, ["hangs"], timeout=3)
    assert _left_behind(tmp) == ([], [])
    with pytest.raises(ReportError, match=r"cannot start Chromium .*Timeout"):
        print_pdfs(folder, ["alliance_overview"], timeout=0.001)
    assert _left_behind(tmp) == ([], [])


@pytest.mark.browser
@requires_chromium
@requires_playwright
def test_a_browser_that_cannot_start_says_why(site, tmp_path, monkeypatch):
    """Chromium's own fatal error reaches the message (here: its socket path would be too
    long under a deep TMPDIR)."""
    folder, _ = site
    deep = tmp_path.joinpath(*["deep-folder-name"] * 6)
    deep.mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(deep))
    with pytest.raises(ReportError, match=r"cannot start Chromium .*Socket path too long"):
        print_pdfs(folder, ["alliance_overview"])


@pytest.mark.browser
@requires_chromium
@requires_playwright
def test_pdfs_print_where_an_event_loop_runs(site):
    """run_report(pdf=True) from a notebook: its kernel already runs an event loop."""
    folder, _ = site

    async def in_a_loop() -> dict[str, bytes]:
        return print_pdfs(folder, ["commitments_briefing"])

    assert asyncio.run(in_a_loop())["commitments_briefing.pdf"].startswith(b"%PDF-")


class Stop(Exception):
    """Stands for the runner's RunInterrupted."""


def test_an_interrupt_cancels_printing_and_waits_for_its_clean_up():
    """A signal while the PDFs print (Ctrl-C, SIGTERM) cancels the printing thread's work,
    lets it clean up (close the browser, remove its folder) and is then raised."""
    started, cleaned = threading.Event(), threading.Event()

    async def work() -> None:
        started.set()
        try:
            await asyncio.sleep(60)
        finally:
            await asyncio.sleep(0.05)  # the clean-up awaits too
            cleaned.set()

    def interrupt() -> None:
        started.wait(10)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)

    def stop(*_: Any) -> None:
        raise Stop

    previous = signal.signal(signal.SIGUSR1, stop)
    try:
        threading.Thread(target=interrupt).start()
        with pytest.raises(Stop):
            pdf._in_own_loop(work())
    finally:
        signal.signal(signal.SIGUSR1, previous)
    assert cleaned.is_set()


ARTEFACTS = REPO / "test-artifacts"


@dataclass
class Seen:
    """What a page did in the browser since it opened: the URLs it requested, and the console
    errors, uncaught exceptions and failed loads it reported."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> Any:
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("requestfailed", lambda r: self.errors.append(f"{r.failure} {r.url}"))
        return page

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(message.text)


def look(browser: Any, folder: Path, name: str, label: str) -> dict[str, Any]:
    """What a network-less Chromium saw on a page; a full-page screenshot goes to
    test-artifacts/site-<label>-<page>.png."""
    seen = Seen()
    page = seen.watch(browser.new_page(viewport={"width": 1280, "height": 900}))
    try:
        page.goto((folder / name).as_uri(), wait_until="load")
        found = {
            "title": page.title(),
            "links": page.evaluate(
                "Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))"
            ),
            "ids": set(page.evaluate("Array.from(document.querySelectorAll('[id]'), e => e.id)")),
            "images": page.evaluate(
                "Array.from(document.images, i => i.complete && i.naturalWidth > 0)"
            ),
            "statuses": page.evaluate(
                "Array.from(document.querySelectorAll('[data-status]'), e => e.dataset.status)"
            ),
            "requests": [url.split(",")[0] for url in seen.requests],
            "errors": seen.errors,
            "height": page.evaluate("document.documentElement.scrollHeight"),
        }
        ARTEFACTS.mkdir(exist_ok=True)
        shot = ARTEFACTS / f"site-{label}-{Path(name).stem}.png"
        # the whole page at 1280 CSS pixels wide (a full_page shot would widen to any overflow)
        page.set_viewport_size({"width": 1280, "height": min(found["height"], 16000)})
        shot.write_bytes(page.screenshot())
        found["screenshot"] = shot
    finally:
        page.close()
    return found


def assert_seen_well(folder: Path, name: str, seen: dict[str, Any]) -> None:
    assert not seen["errors"], seen["errors"]
    assert all(url.startswith(("file:", "data:")) for url in seen["requests"]), seen["requests"]
    assert all(seen["images"]), "an image did not load"
    for link in seen["links"]:
        if link.startswith("#"):
            assert link[1:] in seen["ids"], link
    broken = local_links_resolve(folder, name, Page((folder / name).read_text()))
    assert broken == []
    with PILImage.open(seen["screenshot"]) as shot:
        assert shot.size == (1280, seen["height"])  # the whole page


@pytest.mark.browser
@requires_chromium
@requires_playwright
def test_the_browser_check_sees_a_request_that_leaves_the_machine(tmp_path):
    """The harness can fail: a page that fetches from another host is caught, and the fetch
    fails because the browser has no network."""
    page = tmp_path / "leaky.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>leaky</title></head><body>"
        '<img src="https://example.org/pixel.png"></body></html>'
    )
    with chromium() as browser:
        seen = look(browser, tmp_path, "leaky.html", "leaky")
    assert "https://example.org/pixel.png" in seen["requests"]
    assert any("ERR_" in e for e in seen["errors"]), seen["errors"]


@pytest.mark.browser
@requires_chromium
@requires_playwright
def test_the_site_in_a_network_less_browser(site):
    """The landing page and two reports as a reader's browser renders them: nothing is fetched
    from another host, no console errors, every image loads, every link resolves."""
    folder, run = site
    names = ["index.html", "alliance_overview.html", "country_profile__country-POL.html"]
    with chromium() as browser:
        seen = {name: look(browser, folder, name, "staged") for name in names}
    for name in names:
        assert_seen_well(folder, name, seen[name])
    landing = seen["index.html"]
    assert sorted(landing["statuses"]) == sorted(r["status"] for r in run["reports"])
    assert landing["title"].startswith("burdenshare reports")
    assert seen["alliance_overview.html"]["title"] == "Alliance overview — year 2025"
    assert seen["country_profile__country-POL.html"]["title"] == "Country profile — Poland"
    for report in run["reports"]:
        assert report["files"]["html"] in landing["links"]


@pytest.mark.browser
@pytest.mark.notebooks
@requires_chromium
@requires_playwright
def test_the_main_jobs_output_in_a_network_less_browser(tmp_path):
    """`burdenshare report` on a passing and a failing fixture: its index and report pages load
    nothing from elsewhere, raise no console errors, and every link resolves."""
    out = tmp_path / "reports"
    fixtures = ["--notebooks-dir", str(FIXTURE_NOTEBOOKS), "--notebook", "ok_report", "cell_error"]
    code = main(["report", *fixtures, "--out", str(out), "--jobs", "2"])
    assert code == 1  # cell_error fails on purpose
    manifest = json.loads((out / "manifest.json").read_text())
    pages = ["index.html"] + [r["files"]["html"] for r in manifest["reports"]]
    with chromium() as browser:
        for name in pages:
            seen = look(browser, out, name, "cli")
            assert_seen_well(out, name, seen)
            if name == "index.html":
                assert sorted(seen["statuses"]) == ["failed", "ok"]
