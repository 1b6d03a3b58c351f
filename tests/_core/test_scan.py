"""Tests for schemalog._core.scan: secrets in free text are masked in one linear pass."""

from __future__ import annotations

import re
import time

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemalog._core.scan import (
    may_hold_escapes_or_secrets,
    may_hold_secrets,
    scrub_text,
    scrub_texts,
)
from schemalog.catalog.sensitivity import REDACTED, add_secret_names, is_secret_name
from tests.properties.corpus import dense_secrets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("login with password=hunter2 ok", "login with password=[REDACTED] ok"),
        ("GET https://x.io/a?token=abc123&b=1", "GET https://x.io/a?token=[REDACTED]&b=1"),
        ('{"password": "hunter2", "user": "bob"}', '{"password": "[REDACTED]", "user": "bob"}'),
        ("Creds(user='a', password='hunter2')", "Creds(user='a', password='[REDACTED]')"),
        ('{\\"api_key\\": \\"sk-1\\"}', '{\\"api_key\\": \\"[REDACTED]\\"}'),
        ("X-Custom: Bearer abcdef123456", "X-Custom: Bearer [REDACTED]"),
        ("{'X-Upstream': 'Bearer abcdef123456'}", "{'X-Upstream': 'Bearer [REDACTED]'}"),
        ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [REDACTED]"),
        ("key AKIAIOSFODNN7EXAMPLE here", "key [REDACTED] here"),
        ("jwt eyJhbGciOi.eyJzdWIiOiIx.c2ln done", "jwt [REDACTED] done"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----", "[REDACTED]"),
        ("secret_key = xyz", "secret_key = [REDACTED]"),
        ("password=abc:def=g x", "password=[REDACTED] x"),
        ("url=https://h/?api_key=zzz", "url=https://h/?api_key=[REDACTED]"),
        ('connect(password="hunter2")', 'connect(password="[REDACTED]")'),
        ("h: Bearer 'abc def' x", "h: Bearer '[REDACTED]' x"),
        (f"token={'a' * 63} x", "token=[REDACTED] x"),
        (f"token={'a' * 63}:b=c x", "token=[REDACTED] x"),
        (f"token={'a' * 64}:{'b' * 70}&x", "token=[REDACTED]&x"),
        (f"token={'a' * 200}", "token=[REDACTED]"),
    ],
)
def test_secrets_in_text_are_masked(text: str, expected: str) -> None:
    """key=value, JSON, reprs, URL parameters, headers and token shapes are masked."""
    assert scrub_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "error: timeout at 10:30",
        "max_tokens=4096 total_tokens=12",
        "a:b:c:d",
        "author=Bob api_key_id=k-1",
        "basic functionality works",
        "",
    ],
)
def test_ordinary_text_is_returned_as_it_is(text: str) -> None:
    """Text without secrets comes back as the very same object."""
    assert scrub_text(text) is text


@pytest.mark.usefixtures("restore_secret_names")
def test_added_secret_names_are_masked_in_text() -> None:
    """A word added with add_secret_names is a secret key in text too."""
    assert scrub_text("card_pin=1234") == "card_pin=1234"
    add_secret_names("pin")
    assert scrub_text("card_pin=1234") == "card_pin=[REDACTED]"


def test_clean_texts_are_remembered_within_a_bound() -> None:
    """Short clean texts are remembered (not scanned again); the memory of them is bounded."""
    from schemalog._core import scan
    from schemalog.catalog.sensitivity import CLEAN_TEXTS

    assert scrub_text("stream_completed") == "stream_completed"
    assert "stream_completed" in CLEAN_TEXTS
    long_text = "x" * 300
    assert scrub_text(long_text) is long_text
    assert long_text not in CLEAN_TEXTS  # too long to remember
    for number in range(scan._CLEAN_TEXTS_LIMIT + 10):
        scrub_text(f"text {number}")
    assert len(CLEAN_TEXTS) <= scan._CLEAN_TEXTS_LIMIT
    assert scrub_text("password=hunter2") == "password=[REDACTED]"
    assert "password=hunter2" not in CLEAN_TEXTS


@pytest.mark.parametrize("unit", ["a:", "x=y ", ": ", "password=", "Bearer ", "eyJ", "x"])
def test_cost_is_linear_in_the_length(unit: str) -> None:
    """Hostile repetitions cost about twice as much for twice the text: no backtracking blow-up."""

    def cost(repeats: int) -> float:
        text = unit * repeats
        started = time.thread_time()
        scrub_text(text)
        return time.thread_time() - started

    small, large = min(cost(20_000) for _ in range(3)), min(cost(80_000) for _ in range(3))
    assert large < 8 * small + 0.01  # 4 times the text: linear with ample slack, not quadratic


