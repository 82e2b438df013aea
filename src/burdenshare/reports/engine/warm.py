"""The warm process, seen from the runner: :class:`WarmProcess` starts it, asks it for kernels
and stops it. The program it runs is :mod:`burdenshare.reports.engine.warm_main`.

The warm process imports the scientific stack once (:data:`DEFAULT_PRELOAD`); each report's
kernel is a child forked from it (see :mod:`burdenshare.reports.engine.kernels`), handled here
as a :class:`ForkedProcess`: its exit status comes from the warm process, which reaps it only
when asked, and its process group is signalled only while its id is known to be its own.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...errors import ReportError

if TYPE_CHECKING:
    from .kernels import ForkKernelManager

#: Modules the warm process imports before forking (missing ones are skipped; "module:function"
#: also calls the function). Not the inline backend: importing it inside IPython is what hooks
#: it into the shell, which must happen inside the kernel.
DEFAULT_PRELOAD: tuple[str, ...] = (
    "numpy",
    "pandas",
    "pandera.pandas",
    "pycountry",
    "matplotlib",  # not pyplot: only the labelled scatter's adjustText imports it (see
    # DEFAULT_LATER); importing it here cost 0.27 s before "ready"
    "burdenshare",
    "burdenshare.metrics",
    "burdenshare.plots",
    "burdenshare.analyses",
    # The country table (data/countries.csv) that almost every report reads through
    # burdenshare.countries: read once here, not in each kernel (about 15 ms each).
    "burdenshare.countries:nato_allies",
    "burdenshare.reports.results",
    "burdenshare.reports.engine.kernel_side:warm_matplotlib",  # fonts loaded once, not per kernel
    # What pandas imports the first time a frame is shown or written as CSV.
    "pandas.io.formats.html",
    "pandas.io.formats.string",
    "pandas.io.formats.csvs",
    "pandas.core.reshape.reshape",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.comm",
    "ipykernel.debugger",  # imports debugpy: 60 ms per kernel otherwise
    "jupyter_client.session",
    # The machine's network addresses, which a kernel lists (importing psutil) to pick its
    # default IP: listed once here rather than in every kernel.
    "jupyter_client.localinterfaces:public_ips",
    # What every kernel imports while it starts (its shell's history, debugger, completer,
    # magics and event loop); measured by listing a forked kernel's new modules after a report.
    "sqlite3",
    "pdb",
    "IPython.core.debugger",
    "IPython.core.oinspect",
    "IPython.core.completerlib",
    "IPython.core.logger",
    "IPython.extensions.storemagic",
    "IPython.utils.wildcard",
    "tornado.platform.asyncio",
    "faulthandler",
    "zmq.utils.garbage",
    # The NATO table and panels every analysis starts from (the newest edition), parsed once
    # and shared copy-on-write with every kernel; older editions and the other bundled tables
    # follow in DEFAULT_LATER (0.23 s less before "ready").
    "burdenshare.loaders.nato:warm_latest_panels",
)

#: What the warm process imports (or calls) after it is ready, while no request waits: what
#: only some kernels need (kernels forked afterwards get it warm). A function that returns an
#: iterator is advanced one step at a time, so a request waits for one step at most.
DEFAULT_LATER: tuple[str, ...] = (
    "burdenshare.tables:warming",  # every other bundled table, one at a time
    "burdenshare.loaders.nato:panels_warming",  # the older NATO editions, a panel at a time
    # Not adjustText (the labelled scatter's, with scipy and pyplot: 0.36 s): one report of the
    # default set needs it, and its kernel is forked before the warm process gets to it, so
    # importing it here only doubled the work.
)

#: What :attr:`ForkedProcess.returncode` says when a kernel's exit status cannot be known (the
#: warm process died first, and so could not reap it); :attr:`ForkedProcess.status` is then None.
UNKNOWN_STATUS = -1

#: Optional modules the runner's processes do without, and the package whose import looks for
#: each: jsonschema imports rfc3987_syntax for an "iri" format check that notebook validation
#: does not use, and building its grammar costs over a second per process (jsonschema issue
#: 1428). Marked absent, the import is skipped; a kernel forked from this process forgets both,
#: so a notebook that imports the package gets it as a fresh interpreter would.
SKIPPED_OPTIONAL = {"rfc3987_syntax": "jsonschema"}

_SERVERS: dict[str, WarmProcess] = {}
_SERVERS_LOCK = threading.Lock()


def _python_options() -> list[str]:
    """Options of the warm interpreter: frozen modules off, as ipykernel's kernelspecs ask."""
    if sys.implementation.name == "cpython" and sys.version_info >= (3, 11):
        return ["-Xfrozen_modules=off"]
    return []


