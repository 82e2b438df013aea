"""Helpers shared by the curation modules."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pandas as pd

from burdenshare.manifest import MANIFEST_NAME, count_rows, sha256_of

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"
SHARED = Path(os.environ.get("BURDENSHARE_SHARED", REPO.parent / "shared")) / "sources"


def read_source(relative: str) -> pd.DataFrame:
    """A source CSV from ../shared/sources, every cell as text (empty cells stay '')."""
    return pd.read_csv(SHARED / relative, dtype=str, keep_default_na=False, encoding="utf-8")


def write_csv(frame: pd.DataFrame, name: str) -> Path:
    """Write a tidy CSV into data/ (UTF-8, '\\n' line ends, floats in shortest round-trip form)."""
    path = DATA / name
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def write_manifest_entries(entries: dict[str, dict[str, Any]]) -> None:
    """Merge entries into data/manifest.json, adding sha256 and row counts from the files."""
    path = DATA / MANIFEST_NAME
    current = json.loads(path.read_text()) if path.exists() else {"files": {}}
    current.setdefault(
        "about",
        (
            "Provenance of every bundled file: title, dataset, edition or release, sources, "
            "licence or terms note, sha256 and row count. Rebuilt by `python -m tools.curate`."
        ),
    )
    for name, entry in entries.items():
        file = DATA / name
        current["files"][name] = {**entry, "sha256": sha256_of(file), "rows": count_rows(file)}
    current["files"] = dict(sorted(current["files"].items()))
    path.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
