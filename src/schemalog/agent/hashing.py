"""Stable hashes of tool parameters, for retry detection.

The parameters are first made plain JSON data (:func:`schemalog._core.normalize.normalize`: a
datetime, a set, a UUID or any other object never makes hashing fail), then canonicalized:
object keys sorted, and a float with an integral value written as the integer (``1.0`` and
``1`` are one value, as RFC 8785 has it). The digest is BLAKE2b, 8 bytes, as 16 hex digits:
plenty to tell apart the calls of one session, and the same in every process and run.
"""

from __future__ import annotations

import hashlib
from typing import Any, Final

import orjson

from schemalog._core.normalize import normalize

#: Bytes of BLAKE2b digest kept (16 hex digits).
DIGEST_SIZE: Final = 8
_INTEGRAL_LIMIT: Final = 2.0**53
#: The types _canonical changes or looks into; parameters holding none are canonical already.
_WALKED: Final = frozenset({float, dict, list})
#: A BLAKE2b of DIGEST_SIZE bytes that has hashed nothing: each digest starts from a copy.
_FRESH: Final = hashlib.blake2b(digest_size=DIGEST_SIZE)


def canonical_json(params: Any, *, normalized: bool = False) -> bytes:
    """Return ``params`` as canonical JSON: normalized, keys sorted, integral floats as ints.

    ``normalized=True`` says ``params`` is already plain JSON data (skips normalizing).
    """
    plain = params if normalized else normalize(params)
    if type(plain) is dict and not any(type(value) in _WALKED for value in plain.values()):
        return orjson.dumps(plain, option=orjson.OPT_SORT_KEYS)  # flat, no float: as it is
    return orjson.dumps(_canonical(plain), option=orjson.OPT_SORT_KEYS)


def params_hash(params: Any, *, normalized: bool = False) -> str:
    """Return the 16-hex-digit BLAKE2b hash of ``params``' canonical JSON."""
    return digest(canonical_json(params, normalized=normalized))


def digest(canonical: bytes) -> str:
    """Return the 16-hex-digit BLAKE2b hash of canonical JSON (see :func:`canonical_json`)."""
    hasher = _FRESH.copy()  # a third cheaper than setting up BLAKE2b's parameters per call
    hasher.update(canonical)
    return hasher.hexdigest()


def _canonical(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        if value.is_integer() and abs(value) < _INTEGRAL_LIMIT:
            return int(value)  # also folds -0.0 into 0
        return value
    if kind is dict:
        return {key: _canonical(item) for key, item in value.items()}
    if kind is list:
        return [_canonical(item) for item in value]
    return value
