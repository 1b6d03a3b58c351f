"""Redaction: what must not be logged is hashed, masked or dropped before any sink sees it.

Two rules apply to every record:

* a property a schema annotates with ``"x-sensitive": "hash" | "mask" | "drop"`` gets that
  treatment, at any depth of declared object properties;
* a key whose name says it holds a secret (``password``, ``token``, ``secret``,
  ``authorization``, ``api_key``, ...; see :func:`is_secret_name`) is replaced by
  ``"[REDACTED]"`` at any depth, in cataloged and uncataloged records alike. Booleans and nulls
  are kept: ``"build_token": true`` says nothing secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import orjson

from schemalog.normalize import normalize

Action = Literal["hash", "mask", "drop"]
ACTIONS: Final[frozenset[str]] = frozenset({"hash", "mask", "drop"})
REDACTED: Final = "[REDACTED]"
MASK: Final = "****"
#: A masked value keeps this many leading characters when it is long enough to spare them.
MASK_KEEP: Final = 4
MASK_MIN_LENGTH: Final = 12

#: Name endings, compared after lower-casing and removing everything but letters and digits.
SECRET_NAME_ENDINGS: Final = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "authorization",
    "cookie",
    "credential",
    "credentials",
)
_NOT_ALNUM: Final = re.compile(r"[^a-z0-9]")
_SECRET_NAME_CACHE: dict[str, bool] = {}
_SECRET_NAME_CACHE_LIMIT: Final = 4096


def is_secret_name(key: str) -> bool:
    """Return whether a key's name says it holds a secret (``API-Key``, ``db_password``...)."""
    verdict = _SECRET_NAME_CACHE.get(key)
    if verdict is None:
        squashed = _NOT_ALNUM.sub("", key.lower())
        verdict = squashed.endswith(SECRET_NAME_ENDINGS)
        if len(_SECRET_NAME_CACHE) >= _SECRET_NAME_CACHE_LIMIT:
            _SECRET_NAME_CACHE.clear()  # keys from unbounded sources must not grow memory
        _SECRET_NAME_CACHE[key] = verdict
    return verdict


@dataclass(frozen=True)
class RedactionPlan:
    """What a schema declares sensitive: an action per property, or a plan for a nested object.

    ``visit`` names the properties a *valid* event may need redacted in (sensitive, secret-named,
    or able to hold nested objects); ``closed`` says the schema admits no other property. For a
    valid event of a closed schema only ``visit`` is walked, and often that is nothing.
    """

    actions: Mapping[str, Action | RedactionPlan] = field(default_factory=dict)
    visit: tuple[str, ...] = ()
    closed: bool = False
    #: Whether a valid event of the schema may hold anything to redact (a field, not a
    #: property: the hot path reads it for every event).
    needed: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "needed", bool(self.visit) or not self.closed)

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
            if name in actions or is_secret_name(name) or _may_hold_containers(subschema):
                visit.append(name)
        return cls(actions, tuple(visit), schema.get("additionalProperties") is False)


def _may_hold_containers(schema: Mapping[str, Any]) -> bool:
    kinds = schema.get("type")
    if kinds is None:
        return True
    if isinstance(kinds, str):
        kinds = [kinds]
    return "object" in kinds or "array" in kinds


EMPTY_PLAN: Final = RedactionPlan()


class Redactor:
    """Applies redaction; ``hash_key`` makes hashes keyed (HMAC), so they resist guessing."""

    def __init__(self, hash_key: bytes | None = None) -> None:
        self._hash_key = hash_key

    def redact(
        self, fields: dict[str, Any], plan: RedactionPlan = EMPTY_PLAN, *, valid: bool = False
    ) -> dict[str, Any]:
        """Return ``fields`` redacted; the same dict when nothing needed redacting.

        ``valid=True`` says ``fields`` passed ``plan``'s schema, so a closed schema's
        ``visit`` list covers every property that could need redacting.
        """
        if not (valid and plan.closed):
            return self._redact_all(fields, plan.actions)
        result: dict[str, Any] | None = None
        actions = plan.actions
        for key in plan.visit:
            value = fields.get(key, _DROPPED)
            if value is _DROPPED:
                continue
            action = actions.get(key)
            if action is None and type(value) is dict:  # the usual visit: a free-form object
                new = self._redact_all(value, {})
            else:
                new = self._redact_one(key, value, action)
            if new is not value:
                result = _store(result, fields, key, new)
        return fields if result is None else result

    def _redact_all(
        self, fields: dict[str, Any], actions: Mapping[str, Action | RedactionPlan]
    ) -> dict[str, Any]:
        result: dict[str, Any] | None = None
        for key, value in fields.items():
            kind = type(value)
            action = actions.get(key) if actions else None
            if action is None and kind is not dict and kind is not list:
                # Inlined for speed: most values are scalars under ordinary names.
                if value is None or kind is bool:
                    continue
                secret = _SECRET_NAME_CACHE.get(key)
                if not (is_secret_name(key) if secret is None else secret):
                    continue
                new: Any = REDACTED
            else:
                new = self._redact_one(key, value, action)
            if new is not value:
                result = _store(result, fields, key, new)
        return fields if result is None else result

    def _redact_list(self, items: list[Any]) -> list[Any]:
        result: list[Any] | None = None
        for index, item in enumerate(items):
            kind = type(item)
            new: Any
            if kind is dict:
                new = self._redact_all(item, {})
            elif kind is list:
                new = self._redact_list(item)
            else:
                continue
            if new is not item:
                if result is None:
                    result = list(items)
                result[index] = new
        return items if result is None else result

    def _redact_one(self, key: str, value: Any, action: Action | RedactionPlan | None) -> Any:
        if action is None:
            kind = type(value)
            if value is not None and kind is not bool:
                secret = _SECRET_NAME_CACHE.get(key)
                if secret is None:
                    secret = is_secret_name(key)
                if secret:
                    return REDACTED
            if kind is dict:
                return self._redact_all(value, {})
            if kind is list:
                return self._redact_list(value)
            return value
        if isinstance(action, RedactionPlan):
            return self._redact_all(value, action.actions) if type(value) is dict else value
        return self._apply(action, value)

    def _apply(self, action: Action, value: Any) -> Any:
        if action == "drop":
            return _DROPPED
        if value is None:
            return None
        if action == "mask":
            return mask(value)
        return self.hash(value)

    def hash(self, value: Any) -> str:
        """Return ``sha256:`` and 16 hex digits of the value (keyed when a hash key is set)."""
        value = normalize(value)  # a UUID hashes like its string form
        data = value.encode("utf-8") if isinstance(value, str) else orjson.dumps(value)
        if self._hash_key is None:
            digest = hashlib.sha256(data).hexdigest()
        else:
            digest = hmac.new(self._hash_key, data, hashlib.sha256).hexdigest()
        return "sha256:" + digest[:16]


def mask(value: Any) -> str:
    """Return a masked value: a long string keeps its first 4 characters, the rest is hidden."""
    if isinstance(value, str) and len(value) >= MASK_MIN_LENGTH:
        return value[:MASK_KEEP] + MASK
    return MASK


_DROPPED: Final = object()


def _store(
    result: dict[str, Any] | None, fields: dict[str, Any], key: str, new: Any
) -> dict[str, Any]:
    """Put ``new`` (or the drop of ``key``) into ``result``, a copy of ``fields`` made on need."""
    if result is None:
        result = dict(fields)
    if new is _DROPPED:
        del result[key]
    else:
        result[key] = new
    return result