def test_may_hold_secrets_is_certain_when_false() -> None:
    """Only JSON without any secret word or token shape is declared clean."""
    assert not may_hold_secrets(b'{"user":"bob","items":[1,2,{"note":"fine"}]}')
    assert not may_hold_secrets(b"line\nbreaks\n")  # scrub_texts's searcher finds them, not this
    assert may_hold_secrets(b'{"Pass-Word":"x"}')
    assert may_hold_secrets(b'{"h":"Bearer abc"}')
    assert may_hold_secrets(b'{"k":"AKIAIOSFODNN7EXAMPLE"}')


@given(st.text(max_size=40))
def test_escapes_or_secrets_is_both_searches_in_one(text: str) -> None:
    """The one-pass search finds what a backslash search and may_hold_secrets find together."""
    data = orjson.dumps({"k": text, text: [text]}, option=orjson.OPT_NON_STR_KEYS)
    expected = b"\\" in data or may_hold_secrets(data)
    assert may_hold_escapes_or_secrets(data) is expected
    assert may_hold_escapes_or_secrets(b'{"a":"pass\\nword"}')
    assert not may_hold_escapes_or_secrets(b'{"user":"bob","items":[1,2,{"note":"fine"}]}')


#: The token shapes as the scanner wrote them before each alternative started with a plain
#: character: the reference the faster pattern must agree with, match for match.
_REFERENCE_SHAPES = r"""
    (?P<bearer>(?i:bearer)[ \t]+)[\w.~+/\-]{6,}=*
    | (?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])
    | (?<![\w\-])eyJ[\w\-]{4,}\.eyJ[\w\-]{4,}\.[\w\-]*
    | -----BEGIN[A-Z ]{0,20}PRIVATE\ KEY-----[^\-]*(?:-----END[A-Z ]{0,20}PRIVATE\ KEY-----)?
"""
#: The key=value pattern as the scanner wrote it before the pattern saw where a value ends.
_REFERENCE_KEY_VALUE = r"""
    (?<![\w.\-\\])(?P<key>\\?["']?[A-Za-z_][\w.\-]{0,63}+\\?["']?)
    (?P<sep>[ \t]{0,3}[:=][ \t]{0,3})
    (?=(?P<value>
        (?P<scheme>(?i:bearer|basic|digest|token|negotiate)[ \t]+)?
        (?:\\?"(?:[^"\\\n]|\\[^"\n])*\\?"|'(?:[^'\\\n]|\\.)*'|[^\s&,;"'<>()\[\]{}\\:=]+)
    ))
"""
_REFERENCE_PATTERNS = {
    (True, True): re.compile(f"{_REFERENCE_SHAPES} | {_REFERENCE_KEY_VALUE}", re.VERBOSE),
    (True, False): re.compile(_REFERENCE_SHAPES, re.VERBOSE),
    (False, True): re.compile(_REFERENCE_KEY_VALUE, re.VERBOSE),
}
_REFERENCE_VALUE_END = re.compile(r"""[\s&,;"'<>()\[\]{}]|\Z""")


def _reference_scrub(text: str) -> str:
    """Mask ``text`` with the reference pattern, in one pass and without a cache.

    The loop is the scanner's: a token shape is looked for when its letters are in the text in
    any case, and one that starts inside a masked value is masked past it.
    """
    letters = re.sub("[^a-z0-9]", "", text.lower().encode().decode("ascii", "ignore"))
    shapes = any(stem in letters for stem in ("bearer", "akia", "asia", "eyj", "private"))
    pattern = _REFERENCE_PATTERNS.get((shapes, "=" in text or ":" in text))
    if pattern is not None and "key" not in pattern.groupindex:  # token shapes alone
        return pattern.sub(lambda m: f"{m.group('bearer') or ''}{REDACTED}", text)
    out, done = [], 0
    for match in pattern.finditer(text) if pattern else ():
        start = match.start()
        key, scheme = match.group("key", "scheme")
        if key is None:
            if match.end() > done:
                bearer_end = start + len(match.group("bearer") or "")
                out.append(f"{text[done : max(bearer_end, done)]}{REDACTED}")
                done = match.end()
        elif start < done:
            continue
        elif scheme or is_secret_name(key.strip("\\\"'")):
            value_start = match.start("value") + len(scheme or "")
            out.append(text[done:value_start])
            quote = next((q for q in ('\\"', '"', "'") if text.startswith(q, value_start)), "")
            if quote:
                end = text.find(quote, value_start + len(quote))
                done = len(text) if end < 0 else end + len(quote)
            else:
                found = _REFERENCE_VALUE_END.search(text, value_start)
                done = found.start() if found else len(text)
            out.append(f"{quote}{REDACTED}{quote}")
        elif any(start in key for start in ("AKIA", "ASIA", "eyJ")):
            for shape in _REFERENCE_PATTERNS[True, False].finditer(text, start, match.end("key")):
                out.append(f"{text[done : shape.start()]}{REDACTED}")
                done = shape.end()
    return "".join([*out, text[done:]]) if out else text


