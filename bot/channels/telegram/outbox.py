"""Replies as Telegram outbox rows, queued in the update's transaction; sent after it (api.delivery.telegram)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from api.delivery.telegram import CHANNEL
from api.models.messages import OutboundMessage, OutboundStatus
from bot.channels.telegram.render import markup_to_json, remove_keyboard, render_markup, render_text
from bot.engine.types import Reply


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
