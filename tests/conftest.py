"""Shared fixtures, the marks that say why a test is slow, and the ``requires_*`` marks."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from tests import QUICK_PROFILE

#: No timed assertions in tests (DESIGN.md: benchmarks measure time): hypothesis' 200 ms deadline
#: per example failed at random on the shared 2-core machine and under pytest-xdist.
#: Two profiles: "full" runs each property test's own number of examples (hypothesis' 100 unless
#: the test says, see tests.examples); the quick loop (-m "not slow") runs at most
#: QUICK_EXAMPLES of each, the same properties on fewer draws. --hypothesis-profile NAME chooses.
QUICK_EXAMPLES = 10
settings.register_profile("full", deadline=None)
settings.register_profile(QUICK_PROFILE, deadline=None, max_examples=QUICK_EXAMPLES)
settings.load_profile("full")

#: Each names why a test is slow; a test carrying one is also ``slow`` (``-m "not slow"``).
SLOW_KINDS = ("notebooks", "browser", "dask", "processes")


def quick_loop(config: pytest.Config) -> bool:
    """Whether this run leaves the slow tests out (``-m "not slow"``, the README's quick loop)."""
    return "not slow" in (config.getoption("markexpr") or "")


def pytest_configure(config: pytest.Config) -> None:
    """Load the quick hypothesis profile in the quick loop, unless ``--hypothesis-profile`` says."""
    if not config.getoption("hypothesis_profile"):
        settings.load_profile(QUICK_PROFILE if quick_loop(config) else "full")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Add ``slow`` to every test marked with one of :data:`SLOW_KINDS` (before ``-m`` selects)."""
    for item in items:
        if any(item.get_closest_marker(kind) for kind in SLOW_KINDS):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test marked ``requires`` (``tests.requires_*``) is skipped when the thing is missing, and
    fails under CI, which installs everything."""
    for mark in item.iter_markers("requires"):
        if mark.kwargs["found"]:
            continue
        thing, how = mark.kwargs["thing"], mark.kwargs["how"]
        if os.environ.get("CI"):
            pytest.fail(f"{thing} is missing under CI: .ci/run installs it ({how})")
        pytest.skip(f"{thing} is not installed ({how}; CI installs it)")


@pytest.fixture(autouse=True)
def _isolated_user_folders(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
):
    """Every test sees an empty user data folder and an empty report cache unless it sets its
    own, so no test reads or writes the user's imports or cached reports."""
    monkeypatch.setenv("BURDENSHARE_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))
    monkeypatch.setenv("BURDENSHARE_CACHE_DIR", str(tmp_path_factory.mktemp("report-cache")))
