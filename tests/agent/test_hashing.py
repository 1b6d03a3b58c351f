"""Tests for schemalog.agent.hashing: stable parameter hashes for retry detection."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from schemalog.agent.hashing import canonical_json, digest, params_hash

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


class Thing:
    """A value JSON does not know."""

    def __repr__(self) -> str:
        return "<Thing>"


def test_hash_is_blake2b_of_the_canonical_json() -> None:
    """The hash is 8 bytes of BLAKE2b over sorted-key JSON, as 16 hex digits."""
    expected = hashlib.blake2b(b'{"a":1,"b":[true,null]}', digest_size=8).hexdigest()
    assert params_hash({"b": [True, None], "a": 1}) == expected
    assert params_hash({"b": [True, None], "a": 1}, normalized=True) == expected
    assert len(expected) == 16


@given(st.dictionaries(st.text(max_size=6), JSON, max_size=6))
def test_key_order_never_changes_the_hash(params: dict[str, Any]) -> None:
    """The same parameters in any key order hash alike."""
    reordered = dict(reversed(list(params.items())))
    assert params_hash(reordered) == params_hash(params)


def test_nested_keys_are_sorted_too() -> None:
    """Key order inside nested objects does not matter either."""
    assert params_hash({"f": {"x": 1, "y": 2}}) == params_hash({"f": {"y": 2, "x": 1}})


def test_non_json_values_hash_without_error() -> None:
    """Datetimes, UUIDs, sets, Decimals, tuples and arbitrary objects hash, stably."""
    params = {
        "when": dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC),
        "id": uuid.UUID(int=7),
        "tags": {"b", "a"},
        "amount": Decimal("12.50"),
        "pair": (1, 2),
        "other": Thing(),
    }
    assert params_hash(params) == params_hash(dict(params))
    assert canonical_json(params) == (
        b'{"amount":12.5,"id":"00000000-0000-0000-0000-000000000007","other":"<Thing>",'
        b'"pair":[1,2],"tags":["a","b"],"when":"2026-01-05T10:00:00Z"}'
    )


def test_integral_floats_hash_like_integers() -> None:
    """1.0 and 1 are one JSON number; -0.0 is 0; 1.5 stays a float."""
    assert params_hash({"n": 1.0, "z": -0.0}) == params_hash({"n": 1, "z": 0})
    assert params_hash({"n": 1.5}) != params_hash({"n": 1})


def test_different_parameters_hash_differently() -> None:
    """A changed value, key or type changes the hash."""
    hashes = {
        params_hash(p)
        for p in ({"q": "a"}, {"q": "b"}, {"r": "a"}, {"q": ["a"]}, {"q": True}, {"q": 1}, {})
    }
    assert len(hashes) == 7


@given(JSON)
def test_digest_of_canonical_json_is_the_params_hash(params: Any) -> None:
    """digest() of canonical_json() is params_hash(): one hash however it is reached."""
    assert digest(canonical_json(params)) == params_hash(params)


def test_digests_never_share_state() -> None:
    """Each digest starts fresh: hashing one value never changes the next one's hash."""
    from schemalog.agent.hashing import digest

    first = digest(b'{"q":1}')
    digest(b'{"q":2}')
    assert digest(b'{"q":1}') == first == hashlib.blake2b(b'{"q":1}', digest_size=8).hexdigest()
