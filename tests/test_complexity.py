"""The report machinery stays readable: no function of ``reports/`` that radon grades D or worse,
and fewer than ten graded C (the targets of issue 23; radon's grades: A-B up to 10 paths through a
function, C 11-20, D 21-30)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from radon.complexity import cc_rank, cc_visit

import burdenshare

REPORTS = Path(burdenshare.__file__).resolve().parent / "reports"
MAX_C = 9


def _graded(code: str, where: str) -> Iterator[tuple[str, str, int]]:
    """``(name, grade, complexity)`` of each function and method, as ``radon cc -s`` lists them."""
    for block in cc_visit(code):
        for function in getattr(block, "methods", None) or [block]:
            name = f"{where}:{function.fullname}"
            yield name, cc_rank(function.complexity), function.complexity


def _report_functions() -> list[tuple[str, str, int]]:
    return [
        graded
        for path in sorted(REPORTS.rglob("*.py"))
        for graded in _graded(path.read_text(encoding="utf-8"), str(path.relative_to(REPORTS)))
    ]


def test_no_report_function_is_graded_d_or_worse():
    worse = [f for f in _report_functions() if f[1] in "DEF"]
    assert worse == [], "split these into named steps"


def test_fewer_than_ten_report_functions_are_graded_c():
    graded_c = [f for f in _report_functions() if f[1] == "C"]
    assert len(graded_c) <= MAX_C, graded_c


def test_the_grading_sees_branches_in_functions_and_methods():
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(22))
    code = f"def f(x):\n{branches}\n\nclass K:\n    def m(self, x):\n{branches.replace('    ', '        ')}\n"
    grades = {name: grade for name, grade, _ in _graded(code, "sample")}
    assert grades == {"sample:f": "D", "sample:K.m": "D"}
