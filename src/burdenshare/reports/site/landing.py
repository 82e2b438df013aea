"""The report site: the landing page (``index.html``) built from the run manifest and the executed
notebooks, and the display rules every page of the site shares.

The landing page leads with each report's headline finding, then lists the reports by section
(each with its description, lead figure as a thumbnail, status and key results with names and
units), the country profiles as a grid of allies, and the data the run read. Raw machine-readable
values stay in ``manifest.json`` and behind "details" toggles. Pages are self-contained: the
stylesheet is inlined and nothing is fetched from another host.

Key results are shown only where the notebook gave them a label (``"Median share of GDP (%)"``);
the unit in parentheses decides the rounding (:func:`format_value`). Missing values show as
"not available", never as 0.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from PIL import Image

from ... import countries, editions
from ..._version import __version__
from ...errors import BurdenshareError, ReportError
from ..planning import slugify

TEMPLATES = Path(__file__).parent / "templates"

#: Section id (notebook metadata ``burdenshare.section``) -> heading, in page order.
SECTIONS: dict[str, str] = {
    "alliance": "Alliance and targets",
    "hague": "The Hague 2035 targets",
    "world": "Europe, Russia and the world",
    "support": "Support to Ukraine",
    "opinion": "Public opinion",
    "countries": "Country profiles",
    "changes": "What changed between data releases",
}
#: The section shown as a compact grid of allies instead of report cards.
COUNTRY_SECTION = "countries"
OTHER_SECTION = "other"
MISSING = "not available"
#: Size box of the landing page's thumbnails (pixels; shown at half size on high-density screens).
THUMB_BOX = (480, 320)
THUMB_SUFFIX = ".thumb.png"
#: The output metadata key of a figure drawn by ``burdenshare.analyses.show``.
FIGURE_KEY = "burdenshare_figure"


# --- shared resources ---------------------------------------------------------------------------


@cache
def environment() -> jinja2.Environment:
    """The Jinja environment of the site's own templates (autoescaping; compiled once)."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "site"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def glossary() -> dict[str, tuple[str, str]]:
    """The site's definitions, term id -> (term, text) (``templates/site/about.yaml``)."""
    data = yaml.safe_load((TEMPLATES / "site" / "about.yaml").read_text(encoding="utf-8"))
    return {
        key: (str(v["term"]), " ".join(str(v["text"]).split())) for key, v in data["terms"].items()
    }


def about_the_data(terms: Iterable[Any]) -> list[tuple[str, str]]:
    """The definitions a page relies on (its notebook's ``burdenshare.terms``), in glossary order;
    an unknown term is a ReportError naming it."""
    known = glossary()
    wanted = [str(t) for t in terms]
    unknown = [t for t in wanted if t not in known]
    if unknown:
        raise ReportError(
            f"unknown term(s) {', '.join(unknown)} in the notebook's burdenshare.terms; choose "
            f"from {', '.join(known)} (reports/site/templates/site/about.yaml)."
        )
    return [known[t] for t in known if t in wanted]


@cache
def suggested_citation() -> str:
    """How to cite the package, from CITATION.cff (shipped in the wheel, or the checkout's)."""
    for folder in (Path(__file__).resolve().parents[2], Path(__file__).resolve().parents[4]):
        path = folder / "CITATION.cff"
        if path.is_file():
            cff = yaml.safe_load(path.read_text(encoding="utf-8"))
            authors = ", ".join(
                str(
                    a.get("name")
                    or " ".join(filter(None, [a.get("given-names"), a.get("family-names")]))
                )
                for a in cff.get("authors", [])
            )
            return (
                f"{authors}. {cff['title']}. Version {cff.get('version', __version__)}. Software."
            )
    return f"burdenshare, version {__version__}. Software."


@cache
def stylesheet() -> str:
    """The site's CSS, inlined into every page."""
    return (TEMPLATES / "site" / "style.css").read_text(encoding="utf-8")


# --- values ---------------------------------------------------------------------------------------

