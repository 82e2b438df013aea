"""Key results that notebooks record for tests and the report index.

Convention: a notebook's last code cell calls

    from burdenshare.reports import record_results
    record_results({"allies_meeting_2pct": 23, "median_share_pct": 2.2},
                   title="23 of 32 allies spent 2% of GDP in 2024",
                   labels={"median_share_pct": "Median share of GDP (%)"})

which displays one output carrying the values as ``application/json`` (read by machines) and as
plain text (seen by readers of the HTML), tagged with :data:`RESULTS_KEY` in the output metadata.
:func:`read_results` extracts them from an executed notebook. Values must be JSON-serialisable
scalars, lists or dicts (numpy scalars are converted; NaN becomes ``null``: missing, never 0).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from ..errors import ReportError

#: Output metadata key that marks a results display.
RESULTS_KEY = "burdenshare_results"
JSON_MIME = "application/json"


def _scalar(value: Any) -> Any:
    """A numpy or pandas scalar as the Python value it holds; anything else as it is."""
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, (list, dict)):
        return value.item()
    return value


def _plain(value: Any, where: str) -> Any:
    value = _scalar(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise ReportError(
        f"record_results: {where} is a {type(value).__name__}; record numbers, strings, booleans,"
        " lists or dicts (convert frames with .to_dict() or pick the figures you need)."
    )


def record_results(
    results: Mapping[str, Any],
    *,
    title: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Display ``results`` as the notebook's machine-readable key results; return the cleaned dict.

    ``title``: the report's headline, a sentence that states its finding (the report site leads
    with it). ``labels``: a readable name with its unit for result keys, e.g.
    ``{"median_share_pct": "Median share of GDP (%)"}`` (the site shows these; keys without one
    stay in the machine-readable details only).
    """
    from IPython.display import display  # lazy: the runner reads results without IPython

    clean = _plain(dict(results), "results")
    text = "Key results:\n" + "\n".join(f"  {k} = {json.dumps(v)}" for k, v in clean.items())
    meta: dict[str, Any] = {RESULTS_KEY: True}
    if title is not None:
        meta["title"] = str(title)
    if labels:
        meta["labels"] = {str(k): str(v) for k, v in labels.items()}
    display({JSON_MIME: clean, "text/plain": text}, raw=True, metadata=meta)
    return clean


def _results_outputs(nb: Any) -> list[dict[str, Any]]:
    found = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            if (output.get("metadata") or {}).get(RESULTS_KEY):
                found.append(output)
    return found


def read_results(nb: Any) -> dict[str, Any]:
    """The results recorded in an executed notebook (merged in cell order; empty if none)."""
    found: dict[str, Any] = {}
    for output in _results_outputs(nb):
        data = (output.get("data") or {}).get(JSON_MIME)
        if isinstance(data, str):
            data = json.loads(data)
        if isinstance(data, Mapping):
            found.update(data)
    return found


def read_headline(nb: Any) -> dict[str, Any]:
    """The ``title`` and ``labels`` recorded with the results (empty where none were given)."""
    found: dict[str, Any] = {}
    for output in _results_outputs(nb):
        meta = output.get("metadata") or {}
        if "title" in meta:
            found["title"] = meta["title"]
        if "labels" in meta:
            found.setdefault("labels", {}).update(meta["labels"])
    return found
