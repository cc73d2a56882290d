"""SIGKILL a delivery worker mid-delivery, several times, and count what an SMS gateway that ignores our
idempotency key received: nothing lost, at most one message twice per crash (api/delivery/unkeyed.py).

Real worker processes (``python -m api.delivery.worker``) against a real HTTP gateway on 127.0.0.1, two at a time,
one of them killed while the gateway holds its request; the cut-off rows are settled by a last in-process pass
after their lease, as the next worker run would settle them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from test_telegram_fakeapi import serve

from api.db import transaction
from api.delivery.senders.base import Outgoing
from api.delivery.senders.http import HttpSender
from api.delivery.worker import WorkerConfig, run_once
from api.models._types import utcnow
from api.models.messages import OutboundMessage, OutboundStatus
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
ROWS, CRASHES, WORKERS = 150, 3, 2
NO_QUIET = WorkerConfig(rate_per_second={}, quiet_start=dt.time(0), quiet_end=dt.time(0))


class CountingGateway:
    """Takes every request as a new message (no idempotency), counting each key it is sent."""

    def __init__(self, delay: float) -> None:
        self.received: Counter[str] = Counter()
        self.header_keys: set[str] = set()
        self.delay, self.lock = delay, threading.Lock()
        self.app = Starlette(routes=[Route("/send", self.send, methods=["POST"])])

    async def send(self, request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        with self.lock:
            self.received[body["idempotency_key"]] += 1
            self.header_keys.add(request.headers.get("idempotency-key", ""))
            count = sum(self.received.values())
        await asyncio.sleep(self.delay)          # the window in which a kill leaves the row in flight
        return JSONResponse({"message_id": f"gw-{count}"})

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


@pytest.fixture
def gateway() -> Iterator[tuple[CountingGateway, int]]:
    fake = CountingGateway(delay=0.02)
    with serve(fake.app) as port:
        yield fake, port


def _worker(engine: Engine, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ANJU_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "ANJU_SMS_GATEWAY": "http", "ANJU_SMS_HTTP_URL": f"http://127.0.0.1:{port}/send",
           "ANJU_SMS_HTTP_HONOURS_KEY": "false",
           "ANJU_QUIET_HOURS_START": "00:00", "ANJU_QUIET_HOURS_END": "00:00"}
    return subprocess.Popen([sys.executable, "-m", "api.delivery.worker", "--interval", "0.05", "--rate", "1000"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _queue(engine: Engine) -> list[str]:
    created = utcnow() - dt.timedelta(minutes=5)
    with transaction(engine) as s:
        for i in range(ROWS):   # notifications and missed replies, each to its own number (the daily cap)
            s.add(OutboundMessage(channel="sms", recipient=f"137{i:08d}", text=f"通知 {i}", parts=1,
                                  idempotency_key=f"crash-{i}", status=OutboundStatus.queued, attempts=0,
                                  in_reply_to=f"in{i}" if i % 2 else None, created_at=created))
    return [f"crash-{i}" for i in range(ROWS)]


def _queued(engine: Engine) -> int:
    with transaction(engine) as s:
        return s.scalar(select(func.count()).select_from(OutboundMessage)
                        .where(OutboundMessage.status == OutboundStatus.queued)) or 0


def _in_flight(engine: Engine) -> set[int]:
    with transaction(engine) as s:
        return set(s.scalars(select(OutboundMessage.id).where(OutboundMessage.status == OutboundStatus.sending)))


def _settled(engine: Engine) -> bool:
    """Nothing queued, and what is in flight stays so (cut off by a kill, not a live call of 20 ms)."""
    if _queued(engine):
        return False
    before = _in_flight(engine)
    time.sleep(1.5)   # a live call takes ~20 ms; long enough for a worker the busy machine paused to finish
    return _queued(engine) == 0 and _in_flight(engine) == before


def _wait(condition, workers: list[subprocess.Popen[bytes]], what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 90
    while not condition():
        for w in workers:
            assert w.poll() is None, (w.stderr.read().decode() if w.stderr else "")
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def test_sigkill_mid_delivery_loses_nothing_and_repeats_at_most_one_message_per_crash(
        engine: Engine, gateway: tuple[CountingGateway, int]) -> None:
    fake, port = gateway
    keys = _queue(engine)
    workers = [_worker(engine, port) for _ in range(WORKERS)]
    try:
        for crash in range(CRASHES):
            goal = (crash + 1) * ROWS // (CRASHES + 2)
            _wait(lambda goal=goal: fake.total() >= goal, workers, f"{goal} messages")
            victim = workers[crash % WORKERS]
            victim.send_signal(signal.SIGKILL)
            victim.wait(timeout=10)
            assert victim.returncode == -signal.SIGKILL
            workers[crash % WORKERS] = _worker(engine, port)
        assert fake.total() < ROWS                         # every kill landed mid-run
        _wait(lambda: _settled(engine), workers, "the queue to drain")   # so stopping the workers cuts no call
    finally:
        for w in workers:
            w.kill()
            w.wait(timeout=10)
    # The rows cut off by the kills are still "sending"; once their lease is over the next run sends them again.
    sender = HttpSender(f"http://127.0.0.1:{port}/send", "secret")
    try:
        run_once(engine, {"sms": sender}, config=NO_QUIET, now=utcnow() + NO_QUIET.lease * 2)
    finally:
        sender.close()
    assert set(fake.received) == set(keys)                               # 0 lost
    duplicates = sum(n - 1 for n in fake.received.values())
    assert duplicates <= CRASHES, fake.received.most_common(5)         # at most one per crash
    assert fake.header_keys == set(keys)                                 # the key still goes to the gateway
    with transaction(engine) as s:
        statuses = Counter(r.status.value for r in s.scalars(select(OutboundMessage)))
    assert statuses == Counter({"sent": ROWS})
    print(f"{engine.dialect.name}: {CRASHES} crashes, {duplicates} duplicates, 0 lost of {ROWS}")


class Killed(BaseException):
    """The process dies inside the gateway call (the gateway got the request; we never recorded it)."""


class UnkeyedSms:
    """An in-process SMS gateway that ignores the key; ``die_on`` kills the caller once, after receiving."""

    idempotent = False
    resend_cut_off = True
    records_only = False

    def __init__(self, die_on: str | None = None) -> None:
        self.received: list[str] = []
        self.die_on = die_on

    def send(self, message: Outgoing) -> str:
        self.received.append(message.idempotency_key)
        if message.idempotency_key == self.die_on:
            self.die_on = None
            raise Killed
        return f"gw-{len(self.received)}"

    def close(self) -> None:
        pass


def _rows(engine: Engine) -> dict[str, tuple[str, int]]:
    with transaction(engine) as s:
        return {r.idempotency_key: (r.status.value, r.attempts) for r in s.scalars(select(OutboundMessage))}


def test_the_request_path_marks_each_sms_in_flight_so_a_crash_repeats_only_that_one(engine: Engine) -> None:
    from api.delivery.sms import deliver

    created = utcnow() - dt.timedelta(minutes=5)
    with transaction(engine) as s:
        rows = [OutboundMessage(channel="sms", recipient=f"136{i:08d}", text="答复", parts=1,
                                idempotency_key=f"r{i}", status=OutboundStatus.queued, attempts=0,
                                in_reply_to=f"in{i}", created_at=created) for i in range(3)]
        s.add_all(rows)
        s.flush()
        ids = [r.id for r in rows]
    gateway = UnkeyedSms(die_on="r1")
    with pytest.raises(Killed):
        deliver(engine, ids, gateway, Settings())  # type: ignore[arg-type]
    # r0 was recorded before the crash; r1 is in flight (committed before the call); r2 was never touched.
    assert _rows(engine) == {"r0": ("sent", 1), "r1": ("sending", 1), "r2": ("queued", 0)}
    run_once(engine, {"sms": gateway}, config=NO_QUIET, now=utcnow() + NO_QUIET.lease * 2)
    assert Counter(gateway.received) == Counter({"r0": 1, "r1": 2, "r2": 1})   # one repeat for one crash
    assert {k: v[0] for k, v in _rows(engine).items()} == {"r0": "sent", "r1": "sent", "r2": "sent"}


def test_unkeyed_sms_through_the_worker_keeps_the_daily_cap_per_number(engine: Engine) -> None:
    with transaction(engine) as s:
        s.add_all([OutboundMessage(channel="sms", recipient="13600000001", text=f"通知 {i}", parts=1,
                                   idempotency_key=f"c{i}", status=OutboundStatus.queued, attempts=0,
                                   in_reply_to=f"in{i}",   # replies: notifications would merge into a digest
                                   created_at=utcnow() - dt.timedelta(minutes=5)) for i in range(3)])
    gateway = UnkeyedSms()
    settings = Settings(sms_daily_cap_per_number=2)  # type: ignore[call-arg]
    assert run_once(engine, {"sms": gateway}, settings=settings, config=NO_QUIET) == 2
    assert sorted(gateway.received) == ["c0", "c1"]
    assert _rows(engine)["c2"] == ("failed", 0)
