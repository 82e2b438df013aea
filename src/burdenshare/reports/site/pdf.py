"""PDFs of report pages, printed by the system's Chromium.

:class:`Chromium` runs one headless Chromium with no network (every request goes to a proxy that
does not exist; ``file:`` pages and inline ``data:`` still load) and speaks the DevTools protocol
with it over a pipe (``--remote-debugging-pipe``: no port, no extra dependency). One browser prints
every page of a run; the same class lets the site's tests look at a page as a reader's browser
sees it (requests, console messages, screenshots).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import ReportError
from ..planning import slugify

#: Executables tried in this order (the Debian package installs ``chromium``).
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: No request leaves the machine: a proxy on the discard port, loopback included.
OFFLINE_FLAGS = ("--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
    *OFFLINE_FLAGS,
)
#: A4 in inches, margins from the page's own CSS (@page).
PDF_OPTIONS = {
    "printBackground": True,
    "preferCSSPageSize": True,
    "paperWidth": 8.27,
    "paperHeight": 11.69,
}
INSTALL_HINT = (
    "install it (Debian/Ubuntu: `apt-get install chromium`) or put it on PATH; the HTML "
    "reports are complete without the PDFs"
)


def find_chromium() -> str | None:
    """Path of the system's Chromium (or Chrome), or ``None``."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Tab:
    """One page open in :class:`Chromium`, with what it did since it opened."""

    browser: Chromium
    session: str
    target: str
    url: str
    requests: list[str] = field(default_factory=list)
    console: list[dict[str, Any]] = field(default_factory=list)
    loaded: bool = False

    def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.browser.send(method, params, session=self.session)

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads the page reported."""
        return [entry["text"] for entry in self.console if entry["level"] in ("error", "exception")]

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        reply = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in reply:
            raise ReportError(f"{self.url}: {expression!r} failed in the page: {reply}")
        return reply["result"].get("value")

    def pdf(self) -> bytes:
        """The page printed as PDF (A4, backgrounds, the page's print stylesheet)."""
        return base64.b64decode(self.send("Page.printToPDF", dict(PDF_OPTIONS))["data"])

    def screenshot(self, width: int = 1280) -> bytes:
        """A PNG of the whole page at ``width`` CSS pixels."""
        height = int(self.evaluate("document.documentElement.scrollHeight") or 900)
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": min(height, 16000), "deviceScaleFactor": 1, "mobile": False},
        )
        shot = self.send("Page.captureScreenshot", {"format": "png"})
        return base64.b64decode(shot["data"])

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})


