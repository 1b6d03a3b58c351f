"""The boto3 side of the sink: making the client, and what each failure means for the sender.

Imported only by the sender thread, so ``import schemalog`` (and building a handler) never
imports boto3. botocore's own retries are turned off on clients made here: the sender retries
with its own backoff, counts every retry, and never gives a batch up.

Sending a batch through botocore as usual costs about 10 microseconds of Python per event
(validating every parameter, then serializing every event against the service model), about
what logging the event cost the caller. On the clients made here, :func:`put_events` writes
the request body itself with orjson instead, and hands it over in botocore's ``before-call``
event, which every client call emits after serializing its parameters and before the request
is built and signed; botocore then signs and sends it as its own (2 microseconds per event
in all). The sink has already checked what the events need (sizes, count, span, order).
"""

from __future__ import annotations

# The first request imports the idna codec (host names); imported here, before the sender
# signals that it has started, a process forked after that signal never inherits it half-done.
import encodings.idna  # noqa: F401
import enum
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import boto3
import botocore.config
import botocore.credentials
import botocore.exceptions
import orjson

from schemalog._core import lifecycle
from schemalog.sinks.cloudwatch.batching import Event
from schemalog.sinks.cloudwatch.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient
else:
    CloudWatchLogsClient = Any


class Outcome(enum.Enum):
    """What the sender does after a failed call."""

    RETRY = "retry"  # throttled, 5xx, timeouts, connection errors, credentials: back off, retry
    CREATE = "create"  # no such group or stream: create them, then retry at once
    SPLIT = "split"  # InvalidParameterException: halve the batch to isolate the bad event
    DONE = "done"  # DataAlreadyAccepted: the events are there


_CREATE_CODES: Final = frozenset({"ResourceNotFoundException"})
_SPLIT_CODES: Final = frozenset({"InvalidParameterException"})
_DONE_CODES: Final = frozenset({"DataAlreadyAcceptedException"})
_EXISTS_CODE: Final = "ResourceAlreadyExistsException"
_BEFORE_CALL: Final = "before-call.cloudwatch-logs.PutLogEvents"
#: The clients whose PutLogEvents take a prepared body (the ones made here).
_PREPARED_CLIENTS: Final[weakref.WeakSet[Any]] = weakref.WeakSet()
#: One boto3 Session per process, made on first use: a new Session loads the service models
#: again (a tenth of a second of CPU); a client from a loaded one takes a few milliseconds.
#: Sessions are not thread-safe, and several handlers' senders may make clients at once.
_session: Any = None
_session_lock = threading.Lock()


def make_client(settings: Settings, session: Any = None) -> CloudWatchLogsClient:
    """Return a CloudWatch Logs client with botocore's retries off, for ``settings``.

    ``session`` defaults to one boto3 Session per process. Its PutLogEvents calls can carry a
    body written by :func:`put_events`.
    """
    return _make_client(
        session,
        settings.region,
        settings.endpoint_url,
        (settings.connect_timeout, settings.read_timeout),
    )


def _make_client(
    session: Any, region: str | None, endpoint_url: str | None, timeouts: tuple[float, float]
) -> CloudWatchLogsClient:
    config = botocore.config.Config(
        connect_timeout=timeouts[0],
        read_timeout=timeouts[1],
        retries={"total_max_attempts": 1, "mode": "standard"},
        # put_events checks what it sends; the other calls carry names the handler checked.
        parameter_validation=False,
        user_agent_extra="schemalog",
    )
    global _session  # noqa: PLW0603 - one per process
    with _session_lock:
        if session is None:
            if _session is None:
                _session = boto3.session.Session()
            session = _session
        client: CloudWatchLogsClient = session.client(
            "logs", region_name=region, endpoint_url=endpoint_url, config=config
        )
    client.meta.events.register(_BEFORE_CALL, _use_prepared_body, unique_id="schemalog-body")
    _PREPARED_CLIENTS.add(client)
    return client


def _after_fork_in_child() -> None:
    """Forget the parent's Session and lock in a forked child: either may be mid-use."""
    global _session, _session_lock  # noqa: PLW0603 - reset in the child only
    _session = None
    _session_lock = threading.Lock()


lifecycle.after_fork_in_child(_after_fork_in_child)


def copy_client(client: Any, connect_timeout: float, read_timeout: float) -> CloudWatchLogsClient:
    """Make a new client like ``client`` (region, endpoint, credentials), for a forked child.

    A client's connection pool must not be shared with the parent process. Static keys are
    copied; temporary ones (a role's) would expire in the child, which looks them up again.
    """
    credentials = client._request_signer._credentials
    session = None
    if credentials is not None and not isinstance(
        credentials, botocore.credentials.RefreshableCredentials
    ):
        session = boto3.session.Session(
            aws_access_key_id=credentials.access_key,
            aws_secret_access_key=credentials.secret_key,
            aws_session_token=credentials.token,
        )
    return _make_client(
        session,
        client.meta.region_name,
        client.meta.endpoint_url,
        (connect_timeout, read_timeout),
    )


