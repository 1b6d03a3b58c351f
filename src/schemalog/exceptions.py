"""Every error schemalog raises, under one base: :class:`SchemalogError`.

Each class keeps the standard base it had before (``ValueError``, ``LookupError``, ``OSError``
or ``RuntimeError``) as its second base, so ``except ValueError`` in existing code still works::

    SchemalogError
    ├── ConfigError            a setting or environment variable is wrong (ValueError)
    ├── CatalogError           the catalog cannot be loaded (ValueError)
    │   └── UnknownEventError  no schema for an event type or pinned version (LookupError)
    ├── InvalidEventError      an event failed validation under on_invalid="raise" (ValueError)
    ├── ProcessorError         a configure(processors=...) function raised, under "raise"
    ├── InputError             an input file cannot be read (OSError)
    ├── PatternError           a filter pattern CloudWatch Logs would reject (ValueError)
    ├── FilterError            a metric filter body PutMetricFilter would reject (ValueError)
    │   ├── FilterDirError     filter files cannot be loaded (ValueError)
    │   └── ExportError        a filter cannot be written in the requested format (ValueError)
    ├── DeployError            deploying to AWS failed or would exceed a quota (RuntimeError)
    ├── GitRefError            schemas check --against names no usable git ref (ValueError)
    ├── MetricLimitError       a metric breaks a CloudWatch EMF limit (ValueError)
    ├── ToolSchemaError        an agent tool's parameter schema is not valid (ValueError)
    ├── QueryError             a Logs Insights query or metric math is not valid (ValueError)
    ├── DashboardError         a dashboard or KPI definition is not valid (ValueError)
    └── StorageError           a database load failed; names the file and lines (RuntimeError)
"""

from __future__ import annotations

from collections.abc import Sequence

from schemalog.record import SchemaIssue

__all__ = [
    "CatalogError",
    "ConfigError",
    "DashboardError",
    "DeployError",
    "ExportError",
    "FilterDirError",
    "FilterError",
    "GitRefError",
    "InputError",
    "InvalidEventError",
    "MetricLimitError",
    "PatternError",
    "ProcessorError",
    "QueryError",
    "SchemalogError",
    "StorageError",
    "ToolSchemaError",
    "UnknownEventError",
]


class SchemalogError(Exception):
    """The base of every error schemalog raises."""


class ConfigError(SchemalogError, ValueError):
    """A setting is wrong; the message names the setting (or variable) and the reason."""


class _ProblemList(SchemalogError, ValueError):
    """An error made of several problems, one per line, each naming its file."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class CatalogError(_ProblemList):
    """The catalog cannot be loaded; the message names each bad file and why."""


class UnknownEventError(SchemalogError, LookupError):
    """No schema for this event type, or for the pinned version."""


class InvalidEventError(SchemalogError, ValueError):
    """An event failed validation under ``on_invalid="raise"``; ``issues`` says where and why."""

    def __init__(self, event_type: str, issues: Sequence[SchemaIssue]) -> None:
        self.event_type = event_type
        self.issues = list(issues)
        details = "; ".join(str(issue) for issue in issues)
        super().__init__(f"invalid {event_type!r} event: {details}")


class ProcessorError(SchemalogError, RuntimeError):
    """A processor given to ``configure(processors=[...])`` raised, under ``on_invalid="raise"``."""


class InputError(SchemalogError, OSError):
    """An input cannot be read; the message names the file and the reason."""


class PatternError(SchemalogError, ValueError):
    """A filter pattern CloudWatch Logs would reject.

    ``position`` is the 1-based character position in the pattern where the problem is, and
    ``reason`` says what is wrong there; ``str()`` gives both.
    """

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"position {position}: {reason}")
        self.position = position
        self.reason = reason


class FilterError(SchemalogError, ValueError):
    """A metric filter body ``PutMetricFilter`` would reject; the message names the field."""


class FilterDirError(_ProblemList, FilterError):
    """Filter files cannot be loaded; the message names each bad file and why."""


class ExportError(FilterError):
    """A filter cannot be expressed in the requested format."""


class DeployError(SchemalogError, RuntimeError):
    """Deploying failed or would exceed a quota; the message says which and why."""


class GitRefError(SchemalogError, ValueError):
    """``--against`` cannot be honoured: no git, not a repository, or an unknown ref."""


class MetricLimitError(SchemalogError, ValueError):
    """A metric breaks a CloudWatch EMF limit; the message names the metric and the limit."""


class ToolSchemaError(SchemalogError, ValueError):
    """A tool's parameter schema is not a valid JSON Schema."""


class QueryError(SchemalogError, ValueError):
    """A Logs Insights query or metric math expression that cannot be parsed or run.

    ``position`` is the 1-based character position of the problem (0 when it is not a place
    in the text, such as an unknown field at run time); ``str()`` says where and what.
    """

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"position {position}: {reason}" if position else reason)
        self.position = position
        self.reason = reason


class DashboardError(_ProblemList):
    """Dashboard or KPI definitions cannot be loaded; the message names each file and field."""


class StorageError(SchemalogError, RuntimeError):
    """Writing to a database failed; the message names the file and lines not loaded."""
