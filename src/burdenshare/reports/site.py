"""The report site around the executed reports: ``index.html`` lists every report with its
parameters, status, whether it ran or came from the cache (with the original run's date and
duration), the engine, key results, the datasets it read, and links (all text escaped; links are
the runner's safe file names)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.4rem;
vertical-align:top;text-align:left}th{background:#f3f3f3}.ok{color:#1a7f37;font-weight:bold}
.failed{color:#b3261e;font-weight:bold}code{white-space:pre-wrap}
"""


def _kv(mapping: dict[str, Any]) -> str:
    if not mapping:
        return "<em>defaults</em>"
    return "<br>".join(
        f"<code>{escape(str(k))} = {escape(json.dumps(v, default=str))}</code>"
        for k, v in mapping.items()
    )


def _datasets(reads: list[dict[str, Any]]) -> str:
    return "<br>".join(
        f"<code>{escape(str(r.get('dataset')))} {escape(str(r.get('label')))}"
        f" ({escape(str(r.get('origin')))}, {escape(str(r.get('path')))},"
        f" sha256 {escape(str(r.get('sha256', ''))[:12])}…)</code>"
        for r in reads
    )


def _links(files: dict[str, Any]) -> str:
    names = []
    for kind, value in files.items():
        for name in value if isinstance(value, list) else [value]:
            names.append(f'<a href="{quote(str(name))}">{escape(kind)}</a>')
    return " ".join(names)


def _row(report: dict[str, Any]) -> str:
    status = str(report.get("status"))
    detail = ""
    if status != "ok":
        cell = "?" if report.get("failing_cell") is None else report["failing_cell"]
        detail = f"<br><code>cell {cell}: {escape(str(report.get('error')))}</code>"
    how = "cached" if report.get("cached") else "ran"
    return (
        f'<tr class="report" data-status="{escape(status)}" data-cached="{str(bool(report.get("cached"))).lower()}">'
        f"<td>{escape(str(report.get('stem')))}</td><td>{escape(str(report.get('notebook')))}</td>"
        f"<td>{_kv(report.get('parameters') or {})}</td>"
        f'<td class="{escape(status)}">{escape(status)}{detail}</td>'
        f"<td>{how} {escape(str(report.get('ran_at')))}, {float(report.get('duration_s') or 0):.2f} s"
        f"<br>{escape(str(report.get('engine')))}</td>"
        f"<td>{_kv(report.get('results') or {}) if report.get('results') else ''}</td>"
        f"<td>{_datasets(report.get('datasets') or [])}</td>"
        f"<td>{_links(report.get('files') or {})}</td></tr>"
    )


def render_site(run: dict[str, Any], folder: Path) -> dict[str, bytes]:
    """The site's own files (``index.html``) for the run manifest ``run``; the executed
    notebooks are already in ``folder``."""
    reports = run.get("reports", [])
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>burdenshare reports</title><style>{_STYLE}</style></head><body>"
        f"<h1>burdenshare reports</h1><p>{run.get('succeeded')} of {len(reports)} reports"
        f" succeeded ({run.get('cached')} from the cache; {float(run.get('seconds') or 0):.1f} s)."
        ' Data checksums, timings and engines: <a href="manifest.json">manifest.json</a>.</p>'
        "<table><thead><tr><th>report</th><th>notebook</th><th>parameters</th><th>status</th>"
        "<th>run</th><th>key results</th><th>datasets read</th><th>files</th></tr></thead><tbody>"
        + "".join(_row(r) for r in reports)
        + "</tbody></table></body></html>\n"
    )
    return {"index.html": html.encode("utf-8")}
