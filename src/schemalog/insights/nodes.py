"""The parsed form of a query: expression nodes and the commands of the pipeline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Literal:
    """A number or string constant."""

    value: Any


@dataclass(frozen=True)
class Field:
    """A field of the event (``a.b`` reads nested JSON), or a field an earlier command made."""

    name: str


@dataclass(frozen=True)
class Star:
    """The ``*`` of ``count(*)``."""


@dataclass(frozen=True)
class Pattern:
    """A ``/regex/`` literal, compiled."""

    regex: re.Pattern[str]


@dataclass(frozen=True)
class Call:
    """A function call; ``text`` is how the query wrote it (the default column name)."""

    name: str
    args: tuple[Expr, ...]
    position: int
    text: str = ""


@dataclass(frozen=True)
class Unary:
    """``not x`` or ``-x``."""

    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary:
    """Arithmetic, comparison, ``and``/``or``, ``like``/``=~`` (op ``like``) and ``in``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class ListOf:
    """A ``[a, b, c]`` list, the right side of ``in``."""

    items: tuple[Expr, ...]


Expr = Literal | Field | Star | Pattern | Call | Unary | Binary | ListOf


@dataclass(frozen=True)
class Named:
    """An expression with the column name it produces (``expr as name``, or its text)."""

    expr: Expr
    name: str


@dataclass(frozen=True)
class Fields:
    """``fields a, b as c``: compute fields and add them to the displayed columns."""

    items: tuple[Named, ...]


@dataclass(frozen=True)
class Display:
    """``display a, b``: the columns shown, replacing those ``fields`` chose."""

    names: tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    """``filter expr``: keep the rows where it is true."""

    condition: Expr


@dataclass(frozen=True)
class Stats:
    """``stats agg(...) as x, ... by g, bin(1h)``: one row per group."""

    aggregates: tuple[Named, ...]
    groups: tuple[Named, ...] = field(default=())


@dataclass(frozen=True)
class Sort:
    """``sort a desc, b``: (column, descending) pairs."""

    keys: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Limit:
    """``limit n``."""

    count: int


@dataclass(frozen=True)
class Parse:
    """``parse field "glob *" as a`` or ``parse field /(?<a>re)/``: a regex with named groups."""

    source: str
    regex: re.Pattern[str]
    names: tuple[str, ...]


Command = Fields | Display | Filter | Stats | Sort | Limit | Parse


@dataclass(frozen=True)
class Query:
    """A parsed query: its commands in order, and its text."""

    commands: tuple[Command, ...]
    text: str
