"""Residents who asked to hear when their village's publicity lists go up (订阅 + village name)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base
from api.models._types import UTCDateTime, utcnow


class Subscription(Base):
    """One channel sender following one village; 退订 (opt-out) silences it without deleting it."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("channel", "sender", "village_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(64))
    village_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
