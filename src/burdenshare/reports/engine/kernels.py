"""Report kernels forked copy-on-write from a warm process.

A fresh ``python -m ipykernel_launcher`` pays interpreter start-up and the imports of pandas and
matplotlib for every report. :class:`WarmProcess` starts one warm process
(:mod:`burdenshare.reports.engine.warm_main`) that has imported them once; each report's kernel is
a child forked from it, a fresh process used for one report only. :class:`ForkProvisioner` is the
jupyter_client kernel provisioner that asks the server for such a child instead of ``Popen``;
:class:`ForkKernelManager` is the kernel manager class papermill/nbclient use to select it.

A kernel is forked only when its kernelspec would run this interpreter with ipykernel
(:func:`classify_kernel_command` accepts the argument forms ipykernel itself writes); otherwise,
when the warm process is gone, or when :func:`~burdenshare.reports.engine.compat.problems` finds
that an upgrade changed what forked kernels rely on, the kernel starts the ordinary way. Either
way the provisioner records which engine ran the kernel and why (:attr:`ForkProvisioner.engine`,
:attr:`ForkProvisioner.engine_reason`).
"""

from __future__ import annotations

import asyncio
import atexit
import math
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from importlib.metadata import EntryPoint
from queue import Empty
from typing import Any, ClassVar

import zmq
import zmq.asyncio
from jupyter_client import protocol_version_info
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerFactory
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Unicode, default

from ...errors import ReportError
from ..cache.provenance import same_interpreter
from . import compat
from .warm import _SERVERS, ForkedProcess, WarmProcess, default_server

#: Entry-point name of the provisioner (group ``jupyter_client.kernel_provisioners``).
PROVISIONER_NAME = "burdenshare-fork"

#: The two engines a report kernel can run on.
FORKED, ORDINARY = "forked", "ordinary"


#: Python options a kernelspec may pass that a forked kernel honours: ipykernel's installer
#: writes ``-Xfrozen_modules=off`` (the warm process runs with it too).
_COMPATIBLE_PYTHON_OPTIONS = (("-Xfrozen_modules=off",), ("-X", "frozen_modules=off"))
_KERNEL_MODULES = ("ipykernel_launcher", "ipykernel")

#: zmq's reconnect interval for report kernels' sockets. Its default (100 ms) is idle time for
#: every report: the client connects before the fresh kernel has bound its ports.
RECONNECT_MS = 10
#: Seconds a killed kernel is waited for (the kernel manager's own limit is 5 s).
KILL_WAIT_S = 5.0

_DEFAULT_LOCK = threading.Lock()
_IPC: dict[str, str] = {}
_CONTEXT: dict[int, zmq.asyncio.Context] = {}


def shared_context() -> zmq.asyncio.Context:
    """The one zmq context of this process's report kernels' managers and clients.

    A context made per kernel is left to the garbage collector, and pyzmq's ``destroy`` from
    ``__del__`` can hang for ever when the context's sockets are collected in the same cycle
    (their weak references are cleared first, so they are not closed before ``term``): seen
    as a run that never ended after SIGTERM. One context per process is never collected.
    """
    with _DEFAULT_LOCK:
        context = _CONTEXT.get(os.getpid())
        if context is None:
            context = _CONTEXT[os.getpid()] = zmq.asyncio.Context()
            context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
    return context


def ipc_path() -> str:
    """A fresh path prefix for one kernel's sockets, in a private folder of this process.

    Report kernels talk to the runner over Unix sockets (zmq ``ipc``) rather than loopback TCP:
    no port can be taken by another program between choosing it and binding it, and no other
    user can connect. The folder is removed at exit.
    """
    with _DEFAULT_LOCK:
        if _IPC.get("pid") != str(os.getpid()):
            folder = tempfile.mkdtemp(prefix="bs-ipc-")
            _IPC.update(pid=str(os.getpid()), folder=folder)
            atexit.register(shutil.rmtree, folder, True)
    return os.path.join(_IPC["folder"], f"k{uuid.uuid4().hex[:12]}")


#: The longest Unix socket path (``sun_path``), and what ipykernel appends to ``ipc_path()``.
_IPC_MAX, _IPC_SUFFIX = getattr(zmq, "IPC_PATH_MAX_LEN", 107), len("-65535")


def ipc_fits() -> bool:
    """Whether kernels' socket paths fit a Unix socket address under this TMPDIR (a deep one
    does not: kernels then use loopback TCP)."""
    return len(ipc_path()) + _IPC_SUFFIX <= _IPC_MAX


