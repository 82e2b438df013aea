"""The analyses read like recipes: short functions, one module per notebook with the same name,
the shared parameter checks from burdenshare.params, no hard-coded release labels."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from burdenshare import analyses
from burdenshare.analyses import ANALYSES
from tests import NOTEBOOKS

FOLDER = Path(analyses.__file__).parent
MODULES = sorted(FOLDER.glob("*.py"))
#: Longest function (lines from ``def`` to its last line, docstring included).
MAX_LINES = 60


def _functions(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_no_function_is_longer_than_sixty_lines(path: Path):
    long = {f.name: f.end_lineno - f.lineno + 1 for f in _functions(path)}
    long = {name: lines for name, lines in long.items() if lines > MAX_LINES}
    assert not long, f"{path.name}: functions longer than {MAX_LINES} lines: {long}"


def test_notebooks_and_analyses_pair_by_name():
    assert sorted(ANALYSES) == sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
    for name, module in ANALYSES.items():
        assert module.__name__ == f"burdenshare.analyses.{name}"
        assert f"notebooks/{name}.ipynb" in (module.__doc__ or ""), name
        assert callable(module.validate) and callable(module.run)


@pytest.mark.parametrize("name", sorted(ANALYSES))
def test_run_takes_the_notebook_parameters_as_keywords(name: str):
    module = ANALYSES[name]
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    run = next(f for f in _functions_of(tree) if f.name == "run")
    assert run.args.vararg is None and run.args.kwarg is None, f"{name}.run takes **params"
    names = [a.arg for a in run.args.args + run.args.kwonlyargs]
    assert names == list(module.DEFAULTS), f"{name}.run parameters differ from DEFAULTS"


def _functions_of(tree: ast.Module) -> list[ast.FunctionDef]:
    return [n for n in tree.body if isinstance(n, ast.FunctionDef)]


def test_parameter_checks_come_from_params_and_releases_from_the_data():
    for path in MODULES:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"""["']R\d\d(v\d)?["']\)""", text), f"{path.name}: a release label"
        assert "def check_" not in text, f"{path.name} defines its own parameter check"
        assert not re.search(r"""["'](nato_spending|sipri_milex|kiel_\w+)["']""", text), (
            f"{path.name}: a dataset id written out (use burdenshare.datasets)"
        )
