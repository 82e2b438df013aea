"""The package version, read from the installed distribution (imports nothing from burdenshare)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("burdenshare")
except PackageNotFoundError:  # pragma: no cover - running from a plain source tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
