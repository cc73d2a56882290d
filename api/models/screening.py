"""Finished eligibility screenings, and the leads a farmer chose to pass to the village committee.

A screening keeps the answers and the outcome but no personal data; a lead exists only with the farmer's
consent and is the one place their name and phone are kept.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.models._types import UTCDateTime, str_enum, utcnow


class ScreeningRecord(Base):
    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    outcome: Mapped[str] = mapped_column(String(32), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(16))       # sms | telegram | terminal | api | cli
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class LeadStatus(enum.StrEnum):
    new = "new"
    contacted = "contacted"
    converted = "converted"   # the committee turned it into an application
    closed = "closed"


class Lead(Base):
    """A farmer who asked the committee to call; ``village_id`` is null when their village was not found."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), index=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    village_name: Mapped[str] = mapped_column(String(64), default="")   # as the farmer wrote it
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[LeadStatus] = mapped_column(str_enum(LeadStatus), default=LeadStatus.new, index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    screening: Mapped[ScreeningRecord] = relationship(lazy="joined")
