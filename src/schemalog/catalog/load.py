"""The event catalog: ``schemas/<event_type>/<MAJOR.MINOR.PATCH>.json`` (DESIGN §3).

Loading reads every file, checks it against the JSON Schema meta-schema and against what the
runtime relies on (an object schema, no envelope names, a known ``x-context``), and fails with
each bad file's path and reason. Validators are made on first use of each version (see
:mod:`schemalog.catalog.flat`: a flat schema needs no jsonschema_rs for its valid events).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Final

import orjson

from schemalog.catalog.flat import FlatValidator, surely_meta_valid, validator_for
from schemalog.catalog.names import Version, is_event_type
from schemalog.catalog.sensitivity import ACTIONS, REDACTED, RedactionPlan, is_secret_name
from schemalog.exceptions import CatalogError, UnknownEventError
from schemalog.record import CONTEXT_NAMES, LOG_EVENT_TYPE, RESERVED_NAMES, SchemaIssue

if TYPE_CHECKING:
    from pathlib import Path

    from schemalog.catalog.validators import CompiledValidator

#: A pinned MAJOR (compiled on first use, by re's cache: few calls pin one).
_MAJOR_PATTERN: Final = r"(0|[1-9]\d*)\Z"


class SchemaVersion:
    """One version of one event type's schema, and what the runtime derives from it (read-only).

    What it derives is computed on first use and then read as a plain attribute: configure()
    loads every version of the catalog, and most of them are never used by one process.
    """

    event_type: str
    version: Version
    schema: Mapping[str, Any]

    def __init__(
        self, event_type: str, version: Version, schema: Mapping[str, Any], path: Path | str
    ) -> None:
        # A plain class, not a frozen dataclass: creating one compiles its methods at import.
        self.__dict__.update(event_type=event_type, version=version, schema=schema)
        # A path given as text becomes a Path on first use: most are never used.
        self.__dict__["_path_text" if isinstance(path, str) else "path"] = path

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"SchemaVersion is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"SchemaVersion is read-only: cannot delete {name!r}")

    def __repr__(self) -> str:
        return f"SchemaVersion({self.event_type!r}, {self.version_text!r}, {str(self.path)!r})"

    @cached_property
    def path(self) -> Path:
        """The schema's file."""
        from pathlib import Path  # on first use: pathlib is not needed to start

        return Path(self.__dict__["_path_text"])

    @cached_property
    def version_text(self) -> str:
        """The version as written: ``"1.2.0"``."""
        return str(self.version)

    @cached_property
    def redaction(self) -> RedactionPlan:
        """What the schema declares sensitive, and where a valid event may need redacting."""
        return RedactionPlan.from_schema(self.schema)

    @cached_property
    def required_context(self) -> tuple[str, ...]:
        """Context names (``session_id``, ...) the event must carry, from ``x-context``."""
        return tuple(self.schema.get("x-context", []))

    @cached_property
    def closed_names(self) -> frozenset[str] | None:
        """The only names a valid event may hold; None when the schema admits any other."""
        schema = self.schema
        properties = schema.get("properties")
        if (
            schema.get("additionalProperties") is not False
            or schema.get("patternProperties")
            or not isinstance(properties, Mapping)
        ):
            return None
        return frozenset(properties)

    @cached_property
    def scalar_only(self) -> bool:
        """True when every event field is a typed scalar.

        An event that passes validation then holds only strings, numbers, booleans and nulls,
        with nothing to normalize.
        """
        return _scalar_only(self.schema)

    @cached_property
    def sample_rate(self) -> float | None:
        """The share of this type's events that is kept, from ``x-sample-rate`` (None: all)."""
        rate = self.schema.get("x-sample-rate")
        return None if rate is None else float(rate)

    @property
    def description(self) -> str:
        """The event's description."""
        return str(self.schema.get("description", ""))

    @cached_property
    def validator(self) -> FlatValidator | CompiledValidator:
        """The validator for the event's own fields (jsonschema_rs, compiled when needed)."""
        return validator_for(self.schema)

    @cached_property
    def emitted_schema(self) -> Mapping[str, Any]:
        """The schema a *written* line satisfies: redacted properties accept their redacted form.

        A hashed or masked property holds a string, a dropped one may be absent, and a property
        whose name says it holds a secret may hold ``"[REDACTED]"``.
        """
        return emitted_view(self.schema)

    def context_issues(self, context: Mapping[str, Any]) -> list[SchemaIssue]:
        """Return an issue for each ``x-context`` name missing from the record's context."""
        return [
            SchemaIssue(f"$.{name}", "required context is missing (bind it or pass it)")
            for name in self.required_context
            if context.get(name) is None
        ]


