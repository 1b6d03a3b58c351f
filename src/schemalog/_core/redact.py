"""Redaction: what must not be logged is hashed, masked or dropped before any sink sees it.

Two rules apply to every record:

* a property a schema annotates with ``"x-sensitive": "hash" | "mask" | "drop"`` gets that
  treatment, at any depth of declared object properties;
* a key whose name says it holds a secret (``password``, ``token``, ``secret``,
  ``authorization``, ``api_key``, ...; see :func:`is_secret_name`) is replaced by
  ``"[REDACTED]"`` at any depth, in cataloged and uncataloged records alike. Booleans and nulls
  are kept: ``"build_token": true`` says nothing secret;
* every other string the walk meets is scanned as free text (:func:`scrub_text`), so a URL's
  ``?token=`` or a ``Bearer`` header under any name is masked too. (A valid event of a closed
  schema is walked only where its schema says something may need redacting.)

Schema errors quote values; :meth:`Redactor.redact_issues` makes them quote the redacted value
instead, and shortens every quoted value to a preview in production.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import orjson

from schemalog._core.normalize import normalize
from schemalog._core.scan import may_hold_escapes_or_secrets, scrub_text, scrub_texts
from schemalog.catalog.sensitivity import (
    EMPTY_PLAN,
    REDACTED,
    SECRET_NAME_VERDICTS,
    Action,
    RedactionPlan,
    is_secret_name,
)
from schemalog.catalog.validators import show_value
from schemalog.record import SchemaIssue, json_path

MASK: Final = "****"
#: A masked value keeps this many leading characters when it is long enough to spare them.
MASK_KEEP: Final = 4
MASK_MIN_LENGTH: Final = 12
#: In production, a schema error quotes at most this many characters of a value.
PREVIEW_CHARS: Final = 24


class Redactor:
    """Applies redaction; ``hash_key`` makes hashes keyed (HMAC), so they resist guessing."""

    def __init__(self, hash_key: bytes | None = None) -> None:
        self._hash_key = hash_key

    def redact(
        self,
        fields: dict[str, Any],
        plan: RedactionPlan = EMPTY_PLAN,
        *,
        valid: bool = False,
        prepared: frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        """Return ``fields`` redacted; the same dict when nothing needed redacting.

        ``valid=True`` says ``fields`` passed ``plan``'s schema, so a closed schema's
        ``visit`` list covers every property that could need redacting; then the
        ``prepared`` fields, already redacted by this redactor (as ``schemalog.agent`` does
        with tool parameters), are not walked again, unless the schema has an action for them.
        Redacting a redacted value changes nothing, so the line is the same either way.
        """
        if not (valid and plan.closed):
            return self._redact_all(fields, plan.actions)
        result: dict[str, Any] | None = None
        actions = plan.actions
        for key in plan.visit:
            value = fields.get(key, _DROPPED)
            action = actions.get(key)
            if value is _DROPPED or (action is None and key in prepared):
                continue
            if action is None and type(value) is dict:  # the usual visit: a free-form object
                # One scan of its JSON clears most objects at once (cheaper than each string).
                new = value if _clean(value) else self._redact_all(value, {})
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
                new: Any = REDACTED
                if not (is_secret_name(key) if secret is None else secret):
                    if kind is not str:
                        continue
                    new = scrub_text(value)
            else:
                new = self._redact_one(key, value, action)
            if new is not value:
                result = _store(result, fields, key, new)
        return fields if result is None else result

    def _redact_list(self, items: list[Any]) -> list[Any]:
        result: list[Any] | None = None
        texts = [item for item in items if type(item) is str]
        scrubbed = iter(scrub_texts(texts) if len(texts) > 1 else map(scrub_text, texts))
        for index, item in enumerate(items):
            kind = type(item)
            new: Any
            if kind is str:
                new = next(scrubbed)  # in the order of the list
            elif kind is dict:
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
            if kind is dict or kind is list:
                if _clean(value):
                    return value
                return self._redact_all(value, {}) if kind is dict else self._redact_list(value)
            return scrub_text(value) if kind is str else value
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

    def redact_issues(
        self,
        issues: list[SchemaIssue],
        fields: dict[str, Any],
        plan: RedactionPlan = EMPTY_PLAN,
        *,
        preview: bool = False,
    ) -> list[SchemaIssue]:
        """Return ``issues`` quoting values as the record will carry them (redacted).

        A reason that quotes a value which redaction changes (a sensitive or secret-named field,
        or an object holding one) quotes the redacted value instead; a reason that holds a
        redacted part some other way is withheld. ``preview=True`` (production) also cuts every
        quoted value to :data:`PREVIEW_CHARS` characters.
        """
        out = []
        for issue in issues:
            found, value = _at_path(fields, issue.path)
            reason = issue.reason
            if found:
                quoted = show_value(value)
                # Redact only the top-level field holding the value (all of them for ``$``).
                top = _first_key(fields, issue.path[1:])
                part = fields if top is None else {top: fields[top]}
                now_found, now = _at_path(self.redact(part, plan), issue.path)
                if not now_found or now is not value:
                    shown = show_value(now, PREVIEW_CHARS) if now_found else REDACTED
                    if quoted in reason:
                        reason = reason.replace(quoted, shown)
                    elif any(leaf in reason for leaf in _leaves(value) - _leaves(now)):
                        reason = "invalid (the value is sensitive: not shown)"
                elif preview and len(quoted) > PREVIEW_CHARS:
                    reason = reason.replace(quoted, show_value(value, PREVIEW_CHARS))
            out.append(issue if reason is issue.reason else SchemaIssue(issue.path, reason))
        return out

    def hash(self, value: Any) -> str:
        """Return ``sha256:`` and 16 hex digits of the value (keyed when a hash key is set)."""
        import hashlib  # only schemas with x-sensitive: hash need it: not at start-up
        import hmac

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


def _leaves(value: Any) -> set[str]:
    """Return the scalars inside ``value`` as text (what a reason could quote of it)."""
    out: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif item is not None and not isinstance(item, bool):
            out.add(str(item))
    return out


def _clean(value: dict[str, Any] | list[Any]) -> bool:
    """Return whether a container certainly holds nothing to redact (checked on its JSON)."""
    try:
        data = orjson.dumps(value)
    except TypeError:  # not plain JSON data: walk it
        return False
    return clean_json(data)


def clean_json(data: bytes) -> bool:
    r"""Return whether the JSON ``data`` certainly holds nothing to redact (no action applied).

    An escape (``\n``, ``\u0000``) puts letters inside a word, so a secret name such as
    ``"pass\nword"`` would hide from the search: JSON with any escape proves nothing.
    """
    return not may_hold_escapes_or_secrets(data)


def _at_path(value: Any, path: str) -> tuple[bool, Any]:
    """Return whether ``$.a[0]``-style ``path`` is in ``value``, and what is there."""
    rest = path[1:] if path.startswith("$") else path
    while rest:
        if type(value) is dict:
            key = _first_key(value, rest)
            if key is None:
                return False, None
            value, rest = value[key], rest[len(json_path([key])) - 1 :]
        elif type(value) is list and rest.startswith("[") and "]" in rest:
            index, _, rest = rest[1:].partition("]")
            if not index.isdigit() or int(index) >= len(value):
                return False, None
            value = value[int(index)]
        else:
            return False, None
    return True, value


def _first_key(value: dict[str, Any], rest: str) -> str | None:
    """Return the key of ``value`` that the path ``rest`` (``.a.b``, ``["x y"]``) starts with."""
    for key in value:
        step = json_path([key])[1:]
        if rest.startswith(step) and rest[len(step) : len(step) + 1] in ("", ".", "["):
            return key
    return None


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
