"""JSON patterns: every example of AWS's syntax pages, the quotas, and the type decisions."""

from __future__ import annotations

import orjson
import pytest

from schemalog.filters import parse_pattern
from schemalog.filters.jsonpattern import MISSING, JsonPattern

# AWS's example event for "matching terms in JSON log events" (the 2020 page adds ThisFlag).
TRAIL = orjson.dumps(
    {
        "eventType": "UpdateTrail",
        "sourceIPAddress": "111.111.111.111",
        "arrayKey": ["value", "another value"],
        "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}],
        "SomeObject": None,
        "ThisFlag": True,
    }
).decode()

# AWS's example object for compound conditions.
USERS = orjson.dumps(
    {
        "user": {"id": 1, "email": "John.Stiles@example.com"},
        "users": [
            {"id": 2, "email": "John.Doe@example.com"},
            {"id": 3, "email": "Jane.Doe@example.com"},
        ],
        "actions": ["GET", "PUT", "DELETE"],
        "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]],
    }
).decode()


def json_pattern(text: str) -> JsonPattern:
    pattern = parse_pattern(text)
    assert isinstance(pattern, JsonPattern)
    return pattern


@pytest.mark.parametrize(
    "text",
    [
        '{ $.eventType = "UpdateTrail" }',
        "{ $.sourceIPAddress != 123.123.* }",
        '{ $.arrayKey[0] = "value" }',
        "{ $.objectList[1].id = 2 }",
        "{ $.SomeObject IS NULL }",
        "{ $.SomeOtherObject NOT EXISTS }",
        "{ $.ThisFlag IS TRUE }",
        "{ $.arrayKey[*] = %val.{2}% }",
        r"{ $.* = %111\.111\.111\.1[0-9]{1,2}% }",
        '{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }',
        "{ $.eventType = %Trail% }",
        "{ $.eventType = *Trail }",
        "{ $.eventType = Update* }",
        "{ $.eventType = UpdateTrail }",
    ],
)
def test_documented_matches_on_the_trail_event(text: str) -> None:
    """Each documented filter matches AWS's example event."""
    assert json_pattern(text).matches(TRAIL)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', True),
        (
            '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch"'
            ' && $.actions[2] = "nonmatch" }',
            True,
        ),
        (
            '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch")'
            ' && $.actions[2] = "nonmatch" }',
            False,
        ),
        ('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', False),
        (
            '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch'
            " && $.actions[2] = nomatch }",
            True,
        ),
        ("{ $.coordinates[1][2] = 6 }", True),
        ("{ $.users[*].id = 3 }", True),
        ("{ $.users[*].id > 3 }", False),
    ],
)
def test_documented_compound_conditions(text: str, expected: bool) -> None:
    """AWS's compound examples match or not exactly as documented (&& binds tighter than ||)."""
    assert json_pattern(text).matches(USERS) is expected


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        ("{ $.bandwidth > 75 }", {"bandwidth": 76}, True),
        ("{ $.latency < 50 }", {"latency": 50}, False),
        ("{ $.refreshRate >= 60 }", {"refreshRate": 60}, True),
        ("{ $.responseTime <= 5 }", {"responseTime": 5.5}, False),
        ("{ $.errorCode = 400}", {"errorCode": 400}, True),
        ("{ $.errorCode != 500 }", {"errorCode": 400}, True),
        ("{ $.number[0] = 1e-3 }", {"number": [0.001]}, True),
        ("{ $.number[0] != 1e+3 }", {"number": [1000]}, False),
        ("{ $.latency >= 500 }", {"latency": 500}, True),
        ("{ $.numbers[0] < 10e3 }", {"numbers": [9999]}, True),
        ("{ $.numbers[0] < 10e-3 }", {"numbers": [0.01]}, False),
        (
            "{ $.processes[4].averageRuntime <= 55.5 }",
            {"processes": [0, 0, 0, 0, {"averageRuntime": 55.5}]},
            True,
        ),
        ("{ $.latency > +1000 }", {"latency": 1001}, True),
        ("{ $.foo = bar }", {"foo": "bar"}, True),
        ("{ $.foo = baz }", {"foo": "bar"}, False),
        ("{ $.foo = bar || $.foo = baz }", {"foo": "baz"}, True),
        ("{ $.code = 4* }", {"code": 404}, True),
        ("{ $.latency = * }", {"latency": 50}, True),
    ],
)
def test_documented_numeric_and_or_examples(text: str, event: object, expected: bool) -> None:
    """The numeric, OR and wildcard examples of AWS's pages."""
    assert json_pattern(text).matches(orjson.dumps(event).decode()) is expected


