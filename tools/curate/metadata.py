"""The metadata files beside the curation code (``spending.yaml``, ``support.yaml``,
``ppp.yaml``), read and checked.

A metadata file has these sections:

- ``families``: what a publisher's files share: a licence, and sources and notes that follow each
  file's own in its manifest entry;
- ``tables``: how a source file becomes one of ours: ``columns`` (our order), ``renamed`` (ours:
  the source's) and ``fixed`` (one value for every row);
- ``extractions`` (optional): anchors for the repositories that hold copies of a publisher's
  files, merged into ``sources`` with ``<<: *name``;
- ``codes``: code tables (the sources' labels and wordings -> ours) that the builders read;
- ``files``: one entry per file of data/: what it is built from (``table``, ``source``, optional
  ``workbook`` and ``family``) and its manifest entry (``title``, ``dataset``, ``schema`` if it
  differs from the dataset, ``edition``, ``released``, ``published`` (where ``released`` is not
  a date by which the edition was public), ``definition``, ``sources``, ``licence``, ``notes``,
  ``currency``).

Every scalar is text: no dates, numbers or booleans are guessed (``edition: 2024`` is "2024").
Anchors, aliases and ``<<`` merges work as in YAML 1.1; a key given twice is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import yaml

from burdenshare.errors import DataError

#: ``table`` of a file edited by hand in data/ (no source file): copied as it is.
BY_HAND = "by_hand"
SECTIONS = ("families", "extractions", "tables", "codes", "files")
REQUIRED = ("table", "title", "dataset", "edition", "released", "sources")


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _sources(value: Any) -> bool:
    return isinstance(value, list) and all(
        isinstance(item, dict) and "what" in item and ("url" in item or "repository" in item)
        for item in value
    )


TEXT = "text"
TEXTS = "list of texts"
TEXT_MAPPING = "mapping of texts"
SOURCES = "list of sources, each with 'what' and a 'url' or 'repository'"
#: What a field may hold, by the name an error message gives it.
KINDS: dict[str, Callable[[Any], bool]] = {
    TEXT: lambda value: isinstance(value, str),
    TEXTS: _texts,
    TEXT_MAPPING: lambda value: isinstance(value, dict) and _texts(list(value.values())),
    SOURCES: _sources,
}
FAMILY_FIELDS = {"licence": TEXT, "sources": SOURCES, "notes": TEXTS}
TABLE_FIELDS = {"columns": TEXTS, "renamed": TEXT_MAPPING, "fixed": TEXT_MAPPING}
BUILD_FIELDS = {"table": TEXT, "source": TEXT, "workbook": TEXT, "family": TEXT}
#: Manifest fields in the order data/manifest.json lists them (sha256 and rows come last).
MANIFEST_FIELDS = {
    "title": TEXT,
    "dataset": TEXT,
    "schema": TEXT,
    "edition": TEXT,
    "released": TEXT,
    "published": TEXT,
    "definition": TEXT,
    "sources": SOURCES,
    "licence": TEXT,
    "notes": TEXTS,
    "currency": TEXT,
}


class CurationError(DataError):
    """A metadata file or a source file that the curation cannot turn into data/ as declared."""


class _TextLoader(yaml.SafeLoader):
    """Safe YAML that keeps every scalar as text and refuses a key given twice in a mapping."""

    yaml_implicit_resolvers: ClassVar = {
        "<": [("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"))]
    }

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key, _ in node.value:
            if key.tag == "tag:yaml.org,2002:merge":
                continue
            if key.value in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key.value!r} is given twice", key.start_mark
                )
            seen.add(key.value)
        return super().construct_mapping(node, deep=deep)


@dataclass(frozen=True)
class Table:
    """How a source file becomes one of ours."""

    columns: list[str]
    renamed: dict[str, str]  # our column -> the source's
    fixed: dict[str, str]  # our column -> its value in every row


@dataclass(frozen=True)
class FileSpec:
    """One file of data/: what it is built from and its manifest entry."""

    name: str
    table: str
    source: str  # below ../shared/sources; "" for a file edited by hand or read from a workbook
    workbook: str  # below ../shared/sources/raw; "" if none
    manifest: dict[str, Any]  # fields in MANIFEST_FIELDS order, without sha256 and rows

    @property
    def edition(self) -> str:
        return self.manifest["edition"]


@dataclass(frozen=True)
class Metadata:
    """A parsed and checked metadata file."""

    path: Path
    tables: dict[str, Table]
    codes: dict[str, Any]
    files: dict[str, FileSpec]

    def code(self, name: str) -> Any:
        """The code table ``name`` (an error naming this file if it is not there)."""
        if name not in self.codes:
            raise CurationError(f"{self.path}: codes: there is no code table {name!r}; add it")
        return self.codes[name]


def load(path: Path) -> Metadata:
    """Read and check a metadata file; raise :class:`CurationError` naming the file and entry."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        place = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise CurationError(f"{path}: {place}not valid YAML: {error.problem}") from None
    except yaml.YAMLError as error:
        raise CurationError(f"{path}: not valid YAML: {error}") from None
    top = _mapping(document, f"{path}", SECTIONS)
    section = {name: _mapping(top.get(name, {}), f"{path}: {name}") for name in SECTIONS}
    families = {
        name: _fields(family, f"{path}: families: {name}", FAMILY_FIELDS)
        for name, family in section["families"].items()
    }
    tables = {
        name: _table(table, f"{path}: tables: {name}") for name, table in section["tables"].items()
    }
    files = {
        name: _file(name, entry, f"{path}: files: {name}", tables, families)
        for name, entry in section["files"].items()
    }
    return Metadata(path=path, tables=tables, codes=section["codes"], files=files)


