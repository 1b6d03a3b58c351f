"""The one strict parser for option text: sink-string queries and ``SCHEMALOG_*`` variables.

Every value given as text (``file:events.jsonl?max_bytes=10MB``, ``SCHEMALOG_CALLER=yes``) is
parsed here, so one spelling is accepted everywhere and a wrong one is always an error that
names the option and what it accepts: ``cloudwatch:g?create_group=ture`` is refused, not read
as False.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

from schemalog.exceptions import ConfigError

_T = TypeVar("_T")
Parser = Callable[[str], Any]

TRUE_WORDS: Final = ("1", "true", "yes", "on")
FALSE_WORDS: Final = ("0", "false", "no", "off")
_SIZE_UNITS: Final = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": 1024**2,
    "gb": 1000**3,
    "gib": 1024**3,
}
_DURATION_UNITS: Final = {"": 1.0, "s": 1.0, "ms": 0.001, "m": 60.0, "min": 60.0, "h": 3600.0}


def parse_bool(text: str) -> bool:
    """Parse a yes/no value: ``1 true yes on`` or ``0 false no off`` (any case)."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{text!r} is not a yes/no value ({', '.join(TRUE_WORDS + FALSE_WORDS)})")


def parse_size(text: str) -> int:
    """Parse ``"10MB"``, ``"512KiB"`` or ``"1048576"`` into bytes."""
    stripped = text.strip().lower()
    digits = stripped.rstrip("abcdefghijklmnopqrstuvwxyz ")
    unit = stripped[len(digits) :].strip()
    if not digits.isdigit() or unit not in _SIZE_UNITS:
        raise ValueError(f"{text!r} is not a size such as 1048576, 512KiB or 10MB")
    return int(digits) * _SIZE_UNITS[unit]


def parse_duration(text: str) -> float:
    """Parse ``"5"``, ``"2.5s"``, ``"250ms"``, ``"2m"`` or ``"1h"`` into seconds (not negative)."""
    stripped = text.strip().lower()
    number = stripped.rstrip("abcdefghijklmnopqrstuvwxyz ")
    unit = stripped[len(number) :].strip()
    try:
        seconds = float(number) * _DURATION_UNITS[unit]
    except (KeyError, ValueError):
        raise ValueError(f"{text!r} is not a duration such as 5, 2.5s, 250ms, 2m or 1h") from None
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"{text!r} is not a duration of zero or more seconds")
    return seconds


def parse_count(text: str) -> int:
    """Parse a whole number of zero or more."""
    stripped = text.strip()
    if not stripped.isdigit():
        raise ValueError(f"{text!r} is not a whole number of zero or more")
    return int(stripped)


def choice(*choices: str) -> Parser:
    """Return a parser that accepts exactly one of ``choices``."""

    def parse(text: str) -> str:
        if text in choices:
            return text
        raise ValueError(f"{text!r} is not one of {', '.join(choices)}")

    return parse


def _unknown(kind: str, where: str, key: str, known: Sequence[str]) -> ConfigError:
    import difflib  # only for a mistyped key: not at start-up

    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigError(f"{where}: unknown {kind} {key!r}{hint}; known: {', '.join(sorted(known))}")


def parse_query(where: str, query: str, parsers: Mapping[str, Parser]) -> dict[str, Any]:
    """Parse ``a=1&b=2`` with one parser per option; ConfigError names ``where`` and the option.

    An unknown option (with the nearest known one), an option given twice, and a value its
    parser refuses are each an error.
    """
    from urllib.parse import parse_qsl  # only for a sink string with options: not at start-up

    options: dict[str, Any] = {}
    for key, text in parse_qsl(query, keep_blank_values=True):
        parse = parsers.get(key)
        if parse is None:
            raise _unknown("option", where, key, list(parsers))
        if key in options:
            raise ConfigError(f"{where}: option {key!r} is given twice")
        options[key] = parse_value(where, key, text, parse)
    return options


def parse_value(where: str, name: str, text: str, parse: Callable[[str], _T]) -> _T:
    """Return ``parse(text)``; a ValueError becomes a ConfigError naming ``where`` and ``name``."""
    try:
        return parse(text)
    except ValueError as error:
        raise ConfigError(f"{where}: {name}: {error}") from None


def parse_env(environ: Mapping[str, str], name: str, parse: Callable[[str], _T], default: _T) -> _T:
    """Return the variable ``name`` parsed, or ``default`` when it is unset or empty."""
    text = environ.get(name, "")
    if not text.strip():
        return default
    try:
        return parse(text)
    except ValueError as error:
        raise ConfigError(f"{name}: {error}") from None
