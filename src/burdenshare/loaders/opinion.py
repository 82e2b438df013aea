"""Ukrainian public opinion on NATO accession, 2014-2025 (39 poll waves, several pollsters).

Columns: ``poll_id, pollster, commissioned_by, fieldwork_start, fieldwork_end, date_precision,
fieldwork_from, fieldwork_to, published, measure, question_paraphrase, answer_option, base,
base_as_published, share_pct, sample_size, mode, margin_of_error_pct, source_url,
cross_check_url, note``.

``share_pct`` is percent (0-100) **of the stated base**: ``all_respondents``, ``likely_voters``
(those who would vote; runs 10-25 pp higher) or ``not_stated``. Compare only rows with the same
pollster, measure and base. Dates are kept as published (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``;
empty = not stated); ``fieldwork_from``/``fieldwork_to`` are the first/last day of the stated
period, not the true fieldwork days. After 2022 polls cover government-controlled areas only.
Question wording is our paraphrase.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import datasets
from ..errors import ParameterError
from ..schemas import OPINION
from ..tables import load_table


def _filter(frame: pd.DataFrame, column: str, wanted: str | None) -> pd.DataFrame:
    if wanted is None:
        return frame
    options = sorted(frame[column].dropna().unique())
    if not isinstance(wanted, str) or wanted not in options:
        raise ParameterError(f"{column}={wanted!r} is unknown; choose one of {', '.join(options)}.")
    return frame[frame[column] == wanted]


def load_opinion(
    pollster: str | None = None,
    measure: str | None = None,
    base: str | None = None,
    path: str | Path | None = None,
) -> pd.DataFrame:
    """Poll results (see the module docstring), optionally filtered by pollster, measure, base.

    An unknown filter value raises :class:`~burdenshare.ParameterError` listing the valid ones.
    """
    frame = load_table(datasets.OPINION, OPINION, path)
    for column, wanted in (("pollster", pollster), ("measure", measure), ("base", base)):
        frame = _filter(frame, column, wanted)
    return frame.reset_index(drop=True)
