"""Report kernels forked copy-on-write from a warm process.

A fresh ``python -m ipykernel_launcher`` pays interpreter start-up and the imports of pandas and
matplotlib for every report. :class:`ForkServer` starts one warm process (the *zygote*,
:mod:`burdenshare.reports._zygote`) that has imported them once; each report's kernel is a child
forked from it, a fresh process used for one report only. :class:`ForkProvisioner` is the
jupyter_client kernel provisioner that asks the server for such a child instead of ``Popen``;
:class:`ForkKernelManager` is the kernel manager class papermill/nbclient use to select it.

Only kernels that would run ``<this python> -m ipykernel_launcher`` are forked; any other kernel
command falls back to the ordinary subprocess launch.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from importlib.metadata import EntryPoint
from typing import Any, ClassVar

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Unicode

from ..errors import ReportError

#: Entry-point name of the provisioner (group ``jupyter_client.kernel_provisioners``).
PROVISIONER_NAME = "burdenshare-fork"

#: Modules the warm process imports before forking (missing ones are skipped; "module:function"
#: also calls the function). Not the inline
#: backend: it hooks into IPython when imported, which must happen inside the kernel.
DEFAULT_PRELOAD: tuple[str, ...] = (
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "pandera.pandas",
    "pycountry",
    "burdenshare",
    "burdenshare.metrics",
    "burdenshare.plots",
    "burdenshare.reports.results",
    "burdenshare.tables:warm_cache",  # parsed data shared copy-on-write with every kernel
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.comm",
    "jupyter_client.session",
)

_SERVERS: dict[str, ForkServer] = {}
_DEFAULT_LOCK = threading.Lock()


class ForkServer:
    """A warm interpreter that forks one fresh ipykernel per request.

    Use as a context manager (or call :meth:`start` and :meth:`close`). Thread-safe: several
    reports may ask for kernels at once.
    """

    def __init__(self, preload: Sequence[str] = DEFAULT_PRELOAD, python: str | None = None):
        self.preload = tuple(preload)
        self.python = python or sys.executable
        self.key = f"{os.getpid()}-{id(self):x}"
        self.failed_imports: list[str] = []
        self._process: subprocess.Popen[bytes] | None = None
        self._reply: Any = None
        self._lock = threading.Lock()

    def start(self) -> ForkServer:
        """Start the warm process and wait until its imports are done."""
        read_fd, write_fd = os.pipe()
        code = "from burdenshare.reports._zygote import main; main()"
        try:
            self._process = subprocess.Popen(
                [self.python, "-c", code, str(write_fd), *self.preload],
                stdin=subprocess.PIPE,
                pass_fds=(write_fd,),
                env=os.environ.copy(),
            )
        finally:
            os.close(write_fd)
        self._reply = os.fdopen(read_fd, "rb")
        hello = self._read_reply()
        self.failed_imports = list(hello.get("failed", []))
        _SERVERS[self.key] = self
        return self

    def _read_reply(self) -> dict[str, Any]:
        line = self._reply.readline()
        if not line:
            code = self._process.poll() if self._process else None
            raise ReportError(
                f"the warm kernel process exited (code {code}); run with `--engine papermill` to"
                " use ordinary kernels, and check that ipykernel imports in this environment."
            )
        return json.loads(line)

    def fork(self, args: Sequence[str], env: dict[str, str], cwd: str) -> int:
        """Fork a kernel child that runs ``IPKernelApp`` with ``args``; return its pid."""
        if self._process is None or self._process.stdin is None:
            raise ReportError("the fork server is not running: call start() first.")
        request = json.dumps({"args": list(args), "env": dict(env), "cwd": str(cwd)})
        with self._lock:
            try:
                self._process.stdin.write(request.encode() + b"\n")
                self._process.stdin.flush()
            except BrokenPipeError:
                self._read_reply()  # raises the explanatory error
            return int(self._read_reply()["pid"])

    def close(self) -> None:
        """Stop the warm process (running kernels are not affected)."""
        _SERVERS.pop(self.key, None)
        process, self._process = self._process, None
        if process is None:
            return
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if self._reply:
            self._reply.close()

    def __enter__(self) -> ForkServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def kernel_manager_class(self) -> type[ForkKernelManager]:
        """A :class:`ForkKernelManager` subclass bound to this server (for nbclient)."""
        return type("BoundForkKernelManager", (ForkKernelManager,), {"server_key": self.key})


def default_server() -> ForkServer:
    """The process-wide server (started on first use, closed at exit): Dask workers use it."""
    with _DEFAULT_LOCK:
        server = _SERVERS.get("default")
        if server is None:
            server = ForkServer().start()
            _SERVERS.pop(server.key, None)
            server.key = "default"
            _SERVERS["default"] = server
            atexit.register(server.close)
        return server


class ForkedProcess:
    """The ``Popen``-like handle LocalProvisioner expects, for a kernel that is not our child.

    Liveness comes from a pidfd (Linux) or ``kill(pid, 0)``; the exit status is not observable
    (the warm process reaps its children), so :attr:`returncode` is -1 once the kernel is gone.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        self._pidfd: int | None = None
        try:
            self._pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if self._pidfd is not None:
            ready, _, _ = select.select([self._pidfd], [], [], 0)
            gone = bool(ready)
        else:
            try:
                os.kill(self.pid, 0)
                gone = False
            except ProcessLookupError:
                gone = True
        if gone:
            self.returncode = -1
            if self._pidfd is not None:
                os.close(self._pidfd)
                self._pidfd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.02)
        return -1

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _ipykernel_args(cmd: Sequence[str], python: str) -> list[str] | None:
    """The ipykernel arguments of ``cmd`` if it runs ``python -m ipykernel_launcher``, else None."""
    if len(cmd) < 3 or list(cmd[1:3]) != ["-m", "ipykernel_launcher"]:
        return None
    exe = shutil.which(cmd[0]) or cmd[0]
    if os.path.abspath(exe) != os.path.abspath(python):
        return None
    return list(cmd[3:])


