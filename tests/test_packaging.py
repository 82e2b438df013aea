"""pyproject.toml, environment.yml, the constraints file, README and CI stay in step."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib

import pytest
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


@pytest.mark.processes
def test_the_package_gives_its_names_on_first_use_and_starts_without_pandas():
    """``import burdenshare`` and the report command's modules import no pandas (the warm
    process starts first); every public name still resolves, as before."""
    code = (
        "import json, sys\n"
        "import burdenshare as bs\n"
        "import burdenshare.cli, burdenshare.reports.runner\n"
        "from burdenshare import datasets, errors\n"
        "before = sorted(m for m in ('pandas', 'numpy', 'pandera') if m in sys.modules)\n"
        "names = {n: callable(getattr(bs, n)) or isinstance(getattr(bs, n), str)"
        " for n in bs.__all__}\n"
        "star = {}\n"
        "exec('from burdenshare import *', star)\n"
        "print(json.dumps({'before': before, 'names': names, 'star': sorted(set(star) - {'__builtins__'}),"
        " 'dir': sorted(set(bs.__all__) - set(dir(bs)))}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["before"] == []
    assert all(found["names"].values()) and len(found["names"]) > 50
    import burdenshare
    from burdenshare import loaders, metrics

    expected = {*loaders.__all__, *metrics.__all__, "compare_releases", "run_report"}
    assert expected <= set(found["names"]) == set(found["star"])
    assert found["dir"] == []
    assert burdenshare.load_spending is loaders.load_spending
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        burdenshare.no_such_name  # noqa: B018
