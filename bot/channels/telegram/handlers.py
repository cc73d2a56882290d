"""Telegram updates turned into ``Inbound`` and handed to the shared inbox; replies go out via the outbox.

The sender is the private chat's id. A shared contact verifies a phone only when it is the user's own
(``contact.user_id == from_user.id``): a forwarded contact card proves nothing about who is writing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from api.db import transaction
from api.delivery.channel_users import channel_user
from api.delivery.telegram import CHANNEL, send_queued
from api.domain.phone import mask_phone, normalise_sender
from api.i18n import translator
from api.models._types import utcnow
from api.settings import Settings
from bot.channels.inbox import clean_text, receive, reply_language, with_lock_retries
from bot.channels.telegram.outbox import queue_replies
from bot.engine.types import Inbound, Reply

log = logging.getLogger(__name__)


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is None or user is None or chat is None:
        return
    contact = message.contact
    own_phone = None
    if contact is not None:
        if contact.user_id != user.id:
            await _answer(context, _inbound(update, ""), foreign_contact=True)
            return
        own_phone = normalise_sender(contact.phone_number)
    text = own_phone or message.text or message.caption or ""
    await _answer(context, _inbound(update, text), own_phone=own_phone)


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press answers like typing the option's key; the pressed keyboard is removed."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    try:
        await query.answer()
        await query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:   # an old message, already edited: the choice still counts
        log.debug("callback housekeeping failed: %s", exc)
    await _answer(context, _inbound(update, query.data or "", message_id=f"cb:{query.id}"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first (python-telegram-bot's errorhandlerbot); the user gets nothing rather than a stack trace."""
    log.error("telegram update failed: %r", update, exc_info=context.error)


def _inbound(update: Update, text: str, message_id: str | None = None) -> Inbound:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    assert chat is not None
    attachments: tuple[str, ...] = ()
    if message is not None and message.photo:
        attachments = (message.photo[-1].file_id,)
    if message_id is None:
        message_id = f"{chat.id}:{message.message_id}" if message is not None else f"u:{update.update_id}"
    return Inbound(channel=CHANNEL, sender=str(chat.id), text=clean_text(text), message_id=message_id,
                   language_hint=user.language_code if user else None, attachments=attachments,
                   received_at=utcnow())


async def _answer(context: ContextTypes.DEFAULT_TYPE, inbound: Inbound, *, own_phone: str | None = None,
                  foreign_contact: bool = False) -> None:
    engine: Engine = context.bot_data["engine"]
    settings: Settings = context.bot_data["settings"]
    ids = await asyncio.to_thread(handle_inbound, engine, inbound, settings, own_phone, foreign_contact)
    await send_queued(context.bot, engine, ids)


def handle_inbound(engine: Engine, inbound: Inbound, settings: Settings, own_phone: str | None = None,
                   foreign_contact: bool = False) -> list[int]:
    """One unit of work: channel preferences, the dialog, replies queued. [] for a redelivered update."""
    return with_lock_retries(lambda: _unit_of_work(engine, inbound, settings, own_phone, foreign_contact))


def _unit_of_work(engine: Engine, inbound: Inbound, settings: Settings, own_phone: str | None,
                  foreign_contact: bool) -> list[int]:
    now = inbound.received_at or utcnow()
    try:
        with transaction(engine) as session:
            user = channel_user(session, CHANNEL, inbound.sender)
            user.stopped = False                      # they wrote again: notifications may resume
            if inbound.language_hint and not user.language:
                user.language = inbound.language_hint
            gettext = translator(reply_language(session, inbound))
            if foreign_contact:
                replies = [Reply(_own_contact_only(gettext), request_contact=True)]
            else:
                if own_phone:
                    user.verified_phone = own_phone
                    log.info("telegram chat %s verified phone %s", inbound.sender, mask_phone(own_phone))
                inbound = dataclasses.replace(inbound, verified_phone=user.verified_phone)
                replies = receive(session, inbound, now=now, settings=settings)
            rows = queue_replies(session, inbound.sender, replies, in_reply_to=inbound.message_id or "",
                                 gettext=gettext, close_keyboard=own_phone is not None)
            session.flush()
            return [row.id for row in rows]
    except IntegrityError:
        log.info("duplicate telegram update %s dropped", inbound.message_id)
        return []


def _own_contact_only(gettext: Callable[[str], str]) -> str:
    _ = gettext
    return _("请点下面的按钮分享您本人的手机号；转发的名片不能用来核实身份。")