def skip_unused_optional_imports() -> None:
    """Mark :data:`SKIPPED_OPTIONAL` as absent in this process (the runner's own processes only:
    never in a user's session)."""
    for name in SKIPPED_OPTIONAL:
        sys.modules.setdefault(name, None)


def forget_skipped_imports() -> None:
    """In a kernel child: undo :func:`skip_unused_optional_imports` (the marker and the package
    imported under it), so the kernel imports them as an ordinary kernel would."""
    for name, package in SKIPPED_OPTIONAL.items():
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]
            for module in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
                del sys.modules[module]


class Leader:
    """A process that leads its own process group, watched through a pidfd (Linux) opened while
    its pid was known to be its own: its group is signalled only while it has not exited, so
    the group id cannot have been given to another process."""

    def __init__(self, pid: int):
        self.pid = pid
        try:
            self.fd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):  # no pidfd on this system, or already gone
            self.fd = None

    def exited(self) -> bool | None:
        """Whether the process has exited (reaped or not); None when it cannot be watched."""
        if self.fd is None:
            return None
        return bool(select.select([self.fd], [], [], 0)[0])

    def signal_group(self, signum: int) -> bool:
        """Send ``signum`` to the group while the leader is alive; whether it was sent."""
        if self.exited() is not False:
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signum)
        return True

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class ForkedProcess:
    """The ``Popen``-like handle jupyter_client's LocalProvisioner expects, for a kernel forked
    by the warm process (its child, not ours).

    The warm process reaps a kernel only when this handle asks (:meth:`poll`, once the kernel's
    pidfd says it has exited), so until then the kernel's pid and process group id stay its
    own: :meth:`send_signal` signals the group only then. :attr:`returncode` is the real exit
    status (a signal as a negative number, as ``Popen`` gives it); :attr:`status` is None when
    it could not be known (the warm process died first; :attr:`returncode` is then
    :data:`UNKNOWN_STATUS`).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, server: WarmProcess):
        self.pid = pid
        self.server = server
        self.returncode: int | None = None
        self.status: int | None = None
        self._leader = Leader(pid)  # the warm process has not reaped it: the pid is its own
        self._lock = threading.Lock()  # no reap between a check and a signal

    def poll(self) -> int | None:
        with self._lock:
            if self.returncode is None and self._leader.exited() is not False:
                self._collect()
            return self.returncode

    def _collect(self) -> None:
        """Ask the warm process to reap the kernel (None: still running)."""
        try:
            status = self.server.reap(self.pid)
        except ReportError:  # the warm process is gone, and its kernels were reaped by init
            if self._leader.exited() is None:
                return  # cannot tell whether it runs: it is still running as far as we know
            status, self.returncode = None, UNKNOWN_STATUS
        else:
            if status is None:
                return
            self.returncode = status
        self.status = status
        self._leader.close()

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while (code := self.poll()) is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.005)
        return code

    def send_signal(self, signum: int) -> None:
        """Signal the kernel's process group while its id is known to be the kernel's: the
        kernel is alive, or it has exited and the warm process still holds it unreaped."""
        if self.returncode is not None or self._leader.signal_group(signum):
            return  # gone, or signalled while alive (no reap is asked for a live kernel)
        with self._lock:  # exited, perhaps unreaped: no reap between the check and the signal
            if self.returncode is None and self.server.alive():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.pid, signum)

    def close(self) -> None:
        """Stop watching the process (it keeps running)."""
        with self._lock:
            self._leader.close()

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class WarmProcess:
    """A warm interpreter that forks one fresh ipykernel per request.

    Use as a context manager (or call :meth:`start` and :meth:`close`). Thread-safe: several
    reports may ask for kernels at once. When the warm process cannot start or dies, the server
    stays registered with :attr:`dead_reason` set, and kernels start the ordinary way.
    """

    def __init__(
        self,
        preload: Sequence[str] = DEFAULT_PRELOAD,
        python: str | None = None,
        later: Sequence[str] = DEFAULT_LATER,
    ):
        self.preload = tuple(preload)
        self.later = tuple(later)
        self.python = python or sys.executable
        self.key = f"{os.getpid()}-{id(self):x}"
        self.failed_imports: list[str] = []
        self.dead_reason = ""
        self.children: dict[int, ForkedProcess] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._reply: Any = None
        self._ready = False
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        """The warm process's pid (None before :meth:`start`)."""
        return self._process.pid if self._process else None

    def start(self) -> WarmProcess:
        """Start the warm process and wait until its imports are done (ReportError if it fails)."""
        return self.launch().wait_ready()

    def launch(self) -> WarmProcess:
        """Start the warm process without waiting for it (its imports run meanwhile); call
        :meth:`wait_ready` before forking. ReportError if the process cannot start."""
        _SERVERS[self.key] = self
        read_fd, write_fd = os.pipe()
        code = "from burdenshare.reports.engine.warm_main import main; main()"
        try:
            self._process = subprocess.Popen(
                [
                    self.python,
                    *_python_options(),
                    "-c",
                    code,
                    str(write_fd),
                    *self.preload,
                    "--",
                    *self.later,
                ],
                stdin=subprocess.PIPE,
                pass_fds=(write_fd,),
                env=os.environ.copy(),
            )
        except OSError as exc:
            os.close(read_fd)
            self.dead_reason = f"the warm process could not start ({exc})"
            raise ReportError(self.dead_reason) from None
        finally:
            os.close(write_fd)
        self._reply = os.fdopen(read_fd, "rb")
        return self

    def wait_ready(self) -> WarmProcess:
        """Wait until the warm process has done its imports (ReportError if it died)."""
        if self._reply is None:
            raise ReportError(self.dead_reason or "the warm process was not launched.")
        hello = self._read_reply()
        self.failed_imports = list(hello.get("failed", []))
        self._ready = True
        return self

    def alive(self) -> bool:
        """Whether the warm process is running and serving forks."""
        if self.dead_reason or self._process is None:
            return False
        code = self._process.poll()
        if code is not None:
            self.dead_reason = f"the warm process exited (code {code}) during the run"
            return False
        return True

    def _read_reply(self) -> dict[str, Any]:
        line = self._reply.readline()
        if not line:
            code = self._process.wait(timeout=5) if self._process else None
            self.dead_reason = self.dead_reason or (
                f"the warm process exited (code {code}); check that ipykernel imports in this"
                " environment"
            )
            raise ReportError(self.dead_reason)
        return json.loads(line)

    def fork(self, args: Sequence[str], env: dict[str, str], cwd: str) -> ForkedProcess:
        """Fork a kernel child that runs ``IPKernelApp`` with ``args``; return its handle."""
        reply = self._request({"args": list(args), "env": dict(env), "cwd": str(cwd)})
        pid = int(reply["pid"])
        self.children[pid] = child = ForkedProcess(pid, self)
        return child

    def reap(self, pid: int) -> int | None:
        """Have the warm process reap its kernel ``pid``: its exit status (a signal as a negative
        number), or None while it runs. ReportError when the warm process is gone."""
        status = self._request({"reap": pid}).get("status")
        return None if status is None else int(status)

    def _request(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send one request to the warm process; return its reply (ReportError if it failed)."""
        if self._process is None or self._process.stdin is None:
            raise ReportError("the warm process is not running: call start() first.")
        request = json.dumps(message)
        with self._lock:
            if not self.alive():
                raise ReportError(self.dead_reason)
            try:
                self._process.stdin.write(request.encode() + b"\n")
                self._process.stdin.flush()
            except (BrokenPipeError, ValueError):
                self._read_reply()  # raises the explanatory error
            reply = self._read_reply()
            if "error" in reply:
                raise ReportError(str(reply["error"]))
            return reply

    def kill_children(self) -> None:
        """Kill every kernel forked so far that still runs (each with its process group): the
        run stops."""
        for child in list(self.children.values()):
            child.kill()

    def close(self) -> None:
        """Stop the warm process (running kernels are not affected; see :meth:`kill_children`).
        One still importing (never asked whether it is ready) is killed, not waited for."""
        _SERVERS.pop(self.key, None)
        process, self._process = self._process, None
        if process is not None:
            if not self._ready:
                with contextlib.suppress(OSError):
                    process.kill()
            if process.stdin:
                with contextlib.suppress(OSError):
                    process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._reply:
            self._reply.close()
            self._reply = None

    def __enter__(self) -> WarmProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def kernel_manager_class(self) -> type[ForkKernelManager]:
        """A :class:`ForkKernelManager` subclass bound to this server (for nbclient)."""
        from .kernels import ForkKernelManager  # lazy: jupyter_client

        return type("BoundForkKernelManager", (ForkKernelManager,), {"server_key": self.key})


def default_server() -> WarmProcess:
    """The process-wide server (started on first use, closed at exit): Dask workers use it."""
    with _SERVERS_LOCK:
        server = _SERVERS.get("default")
        if server is None or not server.alive():
            server = WarmProcess()
            server.key = "default"
            with contextlib.suppress(ReportError):  # then kernels start the ordinary way
                server.start()
            atexit.register(server.close)
        return server
