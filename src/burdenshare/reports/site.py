"""The report site around the executed reports: ``index.html`` lists every report with its
parameters, status, duration, key results and links (all text escaped; links are the runner's safe
file names)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
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


def render_index(outcomes: Sequence[Any], seconds: float) -> str:
    """HTML text of the index page."""
    ok = sum(o.status == "ok" for o in outcomes)
    rows = []
    for o in outcomes:
        links = " ".join(
            f'<a href="{quote(o.stem)}.{kind}">{kind}</a>'
            for kind, text in (("html", o.html), ("ipynb", o.ipynb))
            if text
        )
        detail = ""
        if o.status != "ok":
            cell = "?" if o.failing_cell is None else o.failing_cell
            detail = f"<br><code>cell {cell}: {escape(o.error)}</code>"
        rows.append(
            f'<tr class="report" data-status="{escape(o.status)}">'
            f"<td>{escape(o.stem)}</td><td>{escape(o.notebook)}</td><td>{_kv(o.parameters)}</td>"
            f'<td class="{escape(o.status)}">{escape(o.status)}{detail}</td>'
            f"<td>{o.duration_s:.2f} s</td><td>{_kv(o.results) if o.results else ''}</td>"
            f"<td>{links}</td></tr>"
        )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>burdenshare reports</title><style>{_STYLE}</style></head><body>"
        f"<h1>burdenshare reports</h1><p>{ok} of {len(outcomes)} reports succeeded "
        f"({seconds:.1f} s). Data checksums and timings: "
        '<a href="manifest.json">manifest.json</a>.</p>'
        "<table><thead><tr><th>report</th><th>notebook</th><th>parameters</th><th>status</th>"
        "<th>duration</th><th>key results</th><th>files</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></body></html>\n"
    )
