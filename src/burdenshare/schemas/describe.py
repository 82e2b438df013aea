"""A table's schema as text, for people preparing their own file (``burdenshare data describe``)."""

from __future__ import annotations

from collections.abc import Sequence

from .model import Field, TableSpec

#: How each column type is written in a CSV file.
TYPE_WORDS = {
    "str": "text",
    "float": "number",
    "int": "whole number",
    "bool": "True/False",
    "date": "date YYYY-MM-DD",
    "month": "month YYYY-MM",
}


def _grid(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "") -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]

    def line(cells: Sequence[str]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells, widths, strict=False)]
        return (indent + "  ".join([*padded, cells[-1]])).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _cells(field: Field) -> list[str]:
    empty = "yes" if field.nullable else "no"
    if field.optional:
        empty += " (optional column)"
    return [field.name, TYPE_WORDS[field.type], field.unit or "-", empty, field.description]


def describe(spec: TableSpec) -> str:
    """Columns (type, unit, whether a cell may be empty, description), their allowed values and
    bounds, the rules across columns and, for long tables, the indicators."""
    lines = [
        f"{spec.name}: {spec.description}",
        f"Key (unique together): {', '.join(spec.key)}",
        "",
    ]
    lines += _grid(
        ["column", "type", "unit", "may be empty", "description"], [_cells(f) for f in spec.fields]
    )
    constrained = [(f.name, "; ".join(f.constraints())) for f in spec.fields if f.constraints()]
    lines += ["", "Values (every number must also be finite):"]
    lines += [f"  {name}: {text}" for name, text in constrained]
    if spec.rules:
        lines += ["", "Rules across columns (a failure is reported on the column named):"]
        lines += [f"  {rule.column}: {rule.expected}" for rule in spec.rules]
    if spec.indicators:
        lines += ["", "Indicators (each fixes the row's unit, price basis and bounds of value):"]
        rows = [
            [name, ind.unit, ind.prices or "-", str(ind.bounds), ind.description]
            for name, ind in spec.indicators.items()
        ]
        lines += _grid(["indicator", "unit", "prices", "bounds", "description"], rows, "  ")
    return "\n".join(lines) + "\n"
