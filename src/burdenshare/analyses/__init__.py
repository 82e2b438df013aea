"""The analyses behind the notebooks: one module per notebook, with the same name.

``notebooks/<name>.ipynb`` calls ``burdenshare.analyses.<name>``: ``validate(**params)`` raises
:class:`~burdenshare.ParameterError` naming the parameter and the valid choices; ``run(**params)``
is a short recipe of named steps and returns an :class:`AnalysisResult` (a finding, tables,
figures whose titles state the finding, ``key_results`` with readable ``labels``, and sources).
Notebooks stay thin: they only call these and display what comes back (:func:`show`).
"""

from __future__ import annotations

from . import (
    accession_opinion,
    alliance_overview,
    burden_sharing,
    commitments_briefing,
    country_profile,
    hague_2035_pathways,
    restrictions_mechanisms,
    ukraine_support_flows,
    what_changed,
    world_comparison,
)
from .display import png_bytes, readable, show
from .result import AnalysisResult

#: Notebook name -> analysis module (the same name).
ANALYSES = {
    "alliance_overview": alliance_overview,
    "country_profile": country_profile,
    "hague_2035_pathways": hague_2035_pathways,
    "ukraine_support_flows": ukraine_support_flows,
    "burden_sharing": burden_sharing,
    "accession_opinion": accession_opinion,
    "commitments_briefing": commitments_briefing,
    "restrictions_mechanisms": restrictions_mechanisms,
    "what_changed": what_changed,
    "world_comparison": world_comparison,
}

__all__ = ["ANALYSES", "AnalysisResult", "png_bytes", "readable", "show", *ANALYSES]
