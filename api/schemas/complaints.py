"""Requests and answers for complaints; who filed is shown to the township and county only, never a village."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from api.models.complaints import ComplaintCategory, ComplaintStatus, ComplaintSubject
from api.schemas.disclosure import Phone
from api.schemas.types import Id


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    assignee: str = Field(min_length=1, max_length=128)
    area_id: Id | None = None


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=4000)


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reply: str = Field(min_length=1, max_length=2000, description="书面答复 / the written reply")


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    author: str
    text: str
    created_at: dt.datetime


class ComplaintOut(BaseModel):
    id: int
    number: str
    category: ComplaintCategory
    subject: ComplaintSubject
    subject_detail: str
    village_id: int | None
    text: str
    attachments: list[str]
    channel: str
    anonymous: bool
    sender: Phone | None
    contact_phone: Phone | None
    routed_to_id: int
    assigned_to_id: int | None
    assignee: str | None
    status: ComplaintStatus
    overdue: bool
    acknowledge_due: dt.date | None
    resolve_due: dt.date | None
    filed_at: dt.datetime
    resolution: str | None
    resolved_at: dt.datetime | None
    satisfaction: int | None
    notes: list[NoteOut]


class SatisfactionOut(BaseModel):
    area_id: int
    area: str
    rated: int
    mean: float


class ComplaintPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ComplaintOut]
