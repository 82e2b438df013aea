"""The package's layers run one way (data -> loaders -> metrics -> plots -> analyses -> reports)
and no module imports itself back through another. A module named in a string (the warm process's
preload list, code sent to a kernel, an entry point) counts as imported by the module naming it."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import burdenshare

PACKAGE = Path(burdenshare.__file__).resolve().parent

#: Layer of each part of the package (a module may import its own layer or lower ones). Parts on
#: the same layer listed in SIBLINGS must not import each other.
LAYERS: dict[str, int] = {
    "_version": 0,
    "errors": 0,
    "paths": 0,
    "datasets": 0,
    "manifest": 0,
    "countries": 0,
    "currencies": 0,
    "params": 0,
    "validation": 0,
    "schemas": 0,
    "editions": 0,
    "tables": 0,
    "targets": 0,
    "fx": 0,
    "loaders": 1,
    "metrics": 1,
    "importers": 1,
    "plots": 2,
    "revisions": 2,
    "analyses": 3,
    "reports": 4,
    "cli": 5,
    "__init__": 6,
    "__main__": 6,
}
SIBLINGS = {"loaders", "metrics", "importers"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


#: A string that is a module of the package, optionally with ":function" (preload lists, entry
#: points), or code that imports one (sent to a kernel).
NAMED = re.compile(r"^burdenshare((?:\.[A-Za-z_]\w*)+)(?::([A-Za-z_]\w*))?$")
IMPORTED = re.compile(
    r"(?:__import__\(|import_module\(|from )['\"]?burdenshare((?:\.[A-Za-z_]\w*)+)()"
)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            found.add(id(first.value))
    return found


def _named_in_strings(path: Path) -> set[tuple[str, str]]:
    """``(module, function)`` for each package module a string in ``path`` names (docstrings and
    comments aside): what the module imports or has another process import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = _docstrings(tree)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            for dotted, function in NAMED.findall(node.value) + IMPORTED.findall(node.value):
                found.add((dotted.removeprefix("."), function))
    return found


def _part(module: str) -> str:
    return module.split(".")[0]


def _imports(module: str, path: Path, top_level_only: bool) -> set[str]:
    """Package-internal modules imported by ``module`` (as dotted names below the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if module == "__init__":
        package = []
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif (node.module or "").startswith("burdenshare"):
                target = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:
                found.add(".".join([*target, alias.name]))
                found.add(".".join(target))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("burdenshare."):
                    found.add(alias.name.removeprefix("burdenshare."))
    if not top_level_only:
        for named, _ in _named_in_strings(path):  # "a.b.f" names a.b (and a.b.f if a module)
            parts = named.split(".")
            found |= {".".join(parts[:end]) for end in range(1, len(parts) + 1)}
    modules = _modules()
    return {name for name in found if name in modules and name and name != module}


def test_every_part_has_a_layer():
    assert {_part(m) for m in _modules()} <= set(LAYERS)


@pytest.mark.parametrize("module", sorted(_modules()))
def test_imports_point_down(module: str):
    mine = _part(module)
    for imported in _imports(module, _modules()[module], top_level_only=False):
        theirs = _part(imported)
        if theirs == mine:
            continue
        assert LAYERS[theirs] <= LAYERS[mine], f"{module} imports {imported} (a higher layer)"
        assert not (mine in SIBLINGS and theirs in SIBLINGS), f"{module} imports {imported}"


def test_no_metric_imports_a_loader():
    for module, path in _modules().items():
        if _part(module) == "metrics":
            assert not any(
                _part(m) == "loaders" for m in _imports(module, path, top_level_only=False)
            )


def test_no_import_cycles():
    modules = _modules()
    graph = {m: _imports(m, p, top_level_only=True) for m, p in modules.items()}

    def is_package_of(a: str, b: str) -> bool:  # a package importing its own submodules
        return b.startswith(a + ".") or a == "__init__"

    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if is_package_of(node, nxt):
                continue
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, cycles


def test_modules_named_in_strings_exist():
    """A preload entry or kernel code naming a module or function that moved fails here, not
    silently at run time (the warm process skips a failed preload)."""
    named = {(m, f, path.name) for path in _modules().values() for m, f in _named_in_strings(path)}
    assert any(m == "tables" for m, _, _ in named)  # the warm process's preload list is read
    for dotted, function, where in sorted(named):
        target: object = importlib.import_module("burdenshare")
        for attribute in dotted.split("."):  # a module, or a function of one ("analyses.show")
            if not hasattr(target, attribute):
                importlib.import_module(f"{target.__name__}.{attribute}")
            target = getattr(target, attribute)
        assert not function or callable(getattr(target, function, None)), (where, dotted)


#: Calls that start, signal or serialise processes: only the report engine does that.
PROCESS_CALLS = {
    ("os", "fork"),
    ("os", "forkpty"),
    ("os", "kill"),
    ("os", "killpg"),
    ("signal", "pidfd_send_signal"),
    ("signal", "SIGKILL"),
}
PROCESS_MODULES = {"pickle", "cloudpickle", "multiprocessing"}
ENGINE = ("reports", "engine")


def _process_work(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in PROCESS_CALLS:
                found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {a.name}"
                for a in node.names
                if a.name.split(".")[0] in PROCESS_MODULES
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            top = node.module.split(".")[0]
            names = {a.name for a in node.names}
            if top in PROCESS_MODULES or any((top, name) in PROCESS_CALLS for name in names):
                found.append(f"line {node.lineno}: from {node.module} import ...")
    return found


@pytest.mark.parametrize("module", sorted(_modules()))
def test_only_the_engine_forks_pickles_or_kills(module: str):
    path = _modules()[module]
    if path.relative_to(PACKAGE).parts[:2] == ENGINE:
        return
    assert _process_work(path) == [], f"{module} forks, pickles or kills: leave that to the engine"


def test_the_process_check_sees_what_it_forbids(tmp_path: Path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os, pickle, signal\nfrom os import kill\nos.fork()\nos.killpg(1, signal.SIGKILL)\n"
    )
    assert len(_process_work(sample)) == 5
