"""Hypothesis strategies for what a careless caller or an attacker hands to a log call."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections import namedtuple
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.paths import ROOT

#: Every event type of the project's catalog, so that cataloged routes are fuzzed too.
EVENT_TYPES = sorted(p.name for p in (ROOT / "schemas").iterdir() if p.is_dir())

Pair = namedtuple("Pair", ["left", "right"])


class Mood(enum.Enum):
    """An enum with a non-JSON value."""

    ODD = uuid.UUID(int=7)


class BrokenRepr:
    """An object whose repr raises."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class BrokenIter(list[int]):
    """A list whose iteration raises."""

    def __iter__(self) -> Any:
        raise RuntimeError("no iter")


#: Any code point, lone surrogates included (which UTF-8 cannot carry).
any_text = st.text(st.characters(exclude_categories=()), max_size=40)
keys = st.one_of(
    any_text,
    st.sampled_from(["password", "event_type", "timestamp", "schema_version", "session_id", ""]),
)
leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63, max_value=2**200),
    st.floats(),
    any_text,
    st.binary(max_size=20),
    st.decimals(),
    st.sampled_from([Decimal("1e999999"), Decimal("-1e-999999"), Mood.ODD]),
    st.datetimes(timezones=st.sampled_from([None, dt.UTC])),
    st.uuids(),
    st.builds(BrokenRepr),
    st.builds(BrokenIter),
    st.builds(Path, st.text(max_size=10)),
    st.builds(ValueError, any_text),
)


def _containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=5),
        st.tuples(children, children),
        st.builds(Pair, children, children),
        st.dictionaries(st.one_of(keys, st.integers(), st.uuids()), children, max_size=5),
        st.frozensets(st.one_of(st.integers(), st.text(max_size=5)), max_size=4),
    )


values = st.recursive(leaves, _containers, max_leaves=30)
fields = st.dictionaries(keys, values, max_size=6)
event_types = st.one_of(st.sampled_from(EVENT_TYPES), any_text, st.none(), st.integers())
