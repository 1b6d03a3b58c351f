"""What the linted source shows about loggers: imports, scopes, bound fields, statements.

Everything here reads :mod:`ast` nodes and holds no catalog knowledge; the walker
(:mod:`.walker`) uses it to know which expressions are schemalog loggers, and with which
fields already bound.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

from schemalog.record import CONTEXT_NAMES


@dataclass(frozen=True)
class Logger:
    """A logger as far as the source shows: its bound fields, and whether all are known."""

    fields: tuple[tuple[str, ast.expr], ...] = ()
    open: bool = False

    def bind(self, call: ast.Call) -> Logger:
        """Return this logger with the call's keywords bound (``**kwargs`` makes it open)."""
        fields = dict(self.fields)
        is_open = self.open
        for name, value, _ in keywords(call):
            if name is None:
                is_open = True
            elif name not in CONTEXT_NAMES:
                fields[name] = value
        return Logger(tuple(fields.items()), is_open)

    def unbind(self, call: ast.Call) -> Logger:
        """Return this logger without the names the call unbinds."""
        names = {a.value for a in call.args if isinstance(a, ast.Constant)}
        return Logger(tuple((k, v) for k, v in self.fields if k not in names), self.open)


FRESH: Final = Logger()


@dataclass
class Imports:
    """The names under which a module imported schemalog's logger API."""

    modules: set[str] = field(default_factory=set)
    factories: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    bound: set[str] = field(default_factory=set)

    @property
    def any(self) -> bool:
        """Whether the module imported any of schemalog's logger API."""
        return bool(self.modules or self.factories or self.classes)

    @classmethod
    def of(cls, tree: ast.Module) -> Imports:
        """Return the names under which ``tree`` imports schemalog's logger API."""
        found = cls()
        for node in statements(tree.body):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "schemalog":
                        found.modules.add(alias.asname or "schemalog")
                    elif alias.name.startswith("schemalog.") and alias.asname is None:
                        found.modules.add("schemalog")
            elif isinstance(node, ast.ImportFrom) and node.module in (
                "schemalog",
                "schemalog._core.logger",
                "schemalog._core.context",
            ):
                for alias in node.names:
                    name = alias.asname or alias.name
                    if alias.name == "get_logger":
                        found.factories.add(name)
                    elif alias.name == "BoundLogger":
                        found.classes.add(name)
                    elif alias.name == "bound":
                        found.bound.add(name)
        return found

    def is_api(self, node: ast.expr, names: set[str], attribute: str) -> bool:
        """Whether ``node`` names ``schemalog.<attribute>`` (imported under one of ``names``)."""
        if isinstance(node, ast.Name):
            return node.id in names
        return (
            isinstance(node, ast.Attribute)
            and node.attr == attribute
            and isinstance(node.value, ast.Name)
            and node.value.id in self.modules
        )

    def is_logger_annotation(self, node: ast.expr | None) -> bool:
        """Whether an annotation says ``BoundLogger`` (also ``BoundLogger | None``, quoted)."""
        if node is None:
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return False
        if isinstance(node, ast.BinOp):
            return self.is_logger_annotation(node.left) or self.is_logger_annotation(node.right)
        if isinstance(node, ast.Subscript):
            return self.is_logger_annotation(node.slice)
        if isinstance(node, ast.Tuple):
            return any(self.is_logger_annotation(e) for e in node.elts)
        return self.is_api(node, self.classes, "BoundLogger")


class Scope:
    """The logger names of one function (or the module): None marks a name that is not one."""

    def __init__(self, parent: Scope | None) -> None:
        self.parent = parent
        self.names: dict[str, Logger | None] = {}

    def lookup(self, name: str) -> Logger | None:
        """Return the logger a name holds here or in an enclosing scope (None: not one)."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None


@dataclass
class ClassContext:
    """Logger attributes of one class (``self.log = ...`` in any method, or in its body)."""

    attributes: dict[str, Logger] = field(default_factory=dict)


@dataclass(frozen=True)
class Deferred:
    """A function body to check once its enclosing scope is complete."""

    function: ast.FunctionDef | ast.AsyncFunctionDef
    scope: Scope
    class_context: ClassContext | None
    self_name: str | None
    bound_fields: tuple[Logger, ...]
    is_method: bool = False


def statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Yield every statement of ``body``, nested ones included (expressions are not walked)."""
    stack = list(reversed(body))
    while stack:
        statement = stack.pop()
        yield statement
        nested: list[ast.stmt] = []
        for name in ("body", "orelse", "finalbody"):
            block = getattr(statement, name, None)
            if isinstance(block, list):
                nested.extend(block)
        for handler in getattr(statement, "handlers", ()):
            nested.extend(handler.body)
        for case in getattr(statement, "cases", ()):
            nested.extend(case.body)
        stack.extend(reversed(nested))


def self_name_of(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """Return the name of a method's ``self`` (or ``cls``); None for a static method."""
    if any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list):
        return None
    every = [*function.args.posonlyargs, *function.args.args]
    return every[0].arg if every else None


def is_self_attribute(node: ast.expr, self_name: str) -> bool:
    """Whether ``node`` is ``<self_name>.<attribute>``."""
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == self_name
    )


def keywords(call: ast.Call) -> Iterator[tuple[str | None, ast.expr, ast.AST]]:
    """Yield ``(name, value, where)`` per keyword, spreading a literal ``**{"a": 1}``.

    The name is None for a ``**mapping`` that cannot be read; ``where`` is the keyword's node.
    """
    for keyword in call.keywords:
        if keyword.arg is not None:
            yield keyword.arg, keyword.value, keyword
        elif isinstance(keyword.value, ast.Dict) and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in keyword.value.keys
        ):
            for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                assert isinstance(key, ast.Constant)
                yield str(key.value), value, key
        else:
            yield None, keyword.value, keyword
