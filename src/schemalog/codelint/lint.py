"""``schemalog lint``: event calls in Python source, checked against the catalog.

The source is parsed with :mod:`ast`, never imported or run. A file that does not mention
``schemalog`` cannot hold a recognisable call, so it is skipped unparsed: that keeps the lint
fast enough for pre-commit on a large repository.

**Which objects are schemalog loggers.** A name or ``self`` attribute assigned from
``schemalog.get_logger(...)`` (or a ``get_logger`` imported from schemalog), from another
logger's ``.bind(...)`` / ``.unbind(...)``, a parameter or variable annotated ``BoundLogger``,
and such expressions used directly (``get_logger("x").bind(a=1).info(...)``). Assignments are
followed in source order within each function; a function sees its module's final names. A
stdlib ``logging`` logger is never mistaken for one, whatever its name.

**What is an event call.** ``debug``, ``info``, ``warning``, ``error``, ``critical`` and
``exception`` (the event type first, or as ``event_type=``) and ``log`` (after the level) on a
logger. Fields come from the call's keywords, from a literal ``**{...}``, from ``.bind()``
along the logger's chain, and from an enclosing ``with schemalog.bound(...)``. A call whose
event type is not a string literal is counted but not checked.

**Findings** (``file:line:col: code: message``): ``unknown-event`` (with a suggestion),
``unknown-version`` (a pinned ``schema_version`` the catalog lacks), ``undeclared-field``,
``missing-field`` (only when every field is visible: no other ``**kwargs``), ``wrong-type``
(literal values, and values whose type is plain: f-strings, ``str(...)``, ``len(...)``...),
``reserved-name`` (an envelope name schemalog sets itself) and ``bad-call`` (extra positional
arguments). A comment ``# schemalog: ignore`` on any line of a call silences its findings;
``# schemalog: ignore[wrong-type, undeclared-field]`` silences only those codes.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from schemalog.catalog.load import Catalog, SchemaVersion
from schemalog.catalog.validators import _TYPE_NAMES, CompiledValidator  # one wording for types
from schemalog.exceptions import UnknownEventError
from schemalog.record import CONTEXT_NAMES, STAMPED_NAMES

LEVEL_METHODS: Final = frozenset({"debug", "info", "warning", "error", "critical", "exception"})
#: Keywords the pipeline takes for itself rather than as event fields.
_CALL_OPTIONS: Final = frozenset({"exc_info", "schema_version", "event_type"})
#: Directories never descended into when a directory is linted.
SKIPPED_DIRS: Final = frozenset(
    {"__pycache__", "node_modules", "venv", "site-packages", "build", "dist"}
)
_IGNORE: Final = re.compile(r"#.*?\bschemalog:\s*ignore\b(?:\[([^\]]*)\])?")
_PLAIN_CALLS: Final = {
    "str": "string",
    "repr": "string",
    "format": "string",
    "int": "integer",
    "len": "integer",
    "float": "number",
    "bool": "boolean",
    "dict": "object",
    "list": "array",
    "tuple": "array",
    "sorted": "array",
}
_COLLECTIONS: Final = {
    ast.List: "array",
    ast.Tuple: "array",
    ast.Set: "array",
    ast.ListComp: "array",
    ast.SetComp: "array",
    ast.Dict: "object",
    ast.DictComp: "object",
    ast.JoinedStr: "string",
}
_UNKNOWN: Final = object()


@dataclass(frozen=True, order=True)
class LintFinding:
    """One problem at one place in the source."""

    path: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code}: {self.message}"


@dataclass
class LintReport:
    """What one lint run found and saw."""

    findings: list[LintFinding] = field(default_factory=list)
    #: Files that could not be read or parsed, each as ``path: reason``.
    unreadable: list[str] = field(default_factory=list)
    files: int = 0
    parsed: int = 0
    calls: int = 0
    dynamic: int = 0
    ignored: int = 0
    emitted: set[str] = field(default_factory=set)

    def not_emitted(self, catalog: Catalog) -> list[str]:
        """Return the cataloged event types that no linted call emits."""
        return [name for name in catalog if name not in self.emitted]


@dataclass(frozen=True)
class _Logger:
    """A logger as far as the source shows: its bound fields, and whether all are known."""

    fields: tuple[tuple[str, ast.expr], ...] = ()
    open: bool = False

    def bind(self, call: ast.Call) -> _Logger:
        fields = dict(self.fields)
        is_open = self.open
        for name, value, _ in _keywords(call):
            if name is None:
                is_open = True
            elif name not in CONTEXT_NAMES:
                fields[name] = value
        return _Logger(tuple(fields.items()), is_open)

    def unbind(self, call: ast.Call) -> _Logger:
        names = {a.value for a in call.args if isinstance(a, ast.Constant)}
        return _Logger(tuple((k, v) for k, v in self.fields if k not in names), self.open)


_FRESH: Final = _Logger()


def iter_python_files(paths: Iterable[str]) -> Iterator[tuple[str, str | None]]:
    """Yield ``(path, problem)`` for every Python file under ``paths``, sorted per directory.

    A file named on the command line is linted whatever its suffix; directories are searched
    for ``*.py``, skipping hidden directories, virtual environments and build output.
    """
    for given in paths:
        if os.path.isfile(given):
            yield given, None
        elif os.path.isdir(given):
            for directory, subdirs, files in os.walk(given):
                subdirs[:] = sorted(
                    d for d in subdirs if not d.startswith(".") and d not in SKIPPED_DIRS
                )
                for name in sorted(files):
                    if name.endswith(".py"):
                        yield os.path.join(directory, name), None
        else:
            yield given, "no such file or directory"


def lint_paths(paths: Iterable[str], catalog: Catalog) -> LintReport:
    """Lint every Python file under ``paths`` against ``catalog``."""
    report = LintReport()
    checker = _CallChecker(catalog)
    for path, problem in iter_python_files(paths):
        if problem is not None:
            report.unreadable.append(f"{path}: {problem}")
            continue
        report.files += 1
        try:
            source = Path(path).read_bytes()
        except OSError as error:
            report.unreadable.append(f"{path}: cannot read: {error.strerror}")
            continue
        if b"schemalog" not in source:
            continue
        lint_source(source, path, checker, report)
    report.findings.sort()
    return report


def lint_source(
    source: bytes | str, path: str, checker: _CallChecker | Catalog, report: LintReport
) -> None:
    """Lint one file's source into ``report``."""
    if isinstance(checker, Catalog):
        checker = _CallChecker(checker)
    try:
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError) as error:
        where = f":{error.lineno}" if isinstance(error, SyntaxError) and error.lineno else ""
        reason = error.msg if isinstance(error, SyntaxError) else str(error)
        report.unreadable.append(f"{path}{where}: cannot parse: {reason}")
        return
    except (RecursionError, MemoryError):  # CPython's parser raises either when nested too deep
        report.unreadable.append(f"{path}: cannot parse: too deeply nested")
        return
    report.parsed += 1
    imports = _Imports.of(tree)
    if not imports.any:
        return
    text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
    ignores = _ignore_comments(text) if "schemalog:" in text else {}
    try:
        _ModuleLinter(path, imports, checker, report, ignores).run(tree)
    except RecursionError:  # the visitor recurses; a file valid for Python can still be too deep
        report.unreadable.append(f"{path}: cannot lint: too deeply nested")


