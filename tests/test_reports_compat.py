"""No private attribute of another package outside one adapter (``reports/engine/compat.py``);
what the adapter relies on is pinned here, :func:`compat.problems` notices when it changes, and
the runner then starts kernels the ordinary way and says so."""

from __future__ import annotations

import ast
import atexit
import functools
import importlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import zmq

import burdenshare
from burdenshare.reports.engine import compat
from tests import FIXTURE_NOTEBOOKS

SRC = Path(burdenshare.__file__).parent
ADAPTER = SRC / "reports" / "engine" / "compat.py"

#: Names that start with "_" but are documented public API of the standard library (not ours,
#: and not private): the exact expressions allowed, each with where it is documented.
DOCUMENTED_PUBLIC = {
    "os._exit": "https://docs.python.org/3/library/os.html#os._exit (a forked child's exit)",
}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _modules() -> list[tuple[Path, ast.Module]]:
    return _parsed(SRC)


@functools.cache
def _parsed(folder: Path) -> list[tuple[Path, ast.Module]]:
    """Each module of the package, parsed once."""
    return [
        (path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for path in sorted(folder.rglob("*.py"))
    ]


def _our_names() -> set[str]:
    """Every "_name" the package itself defines: modules, functions, classes, and names or
    attributes it assigns. A "._name" outside this set belongs to another package."""
    ours = set()
    for path, tree in _modules():
        ours.add(path.stem)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                ours.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                ours.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                ours.add(node.attr)
    return {name for name in ours if _private(name)}


def _foreign_imports(node: ast.AST) -> list[str]:
    """``import x._y`` / ``from x._y import z`` / ``from x import _y`` of another package."""
    if isinstance(node, ast.Import):
        modules = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    else:
        return []
    return [
        f"import {m}"
        for m in modules
        if m.split(".")[0] != "burdenshare" and any(map(_private, m.split(".")))
    ]


def _foreign_attributes(node: ast.AST, ours: set[str]) -> list[str]:
    """``x._y`` or ``getattr(x, "_y")`` where the package defines no ``_y``."""
    if isinstance(node, ast.Attribute) and _private(node.attr) and node.attr not in ours:
        text = ast.unparse(node)
        return [] if text in DOCUMENTED_PUBLIC else [text]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
        and _private(node.args[1].value)
        and node.args[1].value not in ours
    ):
        return [ast.unparse(node)]
    return []


def _defined_in_class(node: ast.ClassDef) -> set[str]:
    """Private names a class body defines, or its methods assign on ``self``."""
    names = set()
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(item.name)
        elif isinstance(item, (ast.Assign, ast.AnnAssign)):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    for sub in ast.walk(node):
        if (
            isinstance(sub, ast.Attribute)
            and isinstance(sub.ctx, ast.Store)
            and isinstance(sub.value, ast.Name)
            and sub.value.id == "self"
        ):
            names.add(sub.attr)
    return {name for name in names if _private(name)}


def _private_overrides(path: Path, tree: ast.Module) -> list[str]:
    """Private names our module-level classes define that a base class of another package
    defines too (overriding its private methods or setting its private state)."""
    candidates = {
        node.name: _defined_in_class(node)
        for node in tree.body
        if isinstance(node, ast.ClassDef) and node.bases
    }
    if not any(candidates.values()):
        return []
    module = importlib.import_module(".".join(path.relative_to(SRC.parent).with_suffix("").parts))
    found = []
    for name, names in candidates.items():
        cls = getattr(module, name)
        foreign = [c for c in cls.__mro__[1:] if not c.__module__.startswith("burdenshare")]
        found += [
            f"{name}.{attr} (private in {base.__module__}.{base.__qualname__})"
            for attr in sorted(names)
            for base in foreign
            if attr in vars(base)
        ]
    return found


def private_uses() -> dict[str, list[str]]:
    """Uses of another package's private names outside the adapter, by file."""
    ours = _our_names()
    found: dict[str, list[str]] = {}
    for path, tree in _modules():
        if path == ADAPTER:
            continue
        uses = []
        for node in ast.walk(tree):
            uses += _foreign_imports(node) + _foreign_attributes(node, ours)
        uses += _private_overrides(path, tree)
        if uses:
            found[str(path.relative_to(SRC))] = uses
    return found


@pytest.mark.sweeps
def test_no_private_attribute_of_another_package_outside_the_adapter():
    assert private_uses() == {}


