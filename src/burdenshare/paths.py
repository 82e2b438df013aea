"""Where the bundled data and the user's imported data live."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

#: Environment variable that overrides the folder of user-imported editions.
USER_DATA_ENV = "BURDENSHARE_DATA_HOME"


def bundled_data_dir() -> Path:
    """The folder of the data shipped with the package.

    In a wheel the files sit inside the package (``burdenshare/data``); in a source checkout or an
    editable install they sit in the repository's top-level ``data/`` folder.
    """
    inside = Path(__file__).resolve().parent / "data"
    if (inside / "manifest.json").is_file():
        return inside
    return Path(__file__).resolve().parents[2] / "data"


def user_data_dir_path() -> Path:
    """The folder of editions the user imported (``BURDENSHARE_DATA_HOME`` overrides it)."""
    override = os.environ.get(USER_DATA_ENV)
    if override:
        return Path(override).expanduser()
    return Path(user_data_dir("burdenshare", appauthor=False))