def _mapping(value: Any, where: str, known: tuple[str, ...] | None = None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CurationError(f"{where}: expected a mapping (key: value lines), got {value!r}")
    unknown = [key for key in value if known is not None and key not in known]
    if unknown:
        raise CurationError(f"{where}: unknown key {unknown[0]!r}; known keys: {', '.join(known)}")
    return value


def _fields(value: Any, where: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """A mapping whose keys are among ``fields``, each value of the kind ``fields`` names."""
    mapping = _mapping(value, where, tuple(fields))
    for key, item in mapping.items():
        if not KINDS[fields[key]](item):
            raise CurationError(f"{where}: {key}: expected a {fields[key]}, got {item!r}")
    return mapping


def _table(value: Any, where: str) -> Table:
    table = _fields(value, where, TABLE_FIELDS)
    if "columns" not in table:
        raise CurationError(f"{where}: 'columns' is missing (our columns, in order)")
    return Table(table["columns"], table.get("renamed", {}), table.get("fixed", {}))


def _file(
    name: str,
    value: Any,
    where: str,
    tables: Mapping[str, Table],
    families: Mapping[str, Mapping[str, Any]],
) -> FileSpec:
    entry = _fields(value, where, {**BUILD_FIELDS, **MANIFEST_FIELDS})
    missing = [field for field in REQUIRED if field not in entry]
    if missing:
        raise CurationError(f"{where}: {', '.join(map(repr, missing))} missing")
    table = entry["table"]
    if table != BY_HAND and table not in tables:
        raise CurationError(f"{where}: table {table!r} is not under 'tables' (nor {BY_HAND!r})")
    if table != BY_HAND and not entry.get("source") and not entry.get("workbook"):
        raise CurationError(
            f"{where}: 'source' is missing (a file below ../shared/sources, or a 'workbook' in "
            "its raw/ folder)"
        )
    family = entry.get("family", "")
    if family and family not in families:
        raise CurationError(f"{where}: family {family!r} is not under 'families'")
    return FileSpec(
        name=name,
        table=table,
        source=entry.get("source", ""),
        workbook=entry.get("workbook", ""),
        manifest=_manifest_entry(entry, families.get(family, {}), where),
    )


def _manifest_entry(entry: Mapping[str, Any], family: Mapping[str, Any], where: str) -> dict:
    """The entry's manifest fields in order, with its family's licence, sources and notes."""
    if ("licence" in entry) == ("licence" in family):
        raise CurationError(f"{where}: give a licence either in the entry or in its family")
    merged = {
        **entry,
        "schema": entry.get("schema", entry["dataset"]),
        "sources": [*entry["sources"], *family.get("sources", [])],
        "licence": entry.get("licence", family.get("licence")),
        "notes": [*entry.get("notes", []), *family.get("notes", [])],
    }
    return {field: merged[field] for field in MANIFEST_FIELDS if field in merged}
