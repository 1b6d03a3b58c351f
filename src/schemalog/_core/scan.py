r"""Mask secrets in free text: messages, exception text and tracebacks, ``repr`` fallbacks.

Key-based redaction cannot see into a string, so :func:`scrub_text` scans text once with one
compiled pattern and replaces with ``[REDACTED]``:

* the value after a secret-named key (:func:`~schemalog.catalog.sensitivity.is_secret_name`):
  ``password=...``, ``password: ...``, ``"token": "..."``, ``'api_key': '...'``, URL query
  parameters (``?token=...&``), headers (``Authorization: Basic ...``);
* an HTTP credential after ``Bearer`` / ``Basic`` / ``Digest`` under any header name;
* token shapes wherever they stand: AWS access key ids (``AKIA...``, ``ASIA...``), JSON Web
  Tokens (``eyJ...``), PEM private-key blocks.

Text without ``=``, ``:`` or any token shape's start costs a few substring searches and is returned
as it is. The scan is linear in the length of the text.
"""

from __future__ import annotations

import re
from typing import Final

from schemalog.catalog.sensitivity import REDACTED, is_secret_name

_KEY_VALUE: Final = r"""
    (?<![\w.\-\\])(?P<key>\\?["']?[A-Za-z_][\w.\-]{0,63}+\\?["']?)
    (?P<sep>[ \t]{0,3}[:=][ \t]{0,3})
    (?P<value>
        (?P<scheme>(?i:bearer|basic|digest|token|negotiate)[ \t]+)?
        (?:\\?"(?:[^"\\\n]|\\[^"\n])*\\?"|'(?:[^'\\\n]|\\.)*'|[^\s&,;"'<>()\[\]{}\\:=]+)
    )
"""
_SHAPES: Final = r"""
    (?P<bearer>(?i:bearer)[ \t]+)[\w.~+/\-]{6,}=*
    | (?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])
    | (?<![\w\-])eyJ[\w\-]{4,}\.eyJ[\w\-]{4,}\.[\w\-]*
    | -----BEGIN[A-Z ]{0,20}PRIVATE\ KEY-----[^\-]*(?:-----END[A-Z ]{0,20}PRIVATE\ KEY-----)?
"""
#: One pattern for one pass; the token shapes slow every position down, so they are left out
#: of the pass when none of their starts is in the text (the usual case).
_PATTERNS: Final = {
    (True, True): re.compile(f"{_SHAPES} | {_KEY_VALUE}", re.VERBOSE),
    (True, False): re.compile(_SHAPES, re.VERBOSE),
    (False, True): re.compile(_KEY_VALUE, re.VERBOSE),
}
_SHAPE_STARTS: Final = ("earer", "EARER", "AKIA", "ASIA", "eyJ", "-----BEGIN")
#: Characters that end an unquoted secret value (its first stretch stops at ``:`` and ``=``
#: too, so that a URL's scheme is not taken for a key holding the rest).
_VALUE_END: Final = re.compile(r"""[\s&,;"'<>()\[\]{}]|\Z""")


def scrub_text(text: str) -> str:
    """Return ``text`` with secret values masked (the same object when there is none)."""
    shapes = any(start in text for start in _SHAPE_STARTS)
    pattern = _PATTERNS.get((shapes, "=" in text or ":" in text))
    match = None if pattern is None else pattern.search(text)
    if pattern is None or match is None:
        return text
    has_key = "key" in pattern.groupindex
    out: list[str] = []
    done = 0  # text[:done] is in out
    while match is not None:
        resume = match.end()
        if not has_key or match.group("key") is None:
            bearer = match.group("bearer") or ""
            out.append(f"{text[done : match.start()]}{bearer}{REDACTED}")
            done = resume
        elif match.group("scheme") or is_secret_name(match.group("key").strip("\\\"'")):
            value_start = match.start("value")
            if match.group("scheme"):
                value_start += len(match.group("scheme"))
            out.append(text[done:value_start])
            done, masked = _mask_value(text, value_start)
            out.append(masked)
            resume = done
        else:  # an ordinary key: its value may still hold a secret (``url: https://...?token=``)
            resume = match.start("value")
        match = pattern.search(text, resume)
    out.append(text[done:])
    return "".join(out)


def _mask_value(text: str, start: int) -> tuple[int, str]:
    """Return where the value starting at ``start`` ends, and its masked form (quotes kept)."""
    quote = ""
    if text.startswith('\\"', start):
        quote = '\\"'
    elif text.startswith(('"', "'"), start):
        quote = text[start]
    if quote:
        end = text.find(quote, start + len(quote))
        end = len(text) if end < 0 else end + len(quote)
        return end, f"{quote}{REDACTED}{quote}"
    found = _VALUE_END.search(text, start)
    return (found.start() if found else len(text)), REDACTED
