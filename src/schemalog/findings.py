"""The one findings model: a problem at a place, as every checking verb reports it.

``schemalog validate``, ``lint``, ``filters lint``, ``schemas check`` and ``metrics`` all find
problems somewhere: a file, maybe a line (and column), maybe a field. They all report them as
:class:`Finding`, so the command line prints, counts and serialises them one way
(``FILE:LINE[:COL]: [rule: ]field: message`` as text; :meth:`Finding.to_dict` as JSON).

This module sits at the bottom of the layers, so the rooms that produce findings (the catalog,
the filter engine, the code linter, the line checker) and the command line can all import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

Severity = Literal["error", "warning", "info"]

ERROR: Final = "error"
WARNING: Final = "warning"
INFO: Final = "info"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: where (file, line, column, field), what (message), how bad, which rule.

    ``line`` and ``column`` count from 1; ``field`` is a ``$.json.path`` (or a name) when the
    problem is about one field; ``rule`` names the check (a lint code, an event type and
    version) when there is one. Only ``error`` findings make a verb exit 1.
    """

    file: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    message: str = ""
    severity: Severity = "error"
    rule: str | None = None

    def where(self) -> str:
        """``FILE:LINE:COL`` with what is known."""
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        parts = [self.where()]
        if self.severity != ERROR:
            parts.append(self.severity)
        if self.rule:
            parts.append(self.rule)
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as the JSON object of the command line's ``--format json``."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
            "rule": self.rule,
        }


def errors(findings: list[Finding]) -> int:
    """Return how many of ``findings`` are errors (the ones that make a verb exit 1)."""
    return sum(finding.severity == ERROR for finding in findings)
