"""Which reports to run: notebook discovery, parameters, grids and safe output names."""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from ..errors import ParameterError, ReportError
from ..paths import missing_reason, read_regular_file

#: Grids of the default report set: notebook -> {parameter: keyword or values}.
DEFAULT_EXPANSIONS: dict[str, dict[str, str]] = {
    "country_profile": {"country": "allies"},
    "what_changed": {"dataset": "nato_spending,sipri_milex,kiel_support"},
}
_SLUG_MAX = 80


def notebooks_dir() -> Path:
    """The package's notebooks: ``burdenshare/notebooks`` in a wheel, else the repo's ``notebooks/``."""
    inside = Path(__file__).resolve().parents[1] / "notebooks"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[3] / "notebooks"


@dataclass(frozen=True)
class Parameter:
    """One parameter of a notebook's ``parameters`` cell (from papermill's inspection)."""

    name: str
    type: str
    default: str
    help: str


@dataclass(frozen=True)
class NotebookInfo:
    """A notebook that reports can run: its parameters and its own description (the
    ``burdenshare`` entry of its metadata: title, description, section)."""

    name: str
    path: Path
    parameters: tuple[Parameter, ...]
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def parameter_names(self) -> set[str]:
        return {p.name for p in self.parameters}


@dataclass(frozen=True)
class ReportSpec:
    """One report: a notebook, the parameters given to it, and the output file stem."""

    notebook: str
    path: str
    parameters: dict[str, Any] = field(default_factory=dict)
    stem: str = ""


class InspectionMemo(Protocol):
    """Somewhere to keep notebooks' inspected parameters by the sha256 of their bytes."""

    def get_inspection(self, digest: str) -> dict[str, Any] | None: ...

    def put_inspection(self, digest: str, found: dict[str, Any]) -> None: ...


def _inspect(path: Path, raw: bytes) -> dict[str, Any]:
    """Parameters and description of one notebook, with an error naming it when it is broken."""
    try:
        doc = json.loads(raw.decode("utf-8"))  # notebooks are UTF-8 (nbformat)
    except UnicodeDecodeError as exc:
        raise ReportError(
            f"{path}: not a notebook: byte {exc.start} is not UTF-8. Fix the file or move it out"
            " of the notebooks folder."
        ) from None
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path}: not a notebook: invalid JSON at line {exc.lineno} column {exc.colno}"
            f" ({exc.msg}). Fix the file or move it out of the notebooks folder."
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("cells"), list):
        raise ReportError(
            f"{path}: not a Jupyter notebook (no list of cells). Fix the file or move it out of"
            " the notebooks folder."
        )
    import papermill  # lazy: its import (nbformat, jsonschema) costs a second

    try:
        inspected = papermill.inspect_notebook(str(path))
    except Exception as exc:
        raise ReportError(
            f"{path}: cannot read its parameters cell ({type(exc).__name__}: {exc}). Fix the"
            " notebook or move it out of the notebooks folder."
        ) from None
    meta = doc.get("metadata", {}).get("burdenshare", {})
    return {
        "parameters": [
            {
                "name": name,
                "type": str(info.get("inferred_type_name") or "None"),
                "default": str(info.get("default")),
                "help": str(info.get("help") or ""),
            }
            for name, info in inspected.items()
        ],
        "meta": meta if isinstance(meta, dict) else {},
    }


def discover(folder: Path | None = None, memo: InspectionMemo | None = None) -> list[NotebookInfo]:
    """Every ``*.ipynb`` in ``folder`` (default :func:`notebooks_dir`) with its parameters.

    A notebook that cannot be read raises :class:`ReportError` naming it. ``memo`` keeps the
    inspection of each notebook's exact bytes, so unchanged notebooks are not parsed again.
    """
    folder = Path(folder) if folder else notebooks_dir()
    if not folder.is_dir():
        raise ReportError(f"{folder}: no notebooks folder; pass --notebooks-dir DIR.")
    found = []
    for path in sorted(folder.glob("*.ipynb")):
        raw = read_notebook(path)
        digest = hashlib.sha256(raw).hexdigest()
        inspected = memo.get_inspection(digest) if memo is not None else None
        if inspected is None:
            inspected = _inspect(path, raw)
            if memo is not None:
                memo.put_inspection(digest, inspected)
        params = tuple(Parameter(**p) for p in inspected["parameters"])
        found.append(NotebookInfo(path.stem, path, params, dict(inspected.get("meta", {}))))
    return found