def classify_kernel_command(cmd: Sequence[str], python: str) -> tuple[list[str] | None, str]:
    """Whether a kernel command can be forked from a warm ``python``.

    Returns ``(ipykernel arguments, reason)``: the arguments to give ``IPKernelApp`` when the
    command runs ``python [-Xfrozen_modules=off] -m ipykernel_launcher|ipykernel ...`` (the forms
    ipykernel's own kernelspecs use), else None and why not.
    """
    cmd = list(cmd)
    if not cmd:
        return None, "the kernelspec has an empty command"
    if not same_interpreter(cmd[0], python):
        return None, f"the kernelspec runs {cmd[0]}, not this interpreter ({python})"
    rest, problem = _skip_python_options(cmd[1:])
    if problem:
        return None, problem
    module = rest[1] if len(rest) > 1 else "nothing"
    if module not in _KERNEL_MODULES:
        return None, f"the kernelspec runs module {module!r}, not ipykernel_launcher"
    options = " ".join(cmd[1 : len(cmd) - len(rest)])
    how = f"{options} -m {module}" if options else f"-m {module}"
    return rest[2:], f"the kernelspec runs this interpreter with {how}"


def _skip_python_options(rest: list[str]) -> tuple[list[str], str]:
    """The arguments from ``-m`` on, after the Python options a fork honours; or why not."""
    while rest[:1] != ["-m"]:
        option = next((o for o in _COMPATIBLE_PYTHON_OPTIONS if tuple(rest[: len(o)]) == o), None)
        if option is None:
            shown = " ".join(rest[:2]) if rest else "no '-m ipykernel_launcher'"
            return rest, f"the kernelspec passes {shown!r} to Python, which a fork cannot apply"
        rest = rest[len(option) :]
    return rest, ""


class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    """Kernel provisioner that forks the kernel from a warm :class:`WarmProcess`.

    Configure with ``server_key`` (set by :class:`ForkKernelManager`); without one it uses the
    process-wide :func:`default_server`. After launching, :attr:`engine` is ``"forked"`` or
    ``"ordinary"``, :attr:`engine_reason` says why and :attr:`launch_seconds` how long it took.
    """

    server_key = Unicode("", help="key of the WarmProcess to fork from").tag(config=True)
    engine = ORDINARY
    engine_reason = ""
    launch_seconds = 0.0

    def _server(self) -> WarmProcess | None:
        return _SERVERS.get(self.server_key) if self.server_key else default_server()

    def _fork_plan(self, cmd: list[str]) -> tuple[WarmProcess | None, list[str] | None, str]:
        """(warm process, ipykernel arguments or None for an ordinary kernel, why)."""
        fallback = compat.fallback_reason()
        if fallback:  # an upgrade changed what forked kernels rely on
            return None, None, fallback
        server = self._server()
        if server is None:
            return None, None, "no warm process was started"
        args, reason = classify_kernel_command(cmd, server.python)
        if args is not None and not server.alive():
            return None, None, server.dead_reason
        return server, args, reason

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        start = time.perf_counter()
        server, args, reason = self._fork_plan(cmd)
        if server is not None and args is not None:
            env = dict(kwargs.get("env") or os.environ)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            try:
                self.process = server.fork(args, env, cwd)
            except ReportError as exc:
                args, reason = None, str(exc)
            else:
                self.pid = self.pgid = self.process.pid
                self.cwd = cwd
                self.engine, self.engine_reason = FORKED, reason
                self.launch_seconds = time.perf_counter() - start
                return self.connection_info
        self.engine, self.engine_reason = ORDINARY, reason
        info = await super().launch_kernel(cmd, **kwargs)
        self.launch_seconds = time.perf_counter() - start
        return info

    async def kill(self, restart: bool = False) -> None:
        """Kill the kernel, then wait until it is gone, polling every 5 ms: the kernel manager
        then finds it gone at once (its own wait polls every 100 ms)."""
        await super().kill(restart=restart)
        deadline = time.monotonic() + KILL_WAIT_S
        while self.process is not None and self.process.poll() is None:
            if time.monotonic() > deadline:
                return  # the kernel manager waits, warns and goes on
            await asyncio.sleep(0.005)

    async def send_signal(self, signum: int) -> None:
        """Signal a forked kernel through its handle, which signals the kernel's process group
        only while its id is known to be the kernel's (jupyter_client's own ``send_signal``
        would signal the group id, then the bare pid, whenever asked)."""
        if isinstance(self.process, ForkedProcess):
            self.process.send_signal(signum)
        else:
            await super().send_signal(signum)


