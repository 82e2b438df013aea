"""PDFs of report pages, printed by the system's Chromium driven by playwright.

One headless Chromium (the system's binary, no browser download) prints every page of a run,
with no network: every request goes to a proxy that does not exist, while ``file:`` pages and
inline ``data:`` still load. A page is printed once its load event has fired (its figures are
inline or local images), on A4 with the margins of the page's own ``@page`` rule, its print
stylesheet, backgrounds, no header or footer, and tagged for screen readers.

playwright is the optional ``pdf`` extra. Its driver runs Chromium in a process group of its own
and kills that group when the browser does not close (or when this process dies and the driver's
pipe closes). The browser's profile and artifacts live in one temporary folder of ours, removed
once the browser has stopped (left behind only if this process is killed outright). Printing
runs in a thread with its own event loop, so that every wait is bounded (starting the browser,
and a page's load and its printing: ``timeout`` seconds each), a signal here cancels it cleanly,
and ``print_pdfs`` works where an event loop already runs (a notebook's kernel).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import shutil
import tempfile
import threading
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ...errors import ReportError
from ..planning import slugify

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

#: Executables tried in this order (the Debian package installs ``chromium``).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: No request leaves the machine: a proxy on the discard port, loopback included.
OFFLINE_FLAGS = ("--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")
#: Chromium's flags besides playwright's own (headless, no sandbox, no background services).
FLAGS = ("--disable-gpu", "--hide-scrollbars", *OFFLINE_FLAGS)
#: A4, margins from the page's own CSS (@page), no header or footer, tagged (accessible).
PDF_OPTIONS: dict[str, Any] = {
    "print_background": True,
    "prefer_css_page_size": True,
    "width": "8.27in",
    "height": "11.69in",
    "display_header_footer": False,
    "tagged": True,
}
#: Seconds allowed for starting the browser, and for loading and for printing each page.
TIMEOUT_S = 60.0
INSTALL_HINT = (
    "install it (Debian/Ubuntu: `apt-get install chromium`) or put it on PATH; the HTML "
    "reports are complete without the PDFs"
)
PLAYWRIGHT_HINT = (
    'pip install "burdenshare[pdf]" (it drives the system\'s Chromium; no browser download); '
    "the HTML reports are complete without the PDFs"
)

T = TypeVar("T")


def find_chromium() -> str | None:
    """Path of the system's Chromium (or Chrome), or ``None``."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def printer_missing(chromium: str | None) -> str | None:
    """Why ``--pdf`` cannot print (``chromium``, the browser found, is None; or playwright is
    not installed), as a sentence that says what to install; ``None`` when it can."""
    if chromium is None:
        return (
            f"--pdf needs the system's Chromium, which is not found (looked for "
            f"{', '.join(CHROMIUM_NAMES)} on PATH): {INSTALL_HINT}."
        )
    if importlib.util.find_spec("playwright") is None:
        return f"--pdf prints with playwright, which is not installed: {PLAYWRIGHT_HINT}."
    return None


def launch_options(timeout: float = TIMEOUT_S) -> dict[str, Any]:
    """Keyword arguments of playwright's ``chromium.launch`` for the system's Chromium without
    network (the site's tests open their browser with these too)."""
    found = find_chromium()
    if not found:
        raise ReportError(
            f"Chromium was not found (looked for {', '.join(CHROMIUM_NAMES)} on PATH): "
            f"{INSTALL_HINT}."
        )
    return {"executable_path": found, "args": list(FLAGS), "timeout": timeout * 1000}


def _pages(folder: Path, stems: Sequence[str]) -> list[tuple[str, Path]]:
    """``(stem, page)`` for each stem, refusing unsafe stems and missing pages."""
    pages = []
    for stem in stems:
        if not stem or slugify(stem) != stem:
            raise ReportError(f"print_pdfs: {stem!r} is not a report stem.")
        page = folder / f"{stem}.html"
        if not page.is_file():
            raise ReportError(f"{page}: no such report page to print; render the reports first.")
        pages.append((stem, page.resolve()))
    return pages