def _ignore_comments(text: str) -> dict[int, frozenset[str] | None]:
    """Map line numbers to the codes their ``# schemalog: ignore[...]`` silences (None: all)."""
    found: dict[int, frozenset[str] | None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            codes = match.group(1)
            found[number] = (
                None if codes is None else frozenset(c.strip() for c in codes.split(","))
            )
    return found


@dataclass
class _Imports:
    """The names under which a module imported schemalog's logger API."""

    modules: set[str] = field(default_factory=set)
    factories: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    bound: set[str] = field(default_factory=set)

    @property
    def any(self) -> bool:
        return bool(self.modules or self.factories or self.classes)

    @classmethod
    def of(cls, tree: ast.Module) -> _Imports:
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


class _Scope:
    """The logger names of one function (or the module): None marks a name that is not one."""

    def __init__(self, parent: _Scope | None) -> None:
        self.parent = parent
        self.names: dict[str, _Logger | None] = {}

    def lookup(self, name: str) -> _Logger | None:
        scope: _Scope | None = self
        while scope is not None:
            if name in scope.names:
                return scope.names[name]
            scope = scope.parent
        return None


@dataclass
class _ClassContext:
    """Logger attributes of one class (``self.log = ...`` in any method, or in its body)."""

    attributes: dict[str, _Logger] = field(default_factory=dict)


@dataclass(frozen=True)
class _Deferred:
    """A function body to check once its enclosing scope is complete."""

    function: ast.FunctionDef | ast.AsyncFunctionDef
    scope: _Scope
    class_context: _ClassContext | None
    self_name: str | None
    bound_fields: tuple[_Logger, ...]
    is_method: bool = False


class _ModuleLinter(ast.NodeVisitor):
    """Walks one module in source order, tracking loggers, and checks each event call."""

    def __init__(
        self,
        path: str,
        imports: _Imports,
        checker: _CallChecker,
        report: LintReport,
        ignores: Mapping[int, frozenset[str] | None],
    ) -> None:
        self.path = path
        self.imports = imports
        self.checker = checker
        self.report = report
        self.ignores = ignores
        self.scope = _Scope(None)
        self.class_context: _ClassContext | None = None
        self.self_name: str | None = None
        self.bound_fields: list[_Logger] = []
        self.deferred: list[_Deferred] = []

    def visit(self, node: ast.AST) -> None:
        """Dispatch on the node's type through a cache (the lint's hot loop)."""
        kind = type(node)
        handler = _HANDLERS.get(kind)
        if handler is None:
            handler = _HANDLERS[kind] = getattr(
                type(self), f"visit_{kind.__name__}", _ModuleLinter.generic_visit
            )
        handler(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        """Visit the node's children (expressions and statements alike)."""
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def run(self, tree: ast.Module) -> None:
        self.visit(tree)
        while self.deferred:  # function bodies run after their enclosing scope is complete
            batch, self.deferred = self.deferred, []
            for job in batch:
                self.scope = _Scope(job.scope)
                self.class_context = job.class_context
                self.self_name = job.self_name
                self.bound_fields = list(job.bound_fields)
                self._parameters(job.function, is_method=job.is_method)
                for statement in job.function.body:
                    self.visit(statement)

    def _parameters(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, *, is_method: bool
    ) -> None:
        arguments = function.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        for extra in (arguments.vararg, arguments.kwarg):
            if extra is not None:
                every.append(extra)
        for argument in every:
            is_logger = self.imports.is_logger_annotation(argument.annotation)
            self.scope.names[argument.arg] = _FRESH if is_logger else None
        if is_method:
            self.self_name = _self_name(function)

    # -- scopes -------------------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for expression in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if expression is not None:
                self.visit(expression)
        self.scope.names[node.name] = None
        self.deferred.append(
            _Deferred(
                node, self.scope, self.class_context, self.self_name, tuple(self.bound_fields)
            )
        )

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expression in [*node.decorator_list, *node.bases]:
            self.visit(expression)
        outer_scope, outer_context = self.scope, self.class_context
        context = _ClassContext()
        self.class_context = context
        self.scope = _Scope(outer_scope)
        # A class body's names are not visible in its methods: defer them with the outer scope.
        for statement in node.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                self._collect_attributes(statement, context, outer_scope)
        for statement in node.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                for expression in statement.decorator_list:
                    self.visit(expression)
                self.deferred.append(
                    _Deferred(
                        statement,
                        outer_scope,
                        context,
                        None,
                        tuple(self.bound_fields),
                        is_method=True,
                    )
                )
            else:
                self.visit(statement)
                if isinstance(statement, ast.Assign | ast.AnnAssign):
                    for name, logger in self.scope.names.items():
                        if logger is not None:
                            context.attributes.setdefault(name, logger)
        self.scope, self.class_context = outer_scope, outer_context
        outer_scope.names[node.name] = None

    def _collect_attributes(
        self,
        method: ast.FunctionDef | ast.AsyncFunctionDef,
        context: _ClassContext,
        scope: _Scope,
    ) -> None:
        """Find ``self.x = <logger>`` anywhere in a method, before any method is checked."""
        self_name = _self_name(method)
        if self_name is None:
            return
        saved = self.scope, self.class_context, self.self_name
        self.scope, self.class_context, self.self_name = _Scope(scope), context, self_name
        for node in statements(method.body):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if _is_self_attribute(target, self_name):
                        logger = self.logger_of(node.value)
                        annotated = isinstance(
                            node, ast.AnnAssign
                        ) and self.imports.is_logger_annotation(node.annotation)
                        if logger is None and annotated:
                            logger = _FRESH
                        if logger is not None:
                            assert isinstance(target, ast.Attribute)
                            context.attributes[target.attr] = logger
        self.scope, self.class_context, self.self_name = saved

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit(node.body)

    # -- assignments --------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        self.visit(node.value)
        logger = self.logger_of(node.value)
        for target in node.targets:
            self._assign(target, logger)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)
        logger = self.logger_of(node.value) if node.value is not None else None
        if logger is None and self.imports.is_logger_annotation(node.annotation):
            logger = _FRESH
        self._assign(node.target, logger)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.visit(node.value)
        self._assign(node.target, self.logger_of(node.value))

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.visit(node.value)
        self._assign(node.target, None)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.visit(node.iter)
        self._assign(node.target, None)
        for statement in [*node.body, *node.orelse]:
            self.visit(statement)

    visit_AsyncFor = visit_For

    def _assign(self, target: ast.expr, logger: _Logger | None) -> None:
        if isinstance(target, ast.Name):
            self.scope.names[target.id] = logger
        elif isinstance(target, ast.Tuple | ast.List):
            for element in target.elts:
                self._assign(element, None)
        elif isinstance(target, ast.Starred):
            self._assign(target.value, None)
        else:
            self.visit(target)

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:  # an imported name replaces a logger of that name
            name = alias.asname or alias.name.partition(".")[0]
            self.scope.names[name] = None

    visit_ImportFrom = visit_Import

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        pushed = 0
        for item in node.items:
            self.visit(item.context_expr)
            expression = item.context_expr
            if isinstance(expression, ast.Call) and self.imports.is_api(
                expression.func, self.imports.bound, "bound"
            ):
                self.bound_fields.append(_FRESH.bind(expression))
                pushed += 1
            if item.optional_vars is not None:
                self._assign(item.optional_vars, None)
        for statement in node.body:
            self.visit(statement)
        del self.bound_fields[len(self.bound_fields) - pushed :]

    visit_AsyncWith = visit_With

    # -- calls --------------------------------------------------------------------------------

    def logger_of(self, node: ast.expr) -> _Logger | None:
        """Return the logger ``node`` evaluates to, or None when it is not (known to be) one."""
        if isinstance(node, ast.Name):
            return self.scope.lookup(node.id)
        if isinstance(node, ast.Attribute):
            context = self.class_context
            if (
                context is not None
                and isinstance(node.value, ast.Name)
                and node.value.id in (self.self_name, "cls")
            ):
                return context.attributes.get(node.attr)
            return None
        if isinstance(node, ast.Call):
            function = node.func
            if self.imports.is_api(function, self.imports.factories, "get_logger"):
                return _FRESH
            if isinstance(function, ast.Attribute) and function.attr in ("bind", "unbind"):
                base = self.logger_of(function.value)
                if base is not None:
                    return base.bind(node) if function.attr == "bind" else base.unbind(node)
        return None

    def visit_Call(self, node: ast.Call) -> None:
        function = node.func
        if isinstance(function, ast.Attribute) and (
            function.attr in LEVEL_METHODS or function.attr == "log"
        ):
            logger = self.logger_of(function.value)
            if logger is not None:
                for extra in self.bound_fields:
                    logger = _Logger(logger.fields + extra.fields, logger.open or extra.open)
                self._check(node, function.attr, logger)
        self.generic_visit(node)

    def _check(self, node: ast.Call, method: str, logger: _Logger) -> None:
        found = self.checker.check(node, method, logger, self.report)
        if not found:
            return
        end = node.end_lineno or node.lineno
        silenced: set[str] = set()
        codes_by_line = [self.ignores[n] for n in range(node.lineno, end + 1) if n in self.ignores]
        for codes in codes_by_line:
            silenced.update({"*"} if codes is None else codes)
        for line, column, code, message in found:
            if "*" in silenced or code in silenced:
                self.report.ignored += 1
            else:
                self.report.findings.append(LintFinding(self.path, line, column, code, message))


def _leaf(_linter: _ModuleLinter, _node: ast.AST) -> None:
    """Nodes that cannot hold a call: nothing to visit."""


#: ``_ModuleLinter`` method per node type, filled on first sight of each type; leaves skipped.
_HANDLERS: dict[type[ast.AST], Any] = {
    kind: _leaf
    for base in (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
    for kind in base.__subclasses__()
}
_HANDLERS.update({ast.Constant: _leaf, ast.Name: _leaf, ast.alias: _leaf, ast.Pass: _leaf})


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


def _self_name(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """Return the name of a method's ``self`` (or ``cls``); None for a static method."""
    if any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in function.decorator_list):
        return None
    every = [*function.args.posonlyargs, *function.args.args]
    return every[0].arg if every else None


def _is_self_attribute(node: ast.expr, self_name: str) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == self_name
    )


def _keywords(call: ast.Call) -> Iterator[tuple[str | None, ast.expr, ast.AST]]:
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


_Found = tuple[int, int, str, str]


class _CallChecker:
    """Checks one event call against the catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._validators: dict[tuple[int, str], CompiledValidator | None] = {}

    def check(  # noqa: PLR0912
        self, node: ast.Call, method: str, logger: _Logger, report: LintReport
    ) -> list[_Found]:
        """Return ``(line, column, code, message)`` for each problem with the call."""
        report.calls += 1
        found: list[_Found] = []
        positional = node.args[1:] if method == "log" else node.args
        if any(isinstance(a, ast.Starred) for a in node.args):
            report.dynamic += 1
            return found
        if len(positional) > 1:
            extra = positional[1]
            found.append(
                _at(
                    extra,
                    "bad-call",
                    "a level method takes one positional argument, the event type;"
                    " pass fields as keywords (%-style arguments are not supported)",
                )
            )
        keywords = list(_keywords(node))
        event_node = next((value for name, value, _ in keywords if name == "event_type"), None)
        if event_node is None and positional:
            event_node = positional[0]
        if not (isinstance(event_node, ast.Constant) and isinstance(event_node.value, str)):
            report.dynamic += 1
            return found
        event_type = event_node.value
        report.emitted.add(event_type)
        version = self._version(event_type, keywords, event_node, found)
        if version is None:
            return found
        label = f"{event_type} {version.version_text}"
        properties = version.schema.get("properties", {})
        given: set[str] = set()
        is_open = logger.open
        for name, value, where in keywords:
            if name is None:
                is_open = True
            elif name in _CALL_OPTIONS or name in CONTEXT_NAMES:
                continue
            elif name in STAMPED_NAMES:
                found.append(
                    _at(where, "reserved-name", f"{name!r} is an envelope name schemalog sets")
                )
            else:
                given.add(name)
                found.extend(self._field(version, label, properties, name, value, where))
        for name, value in logger.fields:
            if name not in given:
                given.add(name)
                found.extend(self._field(version, label, properties, name, value, node, True))
        if not is_open:
            missing = [n for n in version.schema.get("required", []) if n not in given]
            if missing:
                names = ", ".join(repr(n) for n in missing)
                found.append(_at(node, "missing-field", f"{label} requires {names}"))
        return found

    def _version(
        self,
        event_type: str,
        keywords: list[tuple[str | None, ast.expr, ast.AST]],
        event_node: ast.expr,
        found: list[_Found],
    ) -> SchemaVersion | None:
        if event_type not in self.catalog:
            hint = self.catalog.suggest(event_type)
            tail = f" (did you mean {hint!r}?)" if hint else ""
            found.append(
                _at(event_node, "unknown-event", f"unknown event type {event_type!r}{tail}")
            )
            return None
        pin = next((value for name, value, _ in keywords if name == "schema_version"), None)
        pinned = pin.value if isinstance(pin, ast.Constant) else None
        try:
            return self.catalog.get(event_type, None if pinned is None else str(pinned))
        except UnknownEventError as error:
            assert pin is not None
            found.append(_at(pin, "unknown-version", str(error)))
            return None

    def _field(  # noqa: PLR0917
        self,
        version: SchemaVersion,
        label: str,
        properties: Mapping[str, Any],
        name: str,
        value: ast.expr,
        where: ast.AST,
        bound_elsewhere: bool = False,
    ) -> list[_Found]:
        """Check one field: ``where`` is reported (the keyword, or the call for bound fields)."""
        bound = f" (bound at line {value.lineno})" if bound_elsewhere else ""
        if name not in properties:
            close = difflib.get_close_matches(name, list(properties), n=1, cutoff=0.7)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            declared = ", ".join(properties) or "none"
            return [
                _at(
                    where,
                    "undeclared-field",
                    f"{name!r}{bound} is not a field of {label} (fields: {declared}){hint}",
                )
            ]
        problem = self._value_problem(version, name, properties[name], value)
        if problem is None:
            return []
        at = where if bound_elsewhere else value
        return [_at(at, "wrong-type", f"{label} field {name!r}{bound}: {problem}")]

    def _value_problem(
        self, version: SchemaVersion, name: str, subschema: Any, value: ast.expr
    ) -> str | None:
        literal = literal_value(value)
        if literal is not _UNKNOWN:
            validator = self._validator(version, name, subschema)
            if validator is None:
                return None
            issues = validator.issues(literal)
            return (
                "; ".join(issue.reason if issue.path == "$" else str(issue) for issue in issues)
                or None
            )
        kind = plain_type(value)
        allowed = _json_types(subschema)
        if kind is None or allowed is None or kind in allowed:
            return None
        if kind == "integer" and "number" in allowed:
            return None
        expected = " or ".join(_TYPE_NAMES.get(t, t) for t in sorted(allowed))
        return f"expected {expected}, got {_TYPE_NAMES[kind]} ({ast.unparse(value)[:40]})"

    def _validator(
        self, version: SchemaVersion, name: str, subschema: Any
    ) -> CompiledValidator | None:
        key = (id(version), name)
        if key not in self._validators:
            if not isinstance(subschema, Mapping):
                self._validators[key] = None
            else:
                schema = dict(subschema)
                for definitions in ("$defs", "definitions"):
                    if definitions in version.schema:
                        schema.setdefault(definitions, version.schema[definitions])
                try:
                    self._validators[key] = CompiledValidator(schema)
                except Exception:  # a subschema with a $ref that cannot be resolved alone
                    self._validators[key] = None
        return self._validators[key]


def _at(node: ast.AST, code: str, message: str) -> _Found:
    line: int = getattr(node, "lineno", 1)
    column: int = getattr(node, "col_offset", 0)
    return line, column + 1, code, message


def literal_value(node: ast.expr) -> Any:  # noqa: PLR0911
    """Return the JSON value a literal expression stands for, or ``_UNKNOWN``."""
    if isinstance(node, ast.Constant):
        value = node.value
        return value if value is None or isinstance(value, str | int | float) else _UNKNOWN
    if (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub | ast.UAdd)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) in (int, float)
    ):
        number: int | float = node.operand.value  # type: ignore[assignment]
        return -number if isinstance(node.op, ast.USub) else number
    if isinstance(node, ast.List | ast.Tuple):
        items = [literal_value(element) for element in node.elts]
        return _UNKNOWN if any(item is _UNKNOWN for item in items) else items
    if isinstance(node, ast.Dict):
        result: dict[str, Any] = {}
        for key, element in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return _UNKNOWN
            item = literal_value(element)
            if item is _UNKNOWN:
                return _UNKNOWN
            result[key.value] = item
        return result
    return _UNKNOWN


def plain_type(node: ast.expr) -> str | None:
    """Return the JSON type an expression plainly has (``f"..."``: string), or None."""
    for kind, json_type in _COLLECTIONS.items():
        if isinstance(node, kind):
            return json_type
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _PLAIN_CALLS.get(node.func.id)
    return None


def _json_types(schema: Any) -> set[str] | None:
    """Return the JSON types a subschema accepts, or None when that is not plain."""
    if not isinstance(schema, Mapping):
        return None
    types = schema.get("type")
    if isinstance(types, str):
        return {types}
    if isinstance(types, list):
        return {str(t) for t in types}
    return None
