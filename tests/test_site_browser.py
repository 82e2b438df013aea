"""The default report set as its readers see it, in headless Chromium (driven by playwright):
no page scrolls sideways on a 390 px phone, axe-core finds no serious or critical accessibility
violation, no raw value (NaN, True/False, long floats, internal ids) reaches the visible text,
and every link resolves (a local file) or is a well-formed URL.

Needs the system's Chromium (``apt-get install chromium``) and axe-core from npm
(``npm ci --prefix tests/browser``); .ci/run installs both, and under CI a missing one fails.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from burdenshare.reports.runner import run_report
from burdenshare.reports.site.pdf import launch_options, print_pdfs
from tests import AXE, requires_axe, requires_chromium, requires_playwright

PHONE = {"width": 390, "height": 844}
#: What a reader must never see in a table, a key result, a finding or a notebook's text.
RAW = re.compile(
    r"\bNaN\b|\bnan\b|<NA>|\bNone\b|\bTrue\b|\bFalse\b|\bNaT\b"
    r"|\d\.?\d*[eE][+-]\d"  # scientific notation
    r"|\d\.\d{4,}"  # long floats
    r"|\b\d{4,}\.0\b"  # 1629630.0
    r"|\[['\"]"  # a Python or JSON list
    r"|\b(?:P\d{3}|[A-Z]{3,}-(?:\d{2}|NEXT))\b|\.csv:\d"  # internal row ids
    r"|\bzero_may_be_blank\b"
)
#: The parts of a page a reader reads (code, checksums and the parameters' own names aside).
READ = (
    ".jp-OutputArea-output, .jp-MarkdownOutput, .bs-keyresults, .results, .findings, .headline,"
    " .raw-results, .allies"
)


@contextmanager
def chromium() -> Iterator[Any]:
    """The system's headless Chromium without network, driven by playwright (launched as
    ``--pdf`` launches it; no browser download)."""
    from playwright import sync_api

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        try:
            yield browser
        finally:
            browser.close()


def _look(page: Any, axe: str) -> dict[str, Any]:
    page.add_script_tag(content=axe)
    found = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return {
        "width": page.evaluate("document.documentElement.scrollWidth"),
        "violations": [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in found["violations"]
            if v["impact"] in ("serious", "critical")
        ],
        "text": page.evaluate(
            "sel => Array.from(document.querySelectorAll(sel), e => {"
            " const walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), seen = [];"
            " while (walk.nextNode()) {"
            "  if (!walk.currentNode.parentElement.closest('code, .sha')) {"
            "   seen.push(walk.currentNode.textContent); } }"
            " return seen.join(' '); })",
            READ,
        ),
        "links": page.evaluate(
            "Array.from(document.querySelectorAll('a[href]'), a => a.getAttribute('href'))"
        ),
        "asterisks": page.evaluate(
            "Array.from(document.querySelectorAll('.jp-MarkdownOutput, .jp-OutputArea-output'),"
            " e => e.innerText).filter(t => /(^|\\s)\\*{1,2}\\S|\\S\\*{1,2}(\\s|$)/.test(t))"
        ),
    }


@pytest.fixture(scope="module")
def seen(tmp_path_factory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """The default report set (the main job), every page looked at on a phone."""
    out = tmp_path_factory.mktemp("default") / "reports"
    cache = tmp_path_factory.mktemp("cache")
    summary = run_report(out=out, cache_dir=cache)
    assert summary.ok, summary.text()
    axe = AXE.read_text(encoding="utf-8")
    pages: dict[str, dict[str, Any]] = {}
    with chromium() as browser:
        context = browser.new_context(viewport=PHONE)
        for path in sorted(out.glob("*.html")):
            page = context.new_page()
            page.goto(path.as_uri())
            pages[path.name] = _look(page, axe)
            page.close()
    return out, pages


#: Every test drives Chromium with axe-core; the module's fixture runs the default report set,
#: once: under pytest-xdist (--dist loadgroup) the module runs on one worker.
pytestmark = [
    pytest.mark.xdist_group("test_site_browser"),
    pytest.mark.browser,
    pytest.mark.notebooks,
    requires_chromium,
    requires_playwright,
    requires_axe,
]


def test_the_default_set_has_every_page(seen):
    _, pages = seen
    assert "index.html" in pages and len(pages) >= 40


def test_no_page_scrolls_sideways_on_a_phone(seen):
    _, pages = seen
    wide = {name: p["width"] for name, p in pages.items() if p["width"] > PHONE["width"]}
    assert wide == {}


def test_axe_finds_no_serious_or_critical_violation(seen):
    _, pages = seen
    bad = {name: p["violations"] for name, p in pages.items() if p["violations"]}
    assert bad == {}


def test_no_raw_value_reaches_the_reader(seen):
    _, pages = seen
    raw = {
        name: sorted({m.group(0) for text in p["text"] for m in RAW.finditer(text)})
        for name, p in pages.items()
    }
    assert {name: found for name, found in raw.items() if found} == {}


def test_markdown_never_shows_raw_asterisks(seen):
    _, pages = seen
    assert {name: p["asterisks"][:2] for name, p in pages.items() if p["asterisks"]} == {}


def test_every_link_resolves_or_is_a_well_formed_url(seen):
    out, pages = seen
    bad = []
    for name, page in pages.items():
        for link in page["links"]:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                host = parts.hostname or ""
                well_formed = "." in host and not re.search(r"[\s*<>\"]|[).,;]$", link)
                if not well_formed:
                    bad.append((name, link))
            elif parts.scheme in ("", "file") and parts.path:
                if not (out / unquote(parts.path)).resolve().is_file():
                    bad.append((name, link))
            elif parts.scheme not in ("", "mailto", "data"):
                bad.append((name, link))
    assert bad == []


def _pages(pdf: bytes) -> list[tuple[str, int]]:
    """Each page of a PDF: its text and how many images it draws."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return [(page.extract_text() or "", len(page.images)) for page in reader.pages]


