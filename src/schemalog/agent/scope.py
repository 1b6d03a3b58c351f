"""The ``with`` / ``async with`` block of one agent session."""

from __future__ import annotations

import contextvars
from types import TracebackType
from typing import Any

from schemalog._core.context import bound
from schemalog.agent.core import TrackerCore
from schemalog.agent.session import AgentSession


class SessionScope:
    """The ``with`` / ``async with`` block of one session (see :meth:`AgentTracker.session`)."""

    def __init__(self, tracker: TrackerCore, session_id: str, user_id: str | None) -> None:
        self._tracker = tracker
        self._session_id = session_id
        self._user_id = user_id
        self._session: AgentSession | None = None
        self._token: contextvars.Token[Any] | None = None
        self._bound: bound | None = None

    def __enter__(self) -> AgentSession:
        if self._session is not None:
            raise RuntimeError("this session block is already open; call tracker.session() again")
        tracker = self._tracker
        values = {"session_id": self._session_id}
        if self._user_id is not None:
            values["user_id"] = self._user_id
        self._bound = bound(**values)
        self._bound.__enter__()
        session = tracker._new_session(self._session_id, self._user_id)
        self._session = session
        self._token = tracker._open_session(session)
        session.start(len(tracker.manifest))
        return session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session, token, bound_block = self._session, self._token, self._bound
        if session is None or token is None or bound_block is None:
            raise RuntimeError("this session block was never entered")
        try:
            session.close(exc, complete_on_exit=self._tracker.complete_on_exit)
        finally:
            self._tracker._close_session(session, token)
            bound_block.__exit__(exc_type, exc, traceback)

    async def __aenter__(self) -> AgentSession:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, traceback)