_UNIT = re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^()]*)\)\s*$")
_MONEY = re.compile(r"US\$|USD|EUR|€|£|\$|\bmillion\b|\bbillion\b|\bbn\b|\bm\b", re.IGNORECASE)
_POINTS = re.compile(r"^(pp|percentage points?)$", re.IGNORECASE)
_YEAR_NAME = re.compile(r"\byears?\b", re.IGNORECASE)
#: A snake_case identifier standing alone ("all_respondents"): read as words.
_SNAKE_WORD = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def split_label(label: str) -> tuple[str, str]:
    """``"Median share of GDP (%)"`` -> ``("Median share of GDP", "%")``; no unit -> ``""``."""
    found = _UNIT.match(label.strip())
    if not found or not found["name"]:
        return label.strip(), ""
    return found["name"], found["unit"].strip()


def _unit_kind(unit: str) -> str:
    if unit.startswith("%") or unit.lower() == "percent":
        return "percent"
    if _POINTS.match(unit):
        return "points"
    if unit.lower() == "year":
        return "year"
    if _MONEY.search(unit):
        return "money"
    return "other"


def _decimals(number: float, kind: str) -> int:
    size = abs(number)
    if 0 < size < 1:  # two significant digits, at least two decimals: 0.77, 0.035, 0.0035
        return max(2, 1 - math.floor(math.log10(size)))
    if kind == "points":
        return 2
    if kind == "percent":
        return 1 if size >= 10 else 2
    if size >= 100:
        return 0
    return 1 if size >= 10 else 2


def format_number(number: float, unit: str = "", name: str = "") -> str:
    """A number rounded for readers by its unit (without the unit).

    Shares in % keep 2 decimals below 10 and 1 above; percentage points 2; money and other
    quantities 0 decimals from 100, 1 from 10, else 2; below 1, two significant digits (so a
    small value never shows as 0); thousands are separated. Whole numbers stay whole; calendar
    years (unit "year", or a whole number named "...year...") have no separator.
    """
    kind = _unit_kind(unit)
    if isinstance(number, bool):
        return "yes" if number else "no"
    whole = _whole(number, kind, name)
    if whole is not None:
        return whole
    if not math.isfinite(number):
        return MISSING
    return _rounded(number, kind)


def _whole(number: float, kind: str, name: str) -> str | None:
    """A whole number as text: a calendar year without separator, an int (or a whole quantity
    of money or other) with them; ``None`` for a number shown with decimals."""
    if not (isinstance(number, int) or (kind != "percent" and float(number).is_integer())):
        return None
    if kind == "year" or (_YEAR_NAME.search(name) and 1000 <= abs(number) <= 3000):
        return str(int(number))
    if isinstance(number, int) or kind in ("other", "money"):
        return f"{int(number):,}"
    return None


def _rounded(number: float, kind: str) -> str:
    """A finite number with the decimals its size and kind deserve; never "-0"."""
    decimals = _decimals(number, kind)
    text = f"{number:,.{decimals}f}"
    if decimals > 2:  # 0.00010 -> 0.0001, keeping two decimals at least
        whole_part, _, fraction = text.partition(".")
        text = f"{whole_part}.{fraction.rstrip('0').ljust(2, '0')}"
    return "0" + text[2:] if text.startswith("-0") and not text.strip("-0.,") else text


def _with_unit(text: str, unit: str) -> str:
    if not unit or text == MISSING:
        return text
    return f"{text}{unit}" if unit.startswith("%") else f"{text} {unit}"


def _code_name(text: str) -> str | None:
    """The country (or aggregate) name of a code such as ``"POL"`` or ``"EU_INST"``."""
    looks_like_code = (len(text) == 3 and text.isalpha() and text.isupper()) or (
        text in countries.SPECIAL_CODES
    )
    if looks_like_code and countries.is_known_code(text):
        return countries.name(text)
    return None


def format_value(value: Any, unit: str = "", name: str = "", *, with_unit: bool = True) -> str:
    """A key result as text for readers: numbers rounded by unit (see :func:`format_number`),
    country codes as names, lists joined, ``None`` as "not available", booleans as yes/no.

    The unit follows the number ("2.75%", "445,297 million US$"); in lists and mappings a
    percent sign follows each number and any other unit comes once at the end. A calendar year
    (unit "year") shows no unit.
    """
    kind = _unit_kind(unit)
    suffix = unit if with_unit and kind != "year" else ""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return _with_unit(format_number(value, unit, name), suffix)
    if isinstance(value, str):
        return _words(value)
    if isinstance(value, Mapping | list | tuple):
        return _format_many(value, unit, name, with_unit and kind == "percent", suffix)
    return str(value)