def _reason(exc: BaseException) -> str:
    """A playwright error in a line: its first line, and Chromium's own fatal error from the
    browser log that follows it, if any (without a full stop: the caller ends the sentence)."""
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    fatal = [line.rsplit("] ", 1)[-1] for line in lines if ":FATAL:" in line]
    reason = lines[0] + (f"; Chromium said: {fatal[0]}" if fatal else "")
    return reason.rstrip(".")


async def _print(pages: Sequence[tuple[str, Path]], timeout: float) -> dict[str, bytes]:
    """Print ``pages`` in one browser whose profile and artifacts live in a folder of ours,
    removed once the browser and playwright's driver have stopped."""
    from playwright.async_api import Error, async_playwright

    options = launch_options(timeout)
    with tempfile.TemporaryDirectory(prefix="burdenshare-chromium-") as folder:
        async with async_playwright() as playwright:
            try:
                browser = await playwright.chromium.launch_persistent_context(
                    Path(folder) / "profile", artifacts_dir=Path(folder) / "artifacts", **options
                )
            except Error as exc:
                found = options["executable_path"]
                raise ReportError(
                    f"cannot start Chromium ({found}): {_reason(exc)}. Check that `{found} "
                    "--headless --version` runs, or leave out --pdf: the HTML reports are "
                    "complete without the PDFs."
                ) from None
            try:
                return await _print_each(browser, pages, timeout)
            finally:
                # a browser that does not close in time is killed with its process group
                # when the driver stops (leaving async_playwright)
                with contextlib.suppress(Error, TimeoutError):
                    await asyncio.wait_for(browser.close(), timeout)


async def _print_each(
    browser: BrowserContext, pages: Sequence[tuple[str, Path]], timeout: float
) -> dict[str, bytes]:
    """``{"<stem>.pdf": bytes}``, one page after the other in one tab."""
    from playwright.async_api import Error

    tab = browser.pages[0] if browser.pages else await browser.new_page()
    tab.set_default_timeout(timeout * 1000)
    pdfs = {}
    for stem, path in pages:
        try:
            await tab.goto(path.as_uri(), wait_until="load")
            pdfs[f"{stem}.pdf"] = await asyncio.wait_for(tab.pdf(**PDF_OPTIONS), timeout)
        except (Error, TimeoutError) as exc:
            reason = _reason(exc) if str(exc) else f"no answer within {timeout:g} s"
            raise ReportError(f"{path}: Chromium could not print the page ({reason}).") from None
    return pdfs


def _in_own_loop(work: Coroutine[Any, Any, T]) -> T:
    """Run ``work`` to its end in a thread with its own event loop; an exception or signal
    raised here meanwhile (Ctrl-C) cancels it and waits for its clean-up."""
    loop = asyncio.new_event_loop()
    task = loop.create_task(work)
    done = threading.Event()  # not Thread.join: an interrupted join marks the thread stopped

    def run() -> None:
        try:
            with contextlib.suppress(BaseException):  # the outcome is read from the task
                loop.run_until_complete(task)
        finally:
            done.set()

    thread = threading.Thread(target=run, name="burdenshare-pdf", daemon=True)
    try:
        thread.start()  # a signal may arrive while this returns: the work may have started
        done.wait()
    except BaseException:
        if thread.ident is None:  # interrupted before the thread ran: nothing to clean up
            task.cancel()
            done.set()
        else:
            loop.call_soon_threadsafe(task.cancel)
            done.wait()
        raise
    finally:
        if done.is_set():
            loop.close()
    return task.result()


def print_pdfs(folder: Path, stems: Sequence[str], timeout: float = TIMEOUT_S) -> dict[str, bytes]:
    """``{"<stem>.pdf": bytes}`` for the pages ``<stem>.html`` in ``folder``, printed by the
    system's Chromium (one headless browser, no network).

    Raises :class:`ReportError` when Chromium or playwright is absent, Chromium fails or takes
    longer than ``timeout`` seconds to load or print a page, or a page is missing.
    """
    pages = _pages(Path(folder), stems)
    if not pages:
        return {}
    missing = printer_missing(find_chromium())
    if missing:
        raise ReportError(missing)
    return _in_own_loop(_print(pages, timeout))
