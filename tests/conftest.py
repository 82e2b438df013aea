"""Shared fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _isolated_user_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test sees an empty user data folder unless it sets its own."""
    monkeypatch.setenv("BURDENSHARE_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))