def test_middle_star_is_literal() -> None:
    """`*Event` and `Event*` are wildcards; `Ev*ent` matches only the text Ev*ent."""
    assert json_pattern("{ $.e = *Event }").matches('{"e": "PutEvent"}')
    assert json_pattern("{ $.e = Event* }").matches('{"e": "EventId"}')
    middle = json_pattern('{ $.e = "Ev*ent" }')
    assert not middle.matches('{"e": "Event"}')
    assert middle.matches('{"e": "Ev*ent"}')
    seed = json_pattern('{ $.event_type = "session_*_error" }')
    assert not seed.matches('{"event_type": "session_close_error"}')


def test_arrays_and_objects_never_match_either_operator() -> None:
    """`{$.users = 1}` and `{$.users != 1}` both fail when users is an array (AWS's page)."""
    event = '{"users": [1, 2, 3], "user": {"id": 1}}'
    for text in ("{ $.users = 1 }", "{ $.users != 1 }", "{ $.user != 1 }", "{ $.user = * }"):
        assert not json_pattern(text).matches(event), text


def test_missing_field_fails_every_comparison() -> None:
    """Decision: `!=` on a missing field is false, like every other comparison."""
    assert not json_pattern('{ $.missing != "x" }').matches('{"a": 1}')
    assert not json_pattern("{ $.missing < 1 }").matches('{"a": 1}')


def test_null_is_not_a_value() -> None:
    """Decision: `*` does not match null; IS NULL does, and only for a present null."""
    assert not json_pattern("{ $.a = * }").matches('{"a": null}')
    assert json_pattern("{ $.a IS NULL }").matches('{"a": null}')
    assert not json_pattern("{ $.a IS NULL }").matches("{}")
    assert not json_pattern("{ $.a NOT EXISTS }").matches('{"a": null}')


def test_booleans_need_is_true_or_false() -> None:
    """Decision: comparisons never match booleans; IS TRUE / IS FALSE test them."""
    assert not json_pattern("{ $.ok = true }").matches('{"ok": true}')
    assert not json_pattern("{ $.ok = * }").matches('{"ok": true}')
    assert json_pattern("{ $.ok IS TRUE }").matches('{"ok": true}')
    assert json_pattern("{ $.ok IS FALSE }").matches('{"ok": false}')
    assert not json_pattern("{ $.ok IS TRUE }").matches('{"ok": "true"}')


def test_checks_on_a_plain_member_and_on_a_path_agree() -> None:
    """IS TRUE/FALSE/NULL and NOT EXISTS on a plain member answer as on a nested path."""
    documents = ['{"a": true}', '{"a": false}', '{"a": null}', '{"a": 1}', '{"a": "true"}', "{}"]
    for check in ("IS TRUE", "IS FALSE", "IS NULL", "NOT EXISTS"):
        plain = json_pattern(f"{{ $.a {check} }}")
        nested = json_pattern(f"{{ $.o.a {check} }}")
        for document in documents:
            wrapped = f'{{"o": {document}}}'
            assert plain.matches(document) == nested.matches(wrapped), (check, document)


