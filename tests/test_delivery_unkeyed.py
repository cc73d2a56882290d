"""Telegram takes no idempotency key: claim → call → record, and a send that may have gone out is never repeated."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from test_telegram_fakeapi import serve

from api.db import transaction
from api.delivery.claims import UNKNOWN
from api.delivery.senders.base import Outgoing, SendError
from api.delivery.senders.telegram import BLOCKED, TelegramSender, UncertainSend
from api.delivery.worker import WorkerConfig, run_once
from api.models._types import utcnow
from api.models.messages import OutboundMessage, OutboundStatus
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DAYTIME = dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
CONFIG = WorkerConfig(rate_per_second={})


class Killed(BaseException):
    """The process dies inside the call (after Telegram got the request, before our record)."""


class FakeTelegram:
    idempotent = False

    def __init__(self, *, raise_first: list[BaseException] | None = None) -> None:
        self.chats: list[str] = []
        self.raise_first = list(raise_first or [])
        self.lock = threading.Lock()

    def send(self, message: Outgoing) -> str:
        with self.lock:
            if self.raise_first:
                error = self.raise_first.pop(0)
                if isinstance(error, UncertainSend | Killed):
                    self.chats.append(message.recipient)    # it reached Telegram; we never heard back
                raise error
            self.chats.append(message.recipient)
            return str(len(self.chats))

    def close(self) -> None:
        pass


def queue(engine: Engine, chats: list[str], *, created: dt.datetime = DAYTIME, reply: bool = False,
          attempts: int = 0) -> None:
    with transaction(engine) as s:
        for chat in chats:
            s.add(OutboundMessage(channel="telegram", recipient=chat, text=f"通知 {chat}", parts=1,
                                  idempotency_key=f"t{chat}", status=OutboundStatus.queued, attempts=attempts,
                                  in_reply_to=f"in{chat}" if reply else None, created_at=created))


def state(engine: Engine) -> dict[str, tuple[str, int, str | None]]:
    with transaction(engine) as s:
        return {r.recipient: (r.status.value, r.attempts, r.error) for r in s.scalars(select(OutboundMessage))}


def test_each_row_is_claimed_then_sent_then_recorded(engine: Engine) -> None:
    queue(engine, ["1", "2", "3"])
    fake = FakeTelegram()
    assert run_once(engine, {"telegram": fake}, config=CONFIG, now=DAYTIME) == 3
    assert sorted(fake.chats) == ["1", "2", "3"]
    assert set(state(engine).values()) == {("sent", 1, None)}


def test_a_call_that_certainly_failed_is_retried_after_back_off(engine: Engine) -> None:
    queue(engine, ["1"])
    fake = FakeTelegram(raise_first=[SendError("telegram answered 429")])
    assert run_once(engine, {"telegram": fake}, config=CONFIG, now=DAYTIME) == 0
    assert state(engine)["1"] == ("queued", 1, "telegram answered 429")
    assert run_once(engine, {"telegram": fake}, config=CONFIG, now=DAYTIME + dt.timedelta(seconds=31)) == 1
    assert fake.chats == ["1"] and state(engine)["1"] == ("sent", 2, None)


def test_a_call_that_may_have_reached_telegram_is_never_repeated(engine: Engine) -> None:
    queue(engine, ["1", "2"])
    fake = FakeTelegram(raise_first=[UncertainSend("telegram call cut off: ReadTimeout")])
    assert run_once(engine, {"telegram": fake}, config=CONFIG, now=DAYTIME) == 1
    status, attempts, error = state(engine)["1"]
    assert (status, attempts) == ("failed", 1) and error is not None and error.startswith(UNKNOWN)
    for hours in (1, 24):
        run_once(engine, {"telegram": fake}, config=CONFIG, now=DAYTIME + dt.timedelta(hours=hours))
    assert fake.chats == ["1", "2"]                          # "1" reached Telegram once and was not resent


def test_a_worker_killed_mid_call_leaves_a_row_that_is_never_resent(engine: Engine) -> None:
    queue(engine, ["1", "2"])
    with pytest.raises(Killed):
        run_once(engine, {"telegram": FakeTelegram(raise_first=[Killed()])}, config=CONFIG, now=DAYTIME)
    assert state(engine)["1"][:2] == ("sending", 1)
    after = FakeTelegram()
    assert run_once(engine, {"telegram": after}, config=CONFIG, now=DAYTIME + dt.timedelta(seconds=5)) == 1
    assert after.chats == ["2"] and state(engine)["1"][0] == "sending"       # within the lease: left alone
    run_once(engine, {"telegram": after}, config=CONFIG, now=DAYTIME + CONFIG.lease + dt.timedelta(seconds=1))
    status, _, error = state(engine)["1"]
    assert status == "failed" and error is not None and error.startswith(UNKNOWN)
    assert after.chats == ["2"]


def test_a_reply_whose_update_died_after_counting_its_attempt_is_not_resent(engine: Engine) -> None:
    queue(engine, ["1"], reply=True, attempts=1, created=DAYTIME - dt.timedelta(minutes=5))
    queue_young = DAYTIME - dt.timedelta(seconds=5)
    with transaction(engine) as s:
        s.add(OutboundMessage(channel="telegram", recipient="2", text="回复", parts=1, idempotency_key="young",
                              status=OutboundStatus.queued, attempts=0, in_reply_to="in2", created_at=queue_young))
    fake = FakeTelegram()
    assert run_once(engine, {"telegram": fake}, config=CONFIG, now=DAYTIME) == 0
    assert state(engine)["1"][0] == "failed" and fake.chats == []       # "2" is still the update's to send
    assert run_once(engine, {"telegram": fake}, config=CONFIG, now=DAYTIME + dt.timedelta(minutes=1)) == 1
    assert fake.chats == ["2"]


def test_two_workers_send_each_telegram_row_once(engine: Engine) -> None:
    chats = [str(i) for i in range(60)]
    queue(engine, chats)
    fake = FakeTelegram()
    results: list[int] = []

    def work() -> None:
        results.append(run_once(engine, {"telegram": fake}, config=CONFIG, now=DAYTIME))

    workers = [threading.Thread(target=work) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    run_once(engine, {"telegram": fake}, config=CONFIG, now=DAYTIME)   # SQLite: a worker may stop when busy
    assert sorted(fake.chats) == sorted(chats)
    assert Counter(v[0] for v in state(engine).values()) == Counter({"sent": 60})


@pytest.mark.parametrize(("failure", "kind", "permanent"), [
    (httpx.ConnectError("refused"), SendError, False),
    (httpx.ConnectTimeout("slow"), SendError, False),
    (httpx.ReadTimeout("no answer"), UncertainSend, False),
    (httpx.RemoteProtocolError("dropped"), UncertainSend, False),
])
def test_the_sender_tells_a_call_that_never_left_from_one_that_may_have(failure: Exception, kind: type,
                                                                         permanent: bool) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise failure

    sender = TelegramSender("T")
    sender.client = httpx.Client(transport=httpx.MockTransport(handler))
    with pytest.raises(SendError) as caught:
        sender.send(Outgoing("7", "hi", "k"))
    assert type(caught.value) is kind and caught.value.permanent is permanent


@pytest.mark.parametrize(("status", "message", "permanent"), [
    (403, BLOCKED, True), (400, "telegram refused", True), (429, "telegram answered 429", False),
    (502, "telegram answered 502", False),
])
def test_the_sender_treats_any_answer_as_not_sent(status: int, message: str, permanent: bool) -> None:
    sender = TelegramSender("T")
    sender.client = httpx.Client(transport=httpx.MockTransport(lambda _r: httpx.Response(status, text="x")))
    with pytest.raises(SendError) as caught:
        sender.send(Outgoing("7", "hi", "k"))
    assert type(caught.value) is SendError and str(caught.value).startswith(message)
    assert caught.value.permanent is permanent


class SlowBotApi:
    """sendMessage that takes a while and records every chat it was asked to message."""

    def __init__(self, delay: float) -> None:
        self.chats: list[str] = []
        self.delay, self.lock = delay, threading.Lock()
        self.app = Starlette(routes=[Route("/bot{token}/sendMessage", self.send, methods=["POST"])])

    async def send(self, request: Request) -> JSONResponse:
        import asyncio

        form = await request.form()
        with self.lock:
            self.chats.append(str(form["chat_id"]))
            count = len(self.chats)
        await asyncio.sleep(self.delay)
        return JSONResponse({"ok": True, "result": {"message_id": count}})


@pytest.fixture
def slow_bot_api() -> Iterator[tuple[SlowBotApi, int]]:
    fake = SlowBotApi(delay=0.01)
    with serve(fake.app) as port:
        yield fake, port


def _worker(engine: Engine, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ANJU_DATABASE_URL": engine.url.render_as_string(hide_password=False),
           "ANJU_TELEGRAM_TOKEN": "123:T", "ANJU_TELEGRAM_BASE_URL": f"http://127.0.0.1:{port}/bot",
           "ANJU_TELEGRAM_RATE_PER_SECOND": "1000",
           "ANJU_QUIET_HOURS_START": "00:00", "ANJU_QUIET_HOURS_END": "00:00"}   # no quiet hours, from Settings
    return subprocess.Popen([sys.executable, "-m", "api.delivery.worker", "--once"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_sigkill_mid_run_repeats_no_telegram_message_and_loses_at_most_the_one_in_flight(
        engine: Engine, slow_bot_api: tuple[SlowBotApi, int]) -> None:
    fake, port = slow_bot_api
    chats = [str(1000 + i) for i in range(120)]
    queue(engine, chats, created=utcnow() - dt.timedelta(minutes=1))
    first = _worker(engine, port)
    deadline = time.monotonic() + 60
    while len(fake.chats) < 30:
        assert first.poll() is None, first.stderr.read().decode() if first.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.005)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    second = _worker(engine, port)
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err.decode()
    # the row in flight at the kill: past its lease the decision rule marks it, and nothing resends it
    run_once(engine, {"telegram": FakeTelegram()}, config=CONFIG, now=utcnow() + CONFIG.lease * 2)
    assert max(Counter(fake.chats).values()) == 1                     # no chat messaged twice
    outcome = state(engine)
    sent = {chat for chat, (status, _, _) in outcome.items() if status == "sent"}
    unknown = {chat for chat, (status, _, error) in outcome.items()
               if status == "failed" and (error or "").startswith(UNKNOWN)}
    assert sent | unknown == set(chats) and len(unknown) <= 1          # at most the one in flight
    assert sent <= set(fake.chats)


def test_quiet_hours_and_rates_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANJU_QUIET_HOURS_START", "22:30")
    monkeypatch.setenv("ANJU_QUIET_HOURS_END", "07:00")
    monkeypatch.setenv("ANJU_SMS_RATE_PER_SECOND", "5")
    config = WorkerConfig.from_settings(Settings())
    assert (config.quiet_start, config.quiet_end) == (dt.time(22, 30), dt.time(7, 0))
    assert config.rate_per_second == {"sms": 5.0, "telegram": 25.0}


def test_the_worker_holds_notifications_in_the_quiet_hours_its_settings_give(engine: Engine,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    queue(engine, ["1"])
    monkeypatch.setenv("ANJU_QUIET_HOURS_START", "09:30")        # 10:00 is quiet by these settings only
    monkeypatch.setenv("ANJU_QUIET_HOURS_END", "10:30")
    fake = FakeTelegram()
    assert run_once(engine, {"telegram": fake}, settings=Settings(), now=DAYTIME) == 0
    assert run_once(engine, {"telegram": fake}, settings=Settings(), now=DAYTIME + dt.timedelta(hours=1)) == 1
    assert fake.chats == ["1"]


def test_a_busy_database_does_not_turn_a_sent_message_into_an_unknown_one(engine: Engine,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer only")
    from sqlalchemy.exc import OperationalError

    from api.delivery import unkeyed

    real, calls = unkeyed._record, []

    def busy_once(*args: object, **kwargs: object) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("UPDATE", {}, Exception("database is locked"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(unkeyed, "_record", busy_once)
    queue(engine, ["1"])
    fake = FakeTelegram()
    assert run_once(engine, {"telegram": fake}, config=CONFIG, now=DAYTIME) == 1
    assert fake.chats == ["1"] and state(engine)["1"] == ("sent", 1, None) and len(calls) == 2
