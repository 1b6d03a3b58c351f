"""What a catalog file's path says: its event type (a directory) and its version (a file name).

Checked by string methods rather than patterns: compiling a pattern at import costs more of a
start-up than checking a hundred names.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class Version(NamedTuple):
    """A ``MAJOR.MINOR.PATCH`` schema version, ordered as its three numbers.

    A NamedTuple rather than a dataclass: creating a frozen, ordered dataclass compiles five
    methods at import, a noticeable share of ``configure()``'s start-up.
    """

    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        """Parse ``"1.2.3"`` (each number 0 or without a leading 0); raise ValueError otherwise."""
        parts = text.split(".")
        if len(parts) != 3 or not all(map(_is_number, parts)):
            raise ValueError(f"{text!r} is not a MAJOR.MINOR.PATCH version")
        return cls(int(parts[0]), int(parts[1]), int(parts[2]))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def _is_number(text: str) -> bool:
    """Whether ``text`` is a version number: ``0``, or digits without a leading zero."""
    return text == "0" or (text[:1] in _NONZERO and text.isdecimal())


_NONZERO: Final = frozenset("123456789")


def is_event_type(name: str) -> bool:
    """Whether ``name`` is a snake_case event type: ``[a-z][a-z0-9]*(?:_[a-z0-9]+)*``."""
    return (
        name[:1] in _LETTERS
        and name.isascii()
        and name.islower()
        and name.replace("_", "").isalnum()
        and "__" not in name
        and not name.endswith("_")
    )


_LETTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyz")
