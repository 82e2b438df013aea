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
SLOW_KINDS = (
    "notebooks",
    "browser",
    "dask",
    "processes",
    "adversarial",
    "site",
    "sources",
    "sweeps",
)


def quick_loop(config: pytest.Config) -> bool:
    """Whether this run leaves the slow tests out (``-m "not slow"``, the README's quick loop)."""
    return "not slow" in (config.getoption("markexpr") or "")


def pytest_configure(config: pytest.Config) -> None:
    """Load the quick hypothesis profile in the quick loop, unless ``--hypothesis-profile`` says."""
    if not config.getoption("hypothesis_profile"):
        settings.load_profile(QUICK_PROFILE if quick_loop(config) else "full")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Add ``slow`` to every test marked with one of :data:`SLOW_KINDS` (before ``-m`` selects);
    a test marked ``slow`` by hand must say why with one of them."""
    unexplained = []
    for item in items:
        if any(item.get_closest_marker(kind) for kind in SLOW_KINDS):
            item.add_marker(pytest.mark.slow)
        elif item.get_closest_marker("slow"):
            unexplained.append(item.nodeid)
    if unexplained:
        raise pytest.UsageError(
            f"marked slow without saying why: {', '.join(unexplained)}; mark each with one of "
            f"{', '.join(SLOW_KINDS)} instead (tests/conftest.py)"
        )


#: In the quick loop, a test whose setup, call and teardown take longer than this (seconds of wall
#: time) is named at the end of the run: mark it with why it is slow, or make it cheaper.
QUICK_LIMIT_S = 2.0
_seconds: dict[str, float] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Add up each test's phases (under pytest-xdist, the reports the workers send)."""
    _seconds[report.nodeid] = _seconds.get(report.nodeid, 0.0) + report.duration


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """In the quick loop, warn about the tests over :data:`QUICK_LIMIT_S` (never a failure:
    DESIGN.md has no timed assertions, and a busy machine slows every test)."""
    slow = sorted(((s, n) for n, s in _seconds.items() if s > QUICK_LIMIT_S), reverse=True)
    if not slow or not quick_loop(config):
        return
    terminalreporter.write_sep(
        "=", f"{len(slow)} tests over {QUICK_LIMIT_S:g} s in the quick loop", yellow=True
    )
    for seconds, nodeid in slow:
        terminalreporter.write_line(f"{seconds:6.2f}s {nodeid}")
    kinds = ", ".join(SLOW_KINDS)
    terminalreporter.write_line(
        f"mark each with why it is slow ({kinds}; tests/conftest.py) or make it cheaper "
        "(wall time: on a busy machine, time it again alone)"
    )


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
