"""Replies as Telegram messages: options become inline buttons, a contact request a one-time keyboard."""

from __future__ import annotations

import json
from collections.abc import Callable

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    TelegramObject,
)

from bot.engine.types import Reply

MAX_TEXT = 4096          # Telegram's limit for one message
MAX_CALLBACK_DATA = 64   # bytes; option keys are short, but never let a long one break sending


def render_text(reply: Reply) -> str:
    text = reply.text if not reply.citation else f"{reply.text}\n\n📄 {reply.citation}"
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def render_markup(reply: Reply, gettext: Callable[[str], str]) -> TelegramObject | None:
    """One markup per message: a contact request wins over options (a flow asks one thing at a time)."""
    _ = gettext
    if reply.request_contact:
        button = KeyboardButton(_("📱 分享我的手机号"), request_contact=True)
        return ReplyKeyboardMarkup([[button]], one_time_keyboard=True, resize_keyboard=True)
    options = [o for o in reply.options if len(o.key.encode()) <= MAX_CALLBACK_DATA]
    if not options:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(o.label, callback_data=o.key)] for o in options])


def remove_keyboard() -> ReplyKeyboardRemove:
    return ReplyKeyboardRemove()


def markup_to_json(markup: TelegramObject | None) -> str | None:
    """Stored on the outbox row, so a retry or another process sends exactly the same buttons."""
    return json.dumps(markup.to_dict(), ensure_ascii=False) if markup is not None else None
