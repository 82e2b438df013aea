"""Hostile command lines and environments for `burdenshare data ...` (and the report options that
reach the error boundary): each ends with exit code 2 (1 where a check finds a problem) and one
message naming the file, option or setting, never a traceback, and nothing is written."""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shlex
import shutil
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import burdenshare as bs
from burdenshare.importers import import_kiel, import_workbook
from burdenshare.paths import USER_DATA_ENV, bundled_data_dir
from tests.adversarial import Action, Case, CliResult, cli, process
from tests.test_importers_kiel import build_kiel
from tests.test_importers_workbook import build_nato


def _with_home(home: Path, action: Action) -> Action:
    """Run ``action`` with BURDENSHARE_DATA_HOME set to ``home`` (restored afterwards)."""

    def run() -> CliResult:
        before = os.environ.get(USER_DATA_ENV)
        os.environ[USER_DATA_ENV] = str(home)
        try:
            return action()
        finally:
            if before is None:
                del os.environ[USER_DATA_ENV]
            else:
                os.environ[USER_DATA_ENV] = before

    return run


def _run(*argv: str) -> Callable[[Path], Action]:
    """A command whose arguments may refer to the case's folder as {folder}."""

    def prepare(folder: Path) -> Action:
        return cli(*(a.format(folder=folder) for a in argv))

    return prepare


def _workbook(folder: Path) -> Path:
    build_nato(folder / "def-exp-2031-en.xlsx")
    return folder / "def-exp-2031-en.xlsx"


def _home_is_a_file(folder: Path) -> Action:
    home = folder / "home.txt"
    home.write_text("not a folder")
    return _with_home(home, cli("data", "import", "nato", _workbook(folder), "--edition", "2031"))


def _home_below_a_file(folder: Path) -> Action:
    (folder / "home.txt").write_text("not a folder")
    workbook = _workbook(folder)
    return _with_home(folder / "home.txt" / "sub", cli("data", "import", "nato", workbook))


def _imported_home(folder: Path) -> Path:
    home = folder / "home"
    import_workbook("nato", _workbook(folder), "2031", folder=home)
    return home


def _manifest_not_json(folder: Path) -> Action:
    home = folder / "home"
    home.mkdir()
    (home / "manifest.json").write_text('{"files": {\n  "tables/x.csv": {,}\n}}\n')
    return _with_home(home, cli("data", "verify", "--imported"))


def _manifest_entry_lacks_field(folder: Path) -> Action:
    home = _imported_home(folder)
    data = json.loads((home / "manifest.json").read_text())
    name = next(iter(data["files"]))
    del data["files"][name]["rows"]
    (home / "manifest.json").write_text(json.dumps(data))
    return _with_home(home, cli("data", "verify", "--imported"))


def _manifest_without_files(folder: Path) -> Action:
    home = folder / "home"
    home.mkdir()
    (home / "manifest.json").write_text("[]")
    return _with_home(home, cli("data", "import", "nato", _workbook(folder)))


def _manifest_entry_outside(folder: Path) -> Action:
    home = _imported_home(folder)
    (folder / "keep.csv").write_text("precious\n")
    data = json.loads((home / "manifest.json").read_text())
    entry = next(iter(data["files"].values()))
    data["files"] = {"../keep.csv": entry}
    (home / "manifest.json").write_text(json.dumps(data))
    build_nato(folder / "n2.xlsx", bump=1.0)
    return _with_home(
        home, cli("data", "import", "nato", folder / "n2.xlsx", "--edition", "2031", "--replace")
    )


def _deleted_import(folder: Path) -> Action:
    home = _imported_home(folder)
    for table in (home / "tables").iterdir():
        table.unlink()
    return _with_home(home, cli("data", "verify", "--imported"))


def _changed_import(folder: Path) -> Action:
    home = _imported_home(folder)
    table = next((home / "tables").iterdir())
    table.write_bytes(table.read_bytes() + b"ALB,Albania\n")
    return _with_home(home, cli("data", "verify", "--imported"))


def _verify_folder_without_manifest(folder: Path) -> Action:
    (folder / "data").mkdir()
    return cli("data", "verify", "--data-dir", folder / "data")


def _verify_manifest_not_json(folder: Path) -> Action:
    (folder / "data").mkdir()
    (folder / "data" / "manifest.json").write_text("{ not json")
    return cli("data", "verify", "--data-dir", folder / "data")


def _yaml_file(text: str) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        (folder / "params.yaml").write_text(text)
        return cli("report", "-f", folder / "params.yaml", "--out", folder / "reports")

    return prepare


def _kiel_source(folder: Path) -> Path:
    return build_kiel(folder / "r31")


def _kiel_with_release(label: str) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        return cli("data", "import", "kiel", _kiel_source(folder), "--release", label)

    return prepare


