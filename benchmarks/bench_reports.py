"""Default report set: sequential `papermill` CLI vs `burdenshare report`, in one run.

    python benchmarks/bench_reports.py                    # the package's notebooks/
    python benchmarks/bench_reports.py --fixtures         # tests/fixtures/notebooks (ok_report only)
    python benchmarks/bench_reports.py --notebooks-dir D --for-each country=POL,DEU

Prints both wall times, checks the executed notebooks agree cell by cell (outputs and execution
counts; papermill's timing metadata ignored), and prints the ratio and its floor: the time a
perfect runner would still need (one warm start-up, measured, plus the cells' own execution time
spread over the cores).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "notebooks"


def _cells(path: Path) -> list:
    nb = json.loads(path.read_text())
    return [
        (c["cell_type"], c["source"], c.get("execution_count"), c.get("outputs"))
        for c in nb["cells"]
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks-dir", type=Path, default=None)
    parser.add_argument("--fixtures", action="store_true", help="use the test fixture ok_report")
    parser.add_argument("--for-each", action="append", default=[])
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    env.pop("MPLBACKEND", None)
    sys.path.insert(0, str(REPO / "src"))
    from burdenshare.reports.planning import discover, parse_for_each, plan

    folder = FIXTURES if args.fixtures else args.notebooks_dir
    names = ["ok_report"] if args.fixtures else None
    grids = args.for_each or (["country=allies"] if args.fixtures else [])
    specs = plan(discover(folder), names, None, parse_for_each(grids))
    print(f"{len(specs)} reports from {folder or 'notebooks/'} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        cli_dir, ours = Path(tmp, "cli"), Path(tmp, "ours")
        cli_dir.mkdir()
        start = time.perf_counter()
        for spec in specs:
            cmd = [
                sys.executable,
                "-m",
                "papermill",
                spec.path,
                str(cli_dir / f"{spec.stem}.ipynb"),
                "-k",
                "python3",
                "--cwd",
                str(Path(spec.path).parent),
                "--no-progress-bar",
            ]
            for key, value in spec.parameters.items():
                cmd += ["-y", json.dumps({key: value})]
            subprocess.run(cmd, check=True, env=env, capture_output=True)
        t_cli = time.perf_counter() - start
        cmd = [sys.executable, "-m", "burdenshare", "report", "--out", str(ours)]
        if folder:
            cmd += ["--notebooks-dir", str(folder)]
        if names:
            cmd += ["--notebook", *names]
        for grid in grids:
            cmd += ["--for-each", grid]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        start = time.perf_counter()
        subprocess.run(cmd, check=True, env={**env, "CI": "true"}, capture_output=True)
        t_ours = time.perf_counter() - start
        manifest = json.loads((ours / "manifest.json").read_text())
        differ = [
            s.stem
            for s in specs
            if _cells(cli_dir / f"{s.stem}.ipynb") != _cells(ours / f"{s.stem}.ipynb")
        ]
        cells = sum(
            float(c["metadata"].get("papermill", {}).get("duration") or 0)
            for s in specs
            for c in json.loads((ours / f"{s.stem}.ipynb").read_text())["cells"]
        )
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import burdenshare.reports.forking as f; f.ForkServer().start().close()",
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        warm = time.perf_counter() - start
    floor = warm + cells / (os.cpu_count() or 1)
    print(f"papermill CLI, sequential : {t_cli:7.2f} s  ({t_cli / len(specs):.2f} s per report)")
    print(f"burdenshare report        : {t_ours:7.2f} s  ({manifest['failed']} failed)")
    print(f"outputs agree             : {'yes' if not differ else 'NO: ' + ', '.join(differ)}")
    print(f"ratio                     : {t_cli / t_ours:7.1f}x  (target >= 5x)")
    print(
        f"floor                     : {floor:7.2f} s = warm start-up {warm:.2f} s + cells {cells:.2f} s / cores"
        f"  -> best possible ratio {t_cli / floor:.1f}x"
    )
    return 0 if not differ and not manifest["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
