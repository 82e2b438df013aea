"""The committed notebook outputs are reproducible: nbval re-executes every notebook and compares
its outputs with the committed ones (PNG images are not compared by nbval without nbdime; the
data behind each figure is tested in test_analyses_*.py). Part of the default ``pytest`` run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import REPO


@pytest.mark.notebooks
def test_notebooks_pass_nbval(tmp_path: Path):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO / "src"), env.get("PYTHONPATH", "")) if p
    )
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "nbval",  # the project's pytest settings leave the plugin out (pyproject.toml)
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(REPO / "notebooks" / "nbval_sanitize.cfg"),
        "-p",
        "no:cacheprovider",
        "-q",
        "--rootdir",
        str(REPO / "notebooks"),
        str(REPO / "notebooks"),
    ]
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