class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    """Kernel provisioner that forks the kernel from a warm :class:`ForkServer`.

    Configure with ``server_key`` (set by :class:`ForkKernelManager`); without one it uses the
    process-wide :func:`default_server`.
    """

    server_key = Unicode("", help="key of the ForkServer to fork from").tag(config=True)

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        server = _SERVERS.get(self.server_key) if self.server_key else default_server()
        args = _ipykernel_args(cmd, server.python) if server else None
        if server is None or args is None:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        pid = server.fork(args, env, cwd)
        self.process = ForkedProcess(pid)
        self.pid = pid
        self.pgid = pid
        self.cwd = cwd
        return self.connection_info


def _register_provisioner() -> None:
    """Make the provisioner findable even when the package's entry points are not installed."""
    factory = KernelProvisionerFactory.instance()
    if PROVISIONER_NAME not in factory.provisioners:
        factory.provisioners[PROVISIONER_NAME] = EntryPoint(
            name=PROVISIONER_NAME,
            value="burdenshare.reports.forking:ForkProvisioner",
            group="jupyter_client.kernel_provisioners",
        )


class ForkKernelManager(AsyncKernelManager):
    """An AsyncKernelManager (what nbclient uses) whose kernels come from a :class:`ForkServer` (via ForkProvisioner)."""

    server_key: ClassVar[str] = ""

    @property
    def kernel_spec(self) -> Any:
        spec = AsyncKernelManager.kernel_spec.fget(self)  # type: ignore[attr-defined]
        if (
            spec is not None
            and spec.metadata.get("kernel_provisioner", {}).get("provisioner_name")
            != PROVISIONER_NAME
        ):
            _register_provisioner()
            spec.metadata = {
                **spec.metadata,
                "kernel_provisioner": {
                    "provisioner_name": PROVISIONER_NAME,
                    "config": {"server_key": self.server_key},
                },
            }
        return spec