def test_number_and_string_coercion() -> None:
    """Decision: `= 400` is numeric on numbers and textual on strings; `<` reads numeric strings."""
    assert json_pattern("{ $.code = 400 }").matches('{"code": 400.0}')
    assert json_pattern("{ $.code = 400 }").matches('{"code": "400"}')
    assert not json_pattern("{ $.code = 400 }").matches('{"code": "400.0"}')
    assert json_pattern('{ $.code = "400" }').matches('{"code": 400}')
    assert json_pattern("{ $.ms > 10 }").matches('{"ms": "12.5"}')
    assert not json_pattern("{ $.ms > 10 }").matches('{"ms": "fast"}')


def test_selector_forms() -> None:
    """Bracket keys, hyphens, chained indices and wildcards over object members."""
    event = '{"cluster.name": "prod", "a-b": {"c_d": [[1, 2]]}, "tags": {"x": "keep", "y": "no"}}'
    assert json_pattern("{ $.['cluster.name'] = prod }").matches(event)
    assert json_pattern("{ $['cluster.name'] = prod }").matches(event)
    assert json_pattern("{ $.a-b.c_d[0][1] = 2 }").matches(event)
    assert json_pattern("{ $.tags.* = keep }").matches(event)
    assert not json_pattern("{ $.tags.* = gone }").matches(event)
    assert json_pattern("{ $.a-b.c_d[5] NOT EXISTS }").matches(event)


def test_root_wildcard_reaches_direct_members_only() -> None:
    """Decision: `$.*` picks the root's own members, not values nested deeper."""
    assert json_pattern("{ $.* = x }").matches('{"a": "x", "b": {"c": "y"}}')
    assert not json_pattern("{ $.* = y }").matches('{"a": "x", "b": {"c": "y"}}')


def test_keywords_are_case_insensitive() -> None:
    """Decision: IS, NULL, NOT, EXISTS are read in any case."""
    assert json_pattern("{ $.a is null }").matches('{"a": null}')
    assert json_pattern("{ $.b not exists }").matches('{"a": null}')


def test_only_json_objects_match() -> None:
    """A non-JSON line, a JSON array, and JSON after a text prefix match nothing."""
    pattern = json_pattern("{ $.a = 1 }")
    assert not pattern.matches("a = 1")
    assert not pattern.matches("[1]")
    assert not pattern.matches('START RequestId: 42\t{"a": 1}')
    assert pattern.matches('  {"a": 1}  ')


def test_extract_is_empty_on_match() -> None:
    """TestMetricFilter returns {} for JSON patterns."""
    assert json_pattern("{ $.a = 1 }").extract('{"a": 1}') == {}
    assert json_pattern("{ $.a = 1 }").extract('{"a": 2}') is None


def test_decide_from_event_type_alone() -> None:
    """decide() answers from event_type when it can, and says None when other fields matter."""
    pattern = json_pattern('{ $.event_type = "a" && $.n > 1 || $.event_type = "b" }')
    assert pattern.decide({"event_type": "b"}) is True
    assert pattern.decide({"event_type": "c"}) is False
    assert pattern.decide({"event_type": "a"}) is None
    assert pattern.decide({"event_type": MISSING}) is False
    assert json_pattern("{ $.event_type NOT EXISTS }").decide({"event_type": MISSING}) is True
    assert json_pattern("{ $.* = a }").decide({"event_type": "a"}) is None


def test_event_types_bounded_by_equalities() -> None:
    """event_types() lists the exact values a match needs, or None when unbounded."""
    both = json_pattern('{ $.event_type = "a" || ($.event_type = "b" && $.x = 1) }')
    assert both.event_types() == frozenset({"a", "b"})
    assert json_pattern('{ $.event_type = "a*" }').event_types() is None
    assert json_pattern('{ $.event_type = "a" || $.x = 1 }').event_types() is None
    narrowed = json_pattern('{ $.x = 1 && $.event_type = "a" && $.event_type = "a" }')
    assert narrowed.event_types() == frozenset({"a"})


def test_event_types_unbounded_for_numbers() -> None:
    """A number, or a string that reads as one, matches numbers written many ways: no bound."""
    assert json_pattern("{ $.event_type = 400 }").event_types() is None
    assert json_pattern('{ $.event_type = "400.0" }').event_types() is None
