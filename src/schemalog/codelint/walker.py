"""The walk over one module: follows loggers through assignments and scopes, checks each call.

Functions are checked after their enclosing scope is complete (a function sees its module's
final names); a class's ``self.x = <logger>`` assignments are collected before its methods.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

from schemalog.codelint.calls import LEVEL_METHODS, CallChecker
from schemalog.codelint.loggers import (
    FRESH,
    ClassContext,
    Deferred,
    Imports,
    Logger,
    Scope,
    is_self_attribute,
    self_name_of,
    statements,
)
from schemalog.codelint.report import LintReport
from schemalog.findings import Finding


class ModuleLinter(ast.NodeVisitor):
    """Walks one module in source order, tracking loggers, and checks each event call."""

    def __init__(
        self,
        path: str,
        imports: Imports,
        checker: CallChecker,
        report: LintReport,
        ignores: Mapping[int, frozenset[str] | None],
    ) -> None:
        self.path = path
        self.imports = imports
        self.checker = checker
        self.report = report
        self.ignores = ignores
        self.scope = Scope(None)
        self.class_context: ClassContext | None = None
        self.self_name: str | None = None
        self.bound_fields: list[Logger] = []
        self.deferred: list[Deferred] = []

    def visit(self, node: ast.AST) -> None:
        """Dispatch on the node's type through a cache (the lint's hot loop)."""
        kind = type(node)
        handler = _HANDLERS.get(kind)
        if handler is None:
            handler = _HANDLERS[kind] = getattr(
                type(self), f"visit_{kind.__name__}", ModuleLinter.generic_visit
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
        """Walk the module, then every function body once its enclosing scope is complete."""
        self.visit(tree)
        while self.deferred:  # function bodies run after their enclosing scope is complete
            batch, self.deferred = self.deferred, []
            for job in batch:
                self.scope = Scope(job.scope)
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
            self.scope.names[argument.arg] = FRESH if is_logger else None
        if is_method:
            self.self_name = self_name_of(function)

    # -- scopes -------------------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Visit decorators and defaults now; defer the body."""
        for expression in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if expression is not None:
                self.visit(expression)
        self.scope.names[node.name] = None
        self.deferred.append(
            Deferred(node, self.scope, self.class_context, self.self_name, tuple(self.bound_fields))
        )

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        """Collect the class's logger attributes, then defer its methods."""
        for expression in [*node.decorator_list, *node.bases]:
            self.visit(expression)
        outer_scope, outer_context = self.scope, self.class_context
        context = ClassContext()
        self.class_context = context
        self.scope = Scope(outer_scope)
        # A class body's names are not visible in its methods: defer them with the outer scope.
        for statement in node.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                self._collect_attributes(statement, context, outer_scope)
        for statement in node.body:
            if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
                for expression in statement.decorator_list:
                    self.visit(expression)
                self.deferred.append(
                    Deferred(
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
        context: ClassContext,
        scope: Scope,
    ) -> None:
        """Find ``self.x = <logger>`` anywhere in a method, before any method is checked."""
        self_name = self_name_of(method)
        if self_name is None:
            return
        saved = self.scope, self.class_context, self.self_name
        self.scope, self.class_context, self.self_name = Scope(scope), context, self_name
        for node in statements(method.body):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if is_self_attribute(target, self_name):
                        logger = self.logger_of(node.value)
                        annotated = isinstance(
                            node, ast.AnnAssign
                        ) and self.imports.is_logger_annotation(node.annotation)
                        if logger is None and annotated:
                            logger = FRESH
                        if logger is not None:
                            assert isinstance(target, ast.Attribute)
                            context.attributes[target.attr] = logger
        self.scope, self.class_context, self.self_name = saved

    def visit_Lambda(self, node: ast.Lambda) -> None:
        """Visit the body (a lambda has no statements to follow)."""
        self.visit(node.body)

    # -- assignments --------------------------------------------------------------------------

    def visit_Assign(self, node: ast.Assign) -> None:
        """Record what each target now holds."""
        self.visit(node.value)
        logger = self.logger_of(node.value)
        for target in node.targets:
            self._assign(target, logger)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        """Record the target, a logger also when annotated ``BoundLogger``."""
        if node.value is not None:
            self.visit(node.value)
        logger = self.logger_of(node.value) if node.value is not None else None
        if logger is None and self.imports.is_logger_annotation(node.annotation):
            logger = FRESH
        self._assign(node.target, logger)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        """Record what ``name :=`` now holds."""
        self.visit(node.value)
        self._assign(node.target, self.logger_of(node.value))

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        """Forget the logger an augmented target held."""
        self.visit(node.value)
        self._assign(node.target, None)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        """Loop targets are not loggers; visit the body."""
        self.visit(node.iter)
        self._assign(node.target, None)
        for statement in [*node.body, *node.orelse]:
            self.visit(statement)

    visit_AsyncFor = visit_For

    def _assign(self, target: ast.expr, logger: Logger | None) -> None:
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
        """Forget loggers under the names an import rebinds."""
        for alias in node.names:  # an imported name replaces a logger of that name
            name = alias.asname or alias.name.partition(".")[0]
            self.scope.names[name] = None

    visit_ImportFrom = visit_Import

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        """Bind the fields of ``with schemalog.bound(...)`` for the body."""
        pushed = 0
        for item in node.items:
            self.visit(item.context_expr)
            expression = item.context_expr
            if isinstance(expression, ast.Call) and self.imports.is_api(
                expression.func, self.imports.bound, "bound"
            ):
                self.bound_fields.append(FRESH.bind(expression))
                pushed += 1
            if item.optional_vars is not None:
                self._assign(item.optional_vars, None)
        for statement in node.body:
            self.visit(statement)
        del self.bound_fields[len(self.bound_fields) - pushed :]

    visit_AsyncWith = visit_With

    # -- calls --------------------------------------------------------------------------------

    def logger_of(self, node: ast.expr) -> Logger | None:
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
                return FRESH
            if isinstance(function, ast.Attribute) and function.attr in ("bind", "unbind"):
                base = self.logger_of(function.value)
                if base is not None:
                    return base.bind(node) if function.attr == "bind" else base.unbind(node)
        return None

    def visit_Call(self, node: ast.Call) -> None:
        """Check an event call on a logger, then visit the arguments."""
        function = node.func
        if isinstance(function, ast.Attribute) and (
            function.attr in LEVEL_METHODS or function.attr == "log"
        ):
            logger = self.logger_of(function.value)
            if logger is not None:
                for extra in self.bound_fields:
                    logger = Logger(logger.fields + extra.fields, logger.open or extra.open)
                self._check(node, function.attr, logger)
        self.generic_visit(node)

    def _check(self, node: ast.Call, method: str, logger: Logger) -> None:
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
                self.report.findings.append(
                    Finding(self.path, line, column, message=message, rule=code)
                )


def _leaf(_linter: ModuleLinter, _node: ast.AST) -> None:
    """Nodes that cannot hold a call: nothing to visit."""


#: ``ModuleLinter`` method per node type, filled on first sight of each type; leaves skipped.
_HANDLERS: dict[type[ast.AST], Any] = {
    kind: _leaf
    for base in (ast.expr_context, ast.operator, ast.cmpop, ast.unaryop, ast.boolop)
    for kind in base.__subclasses__()
}
_HANDLERS.update({ast.Constant: _leaf, ast.Name: _leaf, ast.alias: _leaf, ast.Pass: _leaf})
