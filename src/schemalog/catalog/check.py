"""``schemalog schemas check``: every catalog rule, each finding with its file and reason.

Per file: the name (``<event_type>/<MAJOR.MINOR.PATCH>.json``, snake_case, not reserved), valid
JSON, valid JSON Schema (draft 2020-12, declared), ``$id`` ending in the path, a description on
the event and on every property, ``"type": "object"`` with ``additionalProperties: false``,
arrays that declare ``items``, no envelope names, known ``x-context`` and ``x-sensitive``
values, an ``x-domain`` for the docs, ``required`` names that are declared, and ``examples``
that validate. Across files: each version is compatible with the one before it in its MAJOR
(:mod:`schemalog.catalog.compatibility`). Against a git ref: a version file that existed
there is unchanged.
"""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import orjson

from schemalog.catalog.compatibility import compare
from schemalog.catalog.load import (
    is_context_list,
    is_sample_rate,
    is_sensitive_action,
)
from schemalog.catalog.names import Version, is_event_type
from schemalog.catalog.sensitivity import ACTIONS
from schemalog.catalog.validators import ReferenceValidator, check_schema_fast
from schemalog.exceptions import CatalogError, GitRefError
from schemalog.findings import Finding as Found
from schemalog.record import CONTEXT_NAMES, LOG_EVENT_TYPE, RESERVED_NAMES, SchemaIssue, json_path

DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
#: Keywords that give a subschema its kind of value when ``type`` is absent.
_TYPING_KEYWORDS: Final = ("type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref")


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: the file it is in, and why."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    def to_finding(self) -> Found:
        """Return this problem in the command line's one findings model."""
        return Found(self.path, message=self.reason)


@dataclass(frozen=True)
class _Loaded:
    event_type: str
    version: Version
    schema: Mapping[str, Any]
    path: str


def check_catalog(root: str | Path, *, against: str | None = None) -> list[Finding]:
    """Return every finding for the catalog at ``root``, sorted by file.

    Raises CatalogError when ``root`` is not a directory, and GitRefError when ``against`` is
    given but cannot be read.
    """
    root_path = Path(root)
    if not root_path.is_dir():
        raise CatalogError([f"{root_path}: no such catalog directory"])
    findings: list[Finding] = []
    loaded: dict[str, list[_Loaded]] = {}
    for path in _catalog_files(root_path, findings):
        found, version = _check_file(path)
        findings.extend(found)
        if version is not None:
            loaded.setdefault(version.event_type, []).append(version)
    for versions in loaded.values():
        findings.extend(_compatibility(sorted(versions, key=lambda v: v.version)))
    if against is not None:
        findings.extend(published_findings(root_path, against))
    return sorted(findings)


def _catalog_files(root: Path, findings: list[Finding]) -> Iterator[Path]:
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from sorted(p for p in entry.iterdir() if p.suffix == ".json")
        elif entry.suffix == ".json":
            findings.append(
                Finding(str(entry), "schema files live in <event_type>/<MAJOR.MINOR.PATCH>.json")
            )


def _check_file(path: Path) -> tuple[list[Finding], _Loaded | None]:
    """Check one file; return its findings, and the parsed version when it can be compared."""
    reasons: list[str] = []
    event_type = path.parent.name
    if not is_event_type(event_type):
        reasons.append(f"event type {event_type!r} (the directory name) is not snake_case")
    elif event_type == LOG_EVENT_TYPE or event_type in RESERVED_NAMES:
        reasons.append(f"{event_type!r} is reserved and cannot be a cataloged event type")
    try:
        version: Version | None = Version.parse(path.stem)
    except ValueError:
        reasons.append("the file name must be MAJOR.MINOR.PATCH.json, e.g. 1.0.0.json")
        version = None
    try:
        schema = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        reasons.append(f"not valid JSON: {error}")
        schema = None
    except OSError as error:
        reasons.append(f"cannot read: {error.strerror}")
        schema = None
    if schema is not None:
        reasons.extend(schema_reasons(schema, event_type, path.stem))
    findings = [Finding(str(path), reason) for reason in reasons]
    if reasons or version is None or not isinstance(schema, dict):
        return findings, None
    return findings, _Loaded(event_type, version, schema, str(path))