def _register_provisioner() -> None:
    """Make the provisioner findable even when the package's entry points are not installed."""
    factory = KernelProvisionerFactory.instance()
    if PROVISIONER_NAME not in factory.provisioners:
        factory.provisioners[PROVISIONER_NAME] = EntryPoint(
            name=PROVISIONER_NAME,
            value="burdenshare.reports.engine.kernels:ForkProvisioner",
            group="jupyter_client.kernel_provisioners",
        )


class ReadyClient(AsyncKernelClient):
    """The kernel client of report kernels: ready as soon as the kernel answers on shell and IOPub.

    jupyter_client's ``wait_for_ready`` waits up to 0.2 s for IOPub traffic and then 0.2 s more of
    IOPub silence, fixed waits longer than a forked kernel's whole start. This one polls instead,
    with the same guarantee: the kernel replied on shell and IOPub is subscribed (a message
    arrived on it) before the first cell runs. :attr:`ready_seconds` is how long it waited.
    Its sockets reconnect every :data:`RECONNECT_MS` (a zmq context of its own, closed with
    its channels).
    """

    ready_seconds = 0.0
    own_context: zmq.asyncio.Context | None = None

    @default("context")
    def _reconnecting_context(self) -> zmq.asyncio.Context:
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        self.own_context = context
        return context

    def stop_channels(self) -> None:
        """Stop the channels, then close the context this client made (as jupyter_client closes
        the one it makes itself)."""
        super().stop_channels()
        if self.own_context is not None and not self.own_context.closed:
            self.own_context.destroy(linger=100)

    async def _wait_until_ready(self, timeout: float | None = None) -> None:
        start = time.monotonic()
        deadline = start + (math.inf if timeout is None else timeout)
        reply = None
        asked = -math.inf
        while True:
            asked = self._ask_kernel_info(asked, deadline, timeout)
            msg = await self._next_message(
                self.shell_channel if reply is None else self.iopub_channel
            )
            if msg is not None and reply is not None:
                break
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                reply = msg
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
        self._adapt_protocol(reply)
        self.ready_seconds = time.monotonic() - start

    wait_for_ready = _wait_until_ready

    def _ask_kernel_info(self, asked: float, deadline: float, timeout: float | None) -> float:
        """Ask again when the last request is over 0.25 s old (each request also makes the kernel
        publish on IOPub); return when the last one went. RuntimeError after ``deadline``."""
        now = time.monotonic()
        if now > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        if now - asked <= 0.25:
            return asked
        self.kernel_info()
        return now

    @staticmethod
    async def _next_message(channel: Any) -> dict[str, Any] | None:
        try:
            return await channel.get_msg(timeout=0.01)
        except Empty:
            return None

    def _adapt_protocol(self, reply: dict[str, Any]) -> None:
        """Speak the kernel's major protocol version when it differs from jupyter_client's (what
        jupyter_client's own ``wait_for_ready`` does with the reply)."""
        major = int(reply["content"]["protocol_version"].split(".")[0])
        if major != protocol_version_info[0]:
            self.session.adapt_version = major


class ForkKernelManager(AsyncKernelManager):
    """An AsyncKernelManager (what nbclient uses) whose kernels come from a :class:`WarmProcess`
    (via :class:`ForkProvisioner`), with a :class:`ReadyClient`."""

    server_key: ClassVar[str] = ""

    @default("transport")
    def _ipc_transport(self) -> str:
        return "ipc" if ipc_fits() else "tcp"

    @default("context")
    def _shared_context(self) -> zmq.asyncio.Context:
        return shared_context()

    def client(self, **kwargs: Any) -> Any:
        """The kernel's client, on the manager's (shared) zmq context."""
        kwargs.setdefault("context", self.context)
        return super().client(**kwargs)

    @default("ip")
    def _ipc_socket_path(self) -> str:
        return ipc_path() if self.transport == "ipc" else "127.0.0.1"

    @default("connection_file")
    def _private_connection_file(self) -> str:
        """In this process's private folder (removed at exit, however the run ends), not a
        temporary file of its own that a stopped run would leave in TMPDIR."""
        return ipc_path() + ".json"

    @default("client_factory")
    def _ready_client(self) -> type[ReadyClient]:
        return ReadyClient

    @property
    def kernel_spec(self) -> Any:
        spec = super().kernel_spec
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
