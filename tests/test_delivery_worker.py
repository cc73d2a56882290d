"""The delivery worker: quiet hours, opt-out, back-off, rate limit, two workers, and a SIGKILL mid-run."""

from __future__ import annotations

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
from api.delivery.senders.base import Outgoing, SendError
from api.delivery.worker import RateLimiter, WorkerConfig, in_quiet_hours, run_once
from api.models.messages import ChannelUser, OutboundMessage, OutboundStatus

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DAYTIME = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
FAST = WorkerConfig(rate_per_second={})


class Recorder:
    """A sender that remembers every key it was given; ``fail`` transient failures first."""

    def __init__(self, fail: int = 0, delay: float = 0.0) -> None:
        self.keys: list[str] = []
        self.fail, self.delay, self.lock = fail, delay, threading.Lock()

    def send(self, message: Outgoing) -> str:
        time.sleep(self.delay)
        with self.lock:
            if self.fail:
                self.fail -= 1
                raise SendError("gateway busy")
            self.keys.append(message.idempotency_key)
            return f"gw-{len(self.keys)}"


def queue(engine: Engine, n: int, *, reply: bool = False, created: dt.datetime | None = None, start: int = 0,
          recipient: str | None = None) -> None:
    """Queued rows; a reply defaults to one whose after-commit send was missed (older than the grace)."""
    if created is None:
        created = DAYTIME - dt.timedelta(minutes=1) if reply else DAYTIME
    with transaction(engine) as s:
        for i in range(start, start + n):
            s.add(OutboundMessage(channel="sms", recipient=recipient or f"139{i:08d}", text=f"通知 {i}",
                                  parts=1, idempotency_key=f"k{i}", status=OutboundStatus.queued, attempts=0,
                                  in_reply_to=f"in{i}" if reply else None, created_at=created))


def statuses(engine: Engine) -> Counter[str]:
    with transaction(engine) as s:
        return Counter(r.status.value for r in s.scalars(select(OutboundMessage)))


def test_quiet_hours_hold_notifications_not_replies(engine: Engine) -> None:
    night = dt.datetime(2026, 11, 23, 22, 30, tzinfo=SHANGHAI)
    queue(engine, 2, created=night - dt.timedelta(minutes=5))
    queue(engine, 1, reply=True, start=10, created=night - dt.timedelta(minutes=5))
    sender = Recorder()
    assert run_once(engine, {"sms": sender}, config=FAST, now=night) == 1
    assert sender.keys == ["k10"]
    assert run_once(engine, {"sms": sender}, config=FAST, now=night + dt.timedelta(hours=10)) == 2
    assert sorted(sender.keys) == ["k0", "k1", "k10"]


@pytest.mark.parametrize(("hour", "quiet"), [(20, False), (21, True), (23, True), (0, True), (7, True), (8, False)])
def test_quiet_hours_are_local_time(hour: int, quiet: bool) -> None:
    moment = dt.datetime(2026, 11, 23, hour, 59 if hour == 20 or hour == 7 else 0, tzinfo=SHANGHAI)
    assert in_quiet_hours(moment, WorkerConfig(), "Asia/Shanghai") is quiet


def test_opted_out_and_stopped_get_no_notifications_but_replies(engine: Engine) -> None:
    queue(engine, 1, recipient="13900000001")
    queue(engine, 1, recipient="13900000001", reply=True, start=1)
    with transaction(engine) as s:
        s.add(ChannelUser(channel="sms", sender="13900000001", opted_out=True, stopped=False))
    sender = Recorder()
    run_once(engine, {"sms": sender}, config=FAST, now=DAYTIME)
    assert sender.keys == ["k1"]
    assert statuses(engine) == Counter({"sent": 1, "failed": 1})


def test_a_fresh_reply_is_left_to_the_request_that_queued_it(engine: Engine) -> None:
    """The callback sends its reply after its commit; a worker taking it too would send it twice on SQLite."""
    queue(engine, 1, reply=True, created=DAYTIME - dt.timedelta(seconds=5))
    sender = Recorder()
    assert run_once(engine, {"sms": sender}, config=FAST, now=DAYTIME) == 0
    assert run_once(engine, {"sms": sender}, config=FAST, now=DAYTIME + FAST.reply_grace) == 1
    assert sender.keys == ["k0"]


def test_transient_failure_is_retried_after_back_off_and_sent_once(engine: Engine) -> None:
    queue(engine, 1)
    sender, config = Recorder(fail=1), WorkerConfig(rate_per_second={}, backoff=dt.timedelta(seconds=30))
    assert run_once(engine, {"sms": sender}, config=config, now=DAYTIME) == 0
    assert run_once(engine, {"sms": sender}, config=config, now=DAYTIME + dt.timedelta(seconds=10)) == 0
    assert run_once(engine, {"sms": sender}, config=config, now=DAYTIME + dt.timedelta(seconds=31)) == 1
    assert run_once(engine, {"sms": sender}, config=config, now=DAYTIME + dt.timedelta(hours=1)) == 0
    assert sender.keys == ["k0"]
    with transaction(engine) as s:
        row = s.scalars(select(OutboundMessage)).one()
        assert (row.status, row.attempts, row.gateway_message_id) == (OutboundStatus.sent, 2, "gw-1")


def test_rate_limit_per_channel() -> None:
    limiter = RateLimiter({"sms": 50.0})
    start = time.monotonic()
    for _ in range(11):
        limiter.wait("sms")
        limiter.wait("telegram")      # no limit configured: never waits
    assert 0.19 <= time.monotonic() - start < 1.0


