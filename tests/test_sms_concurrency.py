"""Gateways retry while the first attempt is still being handled: copies racing each other have one effect."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, func, select

from api.db import transaction
from api.delivery.senders import build_sender
from api.models._types import utcnow
from api.models.conversations import InboundMessage
from api.models.messages import OutboundMessage
from api.settings import get_settings
from bot.channels.sms.handler import handle_sms
from bot.channels.sms.inbound import SmsIn


def race(engine: Engine, copies: list[SmsIn]) -> None:
    """All copies handled at once, at one instant mid-way through a dedup bucket (no flaky boundary)."""
    window = get_settings().sms_dedup_window_seconds
    start = int(utcnow().timestamp()) // window * window + window / 2
    now = dt.datetime.fromtimestamp(start, dt.UTC)
    settings = get_settings()
    sender = build_sender(settings)
    barrier = threading.Barrier(len(copies))
    errors: list[BaseException] = []

    def one(sms: SmsIn) -> None:
        barrier.wait(timeout=10)
        try:
            handle_sms(engine, sms, settings, now, sender)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(sms,)) for sms in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def counts(engine: Engine) -> tuple[int, int]:
    with transaction(engine) as session:
        return (session.scalar(select(func.count()).select_from(InboundMessage)) or 0,
                session.scalar(select(func.count()).select_from(OutboundMessage)) or 0)


@pytest.mark.parametrize("message_id", ["gw-race", None])
def test_racing_copies_get_one_reply(engine: Engine, message_id: str | None) -> None:
    race(engine, [SmsIn(sender="13800138000", text="资格", message_id=message_id) for _ in range(4)])
    assert counts(engine) == (1, 1)


def test_different_senders_at_once_all_get_answers(engine: Engine) -> None:
    race(engine, [SmsIn(sender=f"1380013800{i}", text="菜单", message_id=f"m{i}") for i in range(6)])
    assert counts(engine) == (6, 6)
