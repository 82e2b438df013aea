"""Maintainer scripts that build data/ from ../shared/sources (not needed at run time).

Run ``python -m tools.curate`` from the repository root with ../shared present. Each module builds
its own files and manifest entries; :func:`write_manifest_entries` merges them into
data/manifest.json with fresh checksums and row counts.
"""