CASES: list[Case] = [
    Case("import: workbook not found", _run("data", "import", "nato", "{folder}/nope.xlsx"), 2,
         ("{folder}/nope.xlsx", "file not found")),
    Case("import: workbook path is a folder", _run("data", "import", "sipri", "{folder}"), 2,
         ("{folder}: is a folder", ".xlsx")),
    Case("import: kiel folder not found", _run("data", "import", "kiel", "{folder}/r99"), 2,
         ("{folder}/r99", "no such folder or file")),
    Case("import: --edition in other digits",
         lambda f: cli("data", "import", "nato", _workbook(f), "--edition", "２０３１"), 2,
         ("Edition label '２０３１'",)),
    Case("import: --release not a Kiel label", _kiel_with_release("31"), 2, ("Release label '31'",)),
    Case("import: data home is a file", _home_is_a_file, 2,
         ("{folder}/home.txt (BURDENSHARE_DATA_HOME)", "is a file, not a folder")),
    Case("import: data home below a file", _home_below_a_file, 2,
         ("{folder}/home.txt is a file", "BURDENSHARE_DATA_HOME")),
    Case("import: user manifest without files", _manifest_without_files, 2,
         ("{folder}/home/manifest.json", "no 'files' table")),
    Case("verify --imported: manifest not JSON", _manifest_not_json, 2,
         ("{folder}/home/manifest.json: line 2, column 20", "not valid JSON")),
    Case("verify --imported: entry lacks a field", _manifest_entry_lacks_field, 2,
         ("{folder}/home/manifest.json", "lacks the field(s) rows",
          "burdenshare data import nato {folder}/def-exp-2031-en.xlsx --edition 2031 --replace")),
    Case("import: manifest entry outside the folder", _manifest_entry_outside, 2,
         ("{folder}/home/manifest.json", "entry '../keep.csv' does not name a table")),
    Case("verify --imported: imported table deleted", _deleted_import, 1,
         ("was deleted", "`burdenshare data import nato {folder}/def-exp-2031-en.xlsx --edition 2031`")),
    Case("verify --imported: imported table changed", _changed_import, 1,
         ("differs from the manifest", "--replace")),
    Case("verify --imported: the bundled data", _run("data", "verify", "--imported", "--data-dir", str(bundled_data_dir())),
         2, ("inside the burdenshare package",)),
    Case("verify: folder without a manifest", _verify_folder_without_manifest, 2,
         ("{folder}/data/manifest.json",)),
    Case("verify: manifest not JSON", _verify_manifest_not_json, 2, ("line 1, column 3",)),
    Case("diff: unknown edition", _run("data", "diff", "nato_spending", "2024", "1999"), 2,
         ("'1999'", "Available: 2024, 2025, 2026")),
    Case("diff: label in other digits", _run("data", "diff", "sipri_milex", "2025", "٢٠٢٦"), 2,
         ("'٢٠٢٦'",)),
    Case("diff: no common currency", _run("data", "diff", "kiel_support", "R30", "R30v2"), 2,
         ("R30v2 in billion USD", "no unit in common")),
    Case("diff: --out in a missing folder",
         _run("data", "diff", "nato_spending", "2024", "2025", "--out", "{folder}/no/d.csv"), 2,
         ("--out {folder}/no/d.csv",)),
    Case("diff: --out is a folder", _run("data", "diff", "sipri_milex", "2025", "2026", "--out", "{folder}"),
         2, ("--out {folder}", "a folder")),
    Case("diff: negative --top", _run("data", "diff", "nato_spending", "2024", "2025", "--top", "-1"),
         2, ("--top -1",)),
    Case("diff: unknown dataset", _run("data", "diff", "fx", "2024", "2025"), 2, ("'fx'",)),
    Case("report: -f file missing", _run("report", "-f", "{folder}/p.yaml", "--out", "{folder}/r"),
         2, ("{folder}/p.yaml",)),
    Case("report: -f with a python tag", _yaml_file("country: !!python/object/apply:os.getcwd []\n"),
         2, ("line 1",)),
    Case("report: -f not YAML", _yaml_file("country: [DEU\nstart_year: 2014\n"), 2, ("line 2",)),
]  # fmt: skip


def _loop(folder: Path) -> Path:
    (folder / "loop").symlink_to("loop")
    return folder / "loop"


def _ascii_output(*argv: str) -> Callable[[Path], Action]:
    """``argv`` with a non-ASCII user data folder, printed to an ASCII-only standard output."""

    def prepare(folder: Path) -> Action:
        home = folder / "dätä"
        import_workbook("nato", _workbook(folder), "2031", folder=home)
        args = [a.format(folder=folder, home=home) for a in argv]
        env = {USER_DATA_ENV: str(home), "PYTHONIOENCODING": "ascii", "LC_ALL": "C"}
        return process(*args, env=env)

    return prepare


