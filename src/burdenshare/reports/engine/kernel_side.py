"""What the runner asks of a report's kernel outside the notebook's own cells.

After the last cell the runner evaluates :data:`STATE_EXPRESSION` silently in the kernel (a user
expression: it assigns nothing, prints nothing and leaves no trace in the notebook): the datasets
this kernel loaded (:func:`burdenshare.tables.loaded`, each with the sha256 of the bytes parsed)
and, when profiling, the seconds spent rendering figures. A notebook that never imported burdenshare
loaded no dataset, and the expression imports nothing new.

This module imports nothing heavy: forked kernels have it preloaded, ordinary kernels import it
only when profiling.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from typing import Any

#: A Python expression whose value (a JSON text) is the kernel's state after the last cell:
#: ``{"datasets": [Read dicts], "figure_seconds": float | None, "cpu_seconds": float}`` (the
#: kernel process's CPU time; a forked kernel's count starts at the fork).
STATE_EXPRESSION = (
    "__import__('json').dumps({'datasets': [r.as_dict() for r in getattr("
    "__import__('sys').modules.get('burdenshare.tables'), 'loaded', list)()], "
    "'figure_seconds': getattr(__import__('sys').modules.get("
    "'burdenshare.reports.engine.kernel_side'), 'figure_seconds', lambda: None)(), "
    "'cpu_seconds': __import__('time').process_time()})"
)

#: Code run silently before the first cell when profiling: time every figure rendered.
PROFILE_CODE = (
    "__import__('burdenshare.reports.engine.kernel_side', fromlist=['_']).start_profile()"
)

_drawing: dict[str, Any] = {"seconds": 0.0, "on": False, "depth": 0}


def start_profile() -> None:
    """Time every figure this kernel renders: matplotlib's ``FigureCanvasBase.print_figure``
    (the inline backend and ``savefig``) and, when :mod:`burdenshare.plots` is already imported
    (forked kernels have it preloaded), its ``render_png`` (layout, drawing and PNG compression:
    what the notebooks' ``show`` calls). A figure rendered inside another timed call counts
    once. Idempotent; imports nothing the kernel has not imported but matplotlib."""
    if _drawing["on"]:
        return
    from matplotlib.backend_bases import FigureCanvasBase  # lazy: only when profiling

    _time_calls(FigureCanvasBase, "print_figure")
    plots = sys.modules.get("burdenshare.plots")
    if plots is not None:
        _time_calls(plots, "render_png")
    _drawing["on"] = True


def _time_calls(owner: Any, name: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        _drawing["depth"] += 1
        try:
            return original(*args, **kwargs)
        finally:
            _drawing["depth"] -= 1
            if not _drawing["depth"]:  # the outermost timed call counts
                _drawing["seconds"] += time.perf_counter() - start

    setattr(owner, name, timed)


#: The backend a kernel selects (ipykernel's inline backend).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


def warm_matplotlib() -> None:
    """Draw one throw-away figure off screen (regular, bold and italic text, mathtext, a tight
    bounding box), so the fonts and text caches are loaded in the warm process once rather than
    in every kernel forked from it. Touches no pyplot state (no figure is numbered or kept).

    Also checks the inline backend's name against matplotlib's backend registry: the first check
    reads every installed package's entry points (16 ms), which each kernel would otherwise do
    when it selects the backend."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg  # lazy: the warm process only
    from matplotlib.backends.registry import backend_registry
    from matplotlib.figure import Figure

    backend_registry.is_valid_backend(INLINE_BACKEND)

    figure = Figure(figsize=(4, 3))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot([2014, 2024], [1.5, 2.0], label="share of GDP (%)")
    axes.set_title("Warm-up: $x^2$ 3.5%", fontweight="bold")
    axes.set_xlabel("year", style="italic")
    axes.legend()
    figure.text(0.01, 0.01, "Source: none", fontsize=7)
    figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")


def figure_seconds() -> float | None:
    """Seconds spent rendering figures since :func:`start_profile` (None when not profiling)."""
    return _drawing["seconds"] if _drawing["on"] else None


def parse_state(text: str) -> dict[str, Any]:
    """The state a kernel reported for :data:`STATE_EXPRESSION` (its ``text/plain`` repr)."""
    import ast  # lazy: runner side only

    return json.loads(ast.literal_eval(text))
