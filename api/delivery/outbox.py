"""Outbox rows: one queued message per recipient and key, written in the session of the change that caused it.

A row is never sent here: the delivery worker (``api.delivery.worker``) sends it after the commit, so a rolled-back
change leaves no message and a committed one cannot lose its message. Each person is reached once per event: on
Telegram when a chat has verified their phone (it costs nothing and shows more), otherwise by SMS; in the
language they last used with us. The idempotency key names the event and the recipient, so writing it twice is a
no-op. What the rows say is composed by ``api.services.notices``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from api.delivery.sms_parts import cost
from api.i18n import canonical_language
from api.models.conversations import Conversation
from api.models.messages import ChannelUser, OutboundMessage, OutboundStatus
from api.settings import get_settings

SMS, TELEGRAM = "sms", "telegram"


@dataclass(frozen=True)
class Recipient:
    channel: str
    address: str          # phone on SMS, chat id on Telegram
    language: str | None


def recipient_for(session: Session, phone: str) -> Recipient:
    """The verified Telegram chat of ``phone`` if there is one, else the phone by SMS.

    One statement in the usual case (no Telegram chat): the chat and the SMS language are asked together."""
    chat, state, hint = session.execute(_recipient_query(), {"phone": phone}).one()
    if chat is not None:
        return Recipient(TELEGRAM, chat, language_of(session, TELEGRAM, chat))
    return Recipient(SMS, phone, _language(state, hint))


@lru_cache(maxsize=1)
def _recipient_query():  # type: ignore[no-untyped-def]
    """Built once: a step's notification asks it per contact, and building it cost more than running it."""
    phone = bindparam("phone")
    chats = (select(ChannelUser.sender).where(ChannelUser.channel == TELEGRAM, ChannelUser.verified_phone == phone)
             .order_by(ChannelUser.updated_at.desc()).limit(1).scalar_subquery())
    return select(chats, *_language_queries(SMS, phone))


def _language_queries(channel: str, address: Any):  # type: ignore[no-untyped-def]
    return (select(Conversation.state).where(Conversation.channel == channel, Conversation.sender == address)
            .scalar_subquery(),
            select(ChannelUser.language).where(ChannelUser.channel == channel, ChannelUser.sender == address)
            .scalar_subquery())


def _language(state: dict | None, hint: str | None) -> str | None:  # type: ignore[type-arg]
    chosen = (state or {}).get("language")
    return str(chosen) if chosen else canonical_language(hint)


def language_of(session: Session, channel: str, address: str) -> str | None:
    """The language chosen in the conversation, else the channel's hint; None means the default."""
    state, hint = session.execute(select(*_language_queries(channel, address))).one()
    return _language(state, hint)


def queue(session: Session, recipient: Recipient, text: str, key: str) -> OutboundMessage | None:
    """One notification row; None when this key was already queued (an event written twice)."""
    if session.scalar(select(OutboundMessage.id).where(OutboundMessage.idempotency_key == key)) is not None:
        return None
    signature = get_settings().sms_signature
    parts = cost(text, signature).segments if recipient.channel == SMS else 1
    row = OutboundMessage(channel=recipient.channel, recipient=recipient.address, text=text, parts=parts,
                          idempotency_key=key, status=OutboundStatus.queued, attempts=0, in_reply_to=None)
    session.add(row)
    return row


def filer(session: Session, channel: str | None, sender: str | None, contact_phone: str | None) -> Recipient | None:
    """Who filed an objection or complaint: the chat or phone it came from, else the contact phone it gave."""
    if channel in (SMS, TELEGRAM) and sender:
        return Recipient(channel, sender, language_of(session, channel, sender))
    if contact_phone:
        return recipient_for(session, contact_phone)
    return None