def test_two_workers_send_each_message_once(engine: Engine) -> None:
    queue(engine, 300)
    sender = Recorder(delay=0.002)
    results: list[int] = []
    config = WorkerConfig(rate_per_second={}, batch=10)

    def work() -> None:
        results.append(run_once(engine, {"sms": sender}, config=config, now=DAYTIME))

    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sum(results) == 300                        # SKIP LOCKED on PostgreSQL, the write lock on SQLite
    if engine.dialect.name == "postgresql":
        assert all(results)                           # both claimed rows at the same time
    assert len(sender.keys) == 300 and len(set(sender.keys)) == 300
    assert statuses(engine) == Counter({"sent": 300})


class DedupGateway:
    """A gateway on 127.0.0.1 that drops a repeated idempotency key, as a real one should, and counts."""

    def __init__(self, delay: float) -> None:
        self.delivered: dict[str, int] = {}
        self.repeats = 0
        self.delay, self.lock = delay, threading.Lock()
        self.app = Starlette(routes=[Route("/send", self.send, methods=["POST"])])

    async def send(self, request: Request) -> JSONResponse:
        import asyncio

        await asyncio.sleep(self.delay)
        key = json.loads(await request.body())["idempotency_key"]
        with self.lock:
            if key in self.delivered:
                self.repeats += 1
            else:
                self.delivered[key] = len(self.delivered) + 1
            return JSONResponse({"message_id": f"out-{self.delivered[key]}"})


@pytest.fixture
def dedup_gateway() -> Iterator[tuple[DedupGateway, int]]:
    fake = DedupGateway(delay=0.01)
    with serve(fake.app) as port:
        yield fake, port


def _worker(engine: Engine, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ANJU_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "ANJU_SMS_GATEWAY": "http", "ANJU_SMS_HTTP_URL": f"http://127.0.0.1:{port}/send",
           "ANJU_SMS_HTTP_HONOURS_KEY": "true"}   # this gateway drops repeats: the batched, keyed path
    return subprocess.Popen([sys.executable, "-m", "api.delivery.worker", "--once", "--rate", "1000"], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_sigkill_mid_run_loses_nothing_and_sends_nothing_twice(engine: Engine,
                                                               dedup_gateway: tuple[DedupGateway, int]) -> None:
    gateway, port = dedup_gateway
    queue(engine, 200, created=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1), reply=True)
    first = _worker(engine, port)
    deadline = time.monotonic() + 60
    while len(gateway.delivered) < 50:
        assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert first.returncode == -signal.SIGKILL
    killed_at = len(gateway.delivered)
    assert 50 <= killed_at < 200
    second = _worker(engine, port)
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()
    assert sorted(gateway.delivered) == sorted(f"k{i}" for i in range(200))   # nothing lost
    assert gateway.repeats <= WorkerConfig().batch                # only the unfinished batch was offered again
    with transaction(engine) as s:
        assert s.scalar(select(func.count()).select_from(OutboundMessage)
                        .where(OutboundMessage.status == OutboundStatus.sent)) == 200


def test_telegram_notifications_through_the_bot_api_and_a_block_stops_them(engine: Engine) -> None:
    from test_telegram_fakeapi import TOKEN, fake_bot_api

    from api.delivery.senders.telegram import TelegramSender

    with transaction(engine) as s:
        for chat in ("7", "8"):
            s.add(OutboundMessage(channel="telegram", recipient=chat, text=f"通知 {chat}", parts=1,
                                  idempotency_key=f"t{chat}", status=OutboundStatus.queued, attempts=0,
                                  created_at=DAYTIME))
    with fake_bot_api() as fake:
        fake.blocked.add(8)
        sender = TelegramSender(TOKEN, fake.base_url)
        assert run_once(engine, {"telegram": sender}, config=FAST, now=DAYTIME) == 1
        assert [m["text"] for m in fake.sent(7)] == ["通知 7"]
    with transaction(engine) as s:
        user = s.scalars(select(ChannelUser).where(ChannelUser.sender == "8")).one()
        assert user.stopped
    assert statuses(engine) == Counter({"sent": 1, "failed": 1})


def test_several_notifications_for_one_person_go_as_one_digest(engine: Engine) -> None:
    queue(engine, 3, recipient="13900000001")
    queue(engine, 1, recipient="13900000002", start=3)
    queue(engine, 1, recipient="13900000001", start=4, reply=True)     # a reply is never merged
    sender = Recorder()
    assert run_once(engine, {"sms": sender}, config=FAST, now=DAYTIME) == 3
    assert run_once(engine, {"sms": sender}, config=FAST, now=DAYTIME) == 0
    digests = [k for k in sender.keys if k.startswith("digest:")]
    assert len(digests) == 1 and sorted(set(sender.keys) - set(digests)) == ["k3", "k4"]
    with transaction(engine) as s:
        digest = s.scalars(select(OutboundMessage).where(OutboundMessage.idempotency_key == digests[0])).one()
        assert digest.text.count("通知") == 3 and digest.status is OutboundStatus.sent
        members = s.scalars(select(OutboundMessage).where(
            OutboundMessage.gateway_message_id == f"digest:{digest.id}")).all()
        assert sorted(m.idempotency_key for m in members) == ["k0", "k1", "k2"]
