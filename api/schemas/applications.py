"""Requests and answers for applications, their contacts, events and transitions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.models import ApplicationState, FiledBy
from api.schemas.disclosure import Phone
from api.schemas.types import Id


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    phone: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=64)
    relation: str = Field(min_length=1, max_length=16, description="监护人、亲属、村干部 …")


class ApplicationIn(BaseModel):
    """``filed_by=committee`` is for a person who is 失能失智 (003 四): reason and contacts required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    household_id: Id
    reason: str = Field(min_length=1, max_length=2000, description="申请危房改造理由")
    method: str | None = Field(default=None, max_length=16, description="新建、修缮、置换、统建 …")
    filed_by: FiledBy = FiledBy.applicant
    phone: str | None = Field(default=None, max_length=20, description="applicant's own phone")
    incapacity_reason: str | None = Field(default=None, max_length=500)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=5)


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    to: ApplicationState
    reason: str = Field(default="", max_length=2000)
    evidence: dict[str, Any] = Field(default_factory=dict)
    effective_on: dt.date | None = None


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    phone: Phone
    name: str
    relation: str


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_state: ApplicationState | None
    to_state: ApplicationState
    actor: str
    at: dt.datetime
    effective_on: dt.date
    reason: str
    evidence: dict[str, Any]
    automatic: bool


class ApplicationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    household_id: Id
    village_id: int
    township_id: int
    county_code: str
    year: int
    state: ApplicationState
    filed_by: FiledBy
    incapacity_reason: str | None
    reason: str
    method: str | None
    survey_done_on: dt.date | None
    minutes_ref: str | None
    appraisal_grade: str | None
    appraisal_report_no: str | None
    approved_on: dt.date | None
    agreement_signed_on: dt.date | None
    started_on: dt.date | None
    completed_on: dt.date | None
    acceptance_passed: bool | None
    accepted_on: dt.date | None
    paid_amount_yuan: int | None
    paid_on: dt.date | None
    closing_reason: str | None
    due_on: dt.date | None
    due_provisional: bool
    start_overdue: bool
    version: int
    created_at: dt.datetime


class ApplicationDetail(ApplicationOut):
    contacts: list[ContactOut]
    events: list[EventOut]


class ApplicationPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ApplicationOut]
