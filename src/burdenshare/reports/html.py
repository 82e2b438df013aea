"""One executed report notebook as an HTML page (nbconvert), for the report site."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from nbconvert import HTMLExporter

_local = threading.local()


@dataclass
class Rendered:
    """A report page: its HTML, and extra files to place next to it (names start with the stem)."""

    html: str
    files: dict[str, bytes] = field(default_factory=dict)


def _exporter(show_code: bool) -> HTMLExporter:
    """One exporter per thread and mode (nbconvert exporters are not thread-safe)."""
    key = f"html_{show_code}"
    if not hasattr(_local, key):
        hide = not show_code
        setattr(_local, key, HTMLExporter(exclude_input=hide, exclude_input_prompt=hide))
    return getattr(_local, key)


def render_report(nb: Any, *, stem: str, show_code: bool) -> Rendered:
    """The HTML page of an executed notebook; ``show_code=False`` hides code cells' input."""
    html, _ = _exporter(show_code).from_notebook_node(nb)
    return Rendered(html)