def _words(text: str) -> str:
    """A code as its country's name (``"POL"`` -> Poland); a snake_case word as words."""
    return _code_name(text) or _SNAKE_WORD.sub(lambda m: m.group(0).replace("_", " "), text)


def _format_many(
    values: Mapping[Any, Any] | list[Any] | tuple[Any, ...],
    unit: str,
    name: str,
    each: bool,
    suffix: str,
) -> str:
    """A mapping as ``"key: value; ..."``, a list as ``"value, ..."``; the unit after each value
    (``each``, for percent) or once at the end (``suffix``)."""
    if not values:
        return "none"
    pairs = values.items() if isinstance(values, Mapping) else ((None, v) for v in values)
    parts = [
        (f"{k}: " if k is not None else "") + format_value(v, unit, name, with_unit=each)
        for k, v in pairs
    ]
    joined = ("; " if isinstance(values, Mapping) else ", ").join(parts)
    return _with_unit(joined, "" if each else suffix)


@dataclass(frozen=True)
class KeyResult:
    """One labelled key result, ready to show."""

    key: str
    name: str
    unit: str
    text: str  # value with its unit
    number: str  # value without the unit (for tables whose header names the unit)


def key_results(results: Mapping[str, Any], labels: Mapping[str, str] | None) -> list[KeyResult]:
    """The labelled results in the labels' order (values without a label are left out)."""
    shown = []
    for key, label in (labels or {}).items():
        if key not in results:
            continue
        name, unit = split_label(str(label))
        value = results[key]
        shown.append(
            KeyResult(
                key,
                name,
                unit,
                format_value(value, unit, name),
                format_value(value, unit, name, with_unit=False),
            )
        )
    return shown


