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

import operator
import re
from functools import cache
from itertools import compress
from typing import TYPE_CHECKING, Final

from schemalog.catalog.sensitivity import (
    CLEAN_TEXTS,
    REDACTED,
    SECRET_NAME_VERDICTS,
    SECRET_WORD_BYTES,
    is_secret_name,
)

if TYPE_CHECKING:
    from ahocorasick_rs import BytesAhoCorasick

#: The key's first character is tested first, as a set: most characters are no key's start,
#: and the alternative is skipped there at once; the key ends where ``sep`` starts. ``\w`` is
#: written after ASCII's word characters, which are then told by a table, not by Unicode's.
_KEY_VALUE: Final = r"""
    [\\"'A-Za-z_](?<![0-9A-Z_a-z\w.\-\\].)(?:(?<=[A-Za-z_])|(?<=\\)["']?[A-Za-z_]|(?<=["'])[A-Za-z_])
    [0-9A-Z_a-z\w.\-]{0,63}+\\?["']?
    (?P<sep>[ \t]{0,3}[:=][ \t]{0,3})
    (?=(?P<value>  # looked at, not taken: the value may hold a secret of its own (a URL's)
        (?P<scheme>(?:[bB](?i:earer|asic)|[dD](?i:igest)|[tT](?i:oken)|[nN](?i:egotiate))[ \t]+)?
        (?:\\?"(?:[^"\\\n]|\\[^"\n])*\\?"|'(?:[^'\\\n]|\\.)*'
        |(?P<bare>[^\s&,;"'<>()\[\]{}\\:=][^\s&,;"'<>()\[\]{}]{0,63}+))  # where its mask ends
    ))
"""
#: Each alternative starts with a plain character, so the pass skips it at once where that
#: character is not (the look-behinds come after it); ``bearer`` ends where the mask starts.
_SHAPES: Final = r"""
    [bB](?P<bearer>(?i:earer)[ \t]+)[\w.~+/\-]{6,}=*
    | A(?<![A-Z0-9]A)[KS]IA[A-Z0-9]{16}(?![A-Z0-9])
    | e(?<![\w\-]e)yJ[\w\-]{4,}\.eyJ[\w\-]{4,}\.[\w\-]*
    | -----BEGIN[A-Z ]{0,20}PRIVATE\ KEY-----[^\-]*(?:-----END[A-Z ]{0,20}PRIVATE\ KEY-----)?
"""


@cache
def _pattern(shapes: bool, keys: bool) -> re.Pattern[str]:
    """Return the one pattern for one pass (one of the two asked at least), compiled on need.

    The token shapes slow every position down, so they are left out of the pass when none of
    their starts is in the text (the usual case). Compiled here, not at import: most processes
    never meet a secret in text, and compiling them is a large share of ``import schemalog``.
    """
    parts = ([_SHAPES] if shapes else []) + ([_KEY_VALUE] if keys else [])
    return re.compile(" | ".join(parts), re.VERBOSE)


#: The longest unquoted value the pattern takes whole (it ends there, or the mask runs on).
_BARE_MAX: Final = 64
#: The clean-text cache holds texts up to this long, this many at most.
_CLEAN_TEXT_MAX_CHARS: Final = 256
_CLEAN_TEXTS_LIMIT: Final = 4096
#: Characters that end an unquoted secret value (its first stretch stops at ``:`` and ``=``
#: too, so that a URL's scheme is not taken for a key holding the rest).
_VALUE_END: Final = re.compile(r"""[\s&,;"'<>()\[\]{}]""")


