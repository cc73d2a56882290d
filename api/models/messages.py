"""Outgoing messages (the channel outbox) and what a channel knows about each person it talks to.

Every message the service sends is a row here first, committed with the state change that caused it, so a
crash between commit and send loses nothing and a retry never sends twice (``idempotency_key`` is unique).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base
from api.models._types import UTCDateTime, str_enum, utcnow


class OutboundStatus(enum.StrEnum):
    queued = "queued"
    # A Telegram call has begun (``sent_at`` holds when); no idempotency key there, so see api/delivery/unkeyed.py.
    sending = "sending"
    sent = "sent"
    delivered = "delivered"
    failed = "failed"


class OutboundMessage(Base):
    """One message to one recipient; on SMS one (possibly concatenated) message of ``parts`` segments."""

    __tablename__ = "outbound_messages"
    __table_args__ = (Index("ix_outbound_messages_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(Text)
    parts: Mapped[int] = mapped_column(Integer, default=1)
    # Telegram keyboards etc.; JSON text so the row stays the same on every backend.
    markup: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    status: Mapped[OutboundStatus] = mapped_column(str_enum(OutboundStatus), default=OutboundStatus.queued)
    gateway_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    error: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The inbound message this answers; None for a notification (which opt-out and blocking suppress).
    in_reply_to: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ChannelUser(Base):
    """Channel-level preferences of one sender: verified phone, language, opted out, blocked the bot."""

    __tablename__ = "channel_users"
    __table_args__ = (UniqueConstraint("channel", "sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(64))
    verified_phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)   # 退订: no notifications
    stopped: Mapped[bool] = mapped_column(Boolean, default=False)     # blocked the bot (Telegram 403)
    throttle_notice_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # SMS only: the rest of a long reply, a JSON list of messages sent one by one when the user replies 0.
    pending_sms: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
