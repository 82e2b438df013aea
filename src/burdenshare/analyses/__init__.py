"""The analyses behind the notebooks: one module per notebook, each with ``validate`` and ``run``.

``validate(**params)`` raises :class:`~burdenshare.ParameterError` naming the parameter and the
valid choices; ``run(**params)`` returns an :class:`AnalysisResult` (tables, figures whose titles
state the finding, ``key_results`` and sources). Notebooks stay thin: they only call these and
display what comes back (:func:`show`).
"""

from __future__ import annotations

from . import (
    accession_opinion,
    alliance_overview,
    burden_sharing,
    commitments_briefing,
    country_profile,
    hague_2035_pathways,
    ukraine_support_flows,
)
from ._common import AnalysisResult, png_bytes, show

#: Notebook name -> analysis module.
ANALYSES = {
    "alliance_overview": alliance_overview,
    "country_profile": country_profile,
    "hague_2035_pathways": hague_2035_pathways,
    "ukraine_support_flows": ukraine_support_flows,
    "burden_sharing": burden_sharing,
    "accession_opinion": accession_opinion,
    "commitments_briefing": commitments_briefing,
}

__all__ = ["ANALYSES", "AnalysisResult", "png_bytes", "show", *ANALYSES]
