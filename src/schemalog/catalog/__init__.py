"""The event catalog: versioned JSON Schemas, their validators, checks, docs and code.

from schemalog.catalog import Catalog
catalog = Catalog.load("schemas")
catalog.get("tool_call_started").validator.is_valid(fields)
"""

from __future__ import annotations

from schemalog.catalog.load import Catalog, SchemaVersion

__all__ = ["Catalog", "SchemaVersion"]
