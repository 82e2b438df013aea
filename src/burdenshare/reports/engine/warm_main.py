"""The warm process that forks report kernels (runs in its own interpreter, never imported by users).

Started by :class:`burdenshare.reports.engine.warm.WarmProcess` as
``python -c "from burdenshare.reports.engine.warm_main import main; main()" REPLY_FD MODULE... -- MODULE...``.
It imports the scientific stack and ipykernel once, then reads one JSON request per line on stdin
and answers one JSON line on ``REPLY_FD``. A kernel request (``{"args": [...], "env": {...},
"cwd": "..."}``) forks a child that becomes a fresh ipykernel (``IPKernelApp``) for exactly one
report and answers ``{"pid": N}``; a reap request (``{"reap": N}``) answers that kernel's exit
status (``{"status": n}``, null while it runs). Kernels are reaped only when asked, so the
runner knows their pids are still theirs. The copy-on-write pages keep the imports warm
without sharing any state between reports. Entries after ``--`` are imported (and called) while
no request waits.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import json
import os
import select
import signal
import sys
import threading
import traceback
from collections.abc import Iterator
from typing import Any

from burdenshare.reports.engine import compat
from burdenshare.reports.engine.warm import forget_skipped_imports, skip_unused_optional_imports

#: What ``python -m ipykernel_launcher`` reports as ``sys.argv[0]`` in a fresh kernel.
_LAUNCHER = "ipykernel_launcher"
#: Seconds without a request after which the warm process takes the next deferred step. The
#: first kernels are asked for at once, so a short wait then delays nobody, and the steps are
#: done before most kernels that need them are forked (a table warmed after a kernel that reads
#: it was forked is parsed twice; the default run took about 0.7 s more CPU at 0.3 s).
IDLE_S = 0.05


def _call(entry: str) -> Any:
    """Import ``"module"`` (``"module:function"`` also calls the function, e.g. to fill a cache,
    and returns what it returned)."""
    name, _, function = entry.partition(":")
    imported = importlib.import_module(name)
    return getattr(imported, function)() if function else None


def _preload(modules: list[str]) -> list[str]:
    """Import (and call) each entry; return ``"name: error"`` for those that failed (they stay
    cold)."""
    failed = []
    for module in modules:
        try:
            _call(module)
        except Exception as exc:  # a missing optional module must not stop the server
            failed.append(f"{module}: {type(exc).__name__}: {exc}")
    return failed


class _Later:
    """What the warm process does after it is ready, one step at a time while no request waits:
    each entry is imported (and called, see :func:`_call`); a call that returns an iterator is
    then advanced one item per step."""

    def __init__(self, entries: list[str], failed: list[str]):
        self.entries = list(entries)
        self.failed = failed
        self.steps: Iterator[Any] | None = None
        self.current = ""

    def wait(self) -> float | None:
        """Seconds to wait for a request before the next step (None: nothing left to do)."""
        if self.steps is not None:
            return 0.0  # within an iterator: a request waits one step at most
        return IDLE_S if self.entries else None

    def step(self) -> None:
        """Do the next step, then keep the collector off what it made (see :func:`main`)."""
        try:
            if self.steps is None:
                self.current = self.entries.pop(0)
                result = _call(self.current)
                self.steps = iter(result) if isinstance(result, Iterator) else None
            elif next(self.steps, _DONE) is _DONE:
                self.steps = None
        except Exception as exc:  # a failed step leaves the rest cold
            self.failed.append(f"{self.current}: {type(exc).__name__}: {exc}")
            self.steps = None
        gc.freeze()


_DONE = object()


def _redo_import_time_choices() -> None:
    """Redo what modules imported in the warm process decided from their environment at import
    time.

    pandas picks ``display.max_columns`` when imported: 0 (fit to the terminal, truncating wide
    frames with "...") outside a kernel, 20 inside one. The warm process imported pandas before
    any kernel existed, so its choice is the terminal one; this child is a Jupyter kernel, so it
    takes the kernel's choice (what pandas' ``is_terminal()`` returns inside a kernel).
    """
    pandas = sys.modules.get("pandas")
    if pandas is None:
        return
    with contextlib.suppress(ImportError, AttributeError, KeyError):  # pandas' internals moved
        # 20: pandas' default for "not a terminal" (an IPython kernel)
        compat.set_pandas_option_default(pandas, "display.max_columns", 20)


def _leave_the_server(command_fds: tuple[int, ...]) -> None:
    """In a forked child: a process group of its own (the runner stops it as a whole), default
    signal handling, and none of the server's command pipes."""
    os.setpgid(0, 0)
    for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(signum, signal.SIG_DFL)
    for fd in command_fds:
        os.close(fd)


