"""The error message README shows under "When your data is wrong" is the one the loader gives."""

from __future__ import annotations

import re

import pytest

import burdenshare as bs
from tests import REPO, bundled_rows, write_csv


def test_readme_error_example_is_what_the_loader_says(tmp_path, monkeypatch):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### When your data is wrong", 1)[1]
    shown = re.search(r"```text\n(.*?)```", section, re.S).group(1).strip()
    rows = [
        r
        for r in bundled_rows("nato_defexp_2026.csv")
        if r["iso3"] == "POL" and r["indicator"] == "defexp_share_gdp_pct"
    ]
    rows[3]["iso3"] = "DEU"  # line 5: Poland's row under Germany's code
    rows[12]["value"] = "468"  # line 14: Poland 2026, 4.68 with its decimal point lost
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path, rows, "my_nato.csv")
    with pytest.raises(bs.DataError) as info:
        bs.load_spending(path="my_nato.csv")
    assert str(info.value).strip() == shown
