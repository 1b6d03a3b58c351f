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
from collections.abc import Mapping
from typing import Any, Final

import orjson

from schemalog._core.normalize import normalize
from schemalog.catalog.sensitivity import (
    EMPTY_PLAN,
    REDACTED,
    SECRET_NAME_VERDICTS,
    Action,
    RedactionPlan,
    is_secret_name,
)

MASK: Final = "****"
#: A masked value keeps this many leading characters when it is long enough to spare them.
MASK_KEEP: Final = 4
MASK_MIN_LENGTH: Final = 12


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
                secret = SECRET_NAME_VERDICTS.get(key)
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
                secret = SECRET_NAME_VERDICTS.get(key)
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