def classify(error: BaseException) -> tuple[Outcome, str]:
    """Return what to do after ``error`` and a short description of it."""
    if isinstance(error, botocore.exceptions.ClientError):
        code = error_code(error) or ""
        message = str(error.response.get("Error", {}).get("Message", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        text = f"{code or 'error'} (HTTP {status}): {message}".rstrip(": ")
        if code in _CREATE_CODES:
            return Outcome.CREATE, text
        if code in _SPLIT_CODES:
            return Outcome.SPLIT, text
        if code in _DONE_CODES:
            return Outcome.DONE, text
        return Outcome.RETRY, text
    return Outcome.RETRY, f"{type(error).__name__}: {error}"


def error_code(error: BaseException) -> str | None:
    """Return the AWS error code of a ClientError (None for anything else)."""
    if isinstance(error, botocore.exceptions.ClientError):
        return str(error.response.get("Error", {}).get("Code", "")) or None
    return None


def ensure_stream(
    client: CloudWatchLogsClient,
    settings: Settings,
    stream: str,
    group_created: Callable[[], object] = lambda: None,
) -> None:
    """Create the log stream, and the group first when it is missing; existing ones are fine.

    A group created here gets ``settings.kms_key_id``, and ``group_created()`` is called at
    once (so that its retention is set with :func:`put_retention` even if creating the stream
    then fails and is retried).
    """
    group = settings.log_group
    try:
        client.create_log_stream(logGroupName=group, logStreamName=stream)
        return
    except botocore.exceptions.ClientError as error:
        code = error_code(error)
        if code == _EXISTS_CODE:
            return
        if code not in _CREATE_CODES or not settings.create_group:
            raise
    options: dict[str, Any] = {}
    if settings.kms_key_id is not None:
        options["kmsKeyId"] = settings.kms_key_id
    try:
        client.create_log_group(logGroupName=group, **options)
        group_created()
    except botocore.exceptions.ClientError as error:
        # Made meanwhile by another process: its settings are that process's to set.
        if error_code(error) != _EXISTS_CODE:
            raise
    try:
        client.create_log_stream(logGroupName=group, logStreamName=stream)
    except botocore.exceptions.ClientError as error:
        if error_code(error) != _EXISTS_CODE:
            raise


def put_retention(client: CloudWatchLogsClient, settings: Settings) -> None:
    """Set the retention of a group this sink created (when ``retention_days`` is given)."""
    if settings.retention_days is not None:
        client.put_retention_policy(
            logGroupName=settings.log_group, retentionInDays=settings.retention_days
        )


class _Prepared(threading.local):
    """The body put_events wrote, waiting for botocore's ``before-call`` on this thread."""

    body: bytes | None = None


_PREPARED: Final = _Prepared()
#: Cleared if botocore ever stops handing the body over (then every batch goes the usual way).
_prepared_works = True


def _use_prepared_body(params: dict[str, Any], **_: Any) -> None:
    """``before-call`` handler: put the prepared body in the request, before it is signed."""
    body = _PREPARED.body
    if body is not None:
        _PREPARED.body = None
        params["body"] = body


def put_events(
    client: CloudWatchLogsClient, group: str, stream: str, events: list[Event]
) -> dict[str, int] | None:
    """Send one batch (already sorted and within the limits); return rejectedLogEventsInfo.

    On clients from :func:`make_client` the body is written here with orjson, and botocore
    only signs and sends it (other clients go the usual way). Should botocore not take it (its
    ``before-call`` event not emitted), the batch is sent again the usual way, and so is every
    later one. No sequence token: CloudWatch Logs ignores it and accepts parallel calls.
    """
    global _prepared_works  # noqa: PLW0603 - one botocore per process
    log_events: list[Any] = [
        {"timestamp": timestamp, "message": message.decode("utf-8", "replace")}
        for timestamp, message in events
    ]
    if _prepared_works and client in _PREPARED_CLIENTS:
        body = {"logGroupName": group, "logStreamName": stream, "logEvents": log_events}
        _PREPARED.body = orjson.dumps(body)
        try:
            response = client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[])
        except botocore.exceptions.ClientError:
            if _PREPARED.body is None:
                raise
            _prepared_works = False  # the service saw the placeholder: send it the usual way
        else:
            if _PREPARED.body is None:
                return _rejected_info(response)
            _prepared_works = False
        finally:
            _PREPARED.body = None
    response = client.put_log_events(logGroupName=group, logStreamName=stream, logEvents=log_events)
    return _rejected_info(response)


def _rejected_info(response: Any) -> dict[str, int] | None:
    info = response.get("rejectedLogEventsInfo")
    return dict(info) if info else None
