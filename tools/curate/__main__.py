"""Rebuild every curated data file and data/manifest.json."""

from __future__ import annotations

import importlib

MODULES = [
    "spending",
    "workbooks",  # issue 7: NATO 2024 and SIPRI 2025 rebuilt from the workbooks by the importers
    "support",
]


def main() -> None:
    for module in MODULES:
        importlib.import_module(f"tools.curate.{module}").build()
        print(f"built {module}")


if __name__ == "__main__":
    main()