def test_every_report_prints_without_empty_pages_and_the_briefing_on_two(seen):
    """``--pdf`` prints each report page on A4: no page is empty, the one-page briefing takes at
    most two pages, and screen-only words stay off paper."""
    out, pages = seen
    stems = [name.removesuffix(".html") for name in pages if name != "index.html"]
    pdfs = print_pdfs(out, stems)
    assert sorted(pdfs) == sorted(f"{stem}.pdf" for stem in stems)
    empty, counts = [], {}
    for name, pdf in pdfs.items():
        printed = _pages(pdf)
        counts[name] = len(printed)
        empty += [
            (name, i + 1)
            for i, (text, images) in enumerate(printed)
            if not (text.strip() or images)
        ]
        words = " ".join(text for text, _ in printed)
        assert "hover" not in words and "Download this table" not in words, name
    assert empty == []
    assert 1 <= counts["commitments_briefing.pdf"] <= 2, counts["commitments_briefing.pdf"]


def test_the_checks_can_fail(tmp_path):
    """The same look finds a page too wide for a phone, an unreachable scroll box, raw values,
    raw asterisks and a broken link."""
    page_file = tmp_path / "bad.html"
    page_file.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>bad</title></head><body><main>'
        '<div class="jp-OutputArea-output"><div style="overflow-x:auto;width:200px">'
        '<table style="width:900px"><tr><th>a</th></tr><tr><td>NaN</td></tr></table></div>'
        "<p>**Source: x**</p></div>"
        '<a href="missing.html">x</a> <a href="https://example.org/a*">y</a>'
        '<div style="width:900px">wide</div></main></body></html>',
        encoding="utf-8",
    )
    with chromium() as browser:
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(page_file.as_uri())
        found = _look(page, AXE.read_text(encoding="utf-8"))
    assert found["width"] > PHONE["width"]
    assert [v[0] for v in found["violations"]] == ["scrollable-region-focusable"]
    assert any(RAW.search(t) for t in found["text"]) and found["asterisks"]
    assert found["links"] == ["missing.html", "https://example.org/a*"]