#: Pieces that make keys, separators, quotes, schemes and the starts of every token shape meet.
_PIECES = st.sampled_from(
    [
        *("password", "token", "api_key", "x", "page", "TOKEN", "secret_key", "abc", "12"),
        *("Bearer ", "bearer", "BEARER\t", "bEaReR ", "basic ", "Digest ", "B", "e", "A"),
        *(" ", "  ", "\t", "\n", "=", ":", '"', "'", "\\", "&", "?", ".", "-", "_", "/", ","),
        *("AKIA", "ASIA", "ABCDEFGHIJKLMNOP", "eyJ", "eyJhbGciOi.", "~", "+", "(", ")"),
        *("9" * 70, "v" * 31),  # values about as long as the pattern takes whole
        *(
            "-----BEGIN RSA PRIVATE KEY-----",
            "-----END RSA PRIVATE KEY-----",
            "é",
            "\u017f",
            "\u0130",
        ),  # case folds
    ]
)


@settings(max_examples=3000, deadline=None)
@given(st.one_of(st.lists(_PIECES, max_size=16).map("".join), st.text(max_size=40)))
def test_scan_agrees_with_the_previous_pattern(text: str) -> None:
    """The faster shape pattern masks exactly what the previous one did, for any text."""
    assert scrub_text(text) == _reference_scrub(text)


def test_dense_secrets_are_masked_as_before() -> None:
    """Strings holding three secrets each come out as the previous scanner wrote them."""
    texts = dense_secrets(500)
    assert [scrub_text(t) for t in texts] == [_reference_scrub(t) for t in texts]
    assert scrub_texts(texts) == [_reference_scrub(t) for t in texts]  # every string has one
    assert scrub_text(texts[7]) == "GET /a?page=7&token=[REDACTED] Bearer [REDACTED]"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Authorization: bEaReR abcdefgh12", "Authorization: bEaReR [REDACTED]"),
        ("h=BeArEr\tabcdefgh12", "h=BeArEr\t[REDACTED]"),
        ("token=xBearer abcdefgh", "token=[REDACTED] [REDACTED]"),
        ("pwd=abc-----BEGIN RSA PRIVATE KEY-----xyz", "pwd=[REDACTED][REDACTED]"),
        ("x_AKIAIOSFODNN7EXAMPLE=1", "x_[REDACTED]=1"),  # glued into a key
        ("x.eyJhbGciOi.eyJzdWIiOiIx.c2ln: 1", "x.[REDACTED]: 1"),
    ],
)
def test_token_shapes_in_any_case_and_past_a_mask_are_masked(text: str, masked: str) -> None:
    """A token in mixed case, starting inside a masked value or glued into a key, does not leak."""
    assert scrub_text(text) == masked


_TEXTS = st.one_of(st.lists(_PIECES, max_size=12).map("".join), st.text(max_size=30))


@settings(max_examples=1500, deadline=None)
@given(
    st.one_of(
        st.lists(
            _TEXTS.map(lambda text: text.replace("\n", " ").replace("-----BEGIN", "")), max_size=8
        ),
        st.lists(_TEXTS, max_size=8),
    )
)
def test_many_texts_are_masked_as_each_alone(texts: list[str]) -> None:
    """Texts scrubbed together come out as the reference scrubs each one alone."""
    assert scrub_texts(texts) == [_reference_scrub(text) for text in texts]


def test_a_mask_stops_at_the_end_of_its_text() -> None:
    """A value whose closing quote is missing is masked to the end of its own text only."""
    texts = ['password=\\"abc" rest', 'x\\" token=1', "plain", "GET /?api_key=k&a=1"]
    assert scrub_texts(texts) == [
        'password=\\"[REDACTED]\\"',
        'x\\" token=[REDACTED]',
        "plain",
        "GET /?api_key=[REDACTED]&a=1",
    ]


def test_clean_texts_come_back_as_the_same_list() -> None:
    """A list without secrets is returned as it is, whether or not it is scanned."""
    clean = ["user 42 logged in", "retry after 12:00:01", "a=b"]
    assert scrub_texts(clean) is clean
    assert scrub_texts(clean[:1]) == clean[:1]
    mixed = ["token=x", *clean]
    assert scrub_texts(mixed)[1:] == clean


@pytest.mark.usefixtures("restore_secret_names")
def test_many_secret_words_are_searched_for_in_many_texts() -> None:
    """With more secret words than a byte can number, many texts are still masked as each alone."""
    add_secret_names(*(f"word{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(300)))
    texts = ["wordlm=1 x", "plain", "wordab: 2", "token=3", "nothing here"]
    assert scrub_texts(texts) == [_reference_scrub(text) for text in texts]
    assert scrub_texts(texts)[0] == "wordlm=[REDACTED] x"
