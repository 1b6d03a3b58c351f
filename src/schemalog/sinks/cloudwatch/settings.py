"""The CloudWatch sink's settings: checked once, up front, from the Python API or a sink string.

``cloudwatch:GROUP[/STREAM][?option=value&...]`` is read by :func:`parse_spec` through the one
strict option parser; :class:`Settings` checks every value (a bad one is a ``ConfigError``
naming it), so nothing the sender does later can fail on a setting.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from schemalog._core.options import (
    Parser,
    parse_bool,
    parse_count,
    parse_duration,
    parse_query,
    parse_size,
)
from schemalog.exceptions import ConfigError
from schemalog.sinks.cloudwatch.batching import (
    DEFAULT_MAX_EVENT_BYTES,
    LARGEST_EVENT_BYTES,
    MAX_BATCH_BYTES,
    MAX_BATCH_EVENTS,
)

DEFAULT_STREAM_TEMPLATE: Final = "{host}/{program}/{pid}"
#: The values PutRetentionPolicy accepts for ``retentionInDays``.
RETENTION_DAYS: Final = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
_GROUP_NAME: Final = re.compile(r"[.\-_/#A-Za-z0-9]{1,512}\Z")
#: ``arn:PARTITION:kms:REGION:ACCOUNT:key/ID`` (or ``alias/NAME``), as CreateLogGroup takes it.
_KMS_KEY_ARN: Final = re.compile(
    r"arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:(?:key/[A-Za-z0-9-]{1,256}|alias/[\w/+=,.@-]{1,256})\Z"
)
_FILE_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings:
    """Every setting of a CloudWatch sink but the client; see ``docs/cloudwatch-sink.md``.

    Attributes:
        log_group: the log group (created when missing, unless ``create_group`` is False).
        log_stream: the stream name template (``{host}``, ``{program}``, ``{pid}``).
        region, endpoint_url: where to send (default: boto3's own).
        create_group: create the group when it is missing.
        retention_days: the retention set on a group the sink creates (one of RETENTION_DAYS).
        kms_key_id: the KMS key ARN a group the sink creates is encrypted with.
        send_interval: seconds a line may wait in the queue before it is sent.
        max_queue_events, max_queue_bytes: the in-memory queue's bound (then, the spill file).
        spill_dir, spill_max_bytes: where the spill file lives, and its bound.
        max_event_bytes: longer messages are cut (JSON lines stay JSON, with a marker).
        max_batch_bytes, max_batch_events: PutLogEvents' limits, or lower ones.
        flush_timeout: the default deadline of ``flush()`` and ``close()``, seconds.
        exit_timeout: how long the exit hook waits for delivery, seconds.
        backoff_base, backoff_cap: retry delays double from ``base`` up to ``cap`` seconds.
        connect_timeout, read_timeout: per HTTP call, seconds.
        stats_interval: seconds between ``schemalog_sink_stats`` events (0: never).
    """

    log_group: str
    log_stream: str = DEFAULT_STREAM_TEMPLATE
    region: str | None = None
    endpoint_url: str | None = None
    create_group: bool = True
    retention_days: int | None = None
    kms_key_id: str | None = None
    send_interval: float = 2.0
    max_queue_events: int = 100_000
    max_queue_bytes: int = 8 * 1024 * 1024
    spill_dir: Path = dataclasses.field(default_factory=lambda: default_spill_dir())  # noqa: PLW0108 - defined below
    spill_max_bytes: int = 128 * 1024 * 1024
    max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES
    max_batch_bytes: int = MAX_BATCH_BYTES
    max_batch_events: int = MAX_BATCH_EVENTS
    flush_timeout: float = 10.0
    exit_timeout: float = 5.0
    backoff_base: float = 0.2
    backoff_cap: float = 20.0
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    stats_interval: float = 60.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "spill_dir", Path(self.spill_dir))
        problems = list(_problems(self))
        if problems:
            raise ConfigError(f"cloudwatch sink {self.log_group!r}: {'; '.join(problems)}")
        stream_name(self.log_stream)  # a bad template fails here, not in a forked child

    @property
    def spill_prefix(self) -> str:
        """The start of this group's spill file names (``<safe group>.``)."""
        return f"{safe_file_name(self.log_group)}."


def _problems(settings: Settings) -> Iterator[str]:
    """Say what is wrong with ``settings``."""
    if not _GROUP_NAME.match(settings.log_group):
        yield "the log group must be 1-512 of A-Z a-z 0-9 . - _ / #"
    if not 0 < settings.max_event_bytes <= LARGEST_EVENT_BYTES:
        yield f"max_event_bytes must be 1..{LARGEST_EVENT_BYTES}"
    if not 0 < settings.max_batch_bytes <= MAX_BATCH_BYTES or not (
        0 < settings.max_batch_events <= MAX_BATCH_EVENTS
    ):
        yield "batch limits must be within PutLogEvents' own"
    if settings.max_queue_events < 1 or settings.max_queue_bytes < 1:
        yield "queue bounds must be positive"
    if settings.spill_max_bytes < 0:
        yield "spill_max_bytes must not be negative"
    if settings.retention_days is not None and settings.retention_days not in RETENTION_DAYS:
        accepted = ", ".join(map(str, RETENTION_DAYS))
        yield f"retention_days={settings.retention_days!r} is not one of {accepted}"
    if settings.kms_key_id is not None and not _KMS_KEY_ARN.match(settings.kms_key_id):
        yield (
            f"kms_key_id={settings.kms_key_id!r} is not a KMS key ARN"
            " (arn:aws:kms:REGION:ACCOUNT:key/KEY-ID)"
        )


def stream_name(template: str) -> str:
    """Render a stream template (``{host}``, ``{program}``, ``{pid}``) into a valid name."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] not in ("", "-c") else "python"
    try:
        name = template.format(host=socket.gethostname(), program=program, pid=os.getpid())
    except (KeyError, IndexError, ValueError) as error:
        raise ConfigError(
            f"cloudwatch sink: stream template {template!r}: {error!r}"
            " (known: {host}, {program}, {pid})"
        ) from None
    name = name.replace(":", "_").replace("*", "_")[:512]
    return name or "schemalog"


def default_spill_dir() -> Path:
    """``schemalog-spill-UID`` in the temporary directory."""
    return Path(tempfile.gettempdir()) / f"schemalog-spill-{os.getuid()}"


def safe_file_name(group: str) -> str:
    """Return the group as part of a file name; a changed one gets a hash of the group."""
    safe = _FILE_UNSAFE.sub("_", group).strip("_")[:100] or "group"
    if safe == group:
        return safe
    # "+" is never in an unchanged name: "a/b" and "a_b" stay apart.
    return f"{safe}+{hashlib.blake2b(group.encode(), digest_size=5).hexdigest()}"


#: The options of a ``cloudwatch:`` sink string, each with its parser.
_OPTIONS: Final[dict[str, Parser]] = {
    "stream": str,
    "region": str,
    "endpoint_url": str,
    "spill_dir": str,
    "create_group": parse_bool,
    "retention_days": parse_count,
    "kms_key_id": str,
    "send_interval": parse_duration,
    "max_queue_events": parse_count,
    "max_queue_bytes": parse_size,
    "spill_max_bytes": parse_size,
    "max_event_bytes": parse_size,
    "flush_timeout": parse_duration,
    "exit_timeout": parse_duration,
    "stats_interval": parse_duration,
}


def parse_spec(argument: str) -> tuple[str, str | None, dict[str, Any]]:
    """Split ``GROUP[/STREAM][?option=value&...]`` into group, stream and options.

    The stream follows the last ``/``, except when the argument starts with ``/`` (the AWS
    style of hierarchical groups, ``/ecs/api``): then all of it is the group, and a stream is
    given as ``?stream=NAME``.
    """
    path, _, query = argument.partition("?")
    options = parse_query(f"sink 'cloudwatch:{argument}'", query, _OPTIONS)
    stream: str | None = options.pop("stream", None)
    group = path
    if stream is None and not path.startswith("/") and "/" in path:
        group, _, stream = path.rpartition("/")
    if not group:
        raise ConfigError(f"sink 'cloudwatch:{argument}' names no log group")
    return group, stream or None, options
