"""Default report set: the papermill CLI (sequential, and two at a time) against `burdenshare
report` cold and warm, side by side in one run.

    python benchmarks/bench_reports.py                    # the package's notebooks/
    python benchmarks/bench_reports.py --fixtures         # tests/fixtures/notebooks (ok_report)
    python benchmarks/bench_reports.py --notebooks-dir D --for-each country=POL,DEU
    python benchmarks/bench_reports.py --skip-papermill   # only ours: cold, warm, breakdown

The machine's speed drifts over minutes (a shared VM), so our cold run is repeated and
interleaved with the baselines: the sequential papermill run is timed in ``--parts`` consecutive
parts (3 by default, summed), and a cold run of ours goes before each part, before the run two
at a time and after it (five by default). Each cold run starts from an empty cache and output
folder; their median is compared. The warm run (nothing changed) is the median of three. Each
line also gives the CPU seconds the whole machine spent meanwhile, and their ratio is printed:
a cold run keeps every core busy, so against papermill two at a time (which does too) the
wall-time ratio cannot go far above the CPU ratio.

Prints each wall time and ratio against the targets (cold >= 10x sequential CLI and >= 5x two
at a time; warm, with nothing changed, >= 100x sequential CLI), checks that the executed
notebooks agree cell by cell (outputs and execution counts; timing metadata ignored) and that
the warm run published the cold run's bytes, and prints where the cold run's time went per
report (kernel launch, kernel ready, cells, figure rendering inside the cells: layout, drawing
and PNG, HTML export, cache store, writing), with the CPU the kernels used, the floor a perfect
runner would still need, and the machine's load (the numbers are only as quiet as the machine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "notebooks"
TARGETS = {
    "cold / sequential CLI": 10.0,
    "cold / CLI two at a time": 5.0,
    "warm / sequential CLI": 100.0,
}
STEPS = ("kernel_launch", "kernel_ready", "cells", "figures", "html", "cache_store", "write")


def _cells(path: Path) -> list:
    nb = json.loads(path.read_text())
    return [
        (c["cell_type"], c["source"], c.get("execution_count"), c.get("outputs"))
        for c in nb["cells"]
    ]


def _papermill(spec, out: Path, env: dict[str, str]) -> None:
    cmd = [
        sys.executable, "-m", "papermill", spec.path, str(out / f"{spec.stem}.ipynb"),
        "-k", "python3", "--cwd", str(Path(spec.path).parent), "--no-progress-bar",
    ]  # fmt: skip
    for key, value in spec.parameters.items():
        cmd += ["-y", json.dumps({key: value})]
    subprocess.run(cmd, check=True, env=env, capture_output=True)


def _papermill_all(specs: Sequence, out: Path, env: dict[str, str], at_once: int) -> float:
    """Wall time of the papermill CLI over ``specs``, ``at_once`` processes at a time (what
    ``xargs -P`` does)."""
    out.mkdir(exist_ok=True)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        list(pool.map(lambda spec: _papermill(spec, out, env), specs))
    return time.perf_counter() - start


def _split(items: Sequence, parts: int) -> list[Sequence]:
    """``items`` in ``parts`` consecutive runs of nearly equal length (none empty)."""
    parts = max(1, min(parts, len(items)))
    size, extra = divmod(len(items), parts)
    bounds = [i * size + min(i, extra) for i in range(parts + 1)]
    return [items[bounds[i] : bounds[i + 1]] for i in range(parts)]


def _ours(cmd: list[str], env: dict[str, str]) -> float:
    """Wall time of one `burdenshare report` command."""
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"burdenshare report failed:\n{done.stderr}")
    return seconds


def _breakdown(manifest: dict, wall: float) -> list[str]:
    reports = manifest["reports"]
    totals = {step: sum(r["timings"].get(step, 0.0) for r in reports) for step in STEPS}
    kernel_cpu = sum(r["timings"].get("kernel_cpu", 0.0) for r in reports)
    lines = [
        f"where the cold run's time went ({len(reports)} reports; seconds summed over reports,"
        " run concurrently):",
        f"  {'step':<14}{'total s':>9}{'mean s':>9}{'max s':>9}",
    ]
    for step in STEPS:
        values = [r["timings"].get(step, 0.0) for r in reports]
        note = "  (inside cells)" if step == "figures" else ""
        lines.append(
            f"  {step:<14}{totals[step]:9.2f}{statistics.mean(values):9.3f}{max(values):9.3f}{note}"
        )
    overhead = totals["kernel_launch"] + totals["kernel_ready"] + totals["html"]
    lines += [
        f"  report total  {sum(r['duration_s'] for r in reports):9.2f}",
        f"  kernel CPU    {kernel_cpu:9.2f}  (all kernels; cells {totals['cells']:.2f} s of wall)",
        f"  per-report overhead outside the cells: {overhead / len(reports):.3f} s"
        f" (launch + ready + HTML); run wall {wall:.2f} s",
    ]
    lines.append("  per notebook (mean seconds per report):")
    lines.append(f"    {'notebook':<22}{'n':>3}" + "".join(f"{s[:12]:>13}" for s in STEPS))
    for notebook in sorted({r["notebook"] for r in reports}):
        mine = [r for r in reports if r["notebook"] == notebook]
        means = [statistics.mean(r["timings"].get(s, 0.0) for r in mine) for s in STEPS]
        lines.append(f"    {notebook:<22}{len(mine):>3}" + "".join(f"{m:13.3f}" for m in means))
    slowest = sorted(reports, key=lambda r: -r["timings"].get("cells", 0.0))[:5]
    lines.append("  slowest cells: " + ", ".join(
        f"{r['stem']} {r['timings'].get('cells', 0.0):.2f} s"
        f" (figures {r['timings'].get('figures', 0.0):.2f})" for r in slowest
    ))  # fmt: skip
    return lines


def _cpu_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all processes, user and system), from
    /proc/stat; NaN where there is none."""
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return float("nan")
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


