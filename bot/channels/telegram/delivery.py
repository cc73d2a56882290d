"""Telegram replies and notifications through the outbox: queued in the update's transaction, sent after it.

A 403 from Telegram means the user blocked the bot: the chat is marked stopped, so notifications skip it until
the user writes again (replies to their own messages are never suppressed).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Iterable

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from api.db import transaction
from api.models._types import utcnow
from api.models.messages import OutboundMessage, OutboundStatus
from bot.channels.telegram.render import (
    markup_from_json,
    markup_to_json,
    remove_keyboard,
    render_markup,
    render_text,
)
from bot.channels.users import channel_user, may_notify
from bot.engine.types import Reply

log = logging.getLogger(__name__)

CHANNEL = "telegram"


def queue_replies(session: Session, chat_id: str, replies: Iterable[Reply], *, in_reply_to: str,
                  gettext: Callable[[str], str], close_keyboard: bool = False) -> list[OutboundMessage]:
    """One outbox row per reply; the key makes a redelivered update unable to queue twice."""
    rows = []
    for index, reply in enumerate(replies):
        markup = render_markup(reply, gettext)
        if markup is None and close_keyboard:
            markup = remove_keyboard()
        row = OutboundMessage(channel=CHANNEL, recipient=chat_id, text=render_text(reply), parts=1,
                              markup=markup_to_json(markup), idempotency_key=f"tg:{in_reply_to}:{index}",
                              status=OutboundStatus.queued, in_reply_to=in_reply_to, attempts=0)
        session.add(row)
        rows.append(row)
    return rows


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
