"""Hostile input to the report site: run manifests naming files outside the folder, missing or
broken executed notebooks and figures, tables without their CSV, unsafe stems, PDFs without a
page, without Chromium or without playwright."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from unittest import mock

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from burdenshare.errors import ReportError
from burdenshare.reports.site.landing import render_site
from burdenshare.reports.site.pages import render_report
from burdenshare.reports.site.pdf import print_pdfs

from . import Action, Case


def _run(stem: str = "r", **files: Any) -> dict[str, Any]:
    report = {
        "notebook": "r",
        "stem": stem,
        "parameters": {},
        "status": "ok",
        "files": {"html": f"{stem}.html", "ipynb": f"{stem}.ipynb", "csv": [], **files},
    }
    return {"version": "0.1.0", "reports": [report]}


def _notebook(folder: Path, outputs: list[Any], name: str = "r.ipynb") -> Any:
    nb = new_notebook(cells=[new_code_cell("show(x)", outputs=outputs)])
    (folder / name).write_text(nbformat.writes(nb), encoding="utf-8")
    return nb


def _escaping_notebook(folder: Path) -> Action:
    return lambda: render_site(_run(ipynb="../../etc/passwd"), folder)


def _escaping_stem(folder: Path) -> Action:
    return lambda: render_site(_run(stem="../r"), folder)


def _missing_notebook(folder: Path) -> Action:
    return lambda: render_site(_run(), folder)


def _not_json(folder: Path) -> Action:
    (folder / "r.ipynb").write_text('{"cells": [', encoding="utf-8")
    return lambda: render_site(_run(), folder)


def _broken_figure(folder: Path) -> Action:
    figure = new_output(
        "display_data",
        data={"image/png": "bm90IGEgcG5n"},  # base64 of "not a png"
        metadata={"burdenshare_figure": {"name": "lead", "title": "Lead"}},
    )
    _notebook(folder, [figure])
    return lambda: render_site(_run(), folder)


def _reports_not_a_list(folder: Path) -> Action:
    return lambda: render_site({"reports": {"r": {}}}, folder)


def _table_without_csv(folder: Path) -> Action:
    table = new_output(
        "display_data",
        data={"text/html": "<table></table>", "text/plain": "table"},
        metadata={"burdenshare_table": {"name": "league"}},
    )
    nb = _notebook(folder, [table])
    return lambda: render_report(nb, stem="r", show_code=False)


def _unsafe_stem(folder: Path) -> Action:
    nb = _notebook(folder, [])
    return lambda: render_report(nb, stem="../../r", show_code=False)


def _pdf_of_missing_page(folder: Path) -> Action:
    return lambda: print_pdfs(folder, ["gone"])


def _pdf_without_chromium(folder: Path) -> Action:
    (folder / "r.html").write_text("<!DOCTYPE html><title>r</title>", encoding="utf-8")

    def action() -> Any:
        with mock.patch.dict(os.environ, {"PATH": str(folder)}):
            return print_pdfs(folder, ["r"])

    return action


def _pdf_without_playwright(folder: Path) -> Action:
    (folder / "r.html").write_text("<!DOCTYPE html><title>r</title>", encoding="utf-8")

    def action() -> Any:
        with (
            mock.patch("burdenshare.reports.site.pdf.find_chromium", return_value="/bin/true"),
            mock.patch.dict(sys.modules, {"playwright": None}),  # import playwright fails
        ):
            return print_pdfs(folder, ["r"])

    return action


CASES = [
    Case("site-notebook-outside-folder", _escaping_notebook, ReportError, ["'../../etc/passwd'"]),
    Case("site-stem-outside-folder", _escaping_stem, ReportError, ["'../r'"]),
    Case("site-missing-notebook", _missing_notebook, ReportError, ["{folder}/r.ipynb"]),
    Case("site-notebook-not-json", _not_json, ReportError, ["{folder}/r.ipynb", "cannot read"]),
    Case("site-lead-figure-not-png", _broken_figure, ReportError, ["{folder}/r.ipynb", "PNG"]),
    Case("site-reports-not-a-list", _reports_not_a_list, ReportError, ["'reports'"]),
    Case("site-table-without-csv", _table_without_csv, ReportError, ["cell 0", "'league'"]),
    Case("site-unsafe-stem", _unsafe_stem, ReportError, ["'../../r'"]),
    Case("site-pdf-missing-page", _pdf_of_missing_page, ReportError, ["{folder}/gone.html"]),
    Case("site-pdf-without-chromium", _pdf_without_chromium, ReportError, ["apt-get install"]),
    Case(
        "site-pdf-without-playwright",
        _pdf_without_playwright,
        ReportError,
        ['pip install "burdenshare[pdf]"'],
    ),
]
