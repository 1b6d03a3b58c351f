"""What the catalog declares sensitive, and which key names say they hold a secret.

A schema marks a property ``"x-sensitive": "hash" | "mask" | "drop"``; :class:`RedactionPlan`
collects those marks once per schema version when the catalog loads. Independently of any
schema, a key whose name says it holds a secret (:func:`is_secret_name`) is redacted in every
record. The redaction itself is done by ``schemalog._core.redact``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final, Literal

Action = Literal["hash", "mask", "drop"]
ACTIONS: Final[frozenset[str]] = frozenset({"hash", "mask", "drop"})
REDACTED: Final = "[REDACTED]"

#: The one list of secret words, each compared with a key's last word or last words joined
#: (``api_key`` -> ``apikey``), after splitting at case changes and separators, lower-casing and
#: dropping a plural ``s``. Extend it with :func:`add_secret_names`.
SECRET_WORDS: set[str] = {
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "secretkey",
    "accesskey",
    "sessionkey",
    "authorization",
    "auth",
    "cookie",
    "credential",
}
#: The same words as bytes, for scanning JSON and text at C speed (kept in step).
SECRET_WORD_BYTES: list[bytes] = [word.encode() for word in sorted(SECRET_WORDS)]
#: Words that make a secret-looking name a quantity or a description (``max_tokens``,
#: ``password_length``, ``api_key_id``): such names are never redacted.
NOT_SECRET_WORDS: Final = frozenset(
    {
        "count", "total", "max", "min", "num", "number", "limit", "used", "usage", "remaining",
        "input", "output", "prompt", "completion", "cached", "reasoning", "length", "len",
        "size", "id", "prefix", "type", "name", "provider", "method", "hash", "expiry",
        "expires", "ttl", "age", "rate", "budget", "present", "valid", "required",
    }
)  # fmt: skip
#: Words after which a strong secret word still means a secret: ``aws_secret_access_key``.
_STRONG_WORDS: Final = frozenset({"password", "passwd", "pwd", "passphrase", "secret", "private"})
#: Words of a name (compiled on first use, by re's cache: a name's verdict is kept).
_WORDS: Final = r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+"
#: Verdicts of is_secret_name by key, read directly by the redactor's hot path.
SECRET_NAME_VERDICTS: dict[str, bool] = {}
#: Short texts the free-text scanner found clean (a cache, emptied when secret words are added).
CLEAN_TEXTS: set[str] = set()
_SECRET_NAME_CACHE_LIMIT: Final = 4096


def add_secret_names(*names: str) -> None:
    """Add words to the list that :func:`is_secret_name` (and so every record) redacts.

    A name is compared as a word (``add_secret_names("pin")`` redacts ``pin``, ``card_pin`` and
    ``PINs``), with case, separators and a plural ``s`` ignored.
    """
    for name in names:
        word = "".join(_singular(w) for w in _words(name))
        if not word:
            raise ValueError(f"secret name {name!r} has no letters or digits")
        if word not in SECRET_WORDS:
            SECRET_WORDS.add(word)
            SECRET_WORD_BYTES.append(word.encode())
    SECRET_NAME_VERDICTS.clear()
    CLEAN_TEXTS.clear()


def secret_names() -> frozenset[str]:
    """Return the words :func:`is_secret_name` redacts (the built-in ones and those added)."""
    return frozenset(SECRET_WORDS)


def _words(name: str) -> list[str]:
    return [word.lower() for word in re.findall(_WORDS, name)]


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def is_secret_name(key: str) -> bool:
    """Return whether a key's name says it holds a secret (``API-Key``, ``db_passwords``...).

    The name's last word, or its last two or three words joined, must be one of
    :data:`SECRET_WORDS`; or it must hold a strong word (``secret``, ``password``...) and end in
    ``key``; and it must hold none of :data:`NOT_SECRET_WORDS`.
    """
    verdict = SECRET_NAME_VERDICTS.get(key)
    if verdict is None:
        verdict = _judge([_singular(word) for word in _words(key)])
        if len(SECRET_NAME_VERDICTS) >= _SECRET_NAME_CACHE_LIMIT:
            SECRET_NAME_VERDICTS.clear()  # keys from unbounded sources must not grow memory
        SECRET_NAME_VERDICTS[key] = verdict
    return verdict


def _judge(words: list[str]) -> bool:
    if not words or not NOT_SECRET_WORDS.isdisjoint(words):
        return False
    for size in (1, 2, 3):
        if len(words) >= size and "".join(words[-size:]) in SECRET_WORDS:
            return True
    if words[-1] == "key" and not _STRONG_WORDS.isdisjoint(words):
        return True
    # One long word such as ``dbpassword`` or ``xapikey``.
    return len(words) == 1 and any(len(s) > 4 and words[0].endswith(s) for s in SECRET_WORDS)


class RedactionPlan:
    """What a schema declares sensitive: an action per property, or a plan for a nested object.

    ``visit`` names the properties a *valid* event may need redacted in (sensitive, secret-named,
    able to hold nested objects, or free text such as URLs and error messages); ``closed`` says
    the schema admits no other property. For a valid event of a closed schema only ``visit`` is
    walked, and often that is nothing. Read-only, compared by value.
    """

    # A plain class, not a frozen dataclass: creating one compiles its methods at import.
    __slots__ = ("actions", "closed", "needed", "visit")
    actions: Mapping[str, Action | RedactionPlan]
    visit: tuple[str, ...]
    closed: bool
    #: Whether a valid event of the schema may hold anything to redact (an attribute, not a
    #: property: the hot path reads it for every event).
    needed: bool

    def __init__(
        self,
        actions: Mapping[str, Action | RedactionPlan] | None = None,
        visit: tuple[str, ...] = (),
        closed: bool = False,
    ) -> None:
        set_slot = object.__setattr__
        set_slot(self, "actions", {} if actions is None else actions)
        set_slot(self, "visit", visit)
        set_slot(self, "closed", closed)
        set_slot(self, "needed", bool(visit) or not closed)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RedactionPlan is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"RedactionPlan is read-only: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RedactionPlan):
            return NotImplemented
        return (self.actions, self.visit, self.closed) == (other.actions, other.visit, other.closed)

    def __hash__(self) -> int:  # a dataclass field's default must be hashable
        return hash((self.actions, self.visit, self.closed))

    def __repr__(self) -> str:
        return f"RedactionPlan({self.actions!r}, {self.visit!r}, {self.closed!r})"

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any]) -> RedactionPlan:
        """Collect ``x-sensitive`` annotations from a schema's (nested) ``properties``."""
        actions: dict[str, Action | RedactionPlan] = {}
        visit: list[str] = []
        properties = schema.get("properties")
        if not isinstance(properties, Mapping):
            properties = {}
        for name, subschema in properties.items():
            if not isinstance(subschema, Mapping):
                visit.append(name)
                continue
            action = subschema.get("x-sensitive")
            if action in ACTIONS:
                actions[name] = action
            elif isinstance(subschema.get("properties"), Mapping):
                nested = cls.from_schema(subschema)
                if nested.actions:
                    actions[name] = nested
            if (
                name in actions
                or is_secret_name(name)
                or _may_hold_containers(subschema)
                or _may_hold_free_text(name, subschema)
            ):
                visit.append(name)
        return cls(actions, tuple(visit), schema.get("additionalProperties") is False)


#: Last words of string properties that hold free text, scanned for secrets even in valid
#: events (``proxy_router_url``, ``error_message``): URLs carry ``?token=``, errors quote input.
FREE_TEXT_WORDS: Final = frozenset(
    {
        "url", "uri", "href", "link", "endpoint", "query", "header", "message", "error",
        "detail", "reason", "text", "traceback", "stack", "exception", "command", "body",
        "content", "payload", "argument", "arg", "param",
    }
)  # fmt: skip
_FREE_TEXT_FORMATS: Final = frozenset({"uri", "uri-reference", "iri", "iri-reference"})


def _may_hold_free_text(name: str, schema: Mapping[str, Any]) -> bool:
    words = _words(name)
    return bool(words) and (
        _singular(words[-1]) in FREE_TEXT_WORDS or schema.get("format") in _FREE_TEXT_FORMATS
    )


def _may_hold_containers(schema: Mapping[str, Any]) -> bool:
    kinds = schema.get("type")
    if kinds is None:
        return True
    if isinstance(kinds, str):
        kinds = [kinds]
    return "object" in kinds or "array" in kinds


EMPTY_PLAN: Final = RedactionPlan()