def raw_results(
    results: Mapping[str, Any], labels: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """Every result as ``(name, value)`` for readers: its label (or its key in words) and the
    value formatted as a key result (unrounded values stay in ``manifest.json``). Results named
    ``..._ids`` hold internal row ids for machines and are left out."""
    rows = []
    for key, value in results.items():
        if str(key).endswith("_ids"):
            continue
        label = (labels or {}).get(key)
        name, unit = split_label(str(label)) if label else (humanize(str(key)), "")
        rows.append((name, format_value(value, unit, name)))
    return rows


def parameter_text(value: Any) -> str:
    """A parameter value as given, with the country name after a country code; a list's items
    separated by commas (``wales_2pct, hague_core_3_5``), not as a Python or JSON list."""
    if isinstance(value, list | tuple):
        return ", ".join(parameter_text(v) for v in value) if value else "none"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    named = _code_name(value) if isinstance(value, str) else None
    return f"{text} ({named})" if named else text


def describe_parameters(parameters: Mapping[str, Any]) -> str:
    """A short phrase for a report's own parameters: ``"Poland"``, ``"year 2024"``."""
    parts = []
    for key, value in parameters.items():
        named = _code_name(value) if isinstance(value, str) else None
        if named:
            parts.append(named)
        else:
            shown = value if isinstance(value, str) else json.dumps(value, default=str)
            parts.append(f"{key.replace('_', ' ')} {shown}")
    return ", ".join(parts)


def humanize(name: str) -> str:
    """``"alliance_overview"`` -> ``"Alliance overview"``."""
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def report_title(title: str | None, notebook: str, parameters: Mapping[str, Any]) -> str:
    """A report's name: the notebook's short title, then what its parameters chose."""
    base = title or humanize(notebook)
    detail = describe_parameters(parameters)
    return f"{base} — {detail}" if detail else base


def section_title(section: str | None) -> str:
    """The heading of a section; unknown ids are shown readably, never dropped."""
    if not section:
        return "Other reports"
    return SECTIONS.get(section, humanize(section))


@dataclass(frozen=True)
class DataRead:
    """One data file a report read, for the provenance tables."""

    dataset: str
    label: str
    origin: str
    path: str
    sha256: str

    @property
    def short(self) -> str:
        return self.sha256[:12]

    @property
    def published(self) -> dt.date | None:
        """The date the edition was public by (the editions registry), None if unknown."""
        try:
            found = editions.editions(self.dataset).get(self.label)
        except BurdenshareError:  # an unknown dataset or a broken manifest: no date to show
            return None
        return found.published if found is not None else None


def as_of(reads: Sequence[DataRead]) -> str:
    """The newest publication date of the data a report read, as text ("27 November 2026");
    "" where no date is recorded."""
    days = [d for d in (r.published for r in reads) if d is not None]
    return f"{max(days):%d %B %Y}".lstrip("0") if days else ""


def provenance(reads: Iterable[Mapping[str, Any]]) -> list[DataRead]:
    """The recorded reads (``burdenshare.tables.Read`` dicts) as rows, each file once, in order."""
    rows = (
        DataRead(
            str(r.get("dataset", "")),
            str(r.get("label", "")),
            str(r.get("origin", "")),
            str(r.get("path", "")),
            str(r.get("sha256", "")),
        )
        for r in reads
    )
    return list(dict.fromkeys(rows))


# --- the landing page -----------------------------------------------------------------------------


@dataclass
class Entry:
    """One report on the landing page."""

    stem: str
    notebook: str
    title: str
    description: str
    section: str
    status: str
    headline: str
    error: str
    failing_cell: int | None
    cached: bool
    ran_at: str
    duration: str
    country: str | None
    parameters: list[tuple[str, str]]
    results: list[KeyResult]
    raw: list[tuple[str, str]]
    data: list[DataRead]
    links: list[tuple[str, str]]
    page: str | None
    thumb: dict[str, Any] | None = None


@dataclass
class Section:
    id: str
    title: str
    entries: list[Entry] = field(default_factory=list)


def _file_name(name: Any, where: str) -> str:
    """A file name from the manifest, refused if it could leave the folder."""
    text = str(name)
    if not text or slugify(text) != text:
        raise ReportError(
            f"manifest.json: {where} names the file {text!r}; report files must be plain names "
            "inside the report folder (letters, digits, '.', '_', '-')."
        )
    return text


def _links(stem: str, files: Mapping[str, Any]) -> list[tuple[str, str]]:
    links = []
    names = {"html": "Report", "ipynb": "Executed notebook", "pdf": "PDF"}
    for kind in ("html", "pdf", "ipynb"):
        if files.get(kind):
            links.append((names[kind], _file_name(files[kind], f"report {stem!r} files.{kind}")))
    for name in files.get("csv") or []:
        plain = _file_name(name, f"report {stem!r} files.csv")
        label = plain.removeprefix(f"{stem}__").removesuffix(".csv").replace("_", " ")
        links.append((f"CSV: {label}", plain))
    return links


def _text(record: Mapping[str, Any], key: str) -> str:
    """A text field of a manifest record; "" when missing or empty."""
    return str(record.get(key) or "")


def _entry(report: Mapping[str, Any]) -> Entry:
    stem = _file_name(report.get("stem", ""), "a report's stem")
    notebook = str(report.get("notebook", stem))
    meta = report.get("notebook_meta") or {}
    headline = report.get("headline") or {}
    parameters = dict(report.get("parameters") or {})
    results = dict(report.get("results") or {})
    files = report.get("files") or {}
    return Entry(
        stem=stem,
        notebook=notebook,
        title=report_title(meta.get("title"), notebook, parameters),
        description=_text(meta, "description"),
        section=_text(meta, "section") or OTHER_SECTION,
        status=str(report.get("status", "failed")),
        headline=_text(headline, "title"),
        error=_text(report, "error"),
        failing_cell=_cell_index(report.get("failing_cell")),
        cached=bool(report.get("cached")),
        ran_at=_text(report, "ran_at"),
        duration=_seconds(report.get("duration_s")),
        country=_country(parameters.get("country")),
        parameters=[(k, parameter_text(v)) for k, v in parameters.items()],
        results=key_results(results, headline.get("labels")),
        raw=raw_results(results, headline.get("labels")),
        data=provenance(report.get("datasets") or []),
        links=_links(stem, files),
        page=_page(stem, files),
    )


def _cell_index(value: Any) -> int | None:
    return value if isinstance(value, int) else None


def _country(code: Any) -> str | None:
    """The name of a report's ``country`` parameter, if it is a country code."""
    return _code_name(code) if isinstance(code, str) else None


def _page(stem: str, files: Mapping[str, Any]) -> str | None:
    """A report's page (``files.html``), refused if it could leave the folder."""
    return _file_name(files["html"], f"report {stem!r} files.html") if files.get("html") else None


def _sections(entries: Sequence[Entry]) -> list[Section]:
    """The entries by section: the known sections in page order, then unknown ones as first
    seen, then "Other reports"; the allies sorted by name."""
    by_id: dict[str, Section] = {}
    for entry in entries:
        if entry.section not in by_id:
            by_id[entry.section] = Section(entry.section, _section_heading(entry.section))
        by_id[entry.section].entries.append(entry)
    if COUNTRY_SECTION in by_id:
        by_id[COUNTRY_SECTION].entries.sort(key=lambda e: (e.country or e.title).casefold())
    return sorted(by_id.values(), key=_section_rank)  # stable: unknown ones stay as seen


def _section_heading(section: str) -> str:
    return "Other reports" if section == OTHER_SECTION else section_title(section)


def _section_rank(section: Section) -> tuple[int, int]:
    if section.id in SECTIONS:
        return 0, list(SECTIONS).index(section.id)
    return (2, 0) if section.id == OTHER_SECTION else (1, 0)


def _findings(sections: Sequence[Section]) -> list[Entry]:
    """The headlines the landing page leads with, in section order: every report's but the
    country profiles' (they have their grid), unless the run holds nothing else."""
    found = [e for s in sections for e in s.entries if e.headline and e.status == "ok"]
    others = [e for e in found if e.section != COUNTRY_SECTION]
    return others or found


def _country_table(entries: Sequence[Entry]) -> dict[str, list[Any]]:
    """Every labelled result of the country profiles side by side: a header per result (name and
    unit, in first-seen order) and a row per ally (values without the unit; blank where a profile
    has no such result)."""
    columns: dict[str, str] = {}
    for entry in entries:
        for result in entry.results:
            header = f"{result.name} ({result.unit})" if result.unit else result.name
            columns.setdefault(result.key, header)
    rows = []
    for entry in entries:
        numbers = {r.key: r.number for r in entry.results}
        rows.append((entry.country or entry.title, [numbers.get(key, "") for key in columns]))
    return {"headers": list(columns.values()), "rows": rows}


def figure_meta(meta: Mapping[str, Any]) -> Any:
    """The ``burdenshare_figure`` record in an output's metadata (at its top level, or under
    ``image/png`` where a PNG's own metadata holds it); ``None`` when there is none."""
    return meta.get(FIGURE_KEY) or (meta.get("image/png") or {}).get(FIGURE_KEY)


def _pngs(nb: Mapping[str, Any]) -> Iterator[tuple[bytes, Any]]:
    """Each PNG output of a notebook, decoded, with its figure record (or None)."""
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            png = (output.get("data") or {}).get("image/png")
            if png:
                text = png if isinstance(png, str) else "".join(png)
                yield base64.b64decode(text), figure_meta(output.get("metadata") or {})


def lead_figure(nb: Mapping[str, Any]) -> tuple[bytes, str] | None:
    """The PNG and title of a notebook's lead figure: the first output marked
    ``burdenshare_figure``, else its first PNG output; ``None`` when it has no figure."""
    first = None
    for png, figure in _pngs(nb):
        if figure:
            return png, str(figure.get("title") or figure.get("name") or "")
        if first is None:
            first = (png, "")
    return first


def thumbnail(png: bytes, box: tuple[int, int] = THUMB_BOX) -> tuple[bytes, int, int]:
    """A small PNG of ``png`` fitting ``box`` (aspect kept), with its width and height."""
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        small = image.convert("RGB")
    small.thumbnail(box, Image.Resampling.LANCZOS)
    small = small.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), small.width, small.height


