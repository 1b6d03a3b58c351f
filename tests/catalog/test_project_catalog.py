"""Tests of the catalog's content: the seeds' event types, sensitive fields, launch's history."""

from __future__ import annotations

import itertools

import pytest

from schemalog.catalog.load import Catalog
from tests.paths import ROOT

#: Seed 001's standard events.
SEED_001 = [
    "user_registered",
    "user_logged_in",
    "user_logged_out",
    "memory_posted",
    "memory_updated",
    "memory_deleted",
    "memory_viewed",
    "reaction_created",
    "reaction_deleted",
    "comment_created",
    "comment_updated",
    "comment_deleted",
    "feed_viewed",
    "invite_created",
    "invite_accepted",
    "child_provisioned",
    "pet_created",
]

#: Every event in seed 004's tables.
SEED_004 = [
    "automated_session_creation_start",
    "proxy_session_creation_start",
    "proxy_session_response",
    "session_created",
    "active_session_found",
    "existing_session_reused",
    "session_model_match",
    "session_model_mismatch",
    "proxy_session_closed",
    "session_marked_inactive",
    "session_not_found_for_close",
    "chat_completion_request_start",
    "chat_request_processing",
    "chat_request_config",
    "stream_generator_start",
    "stream_request_start",
    "chat_completions_start",
    "stream_chunk_received",
    "stream_completed",
    "chat_completion_success",
    "tools_detected",
    "tool_choice_detected",
    "tool_calling_request_details",
    "tool_content_detected",
    "embeddings_request_start",
    "embeddings_request_error",
    "stream_session_expired_detected",
    "session_retry_start",
    "stream_retry_completed",
    "stream_retry_proxy_error",
    "session_close_error",
    "chat_completions_error",
    "stream_generator_error",
    "proxy_request_error",
    "stream_proxy_error",
    "api_key_validation_failed",
    "api_key_user_error",
    "jwt_validation_error",
    "local_testing_bypass",
    "model_service_init_success",
    "cache_hit",
    "cache_miss",
    "cache_refresh",
    "automation_enabled",
    "automation_disabled",
    "automation_settings_created",
    "user_creation",
    "api_key_created",
    "api_key_deleted",
    "private_key_stored",
    "user_deletion_complete",
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """Return the project's catalog."""
    return Catalog.load(ROOT / "schemas")


def test_every_seed_event_type_is_cataloged(catalog: Catalog) -> None:
    """Seed 001's 17 and seed 004's 51 event types all have a schema."""
    assert len(set(SEED_001)) == 17
    assert len(set(SEED_004)) == 51
    missing = sorted(set(SEED_001 + SEED_004) - set(catalog))
    assert missing == []


def test_seed_001_events_carry_user_and_family_context(catalog: Catalog) -> None:
    """Seed 001's events require the user as context and the family unit as a field."""
    for event_type in SEED_001:
        schema = catalog.get(event_type).schema
        assert schema["x-context"] == ["user_id"], event_type
        assert "family_unit_id" in schema["required"], event_type


def test_sensitive_fields_are_annotated(catalog: Catalog) -> None:
    """Emails are hashed, the API key prefix masked, and no schema has a private-key field."""
    for event_type in catalog:
        for version in catalog.versions(event_type):
            for name, subschema in version.schema["properties"].items():
                if "email" in name:
                    assert subschema.get("x-sensitive") == "hash", (event_type, name)
                assert "private_key" not in name, (event_type, name)
    key_prefix = catalog.get("api_key_validation_failed").schema["properties"]["key_prefix"]
    assert key_prefix["x-sensitive"] == "mask"


def test_launch_history_follows_the_versioning_rules(catalog: Catalog) -> None:
    """Launch: 1.0.0 without Gist; 2.0.0 records Gist; MINORs add a field, then grow providers."""
    versions = catalog.versions("launch")
    assert [v.version_text for v in versions] == [
        "1.0.0",
        "2.0.0",
        "2.1.0",
        "2.2.0",
        "2.3.0",
        "2.4.0",
        "2.5.0",
    ]
    v1, v2 = versions[0].schema, versions[1].schema
    assert v1["properties"]["provider"]["enum"] == ["GitHub", "GitLab", "Git"]
    assert "Gist" in v2["properties"]["provider"]["enum"]
    added = []
    for old, new in itertools.pairwise(versions[1:6]):
        names = [n for n in new.schema["properties"] if n not in old.schema["properties"]]
        assert len(names) == 1
        assert new.schema["required"] == old.schema["required"]
        added.append(names[0])
    assert added == ["origin", "ref", "build_token", "request_origin"]
    assert versions[4].schema["properties"]["build_token"]["type"] == "boolean"
    newest, before = versions[6].schema, versions[5].schema
    assert newest["properties"].keys() == before["properties"].keys()
    grown = set(newest["properties"]["provider"]["enum"]) - set(
        before["properties"]["provider"]["enum"]
    )
    assert grown == {"Zenodo", "Figshare", "Hydroshare", "Dataverse", "CKAN"}


#: The fields BinderHub's builder.py passed to ``emit("binderhub.jupyter.org/launch", N, ...)``
#: for each published schema version N (jupyterhub/binderhub, binderhub/builder.py at the
#: commits docs/catalog.md names), with values a launch on mybinder.org gives; and the
#: schemalog version each maps to (the first one that accepts every provider of that version).
BINDERHUB_LAUNCHES = [
    (
        1,
        "1.0.0",
        {"provider": "GitHub", "spec": "binder-examples/requirements/HEAD", "status": "success"},
    ),
    (2, "2.0.0", {"provider": "Gist", "spec": "betatim/a1b2c3d4e5f6/master", "status": "success"}),
    (
        3,
        "2.5.0",
        {
            "provider": "Zenodo",
            "spec": "10.5281/zenodo.3242074",
            "status": "success",
            "origin": "gke.mybinder.org",
        },
    ),
    (
        4,
        "2.5.0",
        {
            "provider": "Dataverse",
            "spec": "10.7910/DVN/TJCLKP",
            "ref": "3035124",
            "status": "success",
            "origin": "mybinder.org",
        },
    ),
    (
        5,
        "2.5.0",
        {
            "provider": "Figshare",
            "spec": "10.6084/m9.figshare.9782777.v1",
            "ref": "9782777",
            "status": "success",
            "build_token": False,
            "origin": "mybinder.org",
        },
    ),
    (
        6,
        "2.5.0",
        {
            "provider": "CKAN",
            "spec": "https%3A%2F%2Fdemo.ckan.org%2Fdataset%2Fsample-dataset-1/",
            "ref": "1710428352",
            "status": "success",
            "build_token": True,
            "origin": "mybinder.org",
            "request_origin": "",
        },
    ),
    (
        6,
        "2.5.0",
        {
            "provider": "Hydroshare",
            "spec": "https%3A%2F%2Fwww.hydroshare.org%2Fresource"
            "%2Fb8f6eae9d89241cf8b5904033460af61/",
            "ref": "1585496380",
            "status": "failure",
            "build_token": False,
            "origin": "mybinder.org",
            "request_origin": "https://mybinder.org",
        },
    ),
]


@pytest.mark.parametrize(("binderhub_version", "ours", "event"), BINDERHUB_LAUNCHES)
def test_binderhub_launch_events_validate(
    catalog: Catalog, binderhub_version: int, ours: str, event: dict[str, object]
) -> None:
    """A launch event as each published BinderHub schema version emits it validates here."""
    assert catalog.get("launch", ours).validator.issues(event) == [], binderhub_version
    assert catalog.get("launch").validator.issues(event) == [], binderhub_version


def test_binderhub_launch_providers_before_2_5_0_were_rejected(catalog: Catalog) -> None:
    """Zenodo (BinderHub's version 3 on) is invalid in 2.4.0: why 2.5.0 exists."""
    event = {"provider": "Zenodo", "spec": "10.5281/zenodo.3242074", "status": "success"}
    assert catalog.get("launch", "2.4.0").validator.issues(event) != []
    assert catalog.get("launch").validator.issues({**event, "provider": "SWHID"}) != []
