"""Tests for schemalog.agent.events: the agent event types match the catalog's agent domain."""

from __future__ import annotations

from schemalog.agent.events import AGENT_EVENT_TYPES
from schemalog.catalog.load import Catalog
from tests.paths import ROOT


def test_every_agent_event_type_is_cataloged() -> None:
    """The catalog's agent domain holds exactly the fifteen agent event types."""
    catalog = Catalog.load(ROOT / "schemas")
    agent = {name for name in catalog if catalog.get(name).schema.get("x-domain") == "agent"}
    assert agent == set(AGENT_EVENT_TYPES)
    assert len(AGENT_EVENT_TYPES) == 15
