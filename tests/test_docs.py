"""docs/ARCHITECTURE.md describes the report machinery that exists: every module, class and
function it names is there, every sub-package of ``reports/`` is described, and every citation
of one of its sections in the code names a section it has."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import burdenshare

ROOT = Path(__file__).resolve().parents[1]
NOTE = ROOT / "docs" / "ARCHITECTURE.md"
REPORTS = Path(burdenshare.__file__).resolve().parent / "reports"
#: A module of reports/ named as a path, optionally followed by ``.Name`` (a class or function).
NAMED = re.compile(r"`((?:[a-z_]+/)*[a-z_]+\.py|(?:[a-z_]+/)+[a-z_]+)(?:\.([A-Za-z_]\w*))?`")
CITED = re.compile(r'docs/ARCHITECTURE\.md,\s*(?:#\s*)?"([^"]+)"')


def _named() -> list[tuple[str, str]]:
    return NAMED.findall(NOTE.read_text(encoding="utf-8"))


def test_the_note_names_modules_of_the_report_machinery():
    assert len(_named()) >= 15


@pytest.mark.parametrize("path, attribute", sorted(set(_named())))
def test_every_module_the_note_names_exists(path: str, attribute: str):
    if (ROOT / path).is_file():  # a file of the project (tests/..., benchmarks/...)
        assert not attribute
        return
    file = REPORTS / (path if path.endswith(".py") else f"{path}.py")  # "engine/warm"
    assert file.is_file(), f"the note names {path}, which is gone"
    if attribute:
        module = importlib.import_module(
            "burdenshare.reports." + path.removesuffix(".py").replace("/", ".")
        )
        assert hasattr(module, attribute), f"the note names {path}.{attribute}"


def test_every_sub_package_is_described():
    text = NOTE.read_text(encoding="utf-8")
    for package in sorted(p.parent.name for p in REPORTS.glob("*/__init__.py")):
        assert f"`{package}/`" in text, f"reports/{package}/ is not in the note"


def test_citations_of_the_note_name_its_sections():
    sections = set(re.findall(r"^#+ (.+)$", NOTE.read_text(encoding="utf-8"), re.M))
    cited = {
        (path.name, section)
        for path in [*ROOT.joinpath("src").rglob("*.py"), *ROOT.joinpath("tests").glob("*.py")]
        for section in CITED.findall(" ".join(path.read_text(encoding="utf-8").split()))
    }
    assert cited, "no file cites the note"
    assert {c for c in cited if c[1] not in sections} == set()
