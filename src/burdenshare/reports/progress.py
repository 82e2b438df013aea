"""Progress of a run: a bar on a terminal; one line per finished report in logs.

When stderr is not a terminal (cron mail, CI log, ``>> report.log``), each finished report prints
one line as soon as it is done::

    [12/38] country_profile country=DEU ok 1.2 s
    [13/38] country_profile country=DNK cached (ran 2026-06-01T06:00:41+00:00 in 1.1 s)
    [14/38] cell_error who=x FAILED 0.8 s: ValueError: deliberate failure for x
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any, TextIO

_LABEL_MAX = 100


def label(notebook: str, parameters: dict[str, Any]) -> str:
    """``notebook key=value ...`` (long labels are shortened)."""
    parts = [notebook] + [
        f"{k}={v if isinstance(v, str) else json.dumps(v, default=str)}"
        for k, v in parameters.items()
    ]
    text = " ".join(parts).replace("\n", " ")
    return text if len(text) <= _LABEL_MAX else text[: _LABEL_MAX - 1] + "…"


def line(index: int, total: int, outcome: Any) -> str:
    """The log line of one finished report."""
    head = f"[{index}/{total}] {label(outcome.notebook, outcome.parameters)}"
    if outcome.cached:
        return f"{head} cached (ran {outcome.ran_at} in {outcome.duration_s:.1f} s)"
    if outcome.status == "ok":
        return f"{head} ok {outcome.duration_s:.1f} s"
    error = (outcome.error or "").splitlines()[0] if outcome.error else "failed"
    return f"{head} FAILED {outcome.duration_s:.1f} s: {error}"


class Progress:
    """Reports progress to ``stream`` (default stderr): ``mode`` "bar", "lines" or "off"; None
    chooses a bar on a terminal and lines otherwise."""

    def __init__(self, total: int, mode: str | None = None, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        if mode is None:
            mode = "bar" if getattr(self.stream, "isatty", lambda: False)() else "lines"
        self.mode = mode
        self.total = total
        self.count = 0
        self._lock = threading.Lock()
        self._bar: Any = None
        if mode == "bar":
            from tqdm.auto import tqdm  # lazy: only on a terminal

            self._bar = tqdm(total=total, unit="report", desc="reports", file=self.stream)

    def done(self, outcome: Any) -> None:
        """One more report finished."""
        with self._lock:
            self.count += 1
            if self.mode == "lines":
                print(line(self.count, self.total, outcome), file=self.stream, flush=True)
            elif self._bar is not None:
                self._bar.update()

    def say(self, message: str) -> None:
        """A message for the person or log watching the run."""
        if self.mode == "off":
            return
        with self._lock:
            if self._bar is not None:
                self._bar.write(message, file=self.stream)
            else:
                print(message, file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