CASES += [
    Case("import: workbook in a symlink loop",
         lambda f: cli("data", "import", "nato", _loop(f) / "n.xlsx"), 2,
         ("{folder}/loop/n.xlsx", "symbolic link loop")),
    Case("import: kiel folder in a symlink loop",
         lambda f: cli("data", "import", "kiel", _loop(f) / "r31"), 2,
         ("{folder}/loop/r31", "symbolic link loop")),
    Case("import: data home in a symlink loop",
         lambda f: _with_home(_loop(f) / "home", cli("data", "import", "nato", _workbook(f))), 2,
         ("{folder}/loop/home", "symbolic link loop")),
    Case("verify: --data-dir in a symlink loop",
         lambda f: cli("data", "verify", "--data-dir", _loop(f) / "d"), 2,
         ("{folder}/loop/d",)),
    Case("verify --imported: --data-dir in a symlink loop",
         lambda f: cli("data", "verify", "--imported", "--data-dir", _loop(f) / "d"), 2,
         ("{folder}/loop/d", "symbolic link loop")),
    Case("diff: --out in a symlink loop",
         lambda f: cli("data", "diff", "sipri_milex", "2025", "2026", "--out", _loop(f) / "d.csv"),
         2, ("{folder}/loop/d.csv", "symbolic link loop")),
    Case("info: non-ASCII data folder on an ASCII output", _ascii_output("data", "info"), 0,
         ("{folder}/d\\xe4t\\xe4", "nato_spending"), ("processes",)),
    Case("verify --imported: non-ASCII folder on an ASCII output",
         _ascii_output("data", "verify", "--imported"), 0, ("OK: ", "d\\xe4t\\xe4"), ("processes",)),
]  # fmt: skip


# Remedies work as printed: the command a message suggests is quoted, complete, and run here.
def _kiel_imported_as(folder: Path, label: str) -> Path:
    """A Kiel release from a folder whose name holds a space, imported under ``label`` (not the
    label its files state) into the test's user data folder; its tables then deleted."""
    source = build_kiel(folder / "kiel files")
    import_kiel(source, label)
    home = Path(os.environ[USER_DATA_ENV])
    for table in (home / "tables").iterdir():
        table.unlink()
    return home


def _suggested_command(message: str) -> list[str]:
    """The command between backticks in a message, split as the shell would."""
    found = re.findall(r"`(burdenshare [^`]+)`", message)
    assert found, message
    return shlex.split(found[0])


def _remedy_as_printed(folder: Path) -> Action:
    home = _kiel_imported_as(folder, "R32")
    verify = cli("data", "verify", "--imported")

    def action() -> CliResult:
        result = verify()
        argv = _suggested_command(str(result))
        assert argv[:4] == ["burdenshare", "data", "import", "kiel"] and "R32" in argv, argv
        copy = folder.parent / "restored"  # the remedy runs on a copy: the case's folder stays
        shutil.copytree(home, copy)
        done = process(*argv[1:], env={USER_DATA_ENV: str(copy)})()
        assert done.code == 0, str(done)
        again = process("data", "verify", "--imported", env={USER_DATA_ENV: str(copy)})()
        assert again.code == 0 and "OK: 4 imported table(s)" in again.out, str(again)
        return result

    return action


def _loader_remedy(folder: Path) -> Action:
    home = _kiel_imported_as(folder, "R32")

    def action() -> None:
        try:
            bs.load_heavy_weapons(release="R32")
        except bs.DataError as exc:
            assert f"(listed in {home / 'manifest.json'})" in str(exc), str(exc)
            argv = _suggested_command(str(exc))
            assert argv[4:] == [str(folder / "kiel files"), "--release", "R32", "--replace"], argv
            raise

    return action


CASES += [
    Case("verify --imported: the remedy runs as printed", _remedy_as_printed, 1,
         ("'{folder}/kiel files' --release R32`",), ("processes",)),
    Case("loader: deleted import names its manifest and a complete remedy", _loader_remedy,
         bs.DataError, ("'{folder}/kiel files' --release R32 --replace",)),
]  # fmt: skip


# Writes: data diff --out streams into pipes and devices, never replaces them; a failed write
# names its file. verify refuses manifest entries outside its folder and applies the loaders'
# label rules.
def _diff_into_pipe(folder: Path) -> Action:
    fifo = folder / "diff.pipe"
    os.mkfifo(fifo)
    run = process("data", "diff", "sipri_milex", "2025", "2026", "--out", fifo, timeout=60)

    def action() -> CliResult:
        got: list[bytes] = []
        reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
        reader.start()
        result = run()
        reader.join(10)
        assert stat.S_ISFIFO(fifo.lstat().st_mode), "the named pipe was replaced"
        assert got and got[0].startswith(b"iso3,country,indicator,unit,year"), got[:1]
        assert got[0].count(b"\n") == 10251, "the reader got the whole CSV"
        return result

    return action


