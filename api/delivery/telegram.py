"""Telegram replies sent straight after the update's commit (the channel queued them: bot/channels/telegram/outbox.py);
what this step misses the delivery worker retries.

A 403 from Telegram means the user blocked the bot: the chat is marked stopped, so notifications skip it until
the user writes again (replies to their own messages are never suppressed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, select
from telegram import Bot, InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, TelegramObject
from telegram.error import BadRequest, Forbidden, TelegramError

from api.db import transaction
from api.delivery.channel_users import channel_user, may_notify
from api.models._types import utcnow
from api.models.messages import OutboundMessage, OutboundStatus

log = logging.getLogger(__name__)

CHANNEL = "telegram"


async def send_queued(bot: Bot, engine: Engine, ids: Iterable[int]) -> int:
    """Send the given rows in order; returns how many went out."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    rows = await asyncio.to_thread(_load, engine, wanted)
    outcomes: list[tuple[int, str | None, str | None]] = []   # (id, telegram message id, error)
    blocked: set[str] = set()
    for row_id, chat_id, text, markup in rows:
        if chat_id in blocked:
            outcomes.append((row_id, None, "blocked"))
            continue
        try:
            sent = await bot.send_message(chat_id=int(chat_id), text=text,
                                          reply_markup=markup_from_json(markup))
        except Forbidden as exc:
            log.info("telegram chat %s blocked the bot: %s", chat_id, exc.message)
            blocked.add(chat_id)
            outcomes.append((row_id, None, "blocked"))
        except (BadRequest, TelegramError) as exc:
            log.warning("telegram send to %s failed: %s", chat_id, exc)
            outcomes.append((row_id, None, f"error: {exc}"[:500]))
        else:
            outcomes.append((row_id, str(sent.message_id), None))
    await asyncio.to_thread(_record, engine, outcomes, blocked, utcnow())
    return sum(1 for _, mid, _ in outcomes if mid is not None)


def _load(engine: Engine, ids: list[int]) -> list[tuple[int, str, str, str | None]]:
    """Queued rows still to send; a notification to a chat that opted out or blocked us fails here."""
    with transaction(engine) as session:
        rows = session.scalars(select(OutboundMessage).where(
            OutboundMessage.id.in_(ids), OutboundMessage.status == OutboundStatus.queued)
            .order_by(OutboundMessage.id)).all()
        result = []
        for row in rows:
            if row.in_reply_to is None and not may_notify(session, CHANNEL, row.recipient):
                row.status, row.error = OutboundStatus.failed, "opted out or stopped"
                continue
            row.attempts += 1
            result.append((row.id, row.recipient, row.text, row.markup))
        return result


def _record(engine: Engine, outcomes: list[tuple[int, str | None, str | None]], blocked: set[str],
            now: dt.datetime) -> None:
    with transaction(engine) as session:
        for row_id, message_id, error in outcomes:
            row = session.get(OutboundMessage, row_id)
            if row is None:
                continue
            if message_id is not None:
                row.status, row.gateway_message_id, row.sent_at, row.error = (
                    OutboundStatus.sent, message_id, now, None)
            else:
                row.status, row.error = OutboundStatus.failed, error
        for chat_id in blocked:
            channel_user(session, CHANNEL, chat_id).stopped = True


def markup_from_json(raw: str | None) -> TelegramObject | None:
    """The buttons stored on the row by the channel (``bot.channels.telegram.render.markup_to_json``)."""
    if not raw:
        return None
    data: dict[str, Any] = json.loads(raw)
    if "inline_keyboard" in data:
        return InlineKeyboardMarkup.de_json(data, None)
    if "remove_keyboard" in data:
        return ReplyKeyboardRemove()
    return ReplyKeyboardMarkup.de_json(data, None)
