"""What one lint run found and saw: findings, unreadable files and the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemalog.catalog.load import Catalog
from schemalog.findings import Finding


@dataclass
class LintReport:
    """What one lint run found and saw."""

    findings: list[Finding] = field(default_factory=list)
    #: Files that could not be read or parsed, each as ``path: reason``.
    unreadable: list[str] = field(default_factory=list)
    files: int = 0
    parsed: int = 0
    calls: int = 0
    dynamic: int = 0
    ignored: int = 0
    emitted: set[str] = field(default_factory=set)

    def not_emitted(self, catalog: Catalog) -> list[str]:
        """Return the cataloged event types that no linted call emits."""
        return [name for name in catalog if name not in self.emitted]
