"""The run manifest (``manifest.json``): what a published run holds (docs/ARCHITECTURE.md,
"Runner and site"). Each report's entry is the manifest view of its
:class:`~burdenshare.reports.outcome.ReportOutcome`; the JSON is strict (no NaN or Infinity)."""

from __future__ import annotations

import json
import math
import platform
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..._version import __version__
from ..cache.provenance import dependencies_digest, package_digest
from ..outcome import MANIFEST, ReportOutcome, utc_now

if TYPE_CHECKING:
    from ..options import RunOptions


def _strict(value: Any) -> Any:
    """``value`` with non-finite floats as text ("nan", "inf"), so the JSON is strict."""
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {str(k): _strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    return value


def strict_json(value: Any) -> str:
    """JSON text of ``value`` that any strict parser accepts (no NaN or Infinity)."""
    return json.dumps(_strict(value), indent=2, allow_nan=False, default=str) + "\n"


def build_manifest(
    outcomes: Sequence[ReportOutcome],
    options: RunOptions,
    started: str,
    seconds: float,
) -> dict[str, Any]:
    """The run manifest, before the site's files are added (``site_files``)."""
    return {
        "package": "burdenshare",
        "version": __version__,
        "package_sha256": package_digest(),
        "python": platform.python_version(),
        "dependencies": dependencies_digest(),
        "started": started,
        "finished": utc_now(),
        "seconds": round(seconds, 3),
        "options": options.as_manifest(),
        "succeeded": sum(o.status == "ok" for o in outcomes),
        "failed": sum(o.status != "ok" for o in outcomes),
        "cached": sum(o.cached for o in outcomes),
        "reports": [o.to_view(MANIFEST) for o in outcomes],
    }
