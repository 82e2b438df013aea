"""Maintainer scripts that build data/ from ../shared/sources (not needed at run time).

Run ``python -m tools.curate`` from the repository root with ../shared present (or
BURDENSHARE_SHARED naming the folder that holds ``sources/``). What each file of data/ is built
from, and its manifest entry, are data: ``spending.yaml``, ``support.yaml`` and ``ppp.yaml`` beside the
modules that build them (``spending.py``, ``support.py``, ``ppp.py``); :mod:`tools.curate.metadata` says how they are
read. Adding a release is adding an entry under ``files`` (and, for a new Kiel release, its label
under ``codes: kiel_releases``).
"""
