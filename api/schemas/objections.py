"""Requests and answers for objections (异议) and their investigation."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.models import ObjectionStatus
from api.schemas.disclosure import Phone
from api.schemas.types import Id


class ObjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    notice_id: Id
    application_id: Id
    reason: str = Field(min_length=1, max_length=2000)
    contact_phone: str | None = Field(default=None, max_length=20)


class DecisionIn(BaseModel):
    """``upheld`` (成立) sends the application back or rejects it; ``dismissed`` answers the objector."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Literal["upheld", "dismissed"]
    investigation: str = Field(min_length=1, max_length=4000, description="专项调查情况")
    reason: str = Field(min_length=1, max_length=2000, description="书面说明 / written reason")
    action: Literal["send_back", "reject"] = "send_back"


class ObjectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    number: str
    notice_id: Id
    application_id: Id
    reason: str
    contact_phone: Phone | None
    channel: str
    filed_at: dt.datetime
    status: ObjectionStatus
    investigation: str
    outcome_reason: str | None
    decided_by: str | None
    decided_at: dt.datetime | None


class ObjectionPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ObjectionOut]
