"""What an analysis returns: its finding, tables, figures, key results and sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from matplotlib.figure import Figure


@dataclass
class AnalysisResult:
    """Tables, figures, headline figures and sources of one analysis run.

    ``title`` is the finding, one sentence computed from the data (the report leads with it).
    ``tables`` and ``figures`` keep insertion order (the order a notebook shows them).
    ``key_results`` is a JSON-able dict of the headline figures (what tests and the report index
    read); ``labels`` gives the ones a reader should see a readable name with its unit.
    ``headers``: readable headers (with units) for table columns the general rules of
    :func:`~burdenshare.analyses.display.readable` do not cover (pass them to ``show``).
    ``sources`` are one-line citations of every dataset used; ``notes`` are caveats.
    """

    title: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    key_results: dict[str, Any] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def source_line(self) -> str:
        """All sources, one per line, as Markdown."""
        return "**Sources**\n\n" + "\n".join(f"- {s}" for s in dict.fromkeys(self.sources))

    def notes_markdown(self) -> str:
        """Caveats, then sources, as Markdown."""
        notes = "\n".join(f"- {n}" for n in self.notes)
        return (f"**Notes**\n\n{notes}\n\n" if notes else "") + self.source_line()
