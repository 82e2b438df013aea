"""Every shell command in README's code blocks runs verbatim in a fresh copy of the repository.

Left out, each with its reason:

- the two set-up commands (marked ``<!-- main-job -->`` and ``<!-- test-command -->``): CI runs
  them itself (.ci/run), and they create a virtual environment of their own;
- commands that need a server (a Dask scheduler or workers) or a file the user downloads from the
  publisher (NATO's or SIPRI's workbook): see :data:`LEFT_OUT`.

The copy holds the files git tracks (and untracked ones it does not ignore) as they are in the
working tree; commands run there with this test's Python environment on the PATH and the copy's
``src`` first on PYTHONPATH, so that they use the copy's package, notebooks and data. The user data
folder is the test's own (tests/conftest.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests import REPO

README = REPO / "README.md"
SHELLS = ("bash", "sh", "shell", "console")
MARKERS = ("<!-- main-job -->", "<!-- test-command -->")
#: Commands left out (a text they contain -> why).
LEFT_OUT: dict[str, str] = {
    "dask scheduler": "starts a Dask scheduler (a server)",
    "dask worker": "starts Dask workers that need a running scheduler",
    "--scheduler tcp://": "needs a running Dask cluster",
    "burdenshare data import": "needs a workbook the user downloads from NATO or SIPRI",
}
FENCE = re.compile(r"^```(\w*)\s*$")


def shell_blocks(text: str) -> list[list[str]]:
    """The lines of each shell code block, except those right after a set-up marker."""
    blocks, lines, current, marked = [], text.splitlines(), None, False
    for i, line in enumerate(lines):
        fence = FENCE.match(line.strip())
        if current is None and fence:
            previous = next((p.strip() for p in reversed(lines[:i]) if p.strip()), "")
            marked = previous in MARKERS
            current = [] if fence.group(1) in SHELLS else None
            if current is None:
                current = "skip"
        elif current is not None and line.strip() == "```":
            if isinstance(current, list) and not marked:
                blocks.append(current)
            current = None
        elif isinstance(current, list):
            current.append(line)
    return blocks


def commands(block: list[str]) -> list[str]:
    """Commands of a block: continuation lines joined, heredocs kept with their command."""
    found, i = [], 0
    while i < len(block):
        line = block[i]
        i += 1
        if not line.strip() or line.strip().startswith("#"):
            continue
        while line.rstrip().endswith("\\") and i < len(block):
            line = line.rstrip()[:-1] + " " + block[i].strip()
            i += 1
        heredoc = re.search(r"<<-?\s*'?(\w+)'?", line)
        if heredoc:
            end = heredoc.group(1)
            body = []
            while i < len(block) and block[i].strip() != end:
                body.append(block[i])
                i += 1
            line = "\n".join([line, *body, end])
            i += 1
        found.append(line)
    return found


def readme_commands() -> list[str]:
    return [
        c for block in shell_blocks(README.read_text(encoding="utf-8")) for c in commands(block)
    ]


def _left_out(command: str) -> str | None:
    return next((why for text, why in LEFT_OUT.items() if text in command), None)


def _copy_repository(target: Path) -> None:
    """The working tree's files that git tracks or would track, else every file but caches."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    if listed.returncode != 0:
        ignore = shutil.ignore_patterns(".venv", ".git", "reports", "out", "__pycache__")
        shutil.copytree(REPO, target, ignore=ignore)
        return
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def test_readme_commands_are_found_and_the_left_out_ones_say_why():
    found = readme_commands()
    assert any(c.startswith("mkdir -p out") for c in found)
    assert any("papermill notebooks/ukraine_support_flows.ipynb" in c for c in found)
    assert any("cat > params.yaml" in c and c.endswith("EOF") for c in found)
    assert not any(".venv/bin/pip install" in c for c in found)  # the set-up commands
    assert {why for c in found if (why := _left_out(c))} == set(LEFT_OUT.values())


@pytest.mark.processes
@pytest.mark.notebooks
def test_every_readme_command_runs_in_a_fresh_copy(tmp_path: Path):
    clone = tmp_path / "clone"
    clone.mkdir()
    _copy_repository(clone)
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(clone / "src"), env.get("PYTHONPATH")) if p)
    failures = []
    for command in readme_commands():
        if _left_out(command):
            continue
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        if done.returncode != 0:
            failures.append(f"$ {command}\n{done.stdout[-1500:]}{done.stderr[-1500:]}")
    assert not failures, "\n\n".join(failures)


def test_citation_and_changelog_name_this_version():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert citation["cff-version"] == "1.2.0" and citation["type"] == "software"
    assert citation["version"] == project["version"]
    assert citation["license"] == project["license"]
    assert citation["title"].startswith(project["name"])
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{project['version']}]" in changelog and "## [Unreleased]" in changelog
