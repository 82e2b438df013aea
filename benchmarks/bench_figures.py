"""Figure cost of the default reports: drawing each figure once (``plots.render_png``: layout
once, one draw) against matplotlib's ``savefig`` with the layout engine attached (a separate
layout draw, then the draw). Prints draws per figure and CPU milliseconds per figure.

    .venv/bin/python benchmarks/bench_figures.py [repeats]
"""

from __future__ import annotations

import io
import sys
import time
import warnings
from collections.abc import Callable

from matplotlib.figure import Figure

from burdenshare import plots
from burdenshare.analyses import ANALYSES


def _savefig(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=plots.DPI, metadata={"Software": None})
    return buffer.getvalue()


def _measure(render: Callable[[Figure], bytes], repeats: int) -> tuple[float, float, int]:
    """CPU ms to build and to render every default figure, and the draws, over ``repeats``."""
    draws = 0
    original = Figure.draw

    def counting(self, renderer):  # count every draw, with or without rendering
        nonlocal draws
        draws += 1
        return original(self, renderer)

    Figure.draw = counting
    build = render_time = 0.0
    figures = 0
    try:
        for _ in range(repeats):
            for module in ANALYSES.values():
                start = time.process_time()
                result = module.run()
                build += time.process_time() - start
                for fig in result.figures.values():
                    start = time.process_time()
                    render(fig)
                    render_time += time.process_time() - start
                    figures += 1
    finally:
        Figure.draw = original
    return 1000 * render_time / figures, draws / figures, figures // repeats


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    warnings.simplefilter("ignore")
    for module in ANALYSES.values():  # warm caches (data, fonts) before measuring
        module.run()
    once_ms, once_draws, n = _measure(plots.render_png, repeats)
    engine_ms, engine_draws, _ = _measure(_savefig, repeats)
    print(f"{n} figures in the default notebooks, {repeats} repeats (CPU time per figure)")
    print(f"savefig with layout engine: {engine_draws:.2f} draws, {engine_ms:.0f} ms")
    print(f"render_png (layout once):  {once_draws:.2f} draws, {once_ms:.0f} ms")
    print(f"ratio: {engine_ms / once_ms:.2f}")


if __name__ == "__main__":
    main()
