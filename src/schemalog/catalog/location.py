"""Where the catalog is: ``$SCHEMALOG_SCHEMAS``, else ``./schemas``, else the bundled one.

Found with ``os.path`` as text, so that ``configure()`` needs no ``pathlib`` to start; the
``Path`` forms are for the command line and the storage tools.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path


def bundled_schemas_dir() -> Path:
    """Return the catalog shipped with schemalog (``schemas/`` of a source checkout)."""
    from pathlib import Path

    return Path(_bundled_schemas_location())


def default_schemas_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Return ``$SCHEMALOG_SCHEMAS``, else ``./schemas`` if it exists, else the bundled catalog."""
    from pathlib import Path

    return Path(default_schemas_location(environ))


def default_schemas_location(environ: Mapping[str, str] | None = None) -> str:
    """Return :func:`default_schemas_dir` as text, found without pathlib (for start-up)."""
    configured = (os.environ if environ is None else environ).get("SCHEMALOG_SCHEMAS")
    if configured:
        return configured
    return "schemas" if os.path.isdir("schemas") else _bundled_schemas_location()


def _bundled_schemas_location() -> str:
    package = os.path.dirname(os.path.dirname(__file__))
    installed = os.path.join(package, "_bundled", "schemas")
    if os.path.isdir(installed):
        return installed
    checkout = os.path.realpath(__file__)
    for _ in range(4):  # from src/schemalog/catalog/load.py up to the checkout
        checkout = os.path.dirname(checkout)
    return os.path.join(checkout, "schemas")
