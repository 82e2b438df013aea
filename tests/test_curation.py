"""The curation (tools/curate): its metadata files describe data/, and it rebuilds data/ exactly."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tests import DATA, RAW, SHARED, need_shared
from tools.curate import support
from tools.curate.__main__ import MODULES, main
from tools.curate.metadata import CurationError, load


def _manifest() -> dict:
    return json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.sources
def test_rebuild_gives_data_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """``python -m tools.curate --out DIR`` writes every file of data/, manifest.json included,
    with the same bytes. countries.csv is edited by hand and copied; NATO 2024 and SIPRI 2025 come
    from the publishers' workbooks through burdenshare.importers when ../shared/sources/raw is
    there (it is checked against the CSV path either way)."""
    need_shared(SHARED / "sources")
    main(["--out", str(tmp_path)])
    if RAW.is_dir():
        assert "not found" not in capsys.readouterr().out
    built = sorted(path.name for path in tmp_path.iterdir())
    assert built == sorted(path.name for path in DATA.iterdir())
    assert len(built) == 27
    for name in built:
        ours, bundled = (tmp_path / name).read_bytes(), (DATA / name).read_bytes()
        if ours != bundled:
            lines = zip(ours.splitlines(), bundled.splitlines(), strict=False)
            line = next((n for n, (a, b) in enumerate(lines, 1) if a != b), "end")
            pytest.fail(f"{name} differs from data/{name} at line {line}")


def test_metadata_lists_every_bundled_file_with_its_manifest_entry():
    """Without the sources: the metadata files say exactly what data/manifest.json says."""
    files = _manifest()["files"]
    entries: dict[str, dict] = {}
    for module in MODULES:
        listed = load(module.METADATA).files
        assert not set(listed) & set(entries), "a file is listed in two metadata files"
        entries.update({name: spec.manifest for name, spec in listed.items()})
    assert sorted(entries) == sorted(files)
    for name, entry in files.items():
        expected = {k: v for k, v in entry.items() if k not in ("sha256", "rows")}
        assert json.dumps(entries[name]) == json.dumps(expected), name


def test_families_add_licence_sources_and_notes_after_the_entrys_own():
    meta = load(support.METADATA)
    r29 = meta.files["kiel_support_r29.csv"].manifest
    assert r29["schema"] == r29["dataset"] == "kiel_support"
    assert r29["licence"].startswith("Kiel Institute for the World Economy")
    assert [s.get("path") for s in r29["sources"]] == ["data/eu_aid_shares.csv", None]
    assert r29["sources"][1]["url"].startswith("https://www.kielinstitut.de/")
    assert r29["notes"][0].startswith("Release 29 (data to April 2026)")
    assert r29["notes"][-1].startswith("EU institutions are EU_INST")
    # the extraction's repository and commit are merged in first, as the manifest lists them
    assert list(r29["sources"][0]) == ["repository", "commit", "path", "what"]
    assert r29["sources"][0]["commit"] == "ddf24c0f8f36dbe0ffb85822d5f45a732440a617"
    assert list(r29)[-1] == "currency" and r29["currency"] == "EUR"


ENTRY = """
families:
  pub: {licence: Public facts.}
tables:
  t: {columns: [a]}
files:
  f.csv:
    table: t
    source: s.csv
    family: pub
    title: T
    dataset: d
    edition: 2024
    released: 2024-06-17
    sources: [{url: https://example.org/, what: w}]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "meta.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_value_is_read_as_text(tmp_path: Path):
    entry = load(_write(tmp_path, ENTRY + "    definition: yes\n")).files["f.csv"].manifest
    assert (entry["edition"], entry["released"], entry["definition"]) == (
        "2024",
        "2024-06-17",
        "yes",
    )
    assert list(entry) == [
        "title",
        "dataset",
        "schema",
        "edition",
        "released",
        "definition",
        "sources",
        "licence",
        "notes",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ENTRY + "    title: again\n",
            r"line 16, column 5: not valid YAML: the key 'title' is given twice",
        ),
        (ENTRY + "    note: [typo]\n", r"files: f\.csv: unknown key 'note'"),
        (ENTRY + "    licence: also here\n", r"files: f\.csv: give a licence either"),
        (ENTRY.replace("family: pub", "family: nobody"), r"family 'nobody' is not under"),
        (ENTRY.replace("table: t", "table: x"), r"table 'x' is not under 'tables'"),
        (ENTRY.replace("    source: s.csv\n", ""), r"files: f\.csv: 'source' is missing"),
        (ENTRY.replace("    title: T\n", ""), r"files: f\.csv: 'title' missing"),
        (ENTRY.replace("what: w", "note: w"), r"sources: expected a list of sources"),
        (ENTRY.replace("columns: [a]", "columns: a"), r"tables: t: columns: expected a list"),
        (ENTRY + "    notes: [{a: b}]\n", r"notes: expected a list of texts"),
        (ENTRY + "  x: [unclosed\n", r"line \d+, column \d+: not valid YAML: expected ','"),
        (ENTRY + "tabels: {}\n", r"unknown key 'tabels'"),
    ],
)
def test_a_faulty_metadata_file_is_named_with_the_entry(tmp_path: Path, change: str, message):
    path = _write(tmp_path, change)
    with pytest.raises(CurationError, match=message) as caught:
        load(path)
    assert str(path) in str(caught.value)


def test_a_source_label_missing_from_the_code_tables_is_an_error():
    """A new Kiel release in a source file stops the build until its label is in support.yaml."""
    meta = load(support.METADATA)
    spec = meta.files["kiel_support_r28.csv"]
    src = pd.DataFrame(
        {
            "release": ["Kiel UST Release 28 (workbook)", "Kiel UST Release 31 (new)"],
            "unit": ["billion EUR", "billion EUR"],
            "aid_type": ["military", "military"],
            "value": ["1.5", "0"],
        }
    )
    with pytest.raises(CurationError, match=r"data row 2: 'Kiel UST Release 31 \(new\)'") as caught:
        support.kiel_summary(src, spec, meta)
    assert re.search(r"codes: kiel_releases of .*support\.yaml; add it there", str(caught.value))
    assert spec.source in str(caught.value)


def test_corrections_name_their_row_give_a_reason_and_say_so_in_the_note():
    """P008's gathered source_url was an article on another package: corrected in support.yaml,
    with the reason added to the row's note; a correction of a row that is not there stops."""
    meta = load(support.METADATA)
    spec = meta.files["pledges_2024_2025.csv"]
    src = pd.DataFrame(
        {"pledge_id": ["P008"], "source_url": ["https://unn.ua/x"], "second_source_url": [""]}
    ).assign(note="")
    fixed = support._corrected(src, "pledge_id", "pledge_corrections", spec, meta)
    assert fixed.loc[0, "source_url"] == "https://www.krone.at/3957123"
    assert fixed.loc[0, "note"].startswith("corrected: the gathered source_url (unn.ua)")
    wrong = dataclasses.replace(
        meta, codes={**meta.codes, "pledge_corrections": {"P999": {"note": "x", "reason": "y"}}}
    )
    with pytest.raises(CurationError, match=r"pledge_corrections: P999: needs a row"):
        support._corrected(src, "pledge_id", "pledge_corrections", spec, wrong)
