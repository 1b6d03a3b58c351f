"""Tests for schemalog._core.context: bound(...) as context manager and decorator on contextvars."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import uuid

import schemalog
from schemalog._core.context import bound_split, current_context


def test_blocks_nest_and_restore() -> None:
    """An inner block adds and overrides; leaving it restores the outer context."""
    with schemalog.bound(session_id="s1", tenant="acme"):
        with schemalog.bound(session_id="s2", request_id="r1") as inner:
            assert inner == {"session_id": "s2", "request_id": "r1", "tenant": "acme"}
        assert current_context() == {"session_id": "s1", "tenant": "acme"}
    assert current_context() == {}


def test_context_names_go_to_the_envelope() -> None:
    """Context names are split from event fields once, when bound, and normalized then."""
    sid = uuid.UUID(int=7)
    with schemalog.bound(session_id=sid, plan="pro"):
        envelope, fields = bound_split()
    assert envelope == {"session_id": str(sid)}
    assert fields == {"plan": "pro"}


def test_decorator_binds_around_each_call() -> None:
    """As a decorator, bound() binds for the duration of every call."""

    @schemalog.bound(component="billing")
    def work() -> dict[str, object]:
        return current_context()

    assert work() == {"component": "billing"}
    assert current_context() == {}


def test_decorator_on_async_functions() -> None:
    """An async function decorated with bound() sees the context while it runs."""

    @schemalog.bound(request_id="r-9")
    async def handler() -> dict[str, object]:
        await asyncio.sleep(0)
        return current_context()

    assert asyncio.run(handler()) == {"request_id": "r-9"}


def test_asyncio_tasks_do_not_leak_into_each_other() -> None:
    """Concurrent tasks each keep their own session, however their awaits interleave."""

    async def session(sid: str) -> list[object]:
        seen = []
        with schemalog.bound(session_id=sid):
            for _ in range(20):
                await asyncio.sleep(0)
                seen.append(current_context()["session_id"])
        return seen

    async def main() -> list[list[object]]:
        return await asyncio.gather(*(session(f"s{i}") for i in range(10)))

    for index, seen in enumerate(asyncio.run(main())):
        assert seen == [f"s{index}"] * 20


def test_threads_with_a_copied_context_see_it() -> None:
    """A thread started with copy_context().run sees the context bound when it was copied."""
    seen: list[dict[str, object]] = []
    with schemalog.bound(user_id="u1"):
        ctx = contextvars.copy_context()
    thread = threading.Thread(target=ctx.run, args=(lambda: seen.append(current_context()),))
    thread.start()
    thread.join()
    plain = threading.Thread(target=lambda: seen.append(current_context()))
    plain.start()
    plain.join()
    assert seen == [{"user_id": "u1"}, {}]


def test_one_bound_object_used_by_many_threads() -> None:
    """The same bound() object can be entered from several threads at once."""
    shared = schemalog.bound(tenant="acme")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            with shared, schemalog.bound(request_id=f"r{index}"):
                barrier.wait()
                assert current_context() == {"tenant": "acme", "request_id": f"r{index}"}
            assert current_context() == {}
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_any_name_can_be_bound() -> None:
    """Even names like `self` can be bound (the parameters are positional-only)."""
    with schemalog.bound(self="x", values=1):
        assert current_context() == {"self": "x", "values": 1}
    assert schemalog.get_logger("a").bind(self="y").context == {"self": "y"}