def schema_reasons(schema: Any, event_type: str, version: str) -> list[str]:
    """Return why one schema breaks the catalog's rules (empty when it keeps them all)."""
    if not isinstance(schema, dict):
        return ["a schema file must hold a JSON object"]
    if schema.get("$schema") != DIALECT:
        return [f'"$schema" must be "{DIALECT}" (the catalog is JSON Schema draft 2020-12)']
    issues = ReferenceValidator.check_schema(schema)
    fast = check_schema_fast(schema)  # what the runtime's loader checks
    if fast is not None and not issues:
        issues = [fast]
    if issues:
        return [f"not a valid JSON Schema: {issue}" for issue in issues]
    reasons = _header_reasons(schema, event_type, version)
    properties = schema.get("properties", {})
    reserved = sorted(RESERVED_NAMES.intersection(properties))
    for name in reserved:
        reasons.append(f"$.properties.{name}: {name!r} is an envelope name, reserved (DESIGN §2)")
    for path, subschema in _properties(schema, ["properties"]):
        reasons.extend(f"{json_path(path)}: {reason}" for reason in _property_reasons(subschema))
        name = str(path[-1])
        if not is_event_type(name):
            reasons.append(f"{json_path(path)}: property name {name!r} is not snake_case")
    for path, subschema in _subschemas(schema, []):
        types = subschema.get("type")
        is_array = types == "array" or (isinstance(types, list) and "array" in types)
        if is_array and "items" not in subschema and "prefixItems" not in subschema:
            reasons.append(f"{json_path(path)}: an array must declare its items")
    required = schema.get("required", [])
    for name in required:
        if name not in properties:
            reasons.append(f"$.required: {name!r} is required but not declared in properties")
    reasons.extend(_example_reasons(schema))
    return reasons


def _header_reasons(schema: Mapping[str, Any], event_type: str, version: str) -> list[str]:
    reasons = []
    schema_id = schema.get("$id")
    suffix = f"/{event_type}/{version}"
    if not isinstance(schema_id, str) or not schema_id.endswith(suffix):
        reasons.append(f'"$id" must end with "{suffix}" (the file\'s path), got {schema_id!r}')
    if "title" in schema and schema["title"] != event_type:
        reasons.append(f'"title" must be the event type {event_type!r}, got {schema["title"]!r}')
    if not _has_text(schema, "description"):
        reasons.append('the event needs a "description"')
    domain = schema.get("x-domain")
    if not isinstance(domain, str) or not is_event_type(domain):
        reasons.append('"x-domain" must name the docs section, snake_case (e.g. "auth")')
    if "x-changes" in schema and not _has_text(schema, "x-changes"):
        reasons.append('"x-changes" must be a non-empty string')
    if schema.get("type") != "object":
        reasons.append('an event schema must have "type": "object"')
    if schema.get("additionalProperties") is not False:
        reasons.append('an event schema must have "additionalProperties": false')
    context = schema.get("x-context", [])
    if not is_context_list(context) or len(set(context)) != len(context):
        reasons.append(f'"x-context" must list distinct names from {sorted(CONTEXT_NAMES)}')
    if "x-sample-rate" in schema and not is_sample_rate(schema["x-sample-rate"]):
        reasons.append(
            f'"x-sample-rate" must be a number in (0, 1], got {schema["x-sample-rate"]!r}'
        )
    return reasons


def _property_reasons(subschema: Any) -> list[str]:
    if not isinstance(subschema, Mapping):
        return ["a property must be described by an object schema"]
    reasons = []
    if not _has_text(subschema, "description"):
        reasons.append('the property needs a "description"')
    if not any(keyword in subschema for keyword in _TYPING_KEYWORDS):
        reasons.append('the property must declare its "type" (or an enum or const)')
    action = subschema.get("x-sensitive")
    if action is not None and not is_sensitive_action(action):
        reasons.append(f'"x-sensitive" must be one of {sorted(ACTIONS)}, got {action!r}')
    return reasons


def _has_text(schema: Mapping[str, Any], key: str) -> bool:
    value = schema.get(key)
    return isinstance(value, str) and bool(value.strip())


