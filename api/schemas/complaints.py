"""Requests and answers for complaints; who filed is shown to the township and county only, never a village."""

from __future__ import annotations

import datetime as dt
import json

from pydantic import BaseModel, ConfigDict, Field

from api.models import AreaLevel
from api.models.complaints import Complaint, ComplaintCategory, ComplaintStatus, ComplaintSubject
from api.schemas.types import Id
from api.services.complaints import is_overdue
from api.services.disclosure import Phone
from api.services.scope import Actor
from api.services.workflow import local_date


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


def complaint_out(complaint: Complaint, actor: Actor, now: dt.datetime) -> ComplaintOut:
    """The complaint as ``actor`` may see it: a village gets neither the sender nor the contact."""
    hide = actor.level is AreaLevel.village
    return ComplaintOut(
        id=complaint.id, number=complaint.number, category=complaint.category, subject=complaint.subject,
        subject_detail=complaint.subject_detail, village_id=complaint.village_id, text=complaint.text,
        attachments=json.loads(complaint.attachments or "[]"), channel=complaint.channel,
        anonymous=complaint.anonymous, sender=None if hide else complaint.sender,
        contact_phone=None if hide else complaint.contact_phone, routed_to_id=complaint.routed_to_id,
        assigned_to_id=complaint.assigned_to_id, assignee=complaint.assignee, status=complaint.status,
        overdue=is_overdue(complaint, local_date(now)), acknowledge_due=complaint.acknowledge_due,
        resolve_due=complaint.resolve_due, filed_at=complaint.filed_at, resolution=complaint.resolution,
        resolved_at=complaint.resolved_at, satisfaction=complaint.satisfaction,
        notes=[NoteOut.model_validate(n) for n in complaint.notes])
