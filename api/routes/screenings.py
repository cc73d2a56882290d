"""Eligibility pre-screening over HTTP: public for anyone to try; the leads it produces are for committees."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from api.auth import current_actor
from api.deps import SessionDep
from api.models.screening import Lead, LeadStatus
from api.schemas.applications import ApplicationIn
from api.schemas.disclosure import Phone
from api.schemas.types import Id
from api.screening import evaluate, parse_answers, records
from api.services.scope import Actor

router = APIRouter(prefix="/api/v1", tags=["screening"])
ActorDep = Annotated[Actor, Depends(current_actor)]


class ScreeningIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    county: str = Field(max_length=32)
    answers: dict[str, Any] = {}
    language: Literal["zh_Hans", "ko", "en"] | None = None   # the rule files' own translations, where given


class ScreeningOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    county_code: str
    outcome: str
    answers: dict[str, Any]
    missing: list[str]
    channel: str
    created_at: dt.datetime


class LeadOut(BaseModel):
    id: int
    name: str
    phone: Phone
    county_code: str
    village_id: int | None
    village_name: str
    status: LeadStatus
    screening_id: int
    outcome: str
    missing: list[str]
    application_id: int | None
    created_at: dt.datetime

    @classmethod
    def of(cls, lead: Lead) -> LeadOut:
        return cls(id=lead.id, name=lead.name, phone=lead.phone, county_code=lead.county_code,
                   village_id=lead.village_id, village_name=lead.village_name, status=lead.status,
                   screening_id=lead.screening_id, outcome=lead.screening.outcome,
                   missing=list(lead.screening.missing), application_id=lead.application_id,
                   created_at=lead.created_at)


class LeadPage(BaseModel):
    items: list[LeadOut]


@router.post("/screenings", status_code=201)
def create_screening(body: ScreeningIn, response: Response, session: SessionDep) -> dict[str, Any]:
    """The same judgement the bot and ``anju screen`` give; stored without personal data. No token needed."""
    answers = parse_answers(body.answers)
    result = evaluate(answers, body.county, language=body.language)
    record = records.record_screening(session, result, answers, channel="api")
    response.headers["Location"] = f"/api/v1/screenings/{record.id}"
    return result.to_json()


@router.get("/screenings/{screening_id}", response_model=ScreeningOut)
def get_screening(screening_id: Id, session: SessionDep, actor: ActorDep) -> ScreeningOut:
    """A stored screening (no personal data), for staff of its county."""
    return ScreeningOut.model_validate(records.get_screening(session, actor, screening_id))


@router.get("/leads", response_model=LeadPage)
def list_leads(session: SessionDep, actor: ActorDep, status: LeadStatus | None = None) -> LeadPage:
    """Farmers in the caller's area who asked, after a screening, to be contacted."""
    return LeadPage(items=[LeadOut.of(lead) for lead in records.list_leads(session, actor, status)])


@router.post("/leads/{lead_id}/convert", status_code=201, response_model=LeadOut)
def convert_lead(lead_id: Id, body: ApplicationIn, response: Response, session: SessionDep,
                 actor: ActorDep) -> LeadOut:
    """File the application for this lead's household; the lead then points at it."""
    lead = records.convert_lead(session, actor, lead_id, body)
    response.headers["Location"] = f"/api/v1/applications/{lead.application_id}"
    return LeadOut.of(lead)
