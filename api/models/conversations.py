"""Dialog state per (channel, sender), so any process can serve a conversation's next message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base
from api.models._types import UTCDateTime, utcnow


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(64))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InboundMessage(Base):
    """Every message received, keyed by the channel's message id so a redelivery has no second effect."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(128))
    sender: Mapped[str] = mapped_column(String(64), index=True)
    text: Mapped[str] = mapped_column(String(2000))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    replies: Mapped[list[Any]] = mapped_column(JSON, default=list)
