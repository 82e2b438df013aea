"""How much faster is one vectorized ``bs.convert`` call than converting value by value?

Run: ``PYTHONPATH=src python benchmarks/bench_convert.py``. Prints the ratio; asserts nothing.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import burdenshare as bs


def main(n: int = 2_000) -> None:
    rng = np.random.default_rng(0)
    values = pd.Series(rng.uniform(0, 100, n))
    years = rng.integers(2014, 2026, n)
    bs.convert(1.0, "EUR", "USD", 2024)  # load and cache the rate table first
    start = time.perf_counter()
    vectorized = bs.convert(values, "USD", "NOK", years)
    t_vector = time.perf_counter() - start
    start = time.perf_counter()
    looped = [
        bs.convert(float(v), "USD", "NOK", int(y)) for v, y in zip(values, years, strict=True)
    ]
    t_loop = time.perf_counter() - start
    assert np.allclose(vectorized.to_numpy(), looped)
    print(
        f"{n} values: vectorized {t_vector:.4f} s, loop {t_loop:.4f} s, "
        f"ratio loop/vectorized = {t_loop / t_vector:.0f}x"
    )


if __name__ == "__main__":
    main()
