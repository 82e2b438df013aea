"""One executed report notebook as an HTML page (nbconvert), for the report site."""

from __future__ import annotations

import threading
from typing import Any

from nbconvert import HTMLExporter

_local = threading.local()


def _exporter(show_code: bool) -> HTMLExporter:
    """One exporter per thread and mode (nbconvert exporters are not thread-safe)."""
    key = f"html_{show_code}"
    if not hasattr(_local, key):
        hide = not show_code
        setattr(_local, key, HTMLExporter(exclude_input=hide, exclude_input_prompt=hide))
    return getattr(_local, key)


def render_report(nb: Any, *, show_code: bool) -> str:
    """The HTML page of an executed notebook; ``show_code=False`` hides code cells' input."""
    html, _ = _exporter(show_code).from_notebook_node(nb)
    return html