def _diff_into_device(folder: Path) -> Action:
    run = process("data", "diff", "sipri_milex", "2025", "2026", "--out", "/dev/null")

    def action() -> CliResult:
        result = run()
        assert stat.S_ISCHR(os.lstat("/dev/null").st_mode), "/dev/null was replaced"
        return result

    return action


def _diff_to_stdout(folder: Path) -> Action:
    run = process("data", "diff", "sipri_milex", "2025", "2026", "--out", "-", "--top", "1")

    def action() -> CliResult:
        result = run()
        assert result.out.startswith("iso3,country,indicator,unit,year"), result.out[:200]
        assert "sipri_milex: 2025 -> 2026" in result.err and not (folder / "-").exists()
        return result

    return action


def _diff_over_file_size_limit(folder: Path) -> Action:
    (folder / "d.csv").write_text("the previous diff\n")
    return process(
        "data", "diff", "sipri_milex", "2025", "2026", "--out", folder / "d.csv",
        limits={resource.RLIMIT_FSIZE: 100_000},
    )  # fmt: skip


def _verify_manifest_naming(entry: str, link: str | None = None) -> Callable[[Path], Action]:
    """A copy of the bundled manifest with one more entry ``entry`` (a file outside the folder),
    optionally a symbolic link ``link`` in the folder pointing out of it."""

    def prepare(folder: Path) -> Action:
        data = folder / "data"
        data.mkdir()
        (folder / "secret.csv").write_text("a,b\n1,2\n")
        manifest = json.loads((bundled_data_dir() / "manifest.json").read_text())
        first = next(iter(manifest["files"].values()))
        manifest["files"] = {entry.format(folder=folder): {**first, "rows": 1}}
        if link:
            (data / link).symlink_to(folder / "secret.csv")
        (data / "manifest.json").write_text(json.dumps(manifest))
        run = cli("data", "verify", "--data-dir", data)

        def action() -> CliResult:
            result = run()
            digest = hashlib.sha256(b"a,b\n1,2\n").hexdigest()
            assert digest[:12] not in str(result), "a file outside the folder was hashed"
            return result

        return action

    return prepare


def _imported_with_label(label: str) -> Callable[[Path], Action]:
    def prepare(folder: Path) -> Action:
        home = _imported_home(folder)
        data = json.loads((home / "manifest.json").read_text())
        for entry in data["files"].values():
            entry["edition"] = label
        (home / "manifest.json").write_text(json.dumps(data))
        return _with_home(home, cli("data", "verify", "--imported"))

    return prepare


def _user_manifest_is_a_pipe(folder: Path) -> Action:
    home = folder / "home"
    home.mkdir()
    os.mkfifo(home / "manifest.json")
    return process("data", "verify", "--imported", env={USER_DATA_ENV: str(home)}, timeout=20)


CASES += [
    Case("diff: --out a named pipe is streamed into", _diff_into_pipe, 0,
         ("Every key", "{folder}/diff.pipe"), ("processes",)),
    Case("diff: --out /dev/null is written, not replaced", _diff_into_device, 0, ("/dev/null",), ("processes",)),
    Case("diff: --out - writes the CSV to stdout", _diff_to_stdout, 0, ("sipri_milex",), ("processes",)),
    Case("diff: write over the file-size limit names the file", _diff_over_file_size_limit, 2,
         ("--out {folder}/d.csv", "writing the CSV failed", "is unchanged"), ("processes",)),
    Case("verify: manifest entry ../ outside the folder", _verify_manifest_naming("../secret.csv"),
         2, ("{folder}/data/manifest.json", "'../secret.csv'", "outside")),
    Case("verify: manifest entry an absolute path",
         _verify_manifest_naming("{folder}/secret.csv"), 2, ("'{folder}/secret.csv'", "outside")),
    Case("verify: manifest entry a link out of the folder",
         _verify_manifest_naming("link.csv", link="link.csv"), 2, ("'link.csv'", "outside")),
    Case("verify --imported: a label the loaders refuse", _imported_with_label("R2x"), 1,
         ("'R2x'", "the loaders refuse", "import the release again")),
    Case("verify --imported: a label in other digits", _imported_with_label("２０３１"), 1,
         ("'２０３１'", "the loaders refuse")),
    Case("verify --imported: manifest is a named pipe", _user_manifest_is_a_pipe, 2,
         ("{folder}/home/manifest.json", "not a regular file"), ("processes",)),
]  # fmt: skip
