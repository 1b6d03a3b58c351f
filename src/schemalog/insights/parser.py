"""A recursive-descent parser for Logs Insights queries: ``parse_query(text) -> Query``.

Precedence, loosest first: ``or``, ``and``, ``not``, comparisons (``= != < <= > >= like =~
in``), ``+ -``, ``* / %``, ``^``, unary minus. Every QueryError names the 1-based position.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, TypeVar

from schemalog.exceptions import QueryError
from schemalog.insights import nodes
from schemalog.insights.lexer import DURATION, END, NAME, NUMBER, OP, REGEX, STRING, Token, tokenize

#: Aggregate functions of ``stats`` and how many arguments each takes.
AGGREGATES: Final = {
    "count": (0, 1),
    "count_distinct": (1, 1),
    "sum": (1, 1),
    "avg": (1, 1),
    "min": (1, 1),
    "max": (1, 1),
    "pct": (2, 2),
    "earliest": (1, 1),
    "latest": (1, 1),
    "stddev": (1, 1),
}
#: Functions usable in any expression, and how many arguments each takes.
FUNCTIONS: Final = {
    "ispresent": (1, 1),
    "isempty": (1, 1),
    "isblank": (1, 1),
    "bin": (1, 1),
    "strlen": (1, 1),
    "tolower": (1, 1),
    "toupper": (1, 1),
    "concat": (1, 99),
    "coalesce": (1, 99),
    "abs": (1, 1),
    "floor": (1, 1),
    "ceil": (1, 1),
}
COMMANDS: Final = ("fields", "display", "filter", "stats", "sort", "limit", "parse")
_COMPARISONS: Final = ("=", "==", "!=", "<", "<=", ">", ">=", "=~")
_NAMED_GROUP: Final = re.compile(r"\(\?<(?=[A-Za-z_])")
_T = TypeVar("_T")


def parse_query(text: str) -> nodes.Query:
    """Parse a query; raise QueryError naming the position of the first problem."""
    parser = _Parser(text)
    commands = [parser.command()]
    while parser.take(OP, "|"):
        commands.append(parser.command())
    parser.expect(END, "", "'|' or the end of the query")
    return nodes.Query(tuple(commands), text)


def compile_regex(source: str, position: int) -> re.Pattern[str]:
    """Compile an Insights (RE2-style) regex: ``(?<name>...)`` groups become Python's."""
    try:
        return re.compile(_NAMED_GROUP.sub("(?P<", source))
    except re.error as error:
        raise QueryError(position, f"invalid regular expression: {error}") from None