#: Besides the secret words, what a secret in text or a token shape always holds (lower-cased,
#: everything but letters and digits removed).
_STEMS: Final = (b"private", b"bearer", b"basic", b"digest", b"negotiate", b"akia", b"asia", b"eyj")
_NOT_ALNUM: Final = bytes(
    set(range(256)) - set(b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
)
#: The same, keeping line breaks: where each string of many joined in lines starts.
_NOT_ALNUM_OR_LINE: Final = _NOT_ALNUM.replace(b"\n", b"")
#: The same, keeping backslashes: JSON's escapes, searched for with the stems.
_NOT_ALNUM_OR_ESCAPE: Final = _NOT_ALNUM.replace(b"\\", b"")
#: ASCII letters lower-cased, in the same pass that deletes the rest (``bytes.lower`` is ASCII).
_LOWER: Final = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


def may_hold_secrets(data: bytes) -> bool:
    """Return whether JSON or text ``data`` may hold a secret-named key or a secret in text.

    False is certain: every secret name holds a secret word once case and separators are
    gone, and so does every key=value the scan masks. One C-speed pass and one Aho-Corasick
    search for every stem at once, so most strings and large clean values skip the scan and
    the walk.
    """
    searcher = _SEARCHERS.get(len(SECRET_WORD_BYTES)) or _stems()  # no call when built
    return bool(searcher.find_matches_as_indexes(data.translate(_LOWER, _NOT_ALNUM)))


def may_hold_escapes_or_secrets(data: bytes) -> bool:
    r"""Return whether JSON ``data`` holds an escape (``\n``, ``\"``) or may hold a secret.

    :func:`may_hold_secrets` and a search for a backslash in the same pass (the searcher also
    looks for a backslash, which the other passes always delete).
    """
    searcher = _SEARCHERS.get(len(SECRET_WORD_BYTES)) or _stems()
    return bool(searcher.find_matches_as_indexes(data.translate(_LOWER, _NOT_ALNUM_OR_ESCAPE)))


#: A hit's stem: 0 for a line break (the other passes delete them).
_FIRST: Final = operator.itemgetter(0)
#: Fewer secret words than this: every stem's number fits in a byte.
_BYTE_WORDS: Final = 240
#: The searcher for every stem, by the number of secret words it was built for.
_SEARCHERS: Final[dict[int, BytesAhoCorasick]] = {}


def _stems() -> BytesAhoCorasick:
    """Build the searcher for every stem (again when secret words were added)."""
    from ahocorasick_rs import BytesAhoCorasick  # on the first text scanned, not at import

    stems = [b"\n", *sorted({*_STEMS, *SECRET_WORD_BYTES, b"\\"})]  # where scrub_texts's lines end
    searcher = BytesAhoCorasick(stems)
    _SEARCHERS.clear()
    _SEARCHERS[len(SECRET_WORD_BYTES)] = searcher
    return searcher


def scrub_text(text: str) -> str:
    """Return ``text`` with secret values masked (the same object when there is none)."""
    if text in CLEAN_TEXTS:  # messages, tool and event names: the same few texts again
        return text
    letters = text.encode("utf-8", "surrogatepass").translate(_LOWER, _NOT_ALNUM)
    searcher = _SEARCHERS.get(len(SECRET_WORD_BYTES)) or _stems()
    if not searcher.find_matches_as_indexes(letters):
        if len(text) <= _CLEAN_TEXT_MAX_CHARS:
            if len(CLEAN_TEXTS) >= _CLEAN_TEXTS_LIMIT:
                CLEAN_TEXTS.clear()  # texts from unbounded sources must not grow memory
            CLEAN_TEXTS.add(text)
        return text
    shapes = (  # a token shape's letters, in any case; written out: a loop costs more
        b"bearer" in letters
        or b"akia" in letters
        or b"asia" in letters
        or b"eyj" in letters
        or b"private" in letters
    )
    keys = "=" in text or ":" in text
    if not (shapes or keys):
        return text
    pattern = _pattern(shapes, keys)
    if not keys:
        return _mask_all(text, pattern)
    return _masked(text, pattern, len(text))


def scrub_texts(texts: list[str]) -> list[str]:
    """Return ``texts`` each as :func:`scrub_text` returns it (the same list when none changes).

    Many strings (a list of log lines) are gated at once and those that may hold a secret are
    scanned as one text, one per line: the passes and the calls are paid once, not per string.
    Nothing the pattern matches crosses a line break but a PEM block's body, and a quoted
    value's mask stops at its line's end; strings holding a line break or a PEM block's start
    are scrubbed one by one.
    """
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1 or "-----BEGIN" in joined:
        scrubbed = [scrub_text(text) for text in texts]
        return texts if all(map(operator.is_, scrubbed, texts)) else scrubbed
    lines = joined.encode("utf-8", "surrogatepass").translate(_LOWER, _NOT_ALNUM_OR_LINE)
    searcher = _SEARCHERS.get(len(SECRET_WORD_BYTES)) or _stems()
    # The searcher finds line breaks too (stem 0): between two of them, a stem marks a string
    # that may hold a secret. One byte a hit (its stem, or 1 past a byte's range), then one
    # split, instead of a search a hit.
    found = map(_FIRST, searcher.find_matches_as_indexes(lines))
    hits = bytes(found if len(SECRET_WORD_BYTES) < _BYTE_WORDS else map(bool, found))
    # The full pattern: a token shape matches only where its letters are, so per string the
    # pattern chosen by its letters and separators finds the same.
    dirty = None  # None: a stem in every string, so all of them are scanned
    if not hits or not hits[0] or not hits[-1] or b"\x00\x00" in hits:
        dirty = list(compress(range(len(texts)), hits.split(b"\x00")))
        joined = "\n".join([texts[index] for index in dirty])
    masked = _masked(joined, _pattern(True, True), -1)
    if masked is joined:
        return texts
    if dirty is None:
        return masked.split("\n")
    result = list(texts)
    for index, text in zip(dirty, masked.split("\n"), strict=True):
        result[index] = text
    return result


def _masked(text: str, pattern: re.Pattern[str], stop: int) -> str:
    """Return ``text`` masked where ``pattern`` finds secrets (the same object when none).

    A quoted value without its closing quote is masked to ``stop``, or to the end of its line
    when ``stop`` is -1.
    """
    out: list[str] = []
    done = 0  # text[:done] is in out
    verdicts = SECRET_NAME_VERDICTS
    groups = pattern.groupindex  # groups by number: no name looked up per match
    sep_at, scheme_at, bare_at = groups["sep"], groups["scheme"], groups["bare"]
    value_at, bearer_at = groups["value"], groups.get("bearer", 0)
    for match in pattern.finditer(text):
        start = match.start()
        if match.lastindex != value_at:  # a token shape (key=value closes value last)
            end = match.end()
            if end > done:
                masked_from = max(match.end(bearer_at), start, done)  # Bearer kept
                out.append(text[done:masked_from])
                out.append(REDACTED)
                done = end
            continue
        if start < done:  # inside a value already masked
            continue
        key_end = match.start(sep_at)
        key = text[start:key_end]
        secret = verdicts.get(key)  # quotes and backslashes make no word: the same verdict
        scheme = match.group(scheme_at)
        if scheme or (is_secret_name(key) if secret is None else secret):
            value_start, end = match.span(bare_at)
            if value_start < 0:  # a quoted value
                value_start = match.start(value_at) + len(scheme or "")
                out.append(text[done:value_start])
                done, masked = _mask_quoted(text, value_start, stop)
                out.append(masked)
                continue
            out.append(text[done:value_start])
            out.append(REDACTED)
            done = end if end - value_start < _BARE_MAX else _value_end(text, end)
        elif "AKIA" in key or "ASIA" in key or "eyJ" in key:  # a token glued into a key
            for shape in _pattern(True, False).finditer(text, start, key_end):
                out.append(text[done : shape.start()])
                out.append(REDACTED)
                done = shape.end()
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _mask_all(text: str, pattern: re.Pattern[str]) -> str:
    """Mask every match of the token shapes alone (``Bearer`` itself kept)."""
    return pattern.sub(_mask_shape, text)


def _mask_shape(match: re.Match[str]) -> str:
    """Return a token shape's mask: ``Bearer`` and its blanks kept before ``[REDACTED]``."""
    kept = match.end("bearer")  # -1 unless the shape is a bearer token
    return f"{match.string[match.start() : kept]}{REDACTED}" if kept > 0 else REDACTED


def _mask_quoted(text: str, start: int, stop: int) -> tuple[int, str]:
    """Return where the quoted value starting at ``start`` ends, and its mask (quotes kept).

    An unclosed quoted value ends at ``stop`` (-1: at the end of its line).
    """
    quote = '\\"' if text.startswith('\\"', start) else text[start]
    if stop < 0:
        stop = text.find("\n", start)
        stop = len(text) if stop < 0 else stop
    end = text.find(quote, start + len(quote), stop)
    return (stop if end < 0 else end + len(quote)), f"{quote}{REDACTED}{quote}"


def _value_end(text: str, start: int) -> int:
    """Return where the unquoted value running on at ``start`` ends."""
    found = _VALUE_END.search(text, start)
    return found.start() if found else len(text)