def test_the_scan_finds_each_kind_of_private_use(tmp_path, monkeypatch):
    """The scan is not blind: a module with one use of each kind is reported in full."""
    package = tmp_path / "scan_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "probe.py").write_text(
        textwrap.dedent(
            """
            import atexit
            from pandas._config import config
            from jupyter_client.asynchronous import AsyncKernelClient

            def end():
                atexit._run_exitfuncs()
                return getattr(config, "_registered_options")

            class Client(AsyncKernelClient):
                def _context_default(self):
                    self._created_context = True
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys.modules[__name__], "SRC", package)
    monkeypatch.setattr(sys.modules[__name__], "ADAPTER", package / "compat.py")
    (uses,) = private_uses().values()
    assert set(uses) == {
        "import pandas._config",
        "import pandas._config.config",
        "atexit._run_exitfuncs",
        "getattr(config, '_registered_options')",
        "Client._context_default (private in jupyter_client.asynchronous.client.AsyncKernelClient)",
        "Client._context_default (private in jupyter_client.client.KernelClient)",
        "Client._created_context (private in jupyter_client.client.KernelClient)",
    }


# What the adapter relies on, pinned: each test fails if an upgrade changes the behaviour.


def test_problems_is_empty_with_the_installed_packages():
    assert compat.problems() == []
    assert compat.fallback_reason() == ""


def test_problems_names_a_missing_atexit_runner(monkeypatch):
    monkeypatch.delattr(atexit, "_run_exitfuncs")
    (problem,) = compat.problems()
    assert "atexit._run_exitfuncs" in problem
    assert compat.fallback_reason() == f"kernels started the ordinary way: {problem}"


def test_problems_names_a_pandas_whose_option_registry_moved(tmp_path, monkeypatch):
    fake = tmp_path / "pandas"
    (fake / "_config").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "_config" / "config.py").write_text("_global_config = {}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "pandas")  # find_spec looks at sys.modules first
    compat._pandas_config_problem.cache_clear()
    try:
        (problem,) = compat.problems()
    finally:
        compat._pandas_config_problem.cache_clear()
    assert "pandas._config.config._registered_options" in problem


def test_the_registry_shape_problems_checks_is_the_one_pandas_has():
    from pandas._config import config

    registered = config._registered_options["display.max_columns"]
    assert registered.key == "display.max_columns"
    assert registered._replace(defval=7).defval == 7


def test_set_pandas_option_default_changes_what_reset_option_restores(capsys):
    key = "display.max_columns"
    before = pd.get_option(key)
    pd.reset_option(key)
    imported_default = pd.get_option(key)
    try:
        compat.set_pandas_option_default(pd, key, 17)
        assert pd.get_option(key) == 17
        pd.set_option(key, 3)
        pd.reset_option(key)
        assert pd.get_option(key) == 17  # the new default, as a kernel's import would set it
        capsys.readouterr()
        pd.describe_option(key)
        assert "[default: 17]" in capsys.readouterr().out
    finally:
        compat.set_pandas_option_default(pd, key, imported_default)
        pd.set_option(key, before)
    pd.reset_option(key)
    assert pd.get_option(key) == imported_default


@pytest.mark.processes
def test_pandas_fixes_the_default_of_max_columns_when_imported_outside_a_kernel():
    """Why the adapter exists: outside a kernel pandas registers 0 (fit the terminal)."""
    code = "import pandas as pd; pd.reset_option('display.max_columns');"
    code += " print(pd.get_option('display.max_columns'))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "0"


def test_run_exit_handlers_runs_them_last_first_and_once():
    code = textwrap.dedent(
        """
        import atexit, os, sys
        from burdenshare.reports.engine import compat
        atexit.register(print, "first registered")
        atexit.register(print, "last registered")
        compat.run_exit_handlers()
        compat.run_exit_handlers()  # cleared: nothing runs twice
        print("before exit", flush=True)
        sys.stdout.flush()
        os._exit(0)  # a forked kernel's exit: no handler runs again
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.splitlines() == ["last registered", "first registered", "before exit"]


# The public APIs the engine uses instead, pinned.


def test_report_kernels_use_ipc_sockets_and_the_ready_client_by_public_trait_defaults():
    from burdenshare.reports.engine.kernels import ForkKernelManager, ReadyClient

    manager = ForkKernelManager()
    assert manager.transport == "ipc"
    assert Path(manager.ip).parent.name.startswith("bs-ipc-")
    assert manager.client_factory is ReadyClient


def test_the_ready_client_reconnects_fast_and_closes_the_context_it_made():
    from burdenshare.reports.engine.kernels import RECONNECT_MS, ReadyClient

    client = ReadyClient()
    context = client.context
    assert context.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_MS
    client.stop_channels()
    assert context.closed

    given = zmq.asyncio.Context()
    try:
        ReadyClient(context=given).stop_channels()
        assert not given.closed  # a context passed in belongs to the caller
    finally:
        given.destroy()


def test_the_provisioner_starts_ordinary_kernels_when_problems_are_found(monkeypatch):
    from burdenshare.reports.engine.kernels import ForkProvisioner

    monkeypatch.setattr(compat, "problems", lambda: ["pandas 9 moved its options"])
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]
    assert ForkProvisioner()._fork_plan(cmd) == (
        None,
        None,
        "kernels started the ordinary way: pandas 9 moved its options",
    )


@pytest.mark.notebooks
def test_the_runner_falls_back_to_ordinary_kernels_and_says_why(tmp_path, monkeypatch):
    from burdenshare.reports.engine.warm import WarmProcess
    from burdenshare.reports.runner import run_report

    monkeypatch.setattr(compat, "problems", lambda: ["pandas 9 moved its options"])
    launched = []
    monkeypatch.setattr(WarmProcess, "launch", lambda self: launched.append(self) or self)
    summary = run_report(
        "ok_report", None, {"country": ["POL", "DEU"]}, tmp_path / "out",
        notebooks_dir=FIXTURE_NOTEBOOKS, progress=False, use_cache=False, jobs=2,
    )  # fmt: skip
    assert summary.ok, summary.text()
    assert launched == []  # no warm process
    reason = "kernels started the ordinary way: pandas 9 moved its options"
    assert [(o.engine, o.engine_reason) for o in summary.outcomes] == [("ordinary", reason)] * 2
    assert f"ordinary kernels (2): {reason}" in summary.text()
    assert (tmp_path / "out" / "index.html").is_file()