def read_notebook(path: Path | str) -> bytes:
    """A notebook's bytes: a regular file within the size limit, else a ReportError naming it
    (a pipe or device named *.ipynb never holds a run up)."""
    return read_regular_file(
        path,
        what="a notebook",
        error=lambda m: ReportError(f"{m} Fix it or move it out of the notebooks folder."),
    )


def parse_value(text: str) -> Any:
    """Papermill's ``-p`` rule: bool, None, int and float are recognised; anything else is text."""
    if text in ("True", "true"):
        return True
    if text in ("False", "false"):
        return False
    if text in ("None", "none"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


#: At most this many values (list items, mapping entries, scalars) in one YAML text once its
#: aliases are expanded: a few nested anchors ("billion laughs") cannot exhaust memory.
MAX_YAML_VALUES = 100_000
_PLAIN = "tag:burdenshare:plain"
_YAML_NULLS = ("", "~", "null", "Null", "NULL")


class _Loader(yaml.SafeLoader):
    """The safe loader, reading an unquoted scalar by the ``-p`` rule (:func:`parse_value`), so a
    value means the same in ``-p``, ``-y`` and ``-f``: ``NO`` is the text "NO" (Norway), not
    False; ``2024-12-31`` is text, not a date; ``017`` is 17. Quoted scalars are text."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0] and value not in ("<<", "="):
            return _PLAIN
        return super().resolve(kind, value, implicit)


def _plain(loader: _Loader, node: yaml.ScalarNode) -> Any:
    text = loader.construct_scalar(node)
    return None if text in _YAML_NULLS else parse_value(str(text))


_Loader.add_constructor(_PLAIN, _plain)


def _count_values(value: Any, budget: int) -> int:
    """How many values ``value`` holds with shared parts counted every time (stops past
    ``budget``)."""
    count, stack = 0, [value]
    while stack and count <= budget:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
            count += len(item)
        elif isinstance(item, list):
            stack.extend(item)
    return count


def check_plain(name: str, value: Any, where: str = "parameters") -> None:
    """A ParameterError naming the parameter for a value no notebook can be given: NaN or
    infinity (strict JSON has neither), also inside lists, or a mapping key that is not text."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ParameterError(
            f"{where}: parameter {name!r} = {value!r} is not a finite number; give a number such"
            " as 0.015 (NaN and infinity are not parameter values)."
        )
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            check_plain(f"{name}[{i}]", item, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ParameterError(f"{where}: parameter {name!r}: key {key!r} is not text.")
            check_plain(f"{name}[{key!r}]", item, where)


def _load_yaml(text: str, where: str) -> Any:
    """The YAML in ``text`` (safe loader, unquoted values read as ``-p`` reads them, at most
    :data:`MAX_YAML_VALUES` values once aliases are expanded), or a ParameterError naming
    ``where`` with the line and column of the problem."""
    try:
        loaded = yaml.load(text, Loader=_Loader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f" line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(
            f"{where}{place}: not plain YAML ({problem}). Write parameters as a mapping of plain"
            " values, e.g. `targets: [2, 3.5]`; Python objects and tags are refused."
        ) from None
    except RecursionError:
        raise ParameterError(
            f"{where}: lists or mappings nested too deeply; parameters are short lists and"
            " mappings: write them out."
        ) from None
    if _count_values(loaded, MAX_YAML_VALUES) > MAX_YAML_VALUES:
        raise ParameterError(
            f"{where}: more than {MAX_YAML_VALUES:,} values once its aliases (*name) are expanded;"
            " parameters are short lists and mappings: write them out."
        )
    return loaded


def _yaml_mapping(text: str, where: str) -> dict[str, Any]:
    """A mapping of parameters from the YAML in ``text`` (see :func:`_load_yaml`), each name an
    identifier and each value plain, or a ParameterError naming ``where``."""
    loaded = _load_yaml(text, where)
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ParameterError(
            f"{where}: parameters must be a YAML mapping (KEY: VALUE lines), not a "
            f"{type(loaded).__name__}."
        )
    bad = [k for k in loaded if not isinstance(k, str) or not k.isidentifier()]
    if bad:
        raise ParameterError(f"{where}: {bad[0]!r} is not a parameter name.")
    for key, value in loaded.items():
        check_plain(key, value, where)
    return loaded


def _parameters_file(path: str | Path) -> dict[str, Any]:
    """The parameters in a ``-f`` file: it must exist and hold a YAML mapping in UTF-8."""
    reason = missing_reason(path)
    if reason is not None:
        found = "no such parameters file" if reason == "not found" else reason
        raise ParameterError(f"-f {path}: {found}.".replace("..", "."))
    raw = read_regular_file(
        path, what="a parameters file", error=lambda m: ParameterError(f"-f {m}")
    )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParameterError(f"-f {path}: byte {exc.start} is not UTF-8 text.") from None
    return _yaml_mapping(text, f"-f {path}")


def _pair(key: str, value: str) -> Any:
    """The value of one ``-p KEY VALUE`` pair (see :func:`parse_value`)."""
    if not key.isidentifier():
        raise ParameterError(f"-p {key!r}: not a parameter name.")
    parsed = parse_value(value)
    check_plain(key, parsed, "-p")
    return parsed


def merge_parameters(
    files: Sequence[str | Path] | None = None,
    yaml_texts: Sequence[str] | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """Parameters from YAML files (``-f``), YAML text (``-y``) and ``-p KEY VALUE`` pairs, in that
    order (later ones win), as papermill merges them. Files must exist and hold a YAML mapping."""
    params: dict[str, Any] = {}
    for path in files or []:
        params.update(_parameters_file(path))
    for text in yaml_texts or []:
        params.update(_yaml_mapping(text, f"-y {text[:60]!r}"))
    for key, value in pairs or []:
        params[key] = _pair(key, value)
    return params


def grids_of(for_each: Mapping[str, Sequence[Any] | str] | None) -> dict[str, list[Any]]:
    """Grid values per parameter: a list as given, or text as ``--for-each`` reads it."""
    grids: dict[str, list[Any]] = {}
    for key, values in (for_each or {}).items():
        if isinstance(values, str):
            grids.update(parse_for_each([f"{key}={values}"]))
        else:
            grids[key] = list(values)
    return grids


def parse_for_each(items: Sequence[str]) -> dict[str, list[Any]]:
    """``["country=allies", "year=2024,2025"]`` -> ``{"country": [...32 codes], "year": [2024, 2025]}``.

    A key given twice is an error (give all its values once: ``KEY=V1,V2``).
    """
    grids: dict[str, list[Any]] = {}
    for item in items:
        key, sep, values = item.partition("=")
        key = key.strip()
        if not sep or not key or not values.strip():
            raise ParameterError(f"--for-each {item!r}: write KEY=V1,V2 or KEY=allies.")
        if not key.isidentifier():
            raise ParameterError(f"--for-each {item!r}: {key!r} is not a parameter name.")
        if key in grids:
            raise ParameterError(
                f"--for-each {key} is given twice; give all its values once: --for-each"
                f" {key}=V1,V2."
            )
        if values.strip() == "allies":
            from ..countries import nato_allies  # lazy: pandas, not needed to start a run

            grids[key] = list(nato_allies())
        else:
            grids[key] = [parse_value(v.strip()) for v in values.split(",") if v.strip()]
    return grids


def slugify(text: str) -> str:
    """File-name-safe text: letters, digits, ``.``, ``_``, ``-``; nothing that walks directories."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    slug = re.sub(r"\.{2,}", "-", slug)
    return re.sub(r"-{2,}", "-", slug).strip("-.")


def output_stem(notebook: str, parameters: Mapping[str, Any]) -> str:
    """The file stem of a report: the notebook name, then ``key-value`` parts, made safe.

    When making the text safe lost information (or it is too long) a short hash of the exact
    parameters is appended, so different parameters never share a stem.
    """
    parts = [notebook] + [f"{k}-{_text(v)}" for k, v in sorted(parameters.items())]
    raw = "__".join(parts)
    slug = "__".join(slugify(p) or "x" for p in parts)
    if slug != raw or len(slug) > _SLUG_MAX:
        digest = hashlib.sha1(
            json.dumps([notebook, parameters], sort_keys=True, default=str).encode()
        ).hexdigest()[:8]
        slug = f"{slug[:_SLUG_MAX]}__{digest}"
    return slug


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def plan(
    infos: Sequence[NotebookInfo],
    notebooks: Sequence[str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    for_each: Mapping[str, Sequence[Any]] | None = None,
) -> list[ReportSpec]:
    """The reports to run.

    Without ``notebooks`` and ``for_each`` this is the default set: every notebook with its
    defaults, with :data:`DEFAULT_EXPANSIONS` applied to the notebooks that exist. A parameter or
    grid key goes only to the notebooks that declare it; one that no chosen notebook declares is an
    error.
    """
    parameters = dict(parameters or {})
    grids = {k: list(v) for k, v in (for_each or {}).items()}
    both = sorted(set(parameters) & set(grids))
    if both:
        raise ParameterError(
            f"parameter(s) {both} are set by both -p/-y/-f and --for-each; give each parameter"
            " one way."
        )
    chosen = _chosen(infos, notebooks)
    _check_given(chosen, parameters, grids)
    default_set = not notebooks and not grids
    specs = [s for info in chosen for s in _specs_of(info, parameters, grids, default_set)]
    return _unique_stems(specs)


def _chosen(infos: Sequence[NotebookInfo], notebooks: Sequence[str] | None) -> list[NotebookInfo]:
    """The notebooks named (each once, in the order given), or all of them."""
    if not notebooks:
        return list(infos)
    if isinstance(notebooks, str):  # one name, not a sequence of letters
        notebooks = [notebooks]
    by_name = {i.name: i for i in infos}
    unknown = [n for n in notebooks if n not in by_name]
    if unknown:
        raise ParameterError(
            f"unknown notebook(s) {unknown}; choose from {sorted(by_name)} "
            "(`burdenshare notebooks` lists them)."
        )
    return [by_name[n] for n in dict.fromkeys(notebooks)]


def _check_given(
    chosen: Sequence[NotebookInfo], parameters: Mapping[str, Any], grids: Mapping[str, list[Any]]
) -> None:
    """A ParameterError for a parameter or grid key no chosen notebook declares, a grid without
    values, or a value no notebook can be given."""
    declared = set().union(*(i.parameter_names for i in chosen))
    stray = sorted((set(parameters) | set(grids)) - declared)
    if stray:
        raise ParameterError(
            f"parameter(s) {stray} are declared by none of the chosen notebooks "
            f"({[i.name for i in chosen]}); see `burdenshare notebooks`."
        )
    for key, values in grids.items():
        if not values:
            raise ParameterError(f"--for-each {key}= has no values.")
        check_plain(key, values, "--for-each")
    for key, value in parameters.items():
        check_plain(key, value)


def _default_grids(info: NotebookInfo, own: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The grids :data:`DEFAULT_EXPANSIONS` gives ``info`` in the default set, for the parameters
    it declares that were not given a value (``own``)."""
    expansions = DEFAULT_EXPANSIONS.get(info.name, {})
    wanted = [k for k in expansions if k in info.parameter_names and k not in own]
    return parse_for_each([f"{k}={expansions[k]}" for k in wanted])


def _specs_of(
    info: NotebookInfo,
    parameters: Mapping[str, Any],
    grids: Mapping[str, list[Any]],
    default_set: bool,
) -> list[ReportSpec]:
    """The reports of one notebook: its share of ``parameters``, over the product of its grids
    (in the default set, also its :func:`_default_grids`)."""
    own = {k: v for k, v in parameters.items() if k in info.parameter_names}
    own_grids = {k: v for k, v in grids.items() if k in info.parameter_names}
    if default_set:
        own_grids.update(_default_grids(info, own))
    keys = sorted(own_grids)
    return [
        ReportSpec(info.name, str(info.path), {**own, **dict(zip(keys, combo, strict=True))})
        for combo in itertools.product(*(own_grids[k] for k in keys))
    ]


#: Stems the site's own files use (``index.html``, ``manifest.json``): a report whose name would
#: be one of them (in any case, for case-insensitive file systems) gets ``__report`` appended.
SITE_STEMS = ("index", "manifest")


def _unique_stems(specs: list[ReportSpec]) -> list[ReportSpec]:
    seen: dict[str, int] = {}
    named = []
    for spec in specs:
        stem = output_stem(spec.notebook, spec.parameters)
        if stem.lower() in SITE_STEMS:
            stem = f"{stem}__report"
        if stem in seen:
            seen[stem] += 1
            stem = f"{stem}__{seen[stem]}"
        else:
            seen[stem] = 0
        named.append(ReportSpec(spec.notebook, spec.path, spec.parameters, stem))
    return named


def safe_path(out: Path, stem: str, suffix: str) -> Path:
    """``out/stem+suffix``, refusing anything that would land outside ``out``."""
    target = (out / f"{stem}{suffix}").resolve()
    if target.parent != out.resolve() or not slugify(stem) == stem:
        raise ReportError(f"refusing to write {stem!r}: output names must stay inside {out}.")
    return target


def safe_file(out: Path, name: str, stem: str) -> Path:
    """``out/name`` for an output file of report ``stem``: one file-name-safe part that starts
    with the stem, refusing anything that would land outside ``out``."""
    if not name.startswith(stem) or slugify(name) != name:
        raise ReportError(
            f"refusing to write {name!r}: files of report {stem!r} must be named {stem}<suffix>"
            f" with letters, digits, '.', '_' or '-', inside {out}."
        )
    return safe_path(out, name, "")
