"""The process's current pipeline, and configuration on first use when nobody configured one.

Kept apart from :mod:`schemalog.config` so that the hot path reads one module attribute.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from schemalog.pipeline import Pipeline

#: The pipeline every logger emits through; None until configured (explicitly or on first use).
pipeline: Pipeline | None = None
#: The lowest level any schemalog logger emits (see logger.set_min_level).
min_level: int = logging.INFO

_auto_lock: Final = threading.Lock()


def auto_configure() -> Pipeline:
    """Configure from ``SCHEMALOG_*`` variables on first use; never raises.

    Sinks are installed only when the root logger has no handlers yet, so an application that
    set up logging itself (``dictConfig``, ``basicConfig``) keeps its own.
    """
    from schemalog.config import configure_on_first_use

    with _auto_lock:
        if pipeline is None:
            configure_on_first_use()
    assert pipeline is not None
    return pipeline
