"""The data manifest and the `burdenshare data` commands."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from burdenshare import manifest
from burdenshare.cli import main
from burdenshare.paths import bundled_data_dir
from tests import REPO


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


def test_sipri_manifest_says_shares_are_percent():
    notes = " ".join(manifest.entries("sipri_milex")["sipri_milex_2026.csv"]["notes"])
    assert "percent" in notes and "x 100" in notes


def test_verify_passes_on_bundled_data(capsys):
    assert main(["data", "verify"]) == 0
    assert "OK" in capsys.readouterr().out


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


def test_every_bundled_table_has_a_schema_and_warms_the_cache():
    from burdenshare import tables
    from burdenshare.schemas import SPECS

    listed = manifest.entries()
    without_spec = {n for n, e in listed.items() if e["schema"] not in SPECS}
    assert without_spec == {"countries.csv"}  # read by burdenshare.countries, not a loader
    tables._parsed.cache_clear()
    assert tables.warm_cache() == len(listed) - 1
    assert tables._parsed.cache_info().currsize == len(listed) - 1
