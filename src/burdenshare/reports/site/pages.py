"""One executed report notebook as a page of the report site (nbconvert, our own template).

Reader mode (the default of ``burdenshare report``) hides code, the ``parameters`` and
``injected-parameters`` cells and markdown cells tagged ``usage``, and shows the report's
parameters as a table instead; the raw key-results output becomes the key results with names and
units. ``show_code=True`` keeps every cell (the researcher's version). Either way each page has a
``<title>`` from the report's title, a CSV download under each table shown with
``burdenshare.analyses.show`` (written as ``<stem>__<name>.csv``), a link back to the index and
the data the report read. The page loads nothing from another host.
"""

from __future__ import annotations

import ast
import functools
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from jinja2 import pass_context
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbconvert.preprocessors import (
    HighlightMagicsPreprocessor,
    Preprocessor,
    TagRemovePreprocessor,
)
from nbformat import NotebookNode, from_dict
from papermill.translators import PythonTranslator
from traitlets import Bool

from ..._version import __version__
from ...errors import ReportError
from ..planning import slugify
from ..results import JSON_MIME, RESULTS_KEY, read_headline
from .landing import (
    TEMPLATES,
    DataRead,
    about_the_data,
    as_of,
    environment,
    figure_meta,
    key_results,
    parameter_text,
    provenance,
    raw_results,
    report_title,
    section_title,
    stylesheet,
    suggested_citation,
)

#: Cells hidden in reader mode: papermill's parameter cells and error banners (the page has its
#: own), and prose for notebook users.
READER_HIDDEN_TAGS = frozenset(
    {"parameters", "injected-parameters", "usage", "papermill-error-cell-tag"}
)
TABLE_KEY = "burdenshare_table"
PARAMETERS_TAG = "burdenshare-parameters"
#: Markdown texts a page exporter remembers the HTML of (a text is a cell's or an output's).
MARKDOWN_CACHE = 512


@dataclass(frozen=True)
class Rendered:
    """A report page: its HTML and the files that go next to it (CSV downloads)."""

    html: str
    files: dict[str, bytes] = field(default_factory=dict)


# --- reading the notebook -------------------------------------------------------------------------


def _meta(nb: Any) -> dict[str, Any]:
    return dict(nb.get("metadata", {}).get("burdenshare") or {})


def _tagged(nb: Any, tag: str) -> Any:
    return next((c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])), None)


def _declared(cell: Any) -> list[Any]:
    """Parameters of a parameters cell (papermill's reading: name, default source, help)."""
    try:
        return list(PythonTranslator.inspect(cell))
    except Exception:  # a cell papermill cannot parse is shown as code, not as a table
        return []


def _literal(source: str) -> Any:
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return source