def _thumb(folder: Path, entry: Entry, ipynb: str | None) -> tuple[str, bytes] | None:
    if not ipynb:
        return None
    path = folder / ipynb
    if not path.is_file():
        raise ReportError(
            f"{path}: the executed notebook of report {entry.stem!r} is missing from the "
            "staging folder; write the notebooks before rendering the site."
        )
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{path}: cannot read the executed notebook ({exc}).") from exc
    try:
        lead = lead_figure(nb)
        if lead is None:
            return None
        png, title = lead
        data, width, height = thumbnail(png)
    except (OSError, ValueError) as exc:  # bad base64 (binascii.Error) or not an image
        raise ReportError(
            f"{path}: the lead figure is not a readable PNG ({exc}); re-run the report."
        ) from exc
    name = f"{entry.stem}{THUMB_SUFFIX}"
    entry.thumb = {
        "src": name,
        "alt": title or entry.title,
        "width": width // 2,
        "height": height // 2,
    }
    return name, data


def _seconds(value: Any) -> str:
    return f"{value:.1f} s" if isinstance(value, int | float) and math.isfinite(value) else ""


def _when(iso: Any) -> str:
    text = str(iso or "")
    return text.replace("T", " ")[:16] + " UTC" if len(text) >= 16 else text


def render_site(run: Mapping[str, Any], folder: Path) -> dict[str, bytes]:
    """The site's own files for a run: ``index.html`` and the lead-figure thumbnails
    (``<stem>.thumb.png``), from the run manifest ``run`` and the executed notebooks in ``folder``.

    Raises :class:`ReportError` when the manifest names a file outside the folder or an executed
    notebook it lists is missing or unreadable.
    """
    reports = run.get("reports")
    if not isinstance(reports, list):
        raise ReportError("run manifest: 'reports' must be a list of report entries.")
    entries = [_entry(r) for r in reports]
    files = _thumbnails(Path(folder), entries, reports)
    html = (
        environment()
        .get_template("landing.html.j2")
        .render(css=stylesheet(), **_about_run(run), **_about_reports(entries))
    )
    files["index.html"] = html.encode("utf-8")
    return files


