"""Group commit for webhook callbacks: what arrives while a batch is being handled goes in the next batch.

A gateway delivering a burst would otherwise cost one database transaction per message. Here each callback
hands its item over and waits for its own result, so the gateway still gets its 200 only after the message
and its reply are committed. There is no timer: a lone message is handled at once as a batch of one, so an
idle service adds no latency; under load batches grow by themselves to what arrived during the last one.

One batch runs at a time per process (in a worker thread); several processes each run their own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from starlette.concurrency import run_in_threadpool

log = logging.getLogger(__name__)

Item = TypeVar("Item")
Result = TypeVar("Result")


class GroupCommit(Generic[Item, Result]):
    """``await submit(item)`` returns ``handle_batch``'s result for that item (or raises its error).

    ``handle_batch(items)`` returns one result per item in order. If it raises, each item of the batch is
    retried alone with ``handle_one``, so one bad message fails only its own callback.
    """

    def __init__(self, handle_batch: Callable[[Sequence[Item]], list[Result]],
                 handle_one: Callable[[Item], Result], max_batch: int = 64) -> None:
        self._handle_batch, self._handle_one, self._max = handle_batch, handle_one, max(1, max_batch)
        self._waiting: list[tuple[Item, asyncio.Future[Result]]] = []
        self._drainer: asyncio.Task[None] | None = None
        self.batches = 0   # for the benchmark and the tests: how many transactions the items took

    async def submit(self, item: Item) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain())
        # Shielded: a gateway that hangs up does not cancel the batch its message is part of.
        return await asyncio.shield(future)

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[: self._max], self._waiting[self._max:]
            items = [item for item, _ in batch]
            try:
                outcomes = await run_in_threadpool(self._run, items)
            except BaseException as exc:   # the server shutting down: nobody may wait forever
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("shut down"))
                raise
            self.batches += 1
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if isinstance(outcome, BaseException):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    def _run(self, items: list[Item]) -> list[Result | BaseException]:
        try:
            return list(self._handle_batch(items))
        except Exception as exc:
            if len(items) == 1:
                return [exc]
            log.exception("a batch of %d failed; handling its items one by one", len(items))
            return [self._one(item) for item in items]

    def _one(self, item: Item) -> Result | BaseException:
        try:
            return self._handle_one(item)
        except Exception as exc:   # handed to that item's caller, whose error handler answers it
            return exc
