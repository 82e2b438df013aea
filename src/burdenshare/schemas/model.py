"""The building blocks of the schemas: a column (:class:`Field`), its bounds (:class:`Bounds`), a
rule across columns (:class:`Rule`) and a table (:class:`TableSpec`).

A :class:`Field` states everything about one column once: type, nullability, allowed values,
pattern, bounds, unit and a one-line description. A :class:`TableSpec` lists its fields, its key
and its rules, and builds its pandera schema from them, so a column's rules live in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import pandas as pd
import pandera.pandas as pa

#: How a column's text is typed: "str", "float", "int", "bool", "date" (YYYY-MM-DD), "month".
ColumnType = Literal["str", "float", "int", "bool", "date", "month"]
NUMERIC: frozenset[str] = frozenset({"float", "int"})

Bound = float | int | pd.Timestamp


def _number(value: Bound) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Bounds:
    """A closed or open interval a value must lie in (``None``: no bound on that side)."""

    low: Bound | None = None
    high: Bound | None = None
    low_open: bool = False
    high_open: bool = False

    def ok(self, values: pd.Series) -> pd.Series:
        """True where a value lies inside (empty cells are not judged here)."""
        inside = pd.Series(True, index=values.index)
        if self.low is not None:
            inside &= (values > self.low) if self.low_open else (values >= self.low)
        if self.high is not None:
            inside &= (values < self.high) if self.high_open else (values <= self.high)
        return inside.fillna(True).astype(bool) | values.isna()

    def __str__(self) -> str:
        low = "" if self.low is None else f"{_number(self.low)} {'<' if self.low_open else '<='} "
        high = (
            "" if self.high is None else f" {'<' if self.high_open else '<='} {_number(self.high)}"
        )
        return f"{low}x{high}"


@dataclass(frozen=True)
class ElementTest:
    """A check of each value on its own (e.g. "a known country code"), vectorised over a column."""

    test: Callable[[pd.Series], pd.Series]
    text: str

    @classmethod
    def each(cls, judge: Callable[[object], bool], text: str) -> ElementTest:
        """A test that calls ``judge`` once per distinct value of the column."""

        def test(values: pd.Series) -> pd.Series:
            verdicts = {value: bool(judge(value)) for value in values.unique()}
            return values.map(verdicts).astype(bool)

        return cls(test, text)


@dataclass(frozen=True)
class Field:
    """One column: its type, nullability, allowed values, pattern, bounds, unit and meaning.

    ``unit`` is the column's unit where it has one ("" where the column is not a quantity or its
    unit is given per row, as in the long tables' ``unit`` column). ``optional``: the column may be
    missing from a file (it is then added empty). ``differs`` says, in the catalogue, how the
    column's meaning varies between tables that override it.
    """

    name: str
    type: ColumnType
    description: str
    unit: str = ""
    nullable: bool = False
    optional: bool = False
    allowed: tuple[str, ...] = ()
    pattern: str = ""
    bounds: Bounds | None = None
    test: ElementTest | None = None
    expected: str = ""
    differs: str = ""

    def but(self, **changes: object) -> Field:
        """This field with some attributes changed (a table's override of the catalogue entry)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def named(self, name: str, description: str, **changes: object) -> Field:
        """A field of this kind (same type and checks) with its own name and description."""
        return self.but(name=name, description=description, **changes)

    def constraints(self) -> list[str]:
        """The field's value rules as readable text, in the order they are checked."""
        found = []
        if self.allowed:
            found.append("one of " + ", ".join(self.allowed))
        if self.pattern:
            found.append(self.expected or f"text matching {self.pattern}")
        if self.test is not None:
            found.append(self.test.text)
        if self.bounds is not None:
            found.append(str(self.bounds))
        return found

    def checks(self) -> list[pa.Check]:
        """The pandera checks of the field (same order as :meth:`constraints`)."""
        texts = iter(self.constraints())
        checks = []
        if self.allowed:
            checks.append(pa.Check.isin(list(self.allowed), error=next(texts)))
        if self.pattern:
            pattern = self.pattern
            checks.append(
                pa.Check(lambda s: s.astype(str).str.fullmatch(pattern), error=next(texts))
            )
        if self.test is not None:
            checks.append(pa.Check(self.test.test, error=next(texts)))
        if self.bounds is not None:
            bounds = self.bounds
            checks.append(pa.Check(bounds.ok, error=next(texts)))
        return checks


@dataclass(frozen=True)
class Rule:
    """A check across the columns of a row; a failure is reported on ``column``.

    ``ok(frame)`` is True for rows that pass. ``expected`` says what was expected; ``detail``
    (optional) gives a more precise expectation for each row, used for the rows that fail.
    ``uses``: the other columns the rule reads; where one of them is already reported bad in a
    row, the rule's judgement of that row is not reported (one bad cell, one problem).
    """

    column: str
    ok: Callable[[pd.DataFrame], pd.Series]
    expected: str
    detail: Callable[[pd.DataFrame], pd.Series] | None = None
    uses: tuple[str, ...] = ()

    def explain(self, frame: pd.DataFrame) -> pd.Series:
        """The expectation text for each row of ``frame`` (the failing rows, usually)."""
        if self.detail is None:
            return pd.Series(self.expected, index=frame.index)
        return self.detail(frame).fillna(self.expected).astype(str)


@dataclass(frozen=True)
class Indicator:
    """What an indicator of a long table measures: unit, price basis, bounds and meaning.

    ``prices``: "current", "constant" or "" (not a price series).
    """

    unit: str
    prices: str
    bounds: Bounds
    description: str


@dataclass(frozen=True, eq=False)
class TableSpec:
    """The schema of one tidy table, built from catalogue fields.

    ``fields`` in file order; ``key`` columns are unique together; ``rules`` check across columns;
    ``indicators`` (long tables) say what each value of the ``indicator`` column measures.
    ``columns``, ``nullable``, ``optional`` and the pandera ``schema`` are derived from the fields.
    """

    name: str
    description: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    rules: tuple[Rule, ...] = ()
    indicators: Mapping[str, Indicator] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        repeated = {n for n in names if names.count(n) > 1}
        ruled = {r.column for r in self.rules} | {c for r in self.rules for c in r.uses}
        unknown = (set(self.key) | ruled) - set(names)
        unbounded = [f.name for f in self.fields if f.type in NUMERIC and f.bounds is None]
        if repeated or unknown or unbounded:
            raise ValueError(
                f"table {self.name}: repeated columns {sorted(repeated)}, unknown key or rule "
                f"columns {sorted(unknown)}, numeric columns without bounds {unbounded}"
            )

    @cached_property
    def columns(self) -> dict[str, ColumnType]:
        """Each column and its type, in file order."""
        return {f.name: f.type for f in self.fields}

    @cached_property
    def nullable(self) -> frozenset[str]:
        """Columns that may hold empty cells."""
        return frozenset(f.name for f in self.fields if f.nullable)

    @cached_property
    def optional(self) -> frozenset[str]:
        """Columns that may be missing from a file (added empty)."""
        return frozenset(f.name for f in self.fields if f.optional)

    def field(self, name: str) -> Field:
        """The field of a column."""
        return next(f for f in self.fields if f.name == name)

    @cached_property
    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema: each field's checks and nullability, and the rules."""
        return pa.DataFrameSchema(
            {f.name: pa.Column(nullable=f.nullable, checks=f.checks()) for f in self.fields},
            # rules judge empty cells themselves (ignore_na=False also spares pandera a pass)
            checks=[pa.Check(rule.ok, error=rule.expected, ignore_na=False) for rule in self.rules],
        )


def fields_of(catalogue: Mapping[str, Field], *columns: str | Field) -> tuple[Field, ...]:
    """Fields for a table: a name takes the catalogue's field, a :class:`Field` is an override."""
    return tuple(c if isinstance(c, Field) else catalogue[c] for c in columns)
