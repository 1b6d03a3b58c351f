"""What every parsed filter pattern offers: ``matches`` and ``extract`` (DESIGN §6)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Final

#: CloudWatch's limit on a filter pattern's length, in characters.
MAX_PATTERN_LENGTH: Final = 1024
#: At most this many ``%regex%`` in one JSON or space-delimited pattern.
MAX_REGEXES: Final = 2


class Pattern(ABC):
    """A parsed CloudWatch Logs filter pattern."""

    #: ``all``, ``terms``, ``regex``, ``json`` or ``delimited``.
    kind: ClassVar[str]
    #: Whether metric dimensions and field metric values may refer to the pattern's fields.
    has_fields: ClassVar[bool] = False

    def __init__(self, text: str) -> None:
        self.text = text

    @property
    def regex_count(self) -> int:
        """How many ``%regex%`` the pattern holds (AWS limits regex-bearing filters)."""
        return 0

    def matches(self, message: str) -> bool:
        """Whether the pattern matches one log event message."""
        return self.extract(message) is not None

    @abstractmethod
    def extract(self, message: str) -> dict[str, str] | None:
        """TestMetricFilter's ``extractedValues`` for a message, or None when it does not match.

        Term, regex and JSON patterns extract nothing (``{}``); space-delimited patterns give
        ``$name`` for named fields and ``$N`` (1-based position) for the others.
        """

    def extract_all(self, message: str) -> dict[str, str] | None:
        """Return what field references may read: :meth:`extract`, unless a kind adds to it."""
        return self.extract(message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"


class MatchAll(Pattern):
    """The empty pattern (or ``" "``): every event matches."""

    kind = "all"

    def matches(self, message: str) -> bool:  # noqa: ARG002 - every message matches
        """Return True: every message matches."""
        return True

    def extract(self, message: str) -> dict[str, str] | None:  # noqa: ARG002
        """Return ``{}``: every message matches and nothing is extracted."""
        return {}