def _take_over(request: dict) -> None:
    """In a kernel child: standard input from /dev/null, and the working directory, environment
    and command line the kernelspec would have given a fresh kernel."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    os.environ["JPY_PARENT_PID"] = str(os.getppid())
    launcher = importlib.util.find_spec(_LAUNCHER)
    sys.argv = [launcher.origin if launcher and launcher.origin else _LAUNCHER, *request["args"]]
    # ipykernel_launcher removes the working directory from sys.path; the shell adds "" back.
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]


def _reset_module_state() -> None:
    """In a kernel child: undo what the preloaded modules hold that a fresh kernel would not."""
    forget_skipped_imports()
    if "burdenshare.tables" in sys.modules:  # each report records exactly its own loads
        sys.modules["burdenshare.tables"].reset_loaded()
    if "numpy" in sys.modules:  # the legacy global generator would repeat across children
        sys.modules["numpy"].random.seed()
    if "matplotlib" in sys.modules:
        # matplotlib read MPLBACKEND when the warm process imported it; a fresh kernel reads it
        # after ipykernel has chosen the inline backend. Apply the same rule here.
        from burdenshare.reports.engine.kernel_side import INLINE_BACKEND  # lazy: preloaded

        backend = os.environ.get("MPLBACKEND") or INLINE_BACKEND
        sys.modules["matplotlib"].rcParams["backend"] = backend


def _run_kernel_app(args: list[str]) -> None:
    """Run an IPKernelApp with ``args`` until it shuts down."""
    from ipykernel.kernelapp import IPKernelApp  # lazy: imported (warm) by the preload

    # Trait defaults read JPY_* variables at import time (in the warm process): set them again.
    app = IPKernelApp.instance(
        parent_handle=int(os.environ.get("JPY_PARENT_PID") or 0),
        interrupt=int(os.environ.get("JPY_INTERRUPT_EVENT") or 0),
    )
    # Kernels listen on loopback for the one runner that started them; ipykernel's warning
    # about unencrypted TCP would print once per report into the runner's output.
    app.log.addFilter(lambda record: "without encryption" not in record.getMessage())
    app.initialize(args)
    _redo_import_time_choices()
    app.start()


def _become_kernel(request: dict, command_fds: tuple[int, ...]) -> None:
    """In the forked child: reset process state, then run an IPKernelApp until it shuts down;
    exit with its status (never returns into the warm process's loop)."""
    code = 0
    try:
        _leave_the_server(command_fds)
        _take_over(request)
        _reset_module_state()
        _run_kernel_app(request["args"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        traceback.print_exc()
        code = 1
    try:
        compat.run_exit_handlers()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


class _Commands:
    """Request lines from a pipe, readable without blocking (to preload in idle moments)."""

    def __init__(self, fd: int):
        self.fd = fd
        self.buffer = b""

    def line(self, wait: float | None) -> bytes | None:
        """The next line; None if none came within ``wait`` seconds (None: wait for one); b""
        at the end."""
        while b"\n" not in self.buffer:
            if wait is not None and not select.select([self.fd], [], [], wait)[0]:
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                rest, self.buffer = self.buffer, b""
                return rest
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line + b"\n"


def _reap(pid: int) -> dict[str, Any]:
    """Reap the kernel ``pid`` if it has exited: its exit status (a signal as a negative number,
    as ``Popen`` gives it), or None while it runs."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return {"error": f"process {pid} is not a kernel of this warm process (or was reaped)"}
    return {"status": os.waitstatus_to_exitcode(status) if done else None}


def _serve(request: dict[str, Any], pipes: tuple[int, ...]) -> dict[str, Any]:
    """Answer one request: reap a kernel (``{"reap": pid}``), or fork a new one."""
    if "reap" in request:
        return _reap(int(request["reap"]))
    pid = os.fork()
    if pid == 0:
        _become_kernel(request, pipes)
    with contextlib.suppress(OSError):  # the child did it first, or already exited
        os.setpgid(pid, pid)
    return {"pid": pid}


def _arguments(argv: list[str]) -> tuple[int, list[str], list[str]]:
    """(reply fd, modules to import before "ready", modules after ``--`` to import later)."""
    modules = argv[2:]
    if "--" not in modules:
        return int(argv[1]), modules, []
    split = modules.index("--")
    return int(argv[1]), modules[:split], modules[split + 1 :]


def main() -> None:
    """Serve requests until stdin closes.

    Arguments: the reply file descriptor, the modules to import before answering "ready", then
    ``--`` and modules to import later, one at a time whenever no request is waiting (what only
    some kernels need). Kernels are reaped only when the runner asks (``{"reap": pid}``), so
    until then a kernel's pid and process group id stay its own (the runner signals them).
    """
    skip_unused_optional_imports()
    reply_fd, now, later = _arguments(sys.argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the runner, which closes us
    failed = _preload(now)
    # Keep the collector off the preloaded objects: collecting them in a child would write to
    # (and so copy) every page the child shares with this process.
    gc.freeze()
    threads = threading.active_count()
    command_fd = os.dup(0)
    reply = os.fdopen(reply_fd, "wb", buffering=0)
    reply.write(json.dumps({"ready": True, "failed": failed, "threads": threads}).encode() + b"\n")
    commands = _Commands(command_fd)
    pending = _Later(later, failed)
    while (line := commands.line(wait=pending.wait())) != b"":
        if line is None:  # idle: the next step for later kernels
            pending.step()
        elif line.strip():
            answer = _serve(json.loads(line), (command_fd, reply_fd))
            reply.write(json.dumps(answer).encode() + b"\n")


if __name__ == "__main__":  # pragma: no cover
    main()