class Ours:
    """`burdenshare report` runs, each into a fresh output folder and cache (cold) or into the
    last cold run's (warm)."""

    def __init__(self, tmp: Path, base: list[str], env: dict[str, str]):
        self.tmp, self.base, self.env = tmp, base, env
        self.cold: list[tuple[float, float, Path]] = []  # (wall, machine CPU, output folder)
        self.warm: list[float] = []

    def run_cold(self) -> None:
        n = len(self.cold)
        out, cache = self.tmp / f"ours{n}", self.tmp / f"cache{n}"
        cpu = _cpu_seconds()
        wall = _ours(
            [*self.base, "--out", str(out), "--cache-dir", str(cache), "--profile"], self.env
        )
        self.cold.append((wall, _cpu_seconds() - cpu, out))

    def run_warm(self) -> None:
        out, cache = self.cold[-1][2], self.tmp / f"cache{len(self.cold) - 1}"
        self.warm.append(
            _ours([*self.base, "--out", str(out), "--cache-dir", str(cache)], self.env)
        )

    def median_cold(self) -> tuple[float, float, Path]:
        return sorted(self.cold)[len(self.cold) // 2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks-dir", type=Path, default=None)
    parser.add_argument("--fixtures", action="store_true", help="use the test fixture ok_report")
    parser.add_argument("--for-each", action="append", default=[])
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--skip-papermill", action="store_true", help="only time our runner")
    parser.add_argument(
        "--parts",
        type=int,
        default=3,
        help="parts of the sequential papermill run, each preceded by a cold run of ours",
    )
    args = parser.parse_args()
    if args.parts < 1:
        parser.error("--parts must be at least 1")
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
    cores = os.cpu_count() or 1
    print(
        f"{len(specs)} reports from {folder or 'notebooks/'} on {cores} cores;"
        f" load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    times: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        base = [sys.executable, "-m", "burdenshare", "report"]
        if folder:
            base += ["--notebooks-dir", str(folder)]
        if names:
            base += ["--notebook", *names]
        for grid in grids:
            base += ["--for-each", grid]
        if args.jobs:
            base += ["--jobs", str(args.jobs)]
        ours = Ours(tmp_path, base, {**env, "CI": "true"})
        # The machine's speed drifts over minutes: our cold runs are interleaved with the
        # baselines (before each part of the sequential run, before and after the run two at a
        # time) and their median is compared with them.
        baselines = (
            [] if args.skip_papermill else [("sequential", "cli"), ("two at a time", "cli2")]
        )
        if not baselines:
            for _ in range(args.parts):
                ours.run_cold()
        for label, name in baselines:
            at_once = 1 if label == "sequential" else 2
            parts = _split(specs, args.parts) if at_once == 1 else [specs]
            key = f"papermill CLI, {label}"
            times[key] = cpu[key] = 0.0
            for part in parts:
                ours.run_cold()
                before = _cpu_seconds()
                times[key] += _papermill_all(part, tmp_path / name, env, at_once)
                cpu[key] += _cpu_seconds() - before
        if baselines:
            ours.run_cold()
        wall, cold_cpu, median_out = ours.median_cold()
        times["burdenshare report, cold"], cpu["burdenshare report, cold"] = wall, cold_cpu
        cold = json.loads((median_out / "manifest.json").read_text())
        last_out = ours.cold[-1][2]
        cold_files = {
            p.name: p.read_bytes() for p in last_out.iterdir() if p.suffix in (".ipynb", ".html")
        }
        for _ in range(3):
            ours.run_warm()
        times["burdenshare report, warm"] = statistics.median(ours.warm)
        warm = json.loads((last_out / "manifest.json").read_text())
        differ = []
        for name in [n for _, n in baselines]:
            differ += [
                f"{s.stem} ({name}, cold run {i + 1})"
                for s in specs
                for i, (_, _, out) in enumerate(ours.cold)
                if _cells(tmp_path / name / f"{s.stem}.ipynb") != _cells(out / f"{s.stem}.ipynb")
            ]
        stale = [n for n, data in cold_files.items() if (last_out / n).read_bytes() != data]
        if n := next((n for n in cold_files if n == "index.html"), None):
            stale.remove(n)  # the index says "cached": it differs on purpose
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import burdenshare.reports.engine.kernels as f; f.WarmProcess().start().close()",
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        warm_start = time.perf_counter() - start
    width = max(len(k) for k in times) + 2
    for label, seconds in times.items():
        busy = f"; machine CPU {cpu[label]:.1f} s" if label in cpu else ""
        print(f"{label:<{width}}{seconds:8.2f} s  ({seconds / len(specs):.3f} s per report{busy})")
    print(
        f"cold runs of ours, in order: {', '.join(f'{w:.2f} s' for w, _, _ in ours.cold)}"
        f" (median {wall:.2f} s); warm runs: {', '.join(f'{w:.2f} s' for w in ours.warm)}"
    )
    print(
        f"cold run: {cold['failed']} failed, {cold['cached']} cached;"
        f" warm run: {warm['cached']}/{len(warm['reports'])} cached, {warm['failed']} failed"
    )
    agree = (
        "not checked (--skip-papermill)"
        if args.skip_papermill
        else ("yes" if not differ else "NO: " + ", ".join(differ))
    )
    print(f"outputs agree with the papermill CLI: {agree}")
    print(
        f"warm run published the cold run's files: {'yes' if not stale else 'NO: ' + ', '.join(stale)}"
    )
    ratios = {}
    if not args.skip_papermill:
        seq, two = times["papermill CLI, sequential"], times["papermill CLI, two at a time"]
        ratios = {
            "cold / sequential CLI": seq / times["burdenshare report, cold"],
            "cold / CLI two at a time": two / times["burdenshare report, cold"],
            "warm / sequential CLI": seq / times["burdenshare report, warm"],
        }
    for label, ratio in ratios.items():
        verdict = "meets" if ratio >= TARGETS[label] else "below"
        print(f"ratio {label:<26}{ratio:7.1f}x  ({verdict} the {TARGETS[label]:g}x target)")
    if ratios:
        spread = [times["papermill CLI, sequential"] / w for w, _, _ in ours.cold]
        print(
            "  cold / sequential CLI for each cold run: " + ", ".join(f"{r:.1f}x" for r in spread)
        )
        ours_cpu = cpu["burdenshare report, cold"]
        print(
            "  machine CPU, papermill / ours cold: "
            + ", ".join(
                f"{label.removeprefix('papermill CLI, ')} {cpu[label] / ours_cpu:.1f}x"
                for label in ("papermill CLI, sequential", "papermill CLI, two at a time")
            )
        )
    kernel_cpu = sum(r["timings"].get("kernel_cpu", 0.0) for r in cold["reports"])
    floor = warm_start + kernel_cpu / cores
    line = f"floor: {floor:.2f} s = warm start-up {warm_start:.2f} s + kernel CPU {kernel_cpu:.2f} s / {cores} cores"
    if not args.skip_papermill:
        line += f" -> best possible cold ratio {times['papermill CLI, sequential'] / floor:.1f}x"
    print(line)
    print("\n".join(_breakdown(cold, times["burdenshare report, cold"])))
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = not differ and not stale and not cold["failed"] and warm["cached"] == len(warm["reports"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
