"""pyproject.toml, environment.yml, the constraints file, README and CI stay in step."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests import REPO


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_lists_every_dependency():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    wanted = {_name(d) for d in pyproject["project"]["dependencies"]}
    for extra in pyproject["project"]["optional-dependencies"].values():
        wanted |= {_name(d) for d in extra}
    assert wanted - conda == set()
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_part


def test_constraints_pin_every_dependency():
    pins = {}
    for line in (REPO / "requirements" / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[name.lower().replace("_", "-")] = version
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    needed = [_name(d) for d in pyproject["project"]["dependencies"]]
    needed += [_name(d) for d in pyproject["project"]["optional-dependencies"]["test"]]
    assert [n for n in needed if n not in pins] == []


def _readme_command(label: str) -> str:
    readme = (REPO / "README.md").read_text()
    match = re.search(rf"<!-- {label} -->\s*```(?:bash|sh)?\n(.+?)\n```", readme, re.S)
    assert match, f"README has no {label} block"
    return match.group(1).strip()


def test_ci_runs_exactly_the_readme_test_command():
    command = _readme_command("test-command")
    assert command in (REPO / ".ci" / "run").read_text()


def test_readme_main_job_uses_the_console_script():
    assert "burdenshare" in _readme_command("main-job")


def test_ruff_is_clean():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