def _properties(
    schema: Mapping[str, Any], path: list[str | int]
) -> Iterator[tuple[list[str | int], Any]]:
    """Yield every declared property, nested ones included, with its path in the schema."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return
    for name, subschema in properties.items():
        yield [*path, name], subschema
        if isinstance(subschema, Mapping):
            yield from _properties(subschema, [*path, name, "properties"])
            items = subschema.get("items")
            if isinstance(items, Mapping):
                yield from _properties(items, [*path, name, "items", "properties"])


def _subschemas(schema: Any, path: list[str | int]) -> Iterator[tuple[list[str | int], Any]]:
    """Yield every subschema object of ``schema``, itself first."""
    if not isinstance(schema, Mapping):
        return
    yield path, schema
    for key, value in schema.items():
        if key in ("properties", "$defs", "patternProperties", "dependentSchemas"):
            if isinstance(value, Mapping):
                for name, subschema in value.items():
                    yield from _subschemas(subschema, [*path, key, name])
        elif key in ("allOf", "anyOf", "oneOf", "prefixItems") and isinstance(value, list):
            for index, subschema in enumerate(value):
                yield from _subschemas(subschema, [*path, key, index])
        elif isinstance(value, Mapping) and key not in ("examples", "const", "default", "enum"):
            yield from _subschemas(value, [*path, key])


def _example_reasons(schema: Mapping[str, Any]) -> list[str]:
    examples = schema.get("examples")
    if not isinstance(examples, list) or not examples:
        return ['"examples" must list at least one example event (its own fields)']
    validator = ReferenceValidator(schema)
    reasons: list[str] = []
    for index, example in enumerate(examples):
        issues: list[SchemaIssue] = validator.issues(example)
        reasons.extend(f"$.examples[{index}] is invalid: {issue}" for issue in issues)
    return reasons


def _compatibility(versions: list[_Loaded]) -> Iterator[Finding]:
    for old, new in itertools.pairwise(versions):
        if old.version.major != new.version.major:
            continue
        patch = old.version.minor == new.version.minor
        for breach in compare(old.schema, new.schema, patch=patch):
            yield Finding(
                new.path,
                f"incompatible with {old.version} (same MAJOR): {breach};"
                f" publish a breaking change as {new.version.major + 1}.0.0",
            )


def published_findings(root: Path, ref: str) -> list[Finding]:
    """Return a finding for each version file under ``root`` that differs from ``ref``.

    Published versions are immutable: one that existed at ``ref`` must still exist, holding
    the same JSON (formatting may change). Raises GitRefError when git cannot answer.
    """
    prefix = _git(root, "rev-parse", "--show-prefix", what="not inside a git repository").strip()
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", what=f"unknown ref {ref!r}")
    listing = _git(root, "ls-tree", "-r", "-z", "--name-only", "--full-name", ref, "--", ".")
    names = [name for name in listing.split("\0") if name.endswith(".json")]
    relative = [name[len(prefix) :] for name in names if name.startswith(prefix)]
    published = [name for name in relative if name.count("/") == 1]
    blobs = _read_blobs(root, [f"{ref}:{prefix}{name}" for name in published])
    findings = []
    for name, old_bytes in zip(published, blobs, strict=True):
        current = root / name
        if not current.is_file():
            findings.append(
                Finding(str(current), f"published at {ref} and removed; published versions stay")
            )
            continue
        new_bytes = current.read_bytes()
        difference = _difference(old_bytes, new_bytes)
        if difference is not None:
            findings.append(
                Finding(
                    str(current),
                    f"changed since {ref} at {difference}: a published version is immutable;"
                    " publish the change as a new version",
                )
            )
    return findings


def _difference(old_bytes: bytes, new_bytes: bytes) -> str | None:
    """Return where two version files differ as JSON (``$`` when either is not JSON)."""
    if old_bytes == new_bytes:
        return None
    try:
        old, new = orjson.loads(old_bytes), orjson.loads(new_bytes)
    except orjson.JSONDecodeError:
        return "$"
    return _first_difference(old, new, [])


def _first_difference(  # noqa: PLR0911
    old: Any, new: Any, path: list[str | int]
) -> str | None:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in [*old, *(k for k in new if k not in old)]:
            if key not in old or key not in new:
                return json_path([*path, key])
            found = _first_difference(old[key], new[key], [*path, key])
            if found is not None:
                return found
        return None
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            found = _first_difference(a, b, [*path, index])
            if found is not None:
                return found
        return None
    if type(old) is not type(new) or old != new:
        return json_path(path)
    return None


def _git(root: Path, *args: str, what: str | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False, text=True)
    except FileNotFoundError:
        raise GitRefError("--against needs git, which is not installed") from None
    if done.returncode != 0:
        reason = what or (done.stderr.strip().splitlines() or ["git failed"])[0]
        raise GitRefError(f"--against: {reason} (in {root})")
    return done.stdout


def _read_blobs(root: Path, specs: list[str]) -> list[bytes]:
    """Read many ``REF:path`` blobs with one ``git cat-file --batch``."""
    if not specs:
        return []
    done = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=root,
        input="".join(f"{spec}\n" for spec in specs).encode(),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise GitRefError(f"--against: git cat-file failed (in {root})")
    out = done.stdout
    blobs = []
    position = 0
    for spec in specs:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        if len(header) != 3:  # "<spec> missing"
            raise GitRefError(f"--against: cannot read {spec}")
        size = int(header[2])
        blobs.append(out[end + 1 : end + 1 + size])
        position = end + 1 + size + 1
    return blobs
