"""What the catalog declares sensitive, and which key names say they hold a secret.

A schema marks a property ``"x-sensitive": "hash" | "mask" | "drop"``; :class:`RedactionPlan`
collects those marks once per schema version when the catalog loads. Independently of any
schema, a key whose name says it holds a secret (:func:`is_secret_name`) is redacted in every
record. The redaction itself is done by ``schemalog._core.redact``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

Action = Literal["hash", "mask", "drop"]
ACTIONS: Final[frozenset[str]] = frozenset({"hash", "mask", "drop"})
REDACTED: Final = "[REDACTED]"

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
#: Verdicts of is_secret_name by key, read directly by the redactor's hot path.
SECRET_NAME_VERDICTS: dict[str, bool] = {}
_SECRET_NAME_CACHE_LIMIT: Final = 4096


def is_secret_name(key: str) -> bool:
    """Return whether a key's name says it holds a secret (``API-Key``, ``db_password``...)."""
    verdict = SECRET_NAME_VERDICTS.get(key)
    if verdict is None:
        squashed = _NOT_ALNUM.sub("", key.lower())
        verdict = squashed.endswith(SECRET_NAME_ENDINGS)
        if len(SECRET_NAME_VERDICTS) >= _SECRET_NAME_CACHE_LIMIT:
            SECRET_NAME_VERDICTS.clear()  # keys from unbounded sources must not grow memory
        SECRET_NAME_VERDICTS[key] = verdict
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
