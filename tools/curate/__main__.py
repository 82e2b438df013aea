"""Rebuild every curated data file and the manifest: ``python -m tools.curate [--out DIR]``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from . import ppp, spending, support
from .common import DATA, write_manifest
from .metadata import CurationError

MODULES = (spending, support, ppp)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.curate", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=DATA, help="folder to write into (default: data/)"
    )
    out: Path = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict[str, Any]] = {}
    try:
        for module in MODULES:
            built = module.build(out)
            twice = sorted(set(built) & set(entries))
            if twice:
                raise CurationError(f"{module.METADATA}: {', '.join(twice)} also built elsewhere")
            entries.update(built)
            print(f"built {len(built)} files from {module.METADATA.name}")
        write_manifest(out, entries)
    except CurationError as error:
        raise SystemExit(f"curation stopped: {error}") from None


if __name__ == "__main__":
    main()