_SCALAR_TYPES: Final = frozenset({"string", "integer", "number", "boolean", "null"})


def _scalar_only(schema: Mapping[str, Any]) -> bool:
    if schema.get("additionalProperties") is not False:
        return False
    properties = schema.get("properties", {})
    for subschema in properties.values():
        kinds = subschema.get("type") if isinstance(subschema, Mapping) else None
        if isinstance(kinds, str):
            kinds = [kinds]
        if not kinds or not _SCALAR_TYPES.issuperset(kinds):
            return False
    return True


def emitted_view(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``schema`` with each property widened to accept what redaction writes."""
    view = dict(schema)
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return view
    new_properties: dict[str, Any] = {}
    dropped: set[str] = set()
    for name, subschema in properties.items():
        if not isinstance(subschema, Mapping):
            new_properties[name] = subschema
            continue
        action = subschema.get("x-sensitive")
        if action == "drop":
            dropped.add(name)
            new_properties[name] = subschema
        elif action in ACTIONS:
            new_properties[name] = {
                "description": subschema.get("description", ""),
                "type": ["string", "null"],
            }
        elif is_secret_name(name):
            new_properties[name] = {"anyOf": [emitted_view(subschema), {"const": REDACTED}]}
        else:
            new_properties[name] = emitted_view(subschema)
    view["properties"] = new_properties
    required = schema.get("required")
    if dropped and isinstance(required, list):
        view["required"] = [name for name in required if name not in dropped]
    return view


#: Mistyped names whose suggestion is remembered, at most.
_SUGGESTIONS_LIMIT: Final = 1024


_VERSION_OF: Final = attrgetter("version")


class Catalog:
    """The event types of one catalog directory, each with one or more schema versions."""

    def __init__(
        self, root: str | os.PathLike[str], versions: Mapping[str, list[SchemaVersion]]
    ) -> None:
        self._root = root
        # Oldest first, so [-1] is the newest.
        self._versions = {name: sorted(vs, key=_VERSION_OF) for name, vs in versions.items()}
        #: Suggestions made, by mistyped name: an app that repeats one typo pays difflib once.
        self._suggestions: dict[str, str | None] = {}

    @classmethod
    def load(cls, root: str | os.PathLike[str]) -> Catalog:
        """Load and check every schema file under ``root``; raise CatalogError listing problems."""
        root_text = os.fspath(root)  # not a Path: pathlib is not needed to start
        if not os.path.isdir(root_text):
            raise CatalogError([f"{root_text}: no such catalog directory"])
        problems: list[str] = []
        versions: dict[str, list[SchemaVersion]] = {}
        folder = os.path.join(root_text, "")  # the root and one separator
        for event_type, name in _schema_names(root_text):
            try:
                loaded = _load_file(folder, event_type, name)
            except CatalogError as error:
                problems.extend(error.problems)
                continue
            versions.setdefault(loaded.event_type, []).append(loaded)
        if problems:
            raise CatalogError(problems)
        return cls(root_text, versions)

    @property
    def root(self) -> Path:
        """The catalog directory."""
        from pathlib import Path  # on first use: pathlib is not needed to start

        return Path(self._root)

    def __contains__(self, event_type: object) -> bool:
        return event_type in self._versions

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._versions))

    def __len__(self) -> int:
        return len(self._versions)

    @property
    def event_types(self) -> list[str]:
        """Every event type, sorted."""
        return sorted(self._versions)

    def versions(self, event_type: str) -> list[SchemaVersion]:
        """Every version of ``event_type``, oldest first (empty when unknown)."""
        return list(self._versions.get(event_type, ()))

    def get(self, event_type: str, version: str | None = None) -> SchemaVersion:
        """Return the newest version, or the pinned one (``"1.2.0"``, or ``"1"`` for newest 1.x).

        Raises UnknownEventError, with a suggestion when a known name is close.
        """
        versions = self._versions.get(event_type)
        if versions is None:
            hint = self.suggest(event_type)
            tail = f" (did you mean {hint!r}?)" if hint else ""
            raise UnknownEventError(f"unknown event type {event_type!r}{tail}")
        if version is None:
            return versions[-1]
        if re.match(_MAJOR_PATTERN, version):
            major = int(version)
            matching = [v for v in versions if v.version.major == major]
            if matching:
                return matching[-1]
        else:
            for candidate in versions:
                if candidate.version_text == version:
                    return candidate
        known = ", ".join(v.version_text for v in versions)
        raise UnknownEventError(f"{event_type} has no version {version!r} (known: {known})")

    def suggest(self, event_type: str) -> str | None:
        """Return the known event type closest to ``event_type``, if one is close."""
        if event_type in self._suggestions:
            return self._suggestions[event_type]
        import difflib  # only for a mistyped name: not at start-up

        matches = difflib.get_close_matches(event_type, self._versions, n=1, cutoff=0.75)
        if len(self._suggestions) >= _SUGGESTIONS_LIMIT:
            self._suggestions.clear()  # names from unbounded sources must not grow memory
        self._suggestions[event_type] = suggestion = matches[0] if matches else None
        return suggestion


def schema_files(root: Path) -> list[Path]:
    """Return ``root/*/*.json`` sorted, as ``sorted(root.glob("*/*.json"))`` would.

    Listed with ``os.scandir``: globbing and sorting ``Path`` objects cost more than reading
    a hundred small schemas. An unreadable directory is skipped, as by ``glob``.
    """
    return [root.joinpath(folder, name) for folder, name in _schema_names(root)]


def _schema_names(root: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """Return the (folder, file name) of each ``root/*/*.json``, sorted as their paths."""
    found: list[tuple[str, str]] = []
    with os.scandir(root) as entries:
        folders = [entry.name for entry in entries if entry.is_dir()]
    for folder in folders:
        try:
            names = os.listdir(os.path.join(root, folder))
        except OSError:
            continue
        found.extend((folder, name) for name in names if name.endswith(".json"))
    found.sort()
    return found


def _load_file(folder: str, event_type: str, name: str) -> SchemaVersion:
    """Load ``folder + event_type/name``; its path is written as ``str(Path)`` writes it."""
    path = f"{folder}{event_type}/{name}"
    problems: list[str] = []
    if not is_event_type(event_type):
        problems.append(f"{path}: directory name {event_type!r} is not a snake_case event type")
    elif event_type == LOG_EVENT_TYPE or event_type in RESERVED_NAMES:
        problems.append(f"{path}: {event_type!r} is reserved and cannot be a cataloged event type")
    try:
        version = Version.parse(name[:-5])  # Path.stem: names end in .json
    except ValueError:
        problems.append(f"{path}: file name must be MAJOR.MINOR.PATCH.json, e.g. 1.0.0.json")
        version = Version(0, 0, 0)
    try:
        schema = orjson.loads(_read(path))
    except orjson.JSONDecodeError as error:
        raise CatalogError([*problems, f"{path}: not valid JSON: {error}"]) from None
    except OSError as error:
        raise CatalogError([*problems, f"{path}: cannot read: {error.strerror}"]) from None
    problems.extend(f"{path}: {issue}" for issue in _schema_problems(schema))
    if problems:
        raise CatalogError(problems)
    return SchemaVersion(event_type, version, schema, path)


def _read(path: str) -> bytes:
    """Return the file's bytes."""
    with open(path, "rb") as file:
        return file.read()


def _schema_problems(schema: Any) -> list[str]:
    if not isinstance(schema, dict):
        return ["a schema file must hold a JSON object"]
    # A plain schema is surely valid: importing jsonschema_rs to say so costs most of a start.
    meta_issue = None
    if not surely_meta_valid(schema):
        from schemalog.catalog.validators import check_schema_fast

        meta_issue = check_schema_fast(schema)
    if meta_issue is not None:
        return [f"not a valid JSON Schema: {meta_issue}"]
    problems = []
    if schema.get("type") != "object":
        problems.append('an event schema must have "type": "object"')
    properties = schema.get("properties", {})
    reserved = sorted(RESERVED_NAMES.intersection(properties))
    if reserved:
        problems.append(f"declares envelope names {reserved}; they are reserved (DESIGN §2)")
    if not is_context_list(schema.get("x-context", [])):
        problems.append(f"x-context must list some of {sorted(CONTEXT_NAMES)}")
    if "x-sample-rate" in schema and not is_sample_rate(schema["x-sample-rate"]):
        problems.append("x-sample-rate must be a number in (0, 1]")
    for name, subschema in properties.items():
        action = subschema.get("x-sensitive") if isinstance(subschema, dict) else None
        if action is not None and not is_sensitive_action(action):
            problems.append(f"$.properties.{name}.x-sensitive must be one of {sorted(ACTIONS)}")
    return problems


def is_context_list(value: Any) -> bool:
    """Whether ``value`` is a valid ``x-context``: a list of envelope context names."""
    return isinstance(value, list) and all(
        isinstance(name, str) and name in CONTEXT_NAMES for name in value
    )


def is_sample_rate(value: Any) -> bool:
    """Whether ``value`` is a valid sampling rate: a number in (0, 1]."""
    return type(value) in (int, float) and 0 < value <= 1


def is_sensitive_action(value: Any) -> bool:
    """Whether ``value`` is a valid ``x-sensitive`` action (``hash``, ``mask``, ``drop``)."""
    return isinstance(value, str) and value in ACTIONS
