"""The package's layers run one way (data -> loaders -> metrics -> plots -> analyses -> reports)
and no module imports itself back through another."""

from __future__ import annotations

import ast
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