def parameter_rows(nb: Any, given: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every parameter of the report: the value it ran with (``given`` by the runner, else the
    injected cell, else the default), whether that is the default, and the help text."""
    cell = _tagged(nb, "parameters")
    declared = {p.name: p for p in _declared(cell)} if cell is not None else {}
    if given is None:
        injected = _tagged(nb, "injected-parameters")
        given = {p.name: _literal(p.default) for p in _declared(injected)} if injected else {}
    rows = []
    for name, spec in declared.items():
        if name in given:
            rows.append({"name": name, "value": parameter_text(given[name]), "default": False})
        else:
            value = _literal(spec.default)
            rows.append({"name": name, "value": parameter_text(value), "default": True})
        rows[-1]["help"] = spec.help
    for name, value in given.items():
        if name not in declared:
            rows.append(
                {"name": name, "value": parameter_text(value), "default": False, "help": ""}
            )
    return rows


def _first_heading(nb: Any) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def _failure(nb: Any, report: dict[str, Any]) -> dict[str, Any] | None:
    """Where and how the report failed (the runner's record, else papermill's and the first
    error output); ``None`` when it did not."""
    if not _failed(nb, report):
        return None
    errors = [
        (i, o)
        for i, c in enumerate(nb.cells)
        for o in c.get("outputs", []) or []
        if o.get("output_type") == "error"
    ]
    index = _failing_cell(report.get("failing_cell"), errors, len(nb.cells))
    error = str(report.get("error") or "") or _error_text(errors)
    cell_id = nb.cells[index].get("id") if index is not None else None
    return {"cell": index, "error": error, "anchor": f"cell-id={cell_id}" if cell_id else None}


def _failed(nb: Any, report: dict[str, Any]) -> bool:
    """Whether the runner recorded a failure, or (no record) papermill did."""
    status = report.get("status")
    if status is None:
        return bool((nb.get("metadata", {}).get("papermill") or {}).get("exception"))
    return status == "failed"


def _failing_cell(recorded: Any, errors: list[tuple[int, Any]], cells: int) -> int | None:
    """The runner's failing cell if it is one of the notebook's, else the first with an error."""
    if isinstance(recorded, int) and 0 <= recorded < cells:
        return recorded
    return errors[0][0] if errors else None


def _error_text(errors: list[tuple[int, Any]]) -> str:
    """``"ename: evalue"`` of the first error output; "" when there is none."""
    if not errors:
        return ""
    output = errors[0][1]
    return f"{output.get('ename', '')}: {output.get('evalue', '')}"


def _notebook_name(nb: Any, report: dict[str, Any], stem: str) -> str:
    if report.get("notebook"):
        return str(report["notebook"])
    source = (nb.get("metadata", {}).get("papermill") or {}).get("input_path")
    return PurePath(str(source)).stem if source else stem


def _page_context(nb: Any, stem: str, show_code: bool) -> dict[str, Any]:
    """Everything around the cells, rendered and escaped by the site's templates."""
    meta = _meta(nb)
    report = meta.get("report") or {}
    notebook = _notebook_name(nb, report, stem)
    given = report.get("parameters")
    parameters = dict(given) if isinstance(given, dict) else {}
    headline = read_headline(nb)
    title = report_title(
        meta.get("title") or _first_heading(nb) or headline.get("title"), notebook, parameters
    )
    reads = provenance(report.get("datasets") or [])
    return {
        "stem": stem,
        "title": title,
        "css": stylesheet(),
        "version": __version__,
        "top": _top(nb, meta, report, stem),
        "parameters": parameter_rows(nb, parameters if isinstance(given, dict) else None),
        "labels": headline.get("labels") or {},
        "as_of": as_of(reads),
        "bottom_context": _bottom_context(meta, report, notebook, reads, stem, show_code),
    }


def _top(nb: Any, meta: dict[str, Any], report: dict[str, Any], stem: str) -> str:
    """The page's top: the section, the notebook's download and where the report failed."""
    return (
        environment()
        .get_template("report_top.html.j2")
        .render(
            ipynb=f"{stem}.ipynb",
            section=section_title(meta["section"]) if meta.get("section") else "",
            failure=_failure(nb, report),
        )
    )


def _bottom_context(
    meta: dict[str, Any],
    report: dict[str, Any],
    notebook: str,
    reads: list[DataRead],
    stem: str,
    show_code: bool,
) -> dict[str, Any]:
    """What the page's bottom shows (rendered once the page's CSV files are known): the data
    read, how the report ran, the definitions it relies on and how to cite it."""
    return {
        "data": reads,
        "notebook": notebook,
        "engine": str(report.get("engine") or ""),
        "engine_reason": str(report.get("engine_reason") or ""),
        "show_code": show_code,
        "ipynb": f"{stem}.ipynb",
        "version": __version__,
        "about": about_the_data(meta.get("terms") or []),
        "citation": suggested_citation(),
    }


# --- preprocessors --------------------------------------------------------------------------------


def _display(html: str) -> NotebookNode:
    # from_dict, not nbformat.v4.new_output: that validates against the schema on every call
    return from_dict({"output_type": "display_data", "data": {"text/html": html}, "metadata": {}})


def _table_file(stem: str, name: str, taken: set[str]) -> str:
    base = f"{stem}__{slugify(name) or 'table'}"
    candidate, n = f"{base}.csv", 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}.csv"
    taken.add(candidate)
    return candidate


def _insert_parameters(nb: Any, rows: list[dict[str, Any]]) -> None:
    """The parameters table as a cell of its own, where the parameters cell was (else second)."""
    html = environment().get_template("parameters.html.j2").render(rows=rows)
    cell = from_dict(
        {
            "cell_type": "code",
            "id": PARAMETERS_TAG,  # fixed, so the same report renders the same page
            "source": "",
            "execution_count": None,
            "metadata": {"tags": [PARAMETERS_TAG]},
            "outputs": [_display(html)],
        }
    )
    anchor = _tagged(nb, "parameters") or _tagged(nb, "injected-parameters")
    at = nb.cells.index(anchor) if anchor is not None else min(1, len(nb.cells))
    nb.cells.insert(at, cell)


