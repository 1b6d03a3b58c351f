r"""``%regex%``: AWS's whitelist of characters and operators, compiled with Python's ``re``.

CloudWatch accepts letters, digits, the symbols ``: _ # = @ / ; , -``, and the operators
``^ $ ? [ ] { } | \\ * + .``; no groups, no multi-byte characters. Escapes are ``\\d \\D \\s \\S
\\w \\W``, ``\\xhh`` and a backslash before an operator or symbol. Matching is a case-sensitive
*search* (not a full match). A space is accepted too: AWS's own example
``%^starting|^initializing|^shutting down%`` has one (a decision, see docs/cloudwatch-patterns.md).
"""

from __future__ import annotations

import re
import string
import warnings
from typing import Final

from schemalog.exceptions import PatternError

LITERAL_SYMBOLS: Final = ":_#=@/;,- "
OPERATORS: Final = "^$?[]{}|\\*+."
_ALNUM: Final = frozenset(string.ascii_letters + string.digits)
_PLAIN: Final = _ALNUM | frozenset(LITERAL_SYMBOLS) | frozenset(OPERATORS)
_CLASS_ESCAPES: Final = frozenset("dDsSwW")
_HEX: Final = frozenset(string.hexdigits)
_ALLOWED_TEXT: Final = "letters, digits, ': _ # = @ / ; , -', space and '^ $ ? [ ] { } | \\ * + .'"


def compile_regex(body: str, offset: int) -> re.Pattern[str]:
    """Check ``body`` (the text between the ``%`` signs, starting at ``offset``) and compile it.

    Raises PatternError naming the position of the first character AWS would reject.
    """
    if not body:
        raise PatternError(offset + 1, "empty %regex%")
    python = _translate(body, offset)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" FutureWarnings for "[["
            return re.compile(python, re.ASCII)
    except re.error as error:
        raise PatternError(offset + 1, f"invalid %regex%: {error.msg}") from None


def _translate(body: str, offset: int) -> str:
    out: list[str] = []
    index = 0
    in_class = False
    while index < len(body):
        char = body[index]
        where = offset + index + 1
        if char == "\\":
            escape, index = _escape(body, index, where)
            out.append(escape)
            continue
        if char in "()":
            raise PatternError(where, "parentheses (groups) are not supported in a %regex%")
        if ord(char) > 127:
            raise PatternError(
                where, f"multi-byte character {char!r} is not supported in a %regex%"
            )
        if char not in _PLAIN:
            raise PatternError(
                where,
                f"character {char!r} is not supported in a %regex% (allowed: {_ALLOWED_TEXT})",
            )
        if in_class:
            if char == "]":
                in_class = False
            out.append(char)
        elif char == "[":
            in_class = True
            out.append(char)
            # A ']' right after '[' or '[^' is a literal member, as in most regex dialects.
            if body.startswith("^", index + 1):
                out.append("^")
                index += 1
            if body.startswith("]", index + 1):
                out.append("\\]")
                index += 1
        elif char == "$":
            out.append(r"\Z")  # the end of the value, never "before a final newline"
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _escape(body: str, index: int, where: int) -> tuple[str, int]:
    if index + 1 >= len(body):
        raise PatternError(where, "a %regex% cannot end with a backslash")
    nxt = body[index + 1]
    if nxt in _CLASS_ESCAPES:
        return "\\" + nxt, index + 2
    if nxt == "x":
        digits = body[index + 2 : index + 4]
        if len(digits) != 2 or not set(digits) <= _HEX:
            raise PatternError(where, "\\x must be followed by two hex digits")
        if int(digits, 16) > 0x7F:
            raise PatternError(where, f"\\x{digits} is not an ASCII character")
        return "\\x" + digits, index + 4
    if nxt in OPERATORS or (nxt in LITERAL_SYMBOLS and nxt != " "):
        return "\\" + nxt, index + 2
    raise PatternError(
        where,
        f"unsupported escape '\\{nxt}'"
        " (use \\d \\D \\s \\S \\w \\W, \\xhh, or \\ before an operator)",
    )
