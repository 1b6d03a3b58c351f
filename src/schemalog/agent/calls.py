"""The bookkeeping of one session's tool calls: sequence, retries, calls in flight, wrong tools.

Everything the seed recomputed by re-reading the session's events from storage (the call
sequence, retries, the previous tool) is kept here as counters and small maps, so a call
costs O(1) whatever the sink. The memory of earlier calls for retry detection is an LRU of
``retry_memory`` entries (tool, parameter hash): a session of any length stays bounded, and a
repeat of a call older than that is no longer counted as a retry. Calls in flight are bounded
the same way: past ``retry_memory`` calls started and never ended, the oldest is forgotten.
Not thread-safe: the session calls it under its lock.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

#: How many calls after a failed one are watched for a switch to another tool.
WRONG_TOOL_WINDOW: Final = 2
#: Distinct (tool, parameters) remembered per session for retry detection, by default.
DEFAULT_RETRY_MEMORY: Final = 10_000

CallOutcome = Literal["completed", "failed", "invalid"]

#: retry_reason for each outcome of the previous identical call (None: it is still running).
RETRY_REASONS: Final[Mapping[CallOutcome | None, str]] = {
    "failed": "execution_failed",
    "invalid": "schema_validation_failed",
    "completed": "repeated_after_success",
    None: "concurrent_duplicate",
}


#: A lineage, the calls of one session with one tool and one parameter hash, is a list
#: (cheaper to make than an object, once per distinct call): the call_sequence of the first,
#: how many, the outcome of the latest (None while it runs) and the latest's call_sequence.
_FIRST, _CALLS, _OUTCOME, _LAST = range(4)


@dataclass(eq=False, slots=True)
class ToolCall:
    """One tool call of a session, from its ``tool_call_started`` until it ends."""

    #: The call's ``call_sequence`` in its session.
    sequence: int
    tool_name: str
    #: The parameters as logged (sanitized).
    params: dict[str, Any]
    params_hash: str
    #: 0 for a first call, n for the n-th retry of the same tool and parameters.
    retry_attempt: int
    #: When it started, in the tracker's clock (seconds).
    started: float
    outcome: CallOutcome | None = None
    #: The tool called before this one in the session (None for the first call).
    previous_tool: str | None = None
    #: For a retry: the call_sequence of the first call with this tool and parameters.
    original_sequence: int | None = None
    #: For a retry: why it is one (see RETRY_REASONS).
    retry_reason: str | None = None
    #: The lineage this call is the latest of when it starts (see _FIRST).
    lineage: list[Any] = field(default_factory=list, repr=False)

    def __repr__(self) -> str:
        return f"<ToolCall {self.sequence} {self.tool_name} {self.outcome or 'running'}>"

    @property
    def is_retry(self) -> bool:
        """Whether an earlier call of the session had the same tool and parameters."""
        return self.original_sequence is not None


@dataclass(slots=True)
class Watch:
    """A failed call, waiting to see whether one of the next calls switches tools."""

    call: ToolCall
    error_type: str
    remaining: int = WRONG_TOOL_WINDOW


class CallBook:
    """The calls of one session so far (see the module's docstring)."""

    __slots__ = (
        "_in_flight",
        "_lineages",
        "_retry_memory",
        "previous_tool",
        "sequence",
        "watches",
    )

    def __init__(self, retry_memory: int = DEFAULT_RETRY_MEMORY) -> None:
        self.sequence = 0
        self.previous_tool: str | None = None
        self._retry_memory = retry_memory
        self._lineages: OrderedDict[tuple[str, str], list[Any]] = OrderedDict()
        self._in_flight: dict[int, ToolCall] = {}
        #: Failed calls whose next calls are watched for a switch of tools.
        self.watches: list[Watch] = []

    def begin(
        self, tool_name: str, params: dict[str, Any], params_hash: str, now: float
    ) -> ToolCall:
        """Give a call the next sequence; tell whether it repeats one (see :meth:`switches`)."""
        self.sequence = sequence = self.sequence + 1
        previous_tool, self.previous_tool = self.previous_tool, tool_name
        key = (tool_name, params_hash)
        lineages = self._lineages
        lineage = lineages.get(key)
        if lineage is None:
            lineage = lineages[key] = [sequence, 1, None, sequence]
            if len(lineages) > self._retry_memory:
                lineages.popitem(last=False)
            attempt = 0
            original_sequence = retry_reason = None
        else:
            attempt = lineage[_CALLS]
            lineage[_CALLS] = attempt + 1
            original_sequence = lineage[_FIRST]
            retry_reason = RETRY_REASONS[lineage[_OUTCOME]]
            lineage[_OUTCOME] = None
            lineage[_LAST] = sequence
            lineages.move_to_end(key)
        call = ToolCall(
            sequence,
            tool_name,
            params,
            params_hash,
            attempt,
            now,
            None,
            previous_tool,
            original_sequence,
            retry_reason,
            lineage,
        )
        in_flight = self._in_flight
        in_flight[sequence] = call
        if len(in_flight) > self._retry_memory:  # calls never ended: forget the oldest
            del in_flight[next(iter(in_flight))]
        return call

    def hallucinated(self) -> int:
        """Give a call of a tool missing from the manifest the next sequence, and return it."""
        self.sequence += 1
        self._skip_watches()
        return self.sequence

    def end(self, call: ToolCall, outcome: CallOutcome) -> None:
        """Record how a call ended; a failed call starts a watch for a switch of tools."""
        call.outcome = outcome
        self._in_flight.pop(call.sequence, None)
        lineage = call.lineage  # forgotten or not: only the latest call's outcome counts
        if lineage and lineage[_LAST] == call.sequence:
            lineage[_OUTCOME] = outcome

    def watch(self, call: ToolCall, error_type: str) -> None:
        """Watch the next calls after a failed one for a switch to another tool."""
        self.watches.append(Watch(call, error_type))

    def find_in_flight(self, tool_name: str, params_hash: str | None = None) -> ToolCall | None:
        """Return the latest unfinished call of ``tool_name`` (with that hash, when given)."""
        for call in reversed(self._in_flight.values()):
            if call.tool_name == tool_name and params_hash in (None, call.params_hash):
                return call
        return None

    @property
    def remembered(self) -> int:
        """Distinct (tool, parameters) remembered for retry detection."""
        return len(self._lineages)

    def switches(self, tool_name: str) -> list[tuple[Watch, str]]:
        """Advance the failed calls' windows by the call of ``tool_name`` just begun.

        Return one switch per tool switched away from: failed calls of one tool in a row
        (a failure, then failed retries) are one wrong choice, named by the earliest of them.
        """
        switches: dict[str, tuple[Watch, str]] = {}
        still_watching = []
        for watch in self.watches:
            failed_tool = watch.call.tool_name
            if failed_tool == tool_name:
                if watch.remaining > 1:
                    watch.remaining -= 1
                    still_watching.append(watch)
            elif failed_tool not in switches:
                first = watch.remaining == WRONG_TOOL_WINDOW
                pattern = "immediate_switch" if first else "retry_with_different_tool"
                switches[failed_tool] = (watch, pattern)
        self.watches = still_watching
        return list(switches.values())

    def _skip_watches(self) -> None:
        """Use up one call of each failed call's window on a call that is no switch.

        A hallucinated tool is recorded as such, not as a wrong-tool choice, but it is one of
        the calls that follow the failure.
        """
        for watch in self.watches:
            watch.remaining -= 1
        self.watches = [watch for watch in self.watches if watch.remaining > 0]