class SitePagePreprocessor(Preprocessor):
    """Prepares a report's cells for its page: the parameters table before the parameters cell,
    a CSV file for each table output (named in its metadata; the bytes go to
    ``resources["burdenshare_files"]``) and, in reader mode, the key results formatted."""

    reader = Bool(True, help="reader mode: format the key results for readers").tag(config=True)

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        page = resources["burdenshare"]
        files, tables = self._files(nb, page)
        resources["burdenshare_files"] = files
        if self.reader:
            for cell in nb.cells:
                cell["outputs"] = [self._reader(o, page) for o in cell.get("outputs", []) or []]
        page["bottom"] = (
            environment()
            .get_template("report_bottom.html.j2")
            .render(tables=tables, **page["bottom_context"])
        )
        if page["parameters"]:
            _insert_parameters(nb, page["parameters"])
        return nb, resources

    def _files(self, nb: Any, page: dict[str, Any]) -> tuple[dict[str, bytes], list[str]]:
        """The CSV files beside the page, ``{name: bytes}``, and their names in page order:
        each table output's and the data behind each figure."""
        files: dict[str, bytes] = {}
        tables: list[str] = []
        for index, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []) or []:
                meta = output.get("metadata") or {}
                if meta.get(TABLE_KEY) is not None:
                    self._table(index, meta[TABLE_KEY], page, files, tables)
                figure = figure_meta(meta)
                if isinstance(figure, dict) and isinstance(figure.get("csv"), str):
                    self._figure_data(figure, page, files, tables)
        return files, tables

    @staticmethod
    def _table(
        index: int, table: Any, page: dict[str, Any], files: dict[str, bytes], tables: list[str]
    ) -> None:
        name = str(table.get("name") or "") if isinstance(table, dict) else ""
        csv = table.get("csv") if isinstance(table, dict) else None
        if not isinstance(csv, str):
            raise ReportError(
                f"cell {index}: the table {name or '(unnamed)'!r} carries no CSV text in its "
                f"{TABLE_KEY!r} output metadata; display tables with "
                "burdenshare.analyses.show(table, name=...)."
            )
        if page["stem"] is None:  # nowhere to write the file: no download link
            return
        file = _table_file(page["stem"], name, set(files))
        files[file] = csv.encode("utf-8")
        table["file"] = file
        tables.append(file)

    @staticmethod
    def _figure_data(
        figure: dict[str, Any], page: dict[str, Any], files: dict[str, bytes], tables: list[str]
    ) -> None:
        """The CSV of the data a figure draws, written beside the page (``figure["file"]``)."""
        if page["stem"] is None:
            return
        name = f"{figure.get('name') or 'figure'}_figure_data"
        file = _table_file(page["stem"], name, set(files))
        files[file] = figure["csv"].encode("utf-8")
        figure["file"] = file
        figure["as_of"] = page["as_of"]
        tables.append(file)

    @staticmethod
    def _reader(output: Any, page: dict[str, Any]) -> Any:
        meta = output.get("metadata") or {}
        if not meta.get(RESULTS_KEY):
            return output
        results = (output.get("data") or {}).get(JSON_MIME) or {}
        if isinstance(results, str):  # some writers keep JSON outputs as text
            results = json.loads(results)
        html = (
            environment()
            .get_template("results.html.j2")
            .render(
                shown=key_results(results, meta.get("labels") or page["labels"]),
                raw=raw_results(results, meta.get("labels") or page["labels"]),
            )
        )
        return _display(html)


# --- rendering ------------------------------------------------------------------------------------

_local = threading.local()

#: The opening tags of the lab template's input wrappers and output areas (its markup, not the
#: notebook's: outputs arrive escaped or inside these elements).
_FOCUSABLE = re.compile(
    r'<div((?: id="[^"]*")? class="(?:jp-Cell-inputWrapper|[^"]*\bjp-OutputArea-output\b[^"]*)")'
)


