"""Shared fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
):
    """Every test sees an empty user data folder and an empty report cache unless it sets its
    own, so no test reads or writes the user's imports or cached reports."""
    monkeypatch.setenv("BURDENSHARE_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path_factory.mktemp("report-cache")))
