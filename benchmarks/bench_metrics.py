"""Time and peak memory of the metric suite and of the pathway fan chart.

Run: ``PYTHONPATH=src python benchmarks/bench_metrics.py [--draws 100000] [--by 2035]``.
Prints wall time and tracemalloc peak; the fan chart (draws of real GDP growth for every ally,
per ally: normal around each ally's recent real GDP growth with the spread of its own yearly
growth since 2014, both from the bundled 2026 edition) is compared with a straightforward
per-ally loop that builds every draw and calls numpy.percentile; the two must agree before any
ratio is printed.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
import pandas as pd

import burdenshare as bs

PERCENTILES = (5, 25, 50, 75, 95)


def measure(label: str, func: Callable[[], object], repeat: int = 3) -> tuple[object, float]:
    func()  # warm caches (file parsing is not what is measured)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"{label:<46} {best * 1000:9.1f} ms   peak {peak / 2**20:8.1f} MiB")
    return result, best


def suite(panels: dict[str, pd.DataFrame]) -> None:
    for edition, panel in panels.items():
        bs.compliance(panel, "wales_2pct")
        bs.target_gap(panel, "hague_core_3_5")
        bs.equipment_share(panel)
        bs.real_growth(panel, "defexp_share_gdp_pct")
        bs.movers(panel, 2014, int(edition))
        bs.pathway_summary(panel, gdp_growth=0.015)
        if "gdp_usd_current_m" in panel.columns:
            bs.share_of_gdp(panel)
            bs.per_capita(panel)
            bs.cagr(panel, 2014, int(edition))
            bs.burden_shares(panel)
            bs.us_vs_europe_canada(panel)


def support_suite(panel: pd.DataFrame) -> None:
    monthly = bs.load_support_monthly()
    totals = bs.load_support("R30")
    annual = bs.annual_support(monthly, aid_types=("military", "total"))
    annual = annual[annual["complete"]]
    bs.support_share_of_gdp(
        totals[(totals.aid_type == "total") & (totals.scope == "bilateral")],
        bs.load_donor_gdp(release="R28"),
    )
    bs.delivery_ratio(bs.load_support("R28"))
    bs.monthly_flows(monthly, by="region", cumulative=True)
    bs.concentration(bs.donor_totals(totals))
    bs.donor_totals(totals, eu_institutions="reassign")
    bs.support_vs_defence(annual, panel)
    bs.spending_with_support(panel, annual, double_count="acknowledge")


def growth_draws(panel: pd.DataFrame, allies: list[str], n: int, seed: int = 2026) -> np.ndarray:
    gdp = panel["gdp_usd_constant_m"].unstack("year").loc[allies]
    yearly = gdp.pct_change(axis=1).iloc[:, 1:]
    last = gdp.columns.max()
    centre = ((gdp[last] / gdp[last - 3]) ** (1 / 3) - 1).to_numpy()
    spread = yearly.std(axis=1).to_numpy()
    rng = np.random.default_rng(seed)
    draws = rng.normal(centre, spread, size=(n, len(allies)))
    return np.clip(draws, -0.5, 0.5)


def loop_fan(panel: pd.DataFrame, draws: np.ndarray, allies: list[str], by: int) -> dict:
    """Reference: per ally, per year, every draw materialised, numpy.percentile."""
    summary = bs.pathway_summary(panel, gdp_growth=0.0)
    out = {}
    for j, code in enumerate(allies):
        t0 = int(summary.loc[code, "start_year"])
        s0 = summary.loc[code, "start_share_pct"]
        goal = summary.loc[code, "target_pct"]
        gdp0 = panel.loc[(code, t0), "gdp_usd_constant_m"]
        change = panel["defexp_real_change_pct"].xs(code, level="iso3").loc[t0 - 2 : t0]
        recent = np.prod(1 + change.to_numpy() / 100) ** (1 / 3) - 1
        n = by - t0
        x = 1 + draws[:, j]
        rows = {"spending": [], "extra": [], "trend": [], "required": []}
        cumulative = np.zeros_like(x)
        for k in range(n + 1):
            share = s0 * (goal / s0) ** (k / n)
            gdp = gdp0 * x**k
            if k > 0:
                cumulative = cumulative + (share - s0) / 100 * gdp
            rows["spending"].append(np.percentile(share / 100 * gdp, PERCENTILES))
            rows["extra"].append(np.percentile(cumulative, PERCENTILES))
            rows["trend"].append(np.percentile(s0 * (1 + recent) ** k / x**k, PERCENTILES))
            required = 100 * ((goal / s0) ** (1 / n) * x - 1)
            rows["required"].append(np.percentile(required, PERCENTILES))
        out[code] = {name: np.array(v) for name, v in rows.items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--by", type=int, default=2035)
    args = parser.parse_args()

    panels = {e: bs.spending_panel(edition=e) for e in ("2024", "2025", "2026")}
    print(f"burdenshare {bs.__version__}; numpy {np.__version__}; pandas {pd.__version__}")
    measure("metric suite, 3 editions", lambda: suite(panels))
    measure("support metric suite (Kiel R28-R30)", lambda: support_suite(panels["2026"]))

    panel = panels["2026"]
    allies = list(bs.pathway_summary(panel, gdp_growth=0.0).index)
    draws = growth_draws(panel, allies, args.draws)
    frame = pd.DataFrame(draws, columns=allies)
    label = f"pathway_fan: {args.draws:,} draws x {len(allies)} allies to {args.by}"

    def fan() -> pd.DataFrame:
        return bs.pathway_fan(
            panel, "hague_core_3_5", args.by, gdp_growth=frame, percentiles=PERCENTILES
        )

    result, fast = measure(label, fan)
    reference, slow = measure(
        "reference per-ally loop (numpy.percentile)",
        lambda: loop_fan(panel, draws, allies, args.by),
        repeat=1,
    )

    names = {
        "spending": "spending_usd_constant_m",
        "extra": "cumulative_extra_usd_constant_m",
        "trend": "trend_share_pct",
        "required": "required_real_growth_pct",
    }
    worst = 0.0
    for code, measures in reference.items():
        for short, expected in measures.items():
            got = result.loc[code, names[short]].to_numpy()
            np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
            scale = np.maximum(np.abs(expected), 1e-300)
            worst = max(worst, float(np.max(np.abs(got - expected) / scale)))
    print(f"fan chart matches the loop for every ally, year, measure (max rel. diff {worst:.1e})")
    print(f"ratio loop / vectorized: {slow / fast:.1f}x")


if __name__ == "__main__":
    main()