class _PageExporter(HTMLExporter):
    """nbconvert's HTML exporter without its final BeautifulSoup pass, which parses and
    re-serialises the whole page (two thirds of a page's export time) to add what our pages
    already have: alternative text on images (the template writes each figure's title) and
    ``tabindex="0"`` on input wrappers and output areas (added here to the template's own
    tags). Otherwise :meth:`HTMLExporter.from_notebook_node` as in nbconvert 7, through public
    names only.

    Markdown is rendered once per text: the pages of one notebook run with different
    parameters share most of their prose (a country profile's headings and captions).
    """

    @pass_context  # as nbconvert's: the filter reads the cell being rendered
    def markdown2html(self, context: Any, source: str) -> str:  # type: ignore[override]
        cell = context.get("cell", {})
        if cell.get("attachments"):  # the HTML depends on the cell's own files
            return super().markdown2html(context, source)
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        return self._markdown(source, path)

    @functools.cached_property
    def _markdown(self) -> Any:
        """:meth:`HTMLExporter.markdown2html` of a text without attachments, remembered (the
        exporter's own settings are fixed for its life)."""

        @functools.lru_cache(maxsize=MARKDOWN_CACHE)
        def render(source: str, path: str) -> str:
            return HTMLExporter.markdown2html(
                self, {"resources": {"metadata": {"path": path}}}, source
            )

        return render

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        highlight = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        widget_state: dict[str, Any] = {}  # read from the notebook's metadata, under its path
        data_types = WidgetsDataTypeFilter(
            notebook_metadata=widget_state, parent=self, resources=resources
        )
        widget_state[data_types.notebook_path] = nb.metadata  # no preprocessor here changes it
        self.register_filter("highlight_code", highlight)
        self.register_filter("filter_data_type", data_types)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return _FOCUSABLE.sub(r'<div tabindex="0"\1', html), resources


def _exporter(show_code: bool) -> _PageExporter:
    """One exporter per thread and mode (nbconvert exporters are not thread-safe); its template
    is compiled on first use and reused.

    Only the preprocessors a page needs run. nbconvert's HTML exporter registers eleven by
    default and validates the whole notebook after each, enabled or not: a third of a page's
    export time. Of those, the ones enabled by default change nothing on our pages (tag and
    regex removal with nothing configured, the CSS header, which our template does not read),
    except that magics are highlighted in code cells: kept when code is shown. The notebook is
    validated once, after them (nbconvert's ``optimistic_validation``), not after each.
    """
    key = f"html_{show_code}"
    exporter = getattr(_local, key, None)
    if exporter is None:
        hide = not show_code
        exporter = _PageExporter(
            extra_template_basedirs=[str(TEMPLATES)],
            template_name="burdenshare",
            exclude_input=hide,
            exclude_input_prompt=hide,
            exclude_output_prompt=hide,
            default_preprocessors=[],  # only those registered below (see above)
            optimistic_validation=True,  # validated once, after the last preprocessor
        )
        if not hide:
            exporter.register_preprocessor(HighlightMagicsPreprocessor(), enabled=True)
        exporter.register_preprocessor(SitePagePreprocessor(reader=hide), enabled=True)
        if hide:
            exporter.register_preprocessor(
                TagRemovePreprocessor(remove_cell_tags=set(READER_HIDDEN_TAGS)), enabled=True
            )
        setattr(_local, key, exporter)
    return exporter


def render_report(nb: Any, *, stem: str, show_code: bool) -> Rendered:
    """The page of an executed report notebook: a :class:`Rendered` (HTML and CSV files).

    ``stem`` names the page's files (``<stem>.html``, ``<stem>__<table>.csv``) and must be a safe
    file stem. ``nb`` is not changed. Raises :class:`ReportError` for a stem that is not a plain
    file name or a table output without its CSV.
    """
    if not stem or slugify(stem) != stem:
        raise ReportError(
            f"render_report: stem {stem!r} is not a safe file stem (letters, digits, '.', '_', "
            "'-'); use the runner's output_stem()."
        )
    page = _page_context(nb, stem, show_code)
    body, resources = _exporter(show_code).from_notebook_node(nb, resources={"burdenshare": page})
    return Rendered(body, dict(resources.get("burdenshare_files") or {}))
