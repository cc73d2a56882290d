"""Complaints (举报 / 投诉) about misuse of subsidies, bribes, unfair selection or unsafe work (003 六(四)).

``routed_to`` is the level that supervises whoever is complained about — never a village committee complained
about. Who filed is kept for the written reply only: ``sender``/``contact_phone`` are empty for an anonymous
complaint, and ``sender_key`` (a keyed hash, api/services/pseudonyms.py) is all that links repeats and the 查
lookup to the filer.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base
from api.models._types import UTCDateTime, str_enum, utcnow


class ComplaintCategory(enum.StrEnum):
    funds_misused = "资金-挪用"
    funds_fraud = "资金-冒领"
    funds_withheld = "资金-克扣"
    funds_delayed = "资金-拖欠"
    bribe = "索要好处费"
    unfair_selection = "对象认定不公"
    construction_safety = "工程质量安全"
    other = "其他"


class ComplaintSubject(enum.StrEnum):
    village_committee = "village_committee"   # the committee or its members
    township = "township"                     # township staff
    county = "county"                         # county staff
    builder = "builder"
    other = "other"


class ComplaintStatus(enum.StrEnum):
    received = "received"
    in_progress = "in_progress"
    resolved = "resolved"
    reopened = "reopened"


class Complaint(Base):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    county_code: Mapped[str] = mapped_column(String(6), index=True)
    category: Mapped[ComplaintCategory] = mapped_column(str_enum(ComplaintCategory))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    subject: Mapped[ComplaintSubject] = mapped_column(str_enum(ComplaintSubject))
    subject_detail: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    attachments: Mapped[str] = mapped_column(Text, default="[]")   # JSON list of file references
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str | None] = mapped_column(String(64))
    sender_key: Mapped[str] = mapped_column(String(64), index=True)
    contact_phone: Mapped[str | None] = mapped_column(String(11))
    anonymous: Mapped[bool] = mapped_column(default=False)
    routed_to_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    assignee: Mapped[str | None] = mapped_column(String(128))
    acknowledge_due: Mapped[dt.date | None] = mapped_column(Date)
    resolve_due: Mapped[dt.date | None] = mapped_column(Date, index=True)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reminded_on: Mapped[dt.date | None] = mapped_column(Date)      # last overdue reminder (once a day)
    status: Mapped[ComplaintStatus] = mapped_column(str_enum(ComplaintStatus), default=ComplaintStatus.received)
    repeats: Mapped[int] = mapped_column(Integer, default=0)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by: Mapped[str | None] = mapped_column(String(128))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    notes: Mapped[list[ComplaintNote]] = relationship(back_populates="complaint", order_by="ComplaintNote.id",
                                                      cascade="all, delete-orphan")


class ComplaintNote(Base):
    __tablename__ = "complaint_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    author: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="notes")
