"""The data manifest and the `burdenshare data` commands."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import burdenshare as bs
from burdenshare import manifest, tables
from burdenshare.cli import main
from burdenshare.editions import editions, resolve
from burdenshare.paths import bundled_data_dir
from burdenshare.schemas import SPECS
from tests import DATA, REPO, bundled_rows, write_csv


def test_every_data_file_is_in_the_manifest_with_provenance():
    data = bundled_data_dir()
    listed = manifest.entries()
    on_disk = {p.name for p in data.glob("*.csv")}
    assert on_disk == set(listed)
    for name, entry in listed.items():
        for key in ("title", "dataset", "schema", "edition", "released", "sources", "licence"):
            assert entry.get(key), f"{name}: manifest lacks {key}"
        assert entry["sha256"] == manifest.sha256_of(data / name)
        assert entry["rows"] == manifest.count_rows(data / name)
        for source in entry["sources"]:
            assert "url" in source or {"repository", "path", "commit"} <= set(source)


#: A period in a title: "2014-2025" (years) or "Jan 2022 - Apr 2026" (months).
YEARS = re.compile(r"\b(\d{4})\s*-\s*(\d{4})\b")
MONTHS = re.compile(r"\b([A-Z][a-z]{2}) (\d{4})\s*-\s*([A-Z][a-z]{2}) (\d{4})\b")


def _period(frame: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last day the data cover (month, year, dated or fieldwork columns)."""
    for first, last in (
        ("month", "month"),
        ("year", "year"),
        ("date_from", "date_to"),
        ("fieldwork_from", "fieldwork_to"),
    ):
        if first in frame.columns:
            start, end = frame[first].min(), frame[last].max()
            if first == "year":
                return pd.Timestamp(f"{start}-01-01"), pd.Timestamp(f"{end}-12-31")
            return pd.Timestamp(start), pd.Timestamp(end)
    return None


@pytest.mark.sweeps
@pytest.mark.parametrize("name", sorted(manifest.entries()))
def test_a_period_in_a_title_is_the_datas_first_and_last_period(name):
    """ "R29 monthly flows (Feb 2022 - Apr 2026)" over data from Jan 2022 is caught: a title's
    years (or months) are those of the first and last row."""
    entry = manifest.entries()[name]
    title = entry["title"]
    months, years = MONTHS.search(title), YEARS.search(title)
    if not (months or years):
        return
    covered = _period(tables.load_table(entry["dataset"], SPECS[entry["schema"]], DATA / name))
    assert covered is not None, f"{name}: the title names a period the data do not have"
    start, end = covered
    if months:
        stated = (
            pd.Timestamp(f"{months[1]} {months[2]}").to_period("M"),
            pd.Timestamp(f"{months[3]} {months[4]}").to_period("M"),
        )
        assert stated == (start.to_period("M"), end.to_period("M")), (title, start, end)
    else:
        assert (int(years[1]), int(years[2])) == (start.year, end.year), (title, start, end)


def test_sipri_manifest_says_shares_are_percent():
    notes = " ".join(manifest.entries("sipri_milex")["sipri_milex_2026.csv"]["notes"])
    assert "percent" in notes and "x 100" in notes


def test_verify_passes_on_bundled_data(capsys):
    assert main(["data", "verify"]) == 0
    assert "OK" in capsys.readouterr().out