def _thumbnails(
    folder: Path, entries: Sequence[Entry], reports: Sequence[Mapping[str, Any]]
) -> dict[str, bytes]:
    """The report cards' thumbnails (the grid of allies has none), set on their entries."""
    cards = [
        (entry, (report.get("files") or {}).get("ipynb"))
        for entry, report in zip(entries, reports, strict=True)
        if entry.section != COUNTRY_SECTION
    ]
    files: dict[str, bytes] = {}
    # Pillow lets go of the GIL while it scales and compresses: one thumbnail per core at once
    # (the first error, in report order, is raised).
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for made in pool.map(lambda card: _thumb(folder, *card), cards):
            if made:
                files[made[0]] = made[1]
    return files


def _about_run(run: Mapping[str, Any]) -> dict[str, Any]:
    """The landing page's facts about the run itself (version, times, options, environment)."""
    return {
        "version": run.get("version") or __version__,
        "citation": suggested_citation(),
        "finished": _when(run.get("finished")),
        "started": _when(run.get("started")),
        "options": [(k, parameter_text(v)) for k, v in (run.get("options") or {}).items()],
        "python": _text(run, "python"),
        "seconds": _seconds(run.get("seconds")),
        "dependencies": _text(run, "dependencies"),
    }


def _about_reports(entries: Sequence[Entry]) -> dict[str, Any]:
    """The landing page's reports: counts, failures, findings, sections, the allies' table and
    the data read (each file with the number of reports that read it)."""
    sections = _sections(entries)
    allies = next((s.entries for s in sections if s.id == COUNTRY_SECTION), [])
    used = Counter(read for entry in entries for read in entry.data)
    return {
        "total": len(entries),
        "succeeded": sum(e.status == "ok" for e in entries),
        "cached": sum(e.cached for e in entries),
        "failures": [e for e in entries if e.status != "ok"],
        "findings": _findings(sections),
        "sections": sections,
        "country_table": _country_table(allies),
        "data": sorted(
            used.items(), key=lambda item: (item[0].dataset, item[0].label, item[0].path)
        ),
    }
