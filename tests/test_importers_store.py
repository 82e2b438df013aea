"""The user data folder as a small database: layout, manifest checks, leftovers, write failures,
environment faults, and `data verify --imported` (concurrency and kills: test_importers_concurrency).
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

import burdenshare as bs
from burdenshare.cli import main
from burdenshare.importers import import_workbook, store, verify_imported
from burdenshare.importers.store import leftovers, read_user_manifest, replace_file, write_new_file
from burdenshare.paths import user_data_dir_path
from tests.test_importers_workbook import build_nato


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    build_nato(tmp_path / "def-exp-2031-en.xlsx")
    return tmp_path / "def-exp-2031-en.xlsx"


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_layout_manifest_lock_and_content_named_tables(workbook):
    result = import_workbook("nato", workbook, "2031")
    folder = user_data_dir_path()
    name = result.path.relative_to(folder).as_posix()
    assert _listing(folder) == sorted([".import.lock", "manifest.json", name])
    entry = read_user_manifest(folder)["files"][name]
    assert name == f"tables/nato_defexp_2031.{entry['sha256'][:12]}.csv"
    assert entry["kind"] == "nato" and entry["source_file"] == workbook.name
    assert entry["import_command"] == f"burdenshare data import nato {workbook} --edition 2031"
    assert bs.manifest.verify(folder) == []  # data verify --data-dir <user folder> works too
    assert verify_imported() == (1, [])


def test_leftovers_of_interrupted_imports_are_swept_by_the_next_import(workbook, tmp_path):
    import_workbook("nato", workbook, "2031")
    folder = user_data_dir_path()
    orphan = folder / "tables" / "nato_defexp_2032.0123456789ab.csv"  # placed, never committed
    orphan.write_text("iso3\n")
    temp = folder / ".manifest.json.4242.deadbeef.tmp"
    temp.write_text("{")
    assert leftovers(folder, read_user_manifest(folder)) == [temp, orphan]
    assert verify_imported() == (1, [])  # leftovers are never read: not a problem
    build_nato(tmp_path / "other.xlsx", bump=2.0)
    import_workbook("nato", tmp_path / "other.xlsx", "2032")
    assert not orphan.exists() and not temp.exists()
    assert verify_imported() == (2, [])


def test_a_failed_write_leaves_the_folder_as_it_was(workbook, tmp_path, monkeypatch):
    import_workbook("nato", workbook, "2031")
    folder = user_data_dir_path()
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    def disk_full(path: Path, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store, "replace_file", disk_full)
    build_nato(tmp_path / "other.xlsx", bump=2.0)
    with pytest.raises(bs.DataError, match="No space left on device"):
        import_workbook("nato", tmp_path / "other.xlsx", "2032")
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("unnamed", [True, False], ids=["O_TMPFILE", "named temp"])
def test_new_files_appear_complete_or_not_at_all(tmp_path, monkeypatch, unnamed):
    if not unnamed:
        monkeypatch.setattr(store, "_unnamed_file", lambda folder, data: None)
    write_new_file(tmp_path / "a.csv", b"x,y\n1,2\n")
    assert (tmp_path / "a.csv").read_bytes() == b"x,y\n1,2\n"
    with pytest.raises(FileExistsError):  # never overwrites
        write_new_file(tmp_path / "a.csv", b"other")
    replace_file(tmp_path / "a.csv", b"new")
    assert (tmp_path / "a.csv").read_bytes() == b"new"

    def broken(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError, match="I/O error"):
        replace_file(tmp_path / "a.csv", b"lost")
    assert (tmp_path / "a.csv").read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]  # no temporary file left


def _write_manifest(text: str) -> Path:
    folder = user_data_dir_path()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(text)
    return folder / "manifest.json"


def test_corrupt_manifest_is_named_with_line_and_column(workbook):
    path = _write_manifest('{"files": {"a.csv": {"dataset": "x",}}}')
    with pytest.raises(bs.DataError) as info:
        import_workbook("nato", workbook, "2031")
    assert f"{path}: line 1, column 37" in str(info.value)
    assert path.read_text() == '{"files": {"a.csv": {"dataset": "x",}}}'


def test_entry_missing_a_field_names_entry_field_and_command(workbook):
    import_workbook("nato", workbook, "2031")
    path = user_data_dir_path() / "manifest.json"
    data = json.loads(path.read_text())
    name = next(iter(data["files"]))
    del data["files"][name]["sha256"]
    path.write_text(json.dumps(data))
    with pytest.raises(bs.DataError) as info:
        verify_imported()
    message = str(info.value)
    assert f"entry '{name}' lacks the field(s) sha256" in message
    assert f"burdenshare data import nato {workbook} --edition 2031 --replace" in message


def test_data_home_that_is_a_file(workbook, tmp_path, monkeypatch):
    home = tmp_path / "home.txt"
    home.write_text("not a folder")
    for value in (home, home / "below"):
        monkeypatch.setenv("BURDENSHARE_DATA_HOME", str(value))
        with pytest.raises(bs.DataError) as info:
            import_workbook("nato", workbook, "2031")
        message = str(info.value)
        assert f"{home} is a file, not a folder" in message and "BURDENSHARE_DATA_HOME" in message
    assert home.read_text() == "not a folder"


def test_data_home_that_cannot_be_written(workbook, tmp_path, monkeypatch):
    home = tmp_path / "locked"
    home.mkdir()
    home.chmod(0o555)
    monkeypatch.setenv("BURDENSHARE_DATA_HOME", str(home))
    if os.geteuid() == 0:  # root writes anyway: fail as the kernel fails other users
        real_mkdir = Path.mkdir

        def refuse(path: Path, *args: object, **kwargs: object) -> None:
            if home in (path, *path.parents):
                raise PermissionError(errno.EACCES, "Permission denied", str(path))
            real_mkdir(path, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Path, "mkdir", refuse)
    try:
        with pytest.raises(bs.DataError) as info:
            import_workbook("nato", workbook, "2031")
        message = str(info.value)
        assert f"{home} (BURDENSHARE_DATA_HOME): cannot write imports here" in message
        assert "Permission denied" in message and "Nothing was imported" in message
    finally:
        home.chmod(0o755)
    assert list(home.iterdir()) == []


def test_deleted_import_is_reported_with_the_command_that_restores_it(workbook, capsys):
    result = import_workbook("nato", workbook, "2031")
    result.path.unlink()
    checked, findings = verify_imported()
    assert checked == 1 and len(findings) == 1
    assert "nato_spending 2031 was deleted" in str(findings[0])
    assert f"`burdenshare data import nato {workbook} --edition 2031`" in str(findings[0])
    assert main(["data", "verify", "--imported"]) == 1
    err = capsys.readouterr().err
    assert "was deleted" in err and f"burdenshare data import nato {workbook} --edition 2031" in err
    assert import_workbook("nato", workbook, "2031").status == "replaced"  # the command works
    assert verify_imported() == (1, [])


def test_changed_import_is_reported(workbook):
    result = import_workbook("nato", workbook, "2031")
    result.path.write_bytes(result.path.read_bytes().replace(b"2031", b"2030", 1))
    (finding,) = verify_imported()[1]
    assert "differs from the manifest" in finding.problem and "--replace" in finding.fix


def test_verify_imported_without_imports(capsys):
    assert main(["data", "verify", "--imported"]) == 0
    assert "No imported data" in capsys.readouterr().out


def test_rules_are_checked_on_every_parse_but_a_bundled_files_whose_bytes_match(
    workbook, tmp_path, monkeypatch
):
    """Bundled bytes matching the manifest were checked against the rules by the test suite
    (test_schemas.py); an imported edition and a user file are checked on every parse."""
    from burdenshare import tables, validation

    checked: list[str] = []
    original = validation.find_problems

    def counting(frame, spec):
        checked.append(spec.name)
        return original(frame, spec)

    monkeypatch.setattr(validation, "find_problems", counting)
    tables._parsed.cache_clear()
    bundled = bs.load_spending("2026")
    assert checked == [] and len(bundled) > 0
    import_workbook("nato", workbook, "2031")  # checks what it writes
    checked.clear()
    imported = bs.load_spending("2031")
    assert checked == ["nato_spending"] and set(imported["edition"]) == {"2031"}
    user = tmp_path / "mine.csv"
    bundled.head(40).to_csv(user, index=False)
    assert len(bs.load_spending(path=user)) == 40
    assert checked == ["nato_spending"] * 2