@pytest.mark.processes
def test_verify_fails_after_one_byte_changes(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), copy)
    target = copy / "nato_defexp_2025.csv"
    raw = bytearray(target.read_bytes())
    index = raw.index(b"4.48")
    raw[index + 3] = ord("9")  # 4.48... -> 4.49...
    target.write_bytes(bytes(raw))
    result = subprocess.run(
        [sys.executable, "-m", "burdenshare", "data", "verify", "--data-dir", str(copy)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "nato_defexp_2025.csv" in result.stderr and "sha256" in result.stderr


def test_verify_flags_unlisted_and_missing_files(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(bundled_data_dir(), copy)
    (copy / "nato_targets.csv").unlink()
    (copy / "extra.csv").write_text("a\n1\n")
    problems = {str(p) for p in manifest.verify(copy)}
    assert "nato_targets.csv: file is missing" in problems
    assert "extra.csv: is not described in the manifest" in problems


def test_info_lists_datasets_and_editions(capsys):
    assert main(["data", "info"]) == 0
    out = capsys.readouterr().out
    for expected in ("nato_defexp_2024.csv", "sipri_milex_2026.csv", "5346", "Imported editions"):
        assert expected in out


def test_info_gives_each_dataset_its_source_and_licence(capsys):
    assert main(["data", "info"]) == 0
    blocks = capsys.readouterr().out.split("\n\n")
    for dataset, entries in _by_dataset().items():
        block = next(b for b in blocks if b.startswith(f"{dataset}: "))
        for entry in entries:
            assert str(entry["licence"]) in block
            first = entry["sources"][0]
            assert str(first.get("url") or first["repository"]) in block


def _by_dataset() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in manifest.entries().values():
        found.setdefault(entry["dataset"], []).append(entry)
    return found


def test_console_script_is_declared():
    import tomllib

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"]["burdenshare"] == "burdenshare.cli:main"


@pytest.mark.parametrize("argv", [["data"], ["nonsense"]])
def test_bad_command_line_exits_non_zero(argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code != 0


def test_manifest_is_valid_json():
    json.loads((bundled_data_dir() / "manifest.json").read_text())


@pytest.mark.sweeps
def test_every_bundled_table_has_a_schema_and_warms_the_cache():
    from burdenshare.schemas import SPECS

    listed = manifest.entries()
    assert {e["schema"] for e in listed.values()} <= set(SPECS)
    tables._parsed.cache_clear()
    assert tables.warm_cache() == len(listed)
    assert tables._parsed.cache_info().currsize == len(listed)
    for name, entry in listed.items():  # loads read what was warmed: nothing is parsed again
        (edition,) = [e for e in resolve(entry["dataset"], "all") if e.path.name == name]
        tables.read_edition(edition, SPECS[entry["schema"]])
    assert tables._parsed.cache_info().currsize == len(listed)


@pytest.mark.sweeps
def test_warming_parses_one_bundled_table_per_step_and_records_nothing():
    """The report runner's warm process advances this between requests."""
    tables._parsed.cache_clear()
    tables.reset_loaded()
    steps = tables.warming()
    first = next(steps)
    assert first == sorted(manifest.entries())[0]
    assert tables._parsed.cache_info().currsize == 1  # one table per step
    assert [first, *steps] == sorted(manifest.entries())
    assert tables._parsed.cache_info().currsize == len(manifest.entries())
    assert tables.loaded() == []


def test_an_edited_copy_of_a_bundled_file_loads_as_the_users_own(tmp_path):
    """README: to use a bundled file edited on purpose, save it elsewhere and pass path=."""
    mine = tmp_path / "nato_2025_mine.csv"
    text = (bundled_data_dir() / "nato_defexp_2025.csv").read_text(encoding="utf-8")
    mine.write_text(text.replace("4.48", "4.49", 1), encoding="utf-8")
    tables.reset_loaded()
    frame = bs.load_spending(path=mine)
    poland = frame[(frame.iso3 == "POL") & (frame.year == 2025)]
    assert poland.set_index("indicator").at["defexp_share_gdp_pct", "value"] == pytest.approx(
        4.49, abs=0.01
    )
    (read,) = tables.loaded()
    assert (read.origin, read.path) == ("user", str(mine))
    assert (
        read.sha256
        == manifest.sha256_of(mine)
        != manifest.entries()["nato_defexp_2025.csv"]["sha256"]
    )


def test_imported_edition_is_checked_recorded_and_latest(tmp_path, monkeypatch):
    user = tmp_path / "user"
    user.mkdir()
    files = {}
    for label in ("2030", "2029"):
        rows = [dict(r, edition=label) for r in bundled_rows("nato_defexp_2024.csv", 20)]
        path = write_csv(user, rows, f"nato_defexp_{label}.csv")
        files[path.name] = {
            "dataset": "nato_spending",
            "edition": label,
            "sha256": manifest.sha256_of(path),
            "rows": len(rows),
        }
    (user / "manifest.json").write_text(json.dumps({"files": files}), encoding="utf-8")
    monkeypatch.setenv("BURDENSHARE_DATA_HOME", str(user))
    assert list(editions("nato_spending")) == ["2024", "2025", "2026", "2029", "2030"]
    tables.reset_loaded()
    assert set(bs.load_spending()["edition"]) == {"2030"}
    (read,) = tables.loaded()
    assert (read.origin, read.label, read.path) == ("imported", "2030", "nato_defexp_2030.csv")
    assert read.sha256 == files["nato_defexp_2030.csv"]["sha256"]
    assert main(["data", "verify", "--data-dir", str(user)]) == 0
