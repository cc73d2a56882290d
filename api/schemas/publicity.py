"""Requests and answers for publicity notices, for staff and for the public (masked)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from api.models import ApplicationState, NoticeLevel, NoticeStatus
from api.schemas.types import Id


class NoticeIn(BaseModel):
    """``closes_on`` is needed only where the county's profile states no publicity period."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    level: NoticeLevel
    area_id: Id
    application_ids: list[Id] = Field(min_length=1, max_length=500)
    title: str = Field(default="", max_length=200)
    opened_on: dt.date | None = None
    closes_on: dt.date | None = None
    report_phone: str | None = Field(default=None, max_length=20)
    minutes_ref: str | None = Field(default=None, max_length=128, description="四议两公开纪要")


class EntryOut(BaseModel):
    application_id: Id
    number: str
    state: ApplicationState
    head_name: str


class NoticeOut(BaseModel):
    id: int
    level: NoticeLevel
    area_id: Id
    county_code: str
    title: str
    opened_on: dt.date
    closes_on: dt.date
    closes_provisional: bool
    period_citation: str
    report_phone: str | None
    status: NoticeStatus
    opened_by: str
    entries: list[EntryOut]


class PublicEntry(BaseModel):
    application_id: Id
    name: str
    id_number: str
    village: str
    category: str


class PublicNotice(BaseModel):
    id: int
    level: NoticeLevel
    area: str
    title: str
    opened_on: dt.date
    closes_on: dt.date
    closes_provisional: bool
    open: bool
    window: str
    report_phone: str | None
    how_to_object: str
    entries: list[PublicEntry]