class Chromium:
    """A headless Chromium without network, driven over the DevTools pipe.

    Use as a context manager; :meth:`open` loads a page and returns a :class:`Tab`. Every wait is
    bounded by ``timeout`` seconds; a browser that exits or stops answering raises
    :class:`ReportError` with the end of its error output.
    """

    def __init__(self, executable: str | None = None, timeout: float = 60.0):
        found = executable or find_chromium()
        if not found:
            raise ReportError(
                f"Chromium was not found (looked for {', '.join(CHROMIUM_NAMES)} on PATH): "
                f"{INSTALL_HINT}."
            )
        self.executable = found
        self.timeout = timeout
        self._ids = 0
        self._buffer = b""
        self._tabs: dict[str, Tab] = {}
        self._profile = tempfile.TemporaryDirectory(prefix="burdenshare-chromium-")
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the browser
        # our ends of two pipes; Chromium reads commands on its fd 3 and answers on its fd 4
        to_browser, self._commands = _high_pipe()
        self._answers, from_browser = _high_pipe()
        trampoline = [sys.executable, "-I", "-S", "-c", _ON_FDS_3_AND_4]
        flags = [*FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe"]
        try:
            self._process = subprocess.Popen(
                [*trampoline, str(to_browser), str(from_browser), found, *flags, "about:blank"],
                pass_fds=(to_browser, from_browser),
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=self._log,
                start_new_session=True,
            )
        except OSError as exc:
            self._cleanup()
            raise ReportError(f"cannot start Chromium ({found}): {exc}; {INSTALL_HINT}.") from exc
        finally:
            os.close(to_browser)
            os.close(from_browser)
        try:
            self.send("Target.setDiscoverTargets", {"discover": False})
        except ReportError:
            self.close()
            raise

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- protocol --------------------------------------------------------------------------------

    def _failure(self, what: str) -> ReportError:
        self._log.seek(0)
        tail = self._log.read()[-2000:].decode("utf-8", "replace").strip()
        return ReportError(f"Chromium ({self.executable}) {what}" + (f":\n{tail}" if tail else "."))

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise self._failure(f"did not answer within {self.timeout:g} s")
            ready, _, _ = select.select([self._answers], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._answers, 1 << 20)
            if not chunk:
                raise self._failure("exited unexpectedly")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def _dispatch(self, message: dict[str, Any]) -> None:
        tab = self._tabs.get(message.get("sessionId", ""))
        if tab is None:
            return
        method, params = message.get("method"), message.get("params") or {}
        if method == "Network.requestWillBeSent":
            tab.requests.append(params["request"]["url"])
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
            tab.console.append({"level": params.get("type", ""), "text": text})
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails") or {}
            text = (details.get("exception") or {}).get("description") or details.get("text", "")
            tab.console.append({"level": "exception", "text": str(text)})
        elif method == "Log.entryAdded":
            entry = params["entry"]
            text = f"{entry.get('text', '')} {entry.get('url', '')}".strip()
            tab.console.append({"level": entry.get("level", ""), "text": text})
        elif method == "Page.loadEventFired":
            tab.loaded = True

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send one command and return its result (events meanwhile go to their tabs)."""
        self._ids += 1
        message: dict[str, Any] = {"id": self._ids, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        try:
            while data:
                data = data[os.write(self._commands, data) :]
        except OSError as exc:
            raise self._failure(f"stopped reading commands ({exc})") from exc
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._ids:
                if "error" in reply:
                    raise ReportError(f"Chromium refused {method}: {reply['error'].get('message')}")
                return reply.get("result") or {}
            self._dispatch(reply)

    def _until(self, tab: Tab, condition: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not getattr(tab, condition):
            self._dispatch(self._read(deadline))

    # -- pages -----------------------------------------------------------------------------------

    def open(self, url: str) -> Tab:
        """Load ``url`` in a new tab and wait for its load event."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        tab = Tab(self, session, target, url)
        self._tabs[session] = tab
        for domain in ("Page", "Runtime", "Log", "Network"):
            tab.send(f"{domain}.enable")
        reply = tab.send("Page.navigate", {"url": url})
        if reply.get("errorText"):
            raise ReportError(f"Chromium could not open {url}: {reply['errorText']}.")
        self._until(tab, "loaded")
        return tab

    @contextlib.contextmanager
    def page(self, url: str) -> Iterator[Tab]:
        """:meth:`open`, closing the tab afterwards."""
        tab = self.open(url)
        try:
            yield tab
        finally:
            tab.close()

    def close(self) -> None:
        """Ask the browser to quit, then make sure it has; remove its profile."""
        process = getattr(self, "_process", None)
        if process is not None and process.poll() is None:
            with contextlib.suppress(ReportError, OSError):
                self._ids += 1
                os.write(
                    self._commands,
                    json.dumps({"id": self._ids, "method": "Browser.close"}).encode() + b"\0",
                )
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(OSError):
                    os.killpg(process.pid, 9)
                process.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        for fd in ("_commands", "_answers"):
            with contextlib.suppress(OSError, AttributeError):
                os.close(getattr(self, fd))
                setattr(self, fd, -1)
        self._log.close()
        self._profile.cleanup()


#: Starts Chromium with the pipe ends given as argv[1] and argv[2] on fds 3 and 4 (a tiny Python
#: in between, as subprocess cannot renumber descriptors and sh's redirections stop at fd 9).
_ON_FDS_3_AND_4 = """
import os, sys
for fd, want in ((int(sys.argv[1]), 3), (int(sys.argv[2]), 4)):
    os.dup2(fd, want)
    os.close(fd)
os.execv(sys.argv[3], sys.argv[3:])
"""


def _high_pipe() -> tuple[int, int]:
    """A pipe whose ends are numbered 10 or above (so they never clash with fds 3 and 4)."""
    low = os.pipe()
    try:
        return tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in low)  # type: ignore[return-value]
    finally:
        for fd in low:
            os.close(fd)


def print_pdfs(folder: Path, stems: Sequence[str]) -> dict[str, bytes]:
    """``{"<stem>.pdf": bytes}`` for the pages ``<stem>.html`` in ``folder``, printed by the
    system's Chromium (one headless browser, no network).

    Raises :class:`ReportError` when Chromium is absent or fails, or a page is missing.
    """
    folder = Path(folder)
    pages = []
    for stem in stems:
        if not stem or slugify(stem) != stem:
            raise ReportError(f"print_pdfs: {stem!r} is not a report stem.")
        page = folder / f"{stem}.html"
        if not page.is_file():
            raise ReportError(f"{page}: no such report page to print; render the reports first.")
        pages.append((stem, page.resolve()))
    if not pages:
        return {}
    if find_chromium() is None:
        raise ReportError(
            f"--pdf needs Chromium to print the reports, and none was found (looked for "
            f"{', '.join(CHROMIUM_NAMES)} on PATH): {INSTALL_HINT}."
        )
    pdfs = {}
    with Chromium() as browser:
        for stem, page in pages:
            with browser.page(page.as_uri()) as tab:
                pdfs[f"{stem}.pdf"] = tab.pdf()
    return pdfs
