"""Publicity notices (公示) and the objections (异议) residents file against their entries."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.models._types import UTCDateTime, str_enum, utcnow
from api.models.applications import Application


class NoticeLevel(enum.StrEnum):
    village = "village"
    township = "township"
    county = "county"


class NoticeStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class PublicityNotice(Base):
    """The window is open from ``opened_on`` through the end of ``closes_on`` (local time)."""

    __tablename__ = "publicity_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[NoticeLevel] = mapped_column(str_enum(NoticeLevel))
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date, index=True)
    closes_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    period_citation: Mapped[str] = mapped_column(String(64), default="")
    report_phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[NoticeStatus] = mapped_column(str_enum(NoticeStatus), default=NoticeStatus.open)
    opened_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    entries: Mapped[list[NoticeEntry]] = relationship(back_populates="notice", cascade="all, delete-orphan",
                                                      order_by="NoticeEntry.id")


class NoticeEntry(Base):
    __tablename__ = "publicity_entries"
    __table_args__ = (UniqueConstraint("notice_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("publicity_notices.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)

    notice: Mapped[PublicityNotice] = relationship(back_populates="entries")
    application: Mapped[Application] = relationship(lazy="joined")


class ObjectionStatus(enum.StrEnum):
    received = "received"
    investigating = "investigating"
    upheld = "upheld"        # 异议成立
    dismissed = "dismissed"  # 异议不成立


class Objection(Base):
    """The objector's identity is kept for the written reply and never shown to the household objected to."""

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("publicity_notices.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(String(11))
    channel: Mapped[str] = mapped_column(String(16), default="api")
    sender: Mapped[str | None] = mapped_column(String(64))
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[ObjectionStatus] = mapped_column(str_enum(ObjectionStatus), default=ObjectionStatus.received)
    investigation: Mapped[str] = mapped_column(Text, default="")
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(128))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    notice: Mapped[PublicityNotice] = relationship()
    application: Mapped[Application] = relationship()