def glob_regex(glob: str) -> re.Pattern[str]:
    """Return the regex of a ``parse`` glob: ``*`` captures (shortest, the last one longest)."""
    parts = [re.escape(part) for part in glob.split("*")]
    groups = ["(.*?)"] * (len(parts) - 2) + ["(.*)"] if len(parts) > 1 else []
    pieces = [parts[0]]
    for group, part in zip(groups, parts[1:], strict=True):
        pieces += [group, part]
    return re.compile("".join(pieces), re.DOTALL)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.at = 0
        #: True only where a stats aggregate may start (not inside one, not elsewhere).
        self.aggregate_here = False

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def take(self, kind: str, text: str | None = None) -> Token | None:
        token = self.token
        if token.kind != kind:
            return None
        if text is not None and (token.text.lower() if kind == NAME else token.text) != text:
            return None
        self.at += 1
        return token

    def expect(self, kind: str, text: str | None, what: str) -> Token:
        token = self.take(kind, text)
        if token is None:
            found = f"{self.token.text!r}" if self.token.kind != END else "the end of the query"
            raise QueryError(self.token.position, f"expected {what}, found {found}")
        return token

    def name(self, what: str = "a field name") -> str:
        return self.expect(NAME, None, what).text

    def command(self) -> nodes.Command:  # noqa: PLR0911 - one return per command
        token = self.expect(NAME, None, f"a command ({', '.join(COMMANDS)})")
        verb = token.text.lower()
        if verb not in COMMANDS:
            raise QueryError(token.position, f"unknown command {token.text!r}")
        if verb == "fields":
            return nodes.Fields(tuple(self.named_list()))
        if verb == "display":
            return nodes.Display(tuple(self.comma_list(self.name)))
        if verb == "filter":
            return nodes.Filter(self.expression())
        if verb == "stats":
            return self.stats()
        if verb == "sort":
            return nodes.Sort(tuple(self.comma_list(self.sort_key)))
        if verb == "limit":
            count = self.expect(NUMBER, None, "a whole number")
            if not count.text.isdigit() or int(count.text) < 1:
                raise QueryError(count.position, "limit takes a whole number of at least 1")
            return nodes.Limit(int(count.text))
        return self.parse_command()

    def comma_list(self, item: Callable[[], _T]) -> list[_T]:
        items = [item()]
        while self.take(OP, ","):
            items.append(item())
        return items

    def named(self) -> nodes.Named:
        start = self.token.position
        expr = self.expression()
        end = self.token.position
        if self.take(NAME, "as"):
            return nodes.Named(expr, self.name("a column name after 'as'"))
        return nodes.Named(expr, self.text[start - 1 : end - 1].strip())

    def named_list(self) -> list[nodes.Named]:
        return self.comma_list(self.named)

    def stats(self) -> nodes.Stats:
        aggregates = self.comma_list(self.aggregate)
        groups = self.named_list() if self.take(NAME, "by") else []
        return nodes.Stats(tuple(aggregates), tuple(groups))

    def aggregate(self) -> nodes.Named:
        position = self.token.position
        self.aggregate_here = True
        item = self.named()
        self.aggregate_here = False
        if not isinstance(item.expr, nodes.Call) or item.expr.name not in AGGREGATES:
            raise QueryError(position, "stats takes aggregate functions: " + ", ".join(AGGREGATES))
        return item

    def sort_key(self) -> tuple[str, bool]:
        name = self.name("a column to sort by")
        if self.take(NAME, "desc"):
            return name, True
        self.take(NAME, "asc")
        return name, False

    def parse_command(self) -> nodes.Parse:
        source = self.name("the field to parse (such as @message)")
        token = self.token
        if self.take(REGEX):
            regex = compile_regex(token.text, token.position)
            names = tuple(regex.groupindex)
            if not names:
                raise QueryError(token.position, "a parse regex needs named groups (?<name>...)")
            return nodes.Parse(source, regex, names)
        self.expect(STRING, None, 'a glob pattern "..." or a /regex/')
        regex = glob_regex(token.text)
        self.expect(NAME, "as", "'as' and the names of the parsed fields")
        names = tuple(self.comma_list(self.name))
        if len(names) != regex.groups:
            raise QueryError(
                token.position, f"the pattern has {regex.groups} '*' but {len(names)} names follow"
            )
        return nodes.Parse(source, regex, names)

    # Expressions, loosest binding first.
    def expression(self) -> nodes.Expr:
        left = self.conjunction()
        while self.take(NAME, "or"):
            left = nodes.Binary("or", left, self.conjunction())
        return left

    def conjunction(self) -> nodes.Expr:
        left = self.negation()
        while self.take(NAME, "and"):
            left = nodes.Binary("and", left, self.negation())
        return left

    def negation(self) -> nodes.Expr:
        if self.take(NAME, "not"):
            return nodes.Unary("not", self.negation())
        return self.comparison()

    def comparison(self) -> nodes.Expr:
        left = self.additive()
        negated = bool(self.take(NAME, "not"))
        if self.take(NAME, "like"):
            result: nodes.Expr = nodes.Binary("like", left, self.like_pattern())
        elif self.take(NAME, "in"):
            result = nodes.Binary("in", left, self.list_literal())
        elif negated:
            raise QueryError(self.token.position, "expected 'like' or 'in' after 'not'")
        else:
            token = self.token
            if token.kind != OP or token.text not in _COMPARISONS:
                return left
            self.at += 1
            right = self.like_pattern() if token.text == "=~" else self.additive()
            op = {"==": "=", "=~": "like"}.get(token.text, token.text)
            return nodes.Binary(op, left, right)
        return nodes.Unary("not", result) if negated else result

    def like_pattern(self) -> nodes.Expr:
        token = self.token
        if self.take(REGEX):
            return nodes.Pattern(compile_regex(token.text, token.position))
        return nodes.Literal(self.expect(STRING, None, 'a "string" or /regex/').text)

    def list_literal(self) -> nodes.ListOf:
        self.expect(OP, "[", "'[' starting a list")
        items = [] if self.token.text == "]" else self.comma_list(self.additive)
        self.expect(OP, "]", "']' closing the list")
        return nodes.ListOf(tuple(items))

    def additive(self) -> nodes.Expr:
        left = self.multiplicative()
        while (op := self.take(OP, "+") or self.take(OP, "-")) is not None:
            left = nodes.Binary(op.text, left, self.multiplicative())
        return left

    def multiplicative(self) -> nodes.Expr:
        left = self.power()
        while (op := self.take(OP, "*") or self.take(OP, "/") or self.take(OP, "%")) is not None:
            left = nodes.Binary(op.text, left, self.power())
        return left

    def power(self) -> nodes.Expr:
        base = self.unary()
        if self.take(OP, "^"):
            return nodes.Binary("^", base, self.power())
        return base

    def unary(self) -> nodes.Expr:
        if self.take(OP, "-"):
            return nodes.Binary("-", nodes.Literal(0), self.unary())
        return self.primary()

    def primary(self) -> nodes.Expr:
        token = self.token
        if self.take(NUMBER):
            return nodes.Literal(float(token.text) if "." in token.text else int(token.text))
        if self.take(STRING):
            return nodes.Literal(token.text)
        if self.take(OP, "("):
            inner = self.expression()
            self.expect(OP, ")", "')'")
            return inner
        if self.take(NAME):
            if self.token.kind == OP and self.token.text == "(":
                return self.call(token)
            return nodes.Field(token.text)
        found = repr(token.text) if token.kind != END else "the end of the query"
        raise QueryError(token.position, f"expected a value, a field or a function, found {found}")

    def call(self, token: Token) -> nodes.Call:
        name = token.text.lower()
        if name not in FUNCTIONS and name not in AGGREGATES:
            raise QueryError(token.position, f"unknown function {token.text!r}")
        if name in AGGREGATES and not self.aggregate_here:
            raise QueryError(token.position, f"{name}() is an aggregate: use it in stats")
        self.aggregate_here = False  # no aggregate inside another
        self.expect(OP, "(", "'('")
        args: list[nodes.Expr] = []
        if name == "bin":
            span = self.expect(DURATION, None, "a period such as 5m, 1h or 1d")
            args.append(nodes.Literal(span_milliseconds(span)))
        elif name == "count" and self.take(OP, "*"):
            args.append(nodes.Star())
        elif self.token.text != ")":
            args = self.comma_list(self.expression)
        end = self.expect(OP, ")", "')' closing the arguments")
        low, high = FUNCTIONS.get(name) or AGGREGATES[name]
        if not low <= len(args) <= high:
            raise QueryError(token.position, f"{name}() takes {low} to {high} arguments")
        text = self.text[token.position - 1 : end.position]
        return nodes.Call(name, tuple(args), token.position, text)


#: Units of ``bin()`` periods, in milliseconds (AWS also takes plurals such as ``hrs``).
_UNITS: Final = {
    ("ms", "msec", "millisecond"): 1,
    ("s", "sec", "second"): 1000,
    ("m", "min", "minute"): 60_000,
    ("h", "hr", "hour"): 3_600_000,
    ("d", "day"): 86_400_000,
    ("w", "week"): 7 * 86_400_000,
}


def span_milliseconds(token: Token) -> int:
    """Return a ``bin()`` period such as ``5m`` in milliseconds (months have no fixed length)."""
    number = re.match(r"\d+(?:\.\d+)?", token.text)
    assert number is not None
    unit = token.text[number.end() :].lower()
    for names, size in _UNITS.items():
        if unit in names or (unit.endswith("s") and unit[:-1] in names and len(unit) > 2):
            value = int(float(number.group()) * size)
            if value >= 1:
                return value
    raise QueryError(token.position, f"unknown or unsupported period {token.text!r} (ms s m h d w)")
